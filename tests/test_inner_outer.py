"""The protocol calculus of Haah et al. 2018 (estimator.codes.inner_outer) on stand-in codes.

Expected values are derived by hand from Haah et al. 2018's formulas (Secs. III-VI) and the c_log values
of docs/model/inner-outer.md, or by listing patterns; the printed examples themselves are
checked with the real codes in test_haah2018.py.
"""

import itertools
import math
from math import comb

import numpy as np
import pytest
from inner_outer_standins import (
    BCH_31_11_5,
    BCH_31_21_3,
    BCH_63_45_4,
    C4,
    C17,
    STEANE,
    StandInInner,
    StandInOuter,
    grid,
    grid_vh,
)

from estimator.codes.inner_outer import (
    HHPWProtocol,
    Round,
    check_rates,
    concat_source,
    evaluate,
    mek_source,
    protocol_source,
    raw_source,
)
from estimator.codes.inner_outer.bookkeeping import bookkeeping
from estimator.codes.inner_outer.patterns import _hidden_inputs, enumerate_patterns
from estimator.errors import ConfigError, ModelError

EPS = 1e-3
RAW, MEK = raw_source(EPS), mek_source(EPS)


def _protocol(outer, rounds, inputs=RAW, order=None):
    return HHPWProtocol("test", outer, tuple(rounds), inputs, order)


def _grid_31_11_5(inputs=RAW, vertical=RAW, horizontal=RAW, basis="separated", **kw):
    """Haah et al. 2018, Sec. VI.4.1's protocol shape: [[31,11,5]] on the 11 x 11 grid, m = 1."""
    return _protocol(
        grid_vh(11),
        [
            Round("vertical", BCH_31_11_5, 11, vertical, 1, magic_basis=basis, **kw),
            Round("horizontal", BCH_31_11_5, 11, horizontal, 1, magic_basis=basis, **kw),
        ],
        inputs,
    )


# ----------------------------------------------------------------- per-check probabilities


def test_check_rates_follow_000_section_IV_1():
    n, eps = 31, 1e-3
    for m, repeat, fail in [
        (1, 2 * n * eps, n * eps**2 + (2 * n * eps) ** 2 / 2),
        (2, 2 * n * eps + 4 * n**2 * eps**2, n * eps**2 + (2 * n * eps) ** 3 / 6),
    ]:
        r = check_rates(n, eps, m)
        assert r.p_succ == pytest.approx((1 - eps) ** (2 * n), rel=1e-14)
        assert (r.p_repeat, r.p_fail) == (pytest.approx(repeat), pytest.approx(fail))
        assert r.t_per_check == pytest.approx(2 * n / (1 - repeat))
        assert r.p_pass == pytest.approx(r.p_succ / (r.p_succ + r.p_fail))
    basic = check_rates(n, eps, 0)  # every T error stops the run
    assert basic.p_repeat == 0 and basic.p_pass == pytest.approx((1 - eps) ** 62, rel=1e-14)


def test_check_rates_small_eps_without_cancellation():
    """At eps = 1e-12, 1 - p_pass = P_fail / (P_succ + P_fail) ~ (n + 2 n^2) eps^2 exactly."""
    r = check_rates(63, 1e-12, 1)
    assert r.p_stop == pytest.approx((63 + 2 * 63**2) * 1e-24, rel=1e-9)
    assert check_rates(63, 1e-12, 0).p_stop == pytest.approx(126e-12, rel=1e-9)


def test_check_rates_refuse_eps_beyond_the_leading_order():
    with pytest.raises(ModelError, match="P_repeat"):
        check_rates(63, 0.01, 1)  # 2 n eps = 1.26


# ----------------------------------------------------------------- structure and validation


def test_grid_structure_lonely_checks_and_first_checks():
    s = _protocol(
        StandInOuter("g5", grid(5, 5, "vhd")),
        [Round(d, STEANE_5, 5, RAW) for d in ("v", "h", "d")],
    ).structure
    assert s.lonely == (False,) * 10 + (True,) * 5  # only the last round is lonely
    assert s.n_lonely == 5 and s.four_cycle_free
    assert set(s.first_check_of_bit) == set(range(5))  # every qubit first meets a vertical
    assert s.private[0] == (2,) * 5 and s.private[5] == (1,) * 5


