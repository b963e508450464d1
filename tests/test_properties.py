"""Properties of the factory model over random valid configs (Hypothesis, derandomised).

What the rules of docs/model/ say, and so what is asserted:

* p_out and p_fail are probabilities.
* Every error rate grows with p_phys (p_t = p_phys, p_L(d) = 0.1 (p / 0.01)^((d+1)/2)), so
  p_out increases with p_phys.
* No single distance is monotone by the rules: d_X enlarges the timelike area Lambda d_X of
  every merge (4.1) and the Z storage (d_X / d_Z) p_Z of checks (2); d_Z widens the spans
  Lambda and the fast-T measurement region d_Z d_m (4.2); d_m is the step time tau of level 1,
  so storage grows with it while the timelike error falls (5). (E.g. 15-to-1 at p = 1e-3
  has a higher p_out at (11, 3, 3) than at (9, 3, 3).) Every term is, however, c d^j p_L(d)
  with j <= 2 and c fixed, or a faulty-T term independent of d, so raising all distances of
  every level by 2 lowers every term while (100 p) (5/3)^2 < 1: p_out decreases under that
  shift for p_phys <= 3e-3.
* float64 and the fixed-point path agree to RELATIVE_TOLERANCE wherever float64 vouches.
* JSON output is valid JSON: no bare NaN, a null always with its reason.
* A point's result does not depend on its place in a batch.
"""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from estimator.config.factory import estimate_config, parse_config
from estimator.errors import ConsumptionError, ModelError
from estimator.jsonout import REASONS, to_json
from estimator.sim.simulator import RELATIVE_TOLERANCE
from estimator.studies.report import estimate_record
from estimator.studies.sweep import Axis, run_sweep

PROPERTIES = settings(
    derandomize=True,  # the same examples on every run, so CI is stable
    database=None,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

odd = st.integers(1, 12).map(lambda i: 2 * i + 1)  # 3 .. 25
log_p = st.floats(-5.0, -2.5)  # p_phys in [1e-5, 3.2e-3]


@st.composite
def level(draw, *, layouts=("litinski", "small-footprint")) -> dict:
    d_x = draw(odd)
    d_z = draw(st.integers(1, (d_x - 1) // 2).map(lambda i: 2 * i + 1))
    return {"layout": draw(st.sampled_from(layouts)), "d_x": d_x, "d_z": d_z, "d_m": draw(odd)}


@st.composite
def one_level(draw) -> dict:
    return {
        "p_phys": 10 ** draw(log_p),
        "noise": {"t_error": draw(st.sampled_from(["pauli", "z", "coherent"]))},
        "level1": {"protocol": "15-to-1", **draw(level())},
    }


@st.composite
def two_level(draw) -> dict:
    top = draw(st.sampled_from(["15-to-1", "20-to-4", "8-to-CCZ"]))
    return {
        "p_phys": 10 ** draw(log_p),
        "level1": {"protocol": "15-to-1", **draw(level(layouts=("litinski",))), "count": 4},
        "level2": {"protocol": top, **draw(level(layouts=("litinski",)))},
    }


def _estimate(data: dict, precision: str = "auto"):
    """The estimate of a config, or reject the example if it leaves the model
    (docs/model/rotations.md) or is no factory (an output would leave before post-selection:
    docs/model/consumption-and-supply.md)."""
    try:
        return estimate_config(parse_config(data), precision=precision)
    except (ModelError, ConsumptionError):
        assume(False)


def _shifted(data: dict, by: int = 2) -> dict:
    shifted = json.loads(json.dumps(data))
    for name in ("level1", "level2"):
        if name in shifted:
            for key in ("d_x", "d_z", "d_m"):
                shifted[name][key] += by
    return shifted


@PROPERTIES
@given(st.one_of(one_level(), two_level()))
def test_p_out_and_p_fail_are_probabilities(data):
    estimate = _estimate(data)
    for value in (estimate.p_out, estimate.p_fail):
        assert 0 <= float(value) <= 1


@PROPERTIES
@given(st.one_of(one_level(), two_level()), st.floats(1.05, 3.0))
def test_p_out_increases_with_p_phys(data, factor):
    higher = {**data, "p_phys": min(data["p_phys"] * factor, 3.2e-3)}
    assume(higher["p_phys"] > data["p_phys"])
    low, high = _estimate(data), _estimate(higher)
    assert float(high.p_out) > float(low.p_out)


@PROPERTIES
@given(st.one_of(one_level(), two_level()))
def test_p_out_decreases_when_every_distance_grows(data):
    data["noise"] = {"t_error": "pauli"}
    base, larger = _estimate(data), _estimate(_shifted(data))
    assert float(larger.p_out) <= float(base.p_out) * (1 + 1e-12)


@PROPERTIES
@given(one_level())
def test_float_and_exact_agree_where_float_vouches(data):
    floated = _estimate(data, "float")
    assume(not np.isnan(floated.p_out))
    exact = _estimate(data, "exact")
    for key in ("p_out", "p_fail"):
        a, b = float(getattr(floated, key)), float(getattr(exact, key))
        assert abs(a - b) <= 2 * RELATIVE_TOLERANCE * abs(b)


def test_float_vouches_only_for_right_digits_with_coherent_t_errors():
    """Found by the property above (before it skipped coherent errors)."""
    data = {
        "p_phys": 1e-5,
        "noise": {"t_error": "coherent"},
        "level1": {"protocol": "15-to-1", "d_x": 9, "d_z": 3, "d_m": 3},
    }
    floated, exact = float(_estimate(data, "float").p_out), float(_estimate(data, "exact").p_out)
    assert np.isnan(floated) or abs(floated - exact) <= RELATIVE_TOLERANCE * exact


def _strict_json(text: str):
    def refuse(word):
        raise AssertionError(f"bare {word} in JSON output")

    return json.loads(text, parse_constant=refuse)


@PROPERTIES
@given(st.one_of(one_level(), two_level()), st.floats(-8.0, -2.5))
def test_json_output_is_valid_with_a_reason_for_every_null(data, log_p_phys):
    data["p_phys"] = 10**log_p_phys  # low p_phys: float64 refuses (NaN) more often
    config = parse_config(data)
    try:
        estimate = estimate_config(config, precision="float")
    except (ModelError, ConsumptionError):
        assume(False)
    record = _strict_json(to_json(estimate_record(config, estimate)))
    reasons = record.get(REASONS, {})
    for key in ("p_out", "p_fail", "infidelity", "qubits", "cycles", "qubitcycles"):
        assert (record[key] is None) == (key in reasons)
    for entry in record["full_distance"]:
        assert (entry["d"] is None) == ("reason" in entry)


@PROPERTIES
@given(
    st.recursive(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_to_json_never_writes_nan(value):
    _strict_json(to_json({"value": value}))


@settings(PROPERTIES, max_examples=8)
@given(one_level(), st.permutations([1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3]))
def test_results_do_not_depend_on_batch_order(data, order):
    data["level1"]["d_m"] = max(data["level1"]["d_m"], 5)  # stay inside the model at 2e-3
    forward = run_sweep(data, [Axis("p_phys", (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3))])
    shuffled = run_sweep(data, [Axis("p_phys", tuple(order))])
    by_point = {r["vary.p_phys"]: r for r in shuffled.records}
    assert len(forward.records) == len(by_point)
    for record in forward.records:
        other = by_point[record["vary.p_phys"]]
        for key in ("p_out", "p_fail", "qubitcycles"):
            assert other[key] == record[key] or abs(other[key] - record[key]) <= 1e-12 * abs(
                record[key]
            )
