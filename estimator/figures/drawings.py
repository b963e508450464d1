"""Whole figures of layouts and schedules in the house style (layouts.draw does the drawing).

A layout is drawn one journal column wide when its qubit labels fit there at the style's
font size, else two columns wide; a schedule (step panels and timeline) and timelines of
several schedules two columns wide.
Every figure carries the legend of its colours, hatchings and markers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx

from estimator.figures.style import Style, legend_below, renderer
from layouts.draw import (
    draw_layout,
    draw_schedule,
    draw_timeline,
    layout_legend,
    schedule_legend,
    timeline_legend,
)
from layouts.graph import bounding_box, patches
from layouts.schedule import Schedule

_IN = 72.0  # points per inch


def _aspect(graph: nx.Graph) -> float:
    """Height / width of a drawing of ``graph`` (draw_layout's margin included)."""
    x0, y0, x1, y1 = bounding_box(graph)
    margin = 0.1 * float(graph.graph["d"].d_x)
    return (y1 - y0 + margin) / (x1 - x0 + margin)


def layout_figure(graph: nx.Graph, style: Style, *, title: str | None = None):
    """The layout of ``graph`` to scale with its legend (and ``title``, mathtext allowed).

    Returns (figure, number of qubit labels left out); the figure is the single-column one
    when every label fits there."""
    from matplotlib.figure import Figure

    slides = style.name == "slides"  # landscape: two columns wide, the legend in two columns
    cols = 2 if slides else 1
    for width in (style.wide_in,) if slides else (style.width_in, style.wide_in):
        line = style.font_pt / _IN * 1.4
        draw_w = min(width, 0.85 * style.width_in / _aspect(graph))  # tall layouts: narrower
        draw_h = draw_w * _aspect(graph)
        legend_h = line * (-(-len(layout_legend(graph)) // cols) + 4)
        title_h = 3 * line if title else 0.0
        height = draw_h + legend_h + title_h + 2 * line
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes(
            ((width - draw_w) / 2 / width, legend_h / height, draw_w / width, draw_h / height)
        )
        missing = draw_layout(graph, ax)
        legend_below(ax, layout_legend(graph), width, max_cols=2 if slides else 3)
        if title:
            ax.set_title(title, pad=style.font_pt / 2)
        if missing == 0:
            break
    return fig, missing


def schedule_figure(graph: nx.Graph, schedule: Schedule, style: Style, *, title: str | None = None):
    """Every step of ``schedule`` on its layout (an incomplete last row of steps centred), the
    timeline below, one legend; two columns wide. Returns (figure, number of labels left out)."""
    from matplotlib.figure import Figure

    width = style.wide_in
    line = style.font_pt / _IN * 1.4
    n = schedule.n_steps
    x0, _, x1, _ = bounding_box(graph)
    narrowest = min(graph.nodes[p]["width"] for p in graph if p[0] == "patch") / (x1 - x0)
    needed = 1.3 * line / narrowest  # panel width at which an upright qubit label fits
    if style.name == "slides":  # landscape: at most two rows of steps
        cols = min(n, max(6, math.ceil(n / 2)))
    else:
        cols = max(min(n, 3), min(n, 4, math.floor(width / needed)))  # 3 columns at least
    rows = math.ceil(n / cols)
    gap = 0.08
    panel_w = (width - (cols - 1) * gap) / cols
    panel_h = panel_w * _aspect(graph)
    n_rows = (
        len({n[1] for n in graph if n[0] == "region"})
        + len([n for n in graph if n[0] == "patch"])
        + 1
    )
    timeline_h = n_rows * line * 1.25
    legend_h = line * (len(schedule_legend(graph, schedule)) / 2 + 2)
    title_h = 3 * line if title else 0.0
    top = title_h
    height = title_h + rows * (panel_h + 1.6 * line) + 2 * line + timeline_h + 3 * line + legend_h
    fig = Figure(figsize=(width, height))

    def rect(left: float, top_in: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (left / width, 1 - (top_in + h) / height, w / width, h / height)

    axes = []
    for i in range(n):
        r, c = divmod(i, cols)
        shift = (cols - (n - r * cols)) * (panel_w + gap) / 2 if r == rows - 1 else 0.0
        axes.append(
            fig.add_axes(
                rect(
                    shift + c * (panel_w + gap),
                    top + 1.4 * line + r * (panel_h + 1.6 * line),
                    panel_w,
                    panel_h,
                )
            )
        )
    missing = draw_schedule(graph, schedule, axes)
    timeline_top = top + rows * (panel_h + 1.6 * line) + 2 * line
    timeline = fig.add_axes(rect(0.0, timeline_top, width, timeline_h))
    draw_timeline(graph, schedule, timeline)
    _inside(timeline, width)
    legend_below(timeline, schedule_legend(graph, schedule), width, x_center=0.5)
    if title:
        fig.suptitle(title, y=1 - 0.3 * line / height, va="top")
    return fig, missing


def timeline_figure(graph: nx.Graph, schedules: Mapping[str, Schedule], style: Style):
    """The timelines of ``schedules`` (by name) of one layout, stacked, each titled with its
    name and steps, one legend under them; two columns wide."""
    from matplotlib.figure import Figure

    width = style.wide_in
    line = style.font_pt / _IN * 1.4
    n_rows = len({n[1] for n in graph if n[0] == "region"}) + len(patches(graph)) + 1
    panel_h = n_rows * line * 1.25
    handles = {
        h.get_label(): h for s in schedules.values() for h in timeline_legend(graph, s)
    }.values()
    legend_h = line * (len(handles) / 2 + 2)
    block = 2.0 * line + panel_h + 2.5 * line  # title, panel, step axis
    height = len(schedules) * block + legend_h
    fig = Figure(figsize=(width, height))
    axes = []
    for i, (name, schedule) in enumerate(schedules.items()):
        top = i * block + 2.0 * line
        ax = fig.add_axes((0.0, 1 - (top + panel_h) / height, 1.0, panel_h / height))
        draw_timeline(graph, schedule, ax)
        ax.set_title(f"{name}: {schedule.n_steps} steps", pad=style.font_pt / 2)
        _inside(ax, width)
        axes.append(ax)
    legend_below(axes[-1], list(handles), width, x_center=0.5)
    return fig


def _inside(ax, width_in: float) -> None:
    """Shift and shrink ``ax`` so that its tick labels stay within the figure width."""
    r = renderer(ax.figure)
    dpi = ax.figure.dpi
    box = ax.get_window_extent(r)
    tight = ax.get_tightbbox(r)
    left = (box.x0 - tight.x0) / dpi
    right = max(0.0, (tight.x1 - box.x1) / dpi)
    pos = ax.get_position()
    ax.set_position((left / width_in, pos.y0, (width_in - left - right) / width_in, pos.height))
