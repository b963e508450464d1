"""H-measurement protocols of 001: exact leading coefficients, cross-checks of the three
evaluations (GF(2) per check, flat GF(2) model, density matrix) and the physical oracle."""

import math
import time

import numpy as np
import pytest
from hmeasure_oracle import protocol_counts

from estimator.codes.css import InnerCode, inner_code
from estimator.codes.hmeasure import (
    Check,
    HMeasureProtocol,
    analyse,
    protocol_model,
    series,
)
from estimator.codes.inner_extra import hyperbolic_subcode, resolve_inner
from estimator.codes.leading import count_undetected
from estimator.codes.outer import outer_code
from estimator.codes.stochastic import ErrorPolynomial
from estimator.errors import ConfigError


def _protocol(n_out, checks, title="test"):
    return HMeasureProtocol(
        title,
        n_out,
        tuple(
            Check(tuple(support), resolve_inner(inner), tuple(resident), readout=readout)
            for support, inner, resident, readout in (
                (c + ([], "each"))[:4] if len(c) == 2 else c for c in checks
            )
        ),
    )


def _pipeline(*inners):
    return _protocol(1, [([0], inner) for inner in inners])


def _on_outer(spec, inner):
    return _protocol(
        outer_code(spec).n_out, [(list(b), inner) for b in outer_code(spec).check_bits]
    )


RING = [([0, 1], "[[4,2,2]]", [], "end"), ([2, 3], "[[4,2,2]]", [], "end")]
RING += [([4, 5], "[[4,2,2]]", [], "end")]


def _resident(support, n=6):
    after = [(max(support) + 1 + i) % n for i in range(n)]
    return [q for q in after if q not in support][:4]


PROTOCOLS = {  # Fig. 5.1 labels of 001 (the numbers are the codes' qubits)
    "7": lambda: _pipeline("[[7,1,3]]"),
    "17": lambda: _pipeline("[[7,1,3]]", "[[17,1,5]]"),
    "23": lambda: _pipeline("[[7,1,3]]", "[[17,1,5]]", "[[23,1,7]]"),
    "22": lambda: _on_outer("eq5.4", "[[21,3,5]]"),
    "21": lambda: _protocol(
        3,
        [([0], "[[7,1,3]]"), ([1], "[[7,1,3]]"), ([2], "[[7,1,3]]")] + [([0, 1, 2], "[[21,3,5]]")],
    ),
    "4": lambda: _protocol(2, [([0, 1], "[[4,2,2]]", [], "end")]),
    "20": lambda: _protocol(
        6, RING + [(s, "[[16,2,4]]", [], "each") for s in ([1, 2], [3, 4], [5, 0])]
    ),
    "16": lambda: _protocol(
        6, RING + [(s, "[[16,6,4]]", _resident(s), "each") for s in ([1, 2], [3, 4], [5, 0])]
    ),
}

# 001 Fig. 5.1: (d, n_T / n_outer, fitted prefactor as printed, 2 significant digits), and
# App. C's exact 35 and 1411.
FIG_5_1 = {
    "4": (2, 9, 45),
    "7": (3, 15, 35),
    "16": (4, 41, 7.3e3),
    "17": (5, 49, 1.4e3),
    "20": (4, 41, 3.9e3),
    "21": (5, 29, 2.5e3),
    "22": (5, 43, 1.4e3),
    "23": (7, 95, 49e3),
}


def _two_digits(x: float) -> float:
    return float(f"{x:.2g}")


@pytest.mark.parametrize("label", sorted(FIG_5_1))
def test_fig_5_1_prefactors_at_their_printed_digits(label):
    """The fits are of simulations; the exact count rounds to each printed value."""
    d, t_per_output, printed = FIG_5_1[label]
    protocol = PROTOCOLS[label]()
    result = series(protocol, d)
    assert result.order == d
    assert protocol.t_per_output == t_per_output
    assert _two_digits(result.leading("any")) == printed


def test_app_c_exact_coefficients():
    assert series(_pipeline("[[7,1,3]]"), 3).leading() == 35
    assert series(_pipeline("[[7,1,3]]", "[[17,1,5]]"), 5).leading() == 1411
    assert series(_pipeline("[[17,1,5]]", "[[17,1,5]]"), 5).order == 5  # 001 Sec. 1.1.2


def test_printed_counts_of_001():
    """T counts (inputs included) and qubits of 001 Secs. 1 and 5 (../shared/HHPW.md sec. 5)."""
    petersen = _on_outer("petersen", "[[21,3,5]]")
    ring = _protocol(6, [([i, (i + 1) % 6], "[[16,6,4]]", _resident([i, (i + 1) % 6]), "each")
                         for i in range(6)])  # fmt: skip
    assert (petersen.t_count, petersen.qubits, petersen.n_out) == (435, 34, 15)
    assert (ring.t_count, ring.qubits) == (390, 17)
    assert (PROTOCOLS["20"]().qubits, PROTOCOLS["20"]().t_count) == (21, 246)
    assert [PROTOCOLS[k]().qubits for k in ("7", "17", "4")] == [8, 18, 5]
    assert _pipeline("[[17,1,5]]", "[[17,1,5]]").t_count == 69
    assert PROTOCOLS["22"]().t_count == 172 and PROTOCOLS["21"]().t_count == 87


