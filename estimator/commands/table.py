"""``msd table [DIR]``: every config of a directory, ours beside the printed values.

Factory configs give Litinski 2019, Table 1 (the default directory); inner/outer-code protocol configs
(configs/haah2018) give Haah et al. 2018, Table 4 and every printed value of Haah et al. 2018, Sec. VI; the protocols of
Haah et al. 2017 (configs/haah2017) their T counts, qubits and exact coefficients beside Fig. 5.1; lists
of printed numbers ([[values]] configs: configs/bravyi2012, configs/litinski2019/discussion
and /historical, configs/haah2017/printed, configs/haah2018/table3) each computed by msd."""

from __future__ import annotations

import argparse

from estimator.commands import add_limit_arguments, example
from estimator.studies.tables import DEFAULT_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "table",
        help="every config of a directory beside its printed values (Litinski 2019, Table 1, Haah et al. 2018, Table 4)",
        **example("msd table configs/haah2018"),
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
    from estimator.studies.tables import table_directory, table_document

    document, rows, text = table_document(table_directory(args.directory))
    if args.format == "json":
        print(to_json(document))
    elif args.format == "csv":
        print(to_csv(rows), end="")
    else:
        print(text)
    return 0
