"""Compiled split kernels (estimator.sim.kernels) against the simulator's numpy reference and
against the fixed point: the same sums to rounding, and the same guarantee (a vouched digit is
a right digit)."""

from dataclasses import replace

import numpy as np
import pytest

from estimator.circuits.protocol import Rotation
from estimator.config.factory import load_config
from estimator.sim import simulator as sm
from estimator.sim.channels import DiagonalChannel, rotation_channel, x_flip
from layouts.layout import Distances


def _random_circuit(rng, n: int, length: int, batch: int):
    """Rotations of either sign with (a, b, c, theta), X flips and Z-type Pauli channels on
    random supports (one or several qubits), parameters varying over the batch."""
    channels = []
    for _ in range(length):
        kind = int(rng.integers(4))
        support = tuple(
            sorted(rng.choice(np.arange(1, n + 1), size=rng.integers(1, n + 1), replace=False))
        )
        if kind <= 1:
            a, b, c = rng.uniform(0, 1e-3, (3, batch))
            theta = rng.uniform(-1e-3, 1e-3, batch)
            rotation = Rotation(tuple(int(q) for q in support), int(rng.choice([-1, 1])))
            channels.append(rotation_channel(rotation, a, b, c, theta))
        elif kind == 2:
            channels.append(x_flip(int(support[0]), rng.uniform(0, 1e-3, batch)))
        else:
            p = rng.uniform(0, 1e-3, batch)
            rotation = Rotation(tuple(int(q) for q in support))
            channels.append(DiagonalChannel(rotation, False, p, -p.astype(complex)))
    return channels


def _program(n, checks, channels):
    register = sm._Register(n, checks)
    shape = np.broadcast_shapes(*(np.shape(p) for c in channels for p in sm._params(c)), (1,))
    params = [[np.broadcast_to(p, shape) for p in sm._params(c)] for c in channels]
    return register, sm._program(register, channels, params)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ar", [sm.FLOAT64, sm.DOUBLE_DOUBLE], ids=["float64", "double-double"])
def test_compiled_sums_equal_the_numpy_reference(seed, ar):
    """tr(rho_E), the accepted sum and sum c_E g on random circuits of 3 to 6 qubits, 8 points:
    equal to a tenth of the error bound the split vouches with."""
    rng = np.random.default_rng(seed)
    n = 3 + seed % 4
    checks = tuple(range(2, n + 1)) if seed % 2 else tuple(range(3, n + 1))
    register, program = _program(n, checks, _random_circuit(rng, n, 16, 8))
    reference = sm._split_sums(register, *program, ar)
    compiled = sm._compiled_sums(register, *program, ar)
    weight = sm._error_weight(*program)
    for ref, new in zip(reference, compiled):
        ref, new = (np.asarray(v.to_float() if hasattr(v, "to_float") else v) for v in (ref, new))
        # the sums before the readout's 2^-n: the bound is FLOAT_ERROR_FACTOR eps weight 2^n
        assert np.all(np.abs(new - ref) <= 0.1 * sm.FLOAT_ERROR_FACTOR * ar.eps * weight * 2**n)


@pytest.mark.parametrize("name", ["8-to-CCZ", "15-to-1", "14-to-2", "20-to-4"])
def test_protocol_circuits_equal_the_numpy_reference(name):
    """The rotations of a protocol (whose outputs and checks are factors of Psi, or not: CCZ),
    each followed at random by X and Z flips: the compiled kernels, which skip the entries that
    cannot reach the readout, give the reference's sums (random circuits rarely have factors)."""
    from estimator.circuits.protocols import builtin_protocols

    protocol = builtin_protocols()[name]
    n = protocol.n_qubits
    rng = np.random.default_rng(n)
    channels = []
    for rotation in protocol.rotations:
        a, b, c = rng.uniform(0, 1e-3, (3, 4))
        channels.append(rotation_channel(rotation, a, b, c, rng.uniform(-1e-3, 1e-3, 4)))
        for q in rng.choice(np.arange(1, n + 1), size=2, replace=False):
            channels.append(x_flip(int(q), rng.uniform(0, 1e-3, 4)))
            p = rng.uniform(0, 1e-3, 4)
            channels.append(DiagonalChannel(Rotation((int(q),)), False, p, -p.astype(complex)))
    register, program = _program(n, protocol.checks, channels)
    weight = sm._error_weight(*program)
    for ar in (sm.FLOAT64, sm.DOUBLE_DOUBLE):
        reference = sm._split_sums(register, *program, ar)
        compiled = sm._compiled_sums(register, *program, ar)
        for ref, new in zip(reference, compiled):
            ref, new = (
                np.asarray(v.to_float() if hasattr(v, "to_float") else v) for v in (ref, new)
            )
            assert np.all(np.abs(new - ref) <= 0.1 * sm.FLOAT_ERROR_FACTOR * ar.eps * weight * 2**n)


