"""A factory as a ``qualtran.surface_code.MagicStateFactory`` (optional extra ``qualtran``).

Qualtran's interface (qualtran/surface_code/magic_state_factory.py) asks a factory for its
physical qubits, the cycles to produce the magic states of a GateCounts, and the total error
of those states. This wrapper answers from a FactorySummary: T states are counted with
GateCounts.total_t_count(); a CCZ factory supplies one CCZ state per Toffoli/CSwap/And and,
by catalysed conversion, two T states per CCZ state (as Qualtran's CCZ2TFactory counts them).
Its numbers hold at the p_phys it was costed at: asked with another physical error rate it
raises a ModelError rather than answer wrongly.
"""

from __future__ import annotations

import functools
import math

from estimator.errors import ModelError
from estimator.export.summary import FactorySummary


def magic_states(summary: FactorySummary, n_logical_gates) -> int:
    """Output states the computation ``n_logical_gates`` (a qualtran GateCounts) consumes."""
    if summary.state == "T":
        return int(n_logical_gates.total_t_count())
    counts = n_logical_gates.total_t_and_ccz_count()
    return int(counts["n_ccz"] + math.ceil(counts["n_t"] / 2))


@functools.cache
def _factory_class():
    from dataclasses import dataclass

    from qualtran.surface_code import MagicStateFactory

    @dataclass(frozen=True)
    class MsdFactory(MagicStateFactory):
        """A factory costed by msd-estimator (see estimator.export.qualtran)."""

        summary: FactorySummary

        def _check(self, logical_error_model) -> None:
            p = getattr(logical_error_model, "physical_error", None)
            if p is not None and not math.isclose(p, self.summary.p_phys, rel_tol=1e-9):
                raise ModelError(
                    f"factory {self.summary.name!r} was costed at p_phys = {self.summary.p_phys:g}, "
                    f"Qualtran asks at {p:g}: export it again with --set p_phys={p:g}"
                )

        def n_physical_qubits(self) -> int:
            return self.summary.qubits

        def n_cycles(self, n_logical_gates, logical_error_model) -> int:
            self._check(logical_error_model)
            runs = magic_states(self.summary, n_logical_gates) / self.summary.outputs
            return math.ceil(runs * self.summary.cycles)

        def factory_error(self, n_logical_gates, logical_error_model) -> float:
            self._check(logical_error_model)
            return self.summary.p_out * magic_states(self.summary, n_logical_gates)

    return MsdFactory


def qualtran_factory(summary: FactorySummary):
    """A ``qualtran.surface_code.MagicStateFactory`` for ``summary`` (needs ``pip install
    msd-estimator[qualtran]``)."""
    try:
        cls = _factory_class()
    except ImportError as error:
        raise ModelError(
            f"Qualtran is not installed ({error}); pip install 'msd-estimator[qualtran]'"
        ) from None
    return cls(summary)
