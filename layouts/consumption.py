"""When an output may leave a factory: post-selection first, through a free ancilla region.

An output patch is handed to the computation by lattice surgery (d_m cycles) and moved out of
the block (2 d_x cycles) through an ancilla region next to it: d_m + 2 d_x cycles, as the
cost model of Litinski 2019 (arXiv:1905.06903) charges it. Two conditions make this a factory
(docs/model/consumption-and-supply.md):

1. *Post-selection first.* The output leaves at the start of its consumption step, plus one
   step if deferred, plus d_m + 2 d_x. That must be no earlier than the end of the last lattice
   surgery of the run (start of the last step plus its d_m): before then some check outcome is
   unknown, and a state already handed out cannot be recalled when the run is rejected.
2. *Access.* From its consumption step until it has left, some ancilla region is free at the
   output's row position in every step (no rotation of the step uses that stretch).

Deferred consumption means after the protocol's last step. The rules need the step times, so
they are checked on a ``Level`` (layouts.error_terms); ``Schedule.validate`` checks their
time-free part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.errors import ConsumptionError
from layouts.error_terms import CONSUMPTION_TIME, FaultyT, Level

POST_SELECTION = "post-selection first"
ACCESS = "access"
RELATIVE_SLACK = 1e-12
"""Times are sums of floats: a leaving time that equals the end of the last surgery up to this
relative difference (rounding) counts as equal."""


@dataclass(frozen=True)
class Violation:
    """Output ``qubit``, consumed in ``step``, breaks ``rule`` at the points where ``where``."""

    qubit: int
    step: int
    rule: str
    where: np.ndarray
    detail: str


def leaving_time(level: Level, qubit: int) -> np.ndarray:
    """Cycle (from the start of the run) at which output ``qubit`` has left the block."""
    c = next(c for c in level.schedule.consumption if c.qubit == qubit)
    start = level.step_starts()[c.step - 1]
    wait = level.step_time(c.step) if c.deferred else 0.0
    return start + wait + CONSUMPTION_TIME.evaluate(level.d.at_step(c.step))


def surgery_end(level: Level) -> np.ndarray:
    """End of the last lattice surgery of a run: start of the last step plus its d_m."""
    n = level.schedule.n_steps
    return level.step_starts()[n - 1] + np.asarray(level.d.at_step(n).d_m, float)


def violations(level: Level) -> list[Violation]:
    """Every breach of the two consumption rules, with the parameter points where it occurs."""
    schedule, layout = level.schedule, level.layout
    number = 1 if isinstance(level.source, FaultyT) else 2
    end = surgery_end(level)
    starts = level.step_starts()
    found = []
    for c in schedule.consumption:
        leave = leaving_time(level, c.qubit)
        early = np.asarray(leave < end * (1 - RELATIVE_SLACK))
        if np.any(early):
            found.append(
                Violation(
                    c.qubit,
                    c.step,
                    POST_SELECTION,
                    early,
                    f"it leaves at cycle {_first(leave, early):.4g}, before the last lattice "
                    f"surgery of the run ends at cycle {_first(end, early):.4g}",
                )
            )
        if c.deferred:  # it leaves after the last step: no step is occupied
            continue
        for s in range(c.step, schedule.n_steps + 1):
            occupied = np.asarray(starts[s - 1] < leave)
            if not np.any(occupied) or layout.free_regions(
                schedule.steps[s - 1], c.qubit, level=number
            ):
                continue
            found.append(
                Violation(
                    c.qubit,
                    c.step,
                    ACCESS,
                    occupied,
                    f"in step {s}, before it has left, every ancilla region's stretch at its "
                    "patch is used by a rotation",
                )
            )
    return found


def consumption_ok(level: Level) -> np.ndarray:
    """Per parameter point, True where both rules hold."""
    bad = np.zeros(np.shape(surgery_end(level)), bool)
    for v in violations(level):
        bad = bad | v.where
    return ~bad


def check_consumption(level: Level) -> None:
    """Raise ConsumptionError (one line: output, step, rule) on the first breach."""
    for v in violations(level):
        raise ConsumptionError(
            f"schedule {level.schedule.name!r}: output q{v.qubit} consumed in step {v.step} of "
            f"{level.schedule.n_steps} breaks the consumption rule '{v.rule}': {v.detail}"
        )


def _first(value, where) -> float:
    value = np.broadcast_to(np.asarray(value, float), np.shape(where))
    return float(value[where].flat[0]) if np.ndim(where) else float(value)
