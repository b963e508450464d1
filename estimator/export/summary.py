"""FactorySummary: what other tools need of a costed factory, in one frozen value."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from estimator.errors import ConfigError, ModelError
from estimator.inputs import read_json

FORMAT = "msd-estimator factory summary 1"


@dataclass(frozen=True)
class FactorySummary:
    """A factory as a black box (docs/model/costs.md).

    Attributes:
        name: the config's title.
        p_phys: physical error rate the factory was costed at.
        p_out: output error per output state.
        p_fail: probability that a run is rejected.
        qubits: physical qubits (rounded up).
        cycles: code cycles per successful run (failed runs included on average).
        outputs: output states per successful run.
        state: "T" or "CCZ" (what one output state is).
        inputs: injected T states per run of the top level, nominal: each level's rotations
            times the injected T states per output of the level below (rounded up).
        p_t: error rate of an injected T state (faulty T measurement) it was costed at
            (None in summaries written before it was recorded).
    """

    name: str
    p_phys: float
    p_out: float
    p_fail: float
    qubits: int
    cycles: float
    outputs: int
    state: str
    inputs: int
    p_t: float | None = None

    @property
    def cycles_per_attempt(self) -> float:
        """Code cycles of one run, accepted or not (docs/model/costs.md without the 1/(1 - p_fail))."""
        return self.cycles * (1.0 - self.p_fail)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2) + "\n"


def summarize(config, estimate) -> FactorySummary:
    """The summary of a one-point estimate of ``config`` (estimator.config.factory).

    Raises:
        ModelError: the outputs are neither T nor CCZ states.
    """
    levels = [s for s in (config.level1, config.level2, config.level3) if s is not None]
    protocol = levels[-1].protocol
    ratio = protocol.t_count_per_run / protocol.outputs_per_run
    states = {1.0: "T", 4.0: "CCZ"}
    if ratio not in states:
        raise ModelError(
            f"protocol {protocol.name!r}: its outputs stand for {ratio:g} T gates each; "
            "only T and CCZ outputs can be exported"
        )
    per_output = Fraction(1)  # injected T states per output of the level below
    for spec in levels:
        per_run = len(spec.protocol.rotations) * per_output
        per_output = per_run / spec.protocol.outputs_per_run
    inputs = math.ceil(per_run)
    return FactorySummary(
        name=config.title,
        p_phys=float(config.noise.p_phys),
        p_out=float(estimate.p_out),
        p_fail=float(estimate.p_fail),
        qubits=math.ceil(float(estimate.qubits)),
        cycles=float(estimate.cycles),
        outputs=int(estimate.outputs),
        state=states[ratio],
        inputs=inputs,
        p_t=float(config.noise.p_t),
    )


def load_summary(path: str | Path) -> FactorySummary:
    """Read a summary written by ``msd export --to qualtran``."""
    data = read_json(path, field="summary")
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise ConfigError("summary", f"{path}: not a {FORMAT!r} file")
    try:
        return FactorySummary(**data)
    except TypeError as error:
        raise ConfigError("summary", f"{path}: {error}") from None
