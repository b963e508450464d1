"""Planner results: the config that reproduces a factory, its numbers and its cost breakdown.

``config`` is plain data in the config schema (estimator/config/factory.py): written as TOML,
``msd estimate`` accepts it and gives the same numbers. Schedules found by CP-SAT are written
inline (the steps themselves), so the config does not depend on solving again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from estimator.config.factory import spec_notation
from estimator.factory import FactoryEstimate
from estimator.planning.refine import Part, Plan, top_level
from estimator.sim.marginals import output_marginals
from estimator.sim.noise import NoiseModel


def _int(v) -> int:
    return round(float(v))


def level_config(part: Part) -> dict[str, Any]:
    """One level table of the config (docs/model-extensions.md for the extension keys)."""
    option, spec, d = part.block.option, part.spec, part.d
    data: dict[str, Any] = {"protocol": option.protocol, "layout": option.layout}
    if option.layout == "auto":
        data["regions"] = option.regions
        data["row"] = list(spec.layout.row)
    if option.schedule == "cpsat":
        data["schedule"] = {"name": "cpsat", **spec.schedule.to_data()}
    else:
        data["schedule"] = option.schedule
    data.update(_distances(d))
    return data


def _distances(d) -> dict[str, Any]:
    steps = [_int(v) for v in d.d_m_step]
    data: dict[str, Any] = {
        "d_x": _int(d.d_x),
        "d_z": _int(d.d_z),
        "d_m": max(steps) if steps else _int(d.d_m),
    }
    patches = {f"q{q}": _int(v) for q, v in sorted(d.d_z_patch.items()) if _int(v) != data["d_z"]}
    widths = {r: _int(v) for r, v in sorted(d.region_width.items()) if _int(v) != data["d_x"]}
    if patches:
        data["d_z_patch"] = patches
    if widths:
        data["region_width"] = widths
    if steps and any(v != steps[0] for v in steps):
        data["d_m_step"] = steps
    elif steps:
        data["d_m"] = steps[0]
    return data


def title(plan: Plan) -> str:
    """Litinski's notation with the extensions (estimator.config.factory.spec_notation) and the
    layouts of blocks other than the published one (auto2, sf), e.g.
    ``(15-to-1)^4_{9,3,3} x auto2 (20-to-4)_{15,7,9}``; a two-level feeder in brackets."""

    def name(part: Part, count: int = 0) -> str:
        layout = part.block.option.layout
        where = (
            ""
            if layout == "litinski"
            else ("sf " if layout == "small-footprint" else f"auto{part.block.option.regions} ")
        )
        return where + spec_notation(part.spec, count)

    if not plan.feeds:
        return name(plan.top)
    feeds = " + ".join(
        f"[{title(p)}]^{n}" if isinstance(p, Plan) else name(p, n) for p, n in plan.feeds
    )
    return f"{feeds} x {name(plan.top)}"


def config(plan: Plan, p_phys: float) -> dict[str, Any]:
    """The config of a planned factory (TOML-ready data)."""
    data: dict[str, Any] = {"title": title(plan), "p_phys": p_phys}
    data.update(_levels(plan))
    return data


def _levels(plan: Plan) -> dict[str, Any]:
    """``level1``, ``level2`` (and ``level3``) tables of a plan."""
    if not plan.feeds:
        return {"level1": level_config(plan.top)}
    (first, count), *others = plan.feeds
    top = level_config(plan.top)
    top["arrangement"] = plan.arrangement
    if isinstance(first, Plan):  # three levels: the feeder is a two-level plan
        below = _levels(first)
        below["level2"]["count"] = count
        return {**below, "level3": top}
    level1 = level_config(first)
    level1["count"] = count
    if others:
        level1["mix"] = [{**_distances(p.d), "count": n} for p, n in others]
    return {"level1": level1, "level2": top}


def solver(plan: Plan) -> dict[str, Any]:
    """Per level, where its schedule comes from and, for CP-SAT, the solver's status."""

    def one(part: Part) -> dict[str, Any]:
        if part.solver is None:
            return {"schedule": part.spec.schedule.name, "status": "published"}
        return {"schedule": "cpsat", **part.solver}

    if not plan.feeds:
        return {"level1": one(plan.top)}
    first = plan.feeds[0][0]
    if isinstance(first, Plan):
        return {**solver(first), "level3": one(plan.top)}
    return {"level1": one(first), "level2": one(plan.top)}


