"""Microsoft's resource estimator (qdk) on the same counts and hardware, imported lazily.

Same hardware: every physical error rate of qdk's gate-based qubit set to p, gate and
measurement times such that qdk's code cycle (4 two-qubit gate times + 2 measurement times,
Beverland et al. 2022, Sec. IV.C) equals ours, and its logical cycle d code cycles. Same budget
(qdk's default split). Two runs: qdk with its own factories, and qdk with our factory through
``msd export --to azure`` (estimator.export.azure).
"""

from __future__ import annotations

from typing import Any

from estimator.errors import ConfigError
from estimator.machine.counts import LogicalCounts
from estimator.machine.factories import Factory


def cycle_ns(cycle_us: float) -> int:
    """The code cycle in whole nanoseconds (qdk counts time in whole ns)."""
    value = round(cycle_us * 1000)
    if value < 6 or value % 2 or abs(value - cycle_us * 1000) > 1e-6:
        raise ConfigError(
            "--cycle-us", f"qdk needs an even whole number of ns, at least 6; got {cycle_us:g} us"
        )
    return value


def params(
    p_phys: float, cycle_us: float, budget: float, *, t_error: float | None = None
) -> dict[str, Any]:
    """qdk's gate-based qubit with error rate p and our code cycle, qdk's surface code."""
    ns = cycle_ns(cycle_us)
    gate = ns // 6  # 4 gate times + 2 measurement times = one code cycle
    measure = (ns - 4 * gate) // 2
    rates = ("oneQubitMeasurementErrorRate", "oneQubitGateErrorRate", "twoQubitGateErrorRate")
    qubit = {
        "name": "msd-machine",
        "instructionSet": "GateBased",
        "oneQubitMeasurementTime": f"{measure} ns",
        "oneQubitGateTime": f"{gate} ns",
        "twoQubitGateTime": f"{gate} ns",
        "tGateTime": f"{gate} ns",
        **{r: p_phys for r in rates},
        "idleErrorRate": p_phys,
        "tGateErrorRate": p_phys if t_error is None else t_error,
    }
    return {"qubitParams": qubit, "errorBudget": budget}


def run(counts: LogicalCounts, params: dict[str, Any]) -> dict[str, Any]:
    """qdk's result as a dict, or {"error": one line} when it fails or panics."""
    try:
        from qdk import estimator
    except ImportError:
        raise ConfigError("--compare", "qdk is not installed (pip install qdk)") from None
    try:
        return dict(estimator.LogicalCounts(counts.qdk()).estimate(params))
    except BaseException as error:  # qdk reports bad input as a Rust panic (not an Exception)
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        return {"error": str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a qdk result under our names."""
    if "error" in result:
        return {"error": result["error"]}
    counts, b = result["physicalCounts"], result["physicalCounts"]["breakdown"]
    return {
        "physical_qubits": counts["physicalQubits"],
        "runtime_s": counts["runtime"] * 1e-9,
        "factories": b["numTfactories"],
        "data_qubits": b["physicalQubitsForAlgorithm"],
        "factory_qubits": b["physicalQubitsForTfactories"],
        "data_distance": result["logicalQubit"]["codeDistance"],
        "t_states": b["numTstates"],
        "t_per_rotation": b["numTsPerRotation"],
        "factory": result.get("tfactory"),
    }


def own(counts: LogicalCounts, p_phys: float, cycle_us: float, budget: float) -> dict[str, Any]:
    """qdk with its own factories."""
    return run(counts, params(p_phys, cycle_us, budget))


def with_factory(
    counts: LogicalCounts, p_phys: float, cycle_us: float, budget: float, factory: Factory
) -> dict[str, Any]:
    """qdk with our factory as a custom distillation unit (estimator.export.azure). The unit
    is used by qdk only when the T gate error is at least 10x the Clifford error (the export's
    stated condition), so the T error is set to 10 p here (qdk's own factories are not used in
    this run, and the data block's distance follows the Clifford error p)."""
    from estimator.config.factory import estimate_config, parse_config
    from estimator.export.azure import estimator_params
    from estimator.export.summary import summarize

    if not factory.config:
        raise ConfigError("--compare", f"factory {factory.title} has no config to export")
    config = parse_config(factory.config, source=factory.title)
    ns = cycle_ns(cycle_us)
    # qdk counts a physical unit's duration in gate times (found by running it: a unit of
    # 158 qubit cycles took 158 x 166 ns with 166 ns gates), so a code cycle is ns / gate.
    per_cycle = ns / (ns // 6)
    t_error = min(10 * p_phys, 0.5)
    fragment = estimator_params(
        summarize(config, estimate_config(config)),
        qubit_cycles_per_code_cycle=per_cycle,
        t_error=t_error,
    )
    return run(counts, {**params(p_phys, cycle_us, budget, t_error=t_error), **fragment})


def factory_of(result: dict[str, Any], cycle_us: float) -> Factory:
    """qdk's chosen factory as one of ours (numbers only: no config msd estimate reads)."""
    f = result["tfactory"]
    units = ", ".join(
        f"{n} x {u} (d={d})"
        for n, u, d in zip(
            f["numUnitsPerRound"], f["unitNamePerRound"], f["codeDistancePerRound"], strict=True
        )
    )
    return Factory(
        f"qdk: {units}",
        "qdk",
        float(f["logicalErrorRate"]),
        0.0,
        float(f["physicalQubits"]),
        f["runtime"] / (cycle_us * 1000),
        int(f["numTstates"]),
        {},
    )
