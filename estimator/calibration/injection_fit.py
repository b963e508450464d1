"""Injection calibration: sampling plan, the fit p_S = c p, and the ``injection`` entry of a file.

Two variants of the experiment of ``injection.py``: ``postselected`` discards every shot with
a detection event in the first two rounds (Li 2015, arXiv:1410.7808), ``decoded`` keeps every
shot and decodes it. Per variant one slope c is fitted, by maximum likelihood over the kept
shots of all sampled p and d, to the S-state proxy's logical error p_S = c p (the leading
order: one fault near the injected qubit before it is protected). The T state's error is then
p_t = T_FROM_S c p (docs/model/injection.md). The kept shots' logical Pauli frames (X, Y, Z,
from the two observables of ``injection.py``) are stored too: ``pauli_over_s`` = (X + Y + Z) /
(X + Z) is what the S proxy misses of the total Pauli error, a check on T_FROM_S.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from estimator.errors import ConfigError

T_FROM_S = 2.0
"""Assumed ratio of the T state's injection error to the S-state proxy's: Gidney, Shutty and
Jones (2024, arXiv:2409.17595) take the T-state error as about twice the simulated S-state
error and checked it by state-vector simulation for cultivation at d1 = 3 only; we adopt the
same factor for injection, unchecked here (stim cannot simulate the T state)."""
VARIANTS = {"postselected": 2, "decoded": 0}
"""Variant name -> rounds whose detection events discard a shot."""
LIKELIHOOD_FACTOR = 1000.0


MASKS = {"x": "obs_mistake_mask=EE", "y": "obs_mistake_mask=_E", "z": "obs_mistake_mask=E_"}
"""sinter's count of each wrong (Y_L X_r, Z_L Z_r) pair: the logical Pauli frame it means."""


@dataclass(frozen=True)
class InjectionStat:
    """Sampled statistics of one injection circuit (d noisy rounds after injecting at p):
    ``errors`` kept shots with the S state wrong (logical X or Z frame), and the kept shots
    with a logical X, Y, Z frame (so errors = x + z)."""

    variant: str
    p: float
    d: int
    rounds: int
    shots: int
    discards: int
    errors: int
    x: int
    y: int
    z: int
    seconds: float

    @property
    def kept(self) -> int:
        return self.shots - self.discards


@dataclass(frozen=True)
class SlopeFit:
    """p_S = slope p, with its likelihood interval (widened by the overdispersion)."""

    slope: float
    interval: tuple[float, float]
    points: int
    errors: int
    deviance: float
    overdispersion: float


def tasks(noise: str, rates: Sequence[float], distances: Sequence[int]) -> list[dict[str, Any]]:
    """Metadata of every circuit: each variant at each p and d, for d rounds."""
    return [
        {"kind": "injection", "noise": noise, "variant": v, "p": p, "d": d, "rounds": d}
        for v in VARIANTS
        for p in rates
        for d in distances
    ]


def collect(
    metadata: Sequence[dict[str, Any]],
    *,
    max_shots: int,
    max_errors: int,
    workers: int,
    resume: Any = None,
    progress: bool = False,
) -> list[InjectionStat]:
    """Sample the circuits with sinter and pymatching (resumable through ``resume``)."""
    import sinter

    from estimator.calibration.circuit_noise import circuit_noise
    from estimator.calibration.injection import injection_circuit

    jobs = []
    for m in metadata:
        circuit = injection_circuit(
            circuit_noise(m["noise"], m["p"]), m["d"], m["rounds"], VARIANTS[m["variant"]]
        )
        mask = (
            sinter.post_selection_mask_from_4th_coord(circuit) if VARIANTS[m["variant"]] else None
        )
        jobs.append(sinter.Task(circuit=circuit, json_metadata=m, postselection_mask=mask))
    stats = sinter.collect(
        num_workers=workers,
        tasks=jobs,
        decoders=["pymatching"],
        max_shots=max_shots,
        max_errors=max_errors,
        count_observable_error_combos=True,
        save_resume_filepath=resume,
        print_progress=progress,
    )
    wanted = {tuple(sorted(m.items())) for m in metadata}
    result = [_stat(s) for s in stats if tuple(sorted(s.json_metadata.items())) in wanted]
    return sorted(result, key=lambda s: (s.variant, s.p, s.d))


def _stat(task: Any) -> InjectionStat:
    m, counts = task.json_metadata, task.custom_counts
    x, y, z = (int(counts.get(MASKS[k], 0)) for k in "xyz")
    return InjectionStat(
        m["variant"],
        float(m["p"]),
        m["d"],
        m["rounds"],
        int(task.shots),
        int(task.discards),
        x + z,
        x,
        y,
        z,
        float(task.seconds),
    )


def _log_likelihood(slope: float, p: np.ndarray, kept: np.ndarray, errors: np.ndarray) -> float:
    q = slope * p
    return float(np.sum(errors * np.log(q) + (kept - errors) * np.log1p(-q)))


def _solve(f: Any, low: float, high: float) -> float:
    """The root of an increasing or decreasing f on [low, high] by bisection in ln."""
    f_low = f(low)
    for _ in range(200):
        mid = np.sqrt(low * high)
        if (f(mid) > 0) == (f_low > 0):
            low = mid
        else:
            high = mid
    return float(np.sqrt(low * high))


