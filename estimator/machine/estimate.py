"""A machine: data block + factories for logical counts, its distance, qubits and runtime.

Rules (docs/model/machine.md):

- Time. One time step of a block lasts d code cycles. The data block needs
  steps x C time steps (C: logical operations in sequence, estimator.machine.budget), and no
  operation that waits for a measurement outcome can follow it faster than the reaction time
  t_r (classical decoding and feed-forward), so t_data = max(steps C d t_cycle, C t_r).
- Factories. A factory delivers ``outputs`` T states per successful run, a run lasting
  ``cycles`` code cycles (cycles per successful run: failed runs are included on average).
  The N_T states need ceil(N_T / outputs) runs; n_f factories do them in
  ceil(runs / n_f) rounds of whole runs, t_T = ceil(runs / n_f) cycles t_cycle (qdk's rule
  too). Runtime = max(t_data, t_T): when factories are short, the data block waits (and
  stores its qubits meanwhile).
- Distance. The smallest odd d at which the data block's logical error over the runtime,
  tiles x p_L(d) x (code cycles of the runtime), stays within the data share of the budget;
  p_L(d) per code cycle from the noise model (estimator/sim/noise.py), or, with the qdk rule,
  per logical cycle of d code cycles with qdk's constants (Beverland et al. 2022, Sec. IV.C).
- Qubits. tiles x 2 d^2 for the data block plus n_f times the factory's qubits (routing from
  the factories to the block is not counted, as in qdk).
- Error. data error + N_T p_out + the synthesis share: never above the budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.errors import ConfigError, ResourceError
from estimator.machine.blocks import DataBlock
from estimator.machine.budget import Demand, Split
from estimator.machine.counts import LogicalCounts
from estimator.machine.factories import Factory
from estimator.sim.noise import CONVENTIONS, NoiseModel

MAX_DISTANCE = 151
"""Largest data-block distance tried."""
MAX_FACTORIES = 100_000
"""Largest factory count tried (the search stops earlier, when more factories stop helping)."""


@dataclass(frozen=True)
class Rules:
    """How the data block's error is counted, p_L = prefactor (p / threshold)^((d + 1) / 2)
    per code cycle (``per = "cycle"``) or per logical cycle of d code cycles (``"step"``), and
    how T gates per rotation are rounded ("ceil" or "round", estimator.machine.budget)."""

    name: str
    prefactor: float
    threshold: float
    per: str
    rounding: str
    source: str


RULES: dict[str, Rules] = {
    r.name: r
    for r in (
        Rules(
            "ours",
            *CONVENTIONS["litinski2019"],
            "cycle",
            "ceil",
            "p_L per code cycle of estimator/sim/noise.py "
            "(Litinski 2019, arXiv:1905.06903, Eq. 7); "
            "T gates per rotation rounded up (Beverland et al. 2022, Sec. IV.A)",
        ),
        Rules(
            "qdk",
            *CONVENTIONS["beverland2022"],
            "step",
            "round",
            "qdk's surface code: 0.03 (p / 0.01)^((d + 1) / 2) per logical cycle "
            "(Beverland et al. 2022, arXiv:2211.07629, Sec. IV.C); T gates per rotation rounded "
            "to the nearest integer as qdk 1.33 does",
        ),
    )
}


@dataclass(frozen=True)
class Hardware:
    """Code-cycle time and reaction time, in microseconds."""

    cycle_us: float
    reaction_us: float
    profile: str


@dataclass(frozen=True)
class Machine:
    """One machine: its choices and its numbers."""

    block: DataBlock
    factory: Factory | None
    factories: int
    data_distance: int
    data_qubits: int
    factory_qubits: float
    runtime_s: float
    data_error: float
    tstate_error: float
    rotation_error: float

    @property
    def physical_qubits(self) -> float:
        return self.data_qubits + self.factory_qubits

    @property
    def logical_error(self) -> float:
        return self.data_error + self.tstate_error + self.rotation_error

    def record(self) -> dict[str, Any]:
        return {
            "physical_qubits": self.physical_qubits,
            "runtime_s": self.runtime_s,
            "factories": self.factories,
            "factory": None if self.factory is None else self.factory.record(),
            "data_block": self.block.name,
            "data_qubits": self.data_qubits,
            "factory_qubits": self.factory_qubits,
            "data_distance": self.data_distance,
            "logical_error": self.logical_error,
            "errors": {
                "data": self.data_error,
                "tstates": self.tstate_error,
                "rotations": self.rotation_error,
            },
        }


@dataclass(frozen=True)
class Problem:
    """Everything fixed before the search: counts, budget, noise, hardware, distance rule."""

    counts: LogicalCounts
    budget: float
    split: Split
    demand: Demand
    p_phys: float
    hardware: Hardware
    rule: Rules

    def p_logical(self, d: np.ndarray) -> np.ndarray:
        noise = NoiseModel(
            self.p_phys, prefactor=self.rule.prefactor, threshold=self.rule.threshold
        )
        return noise.p_logical(d)


def machines(problem: Problem, block: DataBlock, factory: Factory | None) -> list[Machine]:
    """The machines of one block and one factory, 1, 2, ... factories until more factories no
    longer shorten the runtime (or none, if the counts need no T states)."""
    need = problem.demand
    if need.t_states and factory is None:
        raise ConfigError("--sources", "the counts need T states but no factory was given")
    found: list[Machine] = []
    count = 0 if not need.t_states else 1
    hopeless = None
    while count <= MAX_FACTORIES:
        machine = _machine(problem, block, factory, count)
        if machine is None:  # no distance holds the data share (more factories: shorter runs)
            if hopeless is None:
                hopeless = (
                    not need.t_states or _machine(problem, block, factory, MAX_FACTORIES) is None
                )
            if hopeless:
                return found
            count += 1
            continue
        found.append(machine)
        if not need.t_states or machine.runtime_s <= _data_time(
            problem, block, machine.data_distance
        ):
            return found
        count += 1
    raise ResourceError(
        f"more than {MAX_FACTORIES} factories of {factory.title} would be needed; "
        "choose a faster factory source or a slower data block"
    )


def _data_time(problem: Problem, block: DataBlock, d: np.ndarray | int) -> np.ndarray:
    hw, ops = problem.hardware, problem.demand.operations
    step = block.steps * ops * np.asarray(d, dtype=float) * hw.cycle_us
    return np.maximum(step, ops * hw.reaction_us) * 1e-6


def _machine(
    problem: Problem, block: DataBlock, factory: Factory | None, count: int
) -> Machine | None:
    """The machine with ``count`` factories at the smallest distance that keeps the data
    block's error within its share (None: no distance up to MAX_DISTANCE does)."""
    need, hw = problem.demand, problem.hardware
    d = np.arange(3, MAX_DISTANCE + 1, 2)
    runtime = _data_time(problem, block, d)
    if count:
        runs = math.ceil(math.ceil(need.t_states / factory.outputs) / count)
        runtime = np.maximum(runtime, runs * factory.cycles * hw.cycle_us * 1e-6)
    cycles = runtime * 1e6 / hw.cycle_us
    periods = cycles if problem.rule.per == "cycle" else cycles / d
    tiles = block.tiles(problem.counts.qubits)
    error = tiles * problem.p_logical(d) * periods
    t_error = need.t_states * factory.p_out if count else 0.0
    ok = np.flatnonzero(error <= need.data_share(t_error))
    if not ok.size:
        return None
    i = int(ok[0])
    return Machine(
        block,
        factory if count else None,
        count,
        int(d[i]),
        block.qubits(problem.counts.qubits, int(d[i])),
        count * factory.qubits if count else 0.0,
        float(runtime[i]),
        float(error[i]),
        t_error,
        need.eps_rotations if need.t_per_rotation else 0.0,
    )


