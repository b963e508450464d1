"""``plan``: the cheapest factories for a physical error rate and a target output error.

1. Screen (estimator.planning.screen): one- and two-level factories over the design space with
   the batched engine; the cheapest few per block.
2. Re-solve: every CP-SAT level of the best candidates is scheduled again at the candidate's
   own point (class cache, deterministic budget).
3. Refine (estimator.planning.refine): a local search over distances, per-patch d_z, region
   widths, per-step d_m, counts and feeder mixes.
4. Verify: the exact engine (float64 where it provably suffices, else fixed point) gives the
   reported numbers.

Every design obeys the consumption constraints (outputs leave after the last check is
measured; CP-SAT schedules consume after their last step, estimator.planning.blocks.solve) and
supply per port (counts are multiples of the top block's ports, mixes the same at every port);
docs/usage/planning.md.

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
from estimator.planning.models import compare, under_models
from estimator.planning.refine import Scored, local_search, plan_of, resolve, score_all
from estimator.planning.screen import (
    COST_KEYS,
    TOLERANCE,
    Request,
    one_level,
    table,
    three_level,
    two_level,
)
from estimator.planning.space import OUTPUTS, Space, default_space
from estimator.sim.noise import NoiseModel
from layouts.scheduler import clear_cache

PER_OUTPUT = ("paper", "marginal")
"""What a target p_out per output state refers to (docs/usage/planning.md, result.per_output)."""
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
    top: int = 5
    levels: tuple[int, ...] = (1, 2)
    max_distance: int | None = None
    wide: bool = False
    per_output: str = "paper"

    def space(self) -> Space:
        """The default space for the output (``wide``: with the 32-to-8 top block), cut to the
        requested levels and distances."""
        space = default_space(self.output, self.wide)
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
    if request.per_output not in PER_OUTPUT:
        raise ValueError(f"--per-output: must be one of {', '.join(PER_OUTPUT)}")
    if request.max_distance is not None and request.max_distance < 3:
        raise ValueError(f"--max-distance: must be at least 3, got {request.max_distance}")


def _kind(feed) -> tuple:
    """What kind of factory a feed is (its blocks, not its distances)."""
    if feed.factory is None:
        return (feed.block.option,)
    return (feed.factory.top.option, *(x for f in feed.factory.feeds for x in _kind(f)))


Progress = Callable[[str, float], None]
"""``progress(what, fraction)``: what the planner does and the fraction of the work done."""
WEIGHTS = {"table": 1.0, "top": 4.0, "finalist": 4.0, "models": 1.5}
"""Rough relative time of one level-1 table, one level-2 block of the screen, one finalist and
the noise models of one result (the fraction of ``progress``; measured on Table 1 rows)."""


class _Meter:
    """The fraction of a plan's work done, from WEIGHTS, for the progress callback."""

    def __init__(self, progress: Progress | None, counts: dict[str, int]) -> None:
        self.progress = progress
        self.total = sum(WEIGHTS[k] * n for k, n in counts.items()) or 1.0
        self.done = 0.0

    def stage(self, kind: str, n: int = 1) -> Progress:
        """The progress of a stage of ``n`` units of ``kind`` (fractions within it)."""
        base, size = self.done, WEIGHTS[kind] * n
        self.done += size

        def report(what: str, fraction: float) -> None:
            if self.progress:
                self.progress(what, min(1.0, (base + size * fraction) / self.total))

        return report


