"""Inner codes built beside ``estimator.codes.css``: hyperbolic subcodes.

Haah et al. 2017, Sec. 5.3.1 turns logical operators of [[16,6,4]] into checks to get a
[[16,2,4]] code with fewer low-weight logicals. Adding one vector of a hyperbolic pair of the
magic basis to S removes that pair from S^perp / S (the other vector is no longer orthogonal
to S), so keeping p of the q/2 pairs gives [[n, 2p, >= d]]. For [[16,6,4]] every choice of the
two dropped pairs and of the vector added from each gives the same weight distribution
(c_log(4) = 32; checked in the tests), so the built-in name is well defined.
"""

from __future__ import annotations

import numpy as np

from estimator.codes.css import InnerCode, inner_code
from estimator.errors import ConfigError

EXTRA_INNER_CODES = ("[[16,2,4]]",)


def hyperbolic_subcode(code: InnerCode, keep: int, *, name: str = "") -> InnerCode:
    """Keep the first ``keep`` hyperbolic pairs of ``code``'s magic basis; every other pair
    is removed by adding its first vector to S (Haah et al. 2017, Sec. 5.3.1).

    >>> hyperbolic_subcode(inner_code("[[16,6,4]]"), 1).k
    2

    Raises:
        ConfigError: ``code`` is not hyperbolic or ``keep`` is out of range.
    """
    basis = code.magic_basis()
    if basis.p or not basis.q:
        raise ConfigError("inner", f"{code.name} is not hyperbolic; it has no pairs to remove")
    pairs = basis.q // 2
    if isinstance(keep, bool) or not isinstance(keep, int) or not 1 <= keep <= pairs:
        raise ConfigError("keep", f"keep between 1 and {pairs} pairs of {code.name}, got {keep!r}")
    added = basis.vectors[[2 * j for j in range(keep, pairs)]]
    rows = np.vstack([code.stabilizers, added]).astype(np.uint8)
    label = name or f"{code.name} keeping {keep} pair(s)"
    return InnerCode.from_stabilizers(label, rows)


def resolve_inner(spec: str, *, field: str = "inner") -> InnerCode:
    """An inner code by ``estimator.codes.css.inner_code`` spec, or one of
    ``EXTRA_INNER_CODES`` ("[[16,2,4]]": [[16,6,4]] keeping one pair)."""
    if spec.replace(" ", "") in ("[[16,2,4]]", "16-2-4"):
        return hyperbolic_subcode(inner_code("[[16,6,4]]"), 1, name="[[16,2,4]]")
    return inner_code(spec, field=field)
