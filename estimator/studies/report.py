"""Turn estimates into records (JSON-ready dicts), aligned tables and CSV for people and scripts."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from estimator.config.factory import FactoryConfig
from estimator.config.hardware import factory_time
from estimator.factory import FactoryEstimate, LevelSpec

CONVENTION = "Litinski 2019: total infidelity / outputs per run"
UNRESOLVED = (
    "float64 cannot guarantee the digits at this point (--precision float); "
    "use --precision auto or exact"
)
"""Why a simulated quantity is null: the float64 path refused it (NaN, never a wrong digit)."""
RESULTS = ("p_out", "p_fail", "infidelity", "qubits", "cycles", "qubitcycles", "outputs")
LEVEL1 = ("p_out", "p_fail", "cycles", "qubits")
"""The level-1 figures a two-level record reports."""
PER_T = ("t_per_run", "p_out_per_t", "qubitcycles_per_t", "cycles_per_t")
"""Costs normalised per T state: a run's outputs stand for t_per_run T states (a CCZ state
counts as 4, Protocol.t_count_per_run), so protocols with different outputs compare."""
TIMES = (
    "run_time_us",
    "time_per_output_us",
    "time_per_t_us",
    "outputs_per_s",
    "t_per_s",
    "factories",
    "factory_qubits",
    "machine_fraction",
)
"""Wall-clock columns of a config with a ``[hardware]`` table (estimator.config.hardware)."""
_INTEGER = re.compile(r"(^|\.)(d_x|d_z|d_m|count|d1|gap)$|^(outputs|t_per_run|factories|d_\d+)$")


def series_label(config: FactoryConfig) -> str:
    """The protocols and layouts of the levels, e.g. "15-to-1 × 20-to-4, litinski" or
    "15-to-1 × 14-to-2, litinski / auto": the label a plot groups factories by (the format of
    estimator.figures.cost)."""
    levels = [s for s in (config.level1, config.level2) if s is not None]
    layouts = " / ".join(dict.fromkeys(s.layout.name for s in levels))
    chain = ["cultivation"] if config.cultivation else []
    return f"{' × '.join(chain + [s.protocol.name for s in levels])}, {layouts}"


def _level_inputs(spec: LevelSpec) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "protocol": spec.protocol.name,
        "layout": spec.layout.name,
        "schedule": spec.schedule.name,
        "d_x": spec.d.d_x,
        "d_z": spec.d.d_z,
        "d_m": spec.d.d_m,
    }
    if spec.d.d_z_patch:  # model extensions (docs/model-extensions.md E1-E2)
        inputs["d_z_patch"] = {f"q{q}": _whole(v) for q, v in sorted(spec.d.d_z_patch.items())}
    if spec.d.region_width:
        inputs["region_width"] = {r: _whole(v) for r, v in sorted(spec.d.region_width.items())}
    if spec.d.d_m_step:
        inputs["d_m_step"] = [_whole(v) for v in spec.d.d_m_step]
    return inputs


def _whole(value: Any) -> Any:
    """A distance as an int (one point) or as it is (a batch)."""
    return int(value) if np.ndim(value) == 0 else value


def _inputs(config: FactoryConfig) -> dict[str, Any]:
    """The inputs of a config (or of a batch: arrays), nested by table."""
    inputs: dict[str, Any] = {
        "p_phys": config.noise.p_phys,
        "p_t": config.noise.p_t,
        "level1": _level_inputs(config.level1),
    }
    if config.level2 is not None:
        inputs["level1"]["count"] = config.n_level1
        inputs["level2"] = _level_inputs(config.level2)
    if config.mix:
        inputs["level1"]["mix"] = [
            {**_level_inputs(spec), "count": int(count)} for spec, count in config.mix
        ]
    if config.level3 is not None:
        inputs["level2"]["count"] = config.n_level2
        inputs["level3"] = _level_inputs(config.level3)
    if config.hardware is not None:
        inputs["hardware"] = config.hardware.inputs()
    if config.cultivation is not None:
        inputs["cultivation"] = _cultivation_inputs(config.cultivation)
    return inputs


def _cultivation_inputs(feed: Any) -> dict[str, Any]:
    """The cultivation units feeding level 1: the data point (error, interval, expected cost
    per kept state, the rows it rests on), their count and arrangement."""
    point = feed.unit.point
    return {
        "d1": point.d1,
        "gap": point.gap,
        "count": feed.count,
        "arrangement": feed.arrangement.name,
        "p_out": point.p_out,
        "p_out_low": point.p_out_low,
        "p_out_high": point.p_out_high,
        "qubits": point.qubits,
        "cycles": point.cycles,
        "rows": " ".join(map(str, point.rows)),
    }


def _results(config: FactoryConfig, estimate: FactoryEstimate) -> dict[str, Any]:
    """Costs of a config (or a batch), per output state and per T state, and wall-clock
    figures when the config has a ``[hardware]`` table."""
    t_per_run = (config.level2 or config.level1).protocol.t_count_per_run
    results = {key: getattr(estimate, key) for key in RESULTS}
    results.update(
        t_per_run=t_per_run,
        p_out_per_t=estimate.infidelity / t_per_run,
        qubitcycles_per_t=estimate.qubitcycles * estimate.outputs / t_per_run,
        cycles_per_t=estimate.cycles / t_per_run,
    )
    if config.hardware is not None:
        timing = factory_time(
            config.hardware,
            cycles=estimate.cycles,
            qubits=estimate.qubits,
            outputs=estimate.outputs,
            t_count_per_run=t_per_run,
        )
        results.update(
            {key: getattr(timing, key) for key in TIMES if getattr(timing, key) is not None}
        )
    return results


def plain(name: str, value: Any) -> Any:
    """A value as JSON and CSV take it: int for counts and distances, float otherwise, None
    for NaN (not resolved, or not defined)."""
    if isinstance(value, str | dict | list | tuple) or value is None:
        return value  # model extensions: per-patch tables, per-step lists, mixes (plain already)
    value = float(value)
    if math.isnan(value):
        return None
    return int(value) if integer_column(name) else value


def integer_column(name: str) -> bool:
    """True for columns that hold whole numbers: distances, counts, outputs, factories."""
    return _INTEGER.search(name) is not None


def estimate_columns(config: FactoryConfig, estimate: FactoryEstimate) -> dict[str, Any]:
    """The flat columns of a batch (the names of ``flatten``): arrays over the batch, or one
    value shared by every point."""
    columns: dict[str, Any] = {"title": config.title, "series": series_label(config)}
    for key, value in _inputs(config).items():
        if isinstance(value, dict):
            columns.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            columns[key] = value
    results = _results(config, estimate)
    columns.update(results)
    for f in estimate.full_distance:
        columns[f"d_{f.logical_qubits}"] = f.d
        columns[f"cost_d3_{f.logical_qubits}"] = f.cost_d3
    reasons = _column_reasons(results, estimate)
    if reasons is not None:
        columns["not_defined"] = reasons
    return columns


def _column_reasons(results: Mapping[str, Any], estimate: FactoryEstimate) -> Any:
    """Per point, why its null values have none (as ``flatten`` writes them); None if every
    value of the batch is defined."""
    values = dict(results)
    if estimate.level1 is not None:
        values.update({f"level1.{k}": getattr(estimate.level1, k) for k in LEVEL1})
    missing = [
        (key, np.isnan(np.asarray(v, dtype=float)), UNRESOLVED)
        for key, v in values.items()
        if np.any(np.isnan(np.asarray(v, dtype=float)))
    ]
    missing += [
        (f"d_{f.logical_qubits}", np.isnan(np.asarray(f.d, dtype=float)), f.reason or UNRESOLVED)
        for f in estimate.full_distance
        if np.any(np.isnan(np.asarray(f.d, dtype=float)))
    ]
    if not missing:
        return None
    size = max(np.size(mask) for _, mask, _ in missing)
    reasons = np.full(size, None, dtype=object)
    for point in range(size):
        found = [
            f"{key}: {why}" for key, mask, why in missing if np.broadcast_to(mask, size)[point]
        ]
        reasons[point] = "; ".join(found) or None
    return reasons


def estimate_record(config: FactoryConfig, estimate: FactoryEstimate) -> dict[str, Any]:
    """One JSON object: inputs echoed, costs per output state and per T state, the
    full-distance columns, and wall-clock figures given a ``[hardware]`` table; a value that
    is not defined is null, with its reason under ``not_defined``."""
    inputs = {
        key: {k: plain(k, v) for k, v in value.items()}
        if isinstance(value, dict)
        else plain(key, value)
        for key, value in _inputs(config).items()
    }
    reasons: dict[str, str] = {}
    results = {key: plain(key, value) for key, value in _results(config, estimate).items()}
    reasons.update({key: UNRESOLVED for key, value in results.items() if value is None})
    record: dict[str, Any] = {
        "title": config.title,
        "series": series_label(config),
        "inputs": inputs,
        **results,
        "full_distance": [_full_distance(f) for f in estimate.full_distance],
        "output_error_convention": CONVENTION,
        "arithmetic": "extended (double-double or fixed point, checked)"
        if bool(estimate.exact)
        else "float64 (error-split, checked)",
    }
    if config.hardware is not None:
        record["cycle_time_source"] = config.hardware.cycle.source
    if estimate.level1 is not None:  # what feeds the top: level 1, or cultivation units
        name = "units" if config.cultivation is not None and config.level2 is None else "level1"
        level1 = {k: plain(k, getattr(estimate.level1, k)) for k in LEVEL1}
        reasons.update({f"{name}.{k}": UNRESOLVED for k, v in level1.items() if v is None})
        record[name] = level1
    if reasons:
        record["not_defined"] = reasons
    return record


def _full_distance(f: Any) -> dict[str, Any]:
    entry = {
        "logical_qubits": f.logical_qubits,
        "d": plain(f"d_{f.logical_qubits}", f.d),
        "cost_d3": plain("cost_d3", f.cost_d3),
    }
    if entry["d"] is None:
        entry["reason"] = f.reason or UNRESOLVED
    return entry


def format_estimate(record: Mapping[str, Any]) -> str:
    """Aligned text for people: inputs, then costs with units."""
    inputs = record["inputs"]
    lines = [record["title"], f"  p_phys = {inputs['p_phys']:g}, p_t = {inputs['p_t']:g}"]
    if "cultivation" in inputs:
        c = inputs["cultivation"]
        lines.append(
            f"  cultivation: {c['count']} units of d1 = {c['d1']}, gap {c['gap']}: T error "
            f"{c['p_out']:.3g} [{c['p_out_low']:.2g}, {c['p_out_high']:.2g}], {c['cycles']:.1f} "
            f"cycles per state, {c['qubits']:g} qubits (data rows {c['rows']})"
        )
    for level in ("level1", "level2", "level3"):
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
    if record["t_per_run"] != record["outputs"]:
        rows += [
            (
                "p_out per T",
                _shown(record["p_out_per_t"], ".4g"),
                f"a run's outputs are {record['t_per_run']} T states",
            ),
            ("qubitcycles per T", _shown(record["qubitcycles_per_t"], ",.0f"), "per T state"),
        ]
    if "run_time_us" in record:
        rows += [
            (
                "time per run",
                _shown(record["run_time_us"], ",.4g") + " us",
                f"at {inputs['hardware']['cycle_time_us']:g} us per code cycle",
            ),
            ("outputs per second", _shown(record["outputs_per_s"], ",.4g"), "per factory"),
            ("T states per second", _shown(record["t_per_s"], ",.4g"), "per factory"),
        ]
    if "factories" in record:
        rows.append(
            (
                "factories",
                _shown(record["factories"], ","),
                f"for {inputs['hardware']['needed_t_per_s']:,.4g} T states per second",
            )
        )
        rows.append(
            (
                "factory qubits",
                _shown(record["factory_qubits"], ",.0f"),
                "physical qubits of those factories",
            )
        )
    if "machine_fraction" in record:
        rows.append(
            (
                "machine fraction",
                _shown(record["machine_fraction"], ".3g"),
                f"of {inputs['hardware']['machine_qubits']:,.0f} physical qubits",
            )
        )
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
    if "cycle_time_source" in record:
        lines.append(f"  (code cycle: {record['cycle_time_source']})")
    return "\n".join(lines)


def _shown(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row for CSV: nested inputs and full-distance columns get dotted names (the
    columns of ``estimate_columns``)."""
    row: dict[str, Any] = {"title": record["title"], "series": record["series"]}
    for key, value in record["inputs"].items():
        if isinstance(value, dict):
            row.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            row[key] = value
    row.update({key: record[key] for key in (*RESULTS, *PER_T, *TIMES) if key in record})
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
    fields: dict[str, None] = {}
    for row in rows:
        fields.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
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
