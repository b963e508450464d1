"""CP-SAT schedules: every rotation of a protocol to a step and an ancilla region (or port).

docs/model/rotations.md. The layout's rules: an ancilla region serves one rotation per
step; at level 1 a single-qubit rotation on a check patch may instead be a fast faulty T
measurement (no region, at most one per patch and step); at level 2 every rotation consumes one
level-1 state entering through its region's port, so a step holds at most one rotation per
region. A patch lives from the step of its first rotation to that of its last; an output lives
until it is consumed, in the step of consumption (in-step) or after it (deferred).

The objective is lexicographic. First the number of steps is minimised and proven minimal;
then, with that number fixed, a linear error proxy: every error probability of the docs/model/
rules that the schedule controls (storage of live patches, docs/model/noise.md and docs/model/storage.md; the timelike
and ancilla-Z terms of each rotation's ancilla length, 4.1-4.4; fast faulty T measurements,
4.2), each weighted by its harm, the first-order change of the probability that an accepted
run has a wrong output (``harm_weights``). The exact p_out of the result is the simulator's
job (estimator.factory), not this module's.

At level 1 a fast faulty T measurement needs an ancilla region whose stretch at its patch no
rotation of the step uses (docs/model/rotations.md space rule). Outputs obey the consumption rules of
layouts/consumption.py: deferred means after the last step; an in-step consumption ends no
earlier than the last lattice surgery (post-selection first, timed with the longest step) and
has a region free at the output in every step until it has left (access, timed with the
shortest step), so every schedule it returns passes them at any step time in that range.

Reproducible and fast: one worker, a fixed seed and a budget of CP-SAT's deterministic time
(no wall-clock limit decides the result), so the same input gives the same schedule on any
machine load. A problem's solution depends on the distances and noise only through its integer
proxy coefficients; problems whose coefficients have the same ordering form a class, solved
once per process and reused (``schedule_cpsat(..., cache=True)``), so a search over many points
solves a handful of models.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from estimator.circuits.protocol import Protocol
from estimator.cpsat import solve_interruptibly
from estimator.errors import LayoutError, LoadError, ScheduleError
from estimator.sim.noise import NoiseModel
from layouts.error_terms import CONSUMPTION_TIME, FaultyT, InjectedState, Level, PortSupply
from layouts.graph import layout_graph, regions_for
from layouts.layout import Distances, Layout, Length
from layouts.schedule import Consumption, Placement, Schedule

CONSUMPTION_MODES = ("allowed", "deferred")
"""``allowed``: an output is consumed in any step from its last rotation on, in-step or
deferred, as far as the consumption rules allow (layouts/consumption.py: after post-selection,
through a free region); ``deferred``: every output is consumed after the protocol's last
step."""
COEFFICIENT_RANGE = 10**6
"""The largest proxy coefficient becomes this integer; smaller ones are rounded relative to
it (terms below 1e-6 of the largest cannot change p_out by more than that fraction)."""
DEFAULT_WORK = 5.0
"""Default budget of both solves together, in seconds of CP-SAT's deterministic time (its
machine-independent measure of work; one such second takes about 0.7-1.4 s of one core)."""
WALL_GUARD = (20.0, 60.0)
"""A solve may take at most factor * budget + offset wall-clock seconds. The guard never decides
a result: if it ends a solve before the deterministic budget is used, ``ScheduleError``."""
SEED = 20190227
"""CP-SAT's random seed; any fixed value makes runs repeatable."""
CACHE_SIZE = 512
"""Solved classes kept per process (``schedule_cpsat(..., cache=True)``)."""
_CACHE: dict[tuple, ScheduleResult] = {}


@dataclass(frozen=True)
class ScheduleResult:
    """A CP-SAT schedule and how it was found.

    Attributes:
        schedule: the schedule (data, as the published ones).
        status: "OPTIMAL" (error proxy proven minimal for the step count) or "FEASIBLE"
            (deterministic budget used up first).
        steps_proven_optimal: True when no schedule with fewer steps exists (with ports of
            unequal supply: no schedule with a shorter run, and none as short with fewer steps).
        wall_time_s: time spent in both solves (0 when taken from the cache).
        objective: the error proxy of the schedule at the point its class was solved, a
            probability (harm-weighted sum of the error probabilities the schedule controls;
            compare with p_out, not equal to it).
        deterministic_time: CP-SAT's deterministic time of both solves.
        cached: True when the schedule was solved for another point of the same class.
    """

    schedule: Schedule
    status: str
    steps_proven_optimal: bool
    wall_time_s: float
    objective: float
    deterministic_time: float = 0.0
    cached: bool = False

    @property
    def optimal(self) -> bool:
        """True when both the step count and the error proxy are proven minimal."""
        return self.status == "OPTIMAL" and self.steps_proven_optimal

    def record(self) -> dict:
        """JSON-ready summary: status, proofs, work and whether it came from the class cache."""
        return {
            "status": self.status,
            "optimal": self.optimal,
            "steps_proven_optimal": self.steps_proven_optimal,
            "n_steps": self.schedule.n_steps,
            "deterministic_time": round(self.deterministic_time, 6),
            "cached": self.cached,
        }


