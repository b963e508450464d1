"""A machine request: from CLI options or a TOML ``[machine]`` table, validated.

``[machine]`` keys (each also a CLI option, which wins): ``counts`` (a table with qdk's
keys) or ``counts_file`` (JSON, relative to the config), ``p_phys``, ``budget``, ``profile`` or
``cycle_time_us``, ``reaction_time_us``, ``split`` (three shares), ``blocks``, ``sources``,
``rules``, ``max_qubits``, ``max_runtime_s``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError
from estimator.machine.blocks import BLOCKS, DataBlock, parse_blocks
from estimator.machine.budget import Split, parse_split
from estimator.machine.counts import LogicalCounts, parse_counts, read_counts
from estimator.machine.estimate import RULES, Hardware

KEYS = (
    "counts",
    "counts_file",
    "p_phys",
    "budget",
    "profile",
    "cycle_time_us",
    "reaction_time_us",
    "split",
    "blocks",
    "sources",
    "rules",
    "max_qubits",
    "max_runtime_s",
)
FILE_KEYS = ("counts", "counts_file")
"""Keys of ``[machine]`` that name the logical counts; the command line gives them as COUNTS."""
REACTION_US = 10.0
"""Default reaction time (decoding and feed-forward of one measurement outcome): the 10 us of
Gidney and Ekera 2021 (Quantum 5, 433) and Fowler and Gidney 2018 (arXiv:1808.06709)."""
DEFAULT_SOURCES = ("table1", "plan-table1")
THRESHOLD = 0.01
"""p_phys must lie below the threshold of both distance rules (estimator.machine.estimate)."""


@dataclass(frozen=True)
class Request:
    """A validated machine request."""

    counts: LogicalCounts
    p_phys: float
    budget: float
    hardware: Hardware
    split: Split
    blocks: tuple[DataBlock, ...]
    sources: tuple[str, ...]
    rules: str
    max_qubits: float | None = None
    max_runtime_s: float | None = None


def build(values: Mapping[str, Any], *, base: Path | None = None) -> Request:
    """A request from merged values (config table, then CLI options); missing p_phys or
    budget, unknown keys and bad values are ConfigErrors naming the key."""
    from estimator.config.hardware import PROFILES

    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise ConfigError(f"machine.{unknown[0]}", f"unknown key (known: {', '.join(KEYS)})")
    counts = _counts(values, base)
    p_phys = _number(values, "p_phys", low=0, high=THRESHOLD)
    budget = _number(values, "budget", low=0, high=1)
    if "cycle_time_us" in values and values["cycle_time_us"] is not None:
        cycle, profile = _number(values, "cycle_time_us", low=0, high=math.inf), "custom"
    else:
        profile = values.get("profile") or "superconducting"
        if profile not in PROFILES:
            raise ConfigError(
                "profile", f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}"
            )
        cycle = PROFILES[profile].cycle_time_us
    reaction = REACTION_US
    if values.get("reaction_time_us") is not None:
        reaction = _number(values, "reaction_time_us", low=0, high=math.inf, zero=True)
    rules = values.get("rules") or "ours"
    if rules not in RULES:
        raise ConfigError("rules", f"unknown rules {rules!r}; choose one of: {', '.join(RULES)}")
    split = parse_split(values.get("split") or "auto", counts, field="split")
    blocks = parse_blocks(values.get("blocks") or list(BLOCKS), field="blocks")
    sources = values.get("sources") or DEFAULT_SOURCES
    sources = (
        tuple(s.strip() for s in sources.split(",")) if isinstance(sources, str) else tuple(sources)
    )
    limits = {k: values.get(k) for k in ("max_qubits", "max_runtime_s")}
    if all(v is not None for v in limits.values()):
        raise ConfigError("max_qubits", "give max_qubits or max_runtime_s, not both")
    for key, value in limits.items():
        if value is not None:
            limits[key] = _number(values, key, low=0, high=math.inf)
    return Request(
        counts,
        p_phys,
        budget,
        Hardware(cycle, reaction, profile),
        split,
        blocks,
        sources,
        rules,
        **limits,
    )


def _counts(values: Mapping[str, Any], base: Path | None) -> LogicalCounts:
    if "counts" in values and "counts_file" in values:
        raise ConfigError("counts", "give counts or counts_file, not both")
    if "counts" in values:
        return parse_counts(values["counts"], field="counts")
    if "counts_file" in values:
        name = values["counts_file"]
        if not isinstance(name, str):
            raise ConfigError("counts_file", f"must be a file name, got {name!r}")
        return read_counts((base or Path.cwd()) / name)
    raise ConfigError("counts", "missing (a table of qdk's logical counts, or counts_file)")


def _number(
    values: Mapping[str, Any], key: str, *, low: float, high: float, zero: bool = False
) -> float:
    """values[key] in (low, high) ([low, high) with ``zero``)."""
    if values.get(key) is None:
        raise ConfigError(key, "missing")
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, f"must be a number, got {value!r}")
    inside = (low <= value if zero else low < value) and value < high
    if not (inside and math.isfinite(value)):
        opening = "[" if zero else "("
        raise ConfigError(key, f"must lie in {opening}{low:g}, {high:g}), got {value!r}")
    return float(value)
