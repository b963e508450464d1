"""Candidate factories for the machine, from sources.

A source is a function (p_phys, target per-T error) -> factories; a factory is what the
machine needs of it: output error per state p_out, qubits, code cycles per successful run
(failed runs included, i.e. already divided by 1 - p_fail), output states per run, and the
config that ``msd estimate`` reproduces it from. Any T source with these numbers (a
cultivation source, say) plugs in by adding a function to SOURCES.

Sources here: "table1" (the T factories of Litinski 2019, arXiv:1905.06903, Table 1, as
configs/litinski2019, re-costed at the machine's p), "plan-table1" (the factories ``msd plan``
found for those rows, configs/studies/plan_table1_results.json, re-costed at p) and "plan"
(``msd plan`` run for the target the budget implies; minutes per target, cached in a file),
"cultivation" and "cultivation-high" (magic-state cultivation, Gidney, Shutty, Jones 2024,
arXiv:2409.17595: the cheapest unit whose data reach the target with the best estimate or the
upper end of its interval, and the cheapest block of each protocol of
estimator.planning.source_grid's fed-block grid fed by cultivation units).
"""

from __future__ import annotations

import copy
import functools
import json
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estimator import shipped
from estimator.errors import ConfigError, MsdError


@dataclass(frozen=True)
class Factory:
    """A T-state factory as the machine sees it.

    Attributes:
        title: its notation; source: where it came from.
        p_out: output error per T state; p_fail: probability a run is rejected.
        qubits: physical qubits; cycles: code cycles per successful run (failures included).
        outputs: T states per successful run.
        config: config data (TOML tables) that ``msd estimate`` costs to these numbers (for
            cultivation alone: the point and the ``msd source cultivation`` command).
        noise: the noise model the numbers hold under (empty: this tool's phenomenological p_L).
    """

    title: str
    source: str
    p_out: float
    p_fail: float
    qubits: float
    cycles: float
    outputs: int
    config: dict[str, Any] = field(compare=False, repr=False)
    noise: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "p_out": self.p_out,
            "p_fail": self.p_fail,
            "qubits": self.qubits,
            "cycles": self.cycles,
            "outputs": self.outputs,
            "config": self.config,
            **({"noise": self.noise} if self.noise else {}),
        }


def from_config(
    data: Mapping[str, Any], p_phys: float, source: str, noise: str = ""
) -> Factory | None:
    """The factory of config data re-costed at ``p_phys`` (None: it outputs CCZ states, or
    its error model does not hold at p_phys)."""
    from estimator.config.factory import estimate_config, parse_config

    data = copy.deepcopy(dict(data))
    for key in ("paper", "hardware", "sweep", "p_t"):
        data.pop(key, None)
    data["p_phys"] = p_phys
    try:
        config = parse_config(data, source=source)
        top = config.level3 or config.level2 or config.level1
        if top.protocol.t_count_per_run != top.protocol.outputs_per_run:
            return None  # CCZ states: the machine here consumes T states
        estimate = estimate_config(config)
    except MsdError:
        return None
    p_out = float(estimate.p_out)
    if not (math.isfinite(p_out) and 0 < p_out < 1):
        return None
    return Factory(
        config.title,
        source,
        p_out,
        float(estimate.p_fail),
        float(estimate.qubits),
        float(estimate.cycles),
        int(estimate.outputs),
        data,
        noise,
    )


def table1(p_phys: float, target: float) -> list[Factory]:
    """The T factories of configs/litinski2019 (Table 1 rows), re-costed at p_phys."""
    return list(_table1(p_phys))


def plan_table1(p_phys: float, target: float) -> list[Factory]:
    """The factories ``msd plan`` found for the Table 1 rows, re-costed at p_phys."""
    return list(_plan_table1(p_phys))


@functools.lru_cache(maxsize=8)
def _table1(p_phys: float) -> tuple[Factory, ...]:
    from estimator.config.factory import read_config_data

    folder = shipped.configs() / "litinski2019"
    names = sorted(p.name for p in folder.iterdir() if p.name[:2].isdigit())
    found = []
    for name in names:
        data = read_config_data(f"configs/litinski2019/{name}")
        found.append(from_config(data, p_phys, f"table1:{name}"))
    return tuple(f for f in found if f is not None)


@functools.lru_cache(maxsize=8)
def _plan_table1(p_phys: float) -> tuple[Factory, ...]:
    path = shipped.configs() / "studies" / "plan_table1_results.json"
    rows = json.loads(path.read_text())
    found = []
    for key in sorted(rows, key=int):
        for i, record in enumerate(rows[key]["run"]["best"]):
            name = f"plan-table1:row{key}/{i + 1}"
            found.append(from_config(record["config"], p_phys, name))
    return tuple(f for f in found if f is not None)


PLAN_CACHE: Path | None = None
"""A JSON file of planner results by (p_phys, target) (set by the CLI or a study)."""


def plan(p_phys: float, target: float) -> list[Factory]:
    """``msd plan --p p_phys --target target`` (its library API), the best three factories;
    results are kept in PLAN_CACHE when set (and serve targets up to REUSE times looser)."""
    from estimator.planning.run import PlanRequest
    from estimator.planning.run import plan as run_plan

    cache = _read_cache()
    key = _cached_key(cache, p_phys, target) or f"{p_phys!r}|{target!r}"
    if key not in cache:
        request = PlanRequest(p_phys=p_phys, target=target, top=3)
        say = lambda m, done: print(
            f"msd machine: plan p={p_phys:g} target={target:.3g}: {m} ({done:.0%})",
            file=sys.stderr,
        )
        try:
            cache[key] = run_plan(request, progress=say)
        except ValueError as error:
            raise ConfigError("--sources", f"plan: {error}") from None
        _write_cache(cache)
    found = []
    for i, record in enumerate(cache[key]):
        factory = from_config(record["config"], p_phys, f"plan:{i + 1}")
        if factory is not None:
            found.append(factory)
    return found


