"""Triorthogonal matrices (Bravyi and Haah 2012, Def. 1) and their codes.

A binary m x n matrix G is triorthogonal when every pair and every triple of rows has even
overlap. As a circuit (Litinski 2019, Sec. 1, docs/model/inner-outer.md): one qubit per row, one pi/8 rotation
per column on Z of the rows with a 1 in that column; odd-weight rows (G1) are the outputs,
even-weight rows (G0) the checks. Rows and columns are numbered from 1 in everything this
module returns, like the qubits of ``estimator.circuits.protocol``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import numpy as np

from estimator.codes import gf2
from estimator.errors import ConfigError, ProtocolError
from estimator.limits import require

# Sign-flip corrections are searched exhaustively over an affine space of this dimension at most.
_MAX_FREE_DIMENSION = 20
_CHUNK = 4096

MATRIX_15_TO_1 = (
    "000011110111000",
    "100111000101011",
    "010110100011101",
    "001101110001110",
    "000000011111111",
)
"""The 5 x 15 triorthogonal matrix of the 15-to-1 protocol (Bravyi and Haah 2012, Sec. III; Litinski 2019, Sec. 1): row 1 is
the output, columns in the order of the published one-level schedule (docs/model/published-schedules.md)."""


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
            raise ProtocolError(
                f"{field}: row {i} has length {len(row)}, row 1 has {len(cleaned[0])}"
            )
    return np.array([[int(c) for c in row] for row in cleaned], dtype=np.uint8)


def parse_matrix_text(text: str, *, field: str = "matrix") -> np.ndarray:
    """Parse a matrix file: one row of 0/1 per line; blank lines and ``#`` comments ignored.

    Rows in error messages are counted among the matrix rows, not the file's lines.

    >>> parse_matrix_text("# a 2 x 3 matrix\\n101\\n\\n011  # second row\\n").tolist()
    [[1, 0, 1], [0, 1, 1]]
    """
    rows = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return parse_matrix([row for row in rows if row], field=field)


def triorthogonality_violation(matrix: np.ndarray) -> tuple[int, ...] | None:
    """Rows (1-based) of the first pair or triple with odd overlap, or None if triorthogonal.

    >>> triorthogonality_violation(parse_matrix(["1111", "0011"])) is None
    True
    >>> triorthogonality_violation(parse_matrix(["1110", "0111", "1011"]))
    (1, 2, 3)
    """
    g = np.asarray(matrix, dtype=np.int64)
    m, n = g.shape
    memory, seconds = triorthogonality_cost(m, n)
    require(
        what=f"checking the triorthogonality of a {m} x {n} matrix",
        memory_bytes=memory,
        seconds=seconds,
        change="use a matrix with fewer rows",
    )
    pair = (g @ g.T) % 2
    for a, b in combinations(range(g.shape[0]), 2):
        if pair[a, b]:
            return (a + 1, b + 1)
    triple = np.einsum("aj,bj,cj->abc", g, g, g) % 2
    for rows in combinations(range(g.shape[0]), 3):
        if triple[rows]:
            return tuple(r + 1 for r in rows)
    return None


def triorthogonality_cost(m: int, n: int) -> tuple[float, float]:
    """(bytes, seconds) of ``triorthogonality_violation`` on an m x n matrix: the m^3 table of
    triple overlaps (8 bytes each) and m^3 n multiply-adds (about 7e8 per second measured)."""
    return 8.0 * m**3 + 16.0 * m * n, m**3 * n / 7e8


PRODUCT_SECONDS = 1.6e-7
"""Seconds per big-integer product of a MacWilliams transform (measured at n = 608)."""


def counting_cost(n: int) -> tuple[float, float]:
    """(bytes, seconds) of one MacWilliams transform of length n (``_dual``): the Krawtchouk
    table of (n + 1)^2 integers of about n bits, and (n + 1)^2 products."""
    table = (n + 1) ** 2
    return table * (n / 8 + 32), table * PRODUCT_SECONDS


def require_triorthogonal(matrix: np.ndarray, *, field: str = "matrix") -> None:
    """Raise ProtocolError naming the offending rows unless ``matrix`` is triorthogonal."""
    bad = triorthogonality_violation(matrix)
    if bad is not None:
        kind = "pair" if len(bad) == 2 else "triple"
        raise ProtocolError(f"{field}: not triorthogonal, rows {bad} ({kind}) have odd overlap")


def rotation_strings(matrix: np.ndarray, *, negated: Collection[int] = ()) -> list[str]:
    """One rotation per column: Z on the rows (qubits) with a 1 in that column.

    Columns listed (1-based) in ``negated`` get the sign -1.

    >>> rotation_strings(parse_matrix(["110", "011"]), negated=[2])
    ['Z1', '-Z1 Z2', 'Z2']
    """
    g = np.asarray(matrix)
    return [
        ("-" if j + 1 in negated else "") + " ".join(f"Z{q + 1}" for q in np.flatnonzero(g[:, j]))
        for j in range(g.shape[1])
    ]


def output_rows(matrix: np.ndarray) -> list[int]:
    """The odd-weight rows (1-based): they carry the outputs."""
    return [i + 1 for i, w in enumerate(np.asarray(matrix).sum(axis=1)) if w % 2]


def split_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(G1, G0): the odd-weight (output) rows and the even-weight (check) rows (Bravyi and Haah 2012, Sec. III).

    >>> g1, g0 = split_rows(parse_matrix(["111", "110"]))
    >>> g1.tolist(), g0.tolist()
    ([[1, 1, 1]], [[1, 1, 0]])
    """
    g = gf2.as_binary(matrix)
    odd = g.sum(axis=1, dtype=np.int64) % 2 == 1
    return g[odd], g[~odd]