STEANE_5 = StandInInner("[[n,5,3]]", 11, 5, 3, {3: 1})  # a hypothetical code for 5-qubit checks
EQ_5_4 = np.array([[1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]])  # Haah et al. 2017, Eq. (5.4)
THREE = StandInInner("[[n,3,5]]", 21, 3, 5, {5: 21})  # [[21,3,5]] of Haah et al. 2017, App. A


def test_structure_with_four_cycles():
    s = _protocol(StandInOuter("eq5.4", EQ_5_4), [Round("r", THREE, 4, RAW)]).structure
    assert not s.four_cycle_free
    assert s.lonely == (True, True, True, True)  # every pair of checks shares two qubits


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (STEANE, "k >= weight"),  # too few logical qubits for an 11-qubit check
        (StandInInner("[[n,12,5]]", 31, 12, 5, {}), "k - weight even"),  # wrong parity
        (C4, "normal inner codes"),  # hyperbolic
    ],
)
def test_inner_code_that_cannot_implement_a_check(inner, message):
    with pytest.raises(ConfigError, match=message) as error:
        _protocol(grid_vh(11), [Round("v", inner, 11, RAW), Round("h", BCH_31_11_5, 11, RAW)])
    assert error.value.field == "rounds[0].inner"


def test_outer_code_too_weak_for_the_requested_order():
    with pytest.raises(ConfigError, match=r"too weak for order 5.*is 4 < 5") as error:
        _protocol(
            grid_vh(11),
            [Round("v", BCH_31_11_5, 11, RAW), Round("h", BCH_31_11_5, 11, RAW)],
            order=5,
        )
    assert error.value.field == "order"


def test_inner_code_too_weak_for_lonely_checks():
    with pytest.raises(ConfigError, match="distance 3 < order 4") as error:
        _protocol(
            StandInOuter("g", grid(11, 21, "vh"), {}, 4, 4),
            [Round("v", BCH_31_11_5, 21, RAW), Round("h", BCH_31_21_3, 11, RAW)],
            order=4,
        )
    assert error.value.field == "rounds[1].inner"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"n_checks": 10}, "rounds", "cover 21 checks"),
        ({"correction": 3}, "rounds[1].correction", "0, 1 or 2"),
        ({"execution": "restart"}, "rounds[1].execution", "pairwise disjoint"),
        ({"execution": "sometimes"}, "rounds[1].execution", "unknown"),
        ({"magic_basis": "nice"}, "rounds[1].magic_basis", "unknown"),
        ({"name": "v"}, "rounds", "unique"),
    ],
)
def test_round_validation(change, field, message):
    second = {"name": "h", "inner": BCH_31_11_5, "n_checks": 11, "t_gates": RAW} | change
    with pytest.raises(ConfigError, match=message) as error:
        _protocol(grid_vh(11), [Round("v", BCH_31_11_5, 11, RAW), Round(**second)])
    assert error.value.field == field


def test_correction_needs_distance_2m_plus_1():
    with pytest.raises(ConfigError, match="cannot correct weight 2"):
        _protocol(grid_vh(11), [Round("v", BCH_31_21_3, 22, RAW, correction=2)])


# ----------------------------------------------------------------- error patterns


