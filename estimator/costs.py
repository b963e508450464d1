"""Cost summaries: full distance and the space-time cost in units of d^3.

Litinski 2019, Sec. 2 ("full distance") and docs/model/costs.md: the full
distance of an N_q-qubit computation with 1/p_eff T gates is the large root of
N_q / p_eff * d * p_L(p, d) = 0.01, rounded to an odd integer as 2 round(d/2) + 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.errors import PrecisionError
from estimator.sim.noise import NoiseModel

FULL_DISTANCE_QUBITS = (231, 20284)
"""Logical qubits of the 100-qubit and 10,000-qubit computations of Litinski 2019, Table 1 (docs/model/costs.md)."""
COMPUTATION_FAILURE = 0.01


NO_LOGICAL_ERRORS = "not defined: no logical errors (noise.prefactor = 0)"
EVERY_DISTANCE = (
    "not defined: every distance, even d = 1, keeps the computation below 1% failure "
    "(p_phys far below threshold or p_out far below 1 / (T gates))"
)


@dataclass(frozen=True)
class FullDistance:
    """Full distance d of an ``logical_qubits`` computation and the cost QC / (2 d^3).

    ``d`` and ``cost_d3`` are NaN where the full distance is not defined; ``reason`` says why
    (NO_LOGICAL_ERRORS or EVERY_DISTANCE; empty if every value is defined)."""

    logical_qubits: int
    d: np.ndarray
    cost_d3: np.ndarray
    reason: str = ""


def full_distance_root(noise: NoiseModel, p_eff: np.ndarray, logical_qubits: int) -> np.ndarray:
    """Real d with logical_qubits / p_eff * d * p_L(p, d) = 0.01, on the branch where the
    left side decreases (d > -2 / ln(p / threshold)); NaN where the left side stays below
    0.01 for every d (then every distance meets the target: EVERY_DISTANCE).

    Newton's method on g(d) = log of the left side / 0.01, which is concave with its peak at
    d = -1 / slope; started right of the peak it converges monotonically to the large root.
    """
    p_eff = np.asarray(p_eff, dtype=float)
    if np.any(p_eff <= 0):  # NaN (a refused float64 value) propagates
        raise PrecisionError(
            "full distance: p_out is 0 (it underflows float64), so the number of T gates and "
            "the full distance are not defined"
        )
    slope = 0.5 * np.log(noise.p_phys / noise.threshold)  # d ln p_L / d d (negative)
    offset = np.log(logical_qubits * noise.prefactor / (COMPUTATION_FAILURE * p_eff)) + slope
    peak = -1.0 / slope
    everywhere = offset + np.log(peak) + slope * peak < 0  # g < 0 for all d: no root
    offset = np.where(everywhere, np.nan, offset)
    d = np.broadcast_to(2 * peak, np.broadcast(slope, offset).shape).copy()
    for _ in range(100):
        step = (offset + np.log(d) + slope * d) / (1 / d + slope)
        d = d - step
        if np.all(~(np.abs(step) >= 1e-12 * d)):  # NaN points (no root) are done
            break
    return d


def full_distances(
    noise: NoiseModel, p_eff: np.ndarray, qubitcycles: np.ndarray
) -> tuple[FullDistance, ...]:
    """Both columns of Litinski 2019, Table 1: odd full distance and qubitcycles / (2 d^3).

    Where no distance is needed, d and the cost are NaN ("not defined") with the reason:
    without logical errors (``noise.prefactor == 0``), or where every distance meets the
    target."""
    result = []
    for n_q in FULL_DISTANCE_QUBITS:
        if noise.prefactor == 0:
            nan = np.full(np.broadcast(p_eff, qubitcycles).shape, np.nan)
            result.append(FullDistance(n_q, nan, nan, NO_LOGICAL_ERRORS))
            continue
        d = 2 * np.round(full_distance_root(noise, p_eff, n_q) / 2) + 1
        reason = EVERY_DISTANCE if np.any(np.isnan(d)) else ""
        result.append(FullDistance(n_q, d, qubitcycles / (2 * d**3), reason))
    return tuple(result)
