"""Text, CSV rows and the ``msd table`` document for the configs of configs/haah2017 (001)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError, MsdError
from estimator.studies.haah2017 import evaluate_hmeasure, hmeasure_record, load_hmeasure_config


def format_hmeasure(record: Mapping[str, Any]) -> str:
    """The ``msd estimate`` text of one protocol of 001."""
    d = record["order"]
    c = record["coefficients"]
    lines = [
        f"{record['title']}  ({record['reference']})",
        f"  outputs                 {record['n_out']:>12}",
        f"  T gates and states      {record['t_count']:>12}   {record['t_per_output']:.4g} per output"
        + ("" if record["state"] in ("H", None) else f" (+ {record['n_out']} input {record['state']} states)"),
        f"  qubits                  {record['qubits']:>12}",
        f"  order d                 {d:>12}",
        f"  P(any output wrong)     {_series(c['any'], d)}   (000/001, 001 Fig. 5.1)",
        f"  worst single output     {_series(c['marginal'], d)}   (003)",
        f"  any wrong / outputs     {_series(c['per_output'], d)}   (002)",
        f"  at eps_in = {record['eps_in']:g}"
        + ("" if record["theta"] is None else f" (uniform-angle noise, theta = {record['theta']:g})")
        + ":",
        f"    P(accepted)           {record['acceptance']:>12.6f}",
        f"    eps_out               {record['eps_out']:>12.4e}   P(any output wrong | accepted)",
        f"    epsbar_out            {record['epsbar_out']:>12.4e}   per mean output (000 Eq. (1))",
        f"    worst single output   {record['eps_out_marginal']:>12.4e}",
    ]
    if record["paper"]:
        lines.append("  printed (001):")
        for row in record["paper"]:
            mark = "" if row["reproduced"] else "   * not reproduced: " + (row["note"] or "?")
            lines.append(
                f"    {row['quantity']:<14} {_number(row['ours']):>10}  paper {row['paper']}{mark}"
            )
    exact = "exact pattern counts" if record["exact_counts"] else "density matrix (hyperbolic code)"
    lines.append(f"  coefficients: {exact}; c_w eps^w (1 - eps)^(n - w) from w = d")
    return "\n".join(lines)


def _series(coefficients: Sequence[float], d: int) -> str:
    terms = [f"{_number(c)} eps^{d + i}" for i, c in enumerate(coefficients)]
    return f"{terms[0]:>12}" + "".join(f" + {t}" for t in terms[1:])


def _number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.6g}"


def flatten_hmeasure(record: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row: the scalar fields and the leading coefficients."""
    row = {
        k: v for k, v in record.items() if not isinstance(v, Mapping | list) and k != "conventions"
    }
    for name, values in record["coefficients"].items():
        row[f"leading_{name}"] = values[0]
    return row


def hmeasure_table(files: Sequence[Path]) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """``msd table configs/haah2017``: the JSON document, CSV rows and text, every printed
    value beside ours with the reproduction count."""
    from estimator.studies.report import format_columns

    records = []
    for path in files:
        try:
            records.append(hmeasure_record(evaluate_hmeasure(load_hmeasure_config(path))))
        except MsdError as error:  # which of the files: the message names it
            raise ConfigError(str(path), str(error)) from None
    header = ["protocol (001)", "d", "T", "(paper)", "qubits", "(paper)", "n_out", "(paper)"]
    header += ["C exact", "(paper)", "worst output"]
    lines = []
    for record in records:
        printed = {row["quantity"]: row for row in record["paper"]}
        coefficient = printed.get("prefactor") or printed.get("coefficient")
        lines.append(
            [
                record["title"],
                str(record["order"]),
                str(record["t_count"]),
                _cell(printed, "t_count"),
                str(record["qubits"]),
                _cell(printed, "qubits"),
                str(record["n_out"]),
                _cell(printed, "n_out"),
                _number(record["coefficients"]["any"][0]),
                "-" if coefficient is None else coefficient["paper"] + _mark(coefficient),
                _number(record["coefficients"]["marginal"][0]),
            ]
        )
    rows = [row for record in records for row in record["paper"]]
    done = sum(row["reproduced"] for row in rows)
    text = [
        format_columns(header, lines),
        "",
        f"001: {done} of {len(rows)} printed values reproduced at their printed digits",
        "C exact: the coefficient of eps^d of P(any output wrong | accepted), counted; (paper):",
        "Fig. 5.1's fitted prefactor (2 digits) or App. C's exact count; worst output: 003's",
        "convention. Every printed value: msd table configs/haah2017 --format json.",
    ]
    text += [
        f"  * {r['quantity']} of {rec['title']}: ours {r['ours']}, printed {r['paper']}: {r['note']}"
        for rec in records
        for r in rec["paper"]
        if not r["reproduced"]
    ]
    document = {"rows": records, "summary": {"001": {"reproduced": done, "printed": len(rows)}}}
    return document, [flatten_hmeasure(r) for r in records], "\n".join(text)


def _cell(printed: Mapping[str, Any], key: str) -> str:
    row = printed.get(key)
    return "-" if row is None else row["paper"] + _mark(row)


def _mark(row: Mapping[str, Any]) -> str:
    return "" if row["reproduced"] else " *"
