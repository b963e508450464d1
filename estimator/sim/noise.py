"""Noise model: logical error of surface-code patches and faulty T measurements.

Litinski 2019, Sec. 1 and docs/model/index.md:
p_L(p, d) = prefactor * (p / threshold)^((d + 1) / 2) per code cycle of a d x d patch, split
evenly into logical X and Z errors. A faulty T measurement (the pi/8 rotation's magic state)
fails with probability p_t as a random Pauli error, a Z error, or a coherent over-rotation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from estimator.errors import ConfigError

T_ERROR_MODELS = ("pauli", "z", "coherent")
CONVENTIONS = {
    "litinski2019": (0.1, 0.01),
    "gidney-fowler2018": (0.1, 0.01),
    "beverland2022": (0.03, 0.01),
}
"""(prefactor, threshold) of p_L = prefactor (p / threshold)^((d + 1) / 2) in other tools:
Litinski 2019, Eq. 7 (our default); Fowler and Gidney 2018 (arXiv:1808.06709) as Qualtran's
``QECScheme.make_gidney_fowler``; Beverland et al. 2022 (arXiv:2211.07629), the default
surface code of Microsoft's resource estimator (``crossing_prefactor`` 0.03,
``error_correction_threshold`` 0.01) and Qualtran's ``QECScheme.make_beverland_et_al``."""
BOUNDS = ("best", "low", "high")


@dataclass(frozen=True)
class NoiseModel:
    """Physical noise parameters, scalars or arrays of one common shape (a parameter grid).

    Attributes:
        p_phys: circuit-level physical error rate p.
        p_t: error rate of a faulty T measurement (defaults to p_phys).
        prefactor, threshold: constants of p_L = prefactor * (p / threshold)^((d + 1) / 2).
        t_error: "pauli" (X, Y, Z with p_t/3 each: Litinski 2019, Eq. 5), "z" (Z error with p_t) or
            "coherent" (over-rotation by arcsin(sqrt(p_t)), Litinski 2019, Eq. 6).
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
        """p_L(p, d): logical error per code cycle of a d x d patch (docs/model/index.md)."""
        return self.prefactor * (self.p_phys / self.threshold) ** (
            (np.asarray(d, dtype=float) + 1) / 2
        )

    def spacelike(
        self, d_x: np.ndarray | float, d_z: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) logical error per code cycle of a patch with X distance d_x and Z distance d_z.

        docs/model/noise.md: a d_z-wide, d_x-high patch has d_z / d_x times the X strings and
        d_x / d_z times the Z strings of a square one, each with probability p_L / 2 per cycle.
        Every storage, movement and ancilla-region error of the rules is built from this.
        """
        d_x, d_z = np.asarray(d_x, dtype=float), np.asarray(d_z, dtype=float)
        return 0.5 * d_z / d_x * self.p_logical(d_x), 0.5 * d_x / d_z * self.p_logical(d_z)

    def timelike(self, area: np.ndarray | float, d_m: np.ndarray | float) -> np.ndarray:
        """Probability that a lattice-surgery measurement over ``area`` tiles (in units of
        d^2 physical tiles, e.g. Lambda d_x) lasting d_m cycles returns the wrong outcome.

        docs/model/rotations.md: (area / d_m^2) blocks of d_m x d_m x d_m, each failing with
        p_L(d_m) / 2 per d_m cycles, i.e. p_L(d_m) area / (2 d_m).
        """
        d_m = np.asarray(d_m, dtype=float)
        return 0.5 * np.asarray(area, dtype=float) / d_m * self.p_logical(d_m)

    def t_measurement_errors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(a, b, c, theta) of a faulty T measurement alone (docs/model/rotations.md: the p/3 terms).

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


class ExtrapolationWarning(UserWarning):
    """A calibrated rate used outside the sampled p or fitted d range (asked for)."""


@dataclass(frozen=True)
class RateFit:
    """A fitted channel: rate = prefactor * (p / threshold)^((d + 1) / 2) times a geometric
    factor, with the covariance of (ln prefactor, ln threshold) from a likelihood fit.

    ``likelihood_factor`` F: an interval holds the values whose likelihood is within a factor F
    of the best fit's (sinter.fit_binomial's criterion), i.e. +- sqrt(2 ln F var) in ln rate.
    """

    prefactor: float
    threshold: float
    log_covariance: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))
    likelihood_factor: float = 1000.0

    def rate(self, p: np.ndarray, d: np.ndarray, bound: str = "best") -> np.ndarray:
        """prefactor (p / threshold)^((d + 1) / 2) at the best fit or an end of its interval."""
        t = (np.asarray(d, dtype=float) + 1) / 2
        value = self.prefactor * (p / self.threshold) ** t
        if bound == "best":
            return value
        (a, b), (_, c) = self.log_covariance
        variance = a - 2 * t * b + t * t * c  # gradient of ln rate in (ln A, ln p_th): (1, -t)
        half = np.sqrt(2 * np.log(self.likelihood_factor) * np.maximum(variance, 0.0))
        return value * np.exp(half if bound == "high" else -half)


