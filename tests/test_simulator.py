"""Simulator: published error-model values, agreement with an independent 60-digit oracle,
and the float64 path's guarantee (it returns only digits it can vouch for)."""

from fractions import Fraction

import mp_oracle as oracle
import numpy as np
import pytest

from estimator.circuits.protocol import Rotation
from estimator.circuits.protocols import builtin_protocols
from estimator.config.factory import estimate_config, load_config
from estimator.errors import ModelError
from estimator.factory import estimate_one_level, level_one, level_two
from estimator.sim.channels import rotation_channel, x_flip, z_flip
from estimator.sim.simulator import RELATIVE_TOLERANCE, simulate

P = 1e-4
FIFTEEN = builtin_protocols()["15-to-1"]


def _bare(a, b, c, theta=0.0):
    return [rotation_channel(r, a, b, c, theta) for r in FIFTEEN.rotations]


# Litinski 2019, Sec. 1, p = 1e-4, no surface-code errors. Tolerances: the paper
# prints 4, 6 and 3 significant digits; docs/model/inner-outer.md gives 3.501050378e-11 (10 digits).
SECTION_1 = [
    ("Z errors, docs/model/inner-outer.md", (P, 0, 0, 0), 3.501050378e-11, 5e-10),
    ("Z errors, 35 p^3 (Litinski 2019 prints 3.501e-11)", (P, 0, 0, 0), 3.501e-11, 5e-4 / 3.5),
    ("random Pauli errors (Litinski 2019, Eq. 5)", (P / 3, P / 3, P / 3, 0), 1.03724e-11, 5e-6 / 1.03724),
    (
        "coherent over-rotation arcsin(1/100) (Litinski 2019, Eq. 6)",
        (0, 0, 0, np.arcsin(0.01)),
        1.22e-9,
        5e-3 / 1.22,
    ),
]


@pytest.mark.parametrize(
    ("name", "errors", "expected", "rtol"), SECTION_1, ids=[s[0] for s in SECTION_1]
)
@pytest.mark.parametrize("precision", ["exact", "auto"])
def test_section_1_error_models(name, errors, expected, rtol, precision):
    sim = simulate(5, FIFTEEN.checks, _bare(*errors), precision=precision)
    assert float(sim.infidelity) == pytest.approx(expected, rel=rtol)


def test_thirty_five_p_cubed_is_the_leading_term():
    """Z errors: I = 35 p^3 + O(p^4) (Litinski 2019, Sec. 1), checked far below float64's reach."""
    for p in (1e-6, 1e-8, 1e-10):
        sim = simulate(5, FIFTEEN.checks, _bare(p, 0, 0), precision="exact")
        assert float(sim.infidelity) / p**3 == pytest.approx(35, rel=100 * p)


def _random_circuit(rng, n):
    ops, channels = [], []
    for _ in range(12):
        kind = rng.integers(3)
        if kind == 0:
            support = sorted(
                rng.choice(np.arange(1, n + 1), size=rng.integers(1, n + 1), replace=False).tolist()
            )
            sign = int(rng.choice([-1, 1]))
            a, b, c = rng.uniform(0, 1e-3, 3)
            theta = rng.uniform(-1e-3, 1e-3)
            ops.append(oracle.rotation_mixture(support, sign, a, b, c, theta))
            channels.append(rotation_channel(Rotation(tuple(support), sign), a, b, c, theta))
        else:
            q, p = int(rng.integers(1, n + 1)), rng.uniform(0, 1e-3)
            ops.append(oracle.z_flip(q, p) if kind == 1 else oracle.x_flip(q, p))
            channels.append(z_flip(q, p) if kind == 1 else x_flip(q, p))
    return ops, channels


