"""Per-output marginal errors (estimator.sim.marginals) against the dense mpmath oracle, and
their relation to the run infidelity (docs/usage/planning.md, "Multi-output blocks")."""

from dataclasses import replace

import mp_oracle
import numpy as np
import pytest

from estimator.factory import level_one
from estimator.planning.blocks import block
from estimator.planning.space import BlockOption
from estimator.sim.marginals import output_marginals
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import RELATIVE_TOLERANCE, simulate
from layouts.layout import Distances


def _level(protocol: str, p: float, d: Distances):
    spec = block(BlockOption(protocol, "auto", 2, "cpsat"), 1, NoiseModel(p)).spec
    spec = replace(spec, d=d)
    return spec.protocol, level_one(NoiseModel(p), spec)


def test_marginals_match_the_dense_oracle():
    """14-to-2 (two outputs, five qubits) at p = 1e-3, (7, 3, 3): each output's marginal
    agrees with the textbook partial trace of the dense density matrix to the simulator's
    guaranteed relative precision (RELATIVE_TOLERANCE = 1e-6)."""
    protocol, level = _level("14-to-2", 1e-3, Distances(7.0, 3.0, 3.0))
    channels = level.channels()
    mine = output_marginals(protocol.n_qubits, protocol.checks, channels)
    oracle = mp_oracle.marginals(protocol.n_qubits, protocol.checks, channels)
    assert mine.shape == (2,)
    for a, b in zip(mine, oracle):
        assert a == pytest.approx(float(b), rel=RELATIVE_TOLERANCE)


def test_one_output_marginal_is_the_infidelity_and_several_lie_between():
    """With one output the marginal is the run infidelity I; with k outputs each marginal is
    at most I and their sum at least I (a wrong run has a wrong output); for 20-to-4 the sum
    is about 2.4 I (errors hit pairs of outputs)."""
    protocol, level = _level("15-to-1", 1e-4, Distances(9.0, 3.0, 3.0))
    sim = simulate(protocol.n_qubits, protocol.checks, level.channels())
    (single,) = output_marginals(protocol.n_qubits, protocol.checks, level.channels())
    assert single == pytest.approx(float(sim.infidelity), rel=RELATIVE_TOLERANCE)
    d = Distances(np.array([9.0, 15.0]), np.array([3.0, 7.0]), np.array([3.0, 7.0]))
    protocol, level = _level("20-to-4", 1e-4, d)
    sim = simulate(protocol.n_qubits, protocol.checks, level.channels())
    marginals = output_marginals(protocol.n_qubits, protocol.checks, level.channels())
    assert marginals.shape == (4, 2)
    assert np.all(marginals <= sim.infidelity * (1 + RELATIVE_TOLERANCE))
    ratio = marginals.sum(axis=0) / sim.infidelity
    assert np.all((ratio > 1.5) & (ratio < 4))


def test_entangled_outputs_are_refused():
    protocol, level = _level("8-to-CCZ", 1e-4, Distances(9.0, 3.0, 3.0))
    with pytest.raises(ValueError, match="product state"):
        output_marginals(protocol.n_qubits, protocol.checks, level.channels())
