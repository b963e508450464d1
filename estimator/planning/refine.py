"""From screened candidates to verified factories: CP-SAT schedules at the candidates' own
points, then a local search over the model extensions, then the exact numbers.

``Plan`` is a candidate in full: every level with all of its distances explicit (per check
patch, per region, per step at level 1), so that its neighbours (one distance or count
changed by one step) have the same shape and are costed as one batch by
estimator.factory.estimate_design. The local search takes the cheapest neighbour that still
reaches the target until none is cheaper (docs/model-extensions.md lists the moves' rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from estimator.errors import ModelError
from estimator.factory import (
    Design,
    FactoryEstimate,
    Feed,
    LevelSpec,
    estimate_design,
    level_one,
    pick,
    stack_designs,
    supply,
)
from estimator.planning.blocks import FINAL_WORK, Block, check_only_steps, solve
from estimator.planning.screen import Candidate, Request, _cost
from estimator.sim.noise import NoiseModel
from layouts.arrangement import ARRANGEMENTS, square_column
from layouts.error_terms import Level, PortSupply
from layouts.layout import Distances

MAX_ROUNDS = 60
"""Most improving moves of the local search per candidate."""


@dataclass(frozen=True)
class Part:
    """One level of a plan: its block, its schedule (as a level spec) and its distances."""

    block: Block
    spec: LevelSpec
    solver: dict | None

    @property
    def d(self) -> Distances:
        return self.spec.d

    def at(self, d: Distances) -> Part:
        return replace(self, spec=replace(self.spec, d=d))


@dataclass(frozen=True)
class Plan:
    """A factory: a top part and its feeds (a level-1 part, or for three levels a two-level
    plan, with a count); arrangement None for one level."""

    top: Part
    feeds: tuple[tuple[Part | Plan, int], ...] = ()
    arrangement: str | None = None

    @property
    def n_levels(self) -> int:
        return 1 + max((f.n_levels if isinstance(f, Plan) else 1 for f, _ in self.feeds), default=0)

    @property
    def ports(self) -> int:
        """Entry ports of the top block (one per ancilla region; docs/model/geometry.md)."""
        return len(self.top.spec.layout.regions)

    def design(self) -> Design:
        def feed(f: Part | Plan) -> Design:
            return f.design() if isinstance(f, Plan) else Design(f.spec)

        if not self.feeds:
            return Design(self.top.spec)
        return Design(
            self.top.spec,
            tuple(Feed(feed(f), n) for f, n in self.feeds),
            ARRANGEMENTS[self.arrangement](),
        )


def explicit(d: Distances, spec: LevelSpec, level: int) -> Distances:
    """The same distances with every per-patch, per-region and (level 1) per-step value
    written out, so that neighbours stack into one batch."""
    checks = spec.protocol.checks
    return Distances(
        float(d.d_x),
        float(d.d_z),
        float(d.d_m),
        {q: float(d.check_d_z(q)) for q in checks},
        {r.name: float(d.width(r.name)) for r in spec.layout.regions},
        tuple(float(d.at_step(s).d_m) for s in range(1, spec.schedule.n_steps + 1))
        if level == 1
        else (),
    )


def plan_of(candidate: Candidate) -> Plan:
    """A screened candidate as a plan with its screening schedules."""
    top = Part(
        candidate.top,
        replace(candidate.top.spec, d=candidate.d),
        candidate.top.solver,
    )
    feeds = tuple(
        (
            plan_of(f.factory)
            if f.factory is not None
            else Part(f.block, replace(f.block.spec, d=f.d), f.block.solver),
            f.count,
        )
        for f in candidate.feeds
    )
    return Plan(top, feeds, candidate.arrangement)


def resolve(plan: Plan, noise: NoiseModel) -> Plan:
    """Schedule every CP-SAT level again at the plan's own point (level 2 with the real
    inputs of its feeds), keeping each level's d_m rule for check-only steps."""

    def again(part: Part, level: int, tau=None, feed=None) -> Part:
        if part.block.option.schedule != "cpsat":
            return part
        d = part.d
        schedule, solver = solve(
            part.block.option,
            level,
            part.spec.layout,
            noise,
            replace(d, d_m_step=()),
            work=FINAL_WORK,
            tau=tau,
            feed=feed,
        )
        spec = replace(part.spec, schedule=schedule)
        if d.d_m_step:
            low = min(float(v) for v in d.d_m_step)
            steps = tuple(low if c else float(d.d_m) for c in check_only_steps(spec))
            spec = replace(spec, d=replace(d, d_m_step=steps))
        return Part(part.block, spec, solver)

    feeds = tuple(
        (resolve(p, noise) if isinstance(p, Plan) else again(p, 1), n)
        for p, n in plan.feeds
    )
    if not feeds:
        return Plan(again(plan.top, 1))
    draft = replace(plan, feeds=feeds)
    feed = inputs(draft, noise)
    return replace(draft, top=again(plan.top, 2, float(feed.longest_step), feed))


