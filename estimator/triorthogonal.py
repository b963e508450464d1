"""Triorthogonal matrices (003_487af344fbb0938c.txt, Def. 1) and their rotation circuits.

A binary m x n matrix G is triorthogonal when every pair and every triple of rows has even
overlap. As a circuit (002 Sec. 1, ../shared/CODES.md): one qubit per row, one pi/8 rotation
per column on Z of the rows with a 1 in that column; odd-weight rows are outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from estimator.errors import ProtocolError


def parse_matrix(rows: Sequence[str], *, field: str = "matrix") -> np.ndarray:
    """Parse rows of '0'/'1' characters into a uint8 matrix.

    >>> parse_matrix(["101", "011"]).tolist()
    [[1, 0, 1], [0, 1, 1]]
    """
    if isinstance(rows, str) or not rows or not all(isinstance(r, str) for r in rows):
        raise ProtocolError(f"{field}: expected a non-empty list of strings of 0 and 1")
    cleaned = [r.replace(" ", "") for r in rows]
    for i, row in enumerate(cleaned, 1):
        if not row or set(row) - {"0", "1"}:
            raise ProtocolError(f"{field}: row {i} {row!r} has characters other than 0 and 1")
        if len(row) != len(cleaned[0]):
            raise ProtocolError(f"{field}: row {i} has length {len(row)}, row 1 has {len(cleaned[0])}")
    return np.array([[int(c) for c in row] for row in cleaned], dtype=np.uint8)


def triorthogonality_violation(matrix: np.ndarray) -> tuple[int, ...] | None:
    """Rows (1-based) of the first pair or triple with odd overlap, or None if triorthogonal."""
    g = np.asarray(matrix, dtype=np.int64)
    for size in (2, 3):
        for rows in combinations(range(g.shape[0]), size):
            if int(np.prod(g[list(rows)], axis=0).sum()) % 2:
                return tuple(r + 1 for r in rows)
    return None


def require_triorthogonal(matrix: np.ndarray, *, field: str = "matrix") -> None:
    """Raise ProtocolError naming the offending rows unless ``matrix`` is triorthogonal."""
    bad = triorthogonality_violation(matrix)
    if bad is not None:
        kind = "pair" if len(bad) == 2 else "triple"
        raise ProtocolError(f"{field}: not triorthogonal, rows {bad} ({kind}) have odd overlap")


def rotation_strings(matrix: np.ndarray) -> list[str]:
    """One rotation per column: Z on the rows (qubits) with a 1 in that column."""
    g = np.asarray(matrix)
    return [" ".join(f"Z{q + 1}" for q in np.flatnonzero(g[:, j])) for j in range(g.shape[1])]


def output_rows(matrix: np.ndarray) -> list[int]:
    """The odd-weight rows (1-based): they carry the outputs."""
    return [i + 1 for i, w in enumerate(np.asarray(matrix).sum(axis=1)) if w % 2]