def test_grid_protocol_terms_by_hand():
    """Haah et al. 2018, Sec. VI.4.1's shape: C(11,2)^2 rectangles (order 4), one input hidden by its two
    checks, n_out n^2 (order 5), and the lonely horizontal checks' weight-5 logicals,
    11 * 2^4 * 186 (Eq. (6), order 5); nothing else up to order 5."""
    result = evaluate(_grid_31_11_5())
    terms = {t.key: t for t in result.patterns.terms}
    assert set(terms) == {
        "undetected:4",
        "hidden:1|vertical+horizontal",
        "logical:horizontal:w5",
    }
    assert terms["undetected:4"].count == 3025 and terms["undetected:4"].order == 4
    assert terms["hidden:1|vertical+horizontal"].count == 121 * 31**2
    assert (terms["hidden:1|vertical+horizontal"].a, terms["hidden:1|vertical+horizontal"].b) == (
        1,
        4,
    )
    assert terms["logical:horizontal:w5"].count == 11 * 2**4 * 186
    assert result.order == 4 and result.patterns.step == 1
    expected = 3025 * EPS**4 + (121 * 31**2 + 11 * 16 * 186) * EPS**5
    assert result.eps_out == pytest.approx(expected, rel=1e-12)
    assert result.eps_out_leading == pytest.approx(3025 * EPS**4, rel=1e-12)
    assert result.epsbar_out == pytest.approx(result.eps_out / result.book.nbar_out)


@pytest.mark.parametrize(
    ("rows", "inners", "order", "coefficient"),
    [
        ([[1]], [STEANE], 3, 35),  # Haah et al. 2017, Sec. 1.1.1: 7 * 2^2 + 7
        ([[1], [1]], [STEANE, C17], 5, 1411),  # Haah et al. 2017, App. C: 51 * 16 + 35 * 17
    ],
    ids=["[[7,1,3]]", "[[7,1,3]]->[[17,1,5]]"],
)
def test_leading_coefficients_of_001(rows, inners, order, coefficient):
    """One input state checked by [[7,1,3]] (trivial outer code), or pipelined into
    [[17,1,5]]: the leading coefficient of docs/model/inner-outer.md comes out of the
    classes (one input hidden by every check; logicals, hidden by the later checks)."""
    outer = StandInOuter("trivial", np.array(rows), {}, None, 2 * len(rows) + 1)
    rounds = [Round(f"r{i}", inner, 1, RAW) for i, inner in enumerate(inners)]
    result = evaluate(_protocol(outer, rounds))
    assert result.order == order
    assert sum(t.count for t in result.patterns.terms if t.order == order) == coefficient


def test_distilled_sources_count_their_order():
    """With MEK inputs (order 2) and raw check T gates, Haah et al. 2018, Sec. VI.3.1's three classes
    (two inputs; one input and an incorrect measurement; a weight-4 logical) are all of
    order 4, though their fault counts (Eq. (2)) are 2, 3 and 4."""
    outer = StandInOuter("single", np.ones((1, 45), dtype=np.uint8), {(2, 0): 990}, 2, 2)
    result = evaluate(_protocol(outer, [Round("vertical", BCH_63_45_4, 1, RAW)], MEK))
    terms = {t.key: (t.order, t.count) for t in result.patterns.terms}
    assert terms == {
        "undetected:2": (4, comb(45, 2)),
        "hidden:1|vertical": (4, 45 * 63),
        "logical:vertical:w4": (4, 2**3 * 1260),
    }
    eps_input = 9 * EPS**2
    assert result.eps_out == pytest.approx(
        990 * eps_input**2 + 2835 * eps_input * EPS**2 + 10080 * EPS**4, rel=1e-12
    )
    assert any("lonely" in note for note in result.patterns.notes)


def test_two_inputs_hidden_by_raw_checks_when_later_checks_are_distilled():
    """Vertical checks with raw T gates, horizontal ones with MEK gates (Haah et al. 2018, Sec. VI.4.4's
    shape): two faulty inputs in one row, hidden by their two vertical checks, are of the
    same order 8 as one input hidden by a vertical and a horizontal check."""
    result = evaluate(_grid_31_11_5(inputs=MEK, horizontal=MEK))
    terms = {t.key: t for t in result.patterns.terms}
    pair = terms["hidden:2|vertical+vertical"]
    assert (pair.order, pair.count) == (8, 11 * comb(11, 2) * 31**2)
    assert pair.value == pytest.approx(11 * comb(11, 2) * 31**2 * (9e-6) ** 2 * EPS**4)
    assert terms["hidden:1|vertical+horizontal"].order == 8
    assert result.order == 8


