"""From merge measurements to validity limits: model rates, intervals, verdicts, the file.

``merge.collect_merges`` gives, per merge experiment, shots and errors of each error kind;
``verdicts`` compares them with the model's terms (Litinski 2019, Eq. 7 constants; the
timelike and ancilla-Z rules of its Sec. 3 with extension E1 of docs/model-extensions.md),
``derive_limits`` turns the verdicts into the limits of ``validity.Limits`` and
``validity_toml`` writes the shipped file with its provenance. ``python -m estimator.calibration.validity_fit OUT.toml`` samples and writes it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from estimator.calibration.validity import FORMAT, VERSION

LIKELIHOOD_FACTOR = 1000.0
"""Intervals: the rates whose binomial likelihood is within this factor of the best (as
sinter.fit_binomial and the calibration fits, docs/noise-models.md)."""
PHENOMENOLOGICAL = (0.1, 0.01)
"""(A, p_th) of p_L = A (p / p_th)^((d + 1) / 2) the limits test (Litinski 2019, Eq. 7)."""


def model_rate(row: Mapping[str, Any], noise: Any = None) -> float:
    """The model's probability of a merge experiment's error kind (merge.py geometry:
    span Lambda = 2 d + 2, two outputs) under ``noise`` (an estimator.sim.noise model; default
    the phenomenological constants): ``timelike`` = timelike(Lambda w, d_m), i.e.
    1/2 (Lambda w / d_m) p_L(d_m); ``z_patches`` = the ancilla-Z term (Lambda / w) d_m times
    the Z rate of a w x w patch, 1/2 (Lambda / w) d_m p_L(w), on each of the two patches
    (Litinski 2019, Sec. 3, with extension E1)."""
    from estimator.sim.noise import NoiseModel

    noise = noise or NoiseModel(row["p"], None, *PHENOMENOLOGICAL)
    d, w, d_m = row["d"], row["width"], row["d_m"]
    span = 2 * d + 2
    if row["kind"] == "timelike":
        return float(noise.timelike(span * w, d_m))
    if row["kind"] == "z_patches":
        return 2 * float(noise.spacelike(w, w)[1]) * span / w * d_m
    raise ValueError(f"no model rate for {row['kind']!r}")


def binomial_interval(errors: int, shots: int) -> tuple[float, float]:
    """Rates whose binomial likelihood lies within LIKELIHOOD_FACTOR of the best."""
    best = errors / shots
    drop = np.log(LIKELIHOOD_FACTOR)

    def loss(q: float) -> float:
        value = 0.0
        if errors:
            value += errors * (np.log(best) - np.log(q))
        if shots - errors:
            value += (shots - errors) * (np.log1p(-best) - np.log1p(-q))
        return value - drop

    def solve(inside: float, outside: float) -> float:
        for _ in range(200):
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if loss(middle) < 0 else (inside, middle)
        return inside

    low = 0.0 if errors == 0 else solve(best, 0.0)
    high = 1.0 if errors == shots else solve(best, 1.0)
    return low, high


def verdicts(
    rows: Sequence[Mapping[str, Any]], reference: Callable[[float], Any] | None = None
) -> list[dict[str, Any]]:
    """Per merged row with a model term: the measured probability of the merge's own errors
    (z_patches: minus the idle baseline of the same d, d_m and p; rows without one are left
    out), its interval, the model's value (under ``reference(p)``, default the
    phenomenological constants) and whether the model holds (at or above the interval's low
    end: the model may be pessimistic, not optimistic)."""
    idle = {(r["d"], r["d_m"], r["p"], r["kind"]): r for r in rows if not r["merged"]}
    out = []
    for r in rows:
        baseline = (r["d"], r["d_m"], r["p"], r["kind"])
        if not r["merged"] or r["kind"] not in ("timelike", "z_patches"):
            continue
        if r["kind"] == "z_patches" and baseline not in idle:
            continue  # no idle baseline sampled at this size and p
        low, high = binomial_interval(r["errors"], r["shots"])
        rate = r["errors"] / r["shots"]
        if r["kind"] == "z_patches":
            base = idle[baseline]
            b_low, b_high = binomial_interval(base["errors"], base["shots"])
            rate -= base["errors"] / base["shots"]
            low, high = low - b_high, high - b_low
        model = model_rate(r, reference(r["p"]) if reference else None)
        out.append(
            {key: r[key] for key in ("p", "d", "width", "d_m", "kind")}
            | {"measured": rate, "interval": [low, high], "model": model, "holds": model >= low}
        )
    return out


def derive_limits(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The region-width and d_m limits the measurements support (``verdicts``).

    ``max_excess``: the largest w - d below the first ancilla-Z row that fails, and at least
    0: w = d_x is the published rule itself (Litinski 2019), not an extension, so the limit
    only ever refuses regions wider than their patches. Per sampled p, ``least``: the least
    d_m such that every timelike row with d_m at or above it holds."""
    judged = verdicts(rows)
    z = [v for v in judged if v["kind"] == "z_patches"]
    failed = [v["width"] - v["d"] for v in z if not v["holds"]]
    supported = [v["width"] - v["d"] for v in z if not failed or v["width"] - v["d"] < min(failed)]
    d_m = []
    for p in sorted({v["p"] for v in judged if v["kind"] == "timelike"}):
        t = [v for v in judged if v["kind"] == "timelike" and v["p"] == p]
        bad = [v["d_m"] for v in t if not v["holds"]]
        good = sorted(v["d_m"] for v in t if not bad or v["d_m"] > max(bad))
        if good:
            d_m.append({"p_max": p, "least": good[0]})
    width = {"max_excess": max([0, *supported])}
    if failed:
        width["first_failing_excess"] = min(failed)
    return {"region_width": width, "d_m": d_m}



