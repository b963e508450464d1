"""``msd plot RESULTS... -o FIG.(png|pdf|svg) [--by AXIS] [--per-t] [--reference FILE ...]``.

p_out against a cost per output state (or with ``--per-t`` per T state, as ``msd pareto``
ranks) for the result files of sweep, search, pareto, estimate or table (CSV or JSON): one
series per protocol or layout with its Pareto front as steps, one panel per p_phys, with Litinski
2019, Table 1 (modelled and historical rows, as printed) overlaid and magic-state cultivation
(estimator.sources, in the same units) as one more series at every p_phys its data covers, plus
any reference CSV given (format: estimator.figures.sources).
``write_cost_plot`` is what ``msd pareto --plot`` calls too.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from estimator.commands import add_figure_arguments, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plot",
        help="plot p_out against cost, with published points",
        **example("msd plot front.csv --per-t -o front.pdf"),
    )
    parser.add_argument("results", nargs="+", metavar="RESULTS", help="result files (.csv or JSON)")
    add_figure_arguments(parser)
    parser.add_argument(
        "--by",
        choices=("qubitcycles", "qubits", "cycles", "time"),
        default="qubitcycles",
        help="cost axis (time needs a time column in the results)",
    )
    parser.add_argument(
        "--per-t",
        action="store_true",
        help="error and cost per T state (p_out_per_t...; a CCZ state counts as 4), as msd pareto",
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
        help="leave out Litinski 2019, Table 1 and the cultivation series",
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
    from estimator.commands import check_figure_output
    from estimator.figures.sources import read_results

    check_figure_output(args.output, inputs=args.results)
    rows = [row for path in args.results for row in read_results(path)]
    write_cost_plot(
        rows,
        args.output,
        by=args.by,
        per_t=args.per_t,
        style_name=args.style,
        title=None if args.no_title else args.title,
        p_phys=args.p_phys,
        defaults=not args.no_default_references,
        reference_files=args.reference,
    )
    print(f"wrote {args.output}")
    return 0


def write_cost_plot(
    rows: Sequence[Mapping[str, Any]],
    output: str,
    *,
    by: str,
    per_t: bool,
    style_name: str = "paper",
    title: str | None = None,
    p_phys: Sequence[float] | None = None,
    defaults: bool = True,
    reference_files: Sequence[str] = (),
    field: str = "-o",
) -> None:
    """The cost figure of result ``rows`` (estimator.figures.cost.cost_figure) written to
    ``output`` (.png, .pdf or .svg), with Litinski 2019, Table 1 and the cultivation series
    unless not ``defaults``, and the points of every reference CSV of ``reference_files``;
    an unwritable ``output`` is a ConfigError naming ``field``."""
    import matplotlib

    from estimator.errors import ConfigError
    from estimator.figures.style import get_style, rc_params, save_figure

    style = get_style(style_name)
    with matplotlib.rc_context(rc_params(style)):
        fig = cost_plot(
            rows,
            style,
            by=by,
            per_t=per_t,
            title=title,
            p_phys=p_phys,
            defaults=defaults,
            reference_files=reference_files,
        )
        try:
            save_figure(fig, output, style)
        except OSError as error:
            raise ConfigError(
                field, f"cannot write {output!r}: {error.strerror or error}"
            ) from None


def cost_plot(
    rows: Sequence[Mapping[str, Any]],
    style,
    *,
    by: str,
    per_t: bool,
    title: str | None = None,
    p_phys: Sequence[float] | None = None,
    defaults: bool = True,
    reference_files: Sequence[str] = (),
):
    """The figure of write_cost_plot; call it inside ``matplotlib.rc_context(rc_params(style))``."""
    from estimator.figures.cost import cost_figure, panels, series_from_rows
    from estimator.figures.sources import finite_positive, read_reference_csv, table1_references
    from estimator.sources.records import rows_at
    from estimator.studies.tables import table_directory

    panels(series_from_rows(rows, by, per_t=per_t), p_phys)  # the results alone, not the sources
    references = []
    if defaults:
        references += table1_references(table_directory(None))
        shown = p_phys or [finite_positive(row.get("p_phys")) for row in rows]
        rows = [*rows, *rows_at(p for p in shown if p is not None)]
    for path in reference_files:
        references += read_reference_csv(path)
    return cost_figure(
        series_from_rows(rows, by, per_t=per_t),
        references,
        style,
        by=by,
        per_t=per_t,
        p_phys=p_phys,
        title=title,
    )
