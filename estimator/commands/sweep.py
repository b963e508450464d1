"""``msd sweep CONFIG... --vary KEY=VALUES ... -o OUT [--resume]``: a grid of factories."""

from __future__ import annotations

import argparse
import sys

from estimator.commands import (
    add_limit_arguments,
    add_precision_argument,
    add_set_argument,
    example,
)

COSTS = ("qubitcycles", "qubits", "cycles", "time")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep", help="evaluate a grid of configs (all cores, resumable)",
        **example("msd sweep configs/litinski2019/02_15to1_9-3-3_p1e-4.toml --vary level1.d_x=7:13:2 -o sweep.csv"),
    )
    add_sweep_arguments(parser)
    parser.add_argument(
        "-o", "--output", required=True, help="results file: .csv, or JSON for any other suffix"
    )
    parser.add_argument(
        "--by", choices=COSTS, default="qubitcycles", help="cost of the pareto flags (per T state)"
    )
    parser.set_defaults(run=run)


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``sweep``, ``search`` and ``pareto``."""
    parser.add_argument(
        "configs", nargs="+", metavar="CONFIG", help="TOML config(s); a [sweep] table adds axes"
    )
    add_set_argument(parser, "p_phys=1e-3")
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
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="local processes (default: every core of this machine)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://host:8786 (extra 'cluster')",
    )
    add_precision_argument(parser)
    add_limit_arguments(parser)


def execute(args: argparse.Namespace, output, keep=None, *, verb: str = "sweep"):
    """Run the study of ``args``; returns (StudyResult, Study of a single config or None).

    With an output file, finished chunks are kept in OUTPUT.partial until the end."""

    from tqdm import tqdm

    from estimator.errors import ConfigError
    from estimator.studies.executor import default_workers
    from estimator.studies.output import check_output
    from estimator.studies.sweep import run_study, study_parts

    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers", f"must be a positive integer, got {args.workers}")
    parts, study = study_parts(args.configs, args.sets, args.vary)
    partial = None
    if output is not None:
        check_output(output, args.configs)
        partial = check_output(f"{output}.partial", option="--resume")
        if partial.exists() and not args.resume:
            raise ConfigError(
                "--resume", f"{partial} exists from an interrupted run: add --resume, or delete it"
            )

    def bar(total: int, initial: int):
        return tqdm(
            total=total, initial=initial, desc=verb, unit="chunk", file=sys.stderr, disable=None
        )

    result = run_study(
        parts,
        precision=args.precision,
        keep=keep,
        partial=partial,
        workers=args.workers or default_workers(),
        scheduler=args.scheduler,
        progress=bar,
    )
    if result.skipped == result.points:
        if partial is not None:
            partial.unlink(missing_ok=True)  # finished: nothing to resume
        problem = result.examples[0][1]
        if result.reasons == 1:  # one reason for every point: it names the field
            raise ConfigError("", problem)
        raise ConfigError("", f"no valid point in the {verb}; first problem: {problem}")
    return result, study


def interrupted(output) -> int:
    """Exit code 130 after Ctrl-C, saying how to resume."""
    from pathlib import Path

    kept = output is not None and Path(f"{output}.partial").exists()
    hint = f"; finished points are in {output}.partial, rerun with --resume" if kept else ""
    print(f"msd: interrupted{hint}", file=sys.stderr)
    return 130


def finish(output, rows) -> None:
    """Write the rows (a list of dicts, or Columns) atomically and remove the partial file."""
    from pathlib import Path

    from estimator.studies.columns import Columns
    from estimator.studies.output import write_columns, write_rows

    if isinstance(rows, Columns):
        write_columns(output, rows)
    else:
        write_rows(output, rows)
    Path(f"{output}.partial").unlink(missing_ok=True)


def report_skipped(result) -> None:
    if result.skipped:
        print(f"{result.skipped} points skipped as invalid, e.g. {result.examples[0][1]}")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from estimator.studies.pareto import with_flags

    output = Path(args.output)
    try:
        result, _ = execute(args, output)
    except KeyboardInterrupt:
        return interrupted(output)
    finish(output, with_flags(result.columns, args.by))
    print(f"{result.columns.size} of {result.points} points -> {output}")
    report_skipped(result)
    return 0
