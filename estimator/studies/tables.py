"""Tables of printed values: every config of a directory costed beside the numbers its paper
prints (``msd table``). Factory configs give Litinski 2019, Table 1; inner/outer-code protocol
configs Haah et al. 2018, Table 4 and Sec. VI; H-measurement protocols Haah et al. 2017's T
counts, qubits and coefficients; [[values]] configs lists of printed numbers, each computed."""

from __future__ import annotations

from pathlib import Path

DEFAULT_DIR = "configs/litinski2019"


def table_document(directory: Path) -> tuple[dict, list, str]:
    """The JSON document, CSV rows and text of ``msd table DIR``: the builder for the kind
    of configs the directory holds (one kind per directory)."""
    from estimator.config.factory import is_hmeasure_config, is_protocol_config, read_config_data
    from estimator.errors import ConfigError
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
    """Litinski 2019, Table 1: factory configs beside their printed values, plus historical rows."""
    from estimator.config.factory import estimate_config, load_config
    from estimator.errors import ConfigError, MsdError
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
    """The protocols of Haah et al. 2017: every printed value beside ours, with the reproduction count."""
    from estimator.studies.hmeasure_report import hmeasure_table

    return hmeasure_table(files)


def _values_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """Printed numbers that are no protocol or factory ([[values]] configs)."""
    from estimator.studies.printed_values import values_table

    return values_table(files)


def _protocol_table(files: list[Path], directory: Path) -> tuple[dict, list, str]:
    """Haah et al. 2018, Table 4 and the printed values of Sec. VI: one row per printed value, with the
    reason wherever ours differs at the printed digits."""
    from estimator.config.inner_outer import evaluate_config, load_protocol_config
    from estimator.errors import ConfigError, MsdError
    from estimator.studies.inner_outer_report import printed_comparison, protocol_record
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
    header = ["protocol (Haah et al. 2018, Table 4)"]
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
        where = "Haah et al. 2018, Table 4" if row["where"] == "Table 4" else "Haah et al. 2018, Sec. VI"
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
        "Ours: the calculus of Haah et al. 2018, Eqs. (1)-(20) on the configs' protocols (output error: P(any "
        "output wrong) / nbar_out, Haah et al. 2018, Eq. (1)); (paper): as printed in Haah et al. 2018."
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
    not exist here names the shipped folder), else the shipped Litinski 2019, Table 1 folder."""
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
    note = "Ours: the model of docs/model/, exact; (paper): as printed in Litinski 2019, Table 1."
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
    from estimator.config.factory import read_config_data
    from estimator.errors import ConfigError

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
