"""``msd plot RESULTS... -o FIG.(png|pdf|svg) [--by AXIS] [--reference FILE ...]``.

p_out against a cost per output state for the result files of sweep, search, pareto, estimate
or table (CSV or JSON): one series per protocol or layout with its Pareto front as steps, one
panel per p_phys, with 002 Table 1 (modelled and historical rows, as printed) and the shipped
magic-state cultivation points overlaid, plus any reference CSV given (format:
estimator.figures.sources).
"""

from __future__ import annotations

import argparse

from estimator.commands import add_figure_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("plot", help="plot p_out against cost, with published points")
    parser.add_argument("results", nargs="+", metavar="RESULTS", help="result files (.csv or JSON)")
    add_figure_arguments(parser)
    parser.add_argument(
        "--by",
        choices=("qubitcycles", "qubits", "cycles", "time"),
        default="qubitcycles",
        help="cost axis (time needs a time column in the results)",
    )
    parser.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="FILE",
        help="a reference CSV of published points (repeatable)",
    )
    parser.add_argument(
        "--no-default-references",
        action="store_true",
        help="leave out 002 Table 1 and the shipped cultivation points",
    )
    parser.add_argument(
        "--p-phys",
        action="append",
        type=float,
        default=None,
        metavar="P",
        help="panels to draw (default: every p_phys of the results; repeatable)",
    )
    parser.add_argument("--title", default=None, help="title above the panels")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import matplotlib

    from estimator.commands import check_figure_output
    from estimator.commands.table import table_directory
    from estimator.figures.cost import cost_figure, series_from_rows
    from estimator.figures.sources import (
        read_reference_csv,
        read_results,
        shipped_reference,
        table1_references,
    )
    from estimator.figures.style import get_style, rc_params, save_figure

    check_figure_output(args.output)
    rows = [row for path in args.results for row in read_results(path)]
    references = []
    if not args.no_default_references:
        references += table1_references(table_directory(None))
        references += read_reference_csv(shipped_reference())
    for path in args.reference:
        references += read_reference_csv(path)
    style = get_style(args.style)
    title = None if args.no_title else args.title
    with matplotlib.rc_context(rc_params(style)):
        fig = cost_figure(
            series_from_rows(rows, args.by),
            references,
            style,
            by=args.by,
            p_phys=args.p_phys,
            title=title,
        )
        save_figure(fig, args.output, style)
    print(f"wrote {args.output}")
    return 0