def clear_cache() -> None:
    """Forget every solved class (the next call of each class solves again)."""
    _CACHE.clear()


def _mask(support: tuple[int, ...]) -> int:
    return sum(1 << (q - 1) for q in support)


def _output_overlaps(protocol: Protocol) -> tuple[np.ndarray, np.ndarray]:
    """Harm 1 - |<psi|P|psi>|^2 on the ideal output state (docs/model/storage.md) of P = Z_T for
    every set T of outputs (bit j of the index: the j-th output) and of P = X on each output."""
    psi = protocol.output_state()
    outputs = protocol.outputs
    k = len(outputs)
    index = np.arange(2**k)
    bits = [(index >> (k - 1 - j)) & 1 for j in range(k)]
    z_harm = np.zeros(2**k)
    for subset in range(1, 2**k):
        parity = sum(bits[j] for j in range(k) if subset >> j & 1) % 2
        z_harm[subset] = 1 - abs(np.vdot(psi, psi * (1 - 2 * parity))) ** 2
    x_harm = np.array(
        [1 - abs(np.vdot(psi, psi[index ^ (1 << (k - 1 - j))])) ** 2 for j in range(k)]
    )
    return z_harm, x_harm


def harm_weights(
    protocol: Protocol,
    sources: list[tuple[tuple[int, ...], float]],
    patterns: list[tuple[int, ...]],
) -> dict[tuple[int, ...], float]:
    """First-order harm of a Z-type error on each pattern, given the other Z-type errors.

    Every diagonal channel of docs/model/storage.md is, after twirling, a Z error on a pattern of
    qubits: a rotation's P_{pi/2} error with probability a and its P_{-+pi/4} errors with
    probability (b + c) / 2 on the rotation's support; storage and ancilla-Z errors on one
    patch. Z errors commute with the circuit, so only the XOR of all patterns matters: the run
    is accepted iff it avoids the checks, and then harms the outputs by 1 - |<psi|Z_T|psi>|^2.
    With D the distribution of the XOR of ``sources`` (independent), the harm of one more
    error on pattern E is sum_T D(T) (h(T xor E) - h(T)): 1 for an output, and the second-
    or third-order weight of an error the checks would catch alone.

    Args:
        protocol: the protocol (outputs, checks, ideal output state).
        sources: (support, probability) of the reference errors.
        patterns: supports whose harm is wanted.

    Returns:
        Harm of a Z error on each pattern.

    >>> from estimator.circuits.protocols import builtin_protocols
    >>> harm_weights(builtin_protocols()["15-to-1"], [], [(1,), (2,), (1, 2)])
    {(1,): 1.0, (2,): 0.0, (1, 2): 0.0}
    """
    n = protocol.n_qubits
    z_harm, _ = _output_overlaps(protocol)
    harm = np.zeros(2**n)
    outputs = protocol.outputs
    for subset in range(1, 2 ** len(outputs)):
        harm[_mask(tuple(o for j, o in enumerate(outputs) if subset >> j & 1))] = z_harm[subset]
    index = np.arange(2**n)
    dist = np.zeros(2**n)
    dist[0] = 1.0
    for support, p in sources:
        dist = dist * (1 - p) + dist[index ^ _mask(support)] * p
    base = float(dist @ harm)
    return {p: float(dist @ harm[index ^ _mask(p)]) - base for p in patterns}


@dataclass(frozen=True)
class _Costs:
    """Proxy coefficients (probabilities) of one scheduling problem."""

    options: tuple[tuple[tuple[str, ...] | None, ...], ...]
    covers: tuple[frozenset[int], ...]
    rotation: tuple[tuple[float, ...], ...]
    z_step: tuple[float, ...]
    x_step: tuple[float, ...]
    z_consume: tuple[float, ...]
    x_consume: tuple[float, ...]


def _level(
    protocol: Protocol,
    layout: Layout,
    level: int,
    d: Distances,
    noise: NoiseModel,
    tau: float,
    feed: InjectedState | PortSupply | None,
) -> Level:
    """A Level without a schedule: it evaluates rotation errors and ancilla lengths."""
    if level == 1:
        source = FaultyT(*(float(v) for v in noise.t_measurement_errors()))
    else:
        source = (
            feed if feed is not None else InjectedState(p_in=35 * float(noise.p_t) ** 3, l_move=0.0)
        )
    empty = Schedule("cpsat", (), ())
    return Level(protocol, layout, empty, d, noise, tau, source)


