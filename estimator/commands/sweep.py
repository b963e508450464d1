"""``msd sweep CONFIG --vary KEY=VALUES ... -o OUT [--resume]``: a grid of factories."""

from __future__ import annotations

import argparse
import sys

from estimator.commands import add_config_arguments, add_limit_arguments, add_precision_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sweep", help="evaluate a grid of configs (resumable)")
    add_sweep_arguments(parser)
    parser.add_argument(
        "-o", "--output", required=True, help="results file: .csv, or JSON for any other suffix"
    )
    parser.set_defaults(run=run)


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``sweep`` and ``search``."""
    add_config_arguments(parser)  # the template; its [sweep.vary] table adds axes
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=VALUES",
        help="an axis: KEY=V1,V2,... or KEY=START:STOP:STEP",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run from OUTPUT.partial"
    )
    add_precision_argument(parser)
    add_limit_arguments(parser)


def execute(args: argparse.Namespace, output):
    """Run the sweep of ``args``; returns (SweepResult, number of points) or raises MsdError.

    With an output file, finished points are kept in OUTPUT.partial until the end."""
    from pathlib import Path

    from tqdm import tqdm

    from estimator.errors import ConfigError
    from estimator.studies.sweep import Axis, Study, grid, load_template, run_sweep

    template = load_template(args.config, args.sets)
    axes = [*Study.from_config(template).axes, *(Axis.parse(text) for text in args.vary)]
    if not axes:
        raise ConfigError(
            "--vary",
            "nothing to vary: give --vary KEY=VALUES or a [sweep.vary] table in the config",
        )
    partial = None
    if output is not None:
        partial = Path(f"{output}.partial")
        if partial.exists() and not args.resume:
            raise ConfigError(
                "--resume", f"{partial} exists from an interrupted run: add --resume, or delete it"
            )
    size = len(grid(axes))
    bar = lambda chunks: tqdm(chunks, desc="sweep", unit="chunk", file=sys.stderr, disable=None)
    return run_sweep(template, axes, partial=partial, progress=bar, precision=args.precision), size


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from estimator.studies.sweep import write_atomically

    output = Path(args.output)
    try:
        result, size = execute(args, output)
    except KeyboardInterrupt:
        print(
            f"msd: interrupted; finished points are in {output}.partial, rerun with --resume",
            file=sys.stderr,
        )
        return 130
    write_atomically(output, result.records)
    Path(f"{output}.partial").unlink(missing_ok=True)
    print(f"{len(result.records)} of {size} points -> {output}")
    if result.skipped:
        print(f"{len(result.skipped)} points skipped as invalid, e.g. {result.skipped[0][1]}")
    return 0
