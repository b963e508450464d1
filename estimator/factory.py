"""Factories: distillation blocks of one, two or more levels costed by one engine.

A level is protocol + layout + schedule + distances (layouts.error_terms.Level); the simulator
gives its failure probability and infidelity; this module adds the time and space bookkeeping
of ../shared/MODEL.md sections 7 and 8 and returns a frozen FactoryEstimate.

A ``Design`` is a top level fed by ``Feed``s: counts of lower-level factories, themselves
designs. MODEL.md's two-level factories are one feed of one-level 15-to-1 factories; the
extensions of docs/model-extensions.md (E3-E5) are feeders with several outputs per run,
feeds of several kinds (different distances) and feeders of two levels (three-level
factories). The supply rule counts states, not runs, and is per port: each entry port is fed
only by the factories on its side (``supply``, ``port_supply``; a new kind of feeder plugs in
as one more (feed, estimate, count) entry of a port's column).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from estimator.circuits.protocol import Protocol
from estimator.costs import FullDistance, full_distances
from estimator.distinct import distinct_rows
from estimator.errors import ModelError
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import simulate
from layouts.arrangement import Arrangement, square_column
from layouts.consumption import check_consumption
from layouts.error_terms import FaultyT, InjectedState, Level, Port, PortSupply
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
        level1: the estimate of the (first kind of) feeding factory: the level-1 factory of a
            two-level factory, the two-level feeder of a three-level one.
        feeds: the estimates of every kind of feeding factory, in the design's order.
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
    feeds: tuple[FactoryEstimate, ...] = field(default=(), compare=False)


def _level(
    noise: NoiseModel, spec: LevelSpec, tau: np.ndarray, source: FaultyT | PortSupply
) -> Level:
    return Level(spec.protocol, spec.layout, spec.schedule, spec.d, noise, tau, source)


def level_one(noise: NoiseModel, spec: LevelSpec) -> Level:
    """A level whose rotations use faulty T measurements; a step lasts d_m (MODEL.md 4.1-4.2)."""
    return _level(
        noise, spec, np.asarray(spec.d.d_m, float), FaultyT(*noise.t_measurement_errors())
    )


@dataclass(frozen=True)
class Feed:
    """``count`` factories of one design feeding a block (n_L1 for MODEL.md's level 1)."""

    factory: Design
    count: int | np.ndarray


@dataclass(frozen=True)
class Design:
    """A factory: its top level and the factories that feed it (none: a one-level factory).

    Attributes:
        top: the top level (protocol, layout, schedule, distances).
        feeds: the feeding factories, one Feed per kind.
        arrangement: routing and timing of the feeds (layouts.arrangement), None for one level.
    """

    top: LevelSpec
    feeds: tuple[Feed, ...] = ()
    arrangement: Arrangement | None = None

    @property
    def n_levels(self) -> int:
        return 1 + max((f.factory.n_levels for f in self.feeds), default=0)


def column_length(feeder: Design, fed: FactoryEstimate) -> np.ndarray:
    """Length a feeding factory occupies along its routing column: the row width of a one-level
    factory (MODEL.md 7: d_X + 4 d_Z), the side of a square of its area for a factory of two or
    more levels (extension E5)."""
    if not feeder.feeds:
        return feeder.top.layout.row_width().evaluate(feeder.top.d)
    return square_column(fed.qubits)


def supply(
    noise: NoiseModel,
    d: Distances,
    layout: Layout,
    feeds: tuple[Feed, ...],
    fed: tuple[FactoryEstimate, ...],
    arrangement: Arrangement,
) -> PortSupply:
    """What each entry port of a fed block receives (MODEL.md 4.3, 7: supply is per port).

    The factories of the feeds are dealt to the block's ports (``Arrangement.deal``); each
    port is fed only by the factories on its side (``port_supply``). A step lasts at least
    ``min_step`` d_m and at least the time each port it uses needs to deliver its states
    (layouts.error_terms.PortSupply). With n_L1 / 2 factories of one kind per side this is
    MODEL.md 7 term by term: t_L1 = max(6 d_m / (n_L1 / 2) / (1 - p_fail,1), d_m2),
    p_L1 = I_1, l_move = 10 d_m2 + (n_L1 / 4)(d_X + 4 d_Z)."""
    for f in feeds:
        protocol = f.factory.top.protocol
        if protocol.t_count_per_run != protocol.outputs_per_run:
            raise ModelError(
                f"protocol {protocol.name!r} makes states that stand for several T gates "
                "(e.g. CCZ); they cannot feed the pi/8 rotations of a higher level"
            )
    d_m = np.asarray(d.d_m, float)
    count = sum(np.asarray(f.count, float) for f in feeds)
    if arrangement.max_factories is not None and np.any(count > arrangement.max_factories):
        raise ModelError(
            f"arrangement {arrangement.name!r} places at most {arrangement.max_factories} "
            f"feeding factory, got {count}"
        )
    names = tuple(dict.fromkeys(r.port for r in layout.regions))
    dealt = arrangement.deal([f.count for f in feeds], len(names))
    extra = arrangement.input_error * noise.p_logical(d_m) * d_m
    ports = tuple(
        port_supply(
            name,
            [(f, e, dealt[j][i]) for j, (f, e) in enumerate(zip(feeds, fed))],
            d_m,
            extra,
            arrangement,
        )
        for i, name in enumerate(names)
    )
    return PortSupply(ports, arrangement.min_step * d_m)


def port_supply(
    name: str,
    column: list[tuple[Feed, FactoryEstimate, np.ndarray]],
    d_m: np.ndarray,
    extra: np.ndarray,
    arrangement: Arrangement,
) -> Port:
    """One port fed by the factories on its side: (feed, its estimate, how many of its
    factories sit on this side) for each kind of feeder.

    A kind with m states per successful run of C cycles delivers n m / C states per cycle
    (states, not runs: extension E3); a state comes from kind f with probability proportional
    to its rate, so p_in is the rate-weighted mean of the kinds' p_out, plus the arrangement's
    extra input error. l_move = move d_m + 2 move_per_factory times the column lengths of the
    factories on this side (on average a state passes half of its own column)."""
    counts = [np.asarray(n, float) for _, _, n in column]
    with np.errstate(divide="ignore", invalid="ignore"):
        if len(column) == 1:  # one kind: MODEL.md 7 term by term
            ((_, e, _),) = column
            per_state = e.cycles / (counts[0] * e.outputs)
            p_in = e.p_out
        else:
            rates = [n * e.outputs / e.cycles for n, (_, e, _) in zip(counts, column)]
            per_state = 1 / sum(rates)
            p_in = sum(r * e.p_out for r, (_, e, _) in zip(rates, column)) * per_state
    travel = sum(
        2 * arrangement.move_per_factory * n * column_length(f.factory, e)
        for n, (f, e, _) in zip(counts, column)
    )
    state = InjectedState(p_in=p_in + extra, l_move=arrangement.move * d_m + travel)
    return Port(name, np.asarray(per_state, float), state)


def level_two(
    noise: NoiseModel,
    spec: LevelSpec,
    feeder: LevelSpec,
    fed: FactoryEstimate,
    *,
    n_level1: int,
    arrangement: Arrangement,
) -> Level:
    """A level whose rotations consume the states of n_level1 ``feeder`` factories (estimated
    as ``fed``), dealt to its ports (MODEL.md 4.3 and 7)."""
    ports = supply(
        noise, spec.d, spec.layout, (Feed(Design(feeder), n_level1),), (fed,), arrangement
    )
    return _level(noise, spec, ports.longest_step, ports)


def _finish(
    noise: NoiseModel, protocol: Protocol, sim, qubits, cycles, feeds=()
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
        level1=feeds[0] if feeds else None,
        feeds=tuple(feeds),
    )


def estimate_one_level(
    noise: NoiseModel, spec: LevelSpec, *, precision: str = "auto", progress=None
) -> FactoryEstimate:
    """A one-level factory whose rotations use faulty T measurements (MODEL.md 4.1-4.2).

    Time: the summed step durations (N_steps d_m) / (1 - p_fail); space: 2 x the layout's
    tiles (MODEL.md 8.2-8.3). ``progress`` is passed to the simulator
    (estimator.sim.simulator.simulate).
    """
    level = level_one(noise, spec)
    check_consumption(level)
    protocol = spec.protocol
    sim = simulate(
        protocol.n_qubits, protocol.checks, level.channels(), precision=precision, progress=progress
    )
    qubits = spec.layout.qubits(spec.d, level=1)
    cycles = level.cycles() / (1 - sim.p_fail)
    return _finish(noise, protocol, sim, qubits, cycles)


def estimate_design(
    noise: NoiseModel, design: Design, *, precision: str = "auto", progress=None
) -> FactoryEstimate:
    """Cost a factory of any number of levels (MODEL.md 4.3, 7, 8; docs/model-extensions.md).

    Each feed is costed first; each step of the top block lasts as long as the ports it uses
    need to deliver its states (``supply``, per port), a run needs the sum of its steps
    / (1 - p_fail) cycles (the published 15x15 counts its single-state step half, a
    departure), and its qubits are its own tiles, each feeding factory with its routing
    strip, and the routing hub (MODEL.md 8.2-8.3). Outputs must obey the consumption rules
    (layouts/consumption.py), else ConsumptionError.
    """
    if not design.feeds:
        return estimate_one_level(noise, design.top, precision=precision, progress=progress)
    if design.arrangement is None:
        raise ModelError("a factory with feeds needs an arrangement")
    fed = tuple(
        _distinct_level_one(noise, f.factory.top, precision, progress)
        if not f.factory.feeds
        else estimate_design(noise, f.factory, precision=precision, progress=progress)
        for f in design.feeds
    )
    spec, arrangement = design.top, design.arrangement
    ports = supply(noise, spec.d, spec.layout, design.feeds, fed, arrangement)
    level = _level(noise, spec, ports.longest_step, ports)
    check_consumption(level)
    d_m = np.asarray(spec.d.d_m, float)
    protocol = spec.protocol
    sim = simulate(
        protocol.n_qubits, protocol.checks, level.channels(), precision=precision, progress=progress
    )
    feeders = sum(
        arrangement.feeder_tiles(
            np.asarray(f.count, float), e.qubits, d_m, column_length(f.factory, e)
        )
        for f, e in zip(design.feeds, fed)
    )
    qubits = arrangement.qubits(spec.layout.tiles(spec.d, level=2), feeders, d_m)
    cycles = level.cycles() / (1 - sim.p_fail)
    return _finish(noise, protocol, sim, qubits, cycles, fed)


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

    Each level-2 step consumes one level-1 state per ancilla region it uses, from the port of
    that region; with n_level1 / 2 factories per side it lasts t_L1 = max(level-1 cycles * 2 /
    n_level1, min_step d_m2), and the published blocks need (N_rot / k) t_L1 / (1 - p_fail2)
    cycles.
    """
    design = Design(level2, (Feed(Design(level1), n_level1),), arrangement)
    return estimate_design(noise, design, precision=precision, progress=progress)


def stack_designs(designs: list[Design]) -> Design:
    """One batch of designs of the same structure (protocols, layouts, schedules, arrangements
    and kinds of feeds): distances, extensions included, and counts become arrays."""
    first = designs[0]
    top = replace(first.top, d=Distances.stack([x.top.d for x in designs]))
    feeds = tuple(
        Feed(
            stack_designs([x.feeds[j].factory for x in designs]),
            np.array([float(np.asarray(x.feeds[j].count)) for x in designs]),
        )
        for j in range(len(first.feeds))
    )
    return Design(top, feeds, first.arrangement)


def pick(estimate: FactoryEstimate, j: int) -> FactoryEstimate:
    """Point ``j`` of a batched FactoryEstimate (feeds included)."""
    fields = {}
    for name, value in vars(estimate).items():
        if isinstance(value, np.ndarray) and value.ndim >= 1:
            fields[name] = value[j]
        elif name == "full_distance":
            fields[name] = tuple(
                replace(f, d=np.asarray(f.d)[j], cost_d3=np.asarray(f.cost_d3)[j]) for f in value
            )
        elif name == "level1" and value is not None:
            fields[name] = pick(value, j)
        elif name == "feeds":
            fields[name] = tuple(pick(f, j) for f in value)
        else:
            fields[name] = value
    return replace(estimate, **fields)


def _distinct_level_one(
    noise: NoiseModel, spec: LevelSpec, precision: str, progress=None
) -> FactoryEstimate:
    """estimate_one_level once per distinct (p_phys, p_t, d_x, d_z, d_m) of a batch, spread
    back over the batch: a grid of two-level factories repeats each level-1 factory for every
    level-2 point. Levels with per-patch, per-region or per-step distances are costed as they
    are."""
    if not spec.d.uniform:
        return estimate_one_level(noise, spec, precision=precision, progress=progress)
    arrays = np.broadcast_arrays(noise.p_phys, noise.p_t, spec.d.d_x, spec.d.d_z, spec.d.d_m)
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
