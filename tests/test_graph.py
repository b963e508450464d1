"""layouts.graph: geometry as a graph; lengths and qubit counts read off it.

Expectations: the level-1 span and level-2 port rules and examples of docs/model/
section 6, the qubit formulas of docs/model/costs.md, the "qubits model" column of docs/model/costs.md
(exact integers), and the counts estimator.factory computes from Layout.tiles.
"""

import itertools

import numpy as np
import pytest
from reference_data import MODEL_6_SPANS

from estimator.circuits.protocols import builtin_protocols
from estimator.errors import LayoutError
from estimator.factory import LevelSpec, estimate_one_level, estimate_two_level
from estimator.sim.noise import NoiseModel
from layouts.arrangement import Arrangement
from layouts.graph import (
    TwoLevel,
    block_area,
    bounding_box,
    layout_graph,
    patches,
    port_length,
    qubits,
    regions_for,
    span,
)
from layouts.layout import Distances, Layout, Length
from layouts.schedule import published_schedule

PROTOCOLS = builtin_protocols()
PUBLISHED = [  # (level, protocol, layout) of docs/model/published-schedules.md
    (1, "15-to-1", "litinski"),
    (1, "15-to-1", "small-footprint"),
    (2, "15-to-1", "litinski"),
    (2, "20-to-4", "litinski"),
    (2, "8-to-CCZ", "litinski"),
    (2, "15-to-1", "small-footprint"),
]


def _layout(protocol: str, name: str) -> Layout:
    p = PROTOCOLS[protocol]
    maker = Layout.litinski if name == "litinski" else Layout.small_footprint
    return maker(p.n_qubits, p.outputs)


@pytest.mark.parametrize(("level", "protocol", "name"), PUBLISHED)
def test_lengths_equal_layout_rules_for_every_rotation(level, protocol, name):
    layout = _layout(protocol, name)
    graph = layout_graph(layout, Distances(15, 7, 9), level=level)
    for rotation in PROTOCOLS[protocol].rotations:
        assert span(graph, rotation.support) == layout.span(rotation.support)
        for region in layout.regions:
            got = port_length(graph, rotation.support, region.name)
            assert got == layout.port_length(rotation.support, region.name)


@pytest.mark.parametrize(
    ("support", "expected"),
    MODEL_6_SPANS,  # docs/model/geometry.md, level-1 examples (15-to-1)
)
def test_level1_span_examples(support, expected):
    graph = layout_graph(_layout("15-to-1", "litinski"), Distances(7, 3, 3), level=1)
    assert span(graph, support) == expected


@pytest.mark.parametrize(
    ("protocol", "support", "region", "expected"),
    [  # docs/model/geometry.md, level-2 examples
        ("15-to-1", (2,), "top", Length(dx=1, dz=1)),
        ("15-to-1", (3,), "bottom", Length(dz=3)),
        ("20-to-4", (3, 6, 7), "top", Length(dx=4, dz=3)),
        ("20-to-4", (4, 5, 6), "bottom", Length(dx=1, dz=3)),
    ],
)
def test_level2_port_examples(protocol, support, region, expected):
    graph = layout_graph(_layout(protocol, "litinski"), Distances(15, 7, 9), level=2)
    assert port_length(graph, support, region) == expected


def _model_qubits_one(d_x, d_z, d_m, small_footprint=False):
    """docs/model/costs.md, one-level formulas."""
    if small_footprint:
        return 2 * (2 * d_x * (d_x + 4 * d_z) + d_m)
    return 2 * ((d_x + 4 * d_z) * 3 * d_x + 2 * d_m)


def _model_qubits_two(width2, d1, d2, n_l1, small_footprint=False):
    """docs/model/costs.md, two-level formulas (width2 = level-2 row width in tiles)."""
    (d_x, d_z, d_m), (d_x2, d_z2, d_m2) = d1, d2
    w1 = d_x + 4 * d_z
    if small_footprint:
        return 2 * ((d_x2 + 4 * d_z2 + d_m2) * 2 * d_x2 + w1 * 3 * d_x + 2 * d_m + 2 * d_m2**2)
    per_l1 = w1 * (3 * d_x + d_m2 / 2) + 2 * d_m
    return 2 * (width2 * 3 * d_x2 + n_l1 * per_l1 + 20 * d_m2**2 + 2 * d_x2 * d_m2)


