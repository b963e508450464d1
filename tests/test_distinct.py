"""Distinct rows: the same grouping as np.unique(axis=0), also past 2^62 combinations."""

import numpy as np

from estimator.distinct import distinct_rows


def test_grouping_matches_numpy():
    rng = np.random.default_rng(5)
    for n_columns in (1, 3, 8):
        columns = [rng.integers(0, 3, 500).astype(float) * 1e-3 for _ in range(n_columns)]
        first, inverse = distinct_rows(columns)
        table = np.stack(columns, axis=1)
        assert np.array_equal(table[first][inverse], table)  # every row found again
        assert len(first) == len(np.unique(table, axis=0))


def test_many_combinations_are_recoded():
    """12 columns of 100,000 distinct values: 1e60 combinations, more than one int64 holds."""
    rng = np.random.default_rng(6)
    columns = [rng.permutation(100_000) for _ in range(12)]
    columns = [np.concatenate([c, c[:10]]) for c in columns]  # 10 repeated rows
    first, inverse = distinct_rows(columns)
    table = np.stack(columns, axis=1)
    assert len(first) == 100_000 and np.array_equal(table[first][inverse], table)