def inputs(plan: Plan, noise: NoiseModel) -> PortSupply:
    """What each port of a fed plan's top block receives (docs/model/rotations.md, docs/model/two-level.md: per port)."""
    design = plan.design()
    fed = tuple(estimate_design(noise, f.factory) for f in design.feeds)
    return supply(
        noise, plan.top.d, plan.top.spec.layout, design.feeds, fed, design.arrangement
    )


def top_level(plan: Plan, noise: NoiseModel) -> Level:
    """The error terms of a plan's top block, with its real inputs."""
    spec = plan.top.spec
    if not plan.feeds:
        return level_one(noise, spec)
    feed = inputs(plan, noise)
    return Level(spec.protocol, spec.layout, spec.schedule, spec.d, noise, feed.longest_step, feed)


@dataclass(frozen=True)
class Scored:
    """A plan with its numbers."""

    plan: Plan
    estimate: FactoryEstimate
    cost: float


def _cost_of(request: Request, plan: Plan, estimate: FactoryEstimate) -> float:
    if not (
        float(estimate.p_out) <= request.limit and float(estimate.qubits) <= request.max_qubits
    ):
        return np.inf
    return float(
        _cost(request.by, estimate.qubits, estimate.cycles, plan.top.spec.protocol.outputs_per_run)
    )


def score_all(
    plans: list[Plan], noise: NoiseModel, request: Request, precision: str = "auto"
) -> list[Scored]:
    """Cost plans of one shape as one batch (one by one if the batch leaves the model)."""
    if not plans:
        return []
    try:
        designs = stack_designs([p.design() for p in plans])
        batch = estimate_design(noise, designs, precision=precision)
        estimates = [pick(batch, j) for j in range(len(plans))]
    except (ModelError, ValueError):  # some plan leaves the model: halve the batch
        if len(plans) == 1:
            return [Scored(plans[0], None, np.inf)]
        half = len(plans) // 2
        return score_all(plans[:half], noise, request, precision) + score_all(
            plans[half:], noise, request, precision
        )
    return [
        Scored(p, e, _cost_of(request, p, e) if inside_validity(p, noise) else np.inf)
        for p, e in zip(plans, estimates)
    ]


def inside_validity(plan: Plan, noise: NoiseModel) -> bool:
    """Whether a plan lies where the model's constants were checked at circuit level (region
    widths, d_m; estimator.calibration.validity, docs/model/validity.md): the planner returns
    no design that the config loader would refuse."""
    from estimator.calibration.validity import check

    return not check(plan.design(), noise)


Move = Callable[[Plan, int], "Plan | None"]
"""A coordinate of a plan: ``move(plan, sign)`` is the plan with it one step up (+1) or down
(-1), or None where that leaves the space (a distance below 3, a d_z above d_x, no factory)."""


def _valid(d: Distances) -> bool:
    values = [d.d_x, d.d_z, d.d_m, *d.d_z_patch.values(), *d.region_width.values(), *d.d_m_step]
    return min(values) >= 3 and max([d.d_z, *d.d_z_patch.values()]) <= d.d_x


