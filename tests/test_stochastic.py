"""The stochastic Z-error model of Bravyi and Haah 2012, Sec. V (estimator/codes/stochastic.py)."""

import itertools
from fractions import Fraction

import numpy as np
import pytest

from estimator.codes.stochastic import ErrorPolynomial, ZErrorModel
from estimator.codes.triorthogonal import (
    MATRIX_15_TO_1,
    TriorthogonalCode,
    bh_family_matrix,
    parse_matrix,
    split_rows,
)
from estimator.errors import ConfigError, ProtocolError

FIFTEEN = parse_matrix(list(MATRIX_15_TO_1))

# Horner's rule on positive terms: relative error below 2 (n + 1) float64 roundings
# (~4e-14 for n = 170); 1e-13 leaves room for the final (1 - eps)^n factor.
REL_FLOAT = 1e-13


def _exact(poly: ErrorPolynomial, eps: Fraction) -> Fraction:
    return sum(c * eps**w * (1 - eps) ** (poly.n - w) for w, c in enumerate(poly.coefficients))


def _span(rows: np.ndarray) -> np.ndarray:
    m = rows.shape[0]
    return np.array(
        [np.array(x, dtype=int) @ rows % 2 for x in itertools.product((0, 1), repeat=m)]
    )


def _difference_formula(matrix: np.ndarray, eps: Fraction) -> tuple[Fraction, list[Fraction]]:
    """p_s and eps_a straight from Bravyi and Haah 2012, Eqs. (14) and (17), in exact rationals."""
    g1, g0 = split_rows(matrix)
    weights = _span(g0).sum(axis=1) if len(g0) else np.zeros(1, dtype=int)
    p_s = sum((1 - 2 * eps) ** int(w) for w in weights) / len(weights)
    marginals = []
    for row in g1:
        shifted = (_span(g0) + row) % 2 if len(g0) else row[None, :]
        total = sum((1 - 2 * eps) ** int(w) for w in weights)
        total -= sum((1 - 2 * eps) ** int(w) for w in shifted.sum(axis=1))
        marginals.append(total / (2 * len(weights) * p_s))
    return p_s, marginals


def test_fifteen_to_one_check_value():
    # docs/model/inner-outer.md check value: eps_out = 3.501050378e-11 at eps = 1e-4, compared to the
    # printed 10 digits (half a unit of the last digit).
    model = ZErrorModel.from_matrix(FIFTEEN)
    assert abs(model.evaluate(1e-4).eps_out - 3.501050378e-11) <= 0.5e-20


def test_fifteen_to_one_leading_order():
    # 35 eps^3 leading (docs/model/inner-outer.md); the next order is O(eps), so 1e-6 relative at eps = 1e-8.
    model = ZErrorModel.from_matrix(FIFTEEN)
    assert float(model.worst_error(1e-8)) / 1e-24 == pytest.approx(35, rel=1e-6)


@pytest.mark.parametrize("k", [2, 4, 6, 8])
def test_family_leading_order(k):
    # (3k+1) eps^2 leading (Bravyi and Haah 2012, Sec. VII; docs/model/inner-outer.md: 7, 13, 19, 25); O(eps) corrections at 1e-9.
    model = ZErrorModel.from_matrix(bh_family_matrix(k))
    assert float(model.worst_error(1e-9)) / 1e-18 == pytest.approx(3 * k + 1, rel=1e-5)


def test_three_output_conventions_of_20_to_4():
    """docs/model/inner-outer.md and docs/model/inner-outer.md: for 20-to-4 at leading order the Bravyi and Haah 2012 worst
    marginal is 13 eps^2, the Haah et al. 2017 and 2018 P(any output wrong) 22 eps^2 (over 4 outputs) and the
    Litinski 2019 infidelity per output 5.5 eps^2."""
    result = ZErrorModel.from_matrix(bh_family_matrix(4)).evaluate(1e-9)
    eps2 = 1e-18
    assert result.eps_out / eps2 == pytest.approx(13, rel=1e-5)
    assert result.p_any_output_wrong / eps2 == pytest.approx(22, rel=1e-5)
    assert result.k == 4
    assert result.infidelity_per_output / eps2 == pytest.approx(5.5, rel=1e-5)
    assert result.mean_outputs == pytest.approx(4 * result.success_probability, rel=1e-15)
    assert result.output_yield == pytest.approx(4 * result.success_probability / 20, rel=1e-15)


