"""Magic states as data (Haah et al. 2017, Secs. 2 and 5.2): the CCZ stabilisers, the error
states, the four-T controlled V_123 and the uniform-angle noise eps(theta)."""

import itertools
import math

import numpy as np
import pytest

from estimator.codes.magic import CCZ, H, controlled_v123_t_count, magic_state, uniform_angle_eps
from estimator.errors import ConfigError


def test_ccz_stabilisers_and_error_state():
    """W(a) = X_a CZ_bc stabilise |CCZ>, commute, square to 1; the error state is orthogonal
    to |CCZ> and flips each W(a) with probability 4/7 (a in b for 4 of the 7 b != 0)."""
    ws = [CCZ.operator(a) for a in range(3)]
    for w in ws:
        assert np.allclose(w @ CCZ.ideal, CCZ.ideal) and np.allclose(w @ w, np.eye(8))
    for u, v in itertools.combinations(ws, 2):
        assert np.allclose(u @ v, v @ u)
    bad = CCZ.error_state
    assert math.isclose(np.trace(bad), 1.0) and abs(CCZ.ideal @ bad @ CCZ.ideal) < 1e-15
    for w in ws:  # <W> = 1 - 2 P(flip) = 1 - 8/7
        assert math.isclose(np.trace(w @ bad), 1 - 8 / 7)
    assert np.allclose(H.operator(0) @ H.ideal, H.ideal)


def test_controlled_v123_has_four_t_gates():
    """The printed circuit is checked against controlled V_123 before its T gates are counted."""
    assert controlled_v123_t_count() == 4


@pytest.mark.parametrize("theta", [1e-4, 5e-3, 0.05, 0.3, 1.0])
def test_uniform_angle_eps_is_eq_5_3(theta):
    """eps(theta) is the mu_1 weight of the average of rho_x over x in [-theta, theta]
    (Eq. (5.3)), integrated here by Gauss-Legendre (exact to 1e-15 relative for these
    smooth integrands with 40 nodes), and its off-diagonal average vanishes."""
    nodes, weights = np.polynomial.legendre.leggauss(40)
    x = theta * nodes
    mu11 = float(np.sum(weights * np.sin(x / 2) ** 2) / 2)
    mu01 = float(np.sum(weights * np.sin(x / 2) * np.cos(x / 2)) / 2)
    assert uniform_angle_eps(theta) == pytest.approx(mu11, rel=1e-12)
    assert abs(mu01) < 1e-15


def test_uniform_angle_series_branch_is_continuous_and_theta_squared_over_12():
    below, above = uniform_angle_eps(0.01 - 1e-12), uniform_angle_eps(0.01)
    assert below == pytest.approx(above, rel=1e-9)
    assert uniform_angle_eps(1e-12) == pytest.approx(1e-24 / 12, rel=1e-12)


@pytest.mark.parametrize("bad", [0, -1.0, 4.0, "0.1", True])
def test_bad_theta(bad):
    with pytest.raises(ConfigError, match="theta"):
        uniform_angle_eps(bad)


def test_unknown_state():
    with pytest.raises(ConfigError, match="state"):
        magic_state("T")
