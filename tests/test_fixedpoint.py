"""Fixed-point arithmetic: constants and products to 2**-192 (about 1.6e-58)."""

import math
from fractions import Fraction

import numpy as np

from estimator.sim import fixedpoint as fx

ULP = Fraction(1, fx.ONE)


def test_constants():
    # cos^2 + sin^2 = 1 and 2 (1/sqrt 2)^2 = 1, to a few units of 2**-192.
    one = fx.ONE**2
    assert abs(fx.COS_PI_8**2 + fx.SIN_PI_8**2 - one) < 4 * fx.ONE
    assert abs(2 * fx.INV_SQRT2**2 - one) < 4 * fx.ONE
    assert math.isclose(fx.COS_PI_8 / fx.ONE, math.cos(math.pi / 8))


def test_conversion_is_exact_and_products_keep_58_digits():
    x = fx.Fixed.from_complex(np.array([1e-20 + 2e-20j]))
    assert abs(Fraction(int(x.re[0]), fx.ONE) - Fraction(1e-20)) < ULP
    y = x * x.conj()  # |x|^2 = 5e-40; float64 next to 1 would resolve nothing below 1e-16
    exact = Fraction(1e-20) ** 2 + Fraction(2e-20) ** 2
    assert abs(Fraction(int(y.re[0]), fx.ONE) - exact) < 4 * ULP
    assert int(y.im[0]) == 0


def test_mantissas_at_any_width_and_magnitude():
    """No floor and no overflow: 1e-300 and 0.75 at 1,200 fraction bits, exactly."""
    for value in (1e-300, 0.75, -3e-20, 5e-324):
        for bits in (192, 1200):
            m = fx.mantissa(value, bits)
            assert Fraction(m, 1 << bits) <= Fraction(value) < Fraction(m + 1, 1 << bits)
    x = fx.Fixed.from_complex(np.array([1e-300]), bits=1200)
    assert x.real_float()[0] == 1e-300
    assert fx.inv_sqrt2(1200) ** 2 * 2 <= 1 << 2400 < (fx.inv_sqrt2(1200) + 1) ** 2 * 2