def _level_rows(plan: Plan, estimate: FactoryEstimate, count: int | None = None) -> list[dict]:
    """One row per level of a plan, lowest first: block, count, steps and the numbers of one
    factory of that level."""
    rows = []
    for (part, n), fed in zip(plan.feeds, estimate.feeds):
        if isinstance(part, Plan):
            rows += _level_rows(part, fed, n)
        else:
            rows += _level_rows(Plan(part), fed, n)
    row = {
        "level": plan.n_levels,
        "block": str(plan.top.block.option),
        "steps": plan.top.spec.schedule.n_steps,
        "p_out": float(estimate.p_out),
        "p_fail": float(estimate.p_fail),
        "cycles": float(estimate.cycles),
        "qubits": float(estimate.qubits),
        "outputs": estimate.outputs,
    }
    if count is not None:
        row["count"] = count
    return rows + [row]


def breakdown(plan: Plan, estimate: FactoryEstimate) -> dict[str, Any]:
    """Where the qubits and cycles go: each level's numbers, the top block, the feeders and
    routing, and the top block's step (docs/model/costs.md)."""
    record: dict[str, Any] = {"levels": _level_rows(plan, estimate)}
    if plan.feeds:
        top = plan.top.spec
        block = float(top.layout.qubits(top.d, level=2))
        feeders = sum(n * float(fed.qubits) for (_, n), fed in zip(plan.feeds, estimate.feeds))
        rounds = top.schedule.n_rotations / len(top.layout.regions)
        record["qubits"] = {
            "top block": block,
            "feeding factories": feeders,
            "routing": float(estimate.qubits) - block - feeders,
        }
        record["tau"] = float(estimate.cycles) * (1 - float(estimate.p_fail)) / rounds
    return record


def per_output(plan: Plan, estimate: FactoryEstimate, noise: NoiseModel) -> dict[str, float]:
    """A result's error per output state in both conventions: ``paper``, the run's infidelity
    over its k outputs (Litinski 2019), and ``marginal``, the mean of the outputs' marginal
    errors (estimator.sim.marginals; their sum is ``marginal_sum``). One output: both are the
    infidelity."""
    protocol = plan.top.spec.protocol
    infidelity = float(estimate.infidelity)
    k = protocol.outputs_per_run
    if k == 1:
        return {"paper": infidelity, "marginal": infidelity, "marginal_sum": infidelity}
    level = top_level(plan, noise)
    total = float(np.sum(output_marginals(protocol.n_qubits, protocol.checks, level.channels())))
    return {"paper": infidelity / k, "marginal": total / k, "marginal_sum": total}


def record(plan: Plan, estimate: FactoryEstimate, p_phys: float) -> dict[str, Any]:
    """One planner result, JSON-ready."""
    return {
        "title": title(plan),
        "config": config(plan, p_phys),
        "p_out": float(estimate.p_out),
        "p_fail": float(estimate.p_fail),
        "qubits": float(estimate.qubits),
        "cycles": float(estimate.cycles),
        "qubitcycles": float(estimate.qubitcycles),
        "exact": bool(np.all(estimate.exact)),
        "solver": solver(plan),
        "breakdown": breakdown(plan, estimate),
    }


def toml(data: dict[str, Any]) -> str:
    """TOML text of config data (tables, arrays of tables, strings, numbers, booleans,
    lists); ``tomllib.loads`` reads it back to the same data."""
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else _value(k)


def _table(data: dict[str, Any], path: list[str], lines: list[str]) -> None:
    nested = {
        k: v
        for k, v in data.items()
        if isinstance(v, dict) and path + [k] != [] and _is_table(k, v)
    }
    arrays = {
        k: v
        for k, v in data.items()
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
    }
    for k, v in data.items():
        if k not in nested and k not in arrays:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in nested.items():
        lines += ["", f"[{'.'.join(map(_key, path + [k]))}]"]
        _table(v, path + [k], lines)
    for k, items in arrays.items():
        for item in items:
            lines += ["", f"[[{'.'.join(map(_key, path + [k]))}]]"]
            _table(item, path + [k], lines)


def _is_table(key: str, value: dict) -> bool:
    """Sub-tables written as [sections]: the levels; small maps stay inline."""
    return key.startswith("level") or key == "schedule"
