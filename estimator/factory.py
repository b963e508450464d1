"""Factories: one- and two-level distillation blocks costed by one engine.

A level is protocol + layout + schedule + distances (layouts.error_terms.Level); the simulator
gives its failure probability and infidelity; this module adds the time and space bookkeeping
of ../shared/MODEL.md sections 7 and 8 and returns a frozen FactoryEstimate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from estimator.circuits.protocol import Protocol
from estimator.costs import FullDistance, full_distances
from estimator.distinct import distinct_rows
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import simulate
from layouts.arrangement import Arrangement
from layouts.error_terms import FaultyT, InjectedState, Level
from layouts.layout import Distances, Layout
from layouts.schedule import Schedule


@dataclass(frozen=True)
class LevelSpec:
    """What one level runs: protocol, layout, schedule and distances."""

    protocol: Protocol
    layout: Layout
    schedule: Schedule
    d: Distances


@dataclass(frozen=True)
class FactoryEstimate:
    """Cost of a factory, arrays over the parameter grid.

    Attributes:
        p_out: output error per output state (infidelity / outputs; MODEL.md 8.1).
        p_fail: probability that a run of the top level is rejected.
        infidelity: 1 - fidelity of the accepted outputs (all of them together).
        qubits: physical qubits (data and measurement; MODEL.md 8.2).
        cycles: code cycles per successful run (MODEL.md 8.3).
        qubitcycles: qubits * cycles per output state (MODEL.md 8.4).
        outputs: output states per successful run.
        full_distance: the two full-distance columns of 002 Table 1 (MODEL.md 8.5).
        exact: True where float64 could not vouch and double-double or fixed point answered.
        level1: the estimate of the feeding level-1 factory (two-level factories).
    """

    p_out: np.ndarray
    p_fail: np.ndarray
    infidelity: np.ndarray
    qubits: np.ndarray
    cycles: np.ndarray
    qubitcycles: np.ndarray
    outputs: int
    full_distance: tuple[FullDistance, ...]
    exact: np.ndarray
    level1: FactoryEstimate | None = None


def _level(
    noise: NoiseModel, spec: LevelSpec, tau: np.ndarray, source: FaultyT | InjectedState
) -> Level:
    return Level(spec.protocol, spec.layout, spec.schedule, spec.d, noise, tau, source)


def level_one(noise: NoiseModel, spec: LevelSpec) -> Level:
    """A level whose rotations use faulty T measurements; a step lasts d_m (MODEL.md 4.1-4.2)."""
    return _level(
        noise, spec, np.asarray(spec.d.d_m, float), FaultyT(*noise.t_measurement_errors())
    )


def level_two_inputs(
    noise: NoiseModel,
    d: Distances,
    regions: int,
    feeder: LevelSpec,
    fed: FactoryEstimate,
    *,
    n_level1: int,
    arrangement: Arrangement,
) -> tuple[np.ndarray, InjectedState]:
    """Step duration and input states of a level-2 block with ``regions`` ports fed by
    n_level1 ``feeder`` factories (estimated as ``fed``); MODEL.md 4.3 and 7: one state per
    region and step, so t_L1 = max(level-1 cycles * k / n_level1, min_step d_m2)."""
    d_m2 = np.asarray(d.d_m, float)
    tau = np.maximum(fed.cycles * regions / n_level1, arrangement.min_step * d_m2)
    width1 = feeder.layout.row_width().evaluate(feeder.d)
    source = InjectedState(
        p_in=fed.p_out + arrangement.input_error * noise.p_logical(d_m2) * d_m2,
        l_move=arrangement.move * d_m2 + arrangement.move_per_factory * n_level1 * width1,
    )
    return tau, source


def level_two(
    noise: NoiseModel,
    spec: LevelSpec,
    feeder: LevelSpec,
    fed: FactoryEstimate,
    *,
    n_level1: int,
    arrangement: Arrangement,
) -> Level:
    """A level whose rotations consume the states of n_level1 ``feeder`` factories."""
    tau, source = level_two_inputs(
        noise,
        spec.d,
        len(spec.layout.regions),
        feeder,
        fed,
        n_level1=n_level1,
        arrangement=arrangement,
    )
    return _level(noise, spec, tau, source)


def _finish(
    noise: NoiseModel, protocol: Protocol, sim, qubits, cycles, level1=None
) -> FactoryEstimate:
    outputs = protocol.outputs_per_run
    qubitcycles = qubits * cycles / outputs
    p_eff = sim.infidelity / protocol.t_count_per_run
    return FactoryEstimate(
        p_out=sim.infidelity / outputs,
        p_fail=sim.p_fail,
        infidelity=sim.infidelity,
        qubits=qubits,
        cycles=cycles,
        qubitcycles=qubitcycles,
        outputs=outputs,
        full_distance=full_distances(noise, p_eff, qubitcycles),
        exact=sim.exact,
        level1=level1,
    )


def estimate_one_level(
    noise: NoiseModel, spec: LevelSpec, *, precision: str = "auto", progress=None
) -> FactoryEstimate:
    """A one-level factory whose rotations use faulty T measurements (MODEL.md 4.1-4.2).

    Time: N_steps d_m / (1 - p_fail); space: 2 x the layout's tiles (MODEL.md 8.2-8.3).
    ``progress`` is passed to the simulator (estimator.sim.simulator.simulate).
    """
    level = level_one(noise, spec)
    protocol = spec.protocol
    sim = simulate(
        protocol.n_qubits, protocol.checks, level.channels(), precision=precision, progress=progress
    )
    qubits = 2 * spec.layout.tiles(spec.d, level=1)
    cycles = spec.schedule.n_steps * level.tau / (1 - sim.p_fail)
    return _finish(noise, protocol, sim, qubits, cycles)


def estimate_two_level(
    noise: NoiseModel,
    level1: LevelSpec,
    level2: LevelSpec,
    *,
    n_level1: int,
    arrangement: Arrangement,
    precision: str = "auto",
    progress=None,
) -> FactoryEstimate:
    """n_level1 one-level factories feeding a level-2 block (MODEL.md 4.3, 7, 8).

    Each level-2 step consumes one level-1 state per ancilla region (k); it lasts
    t_L1 = max(level-1 cycles * k / n_level1, min_step d_m2), and the level-2 block needs
    (N_rot / k) t_L1 / (1 - p_fail2) cycles.
    """
    first = _distinct_level_one(noise, level1, precision, progress)
    level = level_two(noise, level2, level1, first, n_level1=n_level1, arrangement=arrangement)
    d_m2 = np.asarray(level2.d.d_m, float)
    k = len(level2.layout.regions)
    width1 = level1.layout.row_width().evaluate(level1.d)
    protocol = level2.protocol
    sim = simulate(
        protocol.n_qubits, protocol.checks, level.channels(), precision=precision, progress=progress
    )
    feeders = level1.layout.tiles(level1.d, level=1) + arrangement.strip_per_factory * d_m2 * width1
    qubits = 2 * (
        level2.layout.tiles(level2.d, level=2)
        + n_level1 * feeders
        + arrangement.routing_area * d_m2**2
    )
    cycles = level2.schedule.n_rotations / k * level.tau / (1 - sim.p_fail)
    return _finish(noise, protocol, sim, qubits, cycles, level1=first)


def _distinct_level_one(
    noise: NoiseModel, spec: LevelSpec, precision: str, progress=None
) -> FactoryEstimate:
    """estimate_one_level once per distinct (p_phys, p_t, d_x, d_z, d_m) of a batch, spread
    back over the batch: a grid of two-level factories repeats each level-1 factory for every
    level-2 point."""
    arrays = np.broadcast_arrays(noise.p_phys, noise.p_t, *vars(spec.d).values())
    columns = [a.ravel() for a in arrays]
    rows, inverse = distinct_rows(columns)
    if len(rows) == len(columns[0]):
        return estimate_one_level(noise, spec, precision=precision, progress=progress)
    p_phys, p_t, *d = (np.asarray(c, dtype=float)[rows] for c in columns)
    first = estimate_one_level(
        replace(noise, p_phys=p_phys, p_t=p_t),
        replace(spec, d=Distances(*d)),
        precision=precision,
        progress=progress,
    )
    at = inverse.reshape(arrays[0].shape)
    return replace(
        first,
        **{k: v[at] for k, v in vars(first).items() if isinstance(v, np.ndarray)},
        full_distance=tuple(
            replace(f, d=f.d[at], cost_d3=f.cost_d3[at]) for f in first.full_distance
        ),
    )
