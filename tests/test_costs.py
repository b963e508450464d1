"""Full distance (Litinski 2019, Sec. 2; docs/model/costs.md)."""

import numpy as np
import pytest

from estimator.costs import full_distance_root, full_distances
from estimator.errors import PrecisionError
from estimator.sim.noise import NoiseModel


@pytest.mark.parametrize("p", [1e-4, 3e-4, 1e-3])
@pytest.mark.parametrize("p_eff", [1e-8, 1e-15, 1e-25])
def test_root_solves_the_equation_on_the_decreasing_branch(p, p_eff):
    noise = NoiseModel(p)
    d = float(full_distance_root(noise, p_eff, 231))
    assert 231 / p_eff * d * float(noise.p_logical(d)) == pytest.approx(0.01, rel=1e-10)
    assert d > -2 / np.log(100 * p)


def test_odd_rounding_and_cost():
    """2 round(d/2) + 1: Litinski 2019, Table 1 row 1 has d = 11 and 13 (docs/model/costs.md)."""
    noise = NoiseModel(1e-4)
    (small, large) = full_distances(noise, np.asarray(4.394e-8), np.asarray(14625.0))
    assert (int(small.d), int(large.d)) == (11, 13)
    assert float(small.cost_d3) == pytest.approx(14625 / (2 * 11**3))


def test_non_positive_error_is_refused():
    with pytest.raises(PrecisionError):
        full_distance_root(NoiseModel(1e-3), np.asarray(0.0), 231)
