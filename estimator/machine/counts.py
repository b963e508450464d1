"""Logical counts of an algorithm, with the keys of qdk's ``LogicalCounts``.

The same seven numbers Microsoft's resource estimator reads (Beverland et al. 2022,
arXiv:2211.07629, Sec. IV.A): qubits, T gates, arbitrary rotations and their depth, CCZ and CCiX
gates, single-qubit measurements. A JSON file or a TOML ``[machine.counts]`` table gives them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError
from estimator.inputs import read_text

KEYS = (
    "numQubits",
    "tCount",
    "rotationCount",
    "rotationDepth",
    "cczCount",
    "ccixCount",
    "measurementCount",
)
MAX_COUNT = 10**18
"""Largest count accepted (well above any published algorithm; float64 stays exact enough)."""


@dataclass(frozen=True)
class LogicalCounts:
    """An algorithm's logical counts (qdk's names in the docstring, ours as fields).

    Attributes:
        qubits: numQubits, algorithm qubits (before the data block's routing).
        t_count: tCount, T gates.
        rotations: rotationCount, arbitrary single-qubit rotations (synthesised from T gates).
        rotation_depth: rotationDepth, layers of rotations that run in parallel.
        ccz: cczCount; ccix: ccixCount (each consumes 4 T states).
        measurements: measurementCount, single-qubit measurements.
    """

    qubits: int
    t_count: int = 0
    rotations: int = 0
    rotation_depth: int = 0
    ccz: int = 0
    ccix: int = 0
    measurements: int = 0

    def qdk(self) -> dict[str, int]:
        """The counts under qdk's keys (what ``qdk.estimator.LogicalCounts`` takes)."""
        values = (self.qubits, self.t_count, self.rotations, self.rotation_depth)
        values += (self.ccz, self.ccix, self.measurements)
        return dict(zip(KEYS, values, strict=True))


def parse_counts(data: Any, *, field: str = "COUNTS") -> LogicalCounts:
    """Validated counts from a mapping with qdk's keys (absent keys other than numQubits are 0).

    Raises:
        ConfigError: not a table, an unknown key, a count that is not a whole number in
            [0, 1e18], numQubits < 1, rotations without depth or depth above the rotations.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(field, f"must be a table of counts with the keys {', '.join(KEYS)}")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{field}.{unknown[0]}", f"unknown key (known: {', '.join(KEYS)})")
    if "numQubits" not in data:
        raise ConfigError(f"{field}.numQubits", "missing (the algorithm's logical qubits)")
    values = [_count(data, key, field) for key in KEYS]
    counts = LogicalCounts(*values)
    if counts.qubits < 1:
        raise ConfigError(f"{field}.numQubits", f"must be at least 1, got {counts.qubits}")
    if counts.rotation_depth > counts.rotations:
        raise ConfigError(
            f"{field}.rotationDepth",
            f"must not exceed rotationCount ({counts.rotations}), got {counts.rotation_depth}",
        )
    if counts.rotations and not counts.rotation_depth:
        raise ConfigError(f"{field}.rotationDepth", "must be at least 1 when rotationCount > 0")
    return counts


def read_counts(path: str | Path) -> LogicalCounts:
    """Counts from a JSON file (an object with qdk's keys, or qdk's result with a
    ``logicalCounts`` object in it)."""
    text = read_text(Path(path), field="COUNTS")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as error:
        raise ConfigError("COUNTS", f"malformed JSON in {str(path)!r}: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("logicalCounts"), dict):
        data = data["logicalCounts"]
    return parse_counts(data)


def _count(data: Mapping[str, Any], key: str, field: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{field}.{key}", f"must be a whole number, got {value!r}")
    if not 0 <= value <= MAX_COUNT:
        raise ConfigError(f"{field}.{key}", f"must lie in [0, {MAX_COUNT:.0e}], got {value}")
    return value
