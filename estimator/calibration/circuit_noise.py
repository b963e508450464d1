"""Named circuit-level noise models: which Pauli channel follows which operation.

A model maps one physical error rate p onto the rates of each kind of location of a circuit.
``depolarizing`` is the uniform model of stim's generated circuits (every Clifford, the data
qubits before each round, every reset and measurement at p); ``si1000`` is the
superconducting-inspired model of Gidney, Newman, McEwen (2022, "Benchmarking the planar
honeycomb code", its Table of noise models): two-qubit gates p, single-qubit gates and idling
p/10, reset 2p, measurement 5p, idling during a measurement or reset 2p. A new model is one
entry in ``CIRCUIT_NOISE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from estimator.errors import ConfigError


@dataclass(frozen=True)
class CircuitNoise:
    """Error probabilities of each kind of circuit location.

    Attributes:
        name, p: the model and its physical error rate.
        clifford_1q, clifford_2q: depolarizing channel after a single- / two-qubit Clifford.
        reset: flip after a reset (X after Z-basis, Z after X-basis resets).
        measure: flip before a measurement.
        idle: depolarizing on every qubit that a gate layer leaves idle.
        idle_measure: depolarizing on every qubit idle during a measurement or reset layer.
        data_round: depolarizing on every data qubit at the start of each round.
    """

    name: str
    p: float
    clifford_1q: float
    clifford_2q: float
    reset: float
    measure: float
    idle: float = 0.0
    idle_measure: float = 0.0
    data_round: float = 0.0


def depolarizing(p: float) -> CircuitNoise:
    """Uniform depolarizing noise as in stim's generated surface-code circuits."""
    return CircuitNoise("depolarizing", p, p, p, p, p, data_round=p)


def si1000(p: float) -> CircuitNoise:
    """Superconducting-inspired SI1000 noise (Gidney, Newman, McEwen 2022)."""
    return CircuitNoise("si1000", p, p / 10, p, 2 * p, 5 * p, idle=p / 10, idle_measure=2 * p)


CIRCUIT_NOISE: dict[str, Callable[[float], CircuitNoise]] = {
    "depolarizing": depolarizing,
    "si1000": si1000,
}


def circuit_noise(name: str, p: float) -> CircuitNoise:
    """The named model at physical error rate p (ConfigError for an unknown name or bad p).

    >>> circuit_noise("si1000", 1e-3).measure
    0.005
    """
    if name not in CIRCUIT_NOISE:
        raise ConfigError(
            "NOISE", f"unknown circuit noise model {name!r}; known: {', '.join(CIRCUIT_NOISE)}"
        )
    noise = CIRCUIT_NOISE[name](p)
    rates = [getattr(noise, k) for k in ("clifford_1q", "clifford_2q", "reset", "measure")]
    if not 0 < p or max(rates + [noise.idle, noise.idle_measure]) >= 0.5:
        raise ConfigError("--p", f"{name}: every error probability must lie in (0, 0.5), p = {p:g}")
    return noise
