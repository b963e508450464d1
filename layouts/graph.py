"""The geometry of a factory as a networkx graph: patches, ancilla regions, ports, routing.

002_c83c776f5650c552.txt Secs. 3-6 and ../shared/MODEL.md sections 6 and 8.2. Every node is a
rectangle in tiles (code-distance units) with ``x, y, width, height`` and an ``area`` that the
qubit count sums; edges say what touches what. Ancilla lengths (level-1 spans, level-2 port
distances) and qubit counts are read off this graph, so they follow from the geometry rather
than from a formula per protocol.

Node keys and kinds:

* ``("patch", q)``: the patch of qubit q (``role`` "output" or "check", ``length`` its width as
  a Length, ``position`` in the row, left to right);
* ``("region", name)``: an ancilla region of height d_x along the whole row;
* ``("faulty_t", name)``: level 1, the faulty-T-measurement qubit (d_m tiles) of a region;
* ``("entry", name)``: level 2, the entry region (d_m wide) at the region's port;
* ``("level1", i)``, ``("strip", side)``, ``("hub", side)``: a two-level factory's level-1
  blocks, the routing strip along each column of blocks and the routing hub beside the ports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from estimator.errors import LayoutError
from layouts.arrangement import Arrangement
from layouts.layout import QUBITS_PER_TILE, Distances, Layout, Length


@dataclass(frozen=True)
class TwoLevel:
    """The level-1 side of a two-level factory (MODEL.md 7, 8.2).

    Attributes:
        layout: the level-1 layout (one block).
        d: level-1 distances.
        n_level1: number of level-1 factories.
        arrangement: routing and travel of level-1 states (layouts.arrangement).
        mix: further level-1 factories of the same layout at other distances, as
            (distances, count) (docs/model-extensions.md E4); drawn after the others.
    """

    layout: Layout
    d: Distances
    n_level1: int
    arrangement: Arrangement
    mix: tuple[tuple[Distances, int], ...] = ()


def _scalars(d: Distances) -> Distances:
    try:
        return d.scalar()
    except (TypeError, ValueError):
        raise LayoutError(
            "layout_graph needs scalar distances d_x, d_z, d_m (one parameter point)"
        ) from None


def _box(x: float, y: float, width: float, height: float, **attrs) -> dict:
    return {"x": x, "y": y, "width": width, "height": height, "area": width * height, **attrs}


def layout_graph(
    layout: Layout, d: Distances, *, level: int, two_level: TwoLevel | None = None
) -> nx.Graph:
    """The geometry of one block (and, given ``two_level``, its level-1 feeders) as a graph.

    Args:
        layout: the block's row of patches and ancilla regions.
        d: the block's distances (scalars).
        level: 1 (rotations by faulty T measurements) or 2 (rotations fed through entry ports).
        two_level: for a level-2 block, the level-1 factories that feed it.

    Returns:
        An undirected graph; ``graph.graph`` holds ``level``, ``layout``, ``d`` and, for two
        levels, ``level1`` (the graph of one level-1 block) and ``two_level``.

    Raises:
        LayoutError: level not 1 or 2, non-scalar distances, or level-1 feeders at level 1.

    References:
        MODEL.md section 6 (rows, regions, ports) and 8.2 (areas).
    """
    if level not in (1, 2):
        raise LayoutError(f"layout_graph: level must be 1 or 2, got {level!r}")
    if two_level is not None and level != 2:
        raise LayoutError("layout_graph: level-1 feeders (two_level) belong to a level-2 block")
    given, d = d, _scalars(d)
    d_x, d_m = float(d.d_x), float(d.d_m)
    graph = nx.Graph(level=level, layout=layout, d=given, name=layout.name)
    below = [r for r in layout.regions if r.name == "bottom"]
    above = [r for r in layout.regions if r.name != "bottom"]
    region_w = {r.name: float(d.width(r.name)) for r in layout.regions}  # extension E1
    row_y = sum(region_w[r.name] for r in below)
    x = 0.0
    for position, q in enumerate(layout.row):
        length = layout.width(q)
        width = float(length.evaluate(d))
        role = "output" if q in layout.outputs else "check"
        graph.add_node(
            ("patch", q),
            **_box(
                x,
                row_y,
                width,
                d_x,
                kind="patch",
                role=role,
                qubit=q,
                position=position,
                length=length,
            ),
        )
        if position:
            graph.add_edge(("patch", layout.row[position - 1]), ("patch", q), kind="row")
        x += width
    row_width = x
    for region in layout.regions:
        w = region_w[region.name]
        y = (
            row_y + d_x + sum(region_w[r.name] for r in above[: above.index(region)])
            if region in above
            else row_y - sum(region_w[r.name] for r in below[: below.index(region) + 1])
        )
        node = ("region", region.name)
        graph.add_node(
            node,
            **_box(
                0.0,
                y,
                row_width,
                w,
                kind="region",
                name=region.name,
                port=region.port,
                length=layout.row_width(),
            ),
        )
        for q in layout.row:
            graph.add_edge(node, ("patch", q), kind="adjacent")
        if level == 1:
            d_t = float(d.d_m_max)  # the faulty-T qubit: d_m tiles (the largest step's d_m)
            height = min(d_t, w)
            graph.add_node(
                ("faulty_t", region.name),
                **_box(
                    row_width,
                    y + (w - height) / 2,
                    d_t / height,
                    height,
                    kind="faulty_t",
                    region=region.name,
                ),
            )
            graph.add_edge(node, ("faulty_t", region.name), kind="feeds")
        else:
            height = w + (region.entry_rows - 1) * d_x  # from the region towards the row
            entry_y = y + w - height if region in above else y
            ex = -d_m if region.port == "L" else row_width
            graph.add_node(
                ("entry", region.name),
                **_box(
                    ex,
                    entry_y,
                    d_m,
                    height,
                    kind="entry",
                    region=region.name,
                    port=region.port,
                    length=Length(dm=1),
                ),
            )
            graph.add_edge(node, ("entry", region.name), kind="feeds")
    if two_level is not None:
        _add_feeders(graph, two_level, d_m)
    return graph


def _add_feeders(graph: nx.Graph, feed: TwoLevel, d_m2: float) -> None:
    """Level-1 blocks in one column per port side, a routing strip along each column and a
    routing hub between the column and the entry region (areas as in MODEL.md 8.2; with a
    mix, each block and its share of the strip at its own distances). The blocks are dealt to
    the sides as the supply deals them (Arrangement.deal): each column feeds only its port."""
    if feed.n_level1 < 1:
        raise LayoutError(
            f"two-level factory needs at least one level-1 factory, got n_level1 = {feed.n_level1}"
        )
    graph.graph["level1"] = layout_graph(feed.layout, feed.d, level=1)
    graph.graph["two_level"] = feed
    kinds = [feed.d] + [d for d, _ in feed.mix]
    shapes = []  # per kind: its graph, turned width and height (its row runs along y), row width
    for d in kinds:
        level1 = layout_graph(feed.layout, d, level=1)
        x0, y0, x1, y1 = bounding_box(level1)
        shapes.append((level1, y1 - y0, x1 - x0, float(feed.layout.row_width().evaluate(d))))
    entries = {graph.nodes[n]["port"]: n for n in graph if n[0] == "entry"}
    sides = list(entries)  # in the order of the regions, as estimator.factory.supply
    dealt = feed.arrangement.deal([feed.n_level1] + [n for _, n in feed.mix], len(sides))
    _, by0, _, by1 = bounding_box(graph)
    centre = (by0 + by1) / 2
    index = 0
    for i, side in enumerate(sides):
        column = [shapes[j] for j in range(len(shapes)) for _ in range(int(dealt[j][i]))]
        entry = graph.nodes[entries[side]]
        blocks_h = sum(h for _, _, h, _ in column)
        column_h = max(blocks_h, by1 - by0)
        sign = -1 if side == "L" else 1
        edge = entry["x"] if side == "L" else entry["x"] + entry["width"]
        hub_area = feed.arrangement.routing_area * d_m2**2 / len(sides)
        hub_w = hub_area / column_h
        hub_x = edge - hub_w if side == "L" else edge
        hub = _box(hub_x, centre - column_h / 2, hub_w, column_h, kind="routing", side=side)
        graph.add_node(("hub", side), **{**hub, "area": hub_area})
        graph.add_edge(("hub", side), entries[side], kind="feeds")
        edge += sign * hub_w
        attach = ("hub", side)
        strip_area = feed.arrangement.strip_per_factory * d_m2 * sum(w for *_, w in column)
        if strip_area:
            strip_w = strip_area / blocks_h
            strip = _box(
                edge - strip_w if side == "L" else edge,
                centre - blocks_h / 2,
                strip_w,
                blocks_h,
                kind="routing",
                side=side,
            )
            graph.add_node(("strip", side), **{**strip, "area": strip_area})
            graph.add_edge(("strip", side), attach, kind="feeds")
            attach = ("strip", side)
            edge += sign * strip_w
        top = centre + blocks_h / 2
        for level1, block_w, block_h, _ in column:
            top -= block_h
            box = _box(
                edge - block_w if side == "L" else edge,
                top,
                block_w,
                block_h,
                kind="level1",
                side=side,
                index=index,
            )
            graph.add_node(
                ("level1", index), **{**box, "area": block_area(level1), "level1": level1}
            )
            graph.add_edge(("level1", index), attach, kind="feeds")
            index += 1


def bounding_box(graph: nx.Graph) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of all nodes, in tiles."""
    boxes = [graph.nodes[n] for n in graph]
    return (
        min(b["x"] for b in boxes),
        min(b["y"] for b in boxes),
        max(b["x"] + b["width"] for b in boxes),
        max(b["y"] + b["height"] for b in boxes),
    )


