"""Polynomials over GF(2) as Python ints (bit i = coefficient of x^i), parsed from text.

Used for cyclic codes: the quantum BCH codes of Haah et al. 2018, Table 2 are given by
a generator polynomial g(x) dividing x^n + 1 (docs/model/inner-outer.md).
"""

from __future__ import annotations

import re

import numpy as np

from estimator.errors import ConfigError

_TERM = re.compile(r"^(?:1|x|x\^(\d+))$")


def parse_polynomial(text: str, *, field: str = "g(x)", max_degree: int = 10**5) -> int:
    """Parse "x^10+x^7+x+1" into its coefficient bits; ConfigError naming ``field`` if malformed.

    Terms are 1, x or x^N (N <= max_degree) joined by '+' (spaces ignored); a repeated term is
    an error rather than silently cancelled.

    >>> bin(parse_polynomial("x^5 + x^2 + 1"))
    '0b100101'
    """
    compact = text.replace(" ", "")
    if not compact:
        raise ConfigError(field, "empty polynomial; write it as e.g. x^5+x^2+1")
    value = 0
    for term in compact.split("+"):
        match = _TERM.match(term)
        if not match:
            raise ConfigError(
                field, f"term {term!r} of {text!r} is not 1, x or x^N; write e.g. x^5+x^2+1"
            )
        exponent = 0 if term == "1" else int(match.group(1) or 1)
        if exponent > max_degree:
            raise ConfigError(field, f"term {term!r} has a degree above {max_degree}")
        if value >> exponent & 1:
            raise ConfigError(field, f"term {term!r} appears twice in {text!r}")
        value |= 1 << exponent
    return value


def format_polynomial(value: int) -> str:
    """The text form parse_polynomial reads, highest power first.

    >>> format_polynomial(0b100101)
    'x^5+x^2+1'
    """
    if value <= 0:
        return "0"
    terms = [
        "1" if e == 0 else "x" if e == 1 else f"x^{e}"
        for e in range(value.bit_length() - 1, -1, -1)
        if value >> e & 1
    ]
    return "+".join(terms)


def degree(value: int) -> int:
    """Degree of a nonzero polynomial."""
    return value.bit_length() - 1


def divmod_poly(a: int, b: int) -> tuple[int, int]:
    """Quotient and remainder of a / b over GF(2).

    >>> divmod_poly((1 << 31) | 1, 0b100101)[1]  # x^5 + x^2 + 1 divides x^31 + 1
    0
    """
    if b <= 0:
        raise ZeroDivisionError("division by the zero polynomial")
    quotient, db = 0, degree(b)
    while a and degree(a) >= db:
        shift = degree(a) - db
        quotient |= 1 << shift
        a ^= b << shift
    return quotient, a


def cyclic_generator_matrix(generator: int, n: int) -> np.ndarray:
    """Rows x^i g(x), i = 0 .. n - 1 - deg g: a basis of the length-n cyclic code of g(x).

    >>> cyclic_generator_matrix(0b1011, 7).tolist()[0]
    [1, 1, 0, 1, 0, 0, 0]
    """
    rows = n - degree(generator)
    bits = np.array([generator >> j & 1 for j in range(degree(generator) + 1)], dtype=np.uint8)
    matrix = np.zeros((rows, n), dtype=np.uint8)
    for i in range(rows):
        matrix[i, i : i + bits.size] = bits
    return matrix