def _brute_force_pairs(outer, rounds_of_checks, weights):
    """Sum over all input pairs of prod over violated checks of their round's weight."""
    out = {}
    for q1, q2 in itertools.combinations(range(outer.n_out), 2):
        violated = np.flatnonzero((outer.checks[:, q1] + outer.checks[:, q2]) % 2)
        if len(violated):
            comp = tuple(sorted(rounds_of_checks[c] for c in violated))
            out[comp] = out.get(comp, 0) + math.prod(weights[rounds_of_checks[c]] for c in violated)
    return out


@pytest.mark.parametrize(
    ("matrix", "sizes", "k"),
    [(grid(5, 5, "vhd"), (5, 5, 5), 5), (EQ_5_4, (2, 2), 3)],
    ids=["grid5-vhd", "eq5.4"],
)
def test_hidden_pairs_match_brute_force(matrix, sizes, k):
    """The pair enumeration (all pairs as if disjoint, then the pairs sharing a check
    corrected) equals listing every pair, with a different n_inner in every round; and
    unweighted it gives c_out(2, j) (Haah et al. 2018, Eq. (7))."""
    outer = StandInOuter("m", matrix)
    rounds = [
        Round(f"r{i}", StandInInner(f"[[{n},{k},5]]", n, k, 5, {}), size, RAW)
        for i, (n, size) in enumerate(zip((11, 13, 15), sizes))
    ]
    protocol = _protocol(outer, rounds)
    n_of_check = [rounds[r].inner.n for r in protocol.structure.round_of_check]
    expected, by_violated = {}, {}
    for q1, q2 in itertools.combinations(range(outer.n_out), 2):
        violated = np.flatnonzero((matrix[:, q1] + matrix[:, q2]) % 2)
        if len(violated):
            key = "+".join(
                f"r{r}" for r in sorted(protocol.structure.round_of_check[c] for c in violated)
            )
            expected[key] = expected.get(key, 0) + math.prod(n_of_check[c] for c in violated)
            by_violated[len(violated)] = by_violated.get(len(violated), 0) + 1
    found = {
        key.split("|")[1]: t.count
        for key, t in _hidden_inputs(protocol, _flips(protocol), 2).items()
    }
    assert found == expected
    assert by_violated == {j: outer.c_out(2, j) for j in by_violated}


def _flips(protocol):
    from estimator.codes.inner_outer.patterns import _Flip

    return [
        _Flip(2, protocol.rounds[r].inner.n, protocol.rounds[r].inner.n * EPS**2)
        for r in protocol.structure.round_of_check
    ]


def test_magic_basis_decides_the_corrected_and_hidden_logicals():
    """[[31,21,3]] vertical checks with m = 1 (Haah et al. 2018, Sec. VI.4.2's shape). With any logical
    basis, 2 faults completed by the correction to a weight-3 logical on one qubit, hidden
    by one incorrect horizontal measurement, are of order 2 + 2 = 4 (Eq. (19)'s pattern,
    2^2 * 3 * 155 * 31 per vertical check); and a weight-3 logical hidden the same way is of
    order 5. With the separated basis of Sec. VI.2 both act on two qubits and need two
    incorrect measurements (orders 6 and 7): neither is left at orders 4 and 5."""
    outer = StandInOuter("g", grid(21, 11, "vh"), {(3, 1): 0, (4, 0): 11550, (5, 0): 0}, 4, 4)

    def terms(basis):
        rounds = [
            Round("vertical", BCH_31_21_3, 11, RAW, 1, magic_basis=basis),
            Round("horizontal", BCH_31_11_5, 21, RAW, 1, magic_basis=basis),
        ]
        return {t.key: t for t in evaluate(_protocol(outer, rounds)).patterns.terms}

    anyb = terms("any")
    corrected = anyb["corrected:vertical:w2|horizontal"]
    assert (corrected.order, corrected.count) == (4, 11 * 2**2 * 3 * 155 * 31)
    assert anyb["logical:vertical:w3|horizontal"].count == 11 * 2**2 * 155 * 31
    separated = terms("separated")
    assert not any(key.startswith(("corrected", "logical:vertical")) for key in separated)
    assert set(separated) == {
        "undetected:4",
        "hidden:1|vertical+horizontal",
        "logical:horizontal:w5",
    }