def _costs(protocol: Protocol, layout: Layout, level: int, d: Distances, model: Level) -> _Costs:
    """Each rotation's options and every proxy coefficient: the error probabilities of the
    docs/model/ rules (via ``model``) times their harm. The harm weights are evaluated at a
    reference: rotations at their mean over the options, patches living the fewest steps
    their rotations allow."""
    graph = layout_graph(layout, d, level=level)
    outputs = set(protocol.outputs)
    options = []
    for rotation in protocol.rotations:
        regions = tuple(r for r in regions_for(graph, rotation.support) if _fed(model, r))
        fast = level == 1 and len(rotation.support) == 1 and rotation.support[0] not in outputs
        if not regions and not fast:
            raise LayoutError(
                f"layout {layout.name!r} cannot host {rotation}: no ancilla region touches all of its patches"
            )
        options.append(regions + ((None,) if fast else ()))

    def pattern_probability(placement: Placement) -> float:
        a, b, c, theta = (float(v) for v in model.rotation_errors(placement))
        return a + (b + c) / 2 + math.sin(theta) ** 2

    def ancilla_z(placement: Placement) -> float:
        if placement.region is None:
            return 0.0
        return float(model.ancilla_z(model.ancilla_length(placement), placement.region))

    rates = [model.storage_rates(q) for q in range(1, protocol.n_qubits + 1)]
    k = len(layout.regions)
    consume = float(CONSUMPTION_TIME.evaluate(d))
    sources = []
    for rotation, opts in zip(protocol.rotations, options):
        placed = [Placement(rotation, g) for g in opts]
        sources.append((rotation.support, float(np.mean([pattern_probability(p) for p in placed]))))
        for o in outputs & set(rotation.support):
            sources.append(((o,), float(np.mean([ancilla_z(p) for p in placed]))))
    for q in range(1, protocol.n_qubits + 1):
        uses = sum(q in r.support for r in protocol.rotations)
        life = math.ceil(uses / k) * model.tau + (consume if q in outputs else 0.0)
        sources.append(((q,), float(rates[q - 1][1]) * life))
    patterns = [r.support for r in protocol.rotations] + [
        (q,) for q in range(1, protocol.n_qubits + 1)
    ]
    harm = harm_weights(protocol, sources, patterns)
    _, x_harm = _output_overlaps(protocol)
    x_weight = {o: x_harm[j] for j, o in enumerate(protocol.outputs)}
    cost = {
        (r, g): harm[rot.support] * pattern_probability(Placement(rot, g))
        + sum(harm[(o,)] * ancilla_z(Placement(rot, g)) for o in outputs & set(rot.support))
        for r, (rot, opts) in enumerate(zip(protocol.rotations, options))
        for g in opts
    }
    pools = _pools(layout, options, cost, level)
    pooled = [
        tuple(pool for pool in pools if pool[0] in opts) + ((None,) if None in opts else ())
        for opts in options
    ]
    rotation_costs = tuple(
        tuple(cost[r, pool[0] if pool else None] for pool in opts) for r, opts in enumerate(pooled)
    )
    z_rate = [harm[(q,)] * float(rates[q - 1][1]) for q in range(1, protocol.n_qubits + 1)]
    x_rate = [
        x_weight.get(q, 0.0) * float(rates[q - 1][0]) for q in range(1, protocol.n_qubits + 1)
    ]
    return _Costs(
        options=tuple(pooled),
        covers=tuple(
            frozenset(q for q in protocol.checks if layout.covers(rot.support, q))
            for rot in protocol.rotations
        ),
        rotation=rotation_costs,
        z_step=tuple(r * model.tau for r in z_rate),
        x_step=tuple(r * model.tau for r in x_rate),
        z_consume=tuple(r * consume for r in z_rate),
        x_consume=tuple(r * consume for r in x_rate),
    )


def _fed(model: Level, region: str) -> bool:
    """False for a level-2 region whose port has no feeding factory (per-port supply)."""
    if not isinstance(model.source, PortSupply):
        return True
    port = model.source.port(model.layout.region(region).port)
    return not bool(np.any(np.isposinf(np.asarray(port.per_state, float))))


def _pools(layout: Layout, options, cost, level: int) -> list[tuple[str, ...]]:
    """Regions that host the same rotations at the same cost are interchangeable: the model
    fills a pool of them up to its size and names the regions afterwards (this removes the
    symmetric copies of every schedule, e.g. top and bottom at level 1). At level 2 a pool
    also shares its port (the stretch a rotation uses runs from the port)."""
    groups: dict[tuple, list[str]] = {}
    for region in layout.regions:
        signature = (region.port if level == 2 else "",) + tuple(
            f"{cost[r, region.name]:.9g}" if region.name in opts else None
            for r, opts in enumerate(options)
        )
        groups.setdefault(signature, []).append(region.name)
    return [tuple(names) for names in groups.values()]


