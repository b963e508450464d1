"""Noise model: logical error of surface-code patches and faulty T measurements.

002_c83c776f5650c552.txt Sec. 1 and ../shared/MODEL.md sections 1-2:
p_L(p, d) = prefactor * (p / threshold)^((d + 1) / 2) per code cycle of a d x d patch, split
evenly into logical X and Z errors. A faulty T measurement (the pi/8 rotation's magic state)
fails with probability p_t as a random Pauli error, a Z error, or a coherent over-rotation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.errors import ConfigError

T_ERROR_MODELS = ("pauli", "z", "coherent")


@dataclass(frozen=True)
class NoiseModel:
    """Physical noise parameters, scalars or arrays of one common shape (a parameter grid).

    Attributes:
        p_phys: circuit-level physical error rate p.
        p_t: error rate of a faulty T measurement (defaults to p_phys).
        prefactor, threshold: constants of p_L = prefactor * (p / threshold)^((d + 1) / 2).
        t_error: "pauli" (X, Y, Z with p_t/3 each: 002 Eq. 5), "z" (Z error with p_t) or
            "coherent" (over-rotation by arcsin(sqrt(p_t)), 002 Eq. 6).
    """

    p_phys: np.ndarray | float
    p_t: np.ndarray | float | None = None
    prefactor: float = 0.1
    threshold: float = 0.01
    t_error: str = "pauli"

    def __post_init__(self) -> None:
        p = np.asarray(self.p_phys, dtype=float)
        if not (self.threshold > 0 and np.isfinite(self.threshold)):
            raise ConfigError("noise.threshold", f"must be a positive number, got {self.threshold}")
        if not (self.prefactor >= 0 and np.isfinite(self.prefactor)):
            raise ConfigError(
                "noise.prefactor", f"must be a non-negative number, got {self.prefactor}"
            )
        if not np.all((p > 0) & (p < self.threshold)):
            raise ConfigError(
                "p_phys",
                f"must lie in (0, {self.threshold:g}) (the threshold of p_L), got {_show(p)}",
            )
        p_t = p if self.p_t is None else np.asarray(self.p_t, dtype=float)
        if not np.all((p_t >= 0) & (p_t < 0.5)):
            raise ConfigError("p_t", f"must lie in [0, 0.5), got {_show(p_t)}")
        if self.t_error not in T_ERROR_MODELS:
            raise ConfigError(
                "noise.t_error",
                f"unknown model {self.t_error!r}; known: {', '.join(T_ERROR_MODELS)}",
            )
        object.__setattr__(self, "p_phys", p)
        object.__setattr__(self, "p_t", p_t)

    def p_logical(self, d: np.ndarray | float) -> np.ndarray:
        """p_L(p, d): logical error per code cycle of a d x d patch (MODEL.md section 1)."""
        return self.prefactor * (self.p_phys / self.threshold) ** (
            (np.asarray(d, dtype=float) + 1) / 2
        )

    def spacelike(
        self, d_x: np.ndarray | float, d_z: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) logical error per code cycle of a patch with X distance d_x and Z distance d_z.

        MODEL.md section 2: a d_z-wide, d_x-high patch has d_z / d_x times the X strings and
        d_x / d_z times the Z strings of a square one, each with probability p_L / 2 per cycle.
        Every storage, movement and ancilla-region error of the rules is built from this.
        """
        d_x, d_z = np.asarray(d_x, dtype=float), np.asarray(d_z, dtype=float)
        return 0.5 * d_z / d_x * self.p_logical(d_x), 0.5 * d_x / d_z * self.p_logical(d_z)

    def timelike(self, area: np.ndarray | float, d_m: np.ndarray | float) -> np.ndarray:
        """Probability that a lattice-surgery measurement over ``area`` tiles (in units of
        d^2 physical tiles, e.g. Lambda d_x) lasting d_m cycles returns the wrong outcome.

        MODEL.md 4.1-4.3: (area / d_m^2) blocks of d_m x d_m x d_m, each failing with
        p_L(d_m) / 2 per d_m cycles, i.e. p_L(d_m) area / (2 d_m).
        """
        d_m = np.asarray(d_m, dtype=float)
        return 0.5 * np.asarray(area, dtype=float) / d_m * self.p_logical(d_m)

    def t_measurement_errors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(a, b, c, theta) of a faulty T measurement alone (MODEL.md 4.1: the p/3 terms).

        a, b, c: probabilities of a P_{pi/2}, P_{-pi/4}, P_{pi/4} error; theta: coherent
        over-rotation angle.
        """
        zero = np.zeros_like(self.p_t)
        if self.t_error == "pauli":
            third = self.p_t / 3
            return third, third, third, zero
        if self.t_error == "z":
            return self.p_t, zero, zero, zero
        return zero, zero, zero, np.arcsin(np.sqrt(self.p_t))


def _show(values: np.ndarray) -> str:
    flat = np.atleast_1d(values).ravel()
    return f"{flat[0]:g}" if flat.size == 1 else f"values in [{flat.min():g}, {flat.max():g}]"
