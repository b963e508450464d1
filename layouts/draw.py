"""Drawings of layouts and schedules, to scale, on matplotlib Axes.

Takes the data of layouts.graph (node rectangles in tiles) and layouts.schedule and draws on
an Axes the caller owns; matplotlib is imported inside the functions and nothing here shows
or saves a figure. Conventions follow 002_c83c776f5650c552.txt Figs. 6-11 and
../shared/MODEL.md section 6: one row of patches, ancilla regions along it, level-2 states
entering at the ports.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from layouts.graph import bounding_box, patches, port_length, span
from layouts.schedule import Placement, Schedule

FILL = {
    "output": "#f4a261",
    "check": "#8ecae6",
    "region": "#f1f3f5",
    "faulty_t": "#9d4edd",
    "entry": "#ffd166",
    "routing": "#dee2e6",
    "level1": "#fefae0",
}
REGION_COLOURS = ("#d62828", "#0077b6", "#2a9d8f", "#6a4c93")
FAST_T = "#9d4edd"


def _rect(ax, node: dict, **style) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((node["x"], node["y"]), node["width"], node["height"], **style))


def _text(ax, x: float, y: float, text: str, size: float, **style) -> None:
    ax.text(x, y, text, ha="center", va="center", fontsize=size, **style)


def _font(ax) -> float:
    """A font size in points that grows with the width of the Axes (6 to 11 pt)."""
    width_in = ax.bbox.width / ax.figure.dpi
    return max(6.0, min(11.0, 2.4 * width_in))


def _finish(graph: nx.Graph, ax, margin: float) -> None:
    x0, y0, x1, y1 = bounding_box(graph)
    ax.set_xlim(x0 - margin, x1 + margin)
    ax.set_ylim(y0 - margin, y1 + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _scale_bar(graph: nx.Graph, ax, size: float) -> None:
    """A bar d_x tiles long under the block (tiles are the unit of every length)."""
    x0, y0, _, _ = bounding_box(graph)
    d_x = float(graph.graph["d"].d_x)
    y = y0 - 0.35 * d_x
    ax.plot([x0, x0 + d_x], [y, y], color="black", lw=1.5, solid_capstyle="butt")
    _text(ax, x0 + d_x / 2, y - 0.25 * d_x, f"{d_x:g} tiles (d_x)", size)


def draw_layout(graph: nx.Graph, ax, *, labels: bool = True, scale_bar: bool = True) -> None:
    """Draw a layout graph to scale: patches labelled with their qubit and size in tiles
    (output d_x x d_x, check d_z x d_x), ancilla regions, faulty-T qubits (level 1), entry
    regions and ports (level 2), and for two-level factories the routing and the level-1
    blocks with their own patches.

    Args:
        graph: from layouts.graph.layout_graph.
        ax: a matplotlib Axes.
        labels: write qubit names, sizes and region names.
        scale_bar: draw a bar d_x tiles long.
    """
    size = _font(ax)
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if kind == "patch":
            continue
        style = {"facecolor": FILL[kind], "edgecolor": "#495057", "lw": 0.6}
        if kind == "region":
            style.update(linestyle="--")
        if kind == "routing":
            style.update(hatch="///", edgecolor="#adb5bd")
        _rect(ax, data, **style)
        if not labels:
            continue
        cx, cy = data["x"] + data["width"] / 2, data["y"] + data["height"] / 2
        if kind == "region":
            port = f", port {data['port']}" if graph.graph["level"] == 2 else ""
            _text(
                ax,
                cx,
                cy,
                f"ancilla region ({data['name']}{port})",
                size,
                color="#495057",
                style="italic",
            )
        elif kind == "faulty_t":
            _text(ax, cx, cy, "T", 0.8 * size, color="white", weight="bold")
        elif kind == "entry":
            _text(
                ax,
                cx,
                cy,
                f"entry\n{data['port']}",
                0.8 * size,
                rotation=90 if data["height"] > data["width"] else 0,
            )
        elif kind == "level1":
            _draw_level1(graph.graph["level1"], data, ax)
            _text(
                ax,
                data["x"] + data["width"] / 6,
                cy,
                f"level 1, #{data['index'] + 1}",
                0.7 * size,
                rotation=90,
            )
        elif kind == "routing" and node[0] == "hub":
            _text(ax, cx, cy, "routing", 0.8 * size, rotation=90, color="#495057")
    for node in patches(graph):
        data = graph.nodes[node]
        _rect(ax, data, facecolor=FILL[data["role"]], edgecolor="black", lw=0.9)
        if labels:
            cx, cy = data["x"] + data["width"] / 2, data["y"] + data["height"] / 2
            _text(ax, cx, cy + 0.15 * data["height"], f"q{data['qubit']}", size, weight="bold")
            narrow = data["width"] < 0.8 * data["height"]  # a check patch: its label stands upright
            _text(
                ax,
                cx,
                cy - 0.2 * data["height"],
                f"{data['width']:g}×{data['height']:g}",
                0.8 * size,
                rotation=90 if narrow else 0,
            )
    if scale_bar:
        _scale_bar(graph, ax, 0.8 * size)
    _finish(graph, ax, margin=0.8 * float(graph.graph["d"].d_x))


def _draw_level1(level1: nx.Graph, block: dict, ax) -> None:
    """The patches and regions of one level-1 block, transposed so that its row runs along
    y (the block's long side faces the routing strip)."""
    x0, y0, _, _ = bounding_box(level1)
    _rect(ax, block, facecolor=FILL["level1"], edgecolor="#495057", lw=0.6)
    for _, data in level1.nodes(data=True):
        turned = {
            "x": block["x"] + data["y"] - y0,
            "y": block["y"] + data["x"] - x0,
            "width": data["height"],
            "height": data["width"],
        }
        colour = FILL[data["role"]] if data["kind"] == "patch" else FILL[data["kind"]]
        _rect(ax, turned, facecolor=colour, edgecolor="#495057", lw=0.3)


def _region_colours(graph: nx.Graph) -> dict[str, str]:
    """One colour per ancilla region, in the layout's order."""
    names = [n[1] for n in graph if n[0] == "region"]
    return {name: REGION_COLOURS[i % len(REGION_COLOURS)] for i, name in enumerate(names)}


def _segment(graph: nx.Graph, placement: Placement) -> tuple[float, float]:
    """x-extent of the ancilla used by a rotation: the span (level 1) or from the port to the
    farthest patch, entry region included (level 2); MODEL.md section 6."""
    support = placement.rotation.support
    row = patches(graph)
    d = graph.graph["d"]
    if graph.graph["level"] == 1:
        left = min(graph.nodes["patch", q]["x"] for q in support)
        return left, left + float(span(graph, support).evaluate(d))
    region = graph.nodes["region", placement.region]
    entry = graph.nodes["entry", placement.region]
    length = float(port_length(graph, support, placement.region).evaluate(d))
    if region["port"] == "L":
        return entry["x"], length
    end = graph.nodes[row[-1]]["x"] + graph.nodes[row[-1]]["width"]
    return end - length, entry["x"] + entry["width"]


def alive_steps(schedule: Schedule, qubit: int) -> tuple[int, int]:
    """First and last step (1-based) in which ``qubit`` is stored (MODEL.md section 5)."""
    kept = [d.step for d in schedule.departures if d.kind == "alive" and d.qubit == qubit]
    end = next(
        (c.step for c in schedule.consumption if c.qubit == qubit),
        max([schedule.last_step(qubit), *kept]),
    )
    return schedule.first_step(qubit), end


def draw_step(graph: nx.Graph, schedule: Schedule, step: int, ax, *, title: bool = True) -> None:
    """One step of a schedule on its layout: the step's rotations with the ancilla each uses
    (one colour per region), fast faulty T measurements, patches not yet initialised or
    already measured/consumed greyed out, outputs consumed in this step marked.

    Args:
        graph: layout graph of the schedule's level (without level-1 feeders).
        schedule: the schedule.
        step: 1-based step number.
        ax: a matplotlib Axes.
        title: write "step s" above.
    """
    size = _font(ax)
    draw_layout(graph, ax, labels=False, scale_bar=False)
    colours = _region_colours(graph)
    for node in patches(graph):
        data = graph.nodes[node]
        first, last = alive_steps(schedule, data["qubit"])
        if not first <= step <= last:
            _rect(ax, data, facecolor="white", edgecolor="#adb5bd", lw=0.6, alpha=0.85)
        cx, cy = data["x"] + data["width"] / 2, data["y"] + data["height"] / 2
        _text(
            ax,
            cx,
            cy,
            f"q{data['qubit']}",
            size,
            weight="bold",
            color="black" if first <= step <= last else "#adb5bd",
        )
    row_y = graph.nodes[patches(graph)[0]]["y"]
    for placement in schedule.steps[step - 1]:
        support = placement.rotation.support
        if placement.region is None:
            data = graph.nodes["patch", support[0]]
            _rect(ax, data, facecolor="none", edgecolor=FAST_T, lw=2.2)
            ax.plot(
                data["x"] + data["width"] / 2,
                data["y"] + 0.2 * data["height"],
                marker="*",
                ms=1.1 * size,
                color=FAST_T,
            )
            continue
        colour = colours[placement.region]
        region = graph.nodes["region", placement.region]
        left, right = _segment(graph, placement)
        band = {"x": left, "y": region["y"], "width": right - left, "height": region["height"]}
        _rect(ax, band, facecolor=colour, edgecolor=colour, alpha=0.3, lw=1.2)
        _text(
            ax,
            (left + right) / 2,
            region["y"] + region["height"] / 2,
            str(placement.rotation),
            0.85 * size,
            color=colour,
            weight="bold",
        )
        for q in support:  # the patch boundary that faces the region takes part in the surgery
            data = graph.nodes["patch", q]
            edge = data["y"] + data["height"] if region["y"] > row_y else data["y"]
            ax.plot(
                [data["x"], data["x"] + data["width"]],
                [edge, edge],
                color=colour,
                lw=4,
                solid_capstyle="butt",
            )
    for c in schedule.consumption:
        if c.step == step:
            data = graph.nodes["patch", c.qubit]
            note = "consumed\nafter step" if c.deferred else "consumed"
            _text(
                ax,
                data["x"] + data["width"] / 2,
                data["y"] + 0.2 * data["height"],
                note,
                0.7 * size,
                color="#6c757d",
                style="italic",
            )
    if title:
        ax.set_title(f"step {step}", fontsize=size + 1)


def draw_schedule(graph: nx.Graph, schedule: Schedule, axes: Sequence) -> None:
    """Every step of ``schedule`` (draw_step), one per Axes; spare Axes are switched off."""
    for i, ax in enumerate(axes):
        if i < schedule.n_steps:
            draw_step(graph, schedule, i + 1, ax)
        else:
            ax.set_axis_off()


def draw_timeline(graph: nx.Graph, schedule: Schedule, ax) -> None:
    """A Gantt chart of the schedule: one row per ancilla region (and fast T) with the
    rotation it serves in each step, one row per patch with the steps it is stored
    (MODEL.md section 5: late initialisation, checks measured after their last rotation,
    outputs consumed in-step or after the step; the arrow marks the consumption)."""
    colours = _region_colours(graph)
    regions = list(colours)
    rows = [f"region {r}" for r in regions]
    if any(p.region is None for step in schedule.steps for p in step):
        rows.append("fast T")
    qubits = [graph.nodes[n]["qubit"] for n in patches(graph)]
    rows += [f"q{q}" for q in qubits]
    y = {name: len(rows) - 1 - i for i, name in enumerate(rows)}
    for s, step in enumerate(schedule.steps, 1):
        bars = [
            (f"region {p.region}", colours[p.region], str(p.rotation))
            for p in step
            if p.region is not None
        ]
        fast = [str(p.rotation) for p in step if p.region is None]
        if fast:
            bars.append(("fast T", FAST_T, ", ".join(fast)))
        for row, colour, label in bars:
            ax.barh(
                y[row], 0.92, left=s - 0.46, height=0.7, color=colour, alpha=0.25, edgecolor=colour
            )
            ax.text(s, y[row], label, ha="center", va="center", fontsize=6.5, color=colour)
    for q in qubits:
        first, last = alive_steps(schedule, q)
        role = graph.nodes["patch", q]["role"]
        ax.barh(
            y[f"q{q}"],
            last - first + 1,
            left=first - 0.5,
            height=0.55,
            color=FILL[role],
            edgecolor="black",
            lw=0.6,
        )
        consumed = next((c for c in schedule.consumption if c.qubit == q), None)
        if consumed is not None:
            end = last + 0.5 if consumed.deferred else last + 0.3
            if consumed.deferred:
                ax.barh(
                    y[f"q{q}"],
                    0.5,
                    left=last + 0.5,
                    height=0.55,
                    color=FILL[role],
                    edgecolor="black",
                    lw=0.6,
                    hatch="//",
                )
            ax.plot(
                end + (0.5 if consumed.deferred else 0.2),
                y[f"q{q}"],
                marker=">",
                color="black",
                ms=6,
            )
    ax.set_yticks(range(len(rows)), list(reversed(rows)), fontsize=8)
    ax.set_xticks(range(1, schedule.n_steps + 1))
    ax.set_xlim(0.4, schedule.n_steps + 1.1)
    ax.set_xlabel("step")
    ax.grid(axis="x", color="#e9ecef", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
