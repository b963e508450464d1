"""Compare a computed number with a value as a paper prints it, at the printed digits.

A printed value is kept as its text ("4.0e1", "0.991", "9477"): a number with a decimal
point or an exponent is reproduced when ours rounds to it at its significant digits; an
integer without either is a count or a rounded whole number, reproduced when ours rounds
to it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from estimator.errors import ConfigError

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_printed(text: str, *, field: str = "paper") -> tuple[Decimal, int | None]:
    """The value and significant digits of a printed number (None for a plain integer).

    >>> [(float(v), n) for v, n in map(parse_printed, ("4.0e1", "0.991", "9477"))]
    [(40.0, 2), (0.991, 3), (9477.0, None)]
    """
    if not isinstance(text, str) or not _NUMBER.match(text.strip()):
        raise ConfigError(field, f"a printed value must be a number as text, got {text!r}")
    value = Decimal(text.strip())
    mantissa = text.strip().lower().split("e")[0].lstrip("+-")
    if "." not in mantissa and "e" not in text.lower():
        return value, None
    digits = mantissa.replace(".", "").lstrip("0")
    return value, max(len(digits), 1)


def round_like(ours: float, printed: str) -> str:
    """``ours`` written with the printed value's digits.

    >>> round_like(39.654, "4.0e1"), round_like(160.91, "161"), round_like(3.30e-11, "3.2e-11")
    ('4.0e1', '161', '3.3e-11')
    """
    _, digits = parse_printed(printed)
    if digits is None:
        return str(int(Decimal(repr(float(ours))).quantize(Decimal(1), ROUND_HALF_EVEN)))
    text = f"{ours:.{digits - 1}e}"
    mantissa, exponent = text.split("e")
    if "e" in printed.lower():
        return f"{mantissa}e{int(exponent)}"
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:  # pragma: no cover - float text is always a valid Decimal
        return text


def reproduces(ours: float, printed: str) -> bool:
    """Whether ``ours`` rounds to the printed value at its digits.

    >>> reproduces(2.926e-9, "2.9e-9"), reproduces(1.1602e-7, "1.6e-7"), reproduces(990, "990")
    (True, False, True)
    """
    value, _ = parse_printed(printed)
    return Decimal(round_like(ours, printed)) == value