def search(
    problem: Problem, blocks: tuple[DataBlock, ...], factories: list[Factory]
) -> list[Machine]:
    """Every machine over blocks, factories and factory counts."""
    if problem.demand.t_states and not factories:
        raise ConfigError(
            "--sources",
            f"no factory of the sources reaches {problem.demand.cap:.3g} per T state at "
            f"p = {problem.p_phys:g}; "
            "add the source plan, or raise the budget or its T-state share",
        )
    options = factories if problem.demand.t_states else [None]
    found = [m for b in blocks for f in options for m in machines(problem, b, f)]
    if not found:
        raise ConfigError(
            "--budget",
            f"no data block keeps its error within its share at any distance up to "
            f"{MAX_DISTANCE} at p = {problem.p_phys:g}",
        )
    return found


def pareto(found: list[Machine]) -> list[Machine]:
    """The machines no other beats in both physical qubits and runtime, fewest qubits first."""
    ordered = sorted(found, key=lambda m: (m.physical_qubits, m.runtime_s))
    front, best = [], math.inf
    for m in ordered:
        if m.runtime_s < best:
            front.append(m)
            best = m.runtime_s
    return front


def fewest_qubits_within(found: list[Machine], max_runtime_s: float) -> Machine:
    """The machine with the fewest physical qubits that finishes within max_runtime_s."""
    within = [m for m in found if m.runtime_s <= max_runtime_s]
    if not within:
        fastest = min(m.runtime_s for m in found)
        raise ConfigError(
            "--max-runtime",
            f"no machine finishes within {max_runtime_s:g} s (fastest: {fastest:.4g} s)",
        )
    return min(within, key=lambda m: (m.physical_qubits, m.runtime_s))


def fastest_within(found: list[Machine], max_qubits: float) -> Machine:
    """The fastest machine with at most max_qubits physical qubits."""
    within = [m for m in found if m.physical_qubits <= max_qubits]
    if not within:
        fewest = min(m.physical_qubits for m in found)
        raise ConfigError(
            "--max-qubits", f"no machine fits in {max_qubits:g} qubits (fewest: {fewest:,.0f})"
        )
    return min(within, key=lambda m: (m.runtime_s, m.physical_qubits))
