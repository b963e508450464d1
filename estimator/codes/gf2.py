"""Linear algebra over GF(2) and weight enumerators of binary linear codes.

Matrices are 2-D numpy arrays of 0/1 (any integer dtype in, ``uint8`` out); a code is the
row space of a matrix. Weight enumerators are tuples of exact Python ints ``A[w]`` (number of
codewords of weight w, w = 0..n). The MacWilliams transform gives the enumerator of the dual
code from that of the small space, so a dual of dimension n - 3 is never enumerated
(Bravyi and Haah 2012, Sec. V, Eqs. (14) and (20); docs/model/inner-outer.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np

from estimator.errors import ProtocolError


def as_binary(matrix: np.ndarray, *, field: str = "matrix") -> np.ndarray:
    """Return ``matrix`` as a 2-D ``uint8`` array of 0/1, or raise ProtocolError.

    >>> as_binary([[1, 0], [0, 1]]).dtype
    dtype('uint8')
    """
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ProtocolError(f"{field}: expected a 2-D 0/1 matrix with at least one column")
    if array.size and not np.isin(array, (0, 1)).all():
        raise ProtocolError(f"{field}: entries must be 0 or 1")
    return array.astype(np.uint8)


def row_reduce(matrix: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Reduced row echelon form over GF(2): the nonzero rows and their pivot columns.

    >>> rows, pivots = row_reduce([[1, 1, 0], [1, 1, 1], [0, 0, 1]])
    >>> rows.tolist(), pivots
    ([[1, 1, 0], [0, 0, 1]], (0, 2))
    """
    work = as_binary(matrix).copy()
    pivots: list[int] = []
    r = 0
    for c in range(work.shape[1]):
        if r == work.shape[0]:
            break
        below = np.flatnonzero(work[r:, c])
        if below.size == 0:
            continue
        p = r + below[0]
        work[[r, p]] = work[[p, r]]
        hits = np.flatnonzero(work[:, c])
        hits = hits[hits != r]
        work[hits] ^= work[r]
        pivots.append(c)
        r += 1
    return work[:r], tuple(pivots)


def rank(matrix: np.ndarray) -> int:
    """Rank over GF(2).

    >>> rank([[1, 1, 0], [0, 1, 1], [1, 0, 1]])
    2
    """
    return len(row_reduce(matrix)[1])


def null_space(matrix: np.ndarray) -> np.ndarray:
    """A basis (as rows) of {x : M x = 0}, i.e. of the dual of the row space of M.

    >>> null_space([[1, 1, 0], [0, 1, 1]]).tolist()
    [[1, 1, 1]]
    """
    m = as_binary(matrix)
    reduced, pivots = row_reduce(m)
    free = [c for c in range(m.shape[1]) if c not in set(pivots)]
    basis = np.zeros((len(free), m.shape[1]), dtype=np.uint8)
    for i, f in enumerate(free):
        basis[i, f] = 1
        basis[i, list(pivots)] = reduced[:, f]
    return basis


