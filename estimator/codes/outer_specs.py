"""Outer codes from a spec string: a matrix file or one of the named builders (trivial,
repetition, ring, Eq. (5.4) of Haah et al. 2017, grids, graph codes, the Tanner-graph search of
Haah et al. 2018, Sec. VII.2). See docs/model/inner-outer.md.

The builders (``grids``, ``graphs``, ``tanner``) import ``outer`` for OuterCode; this module sits
above them all, so no import goes in a circle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from estimator.codes import graphs, grids, tanner
from estimator.codes.outer import OuterCode
from estimator.codes.triorthogonal import parse_matrix_text
from estimator.errors import ConfigError
from estimator.inputs import read_text
from estimator.limits import require


def outer_code(spec: str, *, field: str = "SPEC") -> OuterCode:
    """An outer code from a spec:

    - a file of check-matrix rows (0/1 strings, blank lines and # comments ignored);
    - "trivial" (one check on one bit, Haah et al. 2017, Sec. 1.1); "repetition:N" (checks on bits i, i+1,
      N - 1 of them; "repetition:2" is Haah et al. 2017, Sec. 1.2.1); "ring:N" (N checks on neighbours of a
      ring, Haah et al. 2017, Sec. 1.2.2); "eq5.4" (Haah et al. 2017, Eq. (5.4));
    - grids (Haah et al. 2018, Sec. VI): "grid:K[:DIRS]" or "grid:K1xK2[:DIRS]" with DIRS a comma list of
      v (vertical: lines along the first axis), h (horizontal), d (diagonal x + y = z mod K),
      a (anti-diagonal x - y = z mod K), default "v,h"; "grid:K:D" or "grid:K1xK2x...xKD"
      for the D-dimensional grid of Haah et al. 2018, Table 1 (checks along each axis in turn);
    - graph codes (bits = edges, checks = vertices): "petersen", "hoffman-singleton",
      "graph:FILE" (one edge "u v" per line);
    - "tanner:K[:key=value,...]": the randomized Tanner-graph search of Haah et al. 2018, Sec. VII.2
      (see ``estimator.codes.tanner.tanner_search`` for the keys).

    Raises ConfigError naming ``field``.
    """
    text = spec.strip()
    head, _, rest = text.partition(":")
    if head in ("trivial", "eq5.4") and not rest:
        rows = [[1]] if head == "trivial" else _EQ_5_4
        return OuterCode.from_matrix(head, rows, field=field)
    if head in ("repetition", "ring"):
        if not rest.isdigit() or int(rest) < 2:
            raise ConfigError(field, f"{spec!r}: expected {head}:N with an integer N >= 2")
        return chain_code(int(rest), ring=head == "ring")
    if head == "grid":
        return grids.grid_from_spec(rest, field=field)
    if head in ("petersen", "hoffman-singleton") and not rest:
        return graphs.named_graph_code(head)
    if head == "graph":
        return graphs.graph_code_from_file(rest, field=field)
    if head == "tanner":
        return tanner.tanner_from_spec(rest, field=field).code
    if not Path(text).exists():
        raise ConfigError(
            field,
            f"{spec!r} is not a readable matrix file nor a builder (trivial, repetition:N, "
            "ring:N, eq5.4, grid:..., petersen, hoffman-singleton, graph:FILE, tanner:K)",
        )
    content = read_text(text, field=field)
    return OuterCode.from_matrix(text, parse_matrix_text(content, field=text), field=text)


_EQ_5_4 = [[1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]]  # Haah et al. 2017, Eq. (5.4)


def chain_code(n: int, *, ring: bool) -> OuterCode:
    """Checks on neighbouring bits i, i + 1: a path (the repetition code's n - 1 checks) or a
    ring of n checks (Haah et al. 2017, Sec. 1.2.2: redundant checks so that every bit is checked twice)."""
    require(
        what=f"a {'ring' if ring else 'repetition'} code on {n} bits",
        memory_bytes=float(n) * n,
        change="use fewer bits",
    )
    pairs = [(i, (i + 1) % n) for i in range(n if ring else n - 1)]
    matrix = np.zeros((len(pairs), n), dtype=np.uint8)
    for row, (a, b) in enumerate(pairs):
        matrix[row, [a, b]] = 1
    shift = tuple((b + 1) % n for b in range(n))
    name = f"ring:{n}" if ring else f"repetition:{n}"
    return OuterCode.from_matrix(name, matrix, symmetries=(shift,) if ring else ())
