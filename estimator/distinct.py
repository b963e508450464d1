"""Distinct rows of a table of parameters, fast: each column is reduced to small integers
(its distinct values), the row becomes one mixed-radix integer, and a one-dimensional
``np.unique`` does the rest (``np.unique(axis=0)`` sorts structured rows, ten times slower)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse) of the rows of equal-length ``columns``: ``first`` holds the index of
    one row per distinct row (in order of the sorted rows), ``inverse`` maps every row to its
    position in ``first``.

    >>> first, inverse = distinct_rows([np.array([1.0, 2.0, 1.0]), np.array([5, 6, 5])])
    >>> first.tolist(), inverse.tolist()
    ([0, 1], [0, 1, 0])
    """
    code = np.zeros(len(columns[0]), dtype=np.int64)
    radix = 1
    for column in columns:
        values, index = np.unique(column, return_inverse=True)
        if radix * len(values) >= 2**62:  # too many combinations for one integer: recode
            _, code = np.unique(code, return_inverse=True)
            radix = int(code.max()) + 1
        code = code * len(values) + index.ravel()
        radix *= len(values)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.ravel()