@pytest.mark.parametrize("d", list(itertools.product((5, 7, 9, 11), (3, 5), (3, 5, 7))))
def test_one_level_qubits_match_model_formula(d):
    standard = layout_graph(_layout("15-to-1", "litinski"), Distances(*d), level=1)
    small = layout_graph(_layout("15-to-1", "small-footprint"), Distances(*d), level=1)
    assert qubits(standard) == pytest.approx(_model_qubits_one(*d))
    assert qubits(small) == pytest.approx(_model_qubits_one(*d, small_footprint=True))


WIDTH2 = {
    "15-to-1": lambda dx, dz: dx + 4 * dz,
    "20-to-4": lambda dx, dz: 4 * dx + 3 * dz,
    "8-to-CCZ": lambda dx, dz: 3 * dx + dz,
}

TABLE1_TWO_LEVEL = [
    # protocol, layout, level-1 d, level-2 d, n_L1, qubits: docs/model/costs.md "qubits model" (exact)
    ("20-to-4", "litinski", (9, 3, 3), (15, 7, 9), 4, 16410),
    ("15-to-1", "litinski", (9, 3, 3), (25, 9, 9), 4, 18630),
    ("20-to-4", "litinski", (13, 5, 5), (23, 11, 13), 6, 43344),
    ("20-to-4", "litinski", (13, 5, 5), (27, 13, 15), 4, 46790),
    ("15-to-1", "litinski", (11, 5, 5), (25, 11, 11), 6, 30732),
    ("15-to-1", "litinski", (13, 5, 5), (29, 11, 13), 6, 39108),
    ("15-to-1", "litinski", (17, 7, 7), (41, 17, 17), 6, 73460),
    ("15-to-1", "small-footprint", (9, 5, 5), (21, 9, 11), 1, 7782),
    ("8-to-CCZ", "litinski", (7, 3, 3), (15, 7, 9), 4, 12384),
    ("8-to-CCZ", "litinski", (13, 7, 7), (25, 15, 15), 6, 47046),
]


def _two_level_graph(protocol, name, d1, d2, n_l1):
    arrangement = Arrangement.litinski() if name == "litinski" else Arrangement.small_footprint()
    feed = TwoLevel(_layout("15-to-1", "litinski"), Distances(*d1), n_l1, arrangement)
    return layout_graph(_layout(protocol, name), Distances(*d2), level=2, two_level=feed)


@pytest.mark.parametrize(("protocol", "name", "d1", "d2", "n_l1", "expected"), TABLE1_TWO_LEVEL)
def test_two_level_qubits_match_table1_and_model_formula(protocol, name, d1, d2, n_l1, expected):
    graph = _two_level_graph(protocol, name, d1, d2, n_l1)
    assert qubits(graph) == pytest.approx(expected, abs=1e-9)
    formula = _model_qubits_two(
        WIDTH2[protocol](*d2[:2]), d1, d2, n_l1, small_footprint=name != "litinski"
    )
    assert qubits(graph) == pytest.approx(formula)


@pytest.mark.parametrize(
    ("d", "expected"),
    [((7, 3, 3), 810), ((9, 3, 3), 1146), ((11, 5, 5), 2066), ((17, 7, 7), 4618)],  # docs/model/costs.md
)
def test_one_level_qubits_match_table1(d, expected):
    assert qubits(layout_graph(_layout("15-to-1", "litinski"), Distances(*d), level=1)) == expected


@pytest.mark.parametrize(
    ("protocol", "name", "d1", "d2", "n_l1", "expected"),
    TABLE1_TWO_LEVEL[:2] + TABLE1_TWO_LEVEL[7:9],
)
def test_qubits_equal_estimator_factory(protocol, name, d1, d2, n_l1, expected):
    noise = NoiseModel(1e-4)
    spec1 = LevelSpec(
        PROTOCOLS["15-to-1"],
        _layout("15-to-1", "litinski"),
        published_schedule(1, "15-to-1", "litinski"),
        Distances(*d1),
    )
    spec2 = LevelSpec(
        PROTOCOLS[protocol],
        _layout(protocol, name),
        published_schedule(2, protocol, name),
        Distances(*d2),
    )
    arrangement = Arrangement.litinski() if name == "litinski" else Arrangement.small_footprint()
    estimate = estimate_two_level(
        noise, spec1, spec2, n_level1=n_l1, arrangement=arrangement, precision="float"
    )
    assert qubits(_two_level_graph(protocol, name, d1, d2, n_l1)) == pytest.approx(
        float(estimate.qubits)
    )
    one = estimate_one_level(noise, spec1, precision="float")
    assert qubits(layout_graph(spec1.layout, spec1.d, level=1)) == pytest.approx(float(one.qubits))


