"""Factory bookkeeping at arbitrary parameters: qubits (MODEL.md 8.2), level-1 -> level-2
coupling and time (MODEL.md 7, 8.3), per-output normalisation (8.1, 8.4)."""

from dataclasses import replace

import numpy as np
import pytest

from estimator.circuits.protocols import builtin_protocols
from estimator.errors import ConsumptionError
from estimator.factory import LevelSpec, estimate_one_level, estimate_two_level, level_two
from estimator.sim.noise import NoiseModel
from layouts.arrangement import Arrangement
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

RNG = np.random.default_rng(11)
P = builtin_protocols()


def _spec(level, name, layout, d):
    p = P[name]
    make = Layout.litinski if layout == "litinski" else Layout.small_footprint
    return LevelSpec(
        p, make(p.n_qubits, p.outputs), published_schedule(level, name, layout), Distances(*d)
    )


def _odd(low, high):
    return 2 * int(RNG.integers(low // 2, high // 2)) + 1


@pytest.mark.parametrize(
    ("name", "width"), [("15-to-1", (1, 4)), ("20-to-4", (4, 3)), ("8-to-CCZ", (3, 1))]
)
def test_two_level_qubits_equal_model_formula(name, width):
    for _ in range(3):
        dx, dz, dm = _odd(7, 15), _odd(3, 7), _odd(3, 7)
        dx2, dz2, dm2 = _odd(15, 31), _odd(7, 15), _odd(7, 15)
        n_l1 = 2 * int(RNG.integers(1, 5))
        est = estimate_two_level(
            NoiseModel(1e-3),
            _spec(1, "15-to-1", "litinski", (dx, dz, dm)),
            _spec(2, name, "litinski", (dx2, dz2, dm2)),
            n_level1=n_l1,
            arrangement=Arrangement.litinski(),
        )
        w2 = width[0] * dx2 + width[1] * dz2
        formula = 2 * (
            w2 * 3 * dx2
            + n_l1 * ((dx + 4 * dz) * (3 * dx + dm2 / 2) + 2 * dm)
            + 20 * dm2**2
            + 2 * dx2 * dm2
        )
        assert float(est.qubits) == pytest.approx(formula)


def test_small_footprint_two_level_qubits_and_time():
    dx, dz, dm, dx2, dz2, dm2 = 9, 5, 5, 21, 9, 11
    noise = NoiseModel(1e-3)
    l1, l2 = (
        _spec(1, "15-to-1", "litinski", (dx, dz, dm)),
        _spec(2, "15-to-1", "small-footprint", (dx2, dz2, dm2)),
    )
    est = estimate_two_level(noise, l1, l2, n_level1=1, arrangement=Arrangement.small_footprint())
    formula = 2 * ((dx2 + 4 * dz2 + dm2) * 2 * dx2 + (dx + 4 * dz) * 3 * dx + 2 * dm + 2 * dm2**2)
    assert float(est.qubits) == pytest.approx(formula)
    first = estimate_one_level(noise, l1)
    t_l1 = max(6 * dm / (1 - float(first.p_fail)), 2 * dm2)
    assert float(est.cycles) == pytest.approx(15 * t_l1 / (1 - float(est.p_fail)))
    level = level_two(noise, l2, l1, first, n_level1=1, arrangement=Arrangement.small_footprint())
    (port,) = level.source.ports  # one region, port R, fed by the one factory
    assert port.name == "R"
    assert float(port.state.p_in) == pytest.approx(
        float(first.p_out) + 5 * float(noise.p_logical(dm2)) * dm2
    )
    assert float(port.state.l_move) == pytest.approx(5 * dm2)


@pytest.mark.parametrize(("name", "n_rot"), [("15-to-1", 15), ("20-to-4", 20), ("8-to-CCZ", 8)])
def test_level2_time_and_inputs(name, n_rot):
    """t_L1 = max(6 d_m / (n_L1 / 2) / (1 - p_fail1), d_m2); cycles = (N_rot / 2) t_L1 / (1 - p_fail2);
    l_move = 10 d_m2 + (n_L1 / 4)(d_x + 4 d_z); p_in = I_1 (MODEL.md 7)."""
    noise = NoiseModel(2e-4)
    l1, l2 = _spec(1, "15-to-1", "litinski", (11, 5, 5)), _spec(2, name, "litinski", (21, 9, 11))
    for n_l1 in (2, 4, 8, 16):
        if name == "20-to-4" and n_l1 == 2:
            # t_L1 = 30.1 > d_X2 = 21: the published schedule hands q1 and q2 out in step 8
            # of 10, before the last check is measured; the engine refuses it
            with pytest.raises(ConsumptionError, match="output q1 consumed in step 8 of 10"):
                estimate_two_level(noise, l1, l2, n_level1=2, arrangement=Arrangement.litinski())
            continue
        est = estimate_two_level(noise, l1, l2, n_level1=n_l1, arrangement=Arrangement.litinski())
        first = est.level1
        t_l1 = max(6 * 5 / (n_l1 / 2) / (1 - float(first.p_fail)), 11)
        assert float(est.cycles) == pytest.approx(n_rot / 2 * t_l1 / (1 - float(est.p_fail)))
        level = level_two(noise, l2, l1, first, n_level1=n_l1, arrangement=Arrangement.litinski())
        for port in level.source.ports:  # n_L1 / 2 factories per side: MODEL.md 7 per port
            t_port = 6 * 5 / (n_l1 / 2) / (1 - float(first.p_fail))
            assert float(port.per_state) == pytest.approx(t_port)
            assert float(port.state.l_move) == pytest.approx(10 * 11 + n_l1 / 4 * (11 + 4 * 5))
            assert float(port.state.p_in) == pytest.approx(float(first.infidelity))


def test_per_output_normalisation():
    noise = NoiseModel(1e-3)
    l1 = _spec(1, "15-to-1", "litinski", (13, 5, 5))
    four = estimate_two_level(
        noise,
        l1,
        _spec(2, "20-to-4", "litinski", (23, 11, 13)),
        n_level1=6,
        arrangement=Arrangement.litinski(),
    )
    assert four.outputs == 4 and float(four.p_out) == pytest.approx(float(four.infidelity) / 4)
    assert float(four.qubitcycles) == pytest.approx(float(four.qubits * four.cycles) / 4)
    ccz = estimate_two_level(
        noise,
        l1,
        _spec(2, "8-to-CCZ", "litinski", (25, 15, 15)),
        n_level1=6,
        arrangement=Arrangement.litinski(),
    )
    assert ccz.outputs == 1 and float(ccz.p_out) == float(ccz.infidelity)


def test_batched_grid_matches_single_points():
    p = np.array([1e-4, 3e-4, 1e-3])
    d = Distances(np.array([9, 11, 17]), np.array([3, 5, 7]), np.array([3, 5, 7]))
    grid = estimate_one_level(
        NoiseModel(p),
        LevelSpec(
            P["15-to-1"], Layout.litinski(5, (1,)), published_schedule(1, "15-to-1", "litinski"), d
        ),
    )
    for i in range(3):
        one = estimate_one_level(
            NoiseModel(p[i]), _spec(1, "15-to-1", "litinski", (d.d_x[i], d.d_z[i], d.d_m[i]))
        )
        assert grid.p_out[i] == pytest.approx(float(one.p_out), rel=1e-12)
        assert grid.qubitcycles[i] == pytest.approx(float(one.qubitcycles), rel=1e-12)


def test_two_level_batch_with_repeated_level_one_matches_single_points():
    """A two-level batch evaluates each distinct level-1 factory once (factory.py,
    _distinct_level_one) and spreads it back: every point as if computed alone."""
    d2 = Distances(
        np.array([25, 25, 27, 29]), np.array([11, 11, 11, 13]), np.array([11, 13, 11, 11])
    )
    level1 = _spec(1, "15-to-1", "litinski", (11, 5, 5))
    level2 = _spec(2, "15-to-1", "litinski", (25, 11, 11))

    options = {"n_level1": 4, "arrangement": Arrangement.litinski()}
    p = np.array([1e-3, 1e-3, 1e-3, 5e-4])
    grid = estimate_two_level(NoiseModel(p), level1, replace(level2, d=d2), **options)
    assert grid.level1.p_out.shape == (4,) and grid.level1.p_out[0] == grid.level1.p_out[2]
    for i in range(4):
        one = estimate_two_level(
            NoiseModel(p[i]),
            level1,
            replace(level2, d=Distances(d2.d_x[i], d2.d_z[i], d2.d_m[i])),
            **options,
        )
        assert grid.p_out[i] == pytest.approx(float(one.p_out), rel=1e-12)
        assert grid.level1.cycles[i] == pytest.approx(float(one.level1.cycles), rel=1e-15)
        assert grid.full_distance[0].d[i] == one.full_distance[0].d