def patches(graph: nx.Graph) -> list[tuple]:
    """Patch nodes, left to right."""
    return sorted((n for n in graph if n[0] == "patch"), key=lambda n: graph.nodes[n]["position"])


def _involved(graph: nx.Graph, support: Iterable[int]) -> list[int]:
    support = list(support)
    missing = [q for q in support if ("patch", q) not in graph]
    if missing:
        raise LayoutError(f"layout {graph.graph['name']!r} has no patch for qubit(s) {missing}")
    return [graph.nodes["patch", q]["position"] for q in support]


def span(graph: nx.Graph, support: Iterable[int]) -> Length:
    """Level-1 ancilla length: widths from the leftmost to the rightmost involved patch.

    MODEL.md section 6 (level-1 rule); equals Layout.span.
    """
    pos = _involved(graph, support)
    row = patches(graph)[min(pos) : max(pos) + 1]
    return sum((graph.nodes[n]["length"] for n in row), Length())


def port_length(graph: nx.Graph, support: Iterable[int], region: str) -> Length:
    """Level-2 ancilla length: from the region's port to the far edge of the farthest patch.

    MODEL.md section 6 (level-2 rule); equals Layout.port_length.
    """
    pos = _involved(graph, support)
    node = ("region", region)
    if node not in graph:
        raise LayoutError(f"layout {graph.graph['name']!r} has no ancilla region {region!r}")
    row = patches(graph)
    chosen = row[: max(pos) + 1] if graph.nodes[node]["port"] == "L" else row[min(pos) :]
    return sum((graph.nodes[n]["length"] for n in chosen), Length())


def regions_for(graph: nx.Graph, support: Iterable[int]) -> tuple[str, ...]:
    """Ancilla regions adjacent to every patch of ``support`` (they can host the rotation)."""
    _involved(graph, support)
    found = [
        graph.nodes[n]["name"]
        for n in graph
        if n[0] == "region" and all(graph.has_edge(n, ("patch", q)) for q in support)
    ]
    return tuple(found)


def block_area(graph: nx.Graph) -> float:
    """Tiles of the block itself: patches, regions, faulty-T qubits and entry regions."""
    return float(
        sum(
            graph.nodes[n]["area"]
            for n in graph
            if n[0] in ("patch", "region", "faulty_t", "entry")
        )
    )


def tiles(graph: nx.Graph) -> float:
    """Tiles of everything in the graph: the block plus level-1 blocks and routing."""
    return float(sum(graph.nodes[n]["area"] for n in graph))


def qubits(graph: nx.Graph) -> float:
    """Physical qubits: QUBITS_PER_TILE per tile (MODEL.md 8.2)."""
    return QUBITS_PER_TILE * tiles(graph)