class _Model:
    """The CP-SAT variables and constraints shared by both solves (``n_steps`` steps)."""

    def __init__(
        self, protocol: Protocol, costs: _Costs, n_steps: int, *, optional_steps: bool = False
    ):
        """``optional_steps``: each step has a literal ``used[s]`` that its capacity depends
        on (used steps come first), for counting steps; otherwise every step is open."""
        options = costs.options
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.model = model = cp_model.CpModel()
        self.protocol, self.options, self.n_steps = protocol, options, n_steps
        steps = range(n_steps)
        self.x = [
            [[model.new_bool_var(f"x{r}_{s}_{g}") for g in range(len(opts))] for s in steps]
            for r, opts in enumerate(options)
        ]
        for r in range(len(options)):
            model.add_exactly_one(v for s in steps for v in self.x[r][s])
        self.used = [model.new_bool_var(f"used{s}") if optional_steps else 1 for s in steps]
        for s in steps[1:]:
            if optional_steps:
                model.add_implication(self.used[s], self.used[s - 1])
        pools = sorted({g for opts in options for g in opts if g is not None})
        for s in steps:
            for pool in pools:
                placed = [
                    self.x[r][s][i]
                    for r, opts in enumerate(options)
                    for i, g in enumerate(opts)
                    if g == pool
                ]
                model.add(sum(placed) <= len(pool) * self.used[s])
            for q in protocol.checks:
                fast = [
                    self.x[r][s][i]
                    for r, opts in enumerate(options)
                    for i, g in enumerate(opts)
                    if g is None and protocol.rotations[r].support == (q,)
                ]
                if fast:
                    model.add(sum(fast) <= self.used[s])
                    self._space_rule(costs, pools, s, q, fast)

    def _space_rule(self, costs: _Costs, pools, s: int, q: int, fast: list) -> None:
        """docs/model/rotations.md: a fast faulty T measurement on q needs a region whose stretch at q no
        rotation of the step uses. A pool of interchangeable regions has one free at q iff
        fewer of its rotations cover q than it has regions."""
        free = []
        for pool in pools:
            covering = [
                self.x[r][s][i]
                for r, opts in enumerate(costs.options)
                for i, g in enumerate(opts)
                if g == pool and q in costs.covers[r]
            ]
            if not covering:
                return  # a pool nobody can block at q: always free
            room = self.model.new_bool_var(f"room{q}_{s}_{pools.index(pool)}")
            self.model.add(sum(covering) + room <= len(pool))
            free.append(room)
        self.model.add(sum(fast) <= sum(free))

    def durations(self, ports: _PortTimes) -> list:
        """Each step's duration (scaled): at least the shortest step if used, and for every
        port its time per state times the states the step takes from it."""
        bound = ports.least * self.n_steps + sum(t for _, t in ports.per_state) * self.n_steps
        durations = []
        for s in range(self.n_steps):
            d = self.model.new_int_var(0, bound, f"duration{s}")
            self.model.add(d >= ports.least * self.used[s])
            for pool, time in ports.per_state:
                taken = [
                    self.x[r][s][i]
                    for r, opts in enumerate(self.options)
                    for i, g in enumerate(opts)
                    if g == pool
                ]
                self.model.add(d >= time * sum(taken))
            durations.append(d)
        return durations

    def on(self, qubit: int, step: int) -> list:
        """Variables of the rotations on ``qubit`` placed in ``step``."""
        return [
            v
            for r, rot in enumerate(self.protocol.rotations)
            if qubit in rot.support
            for v in self.x[r][step]
        ]

    def solve(self, work: float):
        """One CP-SAT run: one worker, fixed seed, at most ``work`` seconds of deterministic
        time. The wall-clock guard (WALL_GUARD) only stops a run that would hang; a run it
        stops raises ScheduleError instead of returning a load-dependent result."""
        solver = self.cp.CpSolver()
        work = max(work, 1e-3)
        factor, offset = WALL_GUARD
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        solver.parameters.linearization_level = 2
        solver.parameters.max_deterministic_time = work
        solver.parameters.max_time_in_seconds = factor * work + offset
        status = solver.status_name(solve_interruptibly(solver, self.model))
        spent = solver.response_proto.deterministic_time
        if status not in ("OPTIMAL", "INFEASIBLE") and spent < 0.99 * work:
            raise LoadError(
                f"CP-SAT was stopped by the wall-clock guard after {solver.wall_time:.0f} s with "
                f"{spent:.2f} of {work:g} deterministic seconds done: the machine is too loaded "
                "for a reproducible schedule; retry later"
            )
        return solver, status


