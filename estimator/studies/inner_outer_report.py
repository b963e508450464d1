"""Records (JSON-ready dicts), text and paper comparisons for inner/outer-code protocols.

A record names every quantity of Haah et al. 2018, Secs. III-VI; ``quantity``
finds one by a dotted key, which is how a config's ``[paper]`` values are addressed:

* a top-level name: ``n_out``, ``nbar_out``, ``eps_out``, ``epsbar_out``, ``acceptance``,
  ``nbar_t`` (raw T, sources included), ``nbar_t_per_output``, ``t_checks``, ...;
* ``ROUND.FIELD`` for a round, e.g. ``vertical.p_fail``, ``diagonal.reach``;
* ``count.KEY`` / ``value.KEY`` for error terms: KEY is a term key or a prefix of keys
  (``value.logical`` sums every logical term; a class absent at these orders gives 0);
* ``states.SOURCE`` / ``states_max.SOURCE``: states consumed per source (mean; error-free).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from estimator.codes.inner_outer import ProtocolResult
from estimator.config.inner_outer import ProtocolConfig
from estimator.errors import ConfigError
from estimator.studies.printed import parse_printed, reproduces, round_like

TERM_KINDS = ("undetected", "hidden", "logical", "corrected")
SCALARS = (
    "n_out",
    "n_check",
    "n_lonely",
    "order",
    "eps_input",
    "input_error_free",
    "raw_input_error_free",
    "acceptance",
    "acceptance_without_correction",
    "lower_quality",
    "nbar_out",
    "input_states",
    "t_checks",
    "nbar_t_states",
    "nbar_t",
    "nbar_t_states_per_output",
    "nbar_t_per_output",
    "eps_out_leading",
    "epsbar_out_leading",
    "eps_out",
    "epsbar_out",
)


def protocol_record(config: ProtocolConfig, result: ProtocolResult) -> dict[str, Any]:
    """One JSON object: inputs echoed, per-round bookkeeping, totals, terms, convention."""
    protocol, book = result.protocol, result.book
    n_out = protocol.outer.n_out
    rounds = []
    for rnd, rb in zip(protocol.rounds, book.rounds):
        rounds.append(
            {
                "name": rnd.name,
                "inner": rnd.inner.name,
                "n_inner": rnd.inner.n,
                "k_inner": rnd.inner.k,
                "d_inner": rnd.inner.distance,
                "n_checks": rnd.n_checks,
                "check_weight": rb.check_weight,
                "t_source": rnd.t_gates.name,
                "eps_check": rnd.t_gates.eps,
                "correction": rnd.correction,
                "execution": rnd.execution,
                "magic_basis": rnd.magic_basis,
                "p_succ": rb.rates.p_succ,
                "p_repeat": rb.rates.p_repeat,
                "p_fail": rb.rates.p_fail,
                "p_pass": rb.rates.p_pass,
                "p_round": rb.p_round,
                "reach": rb.reach,
                "t_per_attempt": rnd.t_per_attempt,
                "t_per_measurement": rb.rates.t_per_check,
                "t_per_check": rb.t_per_check,
                "inputs_per_check": rb.inputs_per_check,
                "t_gates": rb.t_gates,
                "lower_quality": rb.lower_quality,
                "n_lonely": rb.n_lonely,
            }
        )
    sources = {protocol.inputs.name: protocol.inputs} | {
        r.t_gates.name: r.t_gates for r in protocol.rounds
    }
    return {
        "title": config.title,
        "source": config.source,
        "reference": config.reference,
        "inputs": {
            "eps_in": config.eps_in,
            "eps_check": config.eps_check,
            "outer": protocol.outer.name,
            "input_source": protocol.inputs.name,
        },
        "output_error_convention": result.convention,
        "counting": result.counting,
        "n_out": n_out,
        "n_check": int(protocol.outer.checks.shape[0]),
        "n_lonely": protocol.structure.n_lonely,
        "order": result.order,
        "order_step": result.patterns.step,
        "eps_input": protocol.inputs.eps,
        "sources": {
            name: {
                "eps": s.eps,
                "order": s.order,
                "t_cost": s.t_cost,
                "convention": s.convention,
                "reference": s.reference,
            }
            for name, s in sources.items()
        },
        "rounds": rounds,
        "input_error_free": math.exp(n_out * math.log1p(-protocol.inputs.eps)),
        "raw_input_error_free": math.exp(n_out * math.log1p(-config.eps_in)),
        "acceptance": book.acceptance,
        "acceptance_without_correction": book.acceptance_without_correction,
        "lower_quality": book.lower_quality,
        "nbar_out": book.nbar_out,
        "input_states": book.input_states,
        "t_checks": book.t_checks,
        "states": dict(book.states),
        "states_max": dict(book.states_max),
        "nbar_t_states": book.nbar_t_states,
        "nbar_t": book.nbar_t,
        "nbar_t_states_per_output": result.nbar_t_states_per_output,
        "nbar_t_per_output": result.nbar_t_per_output,
        "terms": [
            {
                "key": t.key,
                "kind": t.kind,
                "a": t.a,
                "b": t.b,
                "order": t.order,
                "count": t.count,
                "value": t.value,
                "bound": t.bound,
                "description": t.description,
                "reference": t.reference,
            }
            for t in result.patterns.terms
        ],
        "eps_out_leading": result.eps_out_leading,
        "epsbar_out_leading": result.eps_out_leading / book.nbar_out,
        "eps_out": result.eps_out,
        "epsbar_out": result.epsbar_out,
        "notes": list(result.patterns.notes),
    }


def quantity(record: Mapping[str, Any], key: str) -> float:
    """The value a dotted key names in a record (module docstring); ConfigError if none."""
    head, _, rest = key.partition(".")
    if not rest and head in SCALARS:
        return float(record[head])
    if head in ("count", "value") and rest:
        terms = [
            t
            for t in record["terms"]
            if t["key"] == rest or t["key"].startswith((f"{rest}:", f"{rest}|"))
        ]
        if terms or rest.split(":")[0].split("|")[0] in TERM_KINDS:
            return float(sum(t[head] for t in terms))  # a class absent at these orders: 0
        raise ConfigError(key, f"{rest!r} is no error-term class ({', '.join(TERM_KINDS)})")
    if head in ("states", "states_max") and rest in record[head]:
        return float(record[head][rest])
    for rnd in record["rounds"]:
        if rnd["name"] == head and rest in rnd and isinstance(rnd[rest], int | float):
            return float(rnd[rest])
    raise ConfigError(key, "names no quantity of this protocol (see estimator.studies.inner_outer_report)")


def printed_comparison(record: Mapping[str, Any], paper: Mapping[str, Any]) -> list[dict]:
    """Every printed value of a config's ``[paper]`` beside ours.

    ``[paper.table4]`` and ``[paper.text]`` hold printed values by quantity key;
    ``[paper.notes]`` explains, by "table4.KEY" or "text.KEY", each value we do not
    reproduce. A row's ``discrepancy`` is None when the value is reproduced.

    Raises:
        ConfigError: a malformed printed value, an unknown key, or a note on a value that
            is reproduced (a stale explanation).
    """
    notes = paper.get("notes", {})
    rows = []
    used = set()
    for where in ("table4", "text"):
        for key, printed in paper.get(where, {}).items():
            name = f"paper.{where}.{key}"
            parse_printed(printed, field=name)
            ours = quantity(record, key)
            ok = reproduces(ours, printed)
            note = notes.get(f"{where}.{key}")
            used.add(f"{where}.{key}")
            if ok and note:
                raise ConfigError(f"paper.notes.{where}.{key}", "explains a value we reproduce")
            discrepancy = None
            if not ok:
                mine = f"{round_like(ours, printed)} ({ours:.4g})" if ours else "0 (no such term)"
                discrepancy = f"printed {printed}, ours {mine}: " + (note or "not explained")
            rows.append(
                {
                    "title": record["title"],
                    "where": "Table 4" if where == "table4" else record["reference"],
                    "quantity": key,
                    "ours": ours,
                    "paper": printed,
                    "reproduced": ok,
                    "discrepancy": discrepancy,
                }
            )
    stale = set(notes) - used
    if stale:
        raise ConfigError(f"paper.notes.{min(stale)}", "explains no printed value")
    return rows


def format_protocol(record: Mapping[str, Any]) -> str:
    """Aligned text for people: inputs, rounds, totals, then the error terms."""
    inputs = record["inputs"]
    lines = [
        record["title"],
        (
            f"  eps_in = {inputs['eps_in']:g}, eps_check = {inputs['eps_check']:g}; outer code "
            f"{inputs['outer']}; input states from {inputs['input_source']} "
            f"(eps_input = {record['eps_input']:.3g})"
        ),
        (
            f"  n_out = {record['n_out']}, n_check = {record['n_check']}, "
            f"n_lonely = {record['n_lonely']}"
        ),
    ]
    header = [
        "round",
        "inner",
        "checks",
        "T from",
        "m",
        "runs",
        "P_succ",
        "P_repeat",
        "P_fail",
        "p_pass",
        "passes",
        "T/check",
    ]
    rows = [
        [
            r["name"],
            r["inner"],
            str(r["n_checks"]),
            r["t_source"],
            str(r["correction"]),
            r["execution"],
            f"{r['p_succ']:.4g}",
            f"{r['p_repeat']:.3g}",
            f"{r['p_fail']:.3g}",
            f"{r['p_pass']:.6g}",
            f"{r['p_round']:.4g}",
            f"{r['t_per_check']:.4g}",
        ]
        for r in record["rounds"]
    ]
    from estimator.studies.report import format_columns

    lines += ["  " + line for line in format_columns(header, rows).splitlines()]
    states = ", ".join(f"{v:,.1f} {k}" for k, v in record["states"].items())
    totals = [
        ("acceptance", f"{record['acceptance']:.4g}", "P(run not terminated), Haah et al. 2018, Eq. (12)"),
        ("nbar_out", f"{record['nbar_out']:.4g}", "mean outputs per run, Haah et al. 2018, Eq. (13)"),
        ("nbar_T", f"{record['nbar_t']:,.0f}", f"raw T per run ({states} states)"),
        ("nbar_T/nbar_out", f"{record['nbar_t_per_output']:.4g}", "raw T per output"),
        ("eps_out", f"{record['eps_out']:.4g}", "P(any output wrong), leading + next order"),
        ("epsbar_out", f"{record['epsbar_out']:.4g}", "eps_out / nbar_out, Haah et al. 2018, Eq. (1)"),
    ]
    width = max(len(t[0]) for t in totals)
    value_width = max(len(t[1]) for t in totals)
    lines += [f"  {n:<{width}}  {v:>{value_width}}  {u}" for n, v, u in totals]
    lines.append(
        f"  error terms (order in powers of the raw error rate; leading order {record['order']}):"
    )
    term_rows = [
        [
            t["key"],
            str(t["order"]),
            f"({t['a']},{t['b']})",
            f"{t['count']:.4g}",
            f"{t['value']:.3g}",
            t["reference"],
        ]
        for t in record["terms"]
    ]
    table = format_columns(
        ["class", "order", "(a,b)", "patterns", "probability", "from"], term_rows
    )
    lines += ["    " + line for line in table.splitlines()]
    lines += [f"  note: {n}" for n in record["notes"]]
    lines.append(f"  (convention: {record['output_error_convention']})")
    return "\n".join(lines)


def flatten_protocol(record: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row for CSV: scalars, then per-round fields as ROUND.FIELD."""
    row: dict[str, Any] = {"title": record["title"]}
    row.update({k: record[k] for k in SCALARS})
    for rnd in record["rounds"]:
        row.update({f"{rnd['name']}.{k}": v for k, v in rnd.items() if k != "name"})
    return row
