"""Inner codes built beside ``estimator.codes.css``: hyperbolic subcodes and direct sums.

001_c7cbc9f2f2f9e3db.txt Sec. 5.3.1 turns logical operators of [[16,6,4]] into checks to get a
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

EXTRA_INNER_CODES = ("[[16,2,4]]", "[[12,6,2]]")


def hyperbolic_subcode(code: InnerCode, keep: int, *, name: str = "") -> InnerCode:
    """Keep the first ``keep`` hyperbolic pairs of ``code``'s magic basis; every other pair
    is removed by adding its first vector to S (001 Sec. 5.3.1).

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


def direct_sum(code: InnerCode, copies: int, *, name: str) -> InnerCode:
    """``copies`` blocks of ``code`` side by side, S block-diagonal; its magic basis keeps
    each block's pairs (Haah et al. 2017, Sec. 2: three [[4,2,2]] as one [[12,6,2]]).

    >>> direct_sum(inner_code("[[4,2,2]]"), 3, name="[[12,6,2]]").k
    6
    """
    rows = np.kron(np.eye(copies, dtype=np.uint8), code.stabilizers).astype(np.uint8)
    return InnerCode.from_stabilizers(name, rows)


def resolve_inner(spec: str, *, field: str = "inner") -> InnerCode:
    """An inner code by ``estimator.codes.css.inner_code`` spec, or one of
    ``EXTRA_INNER_CODES`` ("[[16,2,4]]": [[16,6,4]] keeping one pair; "[[12,6,2]]": three
    [[4,2,2]] blocks)."""
    if spec.replace(" ", "") in ("[[16,2,4]]", "16-2-4"):
        return hyperbolic_subcode(inner_code("[[16,6,4]]"), 1, name="[[16,2,4]]")
    if spec.replace(" ", "") in ("[[12,6,2]]", "12-6-2"):
        return direct_sum(inner_code("[[4,2,2]]"), 3, name="[[12,6,2]]")
    return inner_code(spec, field=field)