def _fewest_steps(
    protocol: Protocol, costs: _Costs, work: float, ports: _PortTimes | None = None
) -> tuple[int, bool, list, float, int | None]:
    """Phase 1: the fewest steps (a step is used or not; used steps come first). With ports
    of unequal supply (``ports``): the least run time, the sum of the step durations (each
    step waits for the ports it draws from), and among those the fewest steps. Returns the
    step count, whether it is proven, the hint, the deterministic time and the least run
    time (scaled; None when counting steps)."""
    options = costs.options
    horizon = len(protocol.rotations)
    m = _Model(protocol, costs, horizon, optional_steps=True)
    regions = sum(len(pool) for pool in {g for opts in options for g in opts if g is not None})
    needs_region = sum(None not in opts for opts in options)
    m.model.add(regions * sum(m.used) >= needs_region)  # redundant: capacity counts rotations
    if ports is None:
        m.model.minimize(sum(m.used))
    else:
        durations = m.durations(ports)
        m.model.minimize((horizon + 1) * sum(durations) + sum(m.used))
    solver, status = m.solve(work)
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise ScheduleError(_failure("the fewest steps", status, work))
    n_steps = sum(solver.value(v) for v in m.used) if ports else round(solver.objective_value)
    least = sum(solver.value(v) for v in durations) if ports else None
    hint = [
        [[solver.boolean_value(v) for v in m.x[r][s]] for s in range(n_steps)]
        for r in range(len(options))
    ]
    return n_steps, status == "OPTIMAL", hint, solver.response_proto.deterministic_time, least


@dataclass(frozen=True)
class _PortTimes:
    """Per-port supply in the model: the time (integer, scaled) each state of a port takes to
    arrive, by pool, and the shortest step. A step lasts at least the shortest step and, for
    each port, its time per state times the states the step takes from it."""

    per_state: tuple[tuple[tuple[str, ...], int], ...]
    least: int


def _port_times(layout: Layout, costs: _Costs, feed) -> _PortTimes | None:
    """The ports' times when they differ (None: every used step lasts the same, so the fewest
    steps is also the shortest run)."""
    if not isinstance(feed, PortSupply):
        return None
    least = float(feed.min_step)
    times = {
        p.name: max(float(p.per_state), least) for p in feed.ports if not np.isposinf(p.per_state)
    }
    if len(set(times.values())) <= 1:
        return None
    scale = 1000 / max(times.values())
    pools = sorted({g for opts in costs.options for g in opts if g is not None})
    per_state = tuple(
        (pool, round(float(feed.port(layout.region(pool[0]).port).per_state) * scale))
        for pool in pools
    )
    return _PortTimes(per_state, round(least * scale))


def _failure(what: str, status: str, time_limit: float) -> str:
    if status == "UNKNOWN":
        return (
            f"CP-SAT found no schedule ({what}) within the time limit of {time_limit:g} "
            "deterministic seconds (status UNKNOWN)"
        )
    if status == "INFEASIBLE":
        return f"CP-SAT proved that no schedule exists ({what}: status INFEASIBLE)"
    return f"CP-SAT failed while searching {what} (status {status})"


def _scale(costs: _Costs) -> float:
    """Factor that turns the largest proxy coefficient into COEFFICIENT_RANGE."""
    largest = max(
        [c for row in costs.rotation for c in row]
        + list(costs.z_step)
        + list(costs.x_step)
        + list(costs.z_consume)
        + list(costs.x_consume)
    )
    return COEFFICIENT_RANGE / largest if largest > 0 else 0.0


def _class_signature(costs: _Costs) -> tuple:
    """The class of a problem: its options and the ordering (ranks, ties kept) of the integer
    proxy coefficients that decide between schedules: each option's excess over the cheapest
    option of its rotation and the storage weights per step (constant terms cannot change
    the optimum). It is the only way distances and noise enter the solve."""
    scale = _scale(costs)
    values = [round((c - min(row)) * scale) for row in costs.rotation for c in row if len(row) > 1]
    values += [round(c * scale) for c in costs.z_step + costs.x_step]
    ranks = {v: i for i, v in enumerate(sorted(set(values)))}
    return costs.options, costs.covers, tuple(ranks[v] for v in values)