def bh_family_matrix(k: int) -> np.ndarray:
    """The (3k+8)-to-k triorthogonal matrix of Bravyi and Haah 2012, Sec. VII, k = 2k' even.

    Rows 1..k are the outputs (two per block), rows k+1..k+3 the checks; columns are 8 core
    columns followed by k' blocks of 6 (layout as in docs/model/inner-outer.md).

    >>> bh_family_matrix(2).shape
    (5, 14)
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2 or k % 2:
        raise ConfigError("k", f"the (3k+8)-to-k family needs an even k >= 2, got {k!r}")
    blocks = k // 2
    core_out, core_checks = "00001111", ("01010101", "00110011", "11111111")
    block_checks = ("101101", "011011", "000000")
    rows = [
        core_out + "".join(half if j == i else "000000" for j in range(blocks))
        for i in range(blocks)
        for half in ("111000", "000111")
    ]
    rows += [core + block * blocks for core, block in zip(core_checks, block_checks)]
    return parse_matrix(rows, field=f"(3k+8)-to-k family, k = {k}")


def sign_flips(matrix: np.ndarray) -> tuple[int, ...] | None:
    """Columns (1-based) whose rotation sign must be -1 for the circuit to prepare exactly
    |m>^k on the outputs and |+> on the checks; None if no set of sign flips does it.

    The plain circuit prepares the target only up to a diagonal Clifford made of S and CZ
    gates (Bravyi and Haah 2012, Lemma 2). Negating the rotation of column j applies exp(-i pi/4 Z_{S_j}); a set
    F of negated columns is the needed correction iff, for all rows a, b,
    |F & g_a| = (|g_a| + [a is an output]) / 2 (mod 4) and |F & g_a & g_b| = |g_a & g_b| / 2
    (mod 2) (expand the phase sum_j sign_j (-1)^(x.c_j) in monomials of x and match it mod 8).
    The mod-2 part is linear; its solution space is searched for the mod-4 condition and the
    fewest flips are returned.

    Raises:
        ProtocolError: the matrix is not triorthogonal, or the search space has more than
            2^20 points.

    >>> sign_flips(bh_family_matrix(4))
    (1, 2, 3, 4)
    """
    g = gf2.as_binary(matrix).astype(np.int64)
    require_triorthogonal(g)
    weights = g.sum(axis=1)
    row_target = ((weights + weights % 2) // 2) % 4
    overlaps = [g[a] * g[b] for a, b in combinations(range(g.shape[0]), 2)]
    system = np.array([*g, *overlaps])
    rhs = np.array([*(row_target % 2), *((o.sum() // 2) % 2 for o in overlaps)])
    particular = gf2.solve(system, rhs)
    if particular is None:
        return None
    dim = system.shape[1] - gf2.rank(system)  # before the basis of the solution space is built
    if dim > _MAX_FREE_DIMENSION:
        raise ProtocolError(
            f"matrix: the sign-flip search space has dimension {dim} > {_MAX_FREE_DIMENSION}"
        )
    free = gf2.null_space(system).astype(np.int64)
    best: np.ndarray | None = None
    for start in range(0, 2**dim, _CHUNK):
        choice = (np.arange(start, min(start + _CHUNK, 2**dim))[:, None] >> np.arange(dim)) & 1
        flips = (particular + choice @ free) % 2
        flips = flips[((flips @ g.T) % 4 == row_target).all(axis=1)]
        if flips.size:
            candidate = flips[flips.sum(axis=1).argmin()]
            if best is None or candidate.sum() < best.sum():
                best = candidate
    return None if best is None else tuple(int(j) + 1 for j in np.flatnonzero(best))


@dataclass(frozen=True)
class TriorthogonalCode:
    """The code of a triorthogonal matrix and its exact Z-error counts (Bravyi and Haah 2012, Secs. IV-V).

    A Z error f (a set of faulty inputs) passes the checks iff f is in G0^perp; it then flips
    output a iff f.g_a = 1, i.e. iff f is not in (G0 + g_a)^perp. Counts of such f per weight
    come from the MacWilliams transform of the small spaces G0, G0 + g_a and G.

    Attributes:
        rows: the matrix, one string of 0/1 per row.
    """

    rows: tuple[str, ...]

    def __post_init__(self) -> None:
        require_triorthogonal(self.matrix)
        if not output_rows(self.matrix):
            raise ProtocolError("matrix: no odd-weight row, so the code has no output")

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, *, field: str = "matrix") -> TriorthogonalCode:
        """The code of a 0/1 array; errors name ``field``."""
        g = gf2.as_binary(matrix, field=field)
        require_triorthogonal(g, field=field)
        if not output_rows(g):
            raise ProtocolError(f"{field}: no odd-weight row, so the code has no output")
        return cls(tuple("".join(map(str, row)) for row in g.tolist()))

    @cached_property
    def matrix(self) -> np.ndarray:
        """G as a uint8 array."""
        return parse_matrix(list(self.rows))

    @property
    def n(self) -> int:
        """Number of columns: input magic states (pi/8 rotations)."""
        return self.matrix.shape[1]

    @property
    def k(self) -> int:
        """Number of outputs (odd-weight rows)."""
        return len(self.outputs)

    @property
    def outputs(self) -> tuple[int, ...]:
        """Output rows (1-based)."""
        return tuple(output_rows(self.matrix))

    @property
    def checks(self) -> tuple[int, ...]:
        """Check rows (1-based)."""
        return tuple(r for r in range(1, len(self.rows) + 1) if r not in self.outputs)

    def _dual(self, rows: Sequence[int]) -> tuple[int, ...]:
        """Weight enumerator of the dual of the span of the given rows (1-based)."""
        g = self.matrix[[r - 1 for r in rows]]
        memory, seconds = counting_cost(self.n)
        require(
            what=f"counting the errors of a code with {self.n} inputs",
            memory_bytes=memory,
            seconds=seconds * (self.k + 3),  # accepted, any wrong and one per output
            change="use a matrix with fewer columns",
        )
        return gf2.dual_weight_enumerator(gf2.weight_enumerator(g))

    @cached_property
    def accepted_counts(self) -> tuple[int, ...]:
        """B_w(G0^perp): errors of weight w that pass every check (Bravyi and Haah 2012, Eq. (14))."""
        return self._dual(self.checks)

    @cached_property
    def marginal_counts(self) -> tuple[tuple[int, ...], ...]:
        """Per output a: B_w(G0^perp) - B_w((G0 + g_a)^perp), the accepted errors of weight w
        that flip output a (Bravyi and Haah 2012, Eq. (20))."""
        return tuple(
            tuple(b - c for b, c in zip(self.accepted_counts, self._dual([*self.checks, a])))
            for a in self.outputs
        )

    @cached_property
    def any_wrong_counts(self) -> tuple[int, ...]:
        """B_w(G0^perp) - B_w(G^perp): accepted errors of weight w that flip some output."""
        every = self._dual(range(1, len(self.rows) + 1))
        return tuple(b - c for b, c in zip(self.accepted_counts, every))

    @property
    def distance(self) -> int:
        """Distance against Z errors: least weight of an accepted error flipping an output
        (Bravyi and Haah 2012, Eq. (19))."""
        return min(_order(counts) for counts in self.marginal_counts)

    @property
    def leading_coefficient(self) -> int:
        """c in eps_out = c eps^d + O(eps^(d+1)) for the worst output (Bravyi and Haah 2012, Eqs. (18)-(20))."""
        return max(counts[self.distance] for counts in self.marginal_counts)


def _order(counts: Sequence[int]) -> int:
    return next(w for w, c in enumerate(counts) if c)
