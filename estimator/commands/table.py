"""``msd table [DIR]``: every config of a directory, ours beside the printed values.

Factory configs give 002 Table 1 (the default directory); inner/outer-code protocol configs
(configs/haah2018) give 000 Table 4 and every printed value of 000 Sec. VI; the protocols of
001 (configs/haah2017) their T counts, qubits and exact coefficients beside Fig. 5.1; lists
of printed numbers ([[values]] configs: configs/bravyi2012, configs/litinski2019/discussion
and /historical, configs/haah2017/printed, configs/haah2018/table3) each computed by msd."""

from __future__ import annotations

import argparse
from pathlib import Path

from estimator.commands import add_limit_arguments

DEFAULT_DIR = "configs/litinski2019"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "table",
        help="every config of a directory beside its printed values (002 Table 1, 000 Table 4)",
    )
    parser.add_argument(
        "directory",
        nargs="?",
        default=None,
        help=f"config directory (default: the shipped {DEFAULT_DIR}); "
        "factory configs, inner/outer-code protocol configs (configs/haah2018) or lists of "
        "printed numbers (configs/bravyi2012, configs/haah2018/table3, ...)",
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from estimator.jsonout import to_json
    from estimator.studies.report import to_csv

    document, rows, text = table_document(table_directory(args.directory))
    if args.format == "json":
        print(to_json(document))
    elif args.format == "csv":
        print(to_csv(rows), end="")
    else:
        print(text)
    return 0


def table_document(directory: Path) -> tuple[dict, list, str]:
    """The JSON document, CSV rows and text of ``msd table DIR``: the builder for the kind
    of configs the directory holds (one kind per directory)."""
    from estimator.errors import ConfigError
    from estimator.studies.config import is_hmeasure_config, is_protocol_config, read_config_data
    from estimator.studies.printed_values import is_values_config

    files = sorted(p for p in directory.glob("*.toml") if p.name != "historical.toml")
    if not files:
        raise ConfigError("directory", f"no configs (*.toml) in {str(directory)!r}")
    kinds = set()
    for path in files:
        data = read_config_data(path)
        if is_values_config(data):
            kinds.add("values")
        else:
            kinds.add("001" if is_hmeasure_config(data) else is_protocol_config(data))
    if len(kinds) > 1:
        raise ConfigError(
            "directory", f"{str(directory)!r} mixes factory and protocol configs (or other kinds)"
        )
    build = {
        "001": _hmeasure_table,
        "values": _values_table,
        True: _protocol_table,
        False: _factory_table,
    }[kinds.pop()]
    return build(files, directory)


def _factory_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """002 Table 1: factory configs beside their printed values, plus historical rows."""
    from estimator.errors import ConfigError, MsdError
    from estimator.studies.config import estimate_config, load_config
    from estimator.studies.report import estimate_record, flatten, format_columns

    records = []
    for path in files:
        try:
            config = load_config(path)
            records.append((estimate_record(config, estimate_config(config)), dict(config.paper)))
        except MsdError as error:  # which of the files: the message names it
            raise ConfigError(str(path), str(error)) from None
    history_file = directory / "historical.toml"
    history = _history(history_file) if history_file.exists() else []
    document = {"rows": [dict(r, paper=p) for r, p in records], "historical": history}
    return document, [flatten(r) for r, _ in records], _table(records, history, format_columns)


def _hmeasure_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """The protocols of 001: every printed value beside ours, with the reproduction count."""
    from estimator.studies.haah2017_report import hmeasure_table

    return hmeasure_table(files)


def _values_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """Printed numbers that are no protocol or factory ([[values]] configs)."""
    from estimator.studies.printed_values import values_table

    return values_table(files)


def _protocol_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """000 Table 4 and the printed values of Sec. VI: one row per printed value, with the
    reason wherever ours differs at the printed digits."""
    from estimator.errors import ConfigError, MsdError
    from estimator.studies.hhpw_config import evaluate_config, load_protocol_config
    from estimator.studies.hhpw_report import printed_comparison, protocol_record
    from estimator.studies.report import format_columns

    rows, table4 = [], []
    for path in files:
        try:
            config = load_protocol_config(path)
            record = protocol_record(config, evaluate_config(config))
            compared = printed_comparison(record, config.paper)
        except MsdError as error:  # which of the files: the message names it
            raise ConfigError(str(path), str(error)) from None
        rows += compared
        printed = {r["quantity"]: r for r in compared if r["where"] == "Table 4"}
        if printed:
            table4.append((record, printed))
    header = ["protocol (000 Table 4)"]
    for name in ("n_out", "nbar_out", "epsbar_out", "nbar_T/nbar_out"):
        header += [name, "(paper)"]
    lines = []
    for record, printed in table4:
        line = [record["title"]]
        for key in TABLE4_COLUMNS:
            row = printed.get(key)
            mark = "" if row is None or row["reproduced"] else " *"
            line += [_number(record[key]), "-" if row is None else row["paper"] + mark]
        lines.append(line)
    summary = {}
    for row in rows:
        where = "000 Table 4" if row["where"] == "Table 4" else "000 Sec. VI"
        done, total = summary.get(where, (0, 0))
        summary[where] = (done + row["reproduced"], total + 1)
    text = [format_columns(header, lines), ""]
    text += [
        f"{where}: {done} of {total} printed values reproduced at their printed digits"
        for where, (done, total) in summary.items()
    ]
    text.append("* and below: printed values we do not reproduce, with the reason")
    text += [
        f"  {row['where']}, {row['title']}: {row['quantity']} {row['discrepancy']}"
        for row in rows
        if not row["reproduced"]
    ]
    text.append(
        "Ours: the calculus of 000 Eqs. (1)-(20) on the configs' protocols (output error: P(any "
        "output wrong) / nbar_out, 000 Eq. (1)); (paper): as printed in 000_46baeba8620d433e.txt."
    )
    document = {
        "rows": rows,
        "summary": {w: {"reproduced": d, "printed": t} for w, (d, t) in summary.items()},
    }
    return document, rows, "\n".join(text)


TABLE4_COLUMNS = ("n_out", "nbar_out", "epsbar_out", "nbar_t_per_output")


def _number(value: float) -> str:
    """Integers as they are, whole numbers from 100 on, else three significant digits."""
    if value == int(value) or 100 <= abs(value) < 1e7:
        return f"{value:,.0f}"
    return f"{value:#.3g}" if 0.01 <= abs(value) < 100 else f"{value:.2e}"


def table_directory(directory: str | None) -> Path:
    """The config directory of ``msd table``: the one given (a ``configs/...`` path that does
    not exist here names the shipped folder), else the shipped 002 Table 1 folder."""
    from estimator import shipped

    return Path(shipped.find(directory or DEFAULT_DIR))


def _table(records, history, format_columns) -> str:
    header = [
        "factory",
        "p_phys",
        "p_out",
        "(paper)",
        "qubits",
        "(paper)",
        "cycles",
        "(paper)",
        "qubitcycles",
        "(paper)",
        "d^3, 100 qb",
        "(paper)",
        "d^3, 10k qb",
        "(paper)",
    ]
    rows = []
    for record, paper in records:
        full = record["full_distance"]
        printed = paper.get("full_distance", [{}, {}])
        rows.append(
            [
                record["title"],
                f"{record['inputs']['p_phys']:g}",
                f"{record['p_out']:.4g}",
                _g(paper.get("p_out"), ".2g"),
                f"{record['qubits']:,.0f}",
                _g(paper.get("qubits"), ",.0f"),
                f"{record['cycles']:.2f}",
                _g(paper.get("cycles"), ".3g"),
                f"{record['qubitcycles']:,.0f}",
                _g(paper.get("qubitcycles"), ",.0f"),
                *[
                    cell
                    for f, p in zip(full, printed)
                    for cell in (
                        f"{f['cost_d3']:#.3g} (d={f['d']})",
                        f"{_g(p.get('cost_d3'), '#.3g')} (d={p.get('d', '-')})",
                    )
                ],
            ]
        )
    for row in history:
        rows.append(
            [
                f"[historical] {row['title']}",
                f"{row['p_phys']:g}",
                "",
                f"{row['p_out']:.2g}",
                "",
                f"{row['qubits']:,}",
                "",
                f"{row['cycles']:g}",
                "",
                f"{row['qubitcycles']:,}",
                "",
                "",
                "",
                f"{row['full_distance']['cost_d3']:g} (d={row['full_distance']['d']})",
            ]
        )
    note = "Ours: the model of ../shared/MODEL.md, exact; (paper): as printed in 002_c83c776f5650c552.txt Table 1."
    return format_columns(header, rows) + "\n" + note


HISTORY_KEYS = {
    "title": str,
    "p_phys": float,
    "p_out": float,
    "qubits": int,
    "cycles": float,
    "qubitcycles": int,
}


def _history(path: Path) -> list[dict]:
    """The ``[[rows]]`` of historical.toml: published rows of other papers, as printed."""
    from estimator.errors import ConfigError
    from estimator.studies.config import read_config_data

    data = read_config_data(path, field=str(path))
    rows = data.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ConfigError(f"{path}: rows", "must be an array of tables [[rows]]")
    for i, row in enumerate(rows):
        for key, kind in HISTORY_KEYS.items():
            value = row.get(key)
            number = kind is not str and not isinstance(value, bool)
            if not (isinstance(value, kind) or (number and isinstance(value, int | float))):
                raise ConfigError(f"{path}: rows[{i}].{key}", f"must be a {kind.__name__}")
        full = row.get("full_distance")
        if not isinstance(full, dict) or not all(
            isinstance(full.get(k), int | float) and not isinstance(full.get(k), bool)
            for k in ("cost_d3", "d")
        ):
            raise ConfigError(
                f"{path}: rows[{i}].full_distance", "must be a table with numbers cost_d3 and d"
            )
    return rows


def _g(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)
