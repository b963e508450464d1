"""The (3k+8)-to-k family through the engine against the stochastic model of Bravyi and Haah 2012, Sec. V.

With Z-only rotation errors of probability eps and no surface-code errors, the simulator's
p_fail must equal 1 - p_s and its infidelity the probability that some output is wrong
(the Litinski 2019 convention for Z errors; docs/model/inner-outer.md). Both sides are exact to float64 precision
(the stochastic side has no cancellation; the engine checks its own digits), so the
tolerance is 1e-9 relative.
"""

from pathlib import Path

import pytest

from estimator.circuits.protocols import builtin_protocols
from estimator.codes.stochastic import ZErrorModel
from estimator.codes.triorthogonal import bh_family_matrix
from estimator.config.factory import estimate_config, load_config
from estimator.sim.channels import rotation_channel
from estimator.sim.simulator import simulate

STUDIES = Path(__file__).resolve().parents[1] / "configs" / "studies"
MEMBERS = [("14-to-2", 2), ("bh-20-to-4", 4), ("26-to-6", 6), ("32-to-8", 8), ("38-to-10", 10)]


@pytest.mark.parametrize(("name", "k"), MEMBERS)
@pytest.mark.parametrize("eps", [1e-3, 1e-6])
def test_engine_matches_stochastic_model(name, k, eps):
    protocol = builtin_protocols()[name]
    channels = [rotation_channel(r, eps, 0.0, 0.0) for r in protocol.rotations]
    sim = simulate(protocol.n_qubits, protocol.checks, channels)
    model = ZErrorModel.from_matrix(bh_family_matrix(k)).evaluate(eps)
    assert float(sim.p_fail) == pytest.approx(1 - model.success_probability, rel=1e-9)
    assert float(sim.infidelity) == pytest.approx(model.p_any_output_wrong, rel=1e-9)


def test_leading_order_per_output():
    """14-to-2: worst marginal 7 eps^2 = (3k + 1) eps^2 at leading order (docs/model/inner-outer.md), and the engine
    agrees with the exact model far below float64's reach next to 1 (I ~ 1e-13)."""
    eps = 1e-7
    protocol = builtin_protocols()["14-to-2"]
    sim = simulate(
        protocol.n_qubits,
        protocol.checks,
        [rotation_channel(r, eps, 0.0, 0.0) for r in protocol.rotations],
    )
    model = ZErrorModel.from_matrix(bh_family_matrix(2))
    assert float(model.worst_error(eps)) / eps**2 == pytest.approx(7, rel=1e-5)
    assert float(sim.infidelity) == pytest.approx(model.evaluate(eps).p_any_output_wrong, rel=1e-9)


@pytest.mark.parametrize("p", ["1e-4", "1e-3"])
def test_family_study_runs_end_to_end(p):
    """configs/studies/family_two_level_p*.toml with its template member (14-to-2): an auto
    layout and a CP-SAT schedule with the proven minimum of 14 / 2 = 7 steps; the level-2 block
    improves on its level-1 inputs."""
    config = load_config(STUDIES / f"family_two_level_p{p}.toml")
    estimate = estimate_config(config)
    assert config.level2.layout.name == "auto" and config.level2.schedule.n_steps == 7
    assert config.solvers["level2"].steps_proven_optimal
    assert 0 < float(estimate.p_out) < float(estimate.level1.p_out)
