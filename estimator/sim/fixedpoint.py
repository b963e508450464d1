"""Exact-enough complex arithmetic: fixed-point numbers with Python-int mantissas.

A value is (re + i im) / 2**FRACTION_BITS with ``re`` and ``im`` held in numpy object arrays
of Python ints, so every operation is exact up to one unit in the last place (2**-192, about
1.6e-58). This is the arbitrary-precision path of the simulator (MODEL.md section 12): an
output error of 1e-30 keeps more than 25 correct digits. Arrays broadcast like numpy's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FRACTION_BITS = 192
ONE = 1 << FRACTION_BITS

_to_int = np.frompyfunc(lambda v: int(math.ldexp(v, FRACTION_BITS)), 1, 1)
_to_float = np.frompyfunc(lambda v: math.ldexp(float(v), -FRACTION_BITS), 1, 1)


def _ints(values: np.ndarray) -> np.ndarray:
    """Exact conversion of float64 values to fixed-point mantissas (truncation below 2**-192)."""
    return np.asarray(_to_int(np.asarray(values, dtype=float)), dtype=object)


@dataclass(frozen=True, eq=False)
class Fixed:
    """A numpy-like array of fixed-point complex numbers; ``im is None`` marks a real array."""

    re: np.ndarray
    im: np.ndarray | None = None

    @classmethod
    def from_complex(cls, values: np.ndarray | complex) -> Fixed:
        values = np.asarray(values)
        if np.iscomplexobj(values):
            return cls(_ints(values.real), _ints(values.imag))
        return cls(_ints(values))

    @classmethod
    def from_ints(cls, re: int, im: int | None = None) -> Fixed:
        """A scalar from mantissas (value = mantissa / 2**FRACTION_BITS)."""
        return cls(
            np.asarray(re, dtype=object), None if im is None else np.asarray(im, dtype=object)
        )

    def _imag(self) -> np.ndarray:
        return np.zeros_like(self.re) if self.im is None else self.im

    def __add__(self, other: Fixed) -> Fixed:
        if self.im is None and other.im is None:
            return Fixed(self.re + other.re)
        return Fixed(self.re + other.re, self._imag() + other._imag())

    def __sub__(self, other: Fixed) -> Fixed:
        if self.im is None and other.im is None:
            return Fixed(self.re - other.re)
        return Fixed(self.re - other.re, self._imag() - other._imag())

    def __mul__(self, other: Fixed) -> Fixed:
        k = FRACTION_BITS
        if other.im is None:
            im = None if self.im is None else (self.im * other.re) >> k
            return Fixed((self.re * other.re) >> k, im)
        if self.im is None:
            return other * self
        re = (self.re * other.re - self.im * other.im) >> k
        im = (self.re * other.im + self.im * other.re) >> k
        return Fixed(re, im)

    def conj(self) -> Fixed:
        return self if self.im is None else Fixed(self.re, -self.im)

    def __getitem__(self, index) -> Fixed:
        return Fixed(self.re[index], None if self.im is None else self.im[index])

    def __setitem__(self, index, value: Fixed) -> None:
        self.re[index] = value.re
        if self.im is not None:
            self.im[index] = value._imag()

    def sum(self, axis: int) -> Fixed:
        return Fixed(self.re.sum(axis=axis), None if self.im is None else self.im.sum(axis=axis))

    @property
    def shape(self) -> tuple[int, ...]:
        return self.re.shape

    def real_float(self) -> np.ndarray:
        """The real part as float64 (correctly rounded)."""
        return np.asarray(_to_float(self.re), dtype=float)


def sqrt_fixed(numerator: int) -> int:
    """Mantissa of sqrt(numerator / 2**FRACTION_BITS) for a non-negative mantissa."""
    return math.isqrt(numerator << FRACTION_BITS)


SQRT2 = sqrt_fixed(2 * ONE)
INV_SQRT2 = SQRT2 // 2
COS_PI_8 = sqrt_fixed(2 * ONE + SQRT2) // 2  # cos(pi/8) = sqrt(2 + sqrt 2) / 2
SIN_PI_8 = sqrt_fixed(2 * ONE - SQRT2) // 2
