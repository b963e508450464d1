"""Drawings of layouts and schedules, to scale, on matplotlib Axes.

Takes the data of layouts.graph (node rectangles in tiles) and layouts.schedule and draws on
an Axes the caller owns; matplotlib is imported inside the functions and nothing here shows
or saves a figure. Conventions follow 002_c83c776f5650c552.txt Figs. 6-11 and
../shared/MODEL.md section 6: one row of patches, ancilla regions along it, level-2 states
entering at the ports.

All text is drawn at the current ``font.size`` (set it with estimator.figures.style); a label
that does not fit its rectangle is turned upright or left out, never drawn over its
neighbours, and every colour, hatching and marker has an entry in the legend handles
(``layout_legend``, ``schedule_legend``, ``timeline_legend``).
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from estimator.figures.style import renderer, rotation_label
from layouts.graph import bounding_box, patches, port_length, span
from layouts.schedule import Placement, Schedule

# Okabe-Ito hues (estimator.figures.style.PALETTE) and light neutrals: black text stays legible.
FILL = {
    "output": "#E69F00",
    "check": "#56B4E9",
    "region": "#F2F2F2",
    "faulty_t": "#CC79A7",
    "entry": "#F0E442",
    "routing": "#DDDDDD",
    "level1": "#FFF6E0",
}
REGION_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#000000")
FAST_T = "#CC79A7"
IDLE = "#BBBBBB"
HATCH_CONSUMED = "xxx"
HATCH_DEFERRED = "///"
HATCH_ROUTING = "///"

KIND_NAMES = {
    "region": "ancilla region",
    "faulty_t": "faulty-T qubit",
    "entry": "entry region of a port",
    "routing": "routing to level-1 factories",
    "level1": "level-1 factory",
}


def _font() -> float:
    import matplotlib

    return float(matplotlib.rcParams["font.size"])


def _rect(ax, node: dict, **style):
    from matplotlib.patches import Rectangle

    return ax.add_patch(Rectangle((node["x"], node["y"]), node["width"], node["height"], **style))


def _fits(ax, text, node: dict, fill: float = 0.9, *, width_only: bool = False) -> bool:
    """Whether ``text`` (a drawn Text) lies within ``fill`` of the rectangle ``node``."""
    box = text.get_window_extent(renderer(ax.figure))
    (x0, y0), (x1, y1) = ax.transData.transform(
        [(node["x"], node["y"]), (node["x"] + node["width"], node["y"] + node["height"])]
    )
    wide = box.width <= fill * abs(x1 - x0)
    return wide and (width_only or box.height <= fill * abs(y1 - y0))


def _label(ax, node: dict, options: Sequence[str], *, flat: bool = False, **style) -> bool:
    """Write the first of ``options`` that fits ``node``, flat or upright (``flat``: only
    flat, judged by width, as in the rows of a timeline); False if none fits."""
    cx, cy = node["x"] + node["width"] / 2, node["y"] + node["height"] / 2
    text = ax.text(cx, cy, "", ha="center", va="center", fontsize=_font(), **style)
    for option in options:
        for rotation in (0,) if flat else (0, 90):
            text.set_text(option)
            text.set_rotation(rotation)
            if _fits(ax, text, node, width_only=flat):
                return True
    text.remove()
    return False


def _prepare(graph: nx.Graph, ax, margin: float) -> None:
    """Limits, equal aspect and the final Axes box, so that text can be measured."""
    x0, y0, x1, y1 = bounding_box(graph)
    ax.set_xlim(x0 - margin, x1 + margin)
    ax.set_ylim(y0 - margin, y1 + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.apply_aspect()


def _scale_bar(graph: nx.Graph, ax) -> None:
    """A bar d_x tiles long under the block (tiles are the unit of every length)."""
    x0, y0, _, _ = bounding_box(graph)
    d_x = float(graph.graph["d"].d_x)
    y = y0 - 0.25 * d_x
    ax.plot([x0, x0 + d_x], [y, y], color="black", lw=1.5, solid_capstyle="butt", clip_on=False)
    ax.annotate(
        f"$d_x$ = {d_x:g} tiles",
        (x0 + d_x, y),
        xytext=(4, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=_font(),
        annotation_clip=False,
    )


def draw_layout(
    graph: nx.Graph, ax, *, labels: bool = True, scale_bar: bool = True, legend: bool = False
) -> int:
    """Draw a layout graph to scale: patches labelled with their qubit, ancilla regions,
    faulty-T qubits (level 1), entry regions and ports (level 2), and for two-level factories
    the routing and the level-1 blocks with their own patches.

    Args:
        graph: from layouts.graph.layout_graph.
        ax: a matplotlib Axes, already at its final size (labels are fitted to it).
        labels: write qubit names, region names and level-1 numbers.
        scale_bar: draw a bar d_x tiles long.
        legend: add the legend (layout_legend) under the drawing.

    Returns:
        the number of qubit labels that did not fit their patch and were left out.
    """
    d_x = float(graph.graph["d"].d_x)
    _prepare(graph, ax, margin=0.05 * d_x)
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if kind == "patch":
            continue
        style = {"facecolor": FILL[kind], "edgecolor": "#555555", "lw": 0.6}
        if kind == "region":
            style.update(linestyle="--")
        if kind == "routing":
            style.update(hatch=HATCH_ROUTING, edgecolor="#888888")
        _rect(ax, data, **style)
        if kind == "level1":
            _draw_level1(data["level1"], data, ax)
        if not labels:
            continue
        if kind == "region":
            port = f", port {data['port']}" if graph.graph["level"] == 2 else ""
            _label(
                ax, data, [f"{data['name']}{port}", data["name"]], color="#444444", style="italic"
            )
        elif kind == "level1":
            strip = {**data, "width": data["width"] / 3}
            number, side = data["index"] + 1, data["side"]
            texts = [f"level 1, #{number} → {side}", f"#{number} → {side}", f"#{number}"]
            _label(ax, strip, texts)
        elif kind == "routing" and node[0] == "hub":
            side = data["side"]
            fed = sum(1 for n in graph if n[0] == "level1" and graph.nodes[n]["side"] == side)
            _label(
                ax,
                data,
                [f"{fed} feed port {side}", f"{fed} → port {side}", f"{fed} → {side}"],
                color="#444444",
                style="italic",
            )
    missing = 0
    for node in patches(graph):
        data = graph.nodes[node]
        _rect(ax, data, facecolor=FILL[data["role"]], edgecolor="black", lw=0.9)
        if labels:
            missing += not _label(ax, data, [f"q{data['qubit']}"], weight="bold")
    if scale_bar:
        _scale_bar(graph, ax)
    if legend:
        ax.legend(
            handles=layout_legend(graph),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=2,
            borderaxespad=0.2,
        )
    return missing


def _draw_level1(level1: nx.Graph, block: dict, ax) -> None:
    """The patches and regions of one level-1 block, transposed so that its row runs along
    y (the block's long side faces the routing strip)."""
    x0, y0, _, _ = bounding_box(level1)
    for _, data in level1.nodes(data=True):
        turned = {
            "x": block["x"] + data["y"] - y0,
            "y": block["y"] + data["x"] - x0,
            "width": data["height"],
            "height": data["width"],
        }
        colour = FILL[data["role"]] if data["kind"] == "patch" else FILL[data["kind"]]
        _rect(ax, turned, facecolor=colour, edgecolor="#555555", lw=0.3)


def _patch_sizes(graph: nx.Graph, role: str) -> str:
    """Sizes of the ``role`` patches, with those of the level-1 blocks drawn inside."""
    text = _sizes(graph, role)
    level1 = graph.graph.get("level1")
    if level1 is not None and any(n[0] == "level1" for n in graph):
        text += f" (level 1: {_sizes(level1, role)})"
    return text


def _sizes(graph: nx.Graph, role: str) -> str:
    sizes = sorted(
        {
            (graph.nodes[n]["width"], graph.nodes[n]["height"])
            for n in patches(graph)
            if graph.nodes[n]["role"] == role
        }
    )
    return ", ".join(f"{w:g}×{h:g}" for w, h in sizes)


def layout_legend(graph: nx.Graph) -> list:
    """Legend handles for every fill and hatching draw_layout uses on ``graph``."""
    from matplotlib.patches import Patch

    d = graph.graph["d"]
    handles = [
        Patch(
            facecolor=FILL["output"],
            edgecolor="black",
            label=f"output patch, $d_x$×$d_x$ = {_patch_sizes(graph, 'output')} tiles",
        ),
        Patch(
            facecolor=FILL["check"],
            edgecolor="black",
            label=f"check patch, $d_z$×$d_x$ = {_patch_sizes(graph, 'check')} tiles",
        ),
    ]
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    if "level1" in kinds:  # the level-1 blocks show their own regions and faulty-T qubits
        kinds |= {data["kind"] for _, data in graph.graph["level1"].nodes(data=True)}
    for kind in ("region", "faulty_t", "entry", "routing", "level1"):
        if kind not in kinds:
            continue
        style = {"facecolor": FILL[kind], "edgecolor": "#555555"}
        if kind == "region":
            style.update(linestyle="--")
        if kind == "routing":
            style.update(hatch=HATCH_ROUTING, edgecolor="#888888")
        label = KIND_NAMES[kind]
        if kind == "level1":
            feed = graph.graph["two_level"]
            checks = [q for q in feed.layout.row if q not in feed.layout.outputs]
            regions = [r.name for r in feed.layout.regions]
            kinds_of_d = ((feed.d, feed.n_level1), *feed.mix)
            label += (
                " ("
                + "; ".join(f"{n} at $d$ = {d.notation(checks, regions)}" for d, n in kinds_of_d)
                + "); each column feeds only the port on its side"
            )
        if kind == "region" and graph.graph["level"] == 1:
            label += f" ($d_m$ = {d.d_m})"
        handles.append(Patch(label=label, **style))
    return handles


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


def draw_step(graph: nx.Graph, schedule: Schedule, step: int, ax, *, title: bool = True) -> int:
    """One step of a schedule on its layout: the step's rotations with the ancilla each uses
    (one colour per region), fast faulty T measurements, patches not yet initialised or
    already measured/consumed greyed out, outputs consumed in this step hatched.

    Args:
        graph: layout graph of the schedule's level (without level-1 feeders).
        schedule: the schedule.
        step: 1-based step number.
        ax: a matplotlib Axes, already at its final size.
        title: write "step s" above.

    Returns:
        the number of labels (qubits, rotations) left out because they did not fit.
    """
    draw_layout(graph, ax, labels=False, scale_bar=False)
    colours = _region_colours(graph)
    missing = 0
    for node in patches(graph):
        data = graph.nodes[node]
        first, last = alive_steps(schedule, data["qubit"])
        alive = first <= step <= last
        if not alive:
            _rect(ax, data, facecolor="white", edgecolor=IDLE, lw=0.6)
        missing += not _label(
            ax, data, [f"q{data['qubit']}"], weight="bold", color="black" if alive else IDLE
        )
    row_y = graph.nodes[patches(graph)[0]]["y"]
    for placement in schedule.steps[step - 1]:
        support = placement.rotation.support
        if placement.region is None:
            data = graph.nodes["patch", support[0]]
            _rect(ax, data, facecolor="none", edgecolor=FAST_T, lw=2.2)
            ax.plot(
                data["x"] + data["width"] / 2,
                data["y"] + 0.15 * data["height"],
                marker="*",
                ms=1.1 * _font(),
                color=FAST_T,
                markeredgecolor="black",
                markeredgewidth=0.4,
            )
            continue
        colour = colours[placement.region]
        region = graph.nodes["region", placement.region]
        left, right = _segment(graph, placement)
        band = {"x": left, "y": region["y"], "width": right - left, "height": region["height"]}
        _rect(ax, band, facecolor=colour, edgecolor=colour, alpha=0.25, lw=1.2)
        missing += not _label(
            ax, band, [rotation_label(str(placement.rotation))], color=colour, weight="bold"
        )
        for q in support:  # the patch boundary that faces the region takes part in the surgery
            data = graph.nodes["patch", q]
            edge = data["y"] + data["height"] if region["y"] > row_y else data["y"]
            ax.plot(
                [data["x"], data["x"] + data["width"]],
                [edge, edge],
                color=colour,
                lw=3,
                solid_capstyle="butt",
            )
    for c in schedule.consumption:
        if c.step == step:
            data = graph.nodes["patch", c.qubit]
            hatch = HATCH_DEFERRED if c.deferred else HATCH_CONSUMED
            _rect(ax, data, facecolor="none", edgecolor="#333333", lw=0.0, hatch=hatch)
    if title:
        ax.set_title(f"step {step}", fontsize=_font(), pad=2)
    return missing


def schedule_legend(graph: nx.Graph, schedule: Schedule) -> list:
    """Legend handles for every colour, hatching and marker of draw_step and draw_timeline."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = layout_legend(graph)
    handles += [
        Patch(
            facecolor=colour,
            edgecolor=colour,
            alpha=0.4,
            label=f"ancilla of a rotation, region {name}",
        )
        for name, colour in _region_colours(graph).items()
    ]
    handles.append(
        Line2D([], [], color="#555555", lw=3, label="patch boundary merged with the ancilla")
    )
    fast = any(p.region is None for step in schedule.steps for p in step)
    if fast:
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                ls="",
                color=FAST_T,
                markeredgecolor="black",
                markeredgewidth=0.4,
                ms=1.1 * _font(),
                label="fast faulty-T measurement",
            )
        )
    handles.append(Patch(facecolor="white", edgecolor=IDLE, label="qubit not stored in this step"))
    deferred = {c.deferred for c in schedule.consumption}
    if False in deferred:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#333333",
                hatch=HATCH_CONSUMED,
                label="output consumed in the step",
            )
        )
    if True in deferred:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#333333",
                hatch=HATCH_DEFERRED,
                label="output consumed after the step",
            )
        )
    if schedule.consumption:
        handles.append(
            Line2D([], [], marker=">", ls="", color="black", label="consumption (timeline)")
        )
    return handles


def timeline_legend(graph: nx.Graph, schedule: Schedule) -> list:
    """Legend handles for every colour, hatching and marker of draw_timeline."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def bar(colour: str, label: str) -> Patch:
        return Patch(facecolor=colour, edgecolor=colour, alpha=0.4, label=label)

    handles = [bar(c, f"rotation in region {name}") for name, c in _region_colours(graph).items()]
    if any(p.region is None for step in schedule.steps for p in step):
        handles.append(bar(FAST_T, "fast faulty-T measurements"))
    roles = {graph.nodes[n]["role"] for n in patches(graph)}
    handles += [
        Patch(facecolor=FILL[role], edgecolor="black", label=f"{role} patch stored")
        for role in ("output", "check")
        if role in roles
    ]
    if any(c.deferred for c in schedule.consumption):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="black",
                hatch=HATCH_DEFERRED,
                label="output consumed after the step",
            )
        )
    if schedule.consumption:
        handles.append(Line2D([], [], marker=">", ls="", color="black", label="consumption"))
    return handles