@pytest.mark.parametrize("matrix", [FIFTEEN, bh_family_matrix(2), bh_family_matrix(4)])
@pytest.mark.parametrize("eps", [Fraction(1, 10**30), Fraction(1, 10**6), Fraction(3, 100)])
def test_enumerator_form_equals_the_difference_formula(matrix, eps):
    """The integer-count polynomials equal Bravyi and Haah 2012's (1 - 2 eps)^|g| sums, evaluated exactly."""
    model = ZErrorModel.from_matrix(matrix)
    p_s, marginals = _difference_formula(matrix, eps)
    assert _exact(model.acceptance, eps) == p_s
    for poly, expected in zip(model.marginals, marginals):
        assert _exact(poly, eps) / p_s == expected
    assert float(model.success_probability(float(eps))) == pytest.approx(float(p_s), rel=REL_FLOAT)
    floats = model.marginal_errors(float(eps))
    assert floats == pytest.approx([float(x) for x in marginals], rel=REL_FLOAT)


@pytest.mark.parametrize("eps", [1e-30, 1e-12, 1e-3, 0.2])
def test_float_evaluation_keeps_its_digits_at_tiny_eps(eps):
    model = ZErrorModel.from_matrix(bh_family_matrix(54))
    exact_eps = Fraction(eps)
    p_s = _exact(model.acceptance, exact_eps)
    expected = float(_exact(model.marginals[0], exact_eps) / p_s)
    assert float(model.marginal_errors(eps)[0]) == pytest.approx(expected, rel=REL_FLOAT)


def test_against_enumeration_of_every_error_pattern():
    """Independent of enumerators: sum the probability of all 2^15 Z-error patterns."""
    g1, g0 = split_rows(FIFTEEN)
    eps = 0.01
    patterns = (np.arange(2**15)[:, None] >> np.arange(15)) & 1
    probability = eps ** patterns.sum(axis=1) * (1 - eps) ** (15 - patterns.sum(axis=1))
    accepted = ~(patterns @ g0.T.astype(int) % 2).any(axis=1)
    flipped = (patterns @ g1[0].astype(int) % 2).astype(bool)
    p_s = probability[accepted].sum()
    result = ZErrorModel.from_matrix(FIFTEEN).evaluate(eps)
    # 2^15 positive float64 terms summed: relative error well below 1e-12.
    assert result.success_probability == pytest.approx(p_s, rel=1e-12)
    assert result.eps_out == pytest.approx(probability[accepted & flipped].sum() / p_s, rel=1e-12)


def test_vectorised_shapes():
    model = ZErrorModel.from_matrix(bh_family_matrix(4))
    eps = np.array([1e-6, 1e-4, 1e-2])
    assert model.marginal_errors(eps).shape == (4, 3)
    assert model.worst_error(eps).shape == (3,)
    assert model.success_probability(eps).shape == (3,)


def test_code_counts_feed_the_model():
    code = TriorthogonalCode.from_matrix(FIFTEEN)
    model = ZErrorModel.from_code(code)
    assert model.acceptance.coefficients == code.accepted_counts
    assert model.marginals[0].order == code.distance == 3
    assert model.marginals[0].leading == code.leading_coefficient == 35


@pytest.mark.parametrize("eps", [0, 0.5, -1e-3, float("nan"), [1e-3, 0.7]])
def test_eps_outside_the_open_interval_is_rejected(eps):
    with pytest.raises(ConfigError, match=r"eps: error rates must lie in \(0, 0.5\)"):
        ZErrorModel.from_matrix(FIFTEEN).worst_error(eps)


def test_bad_polynomials_are_rejected():
    with pytest.raises(ProtocolError, match="non-negative counts"):
        ErrorPolynomial(2, (1, -1))
    with pytest.raises(ProtocolError, match="float range"):
        ErrorPolynomial(1100, (2**1050,))
