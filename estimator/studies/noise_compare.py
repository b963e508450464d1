"""One factory under several noise models: p_out against p_phys at fixed distances, and the
cost of the cheapest factory of a grid that meets a target, per model (issue 12's study of
Litinski 2019, Table 1 under circuit-level calibrations; notebooks/calibrated_noise.ipynb and
docs/figures/make_figures.py).

A noise model here is a ``[noise]`` table (``docs/model/`` section 2 and
``docs/noise-models.md``); ``MODELS`` names the ones the study compares.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from estimator.config.factory import estimate_config, parse_config
from estimator.errors import MsdError
from estimator.studies.sweep import Axis, run_sweep

MODELS: Mapping[str, Mapping[str, Any]] = {
    "002": {},
    "A=0.03": {"convention": "beverland2022"},
    "depolarizing": {"model": "calibrated", "file": "depolarizing", "extrapolate": True},
    "si1000": {"model": "calibrated", "file": "si1000", "extrapolate": True},
}
"""The study's models: Litinski 2019's constants (A = 0.1, p_th = 0.01; Litinski 2019, Eq. 7),
the A = 0.03 convention of Microsoft's estimator, and the shipped calibrations (extrapolated
beyond their sampled p and d, as every Table 1 factory needs)."""

MODEL_LABELS: Mapping[str, str] = {
    "002": r"Litinski 2019: $A$ = 0.1, $p_\mathrm{th}$ = 0.01",
    "A=0.03": r"$A$ = 0.03 (Microsoft's estimator)",
    "depolarizing": "calibrated: uniform depolarizing",
    "si1000": "calibrated: SI1000",
}
"""Legend labels of MODELS."""


def with_noise(
    data: Mapping[str, Any], noise: Mapping[str, Any], bound: str | None = None
) -> dict[str, Any]:
    """Config data with its ``[noise]`` table replaced by ``noise`` (and every fitted rate at
    the ``bound`` end of its interval: "low" or "high"); a ``[paper]`` table is dropped."""
    result = copy.deepcopy(dict(data))
    result.pop("paper", None)
    result["noise"] = dict(noise)
    if bound:
        result["noise"]["bound"] = bound
    return result


def p_out_curve(
    data: Mapping[str, Any],
    noise: Mapping[str, Any],
    p_phys: Sequence[float],
    bound: str | None = None,
) -> np.ndarray:
    """p_out per output state of the factory ``data`` under ``noise`` at each ``p_phys``; NaN
    where the model has no answer (p beyond its threshold, a rate above 1)."""
    values = []
    for p in p_phys:
        point = {**with_noise(data, noise, bound), "p_phys": float(p)}
        try:
            values.append(float(estimate_config(parse_config(point)).p_out))
        except MsdError:
            values.append(np.nan)
    return np.array(values)


def cheapest_curve(
    data: Mapping[str, Any],
    noise: Mapping[str, Any],
    axes: Sequence[Axis],
    p_phys: Sequence[float],
    target: float,
) -> np.ndarray:
    """At each ``p_phys``: the fewest qubitcycles per output state among the factories of the
    grid ``axes`` around ``data`` with p_out <= ``target`` under ``noise`` (NaN if none)."""
    grid = [*axes, Axis("p_phys", tuple(float(p) for p in p_phys))]
    records = run_sweep(with_noise(data, noise), grid).records
    best = []
    for p in grid[-1].values:
        costs = [
            r["qubitcycles"] for r in records if r["vary.p_phys"] == p and r["p_out"] <= target
        ]
        best.append(min(costs) if costs else np.nan)
    return np.array(best)