@dataclass(frozen=True)
class Calibration:
    """Fitted channels of a circuit-level noise model (estimator/calibration, docs/noise-models.md).

    Attributes:
        name: the noise model (or the file) it came from.
        square: p_L of a d x d patch (X and Z each half of it per cycle).
        x, z: logical X (distance d_x) and Z (distance d_z) errors per cycle of a patch.
        timelike: wrong outcome of a merge lasting d_m cycles.
        p_range, d_range: sampled physical error rates and fitted distances (inclusive).
    """

    name: str
    square: RateFit
    x: RateFit
    z: RateFit
    timelike: RateFit
    p_range: tuple[float, float]
    d_range: tuple[int, int]


@dataclass(frozen=True)
class CalibratedNoise(NoiseModel):
    """Noise model whose rates come from a circuit-level calibration (docs/model/noise.md and docs/model/rotations.md with
    fitted constants per channel; docs/noise-models.md maps every term).

    ``prefactor`` and ``threshold`` hold the square-patch fit (p_L, full distance). ``bound``
    picks the best fit or the low / high end of every rate's likelihood interval;
    ``extrapolate`` allows p outside the sampled and d outside the fitted range (warning).
    """

    calibration: Calibration | None = None
    bound: str = "best"
    extrapolate: bool = False

    def __post_init__(self) -> None:
        cal = self.calibration
        if cal is None:
            raise ConfigError("noise.file", "a calibrated noise model needs a calibration")
        if self.bound not in BOUNDS:
            raise ConfigError(
                "noise.bound", f"unknown value {self.bound!r}; choose one of: {', '.join(BOUNDS)}"
            )
        super().__post_init__()
        p = self.p_phys
        lowest = min(f.threshold for f in (cal.square, cal.x, cal.z, cal.timelike))
        if np.any(p >= lowest):
            raise ConfigError(
                "p_phys", f"must lie below {lowest:g}, the lowest fitted threshold of {cal.name!r}"
            )
        low, high = cal.p_range
        outside = (p < low * (1 - 1e-9)) | (p > high * (1 + 1e-9))
        if np.any(outside):
            where = f"{_show(p[outside])} lies outside the sampled range [{low:g}, {high:g}]"
            if not self.extrapolate:
                raise ConfigError(
                    "p_phys",
                    f"{where} of calibration {cal.name!r} (noise.extrapolate = true to use the fit there)",
                )
            warnings.warn(
                f"p_phys = {where} of {cal.name!r}: the fit is extrapolated", ExtrapolationWarning
            )

    def _distances(self, *ds: np.ndarray | float) -> None:
        low, high = self.calibration.d_range
        values = np.concatenate([np.atleast_1d(np.asarray(d, dtype=float)).ravel() for d in ds])
        if np.all((values >= low) & (values <= high)):
            return
        where = f"fitted distance range {low}..{high} of calibration {self.calibration.name!r}"
        if not self.extrapolate:
            bad = values[(values < low) | (values > high)]
            raise ConfigError(
                "d",
                f"{bad[0]:g} lies outside the {where} (noise.extrapolate = true to use the fit there)",
            )
        warnings.warn(
            f"distances outside the {where} use the extrapolated fit", ExtrapolationWarning
        )

    def p_logical(self, d: np.ndarray | float) -> np.ndarray:
        """p_L(p, d) of a d x d patch from the square-patch fit (no range check: the rules
        use it beside spacelike/timelike at the same distances, which are checked)."""
        return self.calibration.square.rate(self.p_phys, d, self.bound)

    def spacelike(
        self, d_x: np.ndarray | float, d_z: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) per cycle: 1/2 (d_z/d_x) A_x (p/p_x)^((d_x+1)/2), 1/2 (d_x/d_z) A_z (...)."""
        self._distances(d_x, d_z)
        d_x, d_z = np.asarray(d_x, dtype=float), np.asarray(d_z, dtype=float)
        cal, p = self.calibration, self.p_phys
        return (
            0.5 * d_z / d_x * cal.x.rate(p, d_x, self.bound),
            0.5 * d_x / d_z * cal.z.rate(p, d_z, self.bound),
        )

    def timelike(self, area: np.ndarray | float, d_m: np.ndarray | float) -> np.ndarray:
        """Wrong outcome of a merge: 1/2 (area / d_m) A_t (p / p_t)^((d_m + 1) / 2)."""
        self._distances(d_m)
        d_m = np.asarray(d_m, dtype=float)
        rate = self.calibration.timelike.rate(self.p_phys, d_m, self.bound)
        return 0.5 * np.asarray(area, dtype=float) / d_m * rate


def _show(values: np.ndarray) -> str:
    flat = np.atleast_1d(values).ravel()
    if flat.min() == flat.max():
        return f"{flat[0]:g}"
    return f"values in [{flat.min():g}, {flat.max():g}]"
