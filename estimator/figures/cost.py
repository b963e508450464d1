"""Cost plots: output error against a cost (qubitcycles, qubits, cycles or time), per output
state or per T state, one series per protocol or layout with its Pareto front drawn as steps
(and the front of all series together), and published points (Litinski 2019, Table 1, any
reference CSV) overlaid. Magic-state cultivation comes in as result rows
(estimator.sources.records), one more series.

``series_from_rows`` turns result rows into series, ``draw_costs`` draws on an Axes (one
value of p_phys), ``cost_figure`` composes one panel per p_phys with one legend. matplotlib
is imported inside the functions; nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.errors import ConfigError
from estimator.figures.sources import ReferencePoint, finite_positive
from estimator.figures.style import (
    LAYOUT_NAMES,
    PALETTE,
    Style,
    legend_below,
    log_tick_labels,
    renderer,
)

AXIS_LABELS = {
    "qubitcycles": "qubitcycles per output state",
    "qubits": "physical qubits",
    "cycles": "code cycles per successful run",
    "time": "time per output state (µs)",
}
AXIS_LABELS_PER_T = {
    "qubitcycles": "qubitcycles per T state",
    "qubits": "physical qubits",
    "cycles": "code cycles per T state",
    "time": "time per T state (µs)",
}
ERROR_LABEL = r"output error per state $p_\mathrm{out}$"
ERROR_LABEL_PER_T = r"output error per T state"
# Columns a result row may carry for each axis (the first one present is used); per T state
# (a CCZ state counts as 4, estimator.studies.report.PER_T) in AXIS_COLUMNS_PER_T.
AXIS_COLUMNS = {
    "qubitcycles": ("qubitcycles",),
    "qubits": ("qubits",),
    "cycles": ("cycles",),
    "time": ("time_per_output_us", "time_us", "hardware.time_per_output_us"),
}
AXIS_COLUMNS_PER_T = {
    "qubitcycles": ("qubitcycles_per_t",),
    "qubits": ("qubits",),
    "cycles": ("cycles_per_t",),
    "time": ("time_per_t_us",),
}
OVERALL = "#CCCCCC"  # the front of all series: wide light grey steps under the series
REFERENCE_MARKERS = ("D", "v", "^", "s", "P", "h", "<", ">")
REFERENCE_STYLE = {
    "Litinski 2019, Table 1 (printed)": {"marker": "o", "mfc": "none", "color": "black"},
    "Litinski 2019, Table 1, historical": {"marker": "x", "color": "black"},
}


@dataclass(frozen=True)
class Series:
    """Factories of one protocol/layout: arrays over its points."""

    label: str
    p_phys: np.ndarray
    p_out: np.ndarray
    cost: np.ndarray


SOURCE_COLOURS = {"cultivation, d1 = 5": "#000000", "cultivation, d1 = 3": "#8C8C8C"}
"""Fixed colours of the series of other T sources (estimator.sources.records.series), by
prefix, so that they never share a palette colour with a factory series."""


def series_colours(series: Sequence[Series]) -> dict[str, str]:
    """A colour per series: the palette in order for factories, SOURCE_COLOURS for sources."""
    fixed = {
        s.label: next(c for prefix, c in SOURCE_COLOURS.items() if s.label.startswith(prefix))
        for s in series
        if any(s.label.startswith(prefix) for prefix in SOURCE_COLOURS)
    }
    others = [s.label for s in series if s.label not in fixed]
    return {**{label: PALETTE[i % 7] for i, label in enumerate(others)}, **fixed}


def _columns(by: str, per_t: bool) -> tuple[str, tuple[str, ...]]:
    """(error column, cost columns) of the ``by`` axis, per output state or per T state."""
    if per_t:
        return "p_out_per_t", AXIS_COLUMNS_PER_T[by]
    return "p_out", AXIS_COLUMNS[by]


def _label(row: Mapping[str, Any]) -> tuple[str, str]:
    """(protocol chain, layouts) of a result row; a ``series`` column wins."""
    if row.get("series"):
        return str(row["series"]), ""
    l1, l2 = row.get("level1.protocol"), row.get("level2.protocol")
    name = f"{l1} × {l2}" if l2 else str(l1)
    layouts = [str(row[k]) for k in ("level1.layout", "level2.layout") if row.get(k)]
    return name, " / ".join(dict.fromkeys(layouts))


# Series names as a reader of a paper expects them: protocols in the papers' notation, layouts
# in words (the CSV keeps the stable machine names of estimator.studies.report.series_label).
PROTOCOL_NAMES = {"bh-20-to-4": "20-to-4 (family, k = 4)"}
LEGEND_CHARS = 40  # longer legend entries wrap, so that a legend beside a plot stays narrow
LEGEND_SHARE = 0.3  # the most of a figure a legend beside its plot takes (the checks allow 1/3)


def readable_series(label: str) -> tuple[str, str]:
    """(protocols, layouts) in words for a series label such as "15-to-1 × 14-to-2, litinski /
    auto"; layouts "" when the label names none (or names of the user's own: kept in the first).

    >>> readable_series("15-to-1 × bh-20-to-4, litinski / auto")
    ('15-to-1 × 20-to-4 (family, k = 4)', 'published / planned layouts')
    >>> readable_series("15-to-1, small-footprint")
    ('15-to-1', 'small-footprint layout')
    """
    name, _, layouts = label.partition(", ")
    given = [w for w in layouts.split(" / ") if w]
    if not all(w in LAYOUT_NAMES for w in given):  # a series name of the user's own
        return label, ""
    name = " × ".join(PROTOCOL_NAMES.get(p, p) for p in name.split(" × "))
    words = " / ".join(LAYOUT_NAMES[w] for w in given)
    return name, f"{words} layout{'s' if len(given) > 1 else ''}" if given else ""


def series_from_rows(
    rows: Sequence[Mapping[str, Any]], by: str, *, per_t: bool = False
) -> list[Series]:
    """Group result rows into series by protocol (and layout, where the rows differ in it),
    keeping points with a finite positive error and cost: per output state (``p_out`` and the
    ``by`` cost), or with ``per_t`` per T state (``p_out_per_t``, ``qubitcycles_per_t``...).

    Raises:
        ConfigError: no column for the ``by`` axis or the error.
    """
    if by not in AXIS_LABELS:
        raise ConfigError("--by", f"unknown axis {by!r}; use {', '.join(AXIS_LABELS)}")
    error, costs = _columns(by, per_t)
    column = next((c for row in rows for c in costs if c in row), None)
    if column is None:
        raise ConfigError("--by", f"the results have no {' or '.join(costs)} column to plot {by}")
    if not any(error in row for row in rows):
        raise ConfigError("--per-t", f"the results have no {error} column")
    names = [_label(row) for row in rows]
    show_layout = len({layout for _, layout in names if layout}) > 1
    groups: dict[str, list[tuple[float, float, float]]] = {}
    for row, (name, layout) in zip(rows, names):
        label = f"{name}, {layout}" if show_layout and layout else name
        p_out, cost = finite_positive(row.get(error)), finite_positive(row.get(column))
        p_phys = finite_positive(row.get("p_phys"))
        if p_out is None or cost is None or p_phys is None:
            continue
        groups.setdefault(label, []).append((p_phys, p_out, cost))
    return [
        Series(label, *(np.array(v, dtype=float) for v in zip(*points)))
        for label, points in groups.items()
    ]


def pareto_front(cost: np.ndarray, p_out: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated points (no other point is at most as costly with a lower
    p_out), by increasing cost.

    >>> pareto_front(np.array([3.0, 1.0, 2.0, 4.0]), np.array([1e-9, 1e-6, 1e-6, 1e-8])).tolist()
    [1, 0]
    """
    order = np.lexsort((p_out, cost))
    best = np.minimum.accumulate(p_out[order])
    keep = np.r_[True, best[1:] < best[:-1]]
    return order[keep]