def _level_moves(d: Distances, level: int) -> list[Callable[[Distances, int], Distances]]:
    """Distance coordinates of one level: d_x, d_z (all checks), d_m (all steps), each check's
    d_z, each region's width, (level 1) each step's d_m; a step is 2."""
    moves = [
        lambda d, s: replace(d, d_x=d.d_x + 2 * s),
        lambda d, s: replace(
            d, d_z=d.d_z + 2 * s, d_z_patch={q: v + 2 * s for q, v in d.d_z_patch.items()}
        ),
        lambda d, s: replace(d, d_m=d.d_m + 2 * s, d_m_step=tuple(v + 2 * s for v in d.d_m_step)),
    ]
    moves += [
        lambda d, s, q=q: replace(d, d_z_patch={**d.d_z_patch, q: d.d_z_patch[q] + 2 * s})
        for q in d.d_z_patch
    ]
    moves += [
        lambda d, s, r=r: replace(d, region_width={**d.region_width, r: d.region_width[r] + 2 * s})
        for r in d.region_width
    ]
    if level == 1:
        moves += [
            lambda d, s, i=i: replace(
                d,
                d_m_step=(steps := tuple(v + 2 * s * (j == i) for j, v in enumerate(d.d_m_step))),
                d_m=max(steps),
            )
            for i in range(len(d.d_m_step))
        ]
    return moves


def coordinates(plan: Plan) -> list[Move]:
    """Every coordinate of a plan: the distances of each level and each feed's count."""

    def top_move(move):
        def apply(p: Plan, s: int) -> Plan | None:
            d = move(p.top.d, s)
            return replace(p, top=p.top.at(d)) if _valid(d) else None

        return apply

    def feed_move(j, move):
        def apply(p: Plan, s: int) -> Plan | None:
            part, n = p.feeds[j]
            d = move(part.d, s)
            if not _valid(d):
                return None
            feeds = list(p.feeds)
            feeds[j] = (part.at(d), n)
            return replace(p, feeds=tuple(feeds))

        return apply

    def count_move(j):  # one factory more or less per port (equal columns)
        def apply(p: Plan, s: int) -> Plan | None:
            part, n = p.feeds[j]
            if n + s * p.ports < 1:
                return None
            feeds = list(p.feeds)
            feeds[j] = (part, n + s * p.ports)
            return replace(p, feeds=tuple(feeds))

        return apply

    out = [top_move(m) for m in _level_moves(plan.top.d, 2 if plan.feeds else 1)]
    for j, (part, _) in enumerate(plan.feeds):
        if isinstance(part, Part):  # a two-level feeder keeps its screened distances
            out += [feed_move(j, m) for m in _level_moves(part.d, 1)]
        out.append(count_move(j))
    return out


def neighbours(plan: Plan) -> list[Plan]:
    """Plans one step away in one coordinate (same shape: they cost as one batch)."""
    return [q for move in coordinates(plan) for s in (-1, 1) if (q := move(plan, s)) is not None]


def exchanges(plan: Plan) -> list[Plan]:
    """Plans with one coordinate a step down and another a step up: the way out of a local
    optimum where lowering any one distance misses the target."""
    moves = coordinates(plan)
    out = []
    for i, down in enumerate(moves):
        lower = down(plan, -1)
        if lower is None:
            continue
        out += [q for j, up in enumerate(moves) if j != i and (q := up(lower, 1)) is not None]
    return out


def mixes(plan: Plan) -> list[Plan]:
    """Plans where one feeding factory per port is replaced by a cheaper kind, the same block
    with one distance lower (extension E4); every port keeps the same mix, so each column
    supplies its port as the pooled count says (per-port supply)."""
    k = plan.ports
    if len(plan.feeds) != 1 or plan.feeds[0][1] < 2 * k or isinstance(plan.feeds[0][0], Plan):
        return []
    part, n = plan.feeds[0]
    single = replace(plan, feeds=((part, k),))
    out = []
    for move in coordinates(single)[:-1]:  # the level-1 distances (not the count)
        lower = move(single, -1)
        if lower is not None and lower.feeds[0][0] is not part and lower.top is single.top:
            out.append(replace(plan, feeds=((part, n - k), lower.feeds[0])))
    return out