def fit_slope(stats: Sequence[InjectionStat]) -> SlopeFit:
    """Maximum-likelihood slope c of p_S = c p over the kept shots, and the c whose
    likelihood is within LIKELIHOOD_FACTOR^phi of the best (phi = deviance / (points - 1)
    when above 1, as the channel fits of fit.py widen theirs)."""
    p = np.array([s.p for s in stats], dtype=float)
    kept = np.array([s.kept for s in stats], dtype=float)
    errors = np.array([s.errors for s in stats], dtype=float)
    if len(stats) == 0 or errors.sum() == 0 or np.any(kept <= 0):
        raise ValueError("fit_slope: needs points with kept shots and at least one error")
    ceiling = (1 - 1e-12) / p.max()

    def score(c: float) -> float:  # derivative of the log-likelihood in c
        return float(np.sum(errors / c - (kept - errors) * p / (1 - c * p)))

    best = _solve(score, 1e-12 * ceiling, ceiling)
    top = _log_likelihood(best, p, kept, errors)
    rate = errors / kept
    saturated = np.sum(
        np.where(errors > 0, errors * np.log(np.where(rate > 0, rate, 1)), 0)
        + np.where(kept > errors, (kept - errors) * np.log1p(-np.minimum(rate, 1 - 1e-300)), 0)
    )
    deviance = max(0.0, 2 * float(saturated - top))
    phi = max(1.0, deviance / (len(stats) - 1)) if len(stats) > 1 else 1.0
    drop = phi * np.log(LIKELIHOOD_FACTOR)

    def gap(c: float) -> float:
        return _log_likelihood(c, p, kept, errors) - (top - drop)

    low = _solve(gap, 1e-12 * ceiling, best)
    high = _solve(gap, best, ceiling) if gap(ceiling) < 0 else ceiling
    return SlopeFit(best, (low, high), len(stats), int(errors.sum()), deviance, phi)


def injection_record(stats: Sequence[InjectionStat], *, made: Mapping[str, Any]) -> dict[str, Any]:
    """The ``injection`` entry of a calibration file: provenance, fits per variant, stats."""
    variants = {}
    for name, rounds in VARIANTS.items():
        chosen = [s for s in stats if s.variant == name]
        if not chosen:
            continue
        fit = fit_slope(chosen)
        frames = {k: sum(getattr(s, k) for s in chosen) for k in "xyz"}
        variants[name] = {
            "postselect_rounds": rounds,
            "slope": fit.slope,
            "slope_interval": list(fit.interval),
            "points": fit.points,
            "errors": fit.errors,
            "deviance": round(fit.deviance, 3),
            "overdispersion": round(fit.overdispersion, 3),
            "pauli_split": {k: round(frames[k] / sum(frames.values()), 4) for k in "xyz"},
            "pauli_over_s": round(sum(frames.values()) / fit.errors, 4),
        }
    return {
        "experiment": "S-state (|+i>) proxy injected into the corner of a d x d rotated "
        "surface-code patch (Li 2015 preparation), d noisy rounds, noiseless readout of "
        "every check and of logical Y; decoder pymatching",
        "t_from_s": T_FROM_S,
        "made": dict(made),
        "ranges": {
            "p": [min(s.p for s in stats), max(s.p for s in stats)],
            "d": [min(s.d for s in stats), max(s.d for s in stats)],
        },
        "likelihood_factor": LIKELIHOOD_FACTOR,
        "variants": variants,
        "stats": [asdict(s) for s in stats],
    }


def injection_stats(entry: Mapping[str, Any]) -> list[InjectionStat]:
    """The statistics of an ``injection`` entry."""
    return [InjectionStat(**s) for s in entry["stats"]]


def injection_slope(
    record: Mapping[str, Any], variant: str, bound: str, where: str
) -> tuple[float, tuple[float, float]]:
    """(T_FROM_S-scaled slope at ``bound``, sampled p range) of a calibration record's
    ``injection`` entry; ConfigError naming ``noise.injection`` when it is missing or bad."""
    if variant not in VARIANTS:
        raise ConfigError(
            "noise.injection", f"unknown variant {variant!r}; choose one of: {', '.join(VARIANTS)}"
        )
    entry = record.get("injection")
    if not isinstance(entry, dict):
        raise ConfigError(
            "noise.injection",
            f"{where} has no injection calibration (add one with msd calibrate-injection)",
        )
    fit = (
        entry.get("variants", {}).get(variant) if isinstance(entry.get("variants"), dict) else None
    )
    try:
        best = float(fit["slope"])
        low, high = (float(v) for v in fit["slope_interval"])
        factor = float(entry["t_from_s"])
        p_low, p_high = (float(v) for v in entry["ranges"]["p"])
    except (TypeError, KeyError, ValueError):
        raise ConfigError(
            "noise.injection", f"{where}: injection.variants.{variant} is missing or malformed"
        ) from None
    slope = {"best": best, "low": low, "high": high}[bound]
    if not (0 < slope < np.inf and 0 < factor < np.inf):
        raise ConfigError("noise.injection", f"{where}: injection slope must be positive")
    return factor * slope, (p_low, p_high)
