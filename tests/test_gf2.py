"""GF(2) linear algebra and exact weight enumerators (estimator/codes/gf2.py)."""

import itertools

import numpy as np
import pytest

from estimator.codes import gf2
from estimator.codes.triorthogonal import bh_family_matrix
from estimator.errors import ProtocolError

HAMMING_7_4 = np.array(
    [[1, 0, 0, 0, 0, 1, 1], [0, 1, 0, 0, 1, 0, 1], [0, 0, 1, 0, 1, 1, 0], [0, 0, 0, 1, 1, 1, 1]]
)


def _brute_enumerator(matrix: np.ndarray) -> tuple[int, ...]:
    """Weights of x M over every coefficient vector x (independent of gf2's code paths)."""
    m, n = matrix.shape
    words = {
        tuple(np.array(x, dtype=int) @ matrix % 2) for x in itertools.product((0, 1), repeat=m)
    }
    counts = [0] * (n + 1)
    for word in words:
        counts[sum(word)] += 1
    return tuple(counts)


def test_row_reduce_rank_null_space_solve_by_hand():
    rows, pivots = gf2.row_reduce([[0, 1, 1], [1, 1, 0], [1, 0, 1]])
    assert rows.tolist() == [[1, 0, 1], [0, 1, 1]] and pivots == (0, 1)
    assert gf2.rank(HAMMING_7_4) == 4
    dual = gf2.null_space(HAMMING_7_4)
    assert dual.shape == (3, 7) and not (HAMMING_7_4 @ dual.T % 2).any()
    x = gf2.solve(HAMMING_7_4, [1, 0, 1, 1])
    assert (HAMMING_7_4 @ x % 2).tolist() == [1, 0, 1, 1]


def test_hamming_code_and_its_dual():
    # [7,4,3] Hamming: 1 + 7z^3 + 7z^4 + z^7; its dual is the [7,3,4] simplex code.
    assert gf2.weight_enumerator(HAMMING_7_4) == (1, 0, 0, 7, 7, 0, 0, 1)
    assert gf2.dual_weight_enumerator((1, 0, 0, 7, 7, 0, 0, 1)) == (1, 0, 0, 0, 7, 0, 0, 0)


@pytest.mark.parametrize("seed", range(6))
def test_enumerator_and_macwilliams_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 7)), int(rng.integers(2, 13))
    matrix = rng.integers(0, 2, (m, n))
    matrix[-1] = matrix[0]  # a dependent row: the enumerator counts codewords, not x
    enumerator = gf2.weight_enumerator(matrix)
    assert enumerator == _brute_enumerator(matrix)
    assert gf2.dual_weight_enumerator(enumerator) == _brute_enumerator(gf2.null_space(matrix))
    assert len(gf2.span(matrix)) == 2 ** gf2.rank(matrix)


def test_enumerator_of_a_large_structured_span():
    # The k = 54 member has 57 rows: 2^57 codewords, far beyond enumeration.
    g = bh_family_matrix(54)
    enumerator = gf2.weight_enumerator(g)
    assert sum(enumerator) == 2**57 and enumerator[0] == 1
    dual = gf2.dual_weight_enumerator(enumerator)
    assert sum(dual) == 2 ** (170 - 57) and dual[0] == 1


def test_independent_rows_keeps_original_rows():
    rows = gf2.independent_rows([[1, 1, 0], [1, 1, 0], [0, 1, 1]])
    assert rows.tolist() == [[1, 1, 0], [0, 1, 1]]


def test_non_binary_matrix_is_rejected():
    with pytest.raises(ProtocolError, match="0 or 1"):
        gf2.as_binary([[0, 2]])


def test_span_refuses_large_dimension():
    with pytest.raises(ProtocolError, match="max_dimension"):
        gf2.span(np.eye(5, dtype=int), max_dimension=4)


def test_macwilliams_rejects_a_non_code():
    with pytest.raises(ProtocolError, match="not the weight enumerator"):
        gf2.dual_weight_enumerator((1, 2, 0))


@pytest.mark.parametrize("seed", range(4))
def test_enumeration_and_dynamic_programme_agree(seed):
    # weight_enumerator forms every codeword up to dimension 22 and runs the DP beyond;
    # both paths must give the same distribution on the same basis.
    rng = np.random.default_rng(100 + seed)
    basis = gf2.independent_rows(rng.integers(0, 2, (int(rng.integers(3, 12)), 70)))
    assert gf2._enumerated_weights(basis) == gf2._dynamic_programme_weights(basis)
    assert gf2._enumerated_weights(basis) == _brute_enumerator(basis)
