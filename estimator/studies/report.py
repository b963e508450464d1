"""Turn estimates into records (JSON-ready dicts), aligned tables and CSV for people and scripts."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from estimator.factory import FactoryEstimate, LevelSpec
from estimator.studies.config import FactoryConfig

CONVENTION = "002: total infidelity / outputs per run"
UNRESOLVED = (
    "float64 cannot guarantee the digits at this point (--precision float); "
    "use --precision auto or exact"
)
"""Why a simulated quantity is null: the float64 path refused it (NaN, never a wrong digit)."""


def _level_inputs(spec: LevelSpec) -> dict[str, Any]:
    return {
        "protocol": spec.protocol.name,
        "layout": spec.layout.name,
        "schedule": spec.schedule.name,
        "d_x": int(spec.d.d_x),
        "d_z": int(spec.d.d_z),
        "d_m": int(spec.d.d_m),
    }


def estimate_record(config: FactoryConfig, estimate: FactoryEstimate) -> dict[str, Any]:
    """One JSON object: inputs echoed, costs per output state, the full-distance columns."""
    inputs: dict[str, Any] = {
        "p_phys": float(config.noise.p_phys),
        "p_t": float(config.noise.p_t),
        "level1": _level_inputs(config.level1),
    }
    if config.level2 is not None:
        inputs["level1"]["count"] = config.n_level1
        inputs["level2"] = _level_inputs(config.level2)
    reasons: dict[str, str] = {}
    record: dict[str, Any] = {
        "title": config.title,
        "inputs": inputs,
        **{
            key: _value(getattr(estimate, key), key, reasons)
            for key in ("p_out", "p_fail", "infidelity", "qubits", "cycles", "qubitcycles")
        },
        "outputs": estimate.outputs,
        "full_distance": [_full_distance(f) for f in estimate.full_distance],
        "output_error_convention": CONVENTION,
        "arithmetic": "extended (double-double or fixed point, checked)"
        if bool(estimate.exact)
        else "float64 (error-split, checked)",
    }
    if estimate.level1 is not None:
        record["level1"] = {
            k: _value(getattr(estimate.level1, k), f"level1.{k}", reasons)
            for k in ("p_out", "p_fail", "cycles", "qubits")
        }
    if reasons:
        record["not_defined"] = reasons
    return record


def _value(value: Any, key: str, reasons: dict[str, str]) -> float | None:
    """A simulated quantity as a float, or None (NaN: the float64 path refused it)."""
    number = float(value)
    if np.isnan(number):
        reasons[key] = UNRESOLVED
        return None
    return number


def _full_distance(f: Any) -> dict[str, Any]:
    entry = {
        "logical_qubits": f.logical_qubits,
        "d": None if np.isnan(f.d) else int(f.d),
        "cost_d3": None if np.isnan(f.cost_d3) else float(f.cost_d3),
    }
    if entry["d"] is None:
        entry["reason"] = f.reason or UNRESOLVED
    return entry


def format_estimate(record: Mapping[str, Any]) -> str:
    """Aligned text for people: inputs, then costs with units."""
    inputs = record["inputs"]
    lines = [record["title"], f"  p_phys = {inputs['p_phys']:g}, p_t = {inputs['p_t']:g}"]
    for level in ("level1", "level2"):
        if level in inputs:
            spec = inputs[level]
            count = f", {spec['count']} factories" if "count" in spec else ""
            lines.append(
                f"  {level}: {spec['protocol']} on {spec['layout']} ({spec['schedule']}), "
                f"d_x = {spec['d_x']}, d_z = {spec['d_z']}, d_m = {spec['d_m']}{count}"
            )
    rows = [
        ("p_out", _shown(record["p_out"], ".4g"), "per output state"),
        ("p_fail", _shown(record["p_fail"], ".3g"), "per run"),
        ("qubits", _shown(record["qubits"], ",.0f"), "physical qubits"),
        ("cycles", _shown(record["cycles"], ".2f"), "code cycles per successful run"),
        ("qubitcycles", _shown(record["qubitcycles"], ",.0f"), "per output state"),
        ("outputs", f"{record['outputs']}", "states per successful run"),
    ]
    for f in record["full_distance"]:
        name = f"full distance ({f['logical_qubits']} qubits)"
        if f["d"] is None:
            rows.append((name, "n/a", f["reason"]))
        else:
            rows.append((name, f"{f['cost_d3']:#.3g} d^3", f"d = {f['d']}"))
    rows += [(key, "n/a", reason) for key, reason in record.get("not_defined", {}).items()]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines += [f"  {name:<{width}}  {value:>{value_width}}  {unit}" for name, value, unit in rows]
    lines.append(
        f"  ({record['arithmetic']}; p_out convention {record['output_error_convention']})"
    )
    return "\n".join(lines)


def _shown(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row for CSV: nested inputs and full-distance columns get dotted names."""
    row: dict[str, Any] = {"title": record["title"]}
    for key, value in record["inputs"].items():
        if isinstance(value, dict):
            row.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            row[key] = value
    for key in ("p_out", "p_fail", "infidelity", "qubits", "cycles", "qubitcycles", "outputs"):
        row[key] = record[key]
    for f in record["full_distance"]:
        row[f"d_{f['logical_qubits']}"] = f["d"]
        row[f"cost_d3_{f['logical_qubits']}"] = f["cost_d3"]
    reasons = {**record.get("not_defined", {})}
    reasons.update(
        {f"d_{f['logical_qubits']}": f["reason"] for f in record["full_distance"] if "reason" in f}
    )
    if reasons:
        row["not_defined"] = "; ".join(f"{k}: {v}" for k, v in reasons.items())
    return row


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def format_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-align the first column, right-align the others."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths))
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])
