"""Hardware time: code cycles as wall-clock time, factory throughput, factories a computation needs.

A factory's cost comes out in code cycles (docs/model/costs.md: cycles per successful run). The
optional ``[hardware]`` table of a config gives the duration of one code cycle (a named profile
citing its source, or ``cycle_time_us``), and optionally the machine's physical qubits and the
T-state demand of a computation (``needed_t_per_s``, or ``t_count`` within ``time_budget_s``).
From these: time per run, output states and T states per second of one factory, and how many
factories the computation needs and what fraction of the machine they occupy.
A CCZ state counts as 4 T states (``Protocol.t_count_per_run``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.errors import ConfigError


@dataclass(frozen=True)
class CycleTime:
    """Duration of one surface-code cycle (all check operators measured once) and its source."""

    profile: str
    cycle_time_us: float
    source: str


PROFILES: dict[str, CycleTime] = {
    p.profile: p
    for p in (
        CycleTime(
            "superconducting",
            1.0,
            "1 us surface-code cycle of A. G. Fowler and C. Gidney, arXiv:1808.06709 (2018) and "
            "C. Gidney and M. Ekera, Quantum 5, 433 (2021)",
        ),
        CycleTime(
            "google-willow",
            1.1,
            "measured 1.1 us cycle of Google Quantum AI, 'Quantum error correction below the "
            "surface code threshold', Nature 638, 920 (2025), arXiv:2408.13687",
        ),
        CycleTime(
            "gate-ns",
            0.4,
            "Microsoft resource estimator qubit_gate_ns (50 ns gates, 100 ns measurement; "
            "M. E. Beverland et al., arXiv:2211.07629) with its surface-code cycle of 4 two-qubit "
            "gate times + 2 measurement times",
        ),
        CycleTime(
            "gate-us",
            600.0,
            "Microsoft resource estimator qubit_gate_us, ion-like (100 us gates and measurement; "
            "M. E. Beverland et al., arXiv:2211.07629) with its surface-code cycle of 4 two-qubit "
            "gate times + 2 measurement times",
        ),
    )
}
"""Named code-cycle times, each with the publication it comes from."""

KEYS = ("profile", "cycle_time_us", "machine_qubits", "needed_t_per_s", "t_count", "time_budget_s")


@dataclass(frozen=True)
class Hardware:
    """A validated ``[hardware]`` table.

    Attributes:
        cycle: the code-cycle time and where it comes from.
        machine_qubits: physical qubits of the whole machine (None: not given).
        needed_t_per_s: T states per second the computation consumes (None: not given);
            from ``t_count / time_budget_s`` when those are given instead.
    """

    cycle: CycleTime
    machine_qubits: float | None = None
    needed_t_per_s: float | None = None

    def inputs(self) -> dict[str, Any]:
        """The table as echoed in records (units in the names)."""
        echo: dict[str, Any] = {
            "profile": self.cycle.profile,
            "cycle_time_us": self.cycle.cycle_time_us,
        }
        if self.machine_qubits is not None:
            echo["machine_qubits"] = self.machine_qubits
        if self.needed_t_per_s is not None:
            echo["needed_t_per_s"] = self.needed_t_per_s
        return echo


@dataclass(frozen=True)
class FactoryTime:
    """Wall-clock figures of a factory, arrays over a parameter grid.

    Attributes:
        run_time_us: time of one successful run (cycles x cycle time).
        time_per_output_us, time_per_t_us: run time per output state and per T state (the
            time cost per output, as qubitcycles are per output).
        outputs_per_s: output states per second of one factory.
        t_per_s: T states per second of one factory (a CCZ state counts as 4).
        factories: factories that supply ``needed_t_per_s`` (None without a demand).
        factory_qubits: physical qubits of those factories.
        machine_fraction: factory_qubits / machine_qubits (None without machine_qubits).
    """

    run_time_us: np.ndarray
    time_per_output_us: np.ndarray
    time_per_t_us: np.ndarray
    outputs_per_s: np.ndarray
    t_per_s: np.ndarray
    factories: np.ndarray | None = None
    factory_qubits: np.ndarray | None = None
    machine_fraction: np.ndarray | None = None


def parse_hardware(table: Mapping[str, Any]) -> Hardware | None:
    """The ``[hardware]`` table of a config (None when absent or empty).

    ``cycle_time_us`` (a number; the profile is then "custom") takes precedence over
    ``profile`` (a name in PROFILES)."""
    if not table:
        return None
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"hardware.{unknown[0]}", f"unknown key (known: {', '.join(KEYS)})")
    if "profile" not in table and "cycle_time_us" not in table:
        raise ConfigError(
            "hardware", "give a profile (one of: " + ", ".join(PROFILES) + ") or cycle_time_us"
        )
    profile = table.get("profile")
    if profile is not None and (not isinstance(profile, str) or profile not in PROFILES):
        raise ConfigError(
            "hardware.profile",
            f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}, "
            "or give cycle_time_us",
        )
    if "cycle_time_us" in table:
        source = "cycle_time_us given in the config"
        if profile is not None:
            source += f" (overrides profile {profile!r})"
        cycle = CycleTime("custom", _positive(table, "cycle_time_us"), source)
    else:
        cycle = PROFILES[profile]
    machine = _positive(table, "machine_qubits") if "machine_qubits" in table else None
    return Hardware(cycle, machine, _demand(table))


def factory_time(
    hardware: Hardware,
    *,
    cycles: np.ndarray,
    qubits: np.ndarray,
    outputs: int,
    t_count_per_run: int,
) -> FactoryTime:
    """Time per run, throughput and, given a demand, the factories it needs.

    ``cycles`` are code cycles per successful run (docs/model/costs.md, failed runs included), so
    one factory delivers ``outputs`` states (``t_count_per_run`` T states) every
    cycles x cycle_time_us. The demand needs ceil(needed_t_per_s / t_per_s) factories.
    """
    run_time_us = np.asarray(cycles, dtype=float) * hardware.cycle.cycle_time_us
    runs_per_s = 1e6 / run_time_us
    t_per_s = t_count_per_run * runs_per_s
    times = {
        "run_time_us": run_time_us,
        "time_per_output_us": run_time_us / outputs,
        "time_per_t_us": run_time_us / t_count_per_run,
        "outputs_per_s": outputs * runs_per_s,
        "t_per_s": t_per_s,
    }
    if hardware.needed_t_per_s is None:
        return FactoryTime(**times)
    factories = np.ceil(hardware.needed_t_per_s / t_per_s)
    factory_qubits = factories * np.asarray(qubits, dtype=float)
    fraction = None
    if hardware.machine_qubits is not None:
        fraction = factory_qubits / hardware.machine_qubits
    return FactoryTime(
        **times, factories=factories, factory_qubits=factory_qubits, machine_fraction=fraction
    )


RANGES = {
    "cycle_time_us": (1e-6, 1e7),
    "machine_qubits": (1.0, 1e15),
    "needed_t_per_s": (1e-30, 1e15),
    "t_count": (1.0, 1e30),
    "time_budget_s": (1e-9, 1e15),
}
"""Accepted values of each number of [hardware]: a code cycle from 1 ps to 10 s, machines and
demands far beyond any proposal, but every derived time and rate finite and non-zero."""


def _positive(table: Mapping[str, Any], key: str) -> float:
    """The number ``table[key]``, or ConfigError with its range (RANGES)."""
    value = table[key]
    low, high = RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"hardware.{key}", f"must be a number, got {value!r}")
    if not low <= value <= high:
        raise ConfigError(
            f"hardware.{key}", f"must be a number in [{low:g}, {high:g}], got {value!r}"
        )
    return float(value)


def _demand(table: Mapping[str, Any]) -> float | None:
    """T states per second: ``needed_t_per_s``, or ``t_count / time_budget_s``."""
    budget = [k for k in ("t_count", "time_budget_s") if k in table]
    if "needed_t_per_s" in table:
        if budget:
            raise ConfigError(
                f"hardware.{budget[0]}",
                "give needed_t_per_s or t_count and time_budget_s, not both",
            )
        return _positive(table, "needed_t_per_s")
    if not budget:
        return None
    if len(budget) == 1:
        missing = ({"t_count", "time_budget_s"} - set(budget)).pop()
        raise ConfigError(f"hardware.{missing}", f"missing: {budget[0]} needs {missing} too")
    demand = _positive(table, "t_count") / _positive(table, "time_budget_s")
    low, high = RANGES["needed_t_per_s"]
    if not low <= demand <= high:
        raise ConfigError(
            "hardware.t_count",
            f"t_count / time_budget_s = {demand:.3g} T states per second; must lie in "
            f"[{low:g}, {high:g}]",
        )
    return demand
