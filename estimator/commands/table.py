"""``msd table [DIR]``: every factory config of a directory, ours beside the printed values."""

from __future__ import annotations

import argparse
from pathlib import Path

from estimator.commands import add_limit_arguments

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "configs" / "litinski2019"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("table", help="reproduce 002 Table 1 from the shipped configs")
    parser.add_argument(
        "directory",
        nargs="?",
        default=None,
        help=f"config directory (default: {DEFAULT_DIR.parent.name}/{DEFAULT_DIR.name})",
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from estimator.errors import ConfigError, MsdError
    from estimator.jsonout import to_json
    from estimator.studies.config import estimate_config, load_config
    from estimator.studies.report import estimate_record, flatten, format_columns, to_csv

    directory = table_directory(args.directory)
    files = sorted(p for p in directory.glob("*.toml") if p.name != "historical.toml")
    if not files:
        raise ConfigError("directory", f"no factory configs (*.toml) in {str(directory)!r}")
    if _hmeasure_directory(files):
        return _print_hmeasure(files, args.format)
    records = []
    for path in files:
        try:
            config = load_config(path)
            records.append((estimate_record(config, estimate_config(config)), dict(config.paper)))
        except MsdError as error:  # which of the files: the message names it
            raise ConfigError(str(path), str(error)) from None
    history_file = directory / "historical.toml"
    history = _history(history_file) if history_file.exists() else []
    if args.format == "json":
        print(to_json({"rows": [dict(r, paper=p) for r, p in records], "historical": history}))
        return 0
    if args.format == "csv":
        print(to_csv([flatten(r) for r, _ in records]), end="")
        return 0
    print(_table(records, history, format_columns))
    return 0


def _hmeasure_directory(files: list[Path]) -> bool:
    """Whether every config is a protocol of 001 (configs/haah2017)."""
    from estimator.studies.config import read_config_data
    from estimator.studies.haah2017 import is_hmeasure_config

    return all(is_hmeasure_config(read_config_data(path)) for path in files)


def _print_hmeasure(files: list[Path], form: str) -> int:
    from estimator.jsonout import to_json
    from estimator.studies.haah2017_report import hmeasure_table
    from estimator.studies.report import to_csv

    document, rows, text = hmeasure_table(files)
    print(to_json(document) if form == "json" else to_csv(rows) if form == "csv" else text)
    return 0


def table_directory(directory: str | None) -> Path:
    """The config directory of ``msd table``: the one given, else 002 Table 1's."""
    if directory:
        return Path(directory)
    return DEFAULT_DIR if DEFAULT_DIR.is_dir() else Path("configs/litinski2019")


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