def _least_error(
    protocol: Protocol,
    costs: _Costs,
    n_steps: int,
    hint,
    work: float,
    time_limit: float,
    consumption_mode: str,
    leaving: _Leaving,
    ports: _PortTimes | None = None,
    least_time: int | None = None,
):
    """Phase 2: with ``n_steps`` fixed (and, with ports of unequal supply, the least run time
    kept), minimise the integer-scaled error proxy."""
    m = _Model(protocol, costs, n_steps)
    model = m.model
    if ports is not None:
        model.add(sum(m.durations(ports)) <= least_time)
    steps = range(n_steps)
    scale = _scale(costs)

    def integer(value: float) -> int:
        return round(value * scale)

    objective = []
    for r, row in enumerate(costs.rotation):
        low = min(row)
        objective.append(integer(low))  # constant part; options pay their excess
        for s in steps:
            for i, cost in enumerate(row):
                model.add_hint(m.x[r][s][i], hint[r][s][i])
                if integer(cost - low):
                    objective.append(integer(cost - low) * m.x[r][s][i])
    consumption = {}
    capacity = sum(
        len(pool) for pool in {g for opts in costs.options for g in opts if g is not None}
    )
    for q in range(1, protocol.n_qubits + 1):
        uses = sum(q in rot.support for rot in protocol.rotations)
        fast = any(
            None in opts and rot.support == (q,)
            for rot, opts in zip(protocol.rotations, costs.options)
        )
        least_life = math.ceil(uses / (capacity + fast))  # steps q must live: rotations per step
        # started[s]: q is alive from step s on (first <= s); ended[s]: measured before s;
        # waiting[s]: an output is not yet consumed after step s (s < consumption step).
        started = [model.new_bool_var(f"started{q}_{s}") for s in steps]
        for s in steps[:-1]:
            model.add_implication(started[s], started[s + 1])
        for s in steps:
            for v in m.on(q, s):
                model.add_implication(v, started[s])
        z_step, x_step = integer(costs.z_step[q - 1]), integer(costs.x_step[q - 1])
        if q not in protocol.outputs:
            ended = [model.new_bool_var(f"ended{q}_{s}") for s in steps]
            for s in steps[:-1]:
                model.add_implication(ended[s], ended[s + 1])
            for s in steps:
                for v in m.on(q, s):
                    model.add_implication(v, ~ended[s])
            objective.append(z_step * sum(started[s] - ended[s] for s in steps))
            model.add(sum(started[s] - ended[s] for s in steps) >= least_life)
            continue
        waiting = [model.new_bool_var(f"waiting{q}_{s}") for s in steps]
        deferred = model.new_bool_var(f"deferred{q}")
        for s in steps[1:]:
            model.add_implication(waiting[s], waiting[s - 1])
            for v in m.on(q, s):
                model.add_implication(v, waiting[s - 1])
        model.add(waiting[-1] == 0)
        if consumption_mode == "deferred":
            model.add(deferred == 1)
        _consumption_rules(m, costs, leaving, q, waiting, deferred)
        consumption[q] = (waiting, deferred)
        full = [started[s] + waiting[s] - 1 for s in steps]  # alive for a whole step
        model.add(sum(full) + 1 >= least_life)
        # the +1 and sum(waiting) break ties towards early, in-step consumption
        objective.append(z_step * sum(full) + (z_step + x_step + 1) * deferred + sum(waiting))
        objective.append(integer(costs.z_consume[q - 1] + costs.x_consume[q - 1]))
        # An X error on an output with m rotations on it still to come becomes m pi/4 errors
        # that the checks catch unless none fires: it survives with weight 2^-m. The cost of a
        # full step is bounded below by the tangents of the convex 2^-m, gated by ``full``.
        for s in steps:
            later = sum(v for t in steps if t > s for v in m.on(q, t))
            paid = model.new_int_var(0, x_step, f"xpaid{q}_{s}")
            for j in range(min(uses, 3)):
                slope = x_step / 2 ** (j + 1)
                model.add(
                    paid
                    >= round(x_step / 2**j + slope * j)
                    - round(slope) * later
                    - 2 * x_step * (1 - full[s])
                )
            objective.append(paid)
    model.minimize(sum(objective))
    solver, status = m.solve(work)
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise ScheduleError(
            _failure(f"the least error proxy in {n_steps} steps", status, time_limit)
        )
    steps_out = []
    for s in steps:
        chosen = sorted(
            (i, r)
            for r, opts in enumerate(costs.options)
            for i in range(len(opts))
            if solver.boolean_value(m.x[r][s][i])
        )
        free = {pool: list(pool) for opts in costs.options for pool in opts if pool is not None}
        placed = []
        for i, r in sorted(chosen, key=lambda t: (costs.options[t[1]][t[0]] is None, t)):
            pool = costs.options[r][i]
            placed.append(
                Placement(protocol.rotations[r], None if pool is None else free[pool].pop(0))
            )
        steps_out.append(tuple(placed))
    consumed = tuple(
        Consumption(
            q,
            sum(solver.boolean_value(w) for w in waiting) + 1,
            bool(solver.boolean_value(deferred)),
        )
        for q, (waiting, deferred) in sorted(consumption.items())
    )
    schedule = Schedule(
        "cpsat", tuple(steps_out), consumed, reference="layouts/scheduler.py (CP-SAT)"
    )
    objective = solver.objective_value / scale if scale else 0.0
    return schedule, status, objective, solver.response_proto.deterministic_time


