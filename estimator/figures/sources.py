"""Data for cost plots: result files of ``msd sweep/search/pareto/estimate/table`` and
published reference points (Litinski 2019, Table 1 from the configs' [paper] tables and
historical.toml, a user's reference CSV files).

Reference CSV format (one point per row; lines starting with # are comments and should say
where every number comes from): columns ``series`` (legend label), ``p_phys``, ``p_out``,
``x`` (the plot axis the point belongs to: qubitcycles, qubits, cycles or time), ``value``;
optional ``unit`` (the source's own unit of value when it differs from the axis'; the plot
notes it), ``connect`` (yes: draw the series as a line), ``label``, ``source``,
``t_per_output`` (T states an output state stands for, default 1; a CCZ state: 4); any other
columns are kept for provenance and ignored.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError
from estimator.inputs import read_json, read_text, read_toml
from estimator.limits import current

AXES = ("qubitcycles", "qubits", "cycles", "time")


@dataclass(frozen=True)
class ReferencePoint:
    """One published point: p_out at a cost, on one axis of the plot, per output state
    (``t_per_output`` T states each, 4 for a CCZ state) and cycles per run (``t_per_run`` T
    states); plots per T state divide by them."""

    series: str
    p_phys: float
    p_out: float
    axis: str
    value: float
    unit: str = ""
    connect: bool = False
    label: str = ""
    source: str = ""
    t_per_output: float = 1.0
    t_per_run: float = 1.0


def _number(value: Any, field: str, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(field, f"{where}: {value!r} is not a number") from None
    return number


def read_reference_csv(path: str | Path) -> list[ReferencePoint]:
    """The points of a reference CSV (format in the module docstring)."""
    path = Path(path)
    lines = [
        line
        for line in read_text(path, field="--reference").splitlines()
        if not line.startswith("#")
    ]
    reader = csv.DictReader(lines)
    missing = {"series", "p_phys", "p_out", "x", "value"} - set(reader.fieldnames or ())
    if missing:
        raise ConfigError("--reference", f"{path}: missing column(s) {', '.join(sorted(missing))}")
    points = []
    for n, row in enumerate(reader, 2):
        where = f"{path} line {n}"
        if row["x"] not in AXES:
            raise ConfigError(
                "--reference", f"{where}: x = {row['x']!r}, use one of {', '.join(AXES)}"
            )
        t_count = _number(row.get("t_per_output") or 1, "--reference", where)
        if not t_count >= 1:
            raise ConfigError("--reference", f"{where}: t_per_output must be >= 1")
        points.append(
            ReferencePoint(
                series=row["series"],
                p_phys=_number(row["p_phys"], "--reference", where),
                p_out=_number(row["p_out"], "--reference", where),
                axis=row["x"],
                value=_number(row["value"], "--reference", where),
                unit=row.get("unit") or "",
                connect=(row.get("connect") or "").strip().lower() in ("yes", "true", "1"),
                label=row.get("label") or "",
                source=row.get("source") or "",
                t_per_output=t_count,
                t_per_run=t_count,
            )
        )
    return points


TABLE1 = "Litinski 2019, Table 1 (printed)"
HISTORICAL = "Litinski 2019, Table 1, historical"


def table1_references(directory: str | Path) -> list[ReferencePoint]:
    """Every row of Litinski 2019, Table 1 as printed: the modelled rows from the [paper] table of each
    config in ``directory``, the historical rows from its historical.toml (qubitcycles, qubits
    and cycles axes). Reference: Litinski 2019, Table 1."""
    directory = Path(directory)
    points = []
    for path in sorted(directory.glob("*.toml")):
        data = read_toml(path, field="--reference")
        if path.name == "historical.toml":
            rows = [(HISTORICAL, row, row["title"]) for row in data.get("rows", [])]
        elif "paper" in data:
            rows = [
                (TABLE1, {**data["paper"], "p_phys": data["p_phys"]}, data.get("title", path.stem))
            ]
        else:
            rows = []
        for series, row, title in rows:
            t_per_output, t_per_run = _t_counts(data) if series == TABLE1 else (1.0, 1.0)
            for axis in ("qubitcycles", "qubits", "cycles"):
                points.append(
                    ReferencePoint(
                        series=series,
                        p_phys=float(row["p_phys"]),
                        p_out=float(row["p_out"]),
                        axis=axis,
                        value=float(row[axis]),
                        label=title,
                        source=f"Litinski 2019, Table 1 ({path.name})",
                        t_per_output=t_per_output,
                        t_per_run=t_per_run,
                    )
                )
    return points


def _t_counts(config: dict[str, Any]) -> tuple[float, float]:
    """T states per output state and per run of a config's top-level protocol (an 8-to-CCZ
    run: one CCZ state, 4 T states; docs/model/costs.md)."""
    from estimator.circuits.protocols import get_protocol

    top = config.get("level2") or config["level1"]
    protocol = get_protocol(top["protocol"])
    return protocol.t_count_per_run / protocol.outputs_per_run, float(protocol.t_count_per_run)


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    if "inputs" in record:  # a nested estimate record
        from estimator.studies.report import flatten

        return flatten(record)
    return record


def read_results(path: str | Path) -> list[dict[str, Any]]:
    """Flat result rows of a CSV or JSON file written by msd (sweep, search, pareto,
    estimate --format json|csv, table --format json|csv)."""
    path = Path(path)
    largest = int(current().max_memory_bytes) // 8  # a sweep's rows: about 400 bytes each
    if path.suffix.lower() == ".csv":
        text = read_text(path, field="RESULTS", max_bytes=largest)
        rows: list[dict[str, Any]] = list(
            csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
        )
    else:
        data = read_json(path, field="RESULTS", max_bytes=largest)
        if isinstance(data, dict):
            data = data.get("rows", data.get("results", [data]))
        rows = [_flat(r) for r in data if isinstance(r, dict)]
    if not rows or "p_out" not in rows[0]:
        raise ConfigError("RESULTS", f"{path}: no result rows with a p_out column")
    return rows


def finite_positive(value: Any) -> float | None:
    """``value`` as a float when it is a finite positive number, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None
