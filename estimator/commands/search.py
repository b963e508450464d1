"""``msd search CONFIG... --target P_OUT --vary ...``: the cheapest factories that reach a target."""

from __future__ import annotations

import argparse

from estimator.commands import example

SEARCH_COSTS = {
    "qubitcycles": "qubitcycles",
    "qubits": "qubits",
    "cycles": "cycles",
    "time": "run_time_us",
}
"""``--by`` names and their columns (per output state; time: per successful run)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    from estimator.commands.sweep import add_sweep_arguments

    parser = subparsers.add_parser(
        "search", help="cheapest factories with p_out <= target over a grid",
        **example("msd search configs/studies/cheapest_1e-12_at_1e-3.toml"),
    )
    add_sweep_arguments(parser)
    parser.add_argument(
        "--target", type=float, default=None, help="largest acceptable p_out (or [sweep] target)"
    )
    parser.add_argument(
        "--by",
        choices=tuple(SEARCH_COSTS),
        default="qubitcycles",
        help="cost to minimise (per output state; time per run needs [hardware])",
    )
    parser.add_argument(
        "--top", type=int, default=None, help="how many to print (or [sweep] top; default 5)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "-o", "--output", default=None, help="also write the ranked feasible points (.csv or JSON)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from estimator.commands.sweep import execute, finish, interrupted
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json
    from estimator.studies.pareto import KeepFeasible, with_flags
    from estimator.studies.report import format_columns
    from estimator.studies.sweep import Study, load_template

    single = Study.from_config(load_template(args.configs[0], args.sets))
    study = single if len(args.configs) == 1 else Study()
    target = args.target if args.target is not None else study.target
    top = args.top if args.top is not None else (study.top or 5)
    if target is None or not 0 < target < 1:
        raise ConfigError(
            "--target", f"give the largest acceptable p_out in (0, 1), got {target!r}"
        )
    if top < 1:
        raise ConfigError("--top", f"must be a positive integer, got {top}")
    output = Path(args.output) if args.output else None
    try:
        result, _ = execute(args, output, KeepFeasible(target), verb="search")
    except KeyboardInterrupt:
        return interrupted(output)
    feasible = result.columns
    cost = SEARCH_COSTS[args.by]
    if feasible.size and cost not in feasible.data:
        raise ConfigError(
            "--by", "'time' needs a [hardware] table (e.g. --set hardware.profile=superconducting)"
        )
    if feasible.size:
        feasible = feasible.take(np.argsort(feasible.number(cost), kind="stable"))
    rows = with_flags(feasible, "qubitcycles").rows()
    if output:
        finish(output, rows)
    if args.format == "json":
        print(
            to_json(
                {
                    "target": target,
                    "by": args.by,
                    "points": result.points,
                    "feasible": len(rows),
                    "best": rows[:top],
                }
            )
        )
        return 0
    print(
        f"{len(rows)} of {result.points} points reach p_out <= {target:g}; "
        f"cheapest by {args.by} per output state:"
    )
    if rows:
        varied = [k for k in rows[0] if k.startswith("vary.")]
        header = [k[5:] for k in varied] + ["p_out", "qubits", "cycles", "qubitcycles"]
        table = [
            [str(r[k]) for k in varied]
            + [
                f"{r['p_out']:.3g}",
                f"{r['qubits']:,.0f}",
                f"{r['cycles']:.1f}",
                f"{r['qubitcycles']:,.0f}",
            ]
            for r in rows[:top]
        ]
        print(format_columns(header, table))
    return 0