def _bounds(plan: Plan, memo: dict | None = None) -> tuple[float, float, float]:
    """(qubits, cycles with every p_fail = 0, column length) of a plan (docs/model/two-level.md, docs/model/costs.md):
    qubits exactly, cycles a lower bound (a feeder's cycles only lengthen the step above).
    ``memo`` keeps the feeders' bounds by identity (neighbours share their unchanged parts)."""
    top = plan.top.spec
    if not plan.feeds:
        cycles = sum(float(top.d.at_step(s).d_m) for s in range(1, top.schedule.n_steps + 1))
        qubits = float(top.layout.qubits(top.d, level=1))
        return qubits, cycles, float(top.layout.row_width().evaluate(top.d))
    arrangement = ARRANGEMENTS[plan.arrangement]()
    d_m = float(top.d.d_m)
    k = len(top.layout.regions)
    rate, feeders = 0.0, 0.0
    for feed, n in plan.feeds:
        sub = feed if isinstance(feed, Plan) else Plan(feed)
        if memo is None or id(feed) not in memo:
            found = _bounds(sub, memo)
            if memo is None:
                memo = {}
            memo[id(feed)] = (feed, found)  # the part itself keeps its id from being reused
        qubits, cycles, column = memo[id(feed)][1]
        rate += n * sub.top.spec.protocol.outputs_per_run / cycles
        feeders += arrangement.feeder_tiles(n, qubits, d_m, column)
    tau = max(k / rate, arrangement.min_step * d_m)
    qubits = float(arrangement.qubits(float(top.layout.tiles(top.d, level=2)), feeders, d_m))
    return qubits, top.schedule.n_rotations / k * tau, float(square_column(qubits))


def lower_bound(plan: Plan, request: Request, memo: dict | None = None) -> float:
    """A lower bound of a plan's cost without simulating: its qubits exactly (geometry,
    docs/model/costs.md) and its cycles with every p_fail = 0 (docs/model/costs.md)."""
    qubits, cycles, _ = _bounds(plan, memo)
    return float(_cost(request.by, qubits, cycles, plan.top.spec.protocol.outputs_per_run))


def _promising(plans: list[Plan], best: Scored, request: Request) -> list[Plan]:
    """The plans whose lower bound is below the best cost (only they can improve on it)."""
    memo: dict = {}
    return [p for p in plans if lower_bound(p, request, memo) < best.cost * (1 - 1e-9)]


def local_search(
    start: Plan,
    noise: NoiseModel,
    request: Request,
    progress: Callable[[str], None] | None = None,
) -> Scored:
    """Descent from ``start``: the cheapest neighbour (or feeder mix) that still reaches the
    target while one is cheaper; at a local optimum, the cheapest exchange of two
    coordinates, if it is cheaper."""
    top_level = 2 if start.feeds else 1
    start = replace(
        start,
        top=start.top.at(explicit(start.top.d, start.top.spec, top_level)),
        feeds=tuple(
            (p if isinstance(p, Plan) else p.at(explicit(p.d, p.spec, 1)), n)
            for p, n in start.feeds
        ),
    )
    (best,) = score_all([start], noise, request)
    for _ in range(MAX_ROUNDS):
        candidates = []
        for plans in (neighbours(best.plan), mixes(best.plan)):
            plans = _promising(plans, best, request)
            if plans:
                candidates += score_all(plans, noise, request)
        better = min(candidates, key=lambda s: s.cost, default=None)
        if better is None or not better.cost < best.cost * (1 - 1e-9):
            plans = _promising(exchanges(best.plan), best, request)
            better = min(score_all(plans, noise, request), key=lambda s: s.cost, default=None)
            if better is None or not better.cost < best.cost * (1 - 1e-9):
                break
        best = better
        if progress:
            progress(f"refined to {best.cost:.4g}")
    return best
