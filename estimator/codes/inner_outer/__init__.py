"""Inner/outer-code distillation protocols of Haah, Hastings, Poulin and Wecker.

The protocol calculus of Haah et al. 2018 ("Magic state distillation at
intermediate size"): a protocol is data (``HHPWProtocol``: outer code, rounds of checks
with their inner codes, sources of states and T gates); ``evaluate`` returns its success
probability, outputs, T count and output error, term by term.
"""

from estimator.codes.inner_outer.bookkeeping import Bookkeeping, CheckRates, RoundBook, check_rates
from estimator.codes.inner_outer.calculus import CONVENTION, ProtocolResult, evaluate
from estimator.codes.inner_outer.patterns import ErrorTerm, Patterns, enumerate_patterns
from estimator.codes.inner_outer.protocol import (
    EXECUTIONS,
    MAGIC_BASES,
    HHPWProtocol,
    Round,
    Structure,
)
from estimator.codes.inner_outer.sources import (
    Source,
    concat_source,
    mek_source,
    protocol_source,
    raw_source,
)

__all__ = [
    "CONVENTION",
    "EXECUTIONS",
    "MAGIC_BASES",
    "Bookkeeping",
    "CheckRates",
    "ErrorTerm",
    "HHPWProtocol",
    "Patterns",
    "ProtocolResult",
    "Round",
    "RoundBook",
    "Source",
    "Structure",
    "check_rates",
    "concat_source",
    "enumerate_patterns",
    "evaluate",
    "mek_source",
    "protocol_source",
    "raw_source",
]