@dataclass(frozen=True)
class _Leaving:
    """What the consumption rules (layouts/consumption.py) need in the model: how many steps
    before the last an in-step consumption may start (post-selection first, with the longest
    step), how many steps an output occupies its region from its consumption step on (access,
    with the shortest step), and which pooled rotation uses the stretch at which output."""

    earliest_before_end: int
    occupied_steps: int
    uses: dict[tuple[int, tuple[str, ...]], frozenset[int]]


def _leaving(
    protocol: Protocol,
    layout: Layout,
    level: int,
    d: Distances,
    costs: _Costs,
    longest: float,
    shortest: float,
    d_m_range: tuple[float, float],
) -> _Leaving:
    """In-step consumption at step c leaves at start(c) + d_m + 2 d_x; with steps of tau it is
    after the end of the last surgery (start(N) + d_m) iff N - c <= 2 d_x / tau, and it occupies
    the steps c .. c + ceil((d_m + 2 d_x) / tau) - 1. With steps between ``shortest`` and
    ``longest`` and d_m between the bounds of ``d_m_range`` (per-step d_m), the worst case of
    each."""
    low, high = d_m_range
    d_x, consume = float(d.d_x), float((CONSUMPTION_TIME + Length(dm=-1)).evaluate(d)) + high
    uses = {
        (r, pool): frozenset(
            o
            for o in protocol.outputs
            if layout.uses(protocol.rotations[r].support, pool[0], o, level=level)
        )
        for r, opts in enumerate(costs.options)
        for pool in opts
        if pool is not None
    }
    return _Leaving(
        math.floor((2 * d_x - (high - low)) / longest * (1 + 1e-12)),
        math.ceil(consume / shortest * (1 - 1e-12)),
        uses,
    )


def _consumption_rules(m: _Model, costs: _Costs, leaving: _Leaving, q: int, waiting, deferred):
    """Output ``q`` is consumed in the step after the last ``waiting`` one. Deferred: only
    after the last step. In-step: no more than ``earliest_before_end`` steps before the last
    (post-selection first), and a region free at q in every step it occupies (access)."""
    model, n = m.model, m.n_steps
    if n >= 2:
        model.add_implication(deferred, waiting[n - 2])
    first = n - leaving.earliest_before_end  # earliest in-step consumption step, 1-based
    if first >= 2:
        model.add(waiting[first - 2] + deferred >= 1)
    pools = sorted({g for opts in costs.options for g in opts if g is not None})
    for t in range(n):
        before = waiting[t - leaving.occupied_steps] if t >= leaving.occupied_steps else 1
        rooms = []
        for i, pool in enumerate(pools):
            blocking = [
                m.x[r][t][j]
                for r, opts in enumerate(costs.options)
                for j, g in enumerate(opts)
                if g == pool and q in leaving.uses[r, pool]
            ]
            if not blocking:
                rooms = None  # a pool nobody blocks at q: always free
                break
            room = model.new_bool_var(f"access{q}_{t}_{i}")
            model.add(sum(blocking) + room <= len(pool))
            rooms.append(room)
        if rooms is None:
            continue
        # in transit in step t: consumed in-step at some step in (t - occupied, t]
        model.add(sum(rooms) >= before - waiting[t] - deferred)


