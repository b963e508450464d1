"""``msd search CONFIG --target P_OUT --vary ...``: the cheapest factories that reach a target."""

from __future__ import annotations

import argparse
import sys

COST_KEYS = ("qubitcycles", "qubits", "cycles")


def register(subparsers: argparse._SubParsersAction) -> None:
    from estimator.commands.sweep import add_sweep_arguments

    parser = subparsers.add_parser(
        "search", help="cheapest factories with p_out <= target over a grid"
    )
    add_sweep_arguments(parser)
    parser.add_argument(
        "--target", type=float, default=None, help="largest acceptable p_out (or [sweep] target)"
    )
    parser.add_argument(
        "--by", choices=COST_KEYS, default="qubitcycles", help="cost to minimise (per output state)"
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

    from estimator.commands.sweep import execute
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json
    from estimator.studies.report import format_columns
    from estimator.studies.sweep import Study, load_template, write_atomically

    study = Study.from_config(load_template(args.config, args.sets))
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
        result, size = execute(args, output)
    except KeyboardInterrupt:
        hint = f"; finished points are in {output}.partial, rerun with --resume" if output else ""
        print(f"msd: interrupted{hint}", file=sys.stderr)
        return 130
    reached = (r for r in result.records if r["p_out"] is not None and r["p_out"] <= target)
    feasible = sorted(reached, key=lambda r: r[args.by])
    if output:
        write_atomically(output, feasible)
        Path(f"{output}.partial").unlink(missing_ok=True)
    if args.format == "json":
        print(
            to_json(
                {
                    "target": target,
                    "by": args.by,
                    "points": size,
                    "feasible": len(feasible),
                    "best": feasible[:top],
                }
            )
        )
        return 0
    print(
        f"{len(feasible)} of {size} points reach p_out <= {target:g}; cheapest by {args.by} per output state:"
    )
    if feasible:
        varied = [k for k in feasible[0] if k.startswith("vary.")]
        header = [k[5:] for k in varied] + ["p_out", "qubits", "cycles", "qubitcycles"]
        rows = [
            [str(r[k]) for k in varied]
            + [
                f"{r['p_out']:.3g}",
                f"{r['qubits']:,.0f}",
                f"{r['cycles']:.1f}",
                f"{r['qubitcycles']:,.0f}",
            ]
            for r in feasible[:top]
        ]
        print(format_columns(header, rows))
    return 0