@pytest.mark.parametrize("seed", range(6))
def test_random_circuits_match_oracle(seed):
    """Rotations with (a, b, c, theta), Z and X flips on 3-4 qubits, by the textbook definition."""
    rng = np.random.default_rng(seed)
    n = 3 + seed % 2
    checks = tuple(range(2, n + 1))
    ops, channels = _random_circuit(rng, n)
    p_fail, infidelity = oracle.simulate(n, checks, ops)
    sim = simulate(n, checks, channels, precision="exact")
    # The oracle keeps 60 digits; the fixed point 2**-192. Inputs are the same float64 values.
    assert float(sim.p_fail) == pytest.approx(float(p_fail), rel=1e-12, abs=1e-40)
    assert float(sim.infidelity) == pytest.approx(float(infidelity), rel=1e-12, abs=1e-40)


ORACLE_ROWS = [
    "03_15to1_11-5-5_p1e-4",
    "05_15to1x15to1_9-3-3_25-9-9_p1e-4",
    "11_15to1x15to1_17-7-7_41-17-17_p1e-3",
    "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4",
]


def _top_level_channels(config):
    """The channels of the top level of a config (level-1 result fed in) and its estimate."""
    if config.level2 is None:
        return (
            config.level1.protocol,
            level_one(config.noise, config.level1).channels(),
            estimate_config(config),
        )
    fed = estimate_one_level(config.noise, config.level1)
    level = level_two(
        config.noise,
        config.level2,
        config.level1,
        fed,
        n_level1=config.n_level1,
        arrangement=config.arrangement,
    )
    return config.level2.protocol, level.channels(), estimate_config(config)


def _assert_matches_oracle(config):
    """The engine's infidelity and p_fail of the config's top level against the 60-digit
    oracle, to 1e-9 relative (the engine is exact to far more; the inputs are the same floats)."""
    protocol, channels, est = _top_level_channels(config)
    p_fail, infidelity = oracle.simulate(
        protocol.n_qubits, protocol.checks, [oracle.from_channel(c) for c in channels]
    )
    assert float(est.infidelity) == pytest.approx(float(infidelity), rel=1e-9)
    assert float(est.p_fail) == pytest.approx(float(p_fail), rel=1e-9)


@pytest.mark.parametrize("stem", ORACLE_ROWS)
def test_table1_rows_match_oracle(table1_dir, stem):
    """Down to 6.3e-25 and 4.5e-20: the engine's p_out and p_fail against 60 digits."""
    _assert_matches_oracle(load_config(table1_dir / f"{stem}.toml"))