def test_sequential_and_parallel_t_counts():
    """Eq. (15) for sequential checks; parallel rounds spend every check of a reached round."""
    seq = bookkeeping(_grid_31_11_5(execution="sequential"))
    par = bookkeeping(_grid_31_11_5(execution="parallel"))
    r = check_rates(31, EPS, 1)
    p = r.p_pass
    assert seq.t_checks == pytest.approx(r.t_per_check * sum(p**j for j in range(22)))
    assert par.t_checks == pytest.approx(r.t_per_check * (11 + 11 * p**11))
    for book in (seq, par):
        assert book.acceptance == pytest.approx((1 - EPS) ** 121 * p**22)
        assert book.lower_quality == pytest.approx(11 * r.p_repeat * 11)  # lonely horizontals
        assert book.nbar_out == pytest.approx((121 - 11 * r.p_repeat * 11) * book.acceptance)
        assert book.nbar_t == book.nbar_t_states == pytest.approx(121 + book.t_checks)


def test_restarted_round():
    """Haah et al. 2018, Sec. VI.5.1: each vertical check repeated until it passes (1/p times), the later
    rounds in parallel; input states are consumed by the restarts and never stop the run."""
    inner = StandInInner("[[63,27,7]]", 63, 27, 7, {7: 3411})
    rounds = [
        Round("vertical", inner, 27, RAW, 1, "restart", "separated"),
        Round("horizontal", inner, 27, RAW, 1, "parallel", "separated"),
        Round("diagonal", inner, 27, RAW, 1, "parallel", "separated"),
    ]
    book = bookkeeping(_protocol(StandInOuter("g27", grid(27, 27, "vhd")), rounds, MEK))
    r = check_rates(63, EPS, 1)
    p = r.p_pass
    v, _h, d = book.rounds
    assert (v.p_round, v.inputs_per_check, v.t_per_check) == (
        1.0,
        pytest.approx(27 / p),
        pytest.approx(r.t_per_check / p),
    )
    assert book.input_states == pytest.approx(729 / p)
    assert d.reach == pytest.approx(p**27)
    assert book.t_checks == pytest.approx(27 * r.t_per_check * (1 / p + 1 + p**27))
    assert book.acceptance == pytest.approx(p**54)  # no (1 - eps_input)^729 factor
    assert book.nbar_out == pytest.approx((729 - 27 * r.p_repeat * 27) * p**54)
    assert book.states == {"mek": pytest.approx(729 / p), "raw": pytest.approx(book.t_checks)}
    assert book.nbar_t == pytest.approx(5 * 729 / p + book.t_checks)
    assert book.states_max == {"mek": 729, "raw": 81 * 126}


def test_sources():
    assert (MEK.eps, MEK.order, MEK.t_cost) == (pytest.approx(9e-6), 2, 5.0)
    fifteen = concat_source("15", EPS)
    assert fifteen.order == 3 and fifteen.eps == pytest.approx(35e-9, rel=0.01)
    assert concat_source("5-15", EPS).order == 6
    sub = protocol_source("p", 1e-11, 4, 16.0)
    assert (sub.name, sub.order, sub.t_cost) == ("protocol:p", 4, 16.0)
    with pytest.raises(ConfigError, match=r"\(0, 0.5\)"):
        raw_source(0.5)
    with pytest.raises(ConfigError, match="9 eps\\^2 = 0.81"):
        mek_source(0.3)


def test_patterns_are_listed_lightest_first():
    patterns = enumerate_patterns(_grid_31_11_5())
    orders = [t.order for t in patterns.terms]
    assert orders == sorted(orders) and min(orders) == patterns.order
    assert all(t.reference.startswith("Haah et al. 2018, Eq") for t in patterns.terms)
