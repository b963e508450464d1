"""Candidate factories for the machine, from sources.

A source is a function (p_phys, target per-T error) -> factories; a factory is what the
machine needs of it: output error per state p_out, qubits, code cycles per successful run
(failed runs included, i.e. already divided by 1 - p_fail), output states per run, and the
config that ``msd estimate`` reproduces it from. Any T source with these numbers (a
cultivation source, say) plugs in by adding a function to SOURCES.

Sources here: "table1" (the T factories of Litinski 2019, arXiv:1905.06903, Table 1, as
configs/litinski2019, re-costed at the machine's p), "plan-table1" (the factories ``msd plan``
found for those rows, configs/studies/plan_table1_results.json, re-costed at p) and "plan"
(``msd plan`` run for the target the budget implies; minutes per target, cached in a file).
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
        config: config data (TOML tables) that ``msd estimate`` costs to these numbers.
    """

    title: str
    source: str
    p_out: float
    p_fail: float
    qubits: float
    cycles: float
    outputs: int
    config: dict[str, Any] = field(compare=False, repr=False)

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
        }


def from_config(data: Mapping[str, Any], p_phys: float, source: str) -> Factory | None:
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
        for mode in ("run", "allowed", "deferred"):  # "run": the study since issue 17
            for i, record in enumerate(rows[key].get(mode, {}).get("best", [])):
                name = f"plan-table1:row{key}/{mode}/{i + 1}"
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


SOURCES: dict[str, Callable[[float, float], list[Factory]]] = {
    "table1": table1,
    "plan-table1": plan_table1,
    "plan": plan,
}


def candidates(sources: tuple[str, ...], p_phys: float, target: float) -> list[Factory]:
    """Every factory of the sources, each asked for ``target`` per T state (the caller keeps
    those whose error fits its budget)."""
    for name in sources:
        if name not in SOURCES:
            raise ConfigError("--sources", f"unknown source {name!r}; known: {', '.join(SOURCES)}")
    return [f for name in sources for f in SOURCES[name](p_phys, target)]