def draw_schedule(graph: nx.Graph, schedule: Schedule, axes: Sequence) -> int:
    """Every step of ``schedule`` (draw_step), one per Axes; spare Axes are switched off.

    Returns the number of labels left out (draw_step)."""
    missing = 0
    for i, ax in enumerate(axes):
        if i < schedule.n_steps:
            missing += draw_step(graph, schedule, i + 1, ax)
        else:
            ax.set_axis_off()
    return missing


def _ranges(qubits: Sequence[int]) -> str:
    """Qubit numbers with runs of three or more as ranges.

    >>> _ranges([1, 2, 3, 4, 5]), _ranges([1, 2, 4]), _ranges([2, 3, 4, 7])
    ('1–5', '1,2,4', '2–4,7')
    """
    runs: list[list[int]] = []
    for q in sorted(qubits):
        if runs and q == runs[-1][-1] + 1:
            runs[-1].append(q)
        else:
            runs.append([q])
    return ",".join(
        f"{run[0]}–{run[-1]}" if len(run) > 2 else ",".join(map(str, run)) for run in runs
    )


def _timeline_labels(rotations: Sequence) -> list[str]:
    """Labels of the rotations of one timeline cell, longest first: the Pauli products, the
    qubit numbers, numbers with ranges, and for single-qubit rotations (fast T) the range of
    all their qubits."""
    sign = ["-" if r.sign < 0 else "" for r in rotations]
    labels = [
        rotation_label(", ".join(str(r) for r in rotations)),
        "; ".join(s + ",".join(map(str, r.support)) for s, r in zip(sign, rotations)),
        "; ".join(s + _ranges(r.support) for s, r in zip(sign, rotations)),
    ]
    if all(len(r.support) == 1 for r in rotations) and not any(sign):
        labels.append(_ranges([r.support[0] for r in rotations]))
    return list(dict.fromkeys(labels))


