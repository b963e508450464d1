"""Planned factories under every noise model, and against a reference factory.

The planner searches under the phenomenological constants (Litinski 2019, Eq. 7); a design it
finds may sit where those constants were never checked. Each result is therefore costed again
under the two shipped circuit-level calibrations (uniform depolarizing and SI1000, extrapolated
beyond their sampled p and d; docs/noise-models.md), at the best fit and with every fitted
rate at the high end of its interval (``bound = "high"``). A result beats a reference factory
only if, under each of the three models, its p_out is at or below the reference's (same
model) and its qubitcycles are lower (``compare``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

MODELS: Mapping[str, Mapping[str, Any]] = {
    "phenomenological": {},
    "depolarizing": {"model": "calibrated", "file": "depolarizing", "extrapolate": True},
    "si1000": {"model": "calibrated", "file": "si1000", "extrapolate": True},
}
"""The ``[noise]`` tables of the three models (the first is the default table)."""
HIGH = "high"
"""The fit bound of the second column of the calibrated models."""
FIELDS = ("p_out", "qubits", "cycles", "qubitcycles")
TOLERANCE = 1e-9
"""Relative slack of "p_out at or below the reference's" (the same factory evaluated twice
may differ in the last bits; far below the simulator's guaranteed precision, 1e-6)."""


def _numbers(data: Mapping[str, Any], noise: Mapping[str, Any], bound: str | None) -> dict:
    """p_out, qubits, cycles and qubitcycles of config ``data`` under ``noise`` (NaN where the
    model has no answer, e.g. a rate above 1)."""
    from estimator.config.factory import estimate_config, parse_config
    from estimator.errors import MsdError
    from estimator.sim.noise import ExtrapolationWarning
    from estimator.studies.noise_compare import with_noise

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)  # asked for: extrapolate
            estimate = estimate_config(parse_config(with_noise(data, noise, bound), source="plan"))
    except MsdError:
        return {name: math.nan for name in FIELDS}
    return {name: float(getattr(estimate, name)) for name in FIELDS}


def under_models(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per model, the numbers of config ``data``; calibrated models also under ``HIGH``."""
    out = {}
    for name, noise in MODELS.items():
        numbers = _numbers(data, noise, None)
        if noise:
            numbers[HIGH] = _numbers(data, noise, HIGH)
        out[name] = numbers
    return out


def _versus(mine: Mapping[str, float], ref: Mapping[str, float]) -> dict[str, Any]:
    ratio = mine["qubitcycles"] / ref["qubitcycles"]
    holds = bool(mine["p_out"] <= ref["p_out"] * (1 + TOLERANCE) and ratio < 1)
    return {"ratio": ratio, "p_out": mine["p_out"], "p_out_reference": ref["p_out"], "holds": holds}


def compare(mine: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[str, Any]:
    """A result's ``under_models`` numbers against a reference's: per model the qubitcycles
    ratio and whether it holds (p_out at or below the reference's, fewer qubitcycles); it
    beats the reference when it holds under every model (best fits); ``worst_ratio`` is the
    largest of the ratios (NaN if a model has no answer for either)."""
    per_model = {}
    for name in MODELS:
        entry = _versus(mine[name], reference[name])
        if HIGH in mine[name]:
            entry[HIGH] = _versus(mine[name][HIGH], reference[name][HIGH])
        per_model[name] = entry
    ratios = [e["ratio"] for e in per_model.values()]
    return {
        "models": per_model,
        "beats": all(e["holds"] for e in per_model.values()),
        "worst_ratio": max(ratios) if all(math.isfinite(r) for r in ratios) else math.nan,
    }