def schedule_cpsat(
    protocol: Protocol,
    layout: Layout,
    *,
    level: int,
    d: Distances,
    noise: NoiseModel,
    time_limit: float = DEFAULT_WORK,
    tau: float | None = None,
    feed: InjectedState | PortSupply | None = None,
    consumption: str = "allowed",
    cache: bool = True,
) -> ScheduleResult:
    """Schedule ``protocol`` on ``layout`` with CP-SAT: fewest steps, then least error proxy.

    Args:
        protocol: the rotations to schedule.
        layout: patches and ancilla regions (every qubit needs a patch).
        level: 1 (faulty T measurements) or 2 (level-1 states through the regions' ports).
        d: the level's distances, one parameter point (the proxy takes the level's d_m in
            every step; the consumption constraints hold for any per-step d_m in the range
            of ``d_m_step``).
        noise: the noise model at one parameter point.
        time_limit: budget of both solves together in seconds of CP-SAT's deterministic time
            (one worker, fixed seed): the result does not depend on the machine's load.
        tau: step duration in cycles (with per-port supply, the longest step); default d_m
            (level 1: exact, docs/model/storage.md; level 2: the shortest step of the standard
            arrangement, docs/model/two-level.md, and then an output may leave in-step only in the last
            step, since post-selection first needs the real step time).
        feed: level 2 only, the level-1 states (error p_in, travel l_move) as
            estimator.factory builds them; default p_in = 35 p_t^3 (Litinski 2019, Sec. 1), l_move = 0.
            Only the proxy's weights depend on it.
        consumption: "allowed" (each output in-step or deferred, from its last rotation on,
            within the consumption rules of layouts/consumption.py) or "deferred" (every
            output after the protocol's last step).
        cache: reuse the schedule of an earlier call of the same class (same protocol, layout,
            level, consumption, budget and ordering of the proxy coefficients).

    Returns:
        A ScheduleResult; its schedule validates against ``protocol`` and ``layout``.

    Raises:
        LayoutError: a qubit without a patch, outputs that differ from the protocol's, or a
            rotation that no ancilla region can host.
        ScheduleError: bad level, time limit or parameters; CP-SAT infeasible, out of time,
            stopped by the wall-clock guard or failing (the message names the status).

    References:
        docs/model/noise.md, docs/model/rotations.md, docs/model/storage.md and docs/model/geometry.md (rules), 10 (the published schedules it competes with).
    """
    start = time.perf_counter()
    if level not in (1, 2):
        raise ScheduleError(f"schedule_cpsat: level must be 1 or 2, got {level!r}")
    if not time_limit > 0:
        raise ScheduleError(f"schedule_cpsat: time_limit must be positive, got {time_limit!r}")
    if consumption not in CONSUMPTION_MODES:
        raise ScheduleError(
            f"schedule_cpsat: consumption must be one of {', '.join(CONSUMPTION_MODES)}, "
            f"got {consumption!r}"
        )
    try:
        point = d.scalar()
        noise.p_logical(1.0).item()
    except (TypeError, ValueError):
        raise ScheduleError(
            "schedule_cpsat needs one parameter point: scalar distances and p_phys"
        ) from None
    d_m_values = [float(v) for v in point.d_m_step] or [float(point.d_m)]
    d = replace(point, d_m_step=())
    idle = [
        q
        for q in range(1, protocol.n_qubits + 1)
        if not any(q in r.support for r in protocol.rotations)
    ]
    if idle:
        raise ScheduleError(
            f"protocol {protocol.name!r}: qubit(s) {idle} appear in no rotation, so nothing schedules them"
        )
    if set(layout.outputs) != set(protocol.outputs):
        raise LayoutError(
            f"layout {layout.name!r} has output patches {sorted(layout.outputs)} but protocol "
            f"{protocol.name!r} outputs {list(protocol.outputs)}"
        )
    step_time = float(d.d_m) if tau is None else float(tau)
    model = _level(protocol, layout, level, d, noise, step_time, feed)
    costs = _costs(protocol, layout, level, d, model)
    # without the real step time a level-2 output may leave in-step only in the last step
    longest = step_time if tau is not None or level == 1 else math.inf
    shortest = step_time
    if isinstance(feed, PortSupply):
        shortest = max(float(feed.min_step), min(float(p.per_state) for p in feed.ports))
        shortest = min(shortest, step_time)
    if level == 1 and tau is None:  # per-step d_m: steps from the shortest to the longest
        longest, shortest = max(d_m_values + [longest]), min(d_m_values + [shortest])
    d_m_range = (min(d_m_values + [float(d.d_m)]), max(d_m_values + [float(d.d_m)]))
    leaving = _leaving(protocol, layout, level, d, costs, longest, shortest, d_m_range)
    ports = _port_times(layout, costs, feed) if level == 2 else None
    key = (
        protocol.rotations,
        protocol.outputs,
        layout,
        level,
        consumption,
        float(time_limit),
        _class_signature(costs),
        leaving.earliest_before_end,
        leaving.occupied_steps,
        ports,
    )
    if cache and key in _CACHE:
        return replace(_CACHE[key], cached=True, wall_time_s=0.0)
    # the least run time is a harder search than the fewest steps: it gets half of the budget
    first = time_limit if ports is None else time_limit / 2
    n_steps, proven, hint, spent, least_time = _fewest_steps(protocol, costs, first, ports)
    schedule, status, objective, spent2 = _least_error(
        protocol,
        costs,
        n_steps,
        hint,
        time_limit - spent,
        time_limit,
        consumption,
        leaving,
        ports,
        least_time,
    )
    schedule.validate(protocol, layout, level=level)
    result = ScheduleResult(
        schedule, status, proven, time.perf_counter() - start, objective, spent + spent2
    )
    if cache:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    return result
