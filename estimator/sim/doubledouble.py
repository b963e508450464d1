"""Double-double arithmetic on numpy arrays: a value is hi + lo with |lo| <= ulp(hi) / 2.

About 106 significant bits (unit roundoff EPS = 2^-104 for the operations below) at a dozen
float64 operations per add and two dozen per multiply, all vectorised. The simulator's
second float tier (estimator.sim.simulator): where float64's 1e-16 cannot vouch for an
output error of 1e-20, double-double's 1e-32 can. Error-free transformations after Dekker
(1971) and Knuth (TAOCP 4.2.2); no fused multiply-add is assumed.

Operands mix freely with float64 arrays, which are exact double-double values (lo = 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np

EPS = 2.0**-104
"""Relative error bound of one add or multiply (a few units of 2^-106)."""
_SPLIT = 134217729.0  # 2^27 + 1


def _two_sum(a, b):
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


def _fast_two_sum(a, b):
    s = a + b
    return s, b - (s - a)


def _split(a):
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def _two_prod(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@dataclass(frozen=True, eq=False)
class DD:
    """An array of double-double numbers."""

    hi: np.ndarray
    lo: np.ndarray

    __array_ufunc__ = None  # numpy defers mixed operations to DD's reflected methods

    @classmethod
    def of(cls, value) -> DD:
        """A DD from a DD or (exactly) from float64 values."""
        if isinstance(value, DD):
            return value
        hi = np.asarray(value, dtype=float)
        return cls(hi, np.zeros_like(hi))

    @classmethod
    def from_ratio(cls, numerator: int, denominator: int) -> DD:
        """The scalar numerator / denominator, correctly rounded to double-double."""
        hi = numerator / denominator
        num, den = hi.as_integer_ratio()
        lo = (numerator * den - num * denominator) / (denominator * den)
        return cls(np.asarray(hi), np.asarray(lo))

    def __add__(self, other) -> DD:
        other = DD.of(other)
        s, e = _two_sum(self.hi, other.hi)
        t, f = _two_sum(self.lo, other.lo)
        s, e = _fast_two_sum(s, e + t)
        return DD(*_fast_two_sum(s, e + f))

    __radd__ = __add__

    def __neg__(self) -> DD:
        return DD(-self.hi, -self.lo)

    def __sub__(self, other) -> DD:
        return self + -DD.of(other)

    def __rsub__(self, other) -> DD:
        return DD.of(other) + -self

    def __mul__(self, other) -> DD:
        if isinstance(other, DD):
            p, e = _two_prod(self.hi, other.hi)
            e = e + (self.hi * other.lo + self.lo * other.hi)
        else:
            other = np.asarray(other, dtype=float)
            p, e = _two_prod(self.hi, other)
            e = e + self.lo * other
        return DD(*_fast_two_sum(p, e))

    __rmul__ = __mul__

    def _assign(self, value: DD) -> Self:
        self.hi[...] = value.hi
        self.lo[...] = value.lo
        return self

    def __iadd__(self, other) -> Self:
        return self._assign(self + other)

    def __isub__(self, other) -> Self:
        return self._assign(self - other)

    def __imul__(self, other) -> Self:
        return self._assign(self * other)

    def __getitem__(self, index) -> DD:
        return DD(self.hi[index], self.lo[index])

    def __setitem__(self, index, value) -> None:
        value = DD.of(value)
        self.hi[index] = value.hi
        self.lo[index] = value.lo

    @property
    def shape(self) -> tuple[int, ...]:
        return self.hi.shape

    def reshape(self, *shape) -> DD:
        return DD(self.hi.reshape(*shape), self.lo.reshape(*shape))

    def sum(self, axis: int = 0) -> DD:
        """Pairwise sum along ``axis``."""
        x = DD(np.moveaxis(self.hi, axis, 0), np.moveaxis(self.lo, axis, 0))
        while x.shape[0] > 1:
            half = x.shape[0] // 2
            rest = x[2 * half :]
            x = x[:half] + x[half : 2 * half]
            if rest.shape[0]:
                x = DD(np.concatenate([x.hi, rest.hi]), np.concatenate([x.lo, rest.lo]))
        return x[0] if x.shape[0] else DD.of(np.zeros(x.shape[1:]))

    def to_float(self) -> np.ndarray:
        return self.hi + self.lo
