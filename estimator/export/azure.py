"""A factory as a custom distillation unit of Microsoft's resource estimator (Azure Quantum /
qdk.estimator ``distillationUnitSpecifications``).

The estimator builds T factories from rounds of units; a unit with a
``physicalQubitSpecification`` runs on physical qubits and costs a fixed number of them for a
fixed number of physical qubit cycles, which is what a factory of fixed distances is. So the
whole factory becomes one physical unit: numInputTs injected T states, numOutputTs outputs,
constant formulas for the output error and the failure probability (the values at the p_phys
it was costed at), numUnitQubits = its qubits, and durationInQubitCycleTime = the code cycles
of one run times ``qubit_cycles_per_code_cycle`` (how many of the estimator's physical qubit
cycles one syndrome-extraction round takes on the target hardware), rounded up (an integer).
The fragment also limits factories to one round: the unit already is a complete factory.

Conditions of the estimator (qsharp resource_estimator, tfactory.rs): a physical unit is used
only when the qubit's T error rate is at least 10x its Clifford error rate (otherwise it has
no unit left and panics: "index out of bounds", checked with qdk), and outputs are T states.
A factory costed with injected T states at p_t and Clifford operations at p_phys therefore
exports only when p_t >= 10 p_phys; the estimator then needs qubit parameters with those
rates (e.g. ``tGateErrorRate = p_t``). Anything else (p_t < 10 p_phys, as at the usual
p_t = p_phys, or CCZ outputs) is refused with one line: a logical unit would let the estimator
resize the factory at its own code distance, which is not this factory.
"""

from __future__ import annotations

import math
from typing import Any

from estimator.errors import ConfigError, ModelError
from estimator.export.summary import FactorySummary

MIN_T_TO_CLIFFORD = 10.0
"""The estimator's condition for a physical distillation unit: T error >= 10x Clifford error."""


def distillation_unit(
    summary: FactorySummary, *, qubit_cycles_per_code_cycle: float, t_error: float | None = None
) -> dict[str, Any]:
    """The ``distillationUnitSpecifications`` entry of ``summary``, for a qdk qubit model whose
    T gate error is ``t_error`` (default: the p_t the factory was costed at).

    Raises:
        ConfigError: a non-positive qubit_cycles_per_code_cycle.
        ModelError: the factory outputs CCZ states, or its p_t is below 10 p_phys.
    """
    if not qubit_cycles_per_code_cycle > 0:
        raise ConfigError(
            "--qubit-cycles-per-code-cycle", f"must be positive, got {qubit_cycles_per_code_cycle}"
        )
    if summary.state != "T":
        raise ModelError(
            f"factory {summary.name!r} outputs {summary.state} states; the resource estimator's "
            "distillation units output T states"
        )
    t_error = summary.p_t if t_error is None else t_error
    if t_error is not None and t_error < MIN_T_TO_CLIFFORD * summary.p_phys:
        raise ModelError(
            f"factory {summary.name!r} was costed at p_t = {t_error:g} and p_phys = "
            f"{summary.p_phys:g}; the resource estimator takes a factory on physical qubits only "
            f"when the T error rate is at least {MIN_T_TO_CLIFFORD:g}x the Clifford error rate "
            f"(cost it with p_t >= {MIN_T_TO_CLIFFORD * summary.p_phys:g}, or use --to qualtran)"
        )
    return {
        "displayName": summary.name,
        "numInputTs": summary.inputs,
        "numOutputTs": summary.outputs,
        "failureProbabilityFormula": repr(summary.p_fail),
        "outputErrorRateFormula": repr(summary.p_out),
        "physicalQubitSpecification": {
            "numUnitQubits": summary.qubits,
            "durationInQubitCycleTime": math.ceil(
                summary.cycles_per_attempt * qubit_cycles_per_code_cycle
            ),
        },
    }


def estimator_params(
    summary: FactorySummary, *, qubit_cycles_per_code_cycle: float, t_error: float | None = None
) -> dict[str, Any]:
    """A params fragment for ``qdk.estimator`` / ``qsharp.estimate``: the unit, one round, for a
    qubit model whose T gate error is ``t_error`` (default: the factory's p_t)."""
    unit = distillation_unit(
        summary, qubit_cycles_per_code_cycle=qubit_cycles_per_code_cycle, t_error=t_error
    )
    return {"distillationUnitSpecifications": [unit], "constraints": {"maxDistillationRounds": 1}}