def solve(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """One solution x of M x = rhs over GF(2) (free variables 0), or None if inconsistent.

    >>> solve([[1, 1, 0], [0, 1, 1]], [1, 0]).tolist()
    [1, 0, 0]
    >>> solve([[1, 1], [1, 1]], [0, 1]) is None
    True
    """
    m = as_binary(matrix)
    augmented = np.concatenate([m, as_binary(np.reshape(rhs, (-1, 1)), field="rhs")], axis=1)
    reduced, pivots = row_reduce(augmented)
    if pivots and pivots[-1] == m.shape[1]:
        return None
    x = np.zeros(m.shape[1], dtype=np.uint8)
    x[list(pivots)] = reduced[:, -1]
    return x


def independent_rows(matrix: np.ndarray) -> np.ndarray:
    """The rows of M that raise the rank when taken in order: a basis of the row space
    made of original (sparse) rows rather than their reduced combinations.

    >>> independent_rows([[1, 1, 0], [0, 1, 1], [1, 0, 1], [0, 0, 1]]).tolist()
    [[1, 1, 0], [0, 1, 1], [0, 0, 1]]
    """
    m = as_binary(matrix)
    kept: list[int] = []
    for i in range(m.shape[0]):
        if rank(m[kept + [i]]) > len(kept):
            kept.append(i)
    return m[kept]


def span(matrix: np.ndarray, *, max_dimension: int = 20) -> np.ndarray:
    """All codewords of the row space, one per row (2^dim rows; only for small dimension).

    >>> span([[1, 1, 0], [0, 1, 1]]).tolist()
    [[0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0]]
    """
    basis = row_reduce(matrix)[0]
    dim = basis.shape[0]
    if dim > max_dimension:
        raise ProtocolError(f"span: dimension {dim} exceeds max_dimension = {max_dimension}")
    coefficients = (np.arange(2**dim)[:, None] >> np.arange(dim)) & 1
    return ((coefficients @ basis) % 2).astype(np.uint8)


def weight_enumerator(matrix: np.ndarray) -> tuple[int, ...]:
    """Weight enumerator (A_0, ..., A_n) of the row space of M, exactly.

    Up to dimension 22 (and 1 GiB) every codeword is formed at once, bit-packed; beyond, a
    dynamic programme over the rows of a basis (densest first): after each row, columns
    that no later row touches are closed and their parities added to the weight; the state
    is the partial parity of the still-open columns. Structured matrices (the Bravyi and Haah 2012, Sec. VII
    family) keep few states, so dimensions far beyond enumeration are fine.

    >>> weight_enumerator([[1, 1, 0], [0, 1, 1]])
    (1, 0, 3, 0)
    """
    basis = independent_rows(matrix)
    dim, words = basis.shape[0], -(-basis.shape[1] // 64)
    if dim <= _ENUMERATE_DIMENSION and (16 << dim) * words <= _ENUMERATE_BYTES:
        return _enumerated_weights(basis)
    return _dynamic_programme_weights(basis)


def _dynamic_programme_weights(basis: np.ndarray) -> tuple[int, ...]:
    """Weight distribution of the span of independent rows by the open-column DP."""
    n = basis.shape[1]
    basis = basis[np.argsort(-basis.sum(axis=1, dtype=np.int64), kind="stable")]
    masks = [int("".join(map(str, row[::-1])), 2) for row in basis.tolist()]
    closing = [0] * len(masks)
    for j in range(n):
        touching = [i for i, mask in enumerate(masks) if mask >> j & 1]
        if touching:
            closing[touching[-1]] |= 1 << j
    states: dict[int, Counter[int]] = {0: Counter({0: 1})}
    for mask, closed in zip(masks, closing):
        successors: defaultdict[int, Counter[int]] = defaultdict(Counter)
        for state, counts in states.items():
            for parity in (state, state ^ mask):
                added = (parity & closed).bit_count()
                target = successors[parity & ~closed]
                for weight, count in counts.items():
                    target[weight + added] += count
        states = successors
    counts = states[0]
    return tuple(counts.get(w, 0) for w in range(n + 1))


_ENUMERATE_DIMENSION = 22
_ENUMERATE_BYTES = 2**30
_POPCOUNT8 = np.array([i.bit_count() for i in range(256)], dtype=np.uint8)


def _enumerated_weights(basis: np.ndarray) -> tuple[int, ...]:
    """Weight distribution of the span of independent rows by forming all 2^dim codewords."""
    dim, n = basis.shape
    packed = pack_rows(basis)
    words = np.zeros((1 << dim, packed.shape[1]), dtype=np.uint64)
    for i in range(dim):
        words[1 << i : 2 << i] = words[: 1 << i] ^ packed[i]
    weights = _POPCOUNT8[words.view(np.uint8)].sum(axis=1, dtype=np.int64)
    return tuple(int(c) for c in np.bincount(weights, minlength=n + 1))


def pack_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows of a 0/1 matrix as little-endian uint64 words (bit j of row i at word j // 64).

    >>> pack_rows([[1, 0, 1]]).tolist()
    [[5]]
    """
    m = as_binary(matrix)
    padded = np.zeros((m.shape[0], -(-m.shape[1] // 64) * 64), dtype=np.uint8)
    padded[:, : m.shape[1]] = m
    return np.packbits(padded, axis=1, bitorder="little").view("<u8").astype(np.uint64)


@lru_cache(maxsize=64)
def _krawtchouk(n: int) -> tuple[tuple[int, ...], ...]:
    """K[i][j] = coefficient of z^j in (1 - z)^i (1 + z)^(n - i), as exact ints."""
    rows = [tuple(_binomial_row(n))]
    for _ in range(n):
        previous, current = rows[-1], [0] * (n + 1)
        for j in range(n + 1):  # (1 + z) P_{i+1} = (1 - z) P_i, solved for P_{i+1}
            current[j] = previous[j] - (previous[j - 1] if j else 0) - (current[j - 1] if j else 0)
        rows.append(tuple(current))
    return tuple(rows)


def _binomial_row(n: int) -> list[int]:
    row = [1]
    for j in range(n):
        row.append(row[-1] * (n - j) // (j + 1))
    return row


def dual_weight_enumerator(enumerator: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """MacWilliams transform: B_j = (1/|C|) sum_i A_i K_j(i), exactly.

    Raises ProtocolError if ``enumerator`` is not that of a linear code (|C| not a power of
    2 or a non-integral B_j).

    >>> dual_weight_enumerator((1, 0, 3, 0))  # the dual of the even-weight code is {000, 111}
    (1, 0, 0, 1)
    """
    a = [int(x) for x in enumerator]
    n, size = len(a) - 1, sum(a)
    if size <= 0 or size & (size - 1) or any(x < 0 for x in a):
        raise ProtocolError(f"enumerator: {a} is not the weight enumerator of a linear code")
    kraw = _krawtchouk(n)
    dual = []
    for j in range(n + 1):
        total = sum(a_i * kraw[i][j] for i, a_i in enumerate(a) if a_i)
        if total % size:
            raise ProtocolError(f"enumerator: {a} gives a non-integral dual enumerator")
        dual.append(total // size)
    return tuple(dual)
