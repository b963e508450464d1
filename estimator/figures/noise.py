"""Figures of noise models: circuit-level calibrations against their fits, and quantities
against p_phys under several models (docs/noise-models.md, notebooks/calibrated_noise.ipynb).

Both are two journal columns wide, panels in rows of two, one legend for every colour, line,
band and marker. matplotlib (and sinter, for the binomial intervals) are imported inside the
functions; nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.figures.cost import p_phys_label
from estimator.figures.style import PALETTE, Style, legend_below, log_tick_labels

# Line colour and dash of the n-th model of a figure: black for the references first, then
# the palette.
MODEL_LINES = (
    ("#000000", "-"),
    ("#000000", "--"),
    (PALETTE[0], "-"),
    (PALETTE[3], "-"),
    (PALETTE[2], "-"),
    (PALETTE[1], "-"),
    (PALETTE[4], "-"),
)
SAMPLED = "#EEEEEE"
_LINE = 1.4  # text lines per font size


@dataclass(frozen=True)
class Curve:
    """One model's values against p_phys; ``low``/``high`` the ends of its interval."""

    model: str
    p_phys: np.ndarray
    value: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


@dataclass(frozen=True)
class Panel:
    """A panel of curves (mathtext allowed in title and label); ``markers``: dots at the
    points (a grid search), else lines only."""

    title: str
    ylabel: str
    curves: Sequence[Curve]
    markers: bool = False


