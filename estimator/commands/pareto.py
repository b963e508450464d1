"""``msd pareto STUDY... [--by COST] [-o FRONT.csv] [--plot FIG.(png|pdf|svg)]``: the
non-dominated factories of studies.

Every grid point of every config is costed; kept are the factories on the Pareto front of
their series (protocols and layouts) over the output error per T state and the cost per T
state, each row with every input echoed and flagged ``pareto`` when it is also on the front of
all series together. ``--plot`` draws the fronts per T state with Litinski 2019, Table 1 and the
magic-state cultivation series from its data (``msd plot --per-t`` of the same rows).
"""

from __future__ import annotations

import argparse

from estimator.commands import example


def register(subparsers: argparse._SubParsersAction) -> None:
    from estimator.commands.sweep import COSTS, add_sweep_arguments

    parser = subparsers.add_parser(
        "pareto", help="Pareto fronts of output error against cost, per protocol and layout",
        **example("msd pareto configs/studies/cheapest_t_1e-12_p1e-3.toml -o front.csv --plot front.png"),
    )
    add_sweep_arguments(parser)
    parser.add_argument(
        "--by",
        choices=COSTS,
        default="qubitcycles",
        help="cost per T state: qubitcycles, cycles, time (needs [hardware]); or qubits",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="also name the cheapest factory with p_out per T <= TARGET (or [sweep] target)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "-o", "--output", default=None, help="write the fronts (.csv, or JSON for other suffixes)"
    )
    parser.add_argument(
        "--plot",
        default=None,
        metavar="FIG",
        help="draw the fronts with Litinski 2019, Table 1 and cultivation (.png, .svg or .pdf)",
    )
    parser.add_argument(
        "--style",
        choices=("paper", "slides"),
        default="paper",
        help="of --plot: paper (3.4-in column, 8-pt text) or slides",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from estimator.commands import check_figure_output
    from estimator.commands.plot import write_cost_plot
    from estimator.commands.sweep import execute, finish, interrupted, report_skipped
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json
    from estimator.studies.pareto import ERROR, KeepFront, cost_column, series_fronts, with_flags
    from estimator.studies.report import format_columns

    output = Path(args.output) if args.output else None
    if args.target is not None and not 0 < args.target < 1:
        raise ConfigError("--target", f"must be a number in (0, 1), got {args.target}")
    if args.plot:
        check_figure_output(args.plot, "--plot", inputs=args.configs)
    try:
        result, study = execute(args, output, KeepFront(args.by), verb="pareto")
    except KeyboardInterrupt:
        return interrupted(output)
    columns = result.columns
    cost = cost_column(args.by, columns)
    columns = columns.take(series_fronts(columns, cost))
    columns = with_flags(columns, args.by)
    order = np.lexsort((columns.number(ERROR), columns.data["series"].astype(str)))
    rows = columns.take(order).rows()
    if output:
        finish(output, rows)
    if args.plot:
        write_cost_plot(
            rows, args.plot, by=args.by, per_t=True, style_name=args.style, field="--plot"
        )
    target = args.target if args.target is not None else (study.target if study else None)
    meeting = [r for r in rows if target is not None and r[ERROR] <= target]
    cheapest = min(meeting, key=lambda r: r[cost]) if meeting else None
    if args.format == "json":
        print(
            to_json(
                {
                    "by": args.by,
                    "points": result.points,
                    "target": target,
                    "cheapest": cheapest,
                    "front": [r for r in rows if r["pareto"]],
                }
            )
        )
        return 0
    front = sorted((r for r in rows if r["pareto"]), key=lambda r: r[ERROR])
    series = len({r["series"] for r in rows})
    print(
        f"{len(rows)} factories on the fronts of {series} series ({result.points} points"
        f"{f' -> {output}' if output else ''}{f', figure {args.plot}' if args.plot else ''});"
        f" the front of all series, by {args.by} per T:"
    )
    print(format_columns(*_table(front, cost)))
    if target is not None:
        if cheapest is None:
            print(f"no factory reaches p_out per T <= {target:g}")
        else:
            print(
                f"cheapest with p_out per T <= {target:g}: {_name(cheapest)}, "
                f"p_out per T {cheapest[ERROR]:.3g}, {cost} {cheapest[cost]:,.4g}"
            )
    report_skipped(result)
    return 0


def _name(row) -> str:
    """The factory as protocol^count_{d_x,d_z,d_m} per level."""
    levels = []
    for level in ("level1", "level2"):
        if row.get(f"{level}.protocol") is None:
            continue
        count = (
            row.get("level1.count") if level == "level1" and row.get("level2.protocol") else None
        )
        d = ",".join(str(row[f"{level}.{k}"]) for k in ("d_x", "d_z", "d_m"))
        levels.append(f"({row[f'{level}.protocol']}){f'^{count}' if count else ''}_{{{d}}}")
    return " x ".join(levels)


def _table(rows, cost: str):
    header = ["factory", "series", "p_out per T", cost, "qubits", "cycles"]
    body = [
        [
            _name(r),
            r["series"],
            f"{r['p_out_per_t']:.3g}",
            f"{r[cost]:,.4g}",
            f"{r['qubits']:,.0f}",
            f"{r['cycles']:.1f}",
        ]
        for r in rows
    ]
    return header, body
