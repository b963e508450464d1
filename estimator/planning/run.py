"""``plan``: the cheapest factories for a physical error rate and a target output error.

1. Screen (estimator.planning.screen): one- and two-level factories over the design space with
   the batched engine; the cheapest few per block.
2. Re-solve: every CP-SAT level of the best candidates is scheduled again at the candidate's
   own point (class cache, deterministic budget).
3. Refine (estimator.planning.refine): a local search over distances, per-patch d_z, region
   widths, per-step d_m, counts and feeder mixes.
4. Verify: the exact engine (float64 where it provably suffices, else fixed point) gives the
   reported numbers, also with every output deferred (docs/model/storage.md).

Deterministic: the same request gives the same answer on any machine load and after any other
request (each plan starts from empty CP-SAT class and block caches). Pure: progress is reported
through a callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from estimator.limits import require
from estimator.planning import result
from estimator.planning.blocks import clear_blocks, level_one_grid
from estimator.planning.refine import local_search, plan_of, resolve, score_all
from estimator.planning.screen import COST_KEYS, Request, one_level, three_level, two_level
from estimator.planning.space import OUTPUTS, Space, default_space
from estimator.sim.noise import NoiseModel
from layouts.scheduler import clear_cache

FINALISTS = 5
"""Screened candidates that are re-solved, refined and verified."""
SECONDS_PER_BLOCK = (20.0, 60.0)
"""Rough time of the screen per one-level block and per level-2 block (for the limit check)."""


@dataclass(frozen=True)
class PlanRequest:
    """A planner request (``msd plan`` options)."""

    p_phys: float
    target: float
    output: str = "T"
    by: str = "qubitcycles"
    max_qubits: float = math.inf
    consumption: str = "allowed"
    top: int = 5
    levels: tuple[int, ...] = (1, 2)
    max_distance: int | None = None

    def space(self) -> Space:
        """The default space for the output, cut to the requested levels and distances."""
        space = default_space(self.output)
        cap = self.max_distance
        return replace(
            space,
            one_level=space.one_level if 1 in self.levels else (),
            d_max_1=space.d_max_1 if cap is None else min(space.d_max_1, cap),
            d_max_2=space.d_max_2 if cap is None else min(space.d_max_2, cap),
        )


def check(request: PlanRequest) -> None:
    """ValueError naming the option of a bad request."""
    if not 0 < request.p_phys < 0.01:
        raise ValueError(f"--p: must lie in (0, 0.01), got {request.p_phys:g}")
    if not 0 < request.target < 1:
        raise ValueError(f"--target: must lie in (0, 1), got {request.target:g}")
    if request.output not in OUTPUTS:
        raise ValueError(f"--output: must be one of {', '.join(OUTPUTS)}")
    if request.by not in COST_KEYS:
        raise ValueError(f"--by: must be one of {', '.join(COST_KEYS)}")
    if not request.max_qubits > 0:
        raise ValueError(f"--max-qubits: must be positive, got {request.max_qubits:g}")
    if request.top < 1:
        raise ValueError(f"--top: must be a positive integer, got {request.top}")
    if not request.levels or not set(request.levels) <= {1, 2, 3}:
        raise ValueError(f"--levels: must be levels among 1, 2, 3 (e.g. 1,2), got {request.levels}")
    if request.max_distance is not None and request.max_distance < 3:
        raise ValueError(f"--max-distance: must be at least 3, got {request.max_distance}")


def _kind(feed) -> tuple:
    """What kind of factory a feed is (its blocks, not its distances)."""
    if feed.factory is None:
        return (feed.block.option,)
    return (feed.factory.top.option, *(x for f in feed.factory.feeds for x in _kind(f)))


def plan(
    request: PlanRequest,
    *,
    space: Space | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """The ``request.top`` cheapest verified factories, best first (records of
    estimator.planning.result); empty when nothing in the space reaches the target."""
    check(request)
    space = space or request.space()
    say = progress or (lambda _: None)
    blocks = len(space.one_level) + len(space.feeders)
    require(
        what=f"planning over {blocks} level-1 blocks and {len(space.tops)} level-2 blocks",
        seconds=blocks * SECONDS_PER_BLOCK[0] + len(space.tops) * SECONDS_PER_BLOCK[1],
        memory_bytes=len(level_one_grid(space.d_max_1)[0]) * blocks * 64 * 8,
        change="narrow the space or raise --max-seconds",
    )
    noise = NoiseModel(request.p_phys)
    screen_request = Request(
        request.target, request.by, request.max_qubits, request.consumption, keep=4
    )
    # A function of the request alone: a CP-SAT class solved in an earlier request (at another
    # member of its class) would otherwise decide this one's schedules.
    clear_cache()
    clear_blocks()
    tables: dict = {}
    say("screen: one-level factories")
    candidates = one_level(noise, space, screen_request, tables)

    def stage(text: str, done: int, total: int) -> None:
        say(f"screen: {text} ({done}/{total})")

    if 2 in request.levels:
        say("screen: two-level factories")
        candidates += two_level(noise, space, screen_request, tables, progress=stage)
    if 3 in request.levels:
        say("screen: three-level factories")
        candidates += three_level(noise, space, screen_request, tables, progress=stage)
    candidates.sort(key=lambda c: c.cost)
    chosen, kinds = [], set()
    for candidate in candidates:  # the best of each kind of factory
        kind = (candidate.top.option, tuple(_kind(f) for f in candidate.feeds))
        if kind not in kinds and len(chosen) < FINALISTS:
            kinds.add(kind)
            chosen.append(candidate)
    finals = []
    for i, candidate in enumerate(chosen):
        say(f"finalist {i + 1}/{len(chosen)}: {result.title(plan_of(candidate))}")
        start = resolve(plan_of(candidate), noise, request.consumption)
        (scored,) = score_all([start], noise, screen_request)
        if not math.isfinite(scored.cost):  # its own schedule misses the target: screen's
            start = plan_of(candidate)
        finals.append(local_search(start, noise, screen_request))
    finals = [f for f in finals if math.isfinite(f.cost)]
    finals.sort(key=lambda s: s.cost)
    records, seen = [], set()
    for scored in finals:
        name = repr(result.config(scored.plan, request.p_phys, request.consumption))
        if name in seen:
            continue
        seen.add(name)
        deferred = replace(screen_request, consumption="deferred")
        (late,) = score_all([scored.plan], noise, deferred)
        records.append(
            result.record(
                scored.plan, scored.estimate, late.estimate, request.p_phys, request.consumption
            )
        )
        if len(records) == request.top:
            break
    return records
