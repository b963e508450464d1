"""The calibration file: raw statistics, how they were made, and the fit, as one JSON object.

Format (``"format": "msd-calibration"``, ``"version": 1``; docs/noise-models.md):
``noise`` (circuit model name), ``made`` (command, tool versions, decoder, date, shot and
error limits, total shots, errors, worker seconds, wall seconds), ``ranges`` (sampled p and
fitted d, inclusive), ``plan`` (p, d, rounds factor), ``fit`` (per channel: prefactor,
threshold, their intervals, the covariance of their logarithms, points, errors, deviance) and
``stats`` (one object per circuit, the fields of ``sampling.Stat``). Shipped files live in
``estimator/calibration/data/NAME.json``; ``load_calibration`` takes such a NAME or a path.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from estimator.errors import ConfigError, ModelError
from estimator.inputs import read_json
from estimator.sim.noise import Calibration, RateFit

FORMAT, VERSION = "msd-calibration", 1
DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_names() -> list[str]:
    """Names of the calibration files installed with the package."""
    return sorted(p.stem for p in DATA_DIR.glob("*.json"))


def calibration_record(
    plan: Any,
    stats: Sequence[Any],
    *,
    max_shots: int,
    max_errors: int,
    wall_seconds: float,
    command: str = "",
) -> dict[str, Any]:
    """The JSON object of a calibration file: statistics of ``plan``, fitted."""
    import datetime
    from importlib.metadata import version

    from estimator.calibration.fit import LIKELIHOOD_FACTOR, fit_all
    from estimator.calibration.sampling import totals

    fits = fit_all(stats)
    made = {
        "command": command,
        "tools": {name: version(name) for name in ("stim", "sinter", "pymatching")},
        "decoder": "pymatching",
        "date": datetime.date.today().isoformat(),
        "max_shots": max_shots,
        "max_errors": max_errors,
        **totals(stats),
        "wall_seconds": round(wall_seconds, 1),
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "noise": plan.noise,
        "made": made,
        "ranges": {
            "p": [min(plan.p), max(plan.p)],
            "d": [min(plan.distances), max(plan.distances)],
        },
        "plan": {"p": list(plan.p), "d": list(plan.distances), "rounds_factor": plan.rounds_factor},
        "fit": {
            "likelihood_factor": LIKELIHOOD_FACTOR,
            "channels": {name: _fit_record(fit) for name, fit in fits.items()},
        },
        "stats": [asdict(s) for s in stats],
    }


def _fit_record(fit: Any) -> dict[str, Any]:
    rate = fit.rate
    return {
        "prefactor": rate.prefactor,
        "threshold": rate.threshold,
        "prefactor_interval": list(_interval(rate, 0)),
        "threshold_interval": list(_interval(rate, 1)),
        "log_covariance": [list(row) for row in rate.log_covariance],
        "points": fit.points,
        "errors": fit.errors,
        "deviance": round(fit.deviance, 3),
        "overdispersion": round(fit.overdispersion, 3),
    }


def _interval(rate: RateFit, index: int) -> tuple[float, float]:
    """Likelihood interval of the prefactor (0) or threshold (1)."""
    best = (rate.prefactor, rate.threshold)[index]
    half = np.sqrt(2 * np.log(rate.likelihood_factor) * rate.log_covariance[index][index])
    return float(best * np.exp(-half)), float(best * np.exp(half))


def write_calibration(path: Path, record: Mapping[str, Any]) -> None:
    """Write ``record`` as JSON beside ``path`` and rename it into place (atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(record, out, indent=1)
            out.write("\n")
        os.chmod(name, 0o644)  # mkstemp makes it private; a data file is for every reader
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def resolve(name_or_path: str, base: Path | None = None) -> Path:
    """A shipped calibration NAME or a path (relative to ``base``, e.g. a config's folder)."""
    if name_or_path in shipped_names():
        return DATA_DIR / f"{name_or_path}.json"
    path = Path(name_or_path)
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.suffix != ".json" and not path.exists():
        known = ", ".join(shipped_names()) or "none"
        raise ConfigError(
            "noise.file",
            f"unknown calibration {name_or_path!r} (shipped: {known}; or a .json path)",
        )
    return path


def read_record(name_or_path: str, base: Path | None = None) -> dict[str, Any]:
    """The JSON object of a calibration file, checked for its format and fields."""
    path = resolve(name_or_path, base)
    record = read_json(path, field="noise.file")
    _check_record(record, str(path))
    return record


def load_calibration(name_or_path: str, base: Path | None = None) -> Calibration:
    """The fitted channels of a shipped calibration NAME or a calibration file."""
    record = read_record(name_or_path, base)
    channels = record["fit"]["channels"]
    factor = float(record["fit"]["likelihood_factor"])
    rates = {
        name: RateFit(
            float(c["prefactor"]),
            float(c["threshold"]),
            tuple(tuple(float(v) for v in row) for row in c["log_covariance"]),
            factor,
        )
        for name, c in channels.items()
    }
    p_range, d_range = record["ranges"]["p"], record["ranges"]["d"]
    label = name_or_path if name_or_path in shipped_names() else Path(name_or_path).name
    return Calibration(
        label,
        rates["square"],
        rates["x"],
        rates["z"],
        rates["timelike"],
        (float(p_range[0]), float(p_range[1])),
        (int(d_range[0]), int(d_range[1])),
    )


def record_stats(record: Mapping[str, Any]) -> list[Any]:
    """The statistics of a calibration record as ``sampling.Stat`` values."""
    from estimator.calibration.sampling import Stat

    return [Stat(**s) for s in record["stats"]]


def _check_record(record: Any, where: str) -> None:
    """ConfigError naming the first missing or malformed part of a calibration record."""

    def fail(part: str, message: str) -> None:
        raise ConfigError("noise.file", f"{where}: {part}: {message}")

    if not isinstance(record, dict) or record.get("format") != FORMAT:
        fail("format", f"not a {FORMAT!r} file")
    if record.get("version") != VERSION:
        fail("version", f"expected {VERSION}, got {record.get('version')!r}")
    for key in ("noise", "made", "ranges", "fit", "stats"):
        if key not in record:
            fail(key, "missing")
    ranges = record["ranges"]
    for key in ("p", "d"):
        value = ranges.get(key) if isinstance(ranges, dict) else None
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and 0 < value[0] <= value[1]
        ):
            fail(f"ranges.{key}", f"expected [low, high] with 0 < low <= high, got {value!r}")
    fit = record["fit"]
    channels = fit.get("channels") if isinstance(fit, dict) else None
    if not isinstance(channels, dict):
        fail("fit.channels", "missing")
    factor = fit.get("likelihood_factor")
    if not isinstance(factor, int | float) or not factor > 1:
        fail("fit.likelihood_factor", f"must be a number > 1, got {factor!r}")
    for name in ("square", "x", "z", "timelike"):
        c = channels.get(name)
        if not isinstance(c, dict):
            fail(f"fit.channels.{name}", "missing")
        for key in ("prefactor", "threshold"):
            value = c.get(key)
            if not isinstance(value, int | float) or not 0 < value < np.inf:
                fail(f"fit.channels.{name}.{key}", f"must be a positive number, got {value!r}")
        cov = c.get("log_covariance")
        if not (
            isinstance(cov, list)
            and len(cov) == 2
            and all(isinstance(r, list) and len(r) == 2 for r in cov)
            and all(isinstance(v, int | float) and np.isfinite(v) for r in cov for v in r)
        ):
            fail(f"fit.channels.{name}.log_covariance", "must be a 2 x 2 matrix of numbers")
    from estimator.calibration.sampling import Stat

    names = {f.name for f in fields(Stat)}
    if not isinstance(record["stats"], list) or not all(
        isinstance(s, dict) and set(s) == names for s in record["stats"]
    ):
        fail("stats", f"must be a list of objects with keys {', '.join(sorted(names))}")


def refit(record: Mapping[str, Any]) -> dict[str, Any]:
    """The fit of a record's statistics, as stored in ``fit.channels`` (to check a file)."""
    from estimator.calibration.fit import fit_all

    stats = record_stats(record)
    if not stats:
        raise ModelError("calibration: the file has no statistics to fit")
    return {name: _fit_record(fit) for name, fit in fit_all(stats).items()}