def _same_p(values: np.ndarray, p_phys: float) -> np.ndarray:
    return np.isclose(values, p_phys, rtol=1e-9, atol=0.0)


def p_phys_label(p_phys: float) -> str:
    """``p = 10^-3`` or ``p = 5×10^-4`` in mathtext."""
    exponent = int(np.floor(np.log10(p_phys) + 1e-12))
    mantissa = p_phys / 10.0**exponent
    lead = "" if abs(mantissa - 1) < 1e-9 else f"{mantissa:g}×"
    return f"$p$ = {lead}$10^{{{exponent}}}$"


def _steps(cost: np.ndarray, p_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The staircase through the front points, run on half a decade past the last."""
    front = pareto_front(cost, p_out)
    return np.r_[cost[front], cost[front][-1] * 1.5], np.r_[p_out[front], p_out[front][-1]]


def reference_value(point: ReferencePoint, per_t: bool) -> tuple[float, float]:
    """(cost, error) of a published point, per T state when ``per_t``: error and costs per
    output state divided by the T states of an output (a CCZ state: 4), cycles per run by
    those of a run; the qubits of a factory stay as they are."""
    if not per_t:
        return point.value, point.p_out
    scale = {"qubits": 1.0, "cycles": point.t_per_run}.get(point.axis, point.t_per_output)
    return point.value / scale, point.p_out / point.t_per_output


@dataclass(frozen=True)
class Drawn:
    """What draw_costs drew beyond the fronts (the legend needs it)."""

    off_front: bool
    overall_front: bool


def draw_costs(
    ax,
    series: Sequence[Series],
    references: Sequence[ReferencePoint],
    *,
    by: str,
    p_phys: float,
    per_t: bool = False,
    colours: Mapping[str, str] | None = None,
    markers: Mapping[str, str] | None = None,
) -> Drawn:
    """Points at ``p_phys`` on ``ax`` (log-log): every factory of each series, its Pareto front
    as steps, the front of all series together (wide grey steps, with two series or more),
    then the reference points of the ``by`` axis.

    Args:
        ax: a matplotlib Axes, at its final size (tick labels are fitted to it).
        series: from series_from_rows.
        references: published points; those of other axes or other p_phys are skipped.
        by: the cost axis (qubitcycles, qubits, cycles, time).
        p_phys: the physical error rate of this panel.
        per_t: the series are per T state (series_from_rows(per_t=True)); references are
            converted (a CCZ state counts as 4 T states).
        colours: colour per series label (default: the palette in order).
        markers: marker per reference series (default: REFERENCE_STYLE, then REFERENCE_MARKERS).

    Returns:
        whether points off the fronts and the front of all series were drawn.
    """
    colours = colours or series_colours(series)
    markers = markers or reference_markers(references)
    off_front, everything = False, []
    for s in series:
        at = _same_p(s.p_phys, p_phys)
        if not at.any():
            continue
        cost, p_out = s.cost[at], s.p_out[at]
        everything.append((cost, p_out))
        colour = colours[s.label]
        front = pareto_front(cost, p_out)
        off = np.ones(cost.size, dtype=bool)
        off[front] = False
        if off.any():
            off_front = True
            ax.plot(
                cost[off],
                p_out[off],
                ls="",
                marker="o",
                ms=2.0,
                alpha=0.35,
                color=colour,
                mew=0,
                rasterized=off.sum() > 2000,
                zorder=2,
            )
        ax.step(*_steps(cost, p_out), where="post", color=colour, lw=1.2, zorder=3)
        ax.plot(
            cost[front],
            p_out[front],
            ls="",
            marker="o",
            ms=3.5,
            color=colour,
            mec="white",
            mew=0.4,
            zorder=3,
        )
    overall = len(everything) > 1
    if overall:
        x, y = _steps(*(np.concatenate(v) for v in zip(*everything)))
        ax.step(x, y, where="post", color=OVERALL, lw=3.5, solid_capstyle="round", zorder=1)
    shown = [r for r in references if r.axis == by and np.isclose(r.p_phys, p_phys, rtol=1e-9)]
    for name in dict.fromkeys(r.series for r in shown):
        points = sorted((r for r in shown if r.series == name), key=lambda r: r.value)
        x, y = zip(*(reference_value(r, per_t) for r in points))
        ax.plot(
            x,
            y,
            ls="-" if points[0].connect else "",
            lw=0.8,
            ms=4.5,
            mew=0.9,
            zorder=4,
            **_reference_style(name, markers),
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel((AXIS_LABELS_PER_T if per_t else AXIS_LABELS)[by])
    ax.set_ylabel(ERROR_LABEL_PER_T if per_t else ERROR_LABEL)
    ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
    ax.set_axisbelow(True)
    log_tick_labels(ax)
    return Drawn(off_front, overall)


def reference_markers(references: Sequence[ReferencePoint]) -> dict[str, str]:
    """A marker per reference series that has no fixed style."""
    names = [n for n in dict.fromkeys(r.series for r in references) if n not in REFERENCE_STYLE]
    return {n: REFERENCE_MARKERS[i % len(REFERENCE_MARKERS)] for i, n in enumerate(names)}


def _reference_style(name: str, markers: Mapping[str, str]) -> dict[str, Any]:
    return REFERENCE_STYLE.get(
        name, {"marker": markers.get(name, "D"), "color": "#444444", "mfc": "white"}
    )


def legend_handles(
    series: Sequence[Series],
    references: Sequence[ReferencePoint],
    colours: Mapping[str, str],
    markers: Mapping[str, str],
    drawn: Drawn = Drawn(off_front=True, overall_front=False),
) -> list:
    """One entry per series (its Pareto front: points and steps), one for the factories off
    the fronts and one for the front of all series where ``drawn``, one per reference series;
    series under a heading naming their layouts, references in a unit of their own (one that
    differs from the axis') under a heading naming it."""
    from matplotlib.lines import Line2D

    handles = []
    groups: dict[str, list[Series]] = {}
    for s in series:  # series under a heading per layout, in order of appearance
        groups.setdefault(readable_series(s.label)[1], []).append(s)
    for layouts, members in groups.items():
        if layouts or len(groups) > 1:  # series without layouts (e.g. cultivation) set apart
            handles.append(_heading(f"{layouts or 'other series'}:"))
        handles += [
            Line2D(
                [],
                [],
                color=colours[s.label],
                marker="o",
                ms=3.5,
                mec="white",
                mew=0.4,
                drawstyle="steps-post",
                label=_wrapped(readable_series(s.label)[0]),
            )
            for s in members
        ]
    if series and drawn.off_front:
        handles.append(
            Line2D(
                [],
                [],
                color="#777777",
                marker="o",
                ms=2.0,
                ls="",
                alpha=0.5,
                mew=0,
                label="factories off the front (light)",
            )
        )
    if drawn.overall_front:
        handles.append(Line2D([], [], color=OVERALL, lw=3.5, label="front of all series"))
    unit = ""
    for name in dict.fromkeys(r.series for r in references):
        first = next(r for r in references if r.series == name)
        if first.unit and first.unit != unit:  # a heading for points in a unit of their own
            handles.append(_heading(f"{first.unit}:"))
        unit = first.unit
        label = _wrapped(name)
        handles.append(
            Line2D(
                [],
                [],
                ls="-" if first.connect else "",
                lw=0.8,
                ms=4.5,
                mew=0.9,
                label=label,
                **_reference_style(name, markers),
            )
        )
    return handles


def panels(series: Sequence[Series], p_phys: Sequence[float] | None = None) -> list[float]:
    """The p_phys of the panels: those of the series unless given; each given one must have a
    point of the series (a panel without one is no plot of them).

    Raises:
        ConfigError: nothing to plot, or a given p_phys without a point.
    """
    have = sorted({float(p) for s in series for p in s.p_phys})
    values = have if p_phys is None else list(p_phys)
    if not values:
        raise ConfigError("RESULTS", "no point with a finite positive p_out and cost to plot")
    empty = [p for p in values if not any(_same_p(s.p_phys, p).any() for s in series)]
    if empty:
        shown = ", ".join(f"{p:g}" for p in have) or "none"
        raise ConfigError(
            "--p-phys", f"no result row at p_phys = {empty[0]:g} (the results have: {shown})"
        )
    return values


def cost_figure(
    series: Sequence[Series],
    references: Sequence[ReferencePoint],
    style: Style,
    *,
    by: str = "qubitcycles",
    per_t: bool = False,
    p_phys: Sequence[float] | None = None,
    title: str | None = None,
):
    """One panel per p_phys (those of the series unless given), in rows of at most three,
    sharing both axes; one legend for every series, line and marker drawn: beside a single
    panel (one column for the plot, the legend to its right), else under the panels (two
    columns wide).

    Raises:
        ConfigError: nothing to plot.
    """
    from matplotlib.figure import Figure

    values = panels(series, p_phys)
    colours = series_colours(series)
    markers = reference_markers(references)
    cols = min(len(values), 3)
    rows = -(-len(values) // cols)
    width = style.width_in if cols == 1 else style.wide_in
    line = style.font_pt / 72 * 1.4
    left = 6.5 * line  # y tick labels and label
    gap = 1.2 * line
    panel_w = (width - left - (cols - 1) * gap - 0.1) / cols
    panel_h = min(0.8 * panel_w, 0.72 * style.width_in)
    drawn_refs = [
        r
        for r in references
        if r.axis == by and any(np.isclose(r.p_phys, v, rtol=1e-9) for v in values)
    ]
    n_entries = len(series) + 2 + 2 * len({r.series for r in drawn_refs})
    beside = len(values) == 1  # one panel: the legend beside it, else under the panels
    legend_h = line if beside else line * (n_entries / min(cols, 2) + 4)
    title_h = 3 * line if title else line
    row_h = panel_h + 3.5 * line
    height = title_h + rows * row_h + legend_h
    fig = Figure(figsize=(width, height))
    axes = []
    for i in range(len(values)):
        r, c = divmod(i, cols)
        top = title_h + r * row_h
        rect = (
            (left + c * (panel_w + gap)) / width,
            1 - (top + panel_h) / height,
            panel_w / width,
            panel_h / height,
        )
        ax = fig.add_axes(rect, sharex=axes[0] if axes else None, sharey=axes[0] if axes else None)
        axes.append(ax)
    drawn = [
        draw_costs(
            ax, series, references, by=by, p_phys=p, per_t=per_t, colours=colours, markers=markers
        )
        for ax, p in zip(axes, values)
    ]
    for i, (ax, p) in enumerate(zip(axes, values)):
        ax.set_title(p_phys_label(p), pad=3)
        if i % cols:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        if i + cols < len(axes):  # a panel below shows the shared cost axis
            ax.set_xlabel("")
            ax.tick_params(labelbottom=False)
    log_tick_labels(axes[0])  # once more: the shared limits are final only now
    handles = legend_handles(
        [s for s in series if any(_same_p(s.p_phys, p).any() for p in values)],
        drawn_refs,
        colours,
        markers,
        Drawn(any(d.off_front for d in drawn), any(d.overall_front for d in drawn)),
    )
    centre = (axes[0].get_position().x0 + axes[min(cols, len(axes)) - 1].get_position().x1) / 2
    if beside:
        legend = axes[0].legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0
        )
        for _ in range(3):  # a taller panel, so that the legend keeps to its share of the figure
            r = renderer(fig)
            box, drawn_box = legend.get_window_extent(r), fig.get_tightbbox(r)
            area = box.width * box.height / fig.dpi**2
            taller = area / (LEGEND_SHARE * drawn_box.width) - drawn_box.height
            if taller <= 0:
                break
            height += taller
            panel_h += taller
            fig.set_figheight(height)
            axes[0].set_position(
                (left / width, 1 - (title_h + panel_h) / height, panel_w / width, panel_h / height)
            )
            log_tick_labels(axes[0])
    else:
        legend_below(axes[-1], handles, width, max_cols=min(cols, 2), x_center=centre)
    if title:
        fig.suptitle(title, y=1 - 0.2 * line / height, va="top")
    return fig


def _wrapped(text: str) -> str:
    """``text`` on lines of at most LEGEND_CHARS characters, broken at spaces outside $...$."""
    lines: list[str] = []
    for word in re.split(r" (?=(?:[^$]*\$[^$]*\$)*[^$]*$)", text):
        if lines and len(lines[-1]) + 1 + len(word) <= LEGEND_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _heading(text: str):
    """A legend entry without a symbol: a heading for the entries under it."""
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="", marker="", label=_wrapped(text))
