"""Cycles of simple undirected graphs (adjacency lists): girth and cycle counts, as the graph
and Tanner-graph outer codes of Haah et al. 2018, Sec. VII need them."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

Edge = tuple[int, int]


def adjacency(vertices: int, edges: Sequence[Edge]) -> list[list[int]]:
    """Adjacency lists of an undirected graph."""
    lists: list[list[int]] = [[] for _ in range(vertices)]
    for a, b in edges:
        lists[a].append(b)
        lists[b].append(a)
    return lists


def graph_girth(neighbours: Sequence[Sequence[int]]) -> int | None:
    """Girth of a simple undirected graph (adjacency lists), None for a forest: a BFS from
    every vertex; a non-tree edge at depths (a, b) closes a cycle of length <= a + b + 1.

    >>> graph_girth([[1, 2], [0, 2], [0, 1]])
    3
    """
    best: int | None = None
    for start in range(len(neighbours)):
        depth = {start: 0}
        parent = {start: -1}
        queue = deque([start])
        while queue:
            x = queue.popleft()
            if best is not None and 2 * depth[x] + 1 >= best:
                break
            for y in neighbours[x]:
                if y not in depth:
                    depth[y], parent[y] = depth[x] + 1, x
                    queue.append(y)
                elif parent[x] != y:
                    cycle = depth[x] + depth[y] + 1
                    best = cycle if best is None else min(best, cycle)
    return best


def count_cycles(neighbours: Sequence[Sequence[int]], length: int) -> int:
    """Number of cycles of ``length`` (>= 3) in a simple graph: paths from each cycle's least
    vertex through larger ones, each cycle found once per direction.

    >>> count_cycles([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]], 3)  # K4
    4
    """
    total = 0

    def walk(start: int, x: int, steps: int, seen: set[int]) -> None:
        nonlocal total
        for y in neighbours[x]:
            if steps == length - 1:
                total += y == start
            elif y > start and y not in seen:
                seen.add(y)
                walk(start, y, steps + 1, seen)
                seen.discard(y)

    for start in range(len(neighbours)):
        walk(start, start, 0, {start})
    return total // 2
