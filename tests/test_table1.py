"""Golden tests: every modelled row of Litinski 2019, Table 1 from the shipped configs.

Expectations come from two sources, named per column:
* docs/model/costs.md ("Table 1 under this model", exact values rounded to 4
  significant digits; qubits as integers): p_out to 4 digits, qubits exactly, cycles to 0.01
  (docs/model/ prints 2 decimals; we allow 0.006 for its rounding), qubitcycles to 4 digits.
* Litinski 2019, Table 1 as printed (the configs' [paper] tables): p_out to its 2
  printed digits and the full distance d exactly; qubits, cycles, qubitcycles and the d^3
  costs within one unit of the last printed digit (3 significant digits). One unit, not half:
  the printed values come from the authors' scripts, which docs/model/costs.md shows differ
  from the model by up to half a unit before the paper's own rounding (e.g. 468.5 cycles
  printed as 469).
"""

from dataclasses import replace
from pathlib import Path

import pytest

from estimator.config.factory import estimate_config, load_config
from estimator.factory import estimate_one_level

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "litinski2019"

# (config stem, p_out, qubits, cycles, qubitcycles) from docs/model/costs.md.
MODEL_13 = [
    ("01_15to1_7-3-3_p1e-4", 4.394e-8, 810, 18.06, 14_620),
    ("02_15to1_9-3-3_p1e-4", 9.300e-10, 1146, 18.07, 20_700),
    ("03_15to1_11-5-5_p1e-4", 1.874e-11, 2066, 30.03, 62_040),
    ("04_15to1x20to4_9-3-3_15-7-9_p1e-4", 2.391e-15, 16_410, 90.33, 370_600),
    ("05_15to1x15to1_9-3-3_25-9-9_p1e-4", 6.332e-25, 18_630, 67.75, 1_262_000),
    ("06_15to1_17-7-7_p1e-3", 4.507e-8, 4618, 42.63, 196_900),
    ("07_15to1x20to4_13-5-5_23-11-13_p1e-3", 1.443e-10, 43_344, 130.0, 1_409_000),
    ("08_15to1x20to4_13-5-5_27-13-15_p1e-3", 2.614e-11, 46_790, 157.4, 1_841_000),
    ("09_15to1x15to1_11-5-5_25-11-11_p1e-3", 2.656e-12, 30_732, 82.53, 2_536_000),
    ("10_15to1x15to1_13-5-5_29-11-13_p1e-3", 3.257e-14, 39_108, 97.51, 3_813_000),
    ("11_15to1x15to1_17-7-7_41-17-17_p1e-3", 4.479e-20, 73_460, 127.5, 9_366_000),
    ("12_sf15to1_9-3-3_p1e-4", 1.539e-9, 762, 36.17, 27_560),
    ("13_sf15to1x15to1_9-5-5_21-9-11_p1e-3", 6.076e-10, 7782, 468.5, 3_646_000),
    ("14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4", 7.226e-14, 12_384, 36.11, 447_200),
    ("15_15to1x8toCCZ_13-7-7_25-15-15_p1e-3", 5.245e-11, 47_046, 60.00, 2_823_000),
]


def _sig(value: float, digits: int) -> float:
    return float(f"{value:.{digits - 1}e}")


def _within_last_digit(ours: float, printed: float, digits: int = 3) -> bool:
    unit = 10.0 ** (int(f"{printed:e}".split("e")[1]) - digits + 1)
    return abs(ours - printed) <= unit * (1 + 1e-9)


@pytest.fixture(scope="module")
def estimates():
    results = {}
    for stem, *_ in MODEL_13:
        config = load_config(CONFIGS / f"{stem}.toml")
        results[stem] = (config, estimate_config(config))
    return results


def test_every_config_is_covered():
    shipped = {p.stem for p in CONFIGS.glob("[0-9]*.toml")}
    assert shipped == {row[0] for row in MODEL_13}


@pytest.mark.parametrize(
    ("stem", "p_out", "qubits", "cycles", "qubitcycles"), MODEL_13, ids=[r[0] for r in MODEL_13]
)
def test_row_matches_model_section_13(estimates, stem, p_out, qubits, cycles, qubitcycles):
    _, est = estimates[stem]
    assert _sig(float(est.p_out), 4) == p_out
    assert round(float(est.qubits)) == qubits
    # docs/model/ prints cycles with 2 decimals, or 4 significant digits above 100.
    assert float(est.cycles) == pytest.approx(cycles, abs=0.006 if cycles < 100 else 0.06)
    assert _sig(float(est.qubitcycles), 4) == qubitcycles


@pytest.mark.parametrize("stem", [r[0] for r in MODEL_13])
def test_row_matches_printed_table(estimates, stem):
    config, est = estimates[stem]
    paper = config.paper
    assert _sig(float(est.p_out), 2) == paper["p_out"]
    for key in ("qubits", "cycles", "qubitcycles"):
        assert _within_last_digit(float(getattr(est, key)), paper[key]), key
    for ours, printed in zip(est.full_distance, paper["full_distance"], strict=True):
        assert ours.logical_qubits == printed["logical_qubits"]
        assert int(ours.d) == printed["d"]
        assert _within_last_digit(float(ours.cost_d3), printed["cost_d3"])


def test_departure_q2_alone():
    """docs/model/published-schedules.md, Q2: small-footprint (p = 1e-4; 9, 3, 3) gives p_out 1.539e-9 and
    p_fail 0.00468 with the published scripts' missing 1/2 in q3's storage, and 1.515e-9 and
    0.004634 without that one departure (Q3 kept); printed there to 4 and 3-4 digits."""
    config = load_config(CONFIGS / "12_sf15to1_9-3-3_p1e-4.toml")
    schedule = config.level1.schedule
    without_q2 = replace(
        schedule, departures=tuple(d for d in schedule.departures if d.kind != "storage_factor")
    )
    paper = estimate_one_level(config.noise, config.level1)
    fixed = estimate_one_level(config.noise, replace(config.level1, schedule=without_q2))
    assert (_sig(float(paper.p_out), 4), _sig(float(paper.p_fail), 3)) == (1.539e-9, 4.68e-3)
    assert (_sig(float(fixed.p_out), 4), _sig(float(fixed.p_fail), 4)) == (1.515e-9, 4.634e-3)
