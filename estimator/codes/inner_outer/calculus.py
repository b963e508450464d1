"""The output error and cost of an inner/outer-code protocol (Haah et al. 2018).

``evaluate`` combines the bookkeeping of the run (Haah et al. 2018, Eqs. (3)-(5), (12)-(15)) with the
undetected error patterns (Eqs. (2), (6)-(11), (16)-(20)) into the quantities Haah et al. 2018 reports:
nbar_out, nbar_T, eps_out and epsbar_out = eps_out / nbar_out (Eq. (1)).
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.codes.inner_outer.bookkeeping import Bookkeeping, bookkeeping
from estimator.codes.inner_outer.patterns import Patterns, enumerate_patterns
from estimator.codes.inner_outer.protocol import HHPWProtocol
from estimator.errors import ModelError

CONVENTION = (
    "Haah et al. 2018, Eq. (1): eps_out = P(at least one output of a run wrong), "
    "epsbar_out = eps_out / nbar_out (mean outputs per run)"
)
COUNTING = (
    "Haah et al. 2018, Eq. (2): pattern counts times the faults' rates, without the (1 - eps) factors; "
    "orders in powers of the raw error rate (a fault from a source of order o counts o)"
)

MAX_EPS_OUT = 0.1
"""Largest eps_out the expansion of 000 Eq. (2) is used for. The expansion drops the
(1 - eps) factors and all orders beyond the next-to-leading one, so it is an approximation
only while each order is small and the next one adds less than the one before; we apply it
while eps_out <= 0.1 and the next-to-leading classes sum to less than the leading ones."""


@dataclass(frozen=True)
class ProtocolResult:
    """Everything Haah et al. 2018 reports about a protocol, and where its output error comes from.

    Attributes:
        protocol: what was evaluated.
        book: acceptance, outputs and T counts.
        patterns: the undetected error classes of leading and next-to-leading order.
        eps_out_leading: sum of the leading-order classes.
        eps_out: sum of the leading and next-to-leading classes (Haah et al. 2018, Eq. (2)).
        epsbar_out: eps_out / nbar_out (Haah et al. 2018, Eq. (1)).
        convention: the output-error convention of eps_out and epsbar_out.
        counting: how the classes are counted and ordered.
    """

    protocol: HHPWProtocol
    book: Bookkeeping
    patterns: Patterns
    eps_out_leading: float
    eps_out: float
    epsbar_out: float
    convention: str = CONVENTION
    counting: str = COUNTING

    @property
    def nbar_t_per_output(self) -> float:
        """Raw T states per output, the sources' costs included (Haah et al. 2018, Table 4 column)."""
        return self.book.nbar_t / self.book.nbar_out

    @property
    def nbar_t_states_per_output(self) -> float:
        """States and gates consumed by the protocol itself per output."""
        return self.book.nbar_t_states / self.book.nbar_out

    @property
    def order(self) -> int:
        """The leading order, in powers of the raw error rate."""
        return self.patterns.order


def evaluate(protocol: HHPWProtocol) -> ProtocolResult:
    """Evaluate ``protocol`` at the error rates of its sources.

    Raises:
        ModelError: the leading-order bookkeeping does not apply (error rates too large).
    """
    book = bookkeeping(protocol)
    patterns = enumerate_patterns(protocol)
    leading = sum(t.value for t in patterns.terms if t.order == patterns.order)
    total = sum(t.value for t in patterns.terms)
    if total > MAX_EPS_OUT or total - leading > leading:
        raise ModelError(
            f"eps_out = {total:.3g} (leading order {leading:.3g}) at input error "
            f"{protocol.inputs.eps:.3g}: the expansion of 000 Eq. (2) applies only while "
            f"eps_out <= {MAX_EPS_OUT:g} and the next-to-leading classes add less than the "
            "leading ones; lower eps_in"
        )
    return ProtocolResult(protocol, book, patterns, leading, total, total / book.nbar_out)