def test_equator_factors():
    """|m> outputs and |+> checks are factors of Psi (the checks with phi = 0); the three CCZ
    outputs are not."""
    from estimator.circuits.protocols import builtin_protocols

    for name, expected in (
        ("15-to-1", (0b11111, 0b01111)),
        ("8-to-CCZ", (0b0001, 0b0001)),
        ("20-to-4", (0b1111111, 0b0000111)),
    ):
        protocol = builtin_protocols()[name]
        register = sm._Register(protocol.n_qubits, protocol.checks)
        assert sm._equator_factors(register, protocol.rotations) == expected


def test_pending_and_untouched_blocks():
    """A rotation that leaves every block but one alone, X flips between, a final Z channel."""
    channels = [
        rotation_channel(Rotation((1,)), 1e-3, 2e-4, 0.0),
        rotation_channel(Rotation((2,), -1), 3e-4, 0.0, 1e-4),
        x_flip(1, 5e-4),
        rotation_channel(Rotation((1, 2)), 2e-4, 1e-4, 1e-4),
        DiagonalChannel(Rotation((1, 2)), False, np.asarray(1e-4), np.asarray(-1e-4 + 0j)),
    ]
    register, program = _program(2, (2,), channels)
    for ar in (sm.FLOAT64, sm.DOUBLE_DOUBLE):
        reference = sm._run_split(register, *program, ar, compiled=False)
        compiled = sm._run_split(register, *program, ar, compiled=True)
        for ref, new in zip(reference[:2], compiled[:2]):
            assert float(new[0]) == pytest.approx(float(ref[0]), rel=1e-12)


@pytest.fixture
def compiled_always(monkeypatch):
    monkeypatch.setattr(sm, "COMPILE_ABOVE", 0.0)


@pytest.mark.parametrize(
    ("stem", "level", "sets"),
    [
        ("01_15to1_7-3-3_p1e-4", 1, []),
        ("05_15to1x15to1_9-3-3_25-9-9_p1e-4", 2, []),
        ("14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4", 2, []),
        ("07_15to1x20to4_13-5-5_23-11-13_p1e-3", 2, ["p_phys=3e-4"]),
    ],
)
def test_compiled_tiers_vouch_only_right_digits(table1_dir, compiled_always, stem, level, sets):
    """Random p_phys and distances in one batch through the compiled float64 and double-double
    tiers: wherever a tier vouches, the value equals the fixed point to RELATIVE_TOLERANCE."""
    from estimator.factory import estimate_one_level, level_one, level_two

    config = load_config(table1_dir / f"{stem}.toml", sets)
    rng = np.random.default_rng(len(stem))
    points = 6
    noise = replace(config.noise, p_phys=config.noise.p_phys * 10 ** rng.uniform(-1, 0.5, points))
    spec = config.level2 if level == 2 else config.level1
    d = [int(getattr(spec.d, k)) for k in ("d_x", "d_z", "d_m")]
    spec = replace(
        spec, d=Distances(*(2 * rng.integers(k // 2 - 1, k // 2 + 3, points) + 1 for k in d))
    )
    if level == 1:
        channels = level_one(noise, spec).channels()
    else:
        fed = estimate_one_level(noise, config.level1)
        level = level_two(
            noise,
            spec,
            config.level1,
            fed,
            n_level1=config.n_level1,
            arrangement=config.arrangement,
        )
        channels = level.channels()
    protocol = spec.protocol
    exact = sm.simulate(protocol.n_qubits, protocol.checks, channels, precision="exact")
    for precision in ("float", "auto"):
        sim = sm.simulate(protocol.n_qubits, protocol.checks, channels, precision=precision)
        ok = sim.resolved
        assert precision == "float" or ok.all()
        for key in ("p_fail", "infidelity"):
            got, want = getattr(sim, key)[ok], getattr(exact, key)[ok]
            assert np.all(np.abs(got - want) <= sm.RELATIVE_TOLERANCE * np.abs(want))


def test_fixed_point_reaches_thirteen_qubits():
    """38-to-10 with Z errors of 1e-6 (no surface-code errors) in exact arithmetic, on the
    entries that matter at each step (it was refused above 11 qubits): p_fail and I equal the
    stochastic model of Bravyi and Haah 2012, Sec. V to 1e-9 (the model computes 1 - p_s in float64) and the
    float64 split to RELATIVE_TOLERANCE."""
    from estimator.circuits.protocols import builtin_protocols
    from estimator.codes.stochastic import ZErrorModel
    from estimator.codes.triorthogonal import bh_family_matrix

    protocol = builtin_protocols()["38-to-10"]
    channels = [rotation_channel(r, 1e-6, 0.0, 0.0) for r in protocol.rotations]
    exact = sm.simulate(protocol.n_qubits, protocol.checks, channels, precision="exact")
    fast = sm.simulate(protocol.n_qubits, protocol.checks, channels, precision="float")
    model = ZErrorModel.from_matrix(bh_family_matrix(10)).evaluate(1e-6)
    assert bool(exact.exact) and float(exact.infidelity) == pytest.approx(
        model.p_any_output_wrong, rel=1e-9
    )
    assert float(exact.p_fail) == pytest.approx(1 - model.success_probability, rel=1e-9)
    for key in ("p_fail", "infidelity"):
        assert float(getattr(fast, key)) == pytest.approx(
            float(getattr(exact, key)), rel=sm.RELATIVE_TOLERANCE
        )