def plan(
    request: PlanRequest,
    *,
    space: Space | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """The ``request.top`` cheapest verified factories, best first (records of
    estimator.planning.result, with their numbers under every noise model of
    estimator.planning.models); empty when nothing in the space reaches the target."""
    check(request)
    space = space or request.space()
    fed = [n for n in request.levels if n > 1]
    options = list(dict.fromkeys(space.one_level + (space.feeders if fed else ())))
    require(
        what=f"planning over {len(options)} level-1 blocks and {len(space.tops)} level-2 blocks",
        seconds=len(options) * SECONDS_PER_BLOCK[0] + len(space.tops) * SECONDS_PER_BLOCK[1],
        memory_bytes=len(level_one_grid(space.d_max_1)[0]) * len(options) * 64 * 8,
        change="narrow the space or raise --max-seconds",
    )
    tops = sum(
        len(space.tops) + (space.inner_targets * len(space.inner_tops) if n == 3 else 0)
        for n in fed
    )
    meter = _Meter(
        progress,
        {"table": len(options), "top": tops, "finalist": FINALISTS, "models": request.top},
    )
    noise = NoiseModel(request.p_phys)
    # A function of the request alone: a CP-SAT class solved in an earlier request (at another
    # member of its class) would otherwise decide this one's schedules.
    clear_cache()
    clear_blocks()
    tables: dict = {}
    for option in options:
        meter.stage("table")(f"level-1 block {option}", 0.0)
        table(noise, option, space.d_max_1, tables)
    finals = _search(request, space, noise, tables, meter, request.target)
    conventions = {id(s): result.per_output(s.plan, s.estimate, noise) for s in finals}
    if request.per_output == "marginal":
        limit = request.target * (1 + TOLERANCE)

        def fine(s: Scored) -> bool:
            return conventions[id(s)]["marginal"] <= limit

        misses = [conventions[id(s)] for s in finals if not fine(s)]
        kept = [s for s in finals if fine(s)]
        if misses:  # again at the target scaled by the largest marginal / paper ratio seen
            ratio = max(c["marginal"] / c["paper"] for c in misses)
            again = _search(request, space, noise, tables, meter, request.target / ratio)
            conventions.update({id(s): result.per_output(s.plan, s.estimate, noise) for s in again})
            kept += [s for s in again if fine(s)]
        finals = sorted(kept, key=lambda s: s.cost)
    records, seen = [], set()
    for scored in finals:
        name = repr(result.config(scored.plan, request.p_phys))
        if name in seen:
            continue
        seen.add(name)
        record = result.record(scored.plan, scored.estimate, request.p_phys)
        record["per_output"] = {"convention": request.per_output, **conventions[id(scored)]}
        record["p_out"] = conventions[id(scored)][request.per_output]
        records.append(record)
        if len(records) == request.top:
            break
    stage = meter.stage("models", request.top)
    for i, r in enumerate(records):
        stage(f"result {i + 1}: costing under the calibrated noise models", i / request.top)
        r["models"] = under_models(r["config"])
    return records


def _search(
    request: PlanRequest,
    space: Space,
    noise: NoiseModel,
    tables: dict,
    meter: _Meter,
    target: float,
) -> list[Scored]:
    """Screen, re-solve and refine at ``target`` (Litinski 2019's p_out per output state):
    the refined finalists that reach it, cheapest first."""
    screen_request = Request(target, request.by, request.max_qubits, keep=4)
    candidates = one_level(noise, space, screen_request, tables)
    if 2 in request.levels:
        stage = meter.stage("top", len(space.tops))
        candidates += two_level(noise, space, screen_request, tables, progress=stage)
    if 3 in request.levels:
        stage = meter.stage("top", len(space.tops) + space.inner_targets * len(space.inner_tops))
        candidates += three_level(noise, space, screen_request, tables, progress=stage)
    candidates.sort(key=lambda c: c.cost)
    chosen, kinds = [], set()
    for candidate in candidates:  # the best of each kind of factory
        kind = (candidate.top.option, tuple(_kind(f) for f in candidate.feeds))
        if kind not in kinds and len(chosen) < FINALISTS:
            kinds.add(kind)
            chosen.append(candidate)
    finals = []
    stage = meter.stage("finalist", FINALISTS)
    for i, candidate in enumerate(chosen):
        stage(f"finalist {i + 1}/{len(chosen)}: {result.title(plan_of(candidate))}", i / FINALISTS)
        start = resolve(plan_of(candidate), noise)
        (scored,) = score_all([start], noise, screen_request)
        if not math.isfinite(scored.cost):  # its own schedule misses the target: screen's
            start = plan_of(candidate)
        finals.append(local_search(start, noise, screen_request))
    finals = [f for f in finals if math.isfinite(f.cost)]
    finals.sort(key=lambda s: s.cost)
    return finals


ROBUST_ROUNDS = 2
"""Further plans of ``plan_against`` at tighter targets (each costs about one plan)."""


def plan_against(
    request: PlanRequest,
    reference: dict[str, Any],
    *,
    rounds: int = ROBUST_ROUNDS,
    space: Space | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Plans compared with a reference factory (its ``under_models`` numbers), each result
    with ``against`` (estimator.planning.models.compare). While the best result is cheaper but
    misses the reference's p_out under some model, plan again (at most ``rounds`` times) at the
    target divided by the largest miss factor. The results of every round, those that beat the
    reference under every model first, then by cost; ``request.top`` of them."""
    records: dict[str, dict[str, Any]] = {}
    target = request.target
    for _ in range(rounds + 1):
        found = plan(replace(request, target=target), space=space, progress=progress)
        for r in found:
            r["against"] = compare(r["models"], reference)
            records.setdefault(repr(r["config"]), r)
        if not found or found[0]["against"]["beats"]:
            break
        best = found[0]["against"]["models"].values()
        miss = max(m["p_out"] / m["p_out_reference"] for m in best)
        if not (miss > 1 and all(m["ratio"] < 1 for m in best)):
            break  # not cheaper, or no answer under some model: a tighter target cannot help
        target = target / miss
    ranked = sorted(records.values(), key=lambda r: (not r["against"]["beats"], r["qubitcycles"]))
    return ranked[: request.top]