REUSE = 2.0
"""A cached plan for a stricter target, at most this factor stricter, serves a request (its
factories reach the request's target too; the planner is not run again for a near target)."""


def _cached_key(cache: dict[str, Any], p_phys: float, target: float) -> str | None:
    """The cache key at p_phys with the loosest target in [target / REUSE, target], or None."""
    best = None
    for key in cache:
        p, t = (float(x) for x in key.split("|"))
        if p == p_phys and target / REUSE <= t <= target and (best is None or t > best[0]):
            best = (t, key)
    return best and best[1]


def _read_cache() -> dict[str, Any]:
    if PLAN_CACHE is None or not PLAN_CACHE.exists():
        return {}
    return json.loads(PLAN_CACHE.read_text())


def _write_cache(cache: dict[str, Any]) -> None:
    if PLAN_CACHE is None:
        return
    from estimator.studies.output import write_text

    write_text(PLAN_CACHE, json.dumps(cache, indent=1, allow_nan=False) + "\n")


CULTIVATION_NOISE = (
    "cultivation units: uniform depolarizing circuit noise (the data's own); distillation "
    "block fed by them: this tool's phenomenological noise model"
)
"""What the numbers of a cultivation source hold under (the machine's data block uses its
rules' p_L, phenomenological by default: the two noise models are not the same)."""


def cultivation(p_phys: float, target: float, bound: str = "best") -> list[Factory]:
    """Cultivation as a T source at ``p_phys`` for ``target`` per T state: the cheapest
    cultivation unit (least expected volume) whose error (``bound``) reaches the target, if
    the data reach it, and the cheapest block (by qubitcycles per T) of each protocol of
    estimator.planning.source_grid's fed-block grid reaching the target.

    Raises:
        ConfigError: naming --sources, p_phys outside the range of the cultivation data.
    """
    from estimator.sources import cultivation as data

    if not data.covers(p_phys):
        grid = data.table().p_grid
        raise ConfigError(
            "--sources",
            f"cultivation: p = {p_phys:g} is outside its data (uniform depolarizing noise, "
            f"p from {grid[0]:g} to {grid[-1]:g})",
        )
    return list(_cultivation(p_phys, target, bound))


@functools.lru_cache(maxsize=16)
def _cultivation(p_phys: float, target: float, bound: str) -> tuple[Factory, ...]:
    from estimator.planning import source_grid
    from estimator.sources import cultivation as data

    found = []
    try:
        point = data.cheapest(p_phys, target, bound=bound)
    except ConfigError:  # the data do not reach the target: only fed blocks can
        point = None
    if point is not None:
        command = f"msd source cultivation --p {p_phys!r} --target {target!r} --bound {bound}"
        config = {
            "source": "cultivation",
            "p_phys": p_phys,
            "target": target,
            "bound": bound,
            "min_errors": data.MIN_ERRORS,
            "d1": point.d1,
            "gap": point.gap,
            "rows": list(point.rows),
            "command": command,
        }
        rows = "+".join(map(str, point.rows))
        found.append(
            Factory(
                f"cultivation (d1 = {point.d1}, gap {point.gap})",
                f"cultivation:rows {rows}",
                point.error(bound),
                1.0 - point.keep_rate,
                float(point.qubits),
                point.cycles,
                1,
                config,
                "uniform depolarizing circuit noise (the data's own)",
            )
        )
    grid = source_grid.Grid(bound=bound)
    rows = _fed_rows(p_phys, bound)
    for protocol in grid.protocols:
        mine = [r for r in rows if r["_config"]["level1"]["protocol"] == protocol]
        best = source_grid.cheapest(mine, [target]).get(f"{target:g}")
        if best is not None:
            name = f"cultivation:fed {protocol}"
            factory = from_config(best["config"], p_phys, name, CULTIVATION_NOISE)
            if factory is not None:
                found.append(factory)
    return tuple(found)


@functools.lru_cache(maxsize=4)
def _fed_rows(p_phys: float, bound: str) -> list[dict[str, Any]]:
    """The fed-block grid at p_phys (its units chosen by ``bound``) under the
    phenomenological model (tens of seconds)."""
    from estimator.planning import source_grid

    return source_grid.fed(p_phys, {}, source_grid.Grid(bound=bound))


SOURCES: dict[str, Callable[[float, float], list[Factory]]] = {
    "table1": table1,
    "plan-table1": plan_table1,
    "plan": plan,
    "cultivation": cultivation,
    "cultivation-high": functools.partial(cultivation, bound="high"),
}


def candidates(sources: tuple[str, ...], p_phys: float, target: float) -> list[Factory]:
    """Every factory of the sources, each asked for ``target`` per T state (the caller keeps
    those whose error fits its budget)."""
    for name in sources:
        if name not in SOURCES:
            raise ConfigError("--sources", f"unknown source {name!r}; known: {', '.join(SOURCES)}")
    return [f for name in sources for f in SOURCES[name](p_phys, target)]
