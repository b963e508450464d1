"""Solve a machine request: the search, the selection, the record and its table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from estimator.machine import factories
from estimator.machine.budget import demand
from estimator.machine.estimate import (
    RULES,
    Machine,
    Problem,
    fastest_within,
    fewest_qubits_within,
    pareto,
    search,
)
from estimator.machine.request import Request


@dataclass(frozen=True)
class Solution:
    """Every machine searched, and the chosen one (None: the Pareto set is the answer)."""

    problem: Problem
    found: list[Machine]
    chosen: Machine | None
    selection: str


def problem_of(request: Request) -> Problem:
    rules = RULES[request.rules]
    need = demand(request.counts, request.budget, request.split, rules.rounding)
    return Problem(
        request.counts, request.budget, request.split, need, request.p_phys, request.hardware, rules
    )


def solve(
    request: Request,
    *,
    max_runtime_s: float | None = None,
    given: list[factories.Factory] | None = None,
) -> Solution:
    """The machines of a request; ``max_runtime_s`` overrides the request's limit, ``given``
    factories replace the request's sources."""
    problem = problem_of(request)
    if given is None:
        given = factories.candidates(request.sources, request.p_phys, problem.demand.target)
    found = search(problem, request.blocks, [f for f in given if f.p_out <= problem.demand.cap])
    limit = request.max_runtime_s if max_runtime_s is None else max_runtime_s
    if limit is not None:
        return Solution(
            problem, found, fewest_qubits_within(found, limit), f"fewest qubits within {limit:g} s"
        )
    if request.max_qubits is not None:
        chosen = fastest_within(found, request.max_qubits)
        return Solution(problem, found, chosen, f"fastest within {request.max_qubits:g} qubits")
    return Solution(problem, found, None, "pareto")


def record(request: Request, solution: Solution) -> dict[str, Any]:
    """The JSON record: the chosen machine's numbers at the top level (or the Pareto set),
    with the inputs and the budget split echoed."""
    problem, need = solution.problem, solution.problem.demand
    head: dict[str, Any] = {
        "counts": request.counts.qdk(),
        "p_phys": request.p_phys,
        "hardware": {
            "profile": request.hardware.profile,
            "cycle_time_us": request.hardware.cycle_us,
            "reaction_time_us": request.hardware.reaction_us,
        },
        "rules": {"name": problem.rule.name, "source": problem.rule.source},
        "budget": request.split.echo(request.budget),
        "t_per_rotation": need.t_per_rotation,
        "t_states": need.t_states,
        "operations": need.operations,
        "p_out_per_t_target": need.target,
        "p_out_per_t_cap": need.cap,
        "blocks": [b.name for b in request.blocks],
        "sources": list(request.sources),
        "selection": solution.selection,
        "machines_searched": len(solution.found),
    }
    if solution.chosen is not None:
        return {**head, **solution.chosen.record()}
    return {**head, "pareto": [m.record() for m in pareto(solution.found)]}


def hours(seconds: float) -> str:
    """A runtime in the unit that reads best."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


HEADER = (
    "block",
    "d",
    "factories",
    "factory",
    "data qubits",
    "factory qubits",
    "qubits",
    "runtime",
    "error",
)


def rows(machines: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [
        (
            m["data_block"],
            str(m["data_distance"]),
            str(m["factories"]),
            m["factory"]["title"] if m["factory"] else "-",
            f"{m['data_qubits']:,.0f}",
            f"{m['factory_qubits']:,.0f}",
            f"{m['physical_qubits']:,.0f}",
            hours(m["runtime_s"]),
            f"{m['logical_error']:.3g}",
        )
        for m in machines
    ]


def format_record(data: dict[str, Any]) -> str:
    """The record as text: the inputs, the split, then the machine or the Pareto table."""
    from estimator.studies.report import format_columns

    b, hw = data["budget"], data["hardware"]
    shares = f"data {b['eps_data']:.3g}, T states {b['eps_tstates']:.3g}"
    if b["split"] == "auto":
        shares = f"data and T states {b['eps_data'] + b['eps_tstates']:.3g} (split auto)"
    lines = [
        f"counts: {', '.join(f'{k} {v:,}' for k, v in data['counts'].items() if v)}",
        (
            f"p = {data['p_phys']:g}, code cycle {hw['cycle_time_us']:g} us ({hw['profile']}), "
            f"reaction time {hw['reaction_time_us']:g} us, rules: {data['rules']['name']}"
        ),
        (
            f"budget {b['budget']:g}: {shares}, "
            f"rotations {b['eps_rotations']:.3g}; {data['t_per_rotation']} T per rotation, "
            f"{data['t_states']:,} T states (<= {data['p_out_per_t_cap']:.3g} each), "
            f"{data['operations']:,} logical operations"
        ),
        f"{data['selection']} ({data['machines_searched']} machines searched)",
        "",
    ]
    machines = data.get("pareto") or [data]
    lines.append(format_columns(HEADER, rows(machines)))
    return "\n".join(lines)
