"""``msd machine --compare qdk``: our machine, qdk's own estimate and qdk with our factory in
one table, and the difference attributed step by step.

The steps change one modelling choice at a time, starting from our model set up as qdk
(its factory, its fast/PSSPC block, its distance and rounding rules, no reaction time), which
reproduces qdk's numbers, to our machine: (1) our factories, (2) our distance rule, (3) the
reaction time, (4) the choice of data block, (5) the budget split (when not qdk's). Each step
keeps the runtime within qdk's and takes the fewest qubits there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from estimator.errors import ConfigError
from estimator.machine import compare
from estimator.machine.blocks import BLOCKS
from estimator.machine.budget import default_split
from estimator.machine.factories import Factory
from estimator.machine.request import Request
from estimator.machine.run import hours, solve


def within(request: Request, limit: float, given=None) -> dict[str, Any]:
    """The fewest-qubit machine within ``limit`` seconds, or, when none finishes in time, the
    fastest machine (``within_limit`` says which)."""
    solution = solve(replace(request, max_qubits=None, max_runtime_s=None), given=given)
    fits = [m for m in solution.found if m.runtime_s <= limit]
    if fits:
        machine = min(fits, key=lambda m: (m.physical_qubits, m.runtime_s))
    else:
        machine = min(solution.found, key=lambda m: (m.runtime_s, m.physical_qubits))
    return {**machine.record(), "within_limit": bool(fits)}


def _step(name: str, request: Request, limit: float, given=None) -> dict[str, Any]:
    try:
        return {"step": name, **within(request, limit, given)}
    except ConfigError as error:
        return {"step": name, "error": str(error)}


def compare_record(request: Request) -> dict[str, Any]:
    """qdk's answers beside ours, and the attribution steps (runtime within qdk's)."""
    counts, p, hw = request.counts, request.p_phys, request.hardware
    qdk_own = compare.own(counts, p, hw.cycle_us, request.budget)
    if "error" in qdk_own:
        raise ConfigError("--compare", f"qdk failed: {qdk_own['error']}")
    own = compare.summary(qdk_own)
    limit = request.max_runtime_s or own["runtime_s"]
    ours = within(request, limit)
    factory = ours["factory"]
    with_ours = {"error": "no factory"}
    if factory is not None:
        mine = Factory(**{**factory, "config": factory["config"]})
        with_ours = compare.summary(
            compare.with_factory(counts, p, hw.cycle_us, request.budget, mine)
        )
    as_qdk = replace(
        request,
        rules="qdk",
        blocks=(BLOCKS["fast"],),
        hardware=replace(hw, reaction_us=0.0),
        split=default_split(counts),
    )
    qdk_factory = [compare.factory_of(qdk_own, hw.cycle_us)] if qdk_own.get("tfactory") else []
    steps = [
        _step("our model set up as qdk (its factory, block, rules)", as_qdk, limit, qdk_factory)
    ]
    step = as_qdk
    for name, change in (
        ("our factories", {}),
        ("our distance rule (p_L per code cycle) and rounding", {"rules": request.rules}),
        ("reaction time", {"hardware": hw}),
        ("our data blocks", {"blocks": request.blocks}),
        ("our budget split", {"split": request.split}),
    ):
        if change and all(getattr(step, k) == v for k, v in change.items()):
            continue  # the request makes qdk's choice here: nothing to attribute
        step = replace(step, **change)
        steps.append(_step(name, step, limit))
    return {
        "counts": counts.qdk(),
        "p_phys": p,
        "budget": request.budget,
        "cycle_time_us": hw.cycle_us,
        "runtime_limit_s": limit,
        "msd_machine": ours,
        "qdk": own,
        "qdk_with_our_factory": with_ours,
        "attribution": steps,
    }


def format_compare(data: dict[str, Any]) -> str:
    """The three answers in one table, then the attribution steps."""
    from estimator.studies.report import format_columns

    def row(name: str, m: dict[str, Any]) -> tuple[str, ...]:
        if "error" in m:
            return (name, "-", "-", "-", "-", "-", f"failed: {m['error']}")
        late = "" if m.get("within_limit", True) else " (over)"
        return (
            name,
            f"{m['physical_qubits']:,.0f}",
            hours(m["runtime_s"]) + late,
            str(m["factories"]),
            f"{m['data_qubits']:,.0f}",
            f"{m['factory_qubits']:,.0f}",
            str(m["data_distance"]),
        )

    header = ("estimate", "qubits", "runtime", "factories", "data qubits", "factory qubits", "d")
    answers = [
        row("msd machine", data["msd_machine"]),
        row("qdk, its own factories", data["qdk"]),
        row("qdk, our factory (msd export)", data["qdk_with_our_factory"]),
    ]
    steps = [row(s["step"], s) for s in data["attribution"]]
    lines = [
        (
            f"p = {data['p_phys']:g}, code cycle {data['cycle_time_us']:g} us, "
            f"budget {data['budget']:g}; "
            f"msd machine: fewest qubits within {hours(data['runtime_limit_s'])} "
            "(over: none finishes in time, the fastest is shown)"
        ),
        "",
        format_columns(header, answers),
        "",
        "attribution, one change at a time (runtime within the limit):",
        format_columns(("step", *header[1:]), steps),
    ]
    return "\n".join(lines)