def _overlap(a, b):
    w = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(w, 0) * max(h, 0)


@pytest.mark.parametrize(("protocol", "name", "d1", "d2", "n_l1", "expected"), TABLE1_TWO_LEVEL)
def test_rectangles_do_not_overlap(protocol, name, d1, d2, n_l1, expected):
    graph = _two_level_graph(protocol, name, d1, d2, n_l1)
    boxes = [graph.nodes[n] for n in graph]
    assert all(_overlap(a, b) < 1e-9 for a, b in itertools.combinations(boxes, 2))


def test_block_structure_and_adjacency():
    layout = _layout("15-to-1", "litinski")
    one = layout_graph(layout, Distances(7, 3, 3), level=1)
    kinds = sorted(data["kind"] for _, data in one.nodes(data=True))
    assert kinds == ["faulty_t"] * 2 + ["patch"] * 5 + ["region"] * 2
    assert [one.nodes[n]["qubit"] for n in patches(one)] == [1, 2, 3, 4, 5]
    assert one.nodes["patch", 1]["role"] == "output" and one.nodes["patch", 2]["role"] == "check"
    assert regions_for(one, (1, 5)) == ("top", "bottom")
    for region in ("top", "bottom"):  # each region runs along the whole row and touches it
        r = one.nodes["region", region]
        assert r["width"] == bounding_box(one.subgraph(patches(one)))[2]
        assert one.has_edge(("region", region), ("faulty_t", region))
    assert bounding_box(one) == (0, 0, 19 + 1, 21)
    two = layout_graph(layout, Distances(25, 9, 9), level=2)
    assert two.nodes["entry", "top"]["x"] == -9 and two.nodes["entry", "bottom"]["x"] == 61
    assert block_area(two) == 2 * 61 * 25 + 61 * 25 + 2 * 25 * 9


def test_two_level_feeders():
    graph = _two_level_graph("20-to-4", "litinski", (9, 3, 3), (15, 7, 9), 4)
    blocks = [n for n in graph if n[0] == "level1"]
    assert len(blocks) == 4 and {graph.nodes[n]["side"] for n in blocks} == {"L", "R"}
    assert graph.graph["level1"].graph["level"] == 1
    small = _two_level_graph("15-to-1", "small-footprint", (9, 5, 5), (21, 9, 11), 1)
    assert sorted(n for n in small if n[0] in ("hub", "strip", "level1")) == [
        ("hub", "R"),
        ("level1", 0),
    ]
    assert small.nodes["hub", "R"]["area"] == pytest.approx(2 * 11**2)


def test_errors():
    layout = _layout("15-to-1", "litinski")
    graph = layout_graph(layout, Distances(7, 3, 3), level=1)
    with pytest.raises(LayoutError, match="no patch for qubit"):
        span(graph, (1, 6))
    with pytest.raises(LayoutError, match="no ancilla region 'left'"):
        port_length(graph, (1,), "left")
    with pytest.raises(LayoutError, match="level must be 1 or 2"):
        layout_graph(layout, Distances(7, 3, 3), level=3)
    with pytest.raises(LayoutError, match="scalar distances"):
        layout_graph(layout, Distances(np.array([7, 9]), 3, 3), level=1)
    feed = TwoLevel(layout, Distances(7, 3, 3), 4, Arrangement.litinski())
    with pytest.raises(LayoutError, match="belong to a level-2 block"):
        layout_graph(layout, Distances(7, 3, 3), level=1, two_level=feed)
    with pytest.raises(LayoutError, match="at least one level-1 factory"):
        layout_graph(
            layout,
            Distances(15, 7, 9),
            level=2,
            two_level=TwoLevel(layout, Distances(7, 3, 3), 0, Arrangement.litinski()),
        )
