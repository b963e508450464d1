"""The cheapest T sources for targets on grids, under any noise model: cultivation alone (its
data), single blocks fed by cultivation units (estimator.sources.feed) and, to compare with
under the same noise, one- and two-level distillation factories, each grid costed by the
batched engine. ``msd plan --sources ... --noise ...`` and configs/studies/cultivation_sources.py
use it; every result carries the config that ``msd estimate`` reproduces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from estimator.errors import ConfigError
from estimator.sources import cultivation, records

KEEP = (
    "title",
    "series",
    "p_out",
    "p_out_per_t",
    "qubits",
    "cycles",
    "qubitcycles",
    "qubitcycles_per_t",
    "cultivation.rows",
    "cultivation.d1",
    "cultivation.gap",
    "cultivation.count",
)
"""The columns a result keeps (costs per output and per T, and the data rows it rests on)."""


@dataclass(frozen=True)
class Grid:
    """The fed blocks searched: protocols, the unit targets whose cheapest points feed them,
    unit counts, and the distance axes of the block (``KEY: START:STOP:STEP`` or a list)."""

    protocols: tuple[str, ...] = ("15-to-1", "20-to-4")
    unit_targets: tuple[float, ...] = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8)
    counts: tuple[int, ...] = (4, 8, 16)
    vary: Mapping[str, str] = field(
        default_factory=lambda: {
            "level1.d_x": "9:49:2",
            "level1.d_z": "5:25:2",
            "level1.d_m": "5:25:2",
        }
    )
    min_errors: int = cultivation.MIN_ERRORS
    bound: str = "best"


@dataclass(frozen=True)
class DistillationGrid:
    """Distillation-only factories searched: one-level ``one_level`` over ``one_vary``;
    level-1 15-to-1 factories (d_x, d_z, d_m) x ``counts`` feeding each of ``protocols``
    over ``two_vary``."""

    one_level: str = "15-to-1"
    one_vary: Mapping[str, str] = field(
        default_factory=lambda: {
            "level1.d_x": "5:41:2",
            "level1.d_z": "3:21:2",
            "level1.d_m": "3:21:2",
        }
    )
    protocols: tuple[str, ...] = ("15-to-1", "20-to-4")
    level1: tuple[tuple[int, int, int], ...] = (
        (9, 3, 3),
        (11, 5, 5),
        (13, 5, 5),
        (13, 7, 7),
        (15, 7, 7),
        (17, 7, 7),
        (19, 9, 9),
    )
    counts: tuple[int, ...] = (4, 6, 8)
    two_vary: Mapping[str, str] = field(
        default_factory=lambda: {
            "level2.d_x": "15:49:2",
            "level2.d_z": "7:25:2",
            "level2.d_m": "7:25:2",
        }
    )


def _sweep(template: Mapping[str, Any], structures: Sequence[Mapping[str, Any]], vary) -> list:
    """Rows of ``template`` with each structure over the axes ``vary``, with their configs."""
    from estimator.studies.plan import assign
    from estimator.studies.sweep import Axis, run_sweep

    axes = [Axis.parse(f"{k}={v}") for k, v in vary.items()]
    rows = []
    for structure in structures:
        data = assign(template, structure)
        for row in run_sweep(data, axes).records:
            row["_config"] = assign(data, {a.key: row[a.key] for a in axes})
            rows.append(row)
    return rows


def one_level(p_phys: float, noise: Mapping[str, Any], grid: DistillationGrid) -> list:
    """One-level factories of the grid as result rows with their configs."""
    level1 = {"protocol": grid.one_level, "d_x": 7, "d_z": 3, "d_m": 3}
    template = {"p_phys": p_phys, "noise": dict(noise), "level1": level1}
    return _sweep(template, [{}], grid.one_vary)


def two_level(p_phys: float, noise: Mapping[str, Any], grid: DistillationGrid) -> list:
    """Two-level factories of the grid as result rows with their configs."""
    structures = [
        {"level1.d_x": x, "level1.d_z": z, "level1.d_m": m, "level1.count": n}
        for x, z, m in grid.level1
        for n in grid.counts
    ]
    rows = []
    for protocol in grid.protocols:
        template = {
            "p_phys": p_phys,
            "noise": dict(noise),
            "level1": {"protocol": "15-to-1", "d_x": 11, "d_z": 5, "d_m": 5, "count": 4},
            "level2": {"protocol": protocol, "d_x": 25, "d_z": 11, "d_m": 11},
        }
        rows += _sweep(template, structures, grid.two_vary)
    return rows


def units(p_phys: float, grid: Grid) -> list[cultivation.Point]:
    """The distinct cheapest points reaching each unit target at p (targets the data cannot
    support are skipped)."""
    found: dict[tuple[int, int], cultivation.Point] = {}
    for target in grid.unit_targets:
        try:
            point = cultivation.cheapest(
                p_phys, target, min_errors=grid.min_errors, bound=grid.bound
            )
        except ConfigError:
            continue
        found[(point.d1, point.gap)] = point
    return list(found.values())


def alone(p_phys: float, grid: Grid) -> list[dict[str, Any]]:
    """Every cultivation point at p as a result row (per-T error: the bound's)."""
    rows = [records.row(q) for q in cultivation.points(p_phys, min_errors=grid.min_errors)]
    if grid.bound == "high":
        rows = [{**r, "p_out_per_t": r["p_out_high"]} for r in rows]
    return rows


def fed(
    p_phys: float,
    noise: Mapping[str, Any],
    grid: Grid,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every block of the grid fed by cultivation units, as result rows with their config
    (under ``_config``)."""
    rows: list[dict[str, Any]] = []
    for protocol in grid.protocols:
        template = {
            "p_phys": p_phys,
            "noise": dict(noise),
            "cultivation": {"min_errors": grid.min_errors},
            "level1": {"protocol": protocol, "d_x": 15, "d_z": 7, "d_m": 7},
        }
        for point in units(p_phys, grid):
            for count in grid.counts:
                structure = {
                    "cultivation.d1": point.d1,
                    "cultivation.gap": point.gap,
                    "cultivation.count": count,
                }
                if progress:
                    progress(f"{protocol} fed by {count} units of d1 = {point.d1}, gap {point.gap}")
                rows += _sweep(template, [structure], grid.vary)
    return rows


def cheapest(
    rows: Sequence[Mapping[str, Any]], targets: Sequence[float], by: str = "qubitcycles_per_t"
) -> dict[str, dict[str, Any]]:
    """Per target (keyed ``f"{target:g}"``): the row of least ``by`` whose error per T state
    reaches it, its KEEP columns and its config (rows without one: cultivation alone, which
    ``msd source cultivation`` reproduces)."""
    best = {}
    for target in targets:
        ok = [r for r in rows if r.get("p_out_per_t") is not None and r["p_out_per_t"] <= target]
        if ok:
            row = min(ok, key=lambda r: r[by])
            entry = {k: row[k] for k in KEEP if row.get(k) is not None}
            if "_config" in row:
                entry["config"] = row["_config"]
            best[f"{target:g}"] = entry
    return best