@pytest.mark.parametrize("label", ["7", "17", "21", "22"])
def test_gf2_flat_and_density_agree(label):
    protocol = PROTOCOLS[label]()
    d = FIG_5_1[label][0]
    gf2 = series(protocol, d + 1, method="gf2")
    density = series(protocol, d + 1, method="density")
    flat = count_undetected(protocol_model(protocol), d + 1)
    outputs = 2**protocol.n_out - 1
    assert gf2.any_wrong == tuple(flat.count(w, nonzero=outputs) for w in range(d + 2))
    assert gf2.acceptance == tuple(flat.count(w) for w in range(d + 2))
    assert np.allclose(density.any_wrong, gf2.any_wrong, rtol=1e-9)
    assert np.allclose(density.acceptance, gf2.acceptance, rtol=1e-9)
    for a, b in zip(density.marginals, gf2.marginals):
        assert np.allclose(a, b, rtol=1e-9)


def test_state_vector_oracle_steane():
    """Independent simulation of the physical circuit, every pattern up to weight 3."""
    code = inner_code("[[7,1,3]]")
    accepted, wrong = protocol_counts(
        code.stabilizers, code.magic_basis().vectors, hyperbolic=False, max_weight=3
    )
    ours = series(_pipeline("[[7,1,3]]"), 3)
    assert np.allclose(accepted, ours.acceptance, atol=1e-9)
    assert np.allclose(wrong, ours.any_wrong, atol=1e-9)


@pytest.mark.parametrize(("readout", "leading"), [("end", 45), ("each", 21)])
def test_state_vector_oracle_four_qubit_code(readout, leading):
    """[[4,2,2]], both readouts, up to weight 3: 45 (Fig. 5.1's fit) when the block is
    encoded once per check, 21 when the syndrome is read after each controlled swap."""
    code = inner_code("[[4,2,2]]")
    accepted, wrong = protocol_counts(
        code.stabilizers, code.magic_basis().vectors, hyperbolic=True, readout=readout,
        max_weight=3,
    )  # fmt: skip
    ours = series(_protocol(2, [([0, 1], "[[4,2,2]]", [], readout)]), 3)
    assert np.allclose(accepted, ours.acceptance, atol=1e-9)
    assert np.allclose(wrong, ours.any_wrong, atol=1e-9)
    assert round(ours.leading()) == leading


def test_reading_a_distance_4_block_once_loses_the_order():
    """Y on one qubit in both swaps: the syndromes cancel, the logical parts do not (a
    single-qubit error always has a nontrivial logical part for some qubit), so order 2."""
    each = series(PROTOCOLS["20"](), 4)
    end = _protocol(6, RING + [(s, "[[16,2,4]]", [], "end") for s in ([1, 2], [3, 4], [5, 0])])
    assert each.order == 4 and series(end, 4).order == 2


def test_exact_stochastic_model_against_the_leading_term():
    """[[7,1,3]]: all 2^15 Y-error patterns (the counter at full weight, and the density
    matrix to all orders) give eps_out(eps); it tends to 35 eps^3."""
    protocol = _pipeline("[[7,1,3]]")
    full = series(protocol, 15, method="gf2")
    density = series(protocol, 15, method="density")
    assert np.allclose(full.any_wrong, density.any_wrong, rtol=1e-9, atol=1e-9)
    assert sum(full.acceptance) + 0 <= 2**15
    wrong = ErrorPolynomial(15, full.any_wrong)
    accepted = ErrorPolynomial(15, full.acceptance)
    for eps in (1e-2, 1e-4, 1e-6):
        eps_out = float(wrong(eps) / accepted(eps))
        assert eps_out / (35 * eps**3) == pytest.approx(1, abs=20 * eps)
    # 1e-30 and below without cancellation: every term is positive
    assert float(wrong(1e-11) / accepted(1e-11)) == pytest.approx(35e-33, rel=1e-9)


def test_seven_order_pipeline_counts_within_seconds():
    protocol = PROTOCOLS["23"]()
    start = time.perf_counter()
    result = series(protocol, 7)
    flat = count_undetected(protocol_model(protocol), 7)
    assert time.perf_counter() - start < 5
    assert result.leading() == 48645 == flat.count(7, nonzero=1)


def test_petersen_protocol():
    result = series(_on_outer("petersen", "[[21,3,5]]"), 5)
    assert result.order == 5 and result.leading() == 7635
    assert result.leading("marginal") == 781


