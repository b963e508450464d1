"""Resource limits, checked from the sizes of a request before any work is allocated.

Every entry point that can grow without bound (simulation of many qubits, large grids,
concatenation searches, pattern counting) estimates its memory and time from the sizes it is
given and calls ``require``; over a limit it raises a one-line ResourceError that says what to
change. The limits are per run: the CLI sets them from ``--max-memory`` and ``--max-seconds``
with ``using``; library callers get the defaults.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from estimator.errors import ResourceError

GIB = 2**30


@dataclass(frozen=True)
class Limits:
    """Largest estimated memory (bytes) and time (seconds) one request may take."""

    max_memory_bytes: float = 8 * GIB
    max_seconds: float = 3600.0


DEFAULT = Limits()
_CURRENT: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("msd_limits", default=None)


def current() -> Limits:
    """The limits in force."""
    return _CURRENT.get() or DEFAULT


@contextlib.contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Run a block under ``limits``."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def require(*, what: str, memory_bytes: float = 0.0, seconds: float = 0.0, change: str) -> None:
    """ResourceError unless the estimates fit the current limits.

    Args:
        what: the request, e.g. "simulating 32 qubits".
        memory_bytes, seconds: its estimated peak memory and run time.
        change: what the user can change, e.g. "use a protocol with at most 16 qubits".
    """
    limits = current()
    if memory_bytes > limits.max_memory_bytes:
        raise ResourceError(
            f"{what} needs about {_bytes(memory_bytes)} of memory, over the limit of "
            f"{_bytes(limits.max_memory_bytes)} (--max-memory); {change}"
        )
    if seconds > limits.max_seconds:
        raise ResourceError(
            f"{what} would take about {_seconds(seconds)}, over the limit of "
            f"{_seconds(limits.max_seconds)} (--max-seconds); {change}"
        )


def _bytes(value: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", GIB), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} bytes"


def _seconds(value: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.3g} s"
