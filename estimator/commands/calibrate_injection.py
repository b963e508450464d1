"""``msd calibrate-injection NOISE --p 5e-4,1e-3 --d 3,5 --into FILE``: sample the state-injection
circuit with sinter and add its fit to a calibration file as its ``injection`` entry."""

from __future__ import annotations

import argparse
import sys

from estimator.commands import collect_resumably, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate-injection",
        help="calibrate the faulty T measurement (state injection, S-state proxy) with stim",
        **example(
            "msd calibrate-injection depolarizing --p 5e-4,1e-3,2e-3 --d 3,5 --into my_cal.json"
        ),
    )
    parser.add_argument("noise", metavar="NOISE", help="circuit noise model: depolarizing, si1000")
    parser.add_argument("--p", required=True, help="physical error rates, e.g. 5e-4,1e-3,2e-3")
    parser.add_argument("--d", required=True, help="odd distances, START:STOP or D1,D2,...")
    parser.add_argument("--max-shots", type=int, default=1_000_000, help="shots per circuit")
    parser.add_argument(
        "--max-errors", type=int, default=1000, help="stop a circuit after M errors"
    )
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument(
        "--into", required=True, help="calibration file (JSON) of the same NOISE to add it to"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import datetime
    import os
    import time
    from importlib.metadata import version
    from pathlib import Path

    from estimator.calibration.circuit_noise import circuit_noise
    from estimator.calibration.datafile import read_record, write_calibration
    from estimator.calibration.injection_fit import collect, injection_record, tasks
    from estimator.calibration.sampling import parse_distances, parse_rates, totals
    from estimator.errors import ConfigError

    for name in ("max_shots", "max_errors", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')}", f"must be positive, got {value}")
    rates, distances = parse_rates(args.p), parse_distances(args.d)
    for p in rates:
        circuit_noise(args.noise, p)
    target = Path(args.into)
    record = read_record(str(target))
    if record["noise"] != args.noise:
        raise ConfigError("--into", f"{target} calibrates {record['noise']!r}, not {args.noise!r}")
    try:
        import sinter  # noqa: F401
    except ImportError:
        raise ConfigError(
            "calibrate-injection",
            "needs stim, sinter and pymatching: pip install 'msd-estimator[calibration]'",
        ) from None
    resume = Path(f"{target}.injection.partial.csv")
    start = time.time()
    stats = collect_resumably(
        lambda: collect(
            tasks(args.noise, rates, distances),
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
    command = " ".join(["msd calibrate-injection", *sys.argv[2:]])
    made = {
        "command": command if sys.argv[1:2] == ["calibrate-injection"] else "",
        "tools": {name: version(name) for name in ("stim", "sinter", "pymatching")},
        "decoder": "pymatching",
        "date": datetime.date.today().isoformat(),
        "max_shots": args.max_shots,
        "max_errors": args.max_errors,
        **totals(stats),
        "wall_seconds": round(time.time() - start, 1),
    }
    record["injection"] = injection_record(stats, made=made)
    write_calibration(target, record)
    resume.unlink(missing_ok=True)
    if not args.quiet:
        print(f"added the injection calibration to {target}", file=sys.stderr)
    return 0
