"""Blocks of the design space as level specs, and their batched evaluation.

A ``BlockOption`` becomes a LevelSpec (layout, schedule) at a level. Published layouts run
their published schedule without the departures of docs/model/published-schedules.md ("consistent"); other blocks
run a CP-SAT schedule (layouts.scheduler), solved for the screen at a representative point
and again, for the finalists, at their own distances. Batches are evaluated with the engine
of estimator.factory (docs/model/ rules, exact simulation); points whose error probabilities
leave the model (a channel above ``ERROR_CAP``) are dropped before simulating.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from estimator.circuits.protocols import builtin_protocols
from estimator.factory import LevelSpec, level_one
from estimator.planning.space import BlockOption
from estimator.sim.channels import BitFlip
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import simulate
from layouts.error_terms import Level, PortSupply
from layouts.layout import LAYOUTS, Distances, Layout
from layouts.schedule import Schedule, published_schedule

ERROR_CAP = 0.2
"""Points where any single channel errs with a larger probability are not costed (they fail
most runs and cannot be among the best)."""
SCREEN_WORK = 2.0
"""CP-SAT budget (deterministic seconds) of a screening schedule."""
FINAL_WORK = 5.0
"""CP-SAT budget of a finalist's schedule (the default of layouts.scheduler)."""


@dataclass(frozen=True)
class Block:
    """A block option made concrete: its level spec (distances are a placeholder) and, for a
    CP-SAT schedule, the solver's record."""

    option: BlockOption
    level: int
    spec: LevelSpec
    solver: dict | None


def layout_for(option: BlockOption, level: int) -> Layout:
    protocol = builtin_protocols()[option.protocol]
    if option.layout == "auto":
        from layouts.planner import plan_layout

        return plan_layout(protocol, level=level, regions=option.regions)
    return LAYOUTS[option.layout](protocol.n_qubits, protocol.outputs)


def representative(noise: NoiseModel, level: int) -> Distances:
    """Distances at which a screening CP-SAT schedule is solved: those of Litinski 2019, Table 1 at
    comparable p (docs/model/costs.md)."""
    high = float(noise.p_phys) >= 5e-4
    if level == 1:
        return Distances(13, 5, 5) if high else Distances(9, 3, 3)
    return Distances(25, 11, 11) if high else Distances(25, 9, 9)


def solve(
    option: BlockOption,
    level: int,
    layout: Layout,
    noise: NoiseModel,
    d: Distances,
    *,
    work: float,
    tau: float | None = None,
    feed: PortSupply | None = None,
) -> tuple[Schedule, dict]:
    """A CP-SAT schedule (class cache, deterministic budget) and the solver's record. Every
    output is consumed after the schedule's last step (``consumption = "deferred"``): it
    leaves once every check has been measured, through a free region
    (docs/model/consumption-and-supply.md; Litinski 2019: a run's outputs are kept only when
    all checks pass), so that no plan rests on an output handed out before post-selection."""
    from layouts.scheduler import schedule_cpsat

    result = schedule_cpsat(
        builtin_protocols()[option.protocol],
        layout,
        level=level,
        d=d,
        noise=noise,
        time_limit=work,
        tau=tau,
        feed=feed,
        consumption="deferred",
    )
    return result.schedule, result.record()


def block(option: BlockOption, level: int, noise: NoiseModel) -> Block:
    """The screening form of a block option (representative CP-SAT solve where needed)."""
    key = (option, level, float(noise.p_phys), float(noise.p_t))
    if key not in _BLOCKS:
        protocol = builtin_protocols()[option.protocol]
        layout = layout_for(option, level)
        d = representative(noise, level)
        if option.schedule == "cpsat":
            schedule, solver = solve(option, level, layout, noise, d, work=SCREEN_WORK)
        else:
            schedule = published_schedule(
                level, option.protocol, option.layout, variant="consistent"
            )
            solver = None
        _BLOCKS[key] = Block(option, level, LevelSpec(protocol, layout, schedule, d), solver)
    return _BLOCKS[key]


_BLOCKS: dict[tuple, Block] = {}
"""Screening blocks of the current plan (estimator.planning.run.plan clears them)."""


def clear_blocks() -> None:
    """Forget the screening blocks (their representative CP-SAT schedules)."""
    _BLOCKS.clear()


def check_only_steps(spec: LevelSpec) -> tuple[bool, ...]:
    """Steps whose rotations touch check patches only: their errors are caught at first order,
    so they may run at a lower d_m (extension E2)."""
    outputs = set(spec.protocol.outputs)
    return tuple(
        not any(outputs & set(p.rotation.support) for p in step) for step in spec.schedule.steps
    )


def step_distances(spec: LevelSpec, d_m: np.ndarray, d_m_low: np.ndarray) -> tuple:
    """Per-step d_m: d_m_low in the check-only steps, d_m elsewhere (empty when equal)."""
    if np.all(d_m_low == d_m):
        return ()
    return tuple(d_m_low if low else d_m for low in check_only_steps(spec))


