"""Graph outer codes: bits are the edges of a graph and checks its vertices, so every bit is in
two checks and the code's distance is the girth (Haah et al. 2017, App. A.2.1, Lemma
4.15; Haah et al. 2018, Sec. VII.1). The Petersen and Hoffman-Singleton graphs are built
from their constructions (Kneser graph K(5, 2); Robertson's pentagons and pentagrams), with
automorphisms that the pattern counter uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from estimator.codes.outer import OuterCode
from estimator.errors import ConfigError
from estimator.limits import require

Edge = tuple[int, int]


def petersen_graph() -> tuple[int, list[Edge], list[tuple[int, ...]]]:
    """Vertices, edges and two generating automorphisms of the Petersen graph: the 2-subsets of
    {0..4}, adjacent when disjoint (Kneser graph K(5, 2)); S5 acts on the subsets."""
    subsets = list(combinations(range(5), 2))
    index = {s: i for i, s in enumerate(subsets)}
    edges = [(index[a], index[b]) for a, b in combinations(subsets, 2) if not set(a) & set(b)]
    symmetries = []
    for perm in ((1, 0, 2, 3, 4), (1, 2, 3, 4, 0)):
        symmetries.append(tuple(index[tuple(sorted(perm[x] for x in s))] for s in subsets))
    return len(subsets), edges, symmetries


def hoffman_singleton_graph() -> tuple[int, list[Edge], list[tuple[int, ...]]]:
    """Robertson's construction: pentagons P_h (vertex 5h + j, j ~ j +- 1) and pentagrams Q_i
    (vertex 25 + 5i + j, j ~ j +- 2), with P_h[j] ~ Q_i[h i + j] (indices mod 5). The maps
    (P_h[j], Q_i[j]) -> (P_h[j + 1], Q_i[j + 1]) and -> (P_{h+1}[j], Q_i[j + i]) are
    automorphisms."""

    def p(h: int, j: int) -> int:
        return 5 * (h % 5) + j % 5

    def q(i: int, j: int) -> int:
        return 25 + 5 * (i % 5) + j % 5

    edges = [(p(h, j), p(h, j + 1)) for h in range(5) for j in range(5)]
    edges += [(q(i, j), q(i, j + 2)) for i in range(5) for j in range(5)]
    edges += [(p(h, j), q(i, h * i + j)) for h in range(5) for j in range(5) for i in range(5)]
    shift = [p(h, j + 1) for h in range(5) for j in range(5)]
    shift += [q(i, j + 1) for i in range(5) for j in range(5)]
    turn = [p(h + 1, j) for h in range(5) for j in range(5)]
    turn += [q(i, j + i) for i in range(5) for j in range(5)]
    return 50, edges, [tuple(shift), tuple(turn)]


def graph_code(
    name: str, vertices: int, edges: Sequence[Edge], vertex_symmetries: Sequence[Sequence[int]] = ()
) -> OuterCode:
    """The outer code of a simple graph: bit e = edges[e], check v = vertex v."""
    require(
        what=f"the check matrix of {name} ({vertices} vertices x {len(edges)} edges)",
        memory_bytes=float(vertices) * len(edges),
        change="use a smaller graph",
    )
    keys = [frozenset(e) for e in edges]
    if any(len(k) != 2 for k in keys) or len(set(keys)) != len(keys):
        raise ConfigError("graph", f"{name}: edges must join two distinct vertices, once each")
    matrix = np.zeros((vertices, len(edges)), dtype=np.uint8)
    for bit, (a, b) in enumerate(edges):
        matrix[[a, b], bit] = 1
    position = {k: i for i, k in enumerate(keys)}
    symmetries = [
        tuple(position[frozenset((perm[a], perm[b]))] for a, b in edges)
        for perm in vertex_symmetries
    ]
    return OuterCode.from_matrix(name, matrix, symmetries=symmetries, field="graph")


def named_graph_code(name: str) -> OuterCode:
    """ "petersen" (Haah et al. 2017, App. A.2.1) or "hoffman-singleton" (Haah et al. 2018, Sec. VII.1)."""
    build = {"petersen": petersen_graph, "hoffman-singleton": hoffman_singleton_graph}[name]
    vertices, edges, symmetries = build()
    return graph_code(name, vertices, edges, symmetries)


def graph_code_from_file(path_text: str, *, field: str = "SPEC") -> OuterCode:
    """A graph from a file of edges, one "u v" per line (# comments); vertices are the labels
    in sorted order (numerically when all are integers), edges the bits in file order."""
    from estimator.inputs import read_text

    text = read_text(path_text, field=field)
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        tokens = line.split("#", 1)[0].split()
        if not tokens:
            continue
        if len(tokens) != 2:
            raise ConfigError(field, f"{path_text}: line {number} is not an edge 'u v'")
        pairs.append((tokens[0], tokens[1]))
    if not pairs:
        raise ConfigError(field, f"{path_text}: no edges")
    labels = sorted({t for pair in pairs for t in pair}, key=_label_key)
    index = {label: i for i, label in enumerate(labels)}
    edges = [(index[a], index[b]) for a, b in pairs]
    try:
        return graph_code(f"graph:{path_text}", len(labels), edges)
    except ConfigError as error:
        raise ConfigError(field, str(error).removeprefix("graph: ")) from None


def _label_key(label: str) -> tuple[int, int | str]:
    return (0, int(label)) if label.lstrip("-").isdigit() else (1, label)





