"""Exact-enough complex arithmetic: fixed-point numbers with Python-int mantissas.

A value is (re + i im) / 2**bits with ``re`` and ``im`` held in numpy object arrays of Python
ints, so every operation is exact up to one unit in the last place (2**-bits). The number of
fraction bits is chosen per computation from the magnitudes involved (the simulator starts at
FRACTION_BITS = 192, about 1.6e-58, and widens for smaller results), so there is no floor:
docs/model/simulation.md asks for 1e-30 with three digits, the model can produce 1e-300.
Arrays broadcast like numpy's.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

FRACTION_BITS = 192
ONE = 1 << FRACTION_BITS


def mantissa(value: float, bits: int = FRACTION_BITS) -> int:
    """floor(value * 2**bits), exactly, for a finite float64 ``value`` (any magnitude)."""
    numerator, denominator = float(value).as_integer_ratio()
    return (numerator << bits) // denominator


@functools.cache
def _converter(bits: int):
    return np.frompyfunc(lambda v: mantissa(v, bits), 1, 1)


@functools.cache
def _to_float(bits: int):
    scale = 1 << bits
    return np.frompyfunc(lambda v: int(v) / scale, 1, 1)  # int / int rounds correctly


def _ints(values: np.ndarray, bits: int) -> np.ndarray:
    """Mantissas of float64 values (floor below 2**-bits)."""
    return np.asarray(_converter(bits)(np.asarray(values, dtype=float)), dtype=object)


@dataclass(frozen=True, eq=False)
class Fixed:
    """A numpy-like array of fixed-point complex numbers; ``im is None`` marks a real array.

    Both operands of a binary operation carry the same ``bits``."""

    re: np.ndarray
    im: np.ndarray | None = None
    bits: int = FRACTION_BITS

    @classmethod
    def from_complex(cls, values: np.ndarray | complex, bits: int = FRACTION_BITS) -> Fixed:
        values = np.asarray(values)
        if np.iscomplexobj(values):
            return cls(_ints(values.real, bits), _ints(values.imag, bits), bits)
        return cls(_ints(values, bits), None, bits)

    @classmethod
    def from_ints(cls, re: int, im: int | None = None, bits: int = FRACTION_BITS) -> Fixed:
        """A scalar from mantissas (value = mantissa / 2**bits)."""
        return cls(
            np.asarray(re, dtype=object),
            None if im is None else np.asarray(im, dtype=object),
            bits,
        )

    def _imag(self) -> np.ndarray:
        return np.zeros_like(self.re) if self.im is None else self.im

    def __add__(self, other: Fixed) -> Fixed:
        if self.im is None and other.im is None:
            return Fixed(self.re + other.re, None, self.bits)
        return Fixed(self.re + other.re, self._imag() + other._imag(), self.bits)

    def __sub__(self, other: Fixed) -> Fixed:
        if self.im is None and other.im is None:
            return Fixed(self.re - other.re, None, self.bits)
        return Fixed(self.re - other.re, self._imag() - other._imag(), self.bits)

    def __mul__(self, other: Fixed) -> Fixed:
        k = self.bits
        if other.im is None:
            im = None if self.im is None else (self.im * other.re) >> k
            return Fixed((self.re * other.re) >> k, im, k)
        if self.im is None:
            return other * self
        re = (self.re * other.re - self.im * other.im) >> k
        im = (self.re * other.im + self.im * other.re) >> k
        return Fixed(re, im, k)

    def conj(self) -> Fixed:
        return self if self.im is None else Fixed(self.re, -self.im, self.bits)

    def __getitem__(self, index) -> Fixed:
        return Fixed(self.re[index], None if self.im is None else self.im[index], self.bits)

    def __setitem__(self, index, value: Fixed) -> None:
        self.re[index] = value.re
        if self.im is not None:
            self.im[index] = value._imag()

    def sum(self, axis: int) -> Fixed:
        im = None if self.im is None else self.im.sum(axis=axis)
        return Fixed(self.re.sum(axis=axis), im, self.bits)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.re.shape

    def real_float(self) -> np.ndarray:
        """The real part as float64 (correctly rounded)."""
        return np.asarray(_to_float(self.bits)(self.re), dtype=float)


def sqrt_fixed(numerator: int, bits: int = FRACTION_BITS) -> int:
    """Mantissa of sqrt(numerator / 2**bits) for a non-negative mantissa (rounded down)."""
    return math.isqrt(numerator << bits)


@functools.cache
def inv_sqrt2(bits: int) -> int:
    """Mantissa of 1/sqrt(2) = cos(pi/4) = sin(pi/4), rounded down."""
    return sqrt_fixed(2 << bits, bits) // 2


SQRT2 = sqrt_fixed(2 * ONE)
INV_SQRT2 = inv_sqrt2(FRACTION_BITS)
COS_PI_8 = sqrt_fixed(2 * ONE + SQRT2) // 2  # cos(pi/8) = sqrt(2 + sqrt 2) / 2
SIN_PI_8 = sqrt_fixed(2 * ONE - SQRT2) // 2
