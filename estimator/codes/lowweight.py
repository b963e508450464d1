"""Low-weight codewords of a Tanner graph with girth >= 6, through a given bit.

A codeword is a set V of bits meeting every check an even number of times. The search grows
V from a root bit: while some check meets V an odd number of times (the least such, by
index), V must contain another bit of it, so branch over that check's other bits; a branch
stops at weight ``max_weight``, or when the odd checks cannot be fixed by the bits left
(each bit changes at most ``degree`` of them). Every codeword W of weight <= max_weight
through the root whose proper subsets are not codewords is found (each partial set inside W
leaves an odd check that W meets again). With girth >= 6 and every bit in >= 2 checks, a
nonzero codeword has weight >= degree + 1 (Tanner 1981), so for max_weight < 2 (degree + 1)
no codeword has a smaller codeword inside it and the search finds them all: the codewords
of weight <= max_weight through a bit are the same whichever bit of them roots the search.

This is the distance test of the Tanner-graph search of Haah et al. 2018, Sec. VII.2, in
the form they sketch ("if a qubit q has an error ... there must be qubits q1 in C1, ...").
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def _through(root, bit_checks, check_bits, n_checks, max_weight, found):  # pragma: no cover
    """Codewords of weight <= max_weight containing ``root`` (rows of ``found``, -1 padded;
    a codeword may appear more than once); returns the number of rows written, or -1 when
    ``found`` is full."""
    degree = bit_checks.shape[1]
    width = check_bits.shape[1]
    parity = np.zeros(n_checks, np.int8)
    chosen = np.full(max_weight, -1, np.int64)
    branch = np.zeros(max_weight, np.int64)
    index = np.zeros(max_weight, np.int64)
    rows = 0
    odd = 0
    chosen[0] = root
    for j in range(degree):
        c = bit_checks[root, j]
        parity[c] ^= 1
        odd += 1 if parity[c] else -1
    depth = 1
    # the least odd check among the chosen bits' checks
    best = n_checks
    for j in range(degree):
        c = bit_checks[root, j]
        if parity[c] and c < best:
            best = c
    branch[1] = best
    index[1] = 0
    while depth >= 1:
        exhausted = index[depth] >= width or check_bits[branch[depth], index[depth]] < 0
        if depth >= max_weight or exhausted:
            depth -= 1
            if depth >= 1:
                b = chosen[depth]
                for j in range(degree):
                    c = bit_checks[b, j]
                    parity[c] ^= 1
                    odd += 1 if parity[c] else -1
                chosen[depth] = -1
            continue
        b = check_bits[branch[depth], index[depth]]
        index[depth] += 1
        seen = False
        for i in range(depth):
            if chosen[i] == b:
                seen = True
        if seen:
            continue
        for j in range(degree):
            c = bit_checks[b, j]
            parity[c] ^= 1
            odd += 1 if parity[c] else -1
        chosen[depth] = b
        if odd == 0:
            if rows >= found.shape[0]:
                return -1
            for i in range(max_weight):
                found[rows, i] = chosen[i] if i <= depth else -1
            rows += 1
        elif odd <= degree * (max_weight - depth - 1):
            best = n_checks
            for i in range(depth + 1):
                for j in range(degree):
                    c = bit_checks[chosen[i], j]
                    if parity[c] and c < best:
                        best = c
            depth += 1
            branch[depth] = best
            index[depth] = 0
            continue
        for j in range(degree):
            c = bit_checks[b, j]
            parity[c] ^= 1
            odd += 1 if parity[c] else -1
        chosen[depth] = -1
    return rows


def adjacency(incidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bit_checks, check_bits) of a bits x checks 0/1 incidence with equal bit degrees;
    check rows are padded with -1."""
    bits = [np.flatnonzero(row) for row in incidence]
    checks = [np.flatnonzero(col) for col in incidence.T]
    width = max(len(c) for c in checks)
    check_bits = np.full((len(checks), width), -1, dtype=np.int64)
    for c, members in enumerate(checks):
        check_bits[c, : len(members)] = members
    return np.array(bits, dtype=np.int64), check_bits


def codewords_through(
    roots, bit_checks: np.ndarray, check_bits: np.ndarray, max_weight: int
) -> set[tuple[int, ...]]:
    """The codewords of weight <= max_weight through any of ``roots``, as sorted tuples (see
    the module docstring for when this is every one)."""
    out: set[tuple[int, ...]] = set()
    n_checks = check_bits.shape[0]
    for root in roots:
        size = 256
        while True:
            found = np.empty((size, max_weight), dtype=np.int64)
            rows = _through(int(root), bit_checks, check_bits, n_checks, max_weight, found)
            if rows >= 0:
                break
            size *= 4
        for row in found[:rows]:
            out.add(tuple(sorted(int(b) for b in row if b >= 0)))
    return out
