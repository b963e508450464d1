"""Cultivation points as result rows with the columns of every factory (estimator.studies.report:
p_out, p_fail, qubits, cycles, qubitcycles, outputs and the per-T columns), so that ``msd plot``,
``pareto`` and the planner treat cultivation as one more series."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from estimator.sources.cultivation import FINAL_DISTANCE, SOURCE, LeaveOneOut, Point, covers, points
from layouts.layout import QUBITS_PER_TILE

NOISE = "uniform depolarizing circuit noise (the simulations' own)"


def series(d1: int) -> str:
    """The plot series of cultivation at distance d1."""
    return f"cultivation, d1 = {d1} (circuit noise)"


def title(point: Point) -> str:
    return f"cultivation (d1 = {point.d1}, gap {point.gap}) -> d = {FINAL_DISTANCE}"


def row(point: Point) -> dict[str, Any]:
    """One flat result row of a cultivation point: costs per kept T state in qubits, code
    cycles (one syndrome round each) and qubitcycles, the unit's footprint in tiles and in
    d = 15 patches, and the data rows it rests on."""
    tiles = point.qubits / QUBITS_PER_TILE
    return {
        "title": title(point),
        "series": series(point.d1),
        "source": "cultivation",
        "p_phys": point.p_phys,
        "noise": NOISE,
        "cultivation.d1": point.d1,
        "cultivation.gap": point.gap,
        "cultivation.rows": " ".join(map(str, point.rows)),
        "cultivation.errors": " ".join(map(str, point.errors)),
        "cultivation.interpolated": point.interpolated,
        "p_out": point.p_out,
        "p_out_low": point.p_out_low,
        "p_out_high": point.p_out_high,
        "p_fail": 1.0 - point.keep_rate,
        "infidelity": point.p_out,
        "qubits": point.qubits,
        "cycles": point.cycles,
        "qubitcycles": point.qubitcycles,
        "outputs": 1,
        "t_per_run": 1,
        "p_out_per_t": point.p_out,
        "qubitcycles_per_t": point.qubitcycles,
        "cycles_per_t": point.cycles,
        "tiles": tiles,
        "patches_d15": tiles / FINAL_DISTANCE**2,
    }


def rows_at(p_values: Iterable[float]) -> list[dict[str, Any]]:
    """The rows of every cultivation point at each p of ``p_values`` the data covers (others
    are skipped): the cultivation series of a cost plot."""
    return [row(q) for p in dict.fromkeys(p_values) if covers(p) for q in points(p)]


def record(
    point: Point, *, target: float | None, min_errors: int, bound: str, loo: LeaveOneOut | None
) -> dict[str, Any]:
    """The JSON answer of ``msd source cultivation``: the row, what was asked, and how the
    point was obtained (the rows, the interpolation and its leave-one-out error)."""
    answer: dict[str, Any] = {
        **row(point),
        "target": target,
        "min_errors": min_errors,
        "bound": bound,
        "data": SOURCE,
        "p_out_interval": "likelihood ratio 1000 (sinter fit_binomial), x2 for T over S",
    }
    if loo is not None:
        answer["interpolation"] = {
            "method": "log-log linear in p between the neighbouring tabulated p, same d1 and gap",
            "leave_one_out": {
                "rows_predicted": loo.count,
                "p_out_log10_miss_max": loo.p_out_max,
                "p_out_log10_miss_p95": loo.p_out_p95,
                "p_out_log10_miss_median": loo.p_out_median,
                "volume_log10_miss_max": loo.volume_max,
                "volume_log10_miss_p95": loo.volume_p95,
                "volume_log10_miss_median": loo.volume_median,
                "worst_row": loo.worst_row,
            },
        }
    return answer


def format_record(answer: dict[str, Any]) -> str:
    """Aligned text for people."""
    rows = [
        (
            "p_out",
            f"{answer['p_out']:.3g}",
            f"[{answer['p_out_low']:.3g}, {answer['p_out_high']:.3g}]",
        ),
        (
            "qubits",
            f"{answer['qubits']}",
            f"{answer['tiles']:g} tiles, {answer['patches_d15']:.3g} d=15 patches",
        ),
        ("cycles", f"{answer['cycles']:.2f}", "expected code cycles per kept state"),
        ("qubitcycles", f"{answer['qubitcycles']:,.0f}", "per kept T state (expected volume)"),
        ("keep rate", f"{1 - answer['p_fail']:.4g}", "attempts kept"),
        ("rows", answer["cultivation.rows"], f"errors observed: {answer['cultivation.errors']}"),
    ]
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    lines = [
        f"{answer['title']} at p = {answer['p_phys']:g}"
        + (
            f", target {answer['target']:g} ({answer['bound']} estimate)"
            if answer["target"]
            else ""
        ),
        *(f"  {a:<{width}}  {b:>{value}}  {c}" for a, b, c in rows),
        f"  (data: {answer['data']}; rows with >= {answer['min_errors']} errors)",
    ]
    if "interpolation" in answer:
        loo = answer["interpolation"]["leave_one_out"]
        lines.append(
            "  (interpolated log-log in p; leave-one-out miss of p_out: median "
            f"{loo['p_out_log10_miss_median']:.3f}, 95% {loo['p_out_log10_miss_p95']:.3f}, "
            f"max {loo['p_out_log10_miss_max']:.3f} decades)"
        )
    return "\n".join(lines)