def _grid(style: Style, n_panels: int, legend_lines: float, *, title_lines: int = 1):
    """A two-column figure with ``n_panels`` panels in rows of two (room for y labels on
    each) and ``legend_lines`` of legend below. Returns (figure, axes)."""
    from matplotlib.figure import Figure

    width = style.wide_in
    line = style.font_pt / 72 * _LINE
    left, gap = 6.5 * line, 7.0 * line
    panel_w = (width - left - gap - 0.1) / 2
    panel_h = 0.72 * panel_w
    title_h = (title_lines + 0.6) * line
    row_h = title_h + panel_h + 3.2 * line
    rows = -(-n_panels // 2)
    height = rows * row_h + legend_lines * line
    fig = Figure(figsize=(width, height))
    axes = []
    for i in range(n_panels):
        r, c = divmod(i, 2)
        top = r * row_h + title_h
        axes.append(
            fig.add_axes(
                (
                    (left + c * (panel_w + gap)) / width,
                    1 - (top + panel_h) / height,
                    panel_w / width,
                    panel_h / height,
                )
            )
        )
    return fig, axes


def _model_lines(models: Sequence[str]) -> dict[str, tuple[str, str]]:
    return {m: MODEL_LINES[i % len(MODEL_LINES)] for i, m in enumerate(models)}


def curves_figure(
    panels: Sequence[Panel],
    style: Style,
    *,
    labels: Mapping[str, str] | None = None,
    sampled: tuple[float, float] | None = None,
):
    """Panels of values against p_phys (log-log), one line per model in the same colour and
    dash in every panel, intervals as bands, the sampled range of p shaded; the legend in an
    empty panel slot, else under the panels.

    Args:
        panels: what to draw.
        style: house style (two columns wide).
        labels: legend label per model name (default: the name).
        sampled: (low, high) p of the calibrations, shaded.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    labels = labels or {}
    models = list(dict.fromkeys(c.model for p in panels for c in p.curves))
    lines = _model_lines(models)
    spare = len(panels) % 2 == 1
    banded = {c.model for p in panels for c in p.curves if c.low is not None}
    handles = []
    for m in models:
        colour, dash = lines[m]
        line = Line2D([], [], color=colour, ls=dash)
        if m in banded:  # the line over its band
            band = Patch(facecolor=colour, alpha=0.15, lw=0)
            handles.append(((band, line), f"{labels.get(m, m)} (band: fit interval)"))
        else:
            handles.append((line, labels.get(m, m)))
    if sampled:
        handles.append((Patch(facecolor=SAMPLED), "sampled $p$ of the calibrations"))
    legend_lines = 0 if spare else len(handles) / 2 + 2
    title_lines = max(p.title.count("\n") + 1 for p in panels)
    fig, axes = _grid(style, len(panels), legend_lines, title_lines=title_lines)
    for ax, panel in zip(axes, panels):
        for curve in panel.curves:
            colour, dash = lines[curve.model]
            ax.plot(
                curve.p_phys,
                curve.value,
                color=colour,
                ls=dash,
                marker="o" if panel.markers else "",
                ms=2.5,
            )
            if curve.low is not None and curve.high is not None:
                ax.fill_between(curve.p_phys, curve.low, curve.high, color=colour, alpha=0.15, lw=0)
        if sampled:
            ax.axvspan(*sampled, color=SAMPLED, zorder=0, lw=0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(panel.title, pad=3)
        ax.set_xlabel("physical error rate $p$")
        ax.set_ylabel(panel.ylabel)
        ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
        ax.set_axisbelow(True)
        log_tick_labels(ax)
    if spare:  # centred in the empty slot right of the last panel
        column, row = axes[1].get_position(), axes[-1].get_position()
        fig.legend(
            *zip(*handles),
            loc="center",
            bbox_to_anchor=((column.x0 + column.x1) / 2, (row.y0 + row.y1) / 2),
            borderaxespad=0.0,
        )
    else:
        artists, texts = zip(*handles)
        legend_below(axes[-1], artists, style.wide_in, max_cols=2, x_center=0.5, labels=texts)
    return fig


def _binomial(stat: Any) -> tuple[float, float, float]:
    """(best, low, high) of a circuit's logical error per round (memory) or per shot
    (stability), with sinter's likelihood-ratio interval (factor 1000)."""
    import sinter

    fit = sinter.fit_binomial(
        num_shots=stat.shots, num_hits=stat.errors, max_likelihood_factor=1000
    )
    if stat.kind == "memory":
        fit = sinter.shot_error_rate_to_piece_error_rate(fit, pieces=stat.rounds)
    return fit.best, fit.low, fit.high


_MARKERS = {
    ("memory", "Z"): ("o", "memory, $Z$ basis (logical $X$ errors)"),
    ("memory", "X"): ("s", "memory, $X$ basis (logical $Z$ errors)"),
    ("stability", "square"): ("^", "stability, square patch"),
    ("stability", "wide"): ("D", "stability, 2:1 patch"),
}


def fits_figure(records: Mapping[str, Mapping[str, Any]], style: Style):
    """Per calibration record (``estimator.calibration.datafile``, by the name to show; a row
    of panels each): the
    logical error of square memories (2x per round, both bases: p_L of the ansatz) and the
    wrong-outcome probability of stability experiments (x 2 d_m / area) against d, sampled
    (points with binomial intervals) against the fitted channels ``square`` and ``timelike``
    (lines) and Litinski 2019's constants (dashed). Circuits without a sampled error show the upper end
    of their interval only."""
    from matplotlib.lines import Line2D

    from estimator.calibration.datafile import record_stats

    p_values = sorted({float(p) for r in records.values() for p in r["plan"]["p"]})
    colours = {p: PALETTE[i % 7] for i, p in enumerate(p_values)}
    handles = [Line2D([], [], color=colours[p], label=p_phys_label(p)) for p in p_values]
    handles += [
        Line2D([], [], color="black", label="fit (lines), sampled (points)"),
        Line2D(
            [], [], color="black", ls="--", lw=0.8, label=r"Litinski 2019: $A$ = 0.1, $p_\mathrm{th}$ = 0.01"
        ),
    ]
    handles += [
        Line2D([], [], color="black", marker=m, ls="", ms=3.5, label=label)
        for m, label in _MARKERS.values()
    ]
    handles.append(
        Line2D([], [], color="black", marker=7, ls="", ms=4, label="no error sampled: upper end")
    )
    fig, axes = _grid(style, 2 * len(records), len(handles) / 2 + 2)
    for row, (name, record) in enumerate(records.items()):
        channels = record["fit"]["channels"]
        for col, kind in enumerate(("memory", "stability")):
            ax = axes[2 * row + col]
            for s in record_stats(record):
                if s.kind != kind or (kind == "memory" and s.d_x != s.d_z):
                    continue
                shape = s.basis if kind == "memory" else "square" if s.width == s.height else "wide"
                marker = _MARKERS[kind, shape][0]
                scale = 0.5 if kind == "memory" else 0.5 * s.area / s.rounds
                best, low, high = (v / scale for v in _binomial(s))
                x = (s.d_x if kind == "memory" else s.rounds) + (0.15 if marker in "sD" else -0.15)
                colour = colours[float(s.p)]
                if s.errors:
                    ax.errorbar(
                        x, best, yerr=[[best - low], [high - best]], fmt=marker, color=colour, ms=3
                    )
                else:
                    ax.plot(x, high, marker=7, color=colour, ms=4)
            ds = np.linspace(*record["ranges"]["d"], 50)
            fit = channels["square" if kind == "memory" else "timelike"]
            for p in record["plan"]["p"]:
                colour = colours[float(p)]
                ax.plot(
                    ds, fit["prefactor"] * (p / fit["threshold"]) ** ((ds + 1) / 2), color=colour
                )
                ax.plot(ds, 0.1 * (p / 0.01) ** ((ds + 1) / 2), color=colour, ls="--", lw=0.8)
            ax.set_yscale("log")
            if kind == "memory":
                ax.set_title(f"{name}: memory of $d$×$d$ patches", pad=3)
                ax.set_xlabel("code distance $d$")
                ax.set_ylabel("2 × logical error per round")
            else:
                ax.set_title(f"{name}: stability experiments", pad=3)
                ax.set_xlabel("rounds $d_m$ of the merge")
                ax.set_ylabel("wrong outcome × 2$d_m$ / area")
            ax.set_xticks(range(int(ds[0]), int(ds[-1]) + 1, 2))
            ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
            ax.set_axisbelow(True)
            log_tick_labels(ax)
    legend_below(axes[-1], handles, style.wide_in, max_cols=2, x_center=0.5)
    return fig


@dataclass(frozen=True)
class Search:
    """A grid search for the cheapest factory meeting ``target`` (a panel of its cost)."""

    data: Mapping[str, Any]
    axes: Sequence[Any]
    target: float
    title: str


def noise_models_figure(
    factories: Sequence[Mapping[str, Any]],
    style: Style,
    *,
    p_phys: Sequence[float],
    search: Search | None = None,
    search_p: Sequence[float] | None = None,
    models: Mapping[str, Mapping[str, Any]] | None = None,
):
    """p_out of each factory (config data, titled by its title) against p_phys under every
    noise model (estimator.studies.noise_compare.MODELS unless given), the calibrations'
    intervals as bands and their sampled p shaded; with ``search``, the cost of its cheapest
    factory at each of ``search_p`` (default: every other p_phys) under each model."""
    from estimator.calibration.datafile import read_record
    from estimator.figures.style import factory_label
    from estimator.studies.noise_compare import (
        MODEL_LABELS,
        MODELS,
        cheapest_curve,
        p_out_curve,
    )

    models = MODELS if models is None else models
    p_phys = np.asarray(p_phys, dtype=float)
    calibrated = [n for n in models.values() if n.get("model") == "calibrated"]
    ranges = [read_record(n["file"])["ranges"]["p"] for n in calibrated]
    sampled = (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None
    panels = []
    for data in factories:
        curves = []
        for name, noise in models.items():
            value = p_out_curve(data, noise, p_phys)
            low = high = None
            if noise.get("model") == "calibrated":
                low, high = (p_out_curve(data, noise, p_phys, bound) for bound in ("low", "high"))
            curves.append(Curve(name, p_phys, value, low, high))
        panels.append(
            Panel(
                factory_label(str(data.get("title", ""))),
                "output error per state $p_\\mathrm{out}$",
                curves,
            )
        )
    if search is not None:
        ps = np.asarray(p_phys[::2] if search_p is None else search_p, dtype=float)
        curves = [
            Curve(name, ps, cheapest_curve(search.data, noise, search.axes, ps, search.target))
            for name, noise in models.items()
        ]
        panels.append(Panel(search.title, "qubitcycles per output state", curves, markers=True))
    return curves_figure(panels, style, labels=MODEL_LABELS, sampled=sampled)