def valid(level: Level) -> np.ndarray:
    """Points where every channel's error probability is at most ERROR_CAP."""
    worst = None
    for channel in level.channels():
        p = np.asarray(channel.p if isinstance(channel, BitFlip) else channel.q, float)
        worst = p if worst is None else np.maximum(worst, p)
    return np.asarray(worst <= ERROR_CAP)


def subset(d: Distances, keep: np.ndarray) -> Distances:
    """The points ``keep`` (a boolean mask) of a batch of distances."""

    def take(v):
        a = np.asarray(v, float)
        return a[keep] if a.ndim else a

    return d.map(take)


@dataclass(frozen=True)
class LevelOneTable:
    """Evaluated one-level factories of one block over a grid of distances.

    Arrays (one entry per valid point): d_x, d_z, d_m, d_m_low (d_m of the check-only steps),
    p_out (per state), p_fail, cycles (per successful run), qubits, column (row width, the
    factory's length along a routing column, docs/model/two-level.md).
    """

    block: Block
    d_x: np.ndarray
    d_z: np.ndarray
    d_m: np.ndarray
    d_m_low: np.ndarray
    p_out: np.ndarray
    p_fail: np.ndarray
    cycles: np.ndarray
    qubits: np.ndarray
    column: np.ndarray

    @property
    def outputs(self) -> int:
        return self.block.spec.protocol.outputs_per_run

    def distances(self, i: int) -> Distances:
        d_m, low = float(self.d_m[i]), float(self.d_m_low[i])
        steps = step_distances(self.block.spec, np.asarray(d_m), np.asarray(low))
        return Distances(
            float(self.d_x[i]), float(self.d_z[i]), d_m, d_m_step=tuple(float(v) for v in steps)
        )


def least_d_m(noise: NoiseModel) -> int:
    """The least d_m whose merges were checked at circuit level at the noise's p_phys (3 where
    the limits say nothing; estimator.calibration.validity)."""
    from estimator.calibration.validity import load_limits

    return load_limits().least_d_m(float(np.max(noise.p_phys))) or 3


def level_one_grid(d_max: int) -> tuple[np.ndarray, ...]:
    """(d_x, d_z, d_m, d_m_low) with 3 <= d_z <= d_x <= d_max, 3 <= d_m <= d_x, and
    d_m_low in {d_m, d_m - 2, d_m - 4} (at least 3)."""
    rows = [
        (dx, dz, dm, low)
        for dx, dz, dm in itertools.product(range(3, d_max + 1, 2), repeat=3)
        if dz <= dx and dm <= dx
        for low in (dm, dm - 2, dm - 4)
        if low >= 3
    ]
    return tuple(np.array(c, float) for c in zip(*rows))


def level_one_table(
    noise: NoiseModel, blk: Block, d_max: int, *, precision: str = "auto"
) -> LevelOneTable:
    """Every valid point of the level-1 grid of one block, costed (docs/model/costs.md)."""
    d_x, d_z, d_m, low = level_one_grid(d_max)
    keep = low >= least_d_m(noise)  # where merges were checked (docs/model/validity.md)
    if not any(check_only_steps(blk.spec)):
        keep &= low == d_m
    d_x, d_z, d_m, low = d_x[keep], d_z[keep], d_m[keep], low[keep]
    spec = blk.spec

    def batch(mask):
        steps = step_distances(spec, d_m[mask], low[mask])
        return replace(spec, d=Distances(d_x[mask], d_z[mask], d_m[mask], d_m_step=steps))

    everything = np.ones(d_x.shape, bool)
    keep = valid(level_one(noise, batch(everything)))
    spec_ok = batch(keep)
    level = level_one(noise, spec_ok)
    protocol = spec.protocol
    sim = simulate(protocol.n_qubits, protocol.checks, level.channels(), precision=precision)
    ok = np.isfinite(sim.infidelity) & (sim.p_fail < 1)
    cycles = level.cycles() / (1 - sim.p_fail)
    qubits = spec.layout.qubits(spec_ok.d, level=1)
    column = spec.layout.row_width().evaluate(spec_ok.d)
    return LevelOneTable(
        blk,
        d_x[keep][ok],
        d_z[keep][ok],
        d_m[keep][ok],
        low[keep][ok],
        (sim.infidelity / protocol.outputs_per_run)[ok],
        sim.p_fail[ok],
        np.broadcast_to(cycles, ok.shape)[ok],
        np.broadcast_to(qubits, ok.shape)[ok],
        np.broadcast_to(column, ok.shape)[ok],
    )


def pareto(*columns: np.ndarray) -> np.ndarray:
    """Indices of the points no other point beats in every column (all minimised)."""
    points = np.stack(columns, axis=1)
    order = np.lexsort(points.T[::-1])
    kept: list[int] = []
    for i in order:
        if not kept or not np.any(np.all(points[kept] <= points[i], axis=1)):
            kept.append(int(i))
    return np.array(sorted(kept), dtype=int)
