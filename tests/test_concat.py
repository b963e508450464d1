"""Concatenated protocols and the sequence search, against Haah et al. 2018, Table 5."""

import dataclasses
import math

import pytest

from estimator.codes.concat import DEFAULT_STAGES, concatenate, search, stage
from estimator.errors import ConfigError

# Haah et al. 2018, Table 5 (eps_in = 1e-3): sequence, n_out, eps_out (2 significant
# digits), T count per output (rounded to an integer), space (2 significant digits).
# 22-46-54-54: the table prints n_out = 2950922; the product 22*46*54*54 is 2,950,992
# (docs/model/inner-outer.md lists this typo), so the product is tested.
TABLE_5 = [
    ("6-22-54", 7128, 1.0e-13, 47, 3.3e5),
    ("15-5", 2, 1.1e-14, 76, 1.5e2),
    ("5-34-46", 3128, 9.8e-15, 52, 1.6e5),
    ("5-5-54", 216, 8.7e-17, 80, 1.7e4),
    ("5-5-5", 8, 4.8e-18, 126, 1.0e3),
    ("22-46-54-54", 2_950_992, 8.1e-19, 115, 3.1e8),
    ("15-15", 1, 1.5e-21, 228, 2.3e2),
]


def _at_printed_precision(value: float, printed: float) -> bool:
    """|value - printed| <= half a unit of the printed second significant digit (ties
    included: 225 qubits print as 2.3e2)."""
    half_unit = 0.5 * 10 ** (math.floor(math.log10(printed)) - 1)
    return abs(value - printed) <= half_unit * (1 + 1e-9)


@pytest.mark.parametrize(("sequence", "n_out", "eps_out", "t_count", "space"), TABLE_5)
def test_table_5_row(sequence, n_out, eps_out, t_count, space):
    result = concatenate(sequence, 1e-3)
    assert result.n_out == n_out
    assert round(result.t_per_output) == t_count
    assert _at_printed_precision(result.space, space)
    # 6-22-54 gives 9.925e-14: inside the printed 1.0e-13 +- 0.05e-13, though it would itself
    # round to 9.9e-14.
    assert _at_printed_precision(result.eps_out, eps_out)


def test_mek_stage_model():
    """MEK as in Haah et al. 2018, Table 5: 9 weight-2 failures of probability eps^2 (1-eps)^8 each, over
    success probability (1-eps)^10, so eps_out = 9 eps^2 / (1-eps)^2 (leading order 9 eps^2).
    Reading it as exactly 9 eps^2 would give 9.68e-15 for 5-34-46, printed 9.8e-15."""
    mek = stage("5")
    eps = 1e-3
    assert float(mek.eps_out(eps)) == pytest.approx(9 * eps**2 / (1 - eps) ** 2, rel=1e-14)
    assert float(mek.success_probability(eps)) == pytest.approx((1 - eps) ** 10, rel=1e-14)
    assert (mek.n, mek.k) == (10, 2)


def test_result_bookkeeping():
    result = concatenate(["5", "34", "46"], 1e-3)
    assert result.name == "5-34-46" and result.convention.startswith("003 (Bravyi and Haah 2012): worst marginal")
    assert result.space == 10 * 110 * 146
    assert result.t_per_output == pytest.approx(math.prod(s.inverse_yield for s in result.stages))
    assert [s.eps_in for s in result.stages[1:]] == [s.eps_out for s in result.stages[:-1]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.eps_out = 0.0


@pytest.mark.parametrize(("sequence", "n_out", "eps_out", "t_count", "space"), TABLE_5)
def test_search_is_at_least_as_good_as_every_printed_row(sequence, n_out, eps_out, t_count, space):
    row = concatenate(sequence, 1e-3)
    best = search(1e-3, row.eps_out, n_best=1)
    assert best and best[0].eps_out <= row.eps_out
    assert best[0].t_per_output <= row.t_per_output


@pytest.mark.parametrize("sequence", ["15-5", "5-5-5", "15-15"])
def test_search_over_mek_and_15_to_1_finds_the_starred_rows(sequence):
    # Starred rows of Haah et al. 2018, Table 5: the cheapest sequences using only MEK ("5") and BK ("15").
    row = concatenate(sequence, 1e-3)
    best = search(1e-3, row.eps_out, stages=["5", "15"], n_best=3)
    assert best[0].name == sequence
    assert [r.t_per_output for r in best] == sorted(r.t_per_output for r in best)


def test_search_returns_nothing_when_the_target_is_out_of_reach():
    assert search(1e-3, 1e-40, max_stages=1, stages=["2"]) == ()


def test_default_stage_set_is_that_of_table_5():
    assert set(DEFAULT_STAGES) == {"5", "15", *(str(k) for k in range(2, 55, 2))}


@pytest.mark.parametrize("sequence", ["7", "6-x", "", "6--22", "06"])
def test_unknown_stage(sequence):
    with pytest.raises(ConfigError, match="sequence: "):
        concatenate(sequence, 1e-3)


@pytest.mark.parametrize("eps_in", [0, 0.5, 0.7, -1e-3])
def test_eps_in_out_of_range(eps_in):
    with pytest.raises(ConfigError, match=r"eps_in: error rates must lie in \(0, 0.5\)"):
        concatenate("15", eps_in)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"target": 0}, "target"),
        ({"target": 1e-10, "max_stages": 0}, "max_stages"),
        ({"target": 1e-10, "n_best": 0}, "n_best"),
        ({"target": 1e-10, "max_stages": 5}, "max_stages"),  # 29^5 sequences: too many
        ({"target": 1e-10, "stages": ["3"]}, "sequence"),
    ],
)
def test_search_rejects_bad_options(options, field):
    with pytest.raises(ConfigError, match=f"{field}: "):
        search(1e-3, **options)