def draw_timeline(graph: nx.Graph, schedule: Schedule, ax) -> None:
    """A Gantt chart of the schedule: one row per ancilla region (and fast T) with the
    rotation it serves in each step, one row per patch with the steps it is stored
    (MODEL.md section 5: late initialisation, checks measured after their last rotation,
    outputs consumed in-step or after the step; the arrow marks the consumption)."""
    size = _font()
    colours = _region_colours(graph)
    rows = [f"region {r}" for r in colours]
    if any(p.region is None for step in schedule.steps for p in step):
        rows.append("fast T")
    qubits = [graph.nodes[n]["qubit"] for n in patches(graph)]
    rows += [f"q{q}" for q in qubits]
    y = {name: len(rows) - 1 - i for i, name in enumerate(rows)}
    ax.set_xlim(0.4, schedule.n_steps + 1.1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    for s, step in enumerate(schedule.steps, 1):
        bars = [
            (f"region {p.region}", colours[p.region], [p.rotation])
            for p in step
            if p.region is not None
        ]
        fast = [p.rotation for p in step if p.region is None]
        if fast:
            bars.append(("fast T", FAST_T, fast))
        for row, colour, rotations in bars:
            ax.barh(
                y[row], 0.92, left=s - 0.46, height=0.7, color=colour, alpha=0.25, edgecolor=colour
            )
            cell = {"x": s - 0.46, "y": y[row] - 0.35, "width": 0.92, "height": 0.7}
            _label(ax, cell, _timeline_labels(rotations), flat=True, color="black")
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
            if consumed.deferred:
                ax.barh(
                    y[f"q{q}"],
                    0.5,
                    left=last + 0.5,
                    height=0.55,
                    color=FILL[role],
                    edgecolor="black",
                    lw=0.6,
                    hatch=HATCH_DEFERRED,
                )
            end = last + 1.0 if consumed.deferred else last + 0.5
            ax.plot(end + 0.12, y[f"q{q}"], marker=">", color="black", ms=0.6 * size)
    ax.set_yticks(range(len(rows)), list(reversed(rows)))
    ax.set_xticks(range(1, schedule.n_steps + 1))
    ax.set_xlabel("step")
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
