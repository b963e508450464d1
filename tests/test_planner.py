"""layouts.planner: one-row layouts whose order minimises the summed ancilla lengths.

The objective is checked against an independent brute force over Layout.span and
Layout.port_length (docs/model/geometry.md); the published row order q1..qn (docs/model/published-schedules.md) is what
the planner finds for 15-to-1.
"""

import itertools

import pytest

from estimator.circuits.protocol import Protocol, Rotation
from estimator.circuits.protocols import builtin_protocols
from estimator.errors import LayoutError
from layouts.layout import Distances, Layout
from layouts.planner import REPRESENTATIVE, ancilla_cost, auto_layout, plan_layout

PROTOCOLS = builtin_protocols()


def _brute_force(protocol, *, level, regions, d=REPRESENTATIVE):
    """Smallest summed length over all rows, with Layout's own length rules."""
    best = None
    for row in itertools.permutations(range(1, protocol.n_qubits + 1)):
        layout = auto_layout(protocol, row, regions=regions)
        total = 0.0
        for r in protocol.rotations:
            if level == 1:
                total += float(layout.span(r.support).evaluate(d)) if len(r.support) > 1 else 0.0
            else:
                total += min(
                    float(layout.port_length(r.support, g.name).evaluate(d)) for g in layout.regions
                )
        best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("name", ["15-to-1", "8-to-CCZ", "14-to-2"])
@pytest.mark.parametrize(("level", "regions"), [(1, 2), (2, 2), (2, 1)])
def test_planner_finds_the_brute_force_optimum(name, level, regions):
    protocol = PROTOCOLS[name]
    layout = plan_layout(protocol, level=level, regions=regions)
    assert layout.name == "auto" and sorted(layout.row) == list(range(1, protocol.n_qubits + 1))
    assert ancilla_cost(protocol, layout, level=level) == _brute_force(
        protocol, level=level, regions=regions
    )


@pytest.mark.parametrize("level", [1, 2])
def test_published_15_to_1_order_is_optimal(level):
    # docs/model/published-schedules.md: row q1..q5; the planner returns it (smallest optimal row).
    assert plan_layout(PROTOCOLS["15-to-1"], level=level).row == (1, 2, 3, 4, 5)


def test_hand_checked_toy_protocol():
    # Z1Z3 wants q1 and q3 adjacent; the smallest such row is (1, 3, 2): dx + dz + (Z2 alone).
    toy = Protocol("toy", 3, (Rotation((1, 3)), Rotation((2,))), (1,), 1, 1)
    assert plan_layout(toy, level=1).row == (1, 3, 2)
    assert ancilla_cost(toy, plan_layout(toy, level=1), level=1, d=Distances(7, 3, 3)) == 10.0
    two = plan_layout(toy, level=2)  # Z1Z3 via port L (dx + dz), Z2 via port R (dz)
    assert two.row == (1, 3, 2) and ancilla_cost(toy, two, level=2, d=Distances(7, 3, 3)) == 13.0


@pytest.mark.parametrize("name", ["20-to-4", "bh-20-to-4"])
@pytest.mark.parametrize("level", [1, 2])
def test_local_search_matches_exhaustive_on_seven_patches(name, level):
    protocol = PROTOCOLS[name]
    exhaustive = plan_layout(protocol, level=level)
    local = plan_layout(protocol, level=level, exhaustive_max=0)
    assert ancilla_cost(protocol, local, level=level) == ancilla_cost(
        protocol, exhaustive, level=level
    )


@pytest.mark.parametrize("name", ["26-to-6", "32-to-8"])
def test_large_protocols_use_the_deterministic_local_search(name):
    protocol = PROTOCOLS[name]
    first = plan_layout(protocol, level=1)
    assert first == plan_layout(protocol, level=1)
    natural = Layout.litinski(protocol.n_qubits, protocol.outputs)
    assert ancilla_cost(protocol, first, level=1) < ancilla_cost(protocol, natural, level=1)


def test_regions_and_ports():
    one = plan_layout(PROTOCOLS["8-to-CCZ"], level=2, regions=1)
    assert [(r.name, r.port, r.entry_rows) for r in one.regions] == [("top", "R", 2)]
    two = plan_layout(PROTOCOLS["8-to-CCZ"], level=2, regions=2)
    assert [(r.name, r.port) for r in two.regions] == [("top", "L"), ("bottom", "R")]
    assert two.outputs == frozenset({1, 2, 3})


def test_bad_options():
    with pytest.raises(LayoutError, match="regions must be 1 or 2"):
        plan_layout(PROTOCOLS["15-to-1"], level=1, regions=3)
    with pytest.raises(LayoutError, match="level must be 1 or 2"):
        plan_layout(PROTOCOLS["15-to-1"], level=0)
