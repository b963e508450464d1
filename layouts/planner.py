"""Layout planner: a one-row layout for any protocol, with the row order chosen by the planner.

docs/model/geometry.md: all layouts are one row of patches (outputs d_x wide, checks d_z
wide) with one or two ancilla regions along it. The ancilla length of a rotation depends on the
row order (level 1: the span of its patches; level 2: the distance from a port), and it enters
the timelike and ancilla-Z error terms (docs/model/rotations.md). The planner picks the order
that minimises the sum of the ancilla lengths of the protocol's rotations.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import permutations

import numpy as np

from estimator.circuits.protocol import Protocol
from estimator.errors import LayoutError
from layouts.layout import AncillaRegion, Distances, Layout

REPRESENTATIVE = Distances(d_x=7, d_z=3, d_m=3)
"""Distances at which lengths are compared by default: the first row of Litinski 2019, Table 1 (the cost
depends on the ratio d_x / d_z only, which is 2.1-3 in every row of that table)."""
EXHAUSTIVE_MAX = 8
"""Largest number of patches for which every row order is tried (8! = 40,320 orders)."""


def auto_layout(protocol: Protocol, row: Sequence[int], *, regions: int = 2) -> Layout:
    """A layout named "auto" with the given row order and one or two ancilla regions.

    Two regions: above (port L) and below (port R), as in Litinski 2019, Figs. 6-11; one region: above,
    port R, with an entry region as tall as the block, as in the small-footprint layout.
    """
    return Layout("auto", tuple(row), frozenset(protocol.outputs), _regions(regions))


def _regions(regions: int) -> tuple[AncillaRegion, ...]:
    if regions == 2:
        return (AncillaRegion("top", "L"), AncillaRegion("bottom", "R"))
    if regions == 1:
        return (AncillaRegion("top", "R", entry_rows=2),)
    raise LayoutError(f"layout 'auto': regions must be 1 or 2, got {regions!r}")


def _costs(
    protocol: Protocol, rows: np.ndarray, *, level: int, regions: int, d: Distances
) -> np.ndarray:
    """Sum of ancilla lengths for each row order (rows: orders x n array of qubits)."""
    n = protocol.n_qubits
    width = np.array([float(d.d_x if q in protocol.outputs else d.d_z) for q in range(1, n + 1)])
    edges = np.zeros((rows.shape[0], n + 1))
    edges[:, 1:] = np.cumsum(width[rows - 1], axis=1)  # left edge of each row position
    position = np.argsort(rows, axis=1)  # position[:, q - 1]: where qubit q sits
    total = np.zeros(rows.shape[0])
    for rotation in protocol.rotations:
        pos = position[:, np.array(rotation.support) - 1]
        first, last = pos.min(axis=1), pos.max(axis=1)
        if level == 1:
            if len(rotation.support) > 1:  # single-patch lengths do not depend on the order
                total += (
                    np.take_along_axis(edges, last[:, None] + 1, 1)[:, 0]
                    - np.take_along_axis(edges, first[:, None], 1)[:, 0]
                )
            continue
        from_right = edges[:, -1] - np.take_along_axis(edges, first[:, None], 1)[:, 0]
        from_left = np.take_along_axis(edges, last[:, None] + 1, 1)[:, 0]
        total += np.minimum(from_left, from_right) if regions == 2 else from_right
    return np.round(total, 9)


def ancilla_cost(
    protocol: Protocol, layout: Layout, *, level: int, d: Distances = REPRESENTATIVE
) -> float:
    """The planner's objective for an existing layout: summed ancilla lengths in tiles."""
    rows = np.array([layout.row])
    return float(_costs(protocol, rows, level=level, regions=len(layout.regions), d=d)[0])


def _local_search(start: tuple[int, ...], cost) -> tuple[float, tuple[int, ...]]:
    """Best-improvement descent over all swaps and single-patch moves (deterministic)."""
    row, best = start, cost([start])[0]
    while True:
        n = len(row)
        moves = []
        for i in range(n):
            for j in range(n):
                if i < j:
                    swapped = list(row)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    moves.append(tuple(swapped))
                if i != j:
                    moved = list(row)
                    moved.insert(j, moved.pop(i))
                    moves.append(tuple(moved))
        costs = cost(moves)
        k = min(range(len(moves)), key=lambda m: (costs[m], moves[m]))
        if costs[k] >= best:
            return best, row
        row, best = moves[k], costs[k]


def plan_layout(
    protocol: Protocol,
    *,
    level: int,
    regions: int = 2,
    d: Distances = REPRESENTATIVE,
    exhaustive_max: int = EXHAUSTIVE_MAX,
) -> Layout:
    """A one-row layout for ``protocol`` whose row order minimises the summed ancilla lengths.

    Args:
        protocol: the rotations to host.
        level: 1 (lengths are spans, docs/model/geometry.md level-1 rule) or 2 (lengths are the distance
            from the nearer port, docs/model/geometry.md level-2 rule).
        regions: 2 (ancilla above and below, ports L and R) or 1 (small footprint, port R).
        d: distances at which lengths are compared (only d_x / d_z matters).
        exhaustive_max: up to this many patches every order is tried; beyond, a deterministic
            local search (swaps and moves) from the natural and the outputs-last orders.

    Returns:
        Layout "auto"; among equally good orders the lexicographically smallest row.

    Raises:
        LayoutError: level not 1 or 2, or regions not 1 or 2.

    >>> from estimator.circuits.protocols import builtin_protocols
    >>> plan_layout(builtin_protocols()["8-to-CCZ"], level=2).row  # the check between q2, q3
    (1, 2, 4, 3)
    """
    if level not in (1, 2):
        raise LayoutError(f"layout 'auto': level must be 1 or 2, got {level!r}")
    _regions(regions)
    n = protocol.n_qubits

    def cost(rows) -> np.ndarray:
        return _costs(protocol, np.array(rows, dtype=int), level=level, regions=regions, d=d)

    if n <= exhaustive_max:
        rows = np.array(list(permutations(range(1, n + 1))), dtype=int)
        best = rows[int(np.argmin(cost(rows)))]  # permutations come in lexicographic order
        return auto_layout(protocol, tuple(int(q) for q in best), regions=regions)
    natural = tuple(range(1, n + 1))
    checks_first = tuple(protocol.checks) + tuple(protocol.outputs)
    results = [_local_search(start, cost) for start in (natural, checks_first)]
    return auto_layout(protocol, min(results)[1], regions=regions)
