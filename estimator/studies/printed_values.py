"""Configs of printed numbers (``[[values]]``): each row names a quantity the engine computes
(``printed_quantities.QUANTITIES``), where the paper prints it, and the printed text; ``msd
table DIR`` lists ours beside it with the same keys as the 000 tables (title, where,
quantity, ours, paper, reproduced, discrepancy)::

    title = "Litinski 2019: the discussion of Table 1"

    [[values]]
    title = "(15-to-1)_{9,3,3} at d = 17"    # what the number is about
    where = "Litinski 2019, Sec. 'How to interpret the cost'"
    quantity = "cost_d3_at"                   # a computation of printed_quantities
    args = { config = "../02_15to1_9-3-3_p1e-4.toml", d = 17 }
    paper = "2.11"                            # as printed (compared at its digits)
    note = "..."                              # required when ours differs: why

A row that the engine cannot compute has ``not_computed = "reason"`` instead of quantity
and args; it is listed with its reason and counted apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError, MsdError
from estimator.studies.printed import parse_printed, reproduces, round_like

ROW_KEYS = {"title", "where", "quantity", "args", "paper", "note", "not_computed"}


def is_values_config(data: Mapping[str, Any]) -> bool:
    """Whether config data is a list of printed numbers (a ``[[values]]`` array)."""
    return "values" in data


def values_rows(path: Path) -> list[dict[str, Any]]:
    """Every row of one ``[[values]]`` config, computed and compared.

    Raises:
        ConfigError: a malformed row, an unknown quantity, a note on a value we reproduce
            or a value we do not reproduce without a note, naming values[i].KEY.
    """
    from estimator.studies.config import read_config_data
    from estimator.studies.printed_quantities import ARGUMENTS, QUANTITIES

    data = read_config_data(path)
    unknown = set(data) - {"title", "values"}
    if unknown:
        raise ConfigError(min(unknown), "unknown key (known: title, values)")
    values = data.get("values")
    if not isinstance(values, list) or not values or not all(isinstance(v, dict) for v in values):
        raise ConfigError("values", "a non-empty array of tables [[values]]")
    rows = []
    for i, value in enumerate(values):
        name = f"values[{i}]"
        for key in set(value) - ROW_KEYS:
            known = ", ".join(sorted(ROW_KEYS))
            raise ConfigError(f"{name}.{key}", f"unknown key (known: {known})")
        for key in ("title", "where", "paper"):
            if not isinstance(value.get(key), str) or not value[key]:
                raise ConfigError(f"{name}.{key}", "required text")
        row = {"title": value["title"], "where": value["where"], "paper": value["paper"]}
        if "not_computed" in value:
            if {"quantity", "args", "note"} & set(value):
                raise ConfigError(
                    f"{name}.not_computed", "a row not computed has no quantity, args or note"
                )
            row.update(quantity=None, ours=None, reproduced=None, how=None)
            row["discrepancy"] = f"not computed: {value['not_computed']}"
            rows.append(row)
            continue
        parse_printed(value["paper"], field=f"{name}.paper")
        quantity = value.get("quantity")
        if quantity not in QUANTITIES:
            known = ", ".join(QUANTITIES)
            raise ConfigError(f"{name}.quantity", f"unknown {quantity!r}; one of {known}")
        args = value.get("args", {})
        if not isinstance(args, dict):
            raise ConfigError(f"{name}.args", "a table of arguments")
        for key in sorted(set(args) - ARGUMENTS[quantity]):
            known = ", ".join(sorted(ARGUMENTS[quantity])) or "none"
            raise ConfigError(f"{name}.args.{key}", f"{quantity} takes no {key!r} (known: {known})")
        try:
            ours, how = QUANTITIES[quantity](args, path.parent)
        except ConfigError as error:
            raise ConfigError(f"{name}.{error.field}", error.message) from None
        except MsdError as error:
            raise ConfigError(name, str(error)) from None
        ok = reproduces(ours, value["paper"])
        note = value.get("note")
        if ok and note:
            raise ConfigError(f"{name}.note", "explains a value we reproduce")
        if not ok and not note:
            raise ConfigError(
                f"{name}.note",
                f"ours {ours:.6g} does not round to the printed {value['paper']}: say why",
            )
        discrepancy = None
        if not ok:
            shown = round_like(ours, value["paper"])
            discrepancy = f"printed {value['paper']}, ours {shown} ({ours:.6g}): {note}"
        row.update(quantity=quantity, ours=ours, reproduced=ok, how=how, discrepancy=discrepancy)
        rows.append(row)
    return rows


def values_table(files: list[Path]) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """``msd table DIR`` for [[values]] configs: the document, CSV rows and text."""
    from estimator.studies.report import format_columns

    rows = []
    for path in files:
        try:
            rows += values_rows(path)
        except MsdError as error:  # which of the files: the message names it
            raise ConfigError(str(path), str(error)) from None
    lines = [
        [
            r["title"],
            r["where"],
            "-" if r["ours"] is None else _short(r["ours"]),
            r["paper"] + ("" if r["reproduced"] in (True, None) else " *"),
        ]
        for r in rows
    ]
    computed = [r for r in rows if r["ours"] is not None]
    done = sum(bool(r["reproduced"]) for r in computed)
    text = [
        format_columns(["value", "where", "ours", "(paper)"], lines),
        "",
        f"{done} of {len(computed)} computed printed values reproduced at their printed digits; "
        f"{len(rows) - len(computed)} not computed",
    ]
    text += [f"  * {r['title']}: {r['discrepancy']}" for r in rows if r["discrepancy"]]
    summary = {"reproduced": done, "computed": len(computed), "printed": len(rows)}
    return {"rows": rows, "summary": summary}, rows, "\n".join(text)


def _short(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.6g}"
