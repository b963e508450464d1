"""The screen: the cheapest factories of the design space, found with the batched engine.

One level: every block over its distance grid (estimator.planning.blocks). Two levels: level-1
factories (every feeder block over its grid, Pareto-pruned on error, qubits, time per state and
length) combined with every top block over a band of level-2 distances and a range of counts
n_L1. Level-2 distances that miss the target even with ideal inputs are dropped. The
combinations are taken in the order of a lower bound of their cost (p_fail = 0) and simulated
in batches until the bound exceeds the best costs found. A top block's p_out grows with its
input error p_in (docs/model/rotations.md), so before a batch is simulated each of its level-2 distances
gets a ceiling on p_in (bisection, the other inputs at their smallest) and combinations above
it are dropped unseen. Pure: no printing; ``progress`` is told
what happens.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from estimator.planning.blocks import (
    Block,
    LevelOneTable,
    block,
    least_d_m,
    level_one_table,
    pareto,
    subset,
    valid,
)
from estimator.planning.space import Space, TopOption
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import simulate
from layouts.arrangement import ARRANGEMENTS, Arrangement, square_column
from layouts.error_terms import InjectedState, Level
from layouts.layout import Distances

BATCH = 256
"""Combinations simulated per batch of the two-level screen."""
PREFETCH = 16
"""Chunks ahead whose input ceilings are computed together: one simulation batch instead of
one per chunk (a few rows each, where the per-call cost dominated: 144 of 214 CPU seconds of
Table 1 row 9's plan before)."""
BISECTION_STEPS = 5
"""Halvings of each input ceiling (log scale)."""
COST_KEYS = ("qubitcycles", "qubits", "cycles")
TOLERANCE = 1e-9
"""Relative slack of the target (far below the simulator's guaranteed precision, 1e-6)."""
Progress = Callable[[str, float], None]
"""``progress(what, fraction)``: what the screen does and the fraction of the stage done."""


@dataclass(frozen=True)
class Feed:
    """A kind of feeding factory in a candidate: a level-1 block at distances, or (three
    levels) a two-level candidate, and the count."""

    block: Block | None
    d: Distances | None
    count: int
    factory: Candidate | None = None


@dataclass(frozen=True)
class Candidate:
    """A point of the design space found by the screen (uniform distances; d_m_step from the
    check-only rule), with its screened numbers."""

    top: Block
    d: Distances
    feeds: tuple[Feed, ...]
    arrangement: str | None
    p_out: float
    qubits: float
    cycles: float
    cost: float


@dataclass(frozen=True)
class Request:
    """What is wanted: p_out <= target, the cost to minimise, at most ``max_qubits``."""

    target: float
    by: str = "qubitcycles"
    max_qubits: float = math.inf
    keep: int = 6

    @property
    def limit(self) -> float:
        """The largest p_out accepted: the target, to the relative precision TOLERANCE (the
        same factory evaluated in another batch may differ in the last bits)."""
        return self.target * (1 + TOLERANCE)


def _cost(by: str, qubits, cycles, outputs):
    if by == "qubits":
        return np.asarray(qubits, float)
    if by == "cycles":
        return np.asarray(cycles, float)
    return np.asarray(qubits, float) * np.asarray(cycles, float) / outputs


def _best(costs: np.ndarray, keep: int) -> np.ndarray:
    return np.argsort(costs, kind="stable")[:keep]


def one_level(noise: NoiseModel, space: Space, request: Request, tables: dict) -> list[Candidate]:
    """The cheapest one-level factories that reach the target."""
    found = []
    for option in space.one_level:
        costed = table(noise, option, space.d_max_1, tables)
        ok = (costed.p_out <= request.limit) & (costed.qubits <= request.max_qubits)
        costs = _cost(request.by, costed.qubits, costed.cycles, costed.outputs)
        costs = np.where(ok, costs, np.inf)
        for i in _best(costs, request.keep):
            if np.isfinite(costs[i]):
                found.append(
                    Candidate(
                        costed.block,
                        costed.distances(int(i)),
                        (),
                        None,
                        float(costed.p_out[i]),
                        float(costed.qubits[i]),
                        float(costed.cycles[i]),
                        float(costs[i]),
                    )
                )
    return found


def table(noise: NoiseModel, option, d_max: int, tables: dict) -> LevelOneTable:
    """The level-1 table of a block option, computed once per plan (kept in ``tables``)."""
    if option not in tables:
        tables[option] = level_one_table(noise, block(option, 1, noise), d_max)
    return tables[option]


@dataclass(frozen=True)
class _Feeders:
    """Feeding factories pooled over kinds (Pareto-pruned): arrays of their numbers, and
    ``make(i, n)``, the Feed of n factories of entry i."""

    p_out: np.ndarray
    cycles: np.ndarray
    qubits: np.ndarray
    column: np.ndarray
    outputs: np.ndarray
    make: Callable[[int, int], Feed]


def _pool(p_out, cycles, qubits, column, outputs, make) -> _Feeders:
    """The entries no other one beats in error, qubits, time per state and length."""
    keep = (p_out < 0.05) & np.isfinite(cycles)
    front = np.flatnonzero(keep)[
        pareto(p_out[keep], qubits[keep], cycles[keep] / outputs[keep], column[keep])
    ]
    return _Feeders(
        p_out[front],
        cycles[front],
        qubits[front],
        column[front],
        outputs[front],
        lambda i, n: make(int(front[i]), n),
    )


def feeders(noise: NoiseModel, space: Space, request: Request, tables: dict) -> _Feeders:
    """Every level-1 factory no other one beats in error, qubits, time per state and length."""
    parts = [table(noise, option, space.d_max_1, tables) for option in space.feeders]
    which = np.concatenate([np.full(len(t.p_out), j) for j, t in enumerate(parts)])
    row = np.concatenate([np.arange(len(t.p_out)) for t in parts])
    col = {
        name: np.concatenate([np.asarray(getattr(t, name), float) for t in parts])
        for name in ("p_out", "cycles", "qubits", "column")
    }
    outputs = np.concatenate([np.full(len(t.p_out), t.outputs, float) for t in parts])

    def make(i: int, n: int) -> Feed:
        table = parts[which[i]]
        return Feed(table.block, table.distances(int(row[i])), n)

    return _pool(col["p_out"], col["cycles"], col["qubits"], col["column"], outputs, make)


def two_level_feeders(candidates: list[Candidate]) -> _Feeders:
    """Two-level factories as the feeders of a level-3 block; a factory's length along its
    routing column is the side of a square of its area (docs/model-extensions.md E5)."""
    p_out = np.array([c.p_out for c in candidates])
    cycles = np.array([c.cycles for c in candidates])
    qubits = np.array([c.qubits for c in candidates])
    outputs = np.array([float(c.top.spec.protocol.outputs_per_run) for c in candidates])
    return _pool(
        p_out,
        cycles,
        qubits,
        square_column(qubits),
        outputs,
        lambda i, n: Feed(None, None, n, candidates[i]),
    )


def _level2_band(noise: NoiseModel, target: float, d_max: int) -> list[tuple[float, ...]]:
    """Level-2 distances worth trying: d_x2 from the smallest whose output patch, consumed in
    d_m2 + 2 d_x2 >= 2 d_x2 cycles, can reach the target (docs/model/storage.md) to 10 more; any
    3 <= d_z2, d_m2 <= d_x2."""
    low = next(
        (
            d
            for d in range(3, d_max + 1, 2)
            if float(noise.p_logical(d)) * d <= target  # (1/2 p_L) (2 d_x2): a lower bound
        ),
        d_max,
    )
    least = least_d_m(noise)
    return [
        (dx, dz, dm)
        for dx in range(low, min(low + 10, d_max) + 1, 2)
        for dz, dm in itertools.product(range(3, dx + 1, 2), repeat=2)
        if dm >= least
    ]


def _block_p_out(noise, top: Block, d2: Distances, tau, p_in, l_move, precision="auto"):
    """p_out and p_fail of the top block for arrays of distances and inputs; NaN where the
    model does not apply."""
    spec = replace(top.spec, d=d2)
    size = np.broadcast(np.asarray(d2.d_x), np.asarray(tau), np.asarray(p_in)).size
    p_out, p_fail = np.full(size, np.nan), np.full(size, np.nan)

    def level(mask):
        def take(v):
            a = np.broadcast_to(np.asarray(v, float), (size,))
            return a[mask]

        d = subset(
            Distances(
                *(np.broadcast_to(np.asarray(v, float), (size,)) for v in (d2.d_x, d2.d_z, d2.d_m))
            ),
            mask,
        )
        return Level(
            spec.protocol,
            spec.layout,
            spec.schedule,
            d,
            noise,
            take(tau),
            InjectedState(take(p_in), take(l_move)),
        )

    everything = level(np.ones(size, bool))
    ok = valid(everything)
    if not ok.any():
        return p_out, p_fail
    lvl = everything if ok.all() else level(ok)
    protocol = spec.protocol
    sim = simulate(protocol.n_qubits, protocol.checks, lvl.channels(), precision=precision)
    p_out[ok] = sim.infidelity / protocol.outputs_per_run
    p_fail[ok] = sim.p_fail
    return p_out, p_fail


def _ceiling(evaluate, low: np.ndarray, high: np.ndarray, target: float) -> np.ndarray:
    """Per point, an upper bound of the values in [low, high] with evaluate(value) <= target,
    for an increasing ``evaluate``: the smallest value bisection (log scale) found above the
    target (``high`` when even that is fine; NaN when already ``low`` is not). Larger values
    certainly miss the target; smaller ones may or may not."""
    ok_low = evaluate(low) <= target
    lo, hi = np.log(low), np.log(high)
    ok_high = evaluate(high) <= target
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        fine = evaluate(np.exp(mid)) <= target
        lo, hi = np.where(fine, mid, lo), np.where(fine, hi, mid)
    ceiling = np.where(ok_high, np.inf, np.exp(hi))
    return np.where(ok_low, ceiling, np.nan)


def two_level(
    noise: NoiseModel,
    space: Space,
    request: Request,
    tables: dict,
    progress: Progress | None = None,
) -> list[Candidate]:
    """The cheapest two-level factories that reach the target (see module docstring)."""
    if not (space.tops and space.feeders):
        return []
    pool = feeders(noise, space, request, tables)
    found = []
    for t, option in enumerate(space.tops):
        found += _top(noise, space, request, pool, option, _part(progress, t, len(space.tops)))
    return found


def _part(progress: Progress | None, i: int, n: int) -> Progress | None:
    """The progress of part i of n of a stage, as a fraction of the whole stage."""
    if progress is None:
        return None
    return lambda what, fraction: progress(what, (i + fraction) / n)


def three_level(
    noise: NoiseModel,
    space: Space,
    request: Request,
    tables: dict,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Three-level factories (docs/model-extensions.md E5): the cheapest two-level T
    factories for a ladder of intermediate targets (one per decade from the input error a
    15-to-1 level 3 tolerates at first sight, 35 p_in^3 = target) feed level-3 blocks."""
    if not (space.feeders and space.tops):
        return []
    inner_space = replace(space, tops=space.inner_tops)
    start = math.floor(math.log10((request.target / 35) ** (1 / 3)))
    inner = []
    parts = space.inner_targets + len(space.tops)
    for k in range(space.inner_targets):
        target = 10.0 ** (start - k)
        inner_request = replace(request, target=target, keep=2, max_qubits=math.inf)
        inner += two_level(
            noise, inner_space, inner_request, tables, progress=_part(progress, k, parts)
        )
    if not inner:
        return []
    pool = two_level_feeders(inner)
    found = []
    for t, option in enumerate(space.tops):
        where = _part(progress, space.inner_targets + t, parts)
        found += _top(noise, space, request, pool, option, where, level=3)
    return found


def _top(
    noise, space, request, pool: _Feeders, option: TopOption, progress, level: int = 2
) -> list[Candidate]:
    if progress:
        progress(f"level {level}: {option}", 0.0)
    top = block(option.block, 2, noise)
    arrangement: Arrangement = ARRANGEMENTS[option.arrangement]()
    spec = top.spec
    k = len(spec.layout.regions)
    band = np.array(_level2_band(noise, request.target, space.d_max_2), float)
    if not len(band):
        return []
    d2 = Distances(band[:, 0], band[:, 1], band[:, 2])
    d_m2 = band[:, 2]
    min_step = arrangement.min_step * d_m2
    least_move = arrangement.move * d_m2 + arrangement.move_per_factory * pool.column.min()
    extra = arrangement.input_error * noise.p_logical(d_m2) * d_m2
    ideal, _ = _block_p_out(noise, top, d2, min_step, extra, least_move)
    fine = ideal <= request.limit
    if not fine.any():
        return []
    band, d_m2, min_step, least_move, extra = (
        a[fine] for a in (band, d_m2, min_step, least_move, extra)
    )
    ceil_p = np.full(len(band), np.nan)
    known = np.zeros(len(band), bool)

    def ceilings(rows: np.ndarray) -> None:
        """The input-error ceilings of the level-2 distances ``rows`` not yet known."""
        new = np.unique(rows[~known[rows]])
        if not len(new):
            return
        known[new] = True

        def test(v, at=new):
            d = Distances(band[at, 0], band[at, 1], band[at, 2])
            return _block_p_out(noise, top, d, min_step[at], extra[at] + v, least_move[at])[0]

        # no feeder delivers less than the cleanest: where that misses, every feeder does
        new = new[test(pool.p_out.min()) <= request.limit]
        if len(new):
            ceil_p[new] = _ceiling(
                lambda v: test(v, new),
                np.full(len(new), 1e-14),
                np.full(len(new), 0.05),
                request.limit,
            )

    # combinations: level-2 distances x feeders x counts; every port is fed by a column of its
    # own (docs/model/consumption-and-supply.md), so counts are multiples of the k ports
    i2, f = np.meshgrid(np.arange(len(band)), np.arange(len(pool.p_out)), indexing="ij")
    i2, f = i2.ravel(), f.ravel()
    per_state = pool.cycles[f] * k / pool.outputs[f]  # cycles per k states from one factory
    n_full = k * np.ceil(per_state / (k * min_step[i2]) - 1e-9)
    if arrangement.max_factories is not None:
        n_full = np.minimum(n_full, arrangement.max_factories)
    rows = []
    for back in range(3):
        rows.append((i2, f, n_full - k * back))
    if math.isfinite(request.max_qubits):
        for n in range(k, space.n_max + 1, k):
            rows.append((i2, f, np.full(i2.shape, float(n))))
    i2 = np.concatenate([r[0] for r in rows])
    f = np.concatenate([r[1] for r in rows])
    n = np.concatenate([r[2] for r in rows])
    keep = (n >= 1) & (n <= space.n_max)
    i2, f, n = i2[keep], f[keep], n[keep]
    unique = np.unique(np.stack([i2, f, n], axis=1), axis=0)
    i2, f, n = unique[:, 0].astype(int), unique[:, 1].astype(int), unique[:, 2]
    d_m = d_m2[i2]
    tau = np.maximum(pool.cycles[f] * k / (n * pool.outputs[f]), min_step[i2])
    p_in = pool.p_out[f] + extra[i2]
    l_move = arrangement.move * d_m + arrangement.move_per_factory * n * pool.column[f]
    tiles2 = spec.layout.tiles(Distances(band[i2, 0], band[i2, 1], d_m), level=2)
    feeders = arrangement.feeder_tiles(n, pool.qubits[f], d_m, pool.column[f])
    qubits = arrangement.qubits(tiles2, feeders, d_m)
    rounds = spec.schedule.n_rotations / k
    outputs = spec.protocol.outputs_per_run
    bound = _cost(request.by, qubits, rounds * tau, outputs)
    possible = qubits <= request.max_qubits
    order = np.flatnonzero(possible)[np.argsort(bound[possible], kind="stable")]
    best: list[tuple[float, int, float, float]] = []  # (cost, index, p_out, cycles)
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        if len(best) >= request.keep and bound[chunk[0]] >= best[request.keep - 1][0]:
            break
        if progress and start % (4 * BATCH) == 0:
            progress(f"level {level}: {option}", start / len(order))
        if not known[i2[chunk]].all():  # ceilings for this and the next chunks, in one batch
            ceilings(i2[order[start : start + PREFETCH * BATCH]])
        chunk = chunk[p_in[chunk] <= ceil_p[i2[chunk]] * (1 + 1e-9)]
        if not len(chunk):
            continue
        d = Distances(band[i2[chunk], 0], band[i2[chunk], 1], d_m[chunk])
        p_out, p_fail = _block_p_out(noise, top, d, tau[chunk], p_in[chunk], l_move[chunk])
        cycles = rounds * tau[chunk] / (1 - p_fail)
        costs = _cost(request.by, qubits[chunk], cycles, outputs)
        for j, c in enumerate(chunk):
            if np.isfinite(p_out[j]) and p_out[j] <= request.limit:
                best.append((float(costs[j]), int(c), float(p_out[j]), float(cycles[j])))
        best.sort()
        best = best[: request.keep]
    found = []
    for cost, c, p_out, cycles in best:
        feed = pool.make(int(f[c]), int(n[c]))
        d = Distances(float(band[i2[c], 0]), float(band[i2[c], 1]), float(d_m[c]))
        found.append(
            Candidate(top, d, (feed,), option.arrangement, p_out, float(qubits[c]), cycles, cost)
        )
    return found
