"""Noise model: p_L(p, d) and faulty T measurements (Litinski 2019, Sec. 1; docs/model/index.md)."""

import numpy as np
import pytest

from estimator.errors import ConfigError
from estimator.sim.noise import NoiseModel


def test_p_logical():
    noise = NoiseModel(1e-3)
    assert noise.p_logical(3) == pytest.approx(0.1 * 0.1**2)
    assert noise.p_logical(np.array([3, 5])) == pytest.approx([1e-3, 1e-4])
    assert NoiseModel(1e-3, prefactor=0.03, threshold=0.005).p_logical(3) == pytest.approx(
        0.03 * 0.2**2
    )


def test_t_error_models():
    assert [float(v) for v in NoiseModel(3e-4).t_measurement_errors()] == pytest.approx(
        [1e-4, 1e-4, 1e-4, 0]
    )
    assert [
        float(v) for v in NoiseModel(1e-4, p_t=2e-4, t_error="z").t_measurement_errors()
    ] == pytest.approx([2e-4, 0, 0, 0])
    theta = NoiseModel(1e-4, t_error="coherent").t_measurement_errors()[3]
    assert float(np.sin(theta) ** 2) == pytest.approx(1e-4)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"p_phys": 0.0}, "p_phys"),
        ({"p_phys": 0.01}, "p_phys"),
        ({"p_phys": 1e-3, "p_t": 0.6}, "p_t"),
        ({"p_phys": 1e-3, "t_error": "amplitude"}, "noise.t_error"),
        ({"p_phys": 1e-3, "threshold": -1}, "noise.threshold"),
    ],
)
def test_bad_noise(kwargs, field):
    with pytest.raises(ConfigError, match=f"^{field}"):
        NoiseModel(**kwargs)