def test_sixteen_two_four_is_unique():
    """Every choice of the [[16,6,4]] pairs turned into checks gives the same weights."""
    code = inner_code("[[16,6,4]]")
    basis = code.magic_basis().vectors
    seen = set()
    for keep in range(3):
        others = [p for p in range(3) if p != keep]
        for a in (0, 1):
            for b in (0, 1):
                rows = np.vstack(
                    [code.stabilizers, basis[2 * others[0] + a], basis[2 * others[1] + b]]
                )
                sub = InnerCode.from_stabilizers("sub", rows)
                seen.add((sub.k, sub.distance, tuple(sub.c_log(w) for w in range(4, 9))))
    assert seen == {(2, 4, tuple(resolve_inner("[[16,2,4]]").c_log(w) for w in range(4, 9)))}
    assert hyperbolic_subcode(code, 1).c_log(4) == 32


@pytest.mark.parametrize(
    ("checks", "field", "message"),
    [
        ([([0, 1], "[[7,1,3]]")], "checks.inner", "cannot implement a check of weight 2"),
        ([([0, 1], "[[15,7,3]]")], "checks.inner", "k - weight even"),
        ([([0], "[[4,2,2]]")], "checks.inner", "measures pairs"),
        ([([0, 1], "[[16,6,4]]", [2], "each")], "checks.inner", "must be even"),
        ([([0, 0], "[[4,2,2]]")], "checks.support", "listed twice"),
        ([([3], "[[7,1,3]]")], "checks.support", "not in 1..3"),
        ([([0, 1], "[[4,2,2]]", [], "sometimes")], "checks.readout", "unknown"),
    ],
)
def test_bad_checks_name_the_field(checks, field, message):
    with pytest.raises(ConfigError, match=message) as info:
        _protocol(3, checks)
    assert info.value.field == field


def test_order_too_high_for_the_outer_code():
    """Eq. (5.4) allows order 5 (2|Mv| + |v| >= 5); asking for 6 is refused, naming why."""
    with pytest.raises(ConfigError, match=r"outer code is too weak: .* is 5 < 6") as info:
        analyse(_on_outer("eq5.4", "[[21,3,5]]"), 6)
    assert info.value.field == "order"
    with pytest.raises(ConfigError, match=r"distance 3 < 5"):
        analyse(_pipeline("[[7,1,3]]", "[[7,1,3]]"), 5)
    assert analyse(_pipeline("[[7,1,3]]")).order == 3


def test_logical_h_conventions():
    """Leading coefficient in the three conventions for the 2-output [[4,2,2]] protocol."""
    result = series(PROTOCOLS["4"](), 2)
    assert round(result.leading("any")) == 45
    assert round(result.leading("per_output"), 9) == 22.5
    assert round(result.leading("marginal")) == 33
    assert math.isclose(sum(m[2] for m in result.marginals), 66)


def _ccz(inner, readout):
    from estimator.codes.magic import CCZ

    checks = tuple(
        Check((0, 1), resolve_inner(inner), readout=readout, stabilizer=a) for a in range(3)
    )
    return HMeasureProtocol("ccz", 2, checks, CCZ)


def test_ccz_protocol_sizes_and_order():
    """Haah et al. 2017, Sec. 2: 3 x (12 x 4) = 144 T gates, 2 CCZ inputs, quadratic."""
    p = _ccz("[[12,6,2]]", "end")
    assert (p.t_count, p.locations, p.qubits, p.n_out) == (144, 146, 13, 2)
    result = analyse(p, 2, extra=1)
    assert result.order == 2 and result.n == 146
    # Input errors have weight eps/7 per flip pattern; T-gate patterns are integers: every
    # leading coefficient is a multiple of 1/7 (to the 12 digits the count keeps).
    for c in (result.any_wrong[2], *(m[2] for m in result.marginals)):
        assert abs(7 * c - round(7 * c)) < 1e-9 and c > 0


def test_ccz_input_pairs_alone():
    """With [[16,6,4]] read after each swap, no weight-2 T-gate pattern leaves a wrong
    accepted output (logical errors need 4, a flipped outcome only rejects); the only
    weight-2 accepted errors are two bad inputs with the same flip pattern b: 7 (1/7)^2,
    both outputs wrong. A single bad input is always rejected (W(a) for a in b flips)."""
    result = series(_ccz("[[16,6,4]]", "each"), 2)
    assert result.any_wrong[:3] == (0.0, 0.0, pytest.approx(1 / 7, rel=1e-12))
    assert [m[2] for m in result.marginals] == [pytest.approx(1 / 7, rel=1e-12)] * 2
    # ... and no other weight-2 pattern is accepted at all (two Y errors on one qubit's T
    # gates flip the outcome: rejected).
    assert result.acceptance == (1.0, 0.0, pytest.approx(1 / 7, rel=1e-12))


def test_ccz_bad_checks():
    from estimator.codes.magic import CCZ

    with pytest.raises(ConfigError, match="stabilizer"):
        HMeasureProtocol(
            "x", 2, (Check((0, 1), resolve_inner("[[12,6,2]]"), stabilizer=3),), CCZ
        )
    with pytest.raises(ConfigError, match="hyperbolic"):
        HMeasureProtocol("x", 2, (Check((0, 1), inner_code("[[7,1,3]]")),), CCZ)
    with pytest.raises(ConfigError, match="cannot implement"):
        HMeasureProtocol("x", 2, (Check((0, 1), inner_code("[[4,2,2]]")),), CCZ)
