"""``msd calibrate NOISE --p 5e-4,1e-3 --d 3:7 -o FILE``: sample circuits with sinter, fit p_L."""

from __future__ import annotations

import argparse
import sys

from estimator.commands import add_limit_arguments, collect_resumably, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the noise model to circuit-level simulations (stim, sinter, pymatching)",
        **example("msd calibrate si1000 --p 5e-4,1e-3,2e-3 --d 3:9 -o si1000.json"),
    )
    parser.add_argument("noise", metavar="NOISE", help="circuit noise model: depolarizing, si1000")
    parser.add_argument("--p", required=True, help="physical error rates, e.g. 5e-4,1e-3,2e-3")
    parser.add_argument("--d", required=True, help="odd distances, START:STOP or D1,D2,...")
    parser.add_argument("--max-shots", type=int, default=1_000_000, help="shots per circuit")
    parser.add_argument("--max-errors", type=int, default=100, help="stop a circuit after M errors")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("-o", "--output", required=True, help="calibration file to write (JSON)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import time

    from estimator.calibration.datafile import calibration_record, write_calibration
    from estimator.calibration.sampling import (
        Plan,
        collect,
        parse_distances,
        parse_rates,
        require_resources,
    )
    from estimator.errors import ConfigError
    from estimator.studies.output import check_output

    for name in ("max_shots", "max_errors", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')}", f"must be positive, got {value}")
    plan = Plan(args.noise, parse_rates(args.p), parse_distances(args.d))
    require_resources(plan, args.max_shots)
    output = check_output(args.output)
    resume = check_output(f"{output}.partial.csv", option="-o")
    start = time.time()
    stats = collect_resumably(
        lambda: collect(
            plan,
            max_shots=args.max_shots,
            max_errors=args.max_errors,
            workers=args.workers or os.cpu_count() or 1,
            resume=resume,
            progress=not args.quiet,
        ),
        resume,
    )
    if stats is None:
        return 130
    command = " ".join(["msd calibrate", *sys.argv[2:]]) if sys.argv[1:2] == ["calibrate"] else ""
    try:
        record = calibration_record(
            plan,
            stats,
            max_shots=args.max_shots,
            max_errors=args.max_errors,
            wall_seconds=time.time() - start,
            command=command,
        )
    except Exception:  # the samples cannot give a calibration (e.g. every shot failed)
        resume.unlink(missing_ok=True)
        raise
    write_calibration(output, record)
    resume.unlink(missing_ok=True)
    if not args.quiet:
        print(f"wrote {output}", file=sys.stderr)
    return 0