def test_random_two_level_points_match_oracle(table1_dir):
    """Two-level 15-to-1 at random (p, distances, n_L1), beyond the table's points."""
    rng = np.random.default_rng(7)
    for _ in range(2):
        p = 10 ** rng.uniform(-4, -3)
        d1 = sorted(rng.choice([3, 5, 7], 2).tolist())
        sets = [
            f"p_phys={p}",
            f"level1.d_x={2 * int(rng.integers(4, 9)) + 1}",
            f"level1.d_z={d1[0]}",
            f"level1.d_m={d1[1]}",
            f"level1.count={2 * int(rng.integers(1, 5))}",
            f"level2.d_x={2 * int(rng.integers(10, 20)) + 1}",
            f"level2.d_z={2 * int(rng.integers(4, 9)) + 1}",
            f"level2.d_m={2 * int(rng.integers(4, 9)) + 1}",
        ]
        _assert_matches_oracle(
            load_config(table1_dir / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml", sets)
        )


@pytest.mark.parametrize(
    "sets",
    [
        ["p_phys=5e-5", "level2.d_x=31", "level2.d_z=11", "level2.d_m=11"],  # p_out 9.4e-31
        ["p_phys=3e-5", "level2.d_x=29", "level2.d_z=11", "level2.d_m=11"],  # p_out 6.7e-34
    ],
)
def test_output_errors_below_1e30_match_oracle(table1_dir, sets):
    """A two-level factory with p_out below 1e-30 (the brief's floor) to 1e-9 relative."""
    config = load_config(table1_dir / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml", sets)
    assert float(estimate_config(config).p_out) < 1e-30
    _assert_matches_oracle(config)


def test_float_path_only_returns_guaranteed_digits(table1_dir):
    """50 random one- and two-level points: wherever float64 answers, it is within
    RELATIVE_TOLERANCE of the exact value; elsewhere it refuses with NaN."""
    rng = np.random.default_rng(3)
    answered = 0
    for stem, level in (("01_15to1_7-3-3_p1e-4", 1), ("14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4", 2)):
        for _ in range(25):
            sets = (
                [f"p_phys={10 ** rng.uniform(-4.3, -2.7)}"]
                + [f"level{level}.{k}={2 * int(rng.integers(1, 12)) + 1}" for k in ("d_z", "d_m")]
                + [f"level{level}.d_x=25"]
            )
            protocol, channels, _ = _top_level_channels(
                load_config(table1_dir / f"{stem}.toml", sets)
            )
            fast = simulate(protocol.n_qubits, protocol.checks, channels, precision="float")
            exact = simulate(protocol.n_qubits, protocol.checks, channels, precision="exact")
            if np.isnan(fast.infidelity):
                continue
            answered += 1
            assert float(fast.infidelity) == pytest.approx(
                float(exact.infidelity), rel=RELATIVE_TOLERANCE
            )
            assert float(fast.p_fail) == pytest.approx(float(exact.p_fail), rel=RELATIVE_TOLERANCE)
    assert answered >= 10  # the float path does answer most of these points


def test_float_refuses_where_float64_cannot_resolve():
    """6.3e-25-like errors: float64 returns NaN rather than a wrong digit; auto goes exact."""
    channels = _bare(1e-9, 0, 0)
    fast = simulate(5, FIFTEEN.checks, channels, precision="float")
    auto = simulate(5, FIFTEEN.checks, channels, precision="auto")
    assert np.isnan(fast.infidelity) and not fast.resolved
    assert bool(auto.exact) and float(auto.infidelity) == pytest.approx(35e-27, rel=1e-6)


def test_batched_evaluation_matches_pointwise():
    a = np.array([1e-4, 3e-4, 1e-3])
    batch = simulate(5, FIFTEEN.checks, _bare(a / 3, a / 3, a / 3))
    for i, value in enumerate(a):
        single = simulate(5, FIFTEEN.checks, _bare(value / 3, value / 3, value / 3))
        assert batch.infidelity[i] == pytest.approx(float(single.infidelity), rel=1e-12)


def test_unknown_precision_is_rejected():
    with pytest.raises(ValueError, match="precision"):
        simulate(5, FIFTEEN.checks, _bare(P, 0, 0), precision="quad")


def test_probabilities_outside_zero_one_are_refused():
    with pytest.raises(ModelError, match="rotation Z1Z2 has error probability 1.5"):
        simulate(2, (2,), [rotation_channel(Rotation((1, 2)), 0.5, 1.0, 0.0)])
    with pytest.raises(ModelError, match="X flip on q1"):
        simulate(2, (2,), [x_flip(1, -0.1)])


def test_exact_path_refuses_registers_beyond_its_reach():
    """Exact arithmetic on 14 qubits (4^14 coefficients) would take hours: refused in one line
    rather than run (or run out of memory). Up to 13 qubits it runs (the entries that matter
    at each step only: 38-to-10 in 40 s)."""
    from estimator.errors import PrecisionError

    rotations = [Rotation((1, q)) for q in range(2, 15)] + [Rotation((q,)) for q in range(2, 15)]
    channels = [rotation_channel(r, 1e-9, 0.0, 0.0) for r in rotations]
    with pytest.raises(PrecisionError, match="14 qubits"):
        simulate(14, tuple(range(2, 15)), channels, precision="exact")


# --- No floor: the exact path sizes its mantissa from the magnitudes (issue 9 item 1) ---

SWEEP = ["5e-3", "1e-3", "1e-5", "1e-9", "1e-14", "1e-19", "1e-30"]


def _oracle_p_out(config):
    protocol, channels, est = _top_level_channels(config)
    p_fail, infidelity = oracle.simulate_channels(protocol.n_qubits, protocol.checks, channels)
    return est, float(infidelity) / protocol.outputs_per_run, float(p_fail)


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["01_15to1_7-3-3_p1e-4", "05_15to1x15to1_9-3-3_25-9-9_p1e-4"])
def test_p_phys_sweep_matches_oracle_at_every_magnitude(table1_dir, stem):
    """p_phys from 5e-3 (two levels: 1e-3) down to 1e-30: every p_out (down to ~1e-266) and
    p_fail equals the oracle (digits sized from the inputs) to 1e-9, or is refused (NaN) —
    never the old 192-bit floor (about 1.8e-57 for every p_phys below 1e-20)."""
    answered = 0
    sweep = SWEEP if stem.startswith("01") else SWEEP[1:]  # 5e-3 leaves the level-2 model
    for p in sweep:
        est, p_out, p_fail = _oracle_p_out(
            load_config(table1_dir / f"{stem}.toml", [f"p_phys={p}"])
        )
        if np.isnan(est.p_out):
            continue
        answered += 1
        assert float(est.p_out) == pytest.approx(p_out, rel=1e-9), p
        assert float(est.p_fail) == pytest.approx(p_fail, rel=1e-9), p
    assert answered == len(sweep)


@pytest.mark.parametrize(
    ("stem", "p", "answered"),
    [
        ("01_15to1_7-3-3_p1e-4", "1e-100", True),  # p_out ~ 1e-299: resolved
        ("01_15to1_7-3-3_p1e-4", "1e-120", False),  # p_out ~ 1e-359: below float64, refused
        ("05_15to1x15to1_9-3-3_25-9-9_p1e-4", "1e-33", True),  # p_out ~ 4e-293
        ("05_15to1x15to1_9-3-3_25-9-9_p1e-4", "1e-100", False),  # ~1e-900: refused
    ],
)
def test_extreme_p_phys_is_right_or_refused(table1_dir, stem, p, answered):
    """Refused means NaN from the engine, or a one-line ConfigError at load where the config
    layer sees that the error rates underflow."""
    from estimator.errors import ConfigError

    try:
        config = load_config(table1_dir / f"{stem}.toml", [f"p_phys={p}"])
    except ConfigError:
        assert not answered
        return
    if not answered:
        est = estimate_config(config)
        assert np.isnan(est.p_out) and np.isnan(est.p_fail)
        return
    est, p_out, p_fail = _oracle_p_out(config)
    assert float(est.p_out) == pytest.approx(p_out, rel=1e-9)
    assert float(est.p_fail) == pytest.approx(p_fail, rel=1e-9)


def test_thirty_five_p_cubed_down_to_1e_minus_300():
    """Z errors: I = 35 p^3 (1 + O(p)) at p = 1e-40 .. 1e-100 (I down to 3.5e-299), and the
    oracle agrees at p = 1e-100 to 1e-12."""
    for p in (1e-40, 1e-70, 1e-100):
        sim = simulate(5, FIFTEEN.checks, _bare(p, 0, 0), precision="exact")
        assert bool(sim.resolved) and float(sim.infidelity) / p**3 == pytest.approx(35, rel=1e-12)
    channels = _bare(1e-100, 0, 0)
    p_fail, infidelity = oracle.simulate_channels(5, FIFTEEN.checks, channels)
    sim = simulate(5, FIFTEEN.checks, channels, precision="auto")
    assert float(sim.infidelity) == pytest.approx(float(infidelity), rel=1e-12)
    assert float(sim.p_fail) == pytest.approx(float(p_fail), rel=1e-12)


def test_results_below_float64_range_are_refused():
    """I ~ 35e-330 is not a normal float64: NaN and unresolved, in every precision."""
    for precision in ("exact", "auto", "float"):
        sim = simulate(5, FIFTEEN.checks, _bare(1e-110, 0, 0), precision=precision)
        assert np.isnan(sim.infidelity) and not bool(sim.resolved)


def test_nan_point_gives_nan_not_an_exception():
    """A level-1 point refused by precision 'float' inside a two-level batch: NaN there, the
    other points evaluated (it used to fail the whole batch: 'rotation Z2 has error
    probability nan')."""
    from estimator.factory import LevelSpec, estimate_two_level
    from estimator.sim.noise import NoiseModel
    from layouts.arrangement import Arrangement
    from layouts.layout import Distances, Layout
    from layouts.schedule import published_schedule

    def spec(level, d):
        return LevelSpec(
            FIFTEEN, Layout.litinski(5, (1,)), published_schedule(level, "15-to-1", "litinski"), d
        )

    p = np.array([1e-3, 1e-9, 3e-4])
    est = estimate_two_level(
        NoiseModel(p),
        spec(1, Distances(13, 5, 5)),
        spec(2, Distances(29, 11, 13)),
        n_level1=6,
        arrangement=Arrangement.litinski(),
        precision="float",
    )
    assert np.isnan(est.level1.p_out[1]) and np.isnan(est.p_out[1])
    assert not np.isnan(est.level1.p_out[[0, 2]]).any()
    nan_channel = [rotation_channel(r, np.array([1e-4, np.nan]), 0, 0) for r in FIFTEEN.rotations]
    sim = simulate(5, FIFTEEN.checks, nan_channel)
    assert np.isnan(sim.infidelity[1]) and not sim.resolved[1] and sim.resolved[0]


def test_resource_guard_refuses_before_allocating():
    """32 qubits: one line naming what to change, at once (no 4^32 allocation)."""
    import time

    from estimator import limits
    from estimator.errors import ResourceError

    channels = [rotation_channel(Rotation((1, 32)), 1e-4, 0.0, 0.0)]
    start = time.perf_counter()
    with pytest.raises(ResourceError, match="fewer qubits"):
        simulate(32, tuple(range(2, 33)), channels)
    assert time.perf_counter() - start < 1
    with (
        limits.using(limits.Limits(max_seconds=1e-6)),
        pytest.raises(ResourceError, match="simulating 5 qubits"),
    ):
        simulate(5, FIFTEEN.checks, _bare(np.full(1000, P), 0, 0))


def test_progress_hook_reports_and_engine_prints_nothing(capsys):
    calls = []
    simulate(5, FIFTEEN.checks, _bare(1e-30, 0, 0), progress=lambda *c: calls.append(c))
    assert [c[0] for c in calls[:2]] == ["float64", "double-double"]
    assert calls[-1][0] == "exact" and calls[-1][1] == calls[-1][2]
    assert capsys.readouterr().out == ""


def test_double_double_tier_vouches_only_right_digits(table1_dir):
    """Where float64 cannot vouch (two-level outputs of 1e-20 and below), the double-double
    split answers; its error stays far inside its bound FLOAT_ERROR_FACTOR * 2^-104 tr(rho_E)
    (here within a tenth of it) and 'auto' agrees with the fixed point to RELATIVE_TOLERANCE."""
    from estimator.sim import simulator as sm

    rng = np.random.default_rng(11)
    answered = 0
    for stem, level in (("01_15to1_7-3-3_p1e-4", 1), ("05_15to1x15to1_9-3-3_25-9-9_p1e-4", 2)):
        for _ in range(8):
            sets = [f"p_phys={10 ** rng.uniform(-4.5, -2.7)}", f"level{level}.d_x=25"] + [
                f"level{level}.{k}={2 * int(rng.integers(1, 12)) + 1}" for k in ("d_z", "d_m")
            ]
            protocol, channels, _ = _top_level_channels(
                load_config(table1_dir / f"{stem}.toml", sets)
            )
            exact = simulate(protocol.n_qubits, protocol.checks, channels, precision="exact")
            register = sm._Register(protocol.n_qubits, protocol.checks)
            params = [[np.atleast_1d(p) for p in sm._params(c)] for c in channels]
            program = sm._program(register, channels, params)
            p_fail, infidelity, ok = sm._run_split(register, *program, sm.DOUBLE_DOUBLE)
            trace = sum(float(np.max(p)) for p in params for p in p[:1])  # >= tr(rho_E)
            numerator = float(exact.infidelity) * (1 - float(exact.p_fail))
            error = abs(float(infidelity[0]) * (1 - float(p_fail[0])) - numerator)
            assert error <= 0.1 * sm.FLOAT_ERROR_FACTOR * dd_eps() * trace
            if ok[0]:
                answered += 1
                auto = simulate(protocol.n_qubits, protocol.checks, channels)
                assert float(auto.infidelity) == pytest.approx(
                    float(exact.infidelity), rel=RELATIVE_TOLERANCE
                )
    assert answered >= 12


def dd_eps():
    from estimator.sim.doubledouble import EPS

    return EPS


@pytest.mark.parametrize("seed", range(3))
def test_fixed_point_rounding_stays_within_its_bound(seed):
    """The bound the exact path vouches with (_exact_ulps units of 2^-bits) holds: 192-bit
    results against 1,200-bit ones on random circuits."""
    from estimator.sim import simulator as sm

    rng = np.random.default_rng(100 + seed)
    n = 3 + seed % 2
    _, channels = _random_circuit(rng, n)
    register = sm._Register(n, tuple(range(2, n + 1)))
    params = [[np.atleast_1d(p) for p in sm._params(c)] for c in channels]
    program = sm._program(register, channels, params)
    ulps = sm._exact_ulps(register, *program)
    low = sm._run_exact(register, *program, bits=192)
    high = sm._run_exact(register, *program, bits=1200)
    for a, b in zip(low, high):
        assert abs(Fraction(a[0], 1 << 192) - Fraction(b[0], 1 << 1200)) <= Fraction(ulps, 1 << 192)


def test_float_bound_covers_coherent_errors():
    """A coherent over-rotation has no incoherent weight (tr(rho_E) = 0): the bound scales with
    |e| instead, so float64 refuses or is right, and auto agrees with the fixed point."""
    for p in (1e-6, 1e-5, 1e-4, 1e-3):
        channels = _bare(0.0, 0.0, 0.0, np.arcsin(np.sqrt(p)))
        exact = float(simulate(5, FIFTEEN.checks, channels, precision="exact").infidelity)
        fast = float(simulate(5, FIFTEEN.checks, channels, precision="float").infidelity)
        auto = float(simulate(5, FIFTEEN.checks, channels).infidelity)
        assert np.isnan(fast) or fast == pytest.approx(exact, rel=RELATIVE_TOLERANCE)
        assert auto == pytest.approx(exact, rel=RELATIVE_TOLERANCE)


def test_factory_passes_the_progress_hook(table1_dir):
    from estimator.factory import estimate_two_level

    config = load_config(table1_dir / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml")
    calls = []
    estimate_two_level(
        config.noise,
        config.level1,
        config.level2,
        n_level1=config.n_level1,
        arrangement=config.arrangement,
        progress=lambda *c: calls.append(c),
    )
    assert len([c for c in calls if c[0] == "float64"]) == 2  # level 1, then level 2


def test_cli_says_why_p_out_is_refused(table1_dir, capsys):
    """p_phys = 1e-120: p_out ~ 1e-359 is below float64's range; one line says so (not 'drop
    --precision float', which was not given), exit 2, nothing on stdout."""
    from estimator.cli import main

    path = str(table1_dir / "01_15to1_7-3-3_p1e-4.toml")
    assert main(["estimate", path, "--set", "p_phys=1e-120"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "float64's range" in err
