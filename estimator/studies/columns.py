"""Columns: the rows of a study as equal-length numpy arrays (one per CSV column).

A study evaluates thousands of factories per batch; keeping them as columns avoids building a
dict per point until rows are written. Column names are those of report.flatten (plus
``vary.KEY`` for the swept keys and the ``pareto`` flags).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.studies.report import integer_column, plain


@dataclass(frozen=True)
class Columns:
    """Named columns of ``size`` rows; a missing cell (a column another part lacks) is None."""

    data: Mapping[str, np.ndarray]
    size: int

    @classmethod
    def build(cls, values: Mapping[str, Any], size: int) -> Columns:
        """Columns from arrays of length ``size`` or single values shared by every row."""
        return cls({name: _column(value, size) for name, value in values.items()}, size)

    @classmethod
    def concat(cls, parts: Sequence[Columns]) -> Columns:
        """The rows of ``parts`` one after another; names in order of first appearance."""
        names: dict[str, None] = {}
        for part in parts:
            names.update(dict.fromkeys(part.data))
        data = {
            name: np.concatenate(
                [part.data.get(name, np.full(part.size, None, dtype=object)) for part in parts]
            )
            if parts
            else np.empty(0, dtype=object)
            for name in names
        }
        return cls(data, sum(part.size for part in parts))

    def take(self, rows: np.ndarray) -> Columns:
        """The rows at the positions ``rows`` (integer indices or a boolean mask)."""
        rows = np.asarray(rows)
        size = int(rows.sum()) if rows.dtype == bool else len(rows)
        return Columns({name: column[rows] for name, column in self.data.items()}, size)

    def with_columns(self, values: Mapping[str, Any]) -> Columns:
        """These columns and ``values`` (added at the end, or replacing same-named ones)."""
        return Columns({**self.data, **Columns.build(values, self.size).data}, self.size)

    def number(self, name: str) -> np.ndarray:
        """A numeric column as float64 (a missing cell is NaN)."""
        column = self.data[name]
        if column.dtype == object:
            return np.array([np.nan if v is None else float(v) for v in column], dtype=float)
        return column.astype(float)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per row with plain Python values (int, float, str; None for NaN); as in
        report.flatten, ``not_defined`` only in rows with a value that is not defined."""
        lists = [_plain_list(name, column) for name, column in self.data.items()]
        names = list(self.data)
        rows = [dict(zip(names, values)) for values in zip(*lists)]
        if "not_defined" in self.data:
            for row in rows:
                if row["not_defined"] is None:
                    del row["not_defined"]
        return rows

    def to_csv(self) -> str:
        """The rows as CSV text, as report.to_csv writes ``rows()`` (a missing cell empty),
        without building a dict per row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(self.data))
        writer.writerows(zip(*(_plain_list(n, c) for n, c in self.data.items())))
        return out.getvalue()

    def to_json(self) -> dict[str, list[Any]]:
        """Column lists for a JSON file (NaN as null)."""
        return {name: _plain_list(name, column) for name, column in self.data.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, list[Any]]) -> Columns:
        """The inverse of ``to_json``."""
        sizes = {len(values) for values in data.values()}
        if len(sizes) > 1:
            raise ValueError("columns of different lengths")
        size = sizes.pop() if sizes else 0
        return cls({name: _from_list(values) for name, values in data.items()}, size)


def _column(value: Any, size: int) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.ndim == 1:
        if len(value) != size:
            raise ValueError(f"a column of {len(value)} values in {size} rows")
        return value
    if isinstance(value, list | tuple):
        return _from_list(value)
    if isinstance(value, str) or value is None:
        column = np.empty(size, dtype=object)
        column[:] = value
        return column
    return np.full(size, value)


def _from_list(values: Iterable[Any]) -> np.ndarray:
    values = list(values)
    if values and all(
        isinstance(v, int | float) and not isinstance(v, bool) or v is None for v in values
    ):
        if any(v is None or isinstance(v, float) for v in values):
            return np.array([np.nan if v is None else v for v in values], dtype=float)
        return np.array(values, dtype=np.int64)
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _plain_list(name: str, column: np.ndarray) -> list[Any]:
    if column.dtype == object:
        return [plain(name, v) if isinstance(v, float | np.floating) else v for v in column]
    if column.dtype.kind == "b":
        return column.tolist()
    if column.dtype.kind == "f":
        values = column.tolist()
        if np.isnan(column).any():
            values = [None if math.isnan(v) else v for v in values]
        if integer_column(name):
            return [None if v is None else int(v) for v in values]
        return values
    return column.tolist()