def validity_toml(
    rows: Sequence[Mapping[str, Any]],
    made: Mapping[str, Any],
    cross: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The shipped file: provenance, the limits, the measurements and the verdicts they rest
    on (depolarizing noise against the phenomenological constants), and ``cross``: rows of
    another circuit noise model, judged against its shipped calibration (not limits)."""
    limits = derive_limits(rows)
    lines = [f'format = "{FORMAT}"', f"version = {VERSION}", "", "[made]"]
    lines += [f"{key} = {_value(value)}" for key, value in made.items()]
    width = limits["region_width"]
    lines += ["", "[limits.region_width]", *(f"{k} = {_value(v)}" for k, v in width.items())]
    for row in limits["d_m"]:
        lines += ["", "[[limits.d_m]]", *(f"{k} = {_value(v)}" for k, v in row.items())]
    tables = [("measurement", rows), ("verdict", verdicts(rows))]
    for model in sorted({r["noise"] for r in cross}):
        of_model = [r for r in cross if r["noise"] == model]
        tables += [("cross_check", of_model), ("cross_verdict", cross_verdicts(of_model, model))]
    for name, table in tables:
        for row in table:
            lines += ["", f"[[{name}]]", *(f"{k} = {_value(v)}" for k, v in row.items())]
    return "\n".join(lines) + "\n"


def cross_verdicts(rows: Sequence[Mapping[str, Any]], name: str) -> list[dict[str, Any]]:
    """``verdicts`` of rows sampled under circuit noise ``name`` against its shipped
    calibration (docs/noise-models.md), extrapolated in d where the sizes leave its fitted
    range (w = 2 and 10; no warning: the verdict says how far off it is)."""
    import warnings

    from estimator.calibration.models import named_model
    from estimator.sim.noise import ExtrapolationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        judged = verdicts(rows, lambda p: named_model(name, p, extrapolate=True))
    return [v | {"noise": name} for v in judged]


def _value(value: Any) -> str:
    """A TOML value (strings, numbers, booleans, lists and flat tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating):
        return repr(float(value)) if isinstance(value, float | np.floating) else str(int(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(_value(v) for v in value) + "]"


def measure(workers: int = 1) -> list[dict[str, Any]]:
    """The measurements of the shipped file: every size of merge.MERGE_SIZES at p = 1e-3
    (200,000 shots or 300 errors), the sizes of merge.DEEP_SIZES again to 3,000,000 shots or
    1,500 errors (replacing the first), merge.SHORT_SIZES at p = 5e-4 and 2e-3."""
    from estimator.calibration.merge import DEEP_SIZES, MERGE_SIZES, SHORT_SIZES, collect_merges

    def key(row: Mapping[str, Any]) -> tuple:
        return tuple(row[k] for k in ("p", "d", "width", "d_m", "merged", "kind"))

    rows = {key(r): r for r in collect_merges(1e-3, MERGE_SIZES, workers=workers)}
    deep = collect_merges(
        1e-3, DEEP_SIZES, max_shots=3_000_000, max_errors=1500, workers=workers
    )
    rows |= {key(r): r for r in deep}
    for p in (5e-4, 2e-3):
        short = collect_merges(p, SHORT_SIZES, max_shots=400_000, workers=workers)
        rows |= {key(r): r for r in short}
    return sorted(rows.values(), key=key)


def measure_cross(workers: int = 1) -> list[dict[str, Any]]:
    """The cross-check of the shipped file: merge.DEEP_SIZES under SI1000 noise at p = 1e-3
    (1,000,000 shots or 1,000 errors)."""
    from estimator.calibration.merge import DEEP_SIZES, collect_merges

    return collect_merges(
        1e-3, DEEP_SIZES, noise="si1000", max_shots=1_000_000, max_errors=1000, workers=workers
    )


def main(argv: Sequence[str]) -> None:
    """``python -m estimator.calibration.validity_fit OUT.toml [WORKERS]``: sample, derive,
    write."""
    import datetime
    import time
    from importlib.metadata import version

    start = time.time()
    workers = int(argv[1]) if len(argv) > 1 else 1
    rows, cross = measure(workers), measure_cross(workers)
    made = {
        "command": "python -m estimator.calibration.validity_fit " + " ".join(argv),
        "circuit": "estimator/calibration/merge.py merge_circuit (depolarizing noise)",
        "decoder": "pymatching",
        "tools": {name: version(name) for name in ("stim", "sinter", "pymatching")},
        "date": datetime.date.today().isoformat(),
        "likelihood_factor": LIKELIHOOD_FACTOR,
        "shots": sum(r["shots"] for r in [*rows, *cross] if r["kind"] != "timelike"),
        "wall_seconds": round(time.time() - start, 1),
    }
    text = validity_toml(rows, made, cross)
    target = Path(argv[0])
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text)
    os.replace(partial, target)


if __name__ == "__main__":
    main(sys.argv[1:])
