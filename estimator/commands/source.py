"""``msd source cultivation --p P [--target T] [--min-errors N] [--bound best|high]
[--format table|json|csv]``: a T-state source other than distillation, priced from published
simulation data (estimator.sources). With ``--target``: the cheapest post-selection threshold
that reaches it; without: every point at p (result rows that ``msd plot`` reads)."""

from __future__ import annotations

import argparse

from estimator.commands import example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "source",
        help="price a T state from magic-state cultivation data (GSJ 2024)",
        **example("msd source cultivation --p 1e-3 --target 1e-7"),
    )
    parser.add_argument("kind", choices=("cultivation",), help="the source")
    parser.add_argument("--p", type=float, required=True, help="physical error rate p")
    parser.add_argument("--target", type=float, default=None, help="T error to reach")
    parser.add_argument(
        "--min-errors",
        type=int,
        default=None,
        metavar="N",
        help="use only data rows with at least N observed errors (default 6)",
    )
    parser.add_argument(
        "--bound",
        choices=("best", "high"),
        default="best",
        help="what must reach the target: the best estimate or the interval's upper end",
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from estimator.jsonout import to_json
    from estimator.sources import cultivation, records
    from estimator.studies.report import to_csv

    min_errors = cultivation.MIN_ERRORS if args.min_errors is None else args.min_errors
    if args.target is None:
        points = cultivation.points(args.p, min_errors=min_errors, field="--p")
        rows = [records.row(p) for p in sorted(points, key=lambda p: (p.d1, p.gap))]
        if args.format == "csv":
            print(to_csv(rows), end="")
        elif args.format == "json":
            print(to_json(rows))
        else:
            print(_front_text(rows))
        return 0
    point = cultivation.cheapest(
        args.p, args.target, min_errors=min_errors, bound=args.bound, fields=("--p", "--target")
    )
    loo = cultivation.leave_one_out(min_errors) if point.interpolated else None
    answer = records.record(
        point, target=args.target, min_errors=min_errors, bound=args.bound, loo=loo
    )
    if args.format == "json":
        print(to_json(answer))
    elif args.format == "csv":
        print(to_csv([records.row(point)]), end="")
    else:
        print(records.format_record(answer))
    return 0


def _front_text(rows: list[dict]) -> str:
    from estimator.studies.report import format_columns

    header = ("d1", "gap", "p_out", "interval", "qubits", "cycles", "qubitcycles", "rows")
    body = [
        (
            str(r["cultivation.d1"]),
            str(r["cultivation.gap"]),
            f"{r['p_out']:.3g}",
            f"[{r['p_out_low']:.2g}, {r['p_out_high']:.2g}]",
            str(r["qubits"]),
            f"{r['cycles']:.1f}",
            f"{r['qubitcycles']:,.0f}",
            r["cultivation.rows"],
        )
        for r in rows
    ]
    return format_columns(header, body)
