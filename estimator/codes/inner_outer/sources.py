"""Where the noisy magic states and T gates of a protocol come from.

Haah et al. 2018, Sec. II splits the error rate of a protocol in two: eps_input for
the n_out input states and eps_check for the T gates inside the inner codes, each possibly
the output of another distillation protocol. A ``Source`` carries what the calculus needs
from such a supplier: the error probability of one state, its order as a power of the raw
error rate (a fault from it counts that many orders, so patterns are ordered by their real
size), and the raw T states one delivered state costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.codes.stochastic import check_eps
from estimator.errors import ConfigError

# MEK 10-to-2 as Haah et al. 2018, Sec. II uses it: eps_input = 9 eps^2 ("roughly the error after the MEK
# protocol is applied", 9e-6 at 1e-3) and 5 raw T per output (Sec. VI.3.1, "5 k_inner").
MEK_COEFFICIENT, MEK_T_PER_OUTPUT = 9, 5


@dataclass(frozen=True)
class Source:
    """A supplier of noisy magic states (or of the T gates made from them).

    Attributes:
        name: "raw", "mek", "concat:SEQ" or "protocol:TITLE".
        eps: probability that one delivered state has a Y error (independent states).
        order: eps is O(eps_raw^order); a fault from this source counts ``order`` orders.
        t_cost: raw T states consumed per delivered state.
        convention: what ``eps`` means (the per-state error of the supplier's convention).
        reference: where the model comes from.
    """

    name: str
    eps: float
    order: int
    t_cost: float
    convention: str
    reference: str

    def __post_init__(self) -> None:
        check_eps(self.eps, field=f"source {self.name!r}")
        if self.order < 1 or self.t_cost < 1:
            raise ConfigError(f"source {self.name!r}", "order and T cost must be at least 1")


def raw_source(eps: float) -> Source:
    """Undistilled states: Y error with probability eps (Haah et al. 2018, Sec. II stochastic model)."""
    return Source("raw", float(eps), 1, 1.0, "per-state error", "Haah et al. 2018, Sec. II")


def mek_source(eps: float) -> Source:
    """MEK 10-to-2 outputs as Haah et al. 2018 models them: 9 eps^2 per state, 5 raw T per state.

    >>> s = mek_source(1e-3)
    >>> round(s.eps, 12), s.order, s.t_cost
    (9e-06, 2, 5.0)
    """
    out = MEK_COEFFICIENT * float(eps) ** 2
    if not out < 0.5:
        raise ConfigError("source 'mek'", f"9 eps^2 = {out:.3g} at eps = {eps:g} is not below 0.5")
    return Source(
        "mek",
        out,
        2,
        float(MEK_T_PER_OUTPUT),
        "per-state error, leading order",
        "Haah et al. 2018, Sec. II and VI.3.1 (MEK 10-to-2: 9 eps^2, 5 T per output)",
    )


def concat_source(sequence: str, eps: float) -> Source:
    """Outputs of a concatenation of triorthogonal stages (Haah et al. 2018, Table 5 model, concat.py).

    The per-state error is the worst marginal error of Bravyi and Haah 2012 (what one state carries); the
    order is the product of the stages' leading orders.

    >>> s = concat_source("15", 1e-3)
    >>> s.order, round(s.t_cost, 3)
    (3, 15.227)
    """
    from estimator.codes.concat import concatenate, stage

    result = concatenate(sequence, eps)
    order = math.prod(min(p.order for p in stage(name).marginals) for name in result.sequence)
    return Source(
        f"concat:{result.name}",
        result.eps_out,
        order,
        result.t_per_output,
        result.convention,
        "Haah et al. 2018, Table 5 stages (estimator.codes.concat)",
    )


def protocol_source(name: str, epsbar_out: float, order: int, t_per_output: float) -> Source:
    """Outputs of another inner/outer-code protocol, at its epsbar_out (Haah et al. 2018, Eq. (1)).

    epsbar_out = P(any output wrong) / nbar_out is used as the error of each state, as if
    the outputs were independent (errors of one run are correlated, e.g. the four corners
    of a rectangle: a first approximation, stated in every result that uses it).
    """
    return Source(
        f"protocol:{name}",
        float(epsbar_out),
        int(order),
        float(t_per_output),
        "epsbar_out of Haah et al. 2018, Eq. (1), outputs treated as independent",
        "Haah et al. 2018, Sec. II (concatenation of protocols)",
    )
