"""Magic-state cultivation as a T-state source, from the simulation data of Gidney, Shutty and
Jones 2024 (arXiv:2409.17595; data and attribution in estimator/sources/data/README.md).

A *point* is one post-selection threshold (gap) of one cultivation distance d1 at a physical
error rate p: the T-state error (twice the simulated S-state error, the paper's assumption,
with its likelihood-ratio interval at factor 1000) and the expected qubit-rounds per kept
state. At a tabulated p a point is a row of the data; between two tabulated p it is
interpolated log-log linearly in p (log error, log bounds, log volume and log keep rate
linear in log p) from the rows of the same d1 and gap at the two neighbouring p. Only rows
with at least ``min_errors`` observed errors are used (default MIN_ERRORS): with fewer, the
interval spans more than a decade.

Costs in this tool's units: the unit occupies ``QUBITS[d1]`` physical qubits (the d = 15
patch it ends in included); one syndrome-extraction round is one code cycle, so the expected
code cycles per kept state are expected_volume / qubits and the qubitcycles per output are
expected_volume.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from estimator.errors import ConfigError

DATA = "gsj24_cultivation_summary.csv"
QUBITS = {3: 454, 5: 463}
"""Physical qubits of the cultivation construction by d1 (Gidney, Shutty, Jones 2024)."""
FINAL_DISTANCE = 15
"""Code distance of the surface-code patch a cultivated state ends in."""
MIN_ERRORS = 6
"""Fewest observed errors a row needs to be used: with 6 errors the factor-1000 likelihood
interval spans about a factor 25 around the estimate; with fewer it spans more than a decade."""
BOUNDS = ("best", "high")
"""What must reach the target: the best estimate, or the upper end of the interval."""
SOURCE = "Gidney, Shutty, Jones 2024 (arXiv:2409.17595), uniform depolarizing circuit noise"


@dataclass(frozen=True)
class Table:
    """The data as columns (one entry per CSV row)."""

    row: np.ndarray
    p_phys: np.ndarray
    d1: np.ndarray
    gap: np.ndarray
    errors: np.ndarray
    shots: np.ndarray
    keep_rate: np.ndarray
    p_out: np.ndarray
    p_out_low: np.ndarray
    p_out_high: np.ndarray
    volume: np.ndarray

    @property
    def p_grid(self) -> np.ndarray:
        """The tabulated physical error rates, increasing."""
        return np.unique(self.p_phys)


@functools.lru_cache(maxsize=1)
def table() -> Table:
    """The shipped data (read once)."""
    path = resources.files("estimator.sources") / "data" / DATA
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def column(name: str, kind: type = float, scale: float = 1.0) -> np.ndarray:
        return np.array([kind(r[name]) for r in rows]) * scale

    return Table(
        row=column("", int),
        p_phys=column("error_rate"),
        d1=column("cultivation_distance", int),
        gap=column("gap", int),
        errors=column("errors", int),
        shots=column("shots", int),
        keep_rate=column("keep_rate"),
        p_out=column("best_estimate", scale=2.0),
        p_out_low=column("low_1000", scale=2.0),
        p_out_high=column("high_1000", scale=2.0),
        volume=column("expected_volume"),
    )


@dataclass(frozen=True)
class Point:
    """A cultivated T state at one (p, d1, gap): error, interval and cost.

    Attributes:
        p_phys: physical error rate of the uniform depolarizing circuit noise.
        d1, gap: cultivation distance and post-selection threshold.
        p_out, p_out_low, p_out_high: T-state error per kept state and its interval.
        volume: expected physical qubit-rounds per kept state (discards included).
        keep_rate: fraction of attempts kept.
        rows: the data rows (first CSV column) the point rests on.
        errors: the errors observed in each of those rows.
    """

    p_phys: float
    d1: int
    gap: int
    p_out: float
    p_out_low: float
    p_out_high: float
    volume: float
    keep_rate: float
    rows: tuple[int, ...]
    errors: tuple[int, ...]

    @property
    def interpolated(self) -> bool:
        return len(self.rows) > 1

    @property
    def qubits(self) -> int:
        return QUBITS[self.d1]

    @property
    def cycles(self) -> float:
        """Expected code cycles per kept state (one round = one code cycle)."""
        return self.volume / self.qubits

    @property
    def qubitcycles(self) -> float:
        """Qubitcycles per kept state: the expected volume."""
        return self.volume

    def error(self, bound: str) -> float:
        return self.p_out_high if bound == "high" else self.p_out


def covers(p_phys: float) -> bool:
    """True when ``p_phys`` lies in the tabulated range."""
    grid = table().p_grid
    return math.isfinite(p_phys) and grid[0] * (1 - 1e-9) <= p_phys <= grid[-1] * (1 + 1e-9)


def _check_p(p_phys: float, field: str) -> np.ndarray:
    grid = table().p_grid
    if not covers(p_phys):
        raise ConfigError(
            field,
            f"p = {p_phys:g} is outside the cultivation data (uniform depolarizing noise, "
            f"p from {grid[0]:g} to {grid[-1]:g})",
        )
    return grid


def _rows_at(p: float, min_errors: int) -> dict[tuple[int, int], int]:
    """(d1, gap) -> index into the table of the rows at tabulated p with enough errors."""
    t = table()
    at = np.flatnonzero(np.isclose(t.p_phys, p, rtol=1e-9, atol=0) & (t.errors >= min_errors))
    return {(int(t.d1[i]), int(t.gap[i])): int(i) for i in at}


def _row_point(i: int) -> Point:
    t = table()
    return Point(
        float(t.p_phys[i]),
        int(t.d1[i]),
        int(t.gap[i]),
        float(t.p_out[i]),
        float(t.p_out_low[i]),
        float(t.p_out_high[i]),
        float(t.volume[i]),
        float(t.keep_rate[i]),
        (int(t.row[i]),),
        (int(t.errors[i]),),
    )


def _between(a: int, b: int, p: float) -> Point:
    """The point at ``p`` interpolated log-log linearly between rows ``a`` and ``b``."""
    t = table()
    w = math.log(p / t.p_phys[a]) / math.log(t.p_phys[b] / t.p_phys[a])

    def mix(values: np.ndarray) -> float:
        return float(math.exp((1 - w) * math.log(values[a]) + w * math.log(values[b])))

    return Point(
        p,
        int(t.d1[a]),
        int(t.gap[a]),
        mix(t.p_out),
        mix(t.p_out_low),
        mix(t.p_out_high),
        mix(t.volume),
        mix(t.keep_rate),
        (int(t.row[a]), int(t.row[b])),
        (int(t.errors[a]), int(t.errors[b])),
    )


def points(p_phys: float, *, min_errors: int = MIN_ERRORS, field: str = "p_phys") -> list[Point]:
    """Every (d1, gap) point at ``p_phys`` resting on rows with at least ``min_errors`` errors:
    the rows themselves at a tabulated p, else interpolated between the two neighbouring p
    (a (d1, gap) needs usable rows at both)."""
    grid = _check_p(p_phys, field)
    if min_errors < 1:
        raise ConfigError("min_errors", f"must be at least 1, got {min_errors}")
    exact = np.flatnonzero(np.isclose(grid, p_phys, rtol=1e-9, atol=0))
    if exact.size:
        return [_row_point(i) for i in _rows_at(float(grid[exact[0]]), min_errors).values()]
    above = int(np.searchsorted(grid, p_phys))
    low, high = (
        _rows_at(float(grid[above - 1]), min_errors),
        _rows_at(float(grid[above]), min_errors),
    )
    return [_between(low[key], high[key], p_phys) for key in low if key in high]


def cheapest(
    p_phys: float,
    target: float,
    *,
    min_errors: int = MIN_ERRORS,
    bound: str = "best",
    d1: int | None = None,
    fields: tuple[str, str] = ("p_phys", "target"),
) -> Point:
    """The point of least expected volume (of distance ``d1``, or of either) whose error
    (``bound``: the best estimate or the upper end of its interval) is at most ``target``.

    Raises:
        ConfigError: p outside the data, or a target the data cannot support (naming the
            lowest error it supports at this p).
    """
    if bound not in BOUNDS:
        raise ConfigError("bound", f"{bound!r}; use one of {', '.join(BOUNDS)}")
    if not (math.isfinite(target) and 0 < target < 1):
        raise ConfigError(fields[1], f"must be a probability in (0, 1), got {target!r}")
    candidates = [
        c for c in points(p_phys, min_errors=min_errors, field=fields[0]) if d1 in (None, c.d1)
    ]
    reaching = [c for c in candidates if c.error(bound) <= target]
    if not reaching:
        lowest = min((c.error(bound) for c in candidates), default=math.nan)
        raise ConfigError(
            fields[1],
            f"{target:g} is below what the cultivation data supports at p = {p_phys:g}: "
            f"lowest T error {lowest:.3g} ({bound} estimate, rows with >= {min_errors} errors); "
            "feed a distillation factory with cultivated states for lower targets",
        )
    return min(reaching, key=lambda c: (c.volume, c.error(bound)))


def at(
    p_phys: float, d1: int, gap: int, *, min_errors: int = MIN_ERRORS, field: str = "gap"
) -> Point:
    """The point of distance ``d1`` and threshold ``gap`` at ``p_phys``.

    Raises:
        ConfigError: d1 not 3 or 5, or no usable row (too few errors) for that gap.
    """
    if d1 not in QUBITS:
        raise ConfigError(field.rsplit(".", 1)[0] + ".d1", f"must be 3 or 5, got {d1!r}")
    found = [q for q in points(p_phys, min_errors=min_errors) if q.d1 == d1]
    match = [q for q in found if q.gap == gap]
    if not match:
        gaps = sorted(q.gap for q in found)
        usable = f"usable gaps {gaps[0]} to {gaps[-1]}" if gaps else "no usable gap"
        raise ConfigError(
            field,
            f"no data for d1 = {d1}, gap {gap!r} at p = {p_phys:g} with >= {min_errors} "
            f"observed errors ({usable})",
        )
    return match[0]


@dataclass(frozen=True)
class LeaveOneOut:
    """How well log-log interpolation in p predicts a row from its two neighbouring p (the
    middle p of three consecutive tabulated values left out; the gap is twice the one used in
    practice, so this overstates the error of interpolating between adjacent p).

    Attributes:
        count: rows predicted.
        p_out_max, p_out_p95, p_out_median: largest, 95th-percentile and median
            |log10(predicted / tabulated)| of p_out.
        volume_max, volume_p95, volume_median: the same for the expected volume.
        worst_row: the row of the largest p_out miss.
    """

    count: int
    p_out_max: float
    p_out_p95: float
    p_out_median: float
    volume_max: float
    volume_p95: float
    volume_median: float
    worst_row: int


def leave_one_out(min_errors: int = MIN_ERRORS) -> LeaveOneOut:
    """Predict each row at an interior tabulated p from the rows of the same d1 and gap at the
    neighbouring p (all three rows with at least ``min_errors`` errors) and compare."""
    grid = table().p_grid
    t = table()
    miss_p, miss_v, where = [], [], []
    for i in range(1, len(grid) - 1):
        below, mid, above = (_rows_at(float(grid[j]), min_errors) for j in (i - 1, i, i + 1))
        for key, m in mid.items():
            if key in below and key in above:
                guess = _between(below[key], above[key], float(grid[i]))
                miss_p.append(abs(math.log10(guess.p_out / t.p_out[m])))
                miss_v.append(abs(math.log10(guess.volume / t.volume[m])))
                where.append(int(t.row[m]))
    worst = int(np.argmax(miss_p))
    return LeaveOneOut(
        len(miss_p),
        float(miss_p[worst]),
        float(np.quantile(miss_p, 0.95)),
        float(np.median(miss_p)),
        float(max(miss_v)),
        float(np.quantile(miss_v, 0.95)),
        float(np.median(miss_v)),
        where[worst],
    )
