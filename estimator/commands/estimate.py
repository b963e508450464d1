"""``msd estimate CONFIG [--set KEY=VALUE ...] [--format table|json|csv]``: a factory config,
or a protocol of 001 (configs/haah2017, recognised by its [hmeasure] or [rotations] table)."""

from __future__ import annotations

import argparse

from estimator.commands import add_config_arguments, add_limit_arguments, add_precision_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("estimate", help="cost the factory of a config file")
    add_config_arguments(parser)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_precision_argument(parser)
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from estimator.studies.config import read_config_data
    from estimator.studies.haah2017 import is_hmeasure_config

    if is_hmeasure_config(read_config_data(args.config)):
        return _run_hmeasure(args)
    import numpy as np

    from estimator.errors import PrecisionError
    from estimator.jsonout import to_json
    from estimator.studies.config import estimate_config, load_config
    from estimator.studies.report import estimate_record, flatten, format_estimate, to_csv

    config = load_config(args.config, args.sets)
    estimate = estimate_config(config, precision=args.precision)
    if np.any(np.isnan(estimate.p_out)):
        raise PrecisionError(
            "float64 cannot guarantee the digits of this factory; drop --precision float"
            if args.precision == "float"
            else "p_out cannot be vouched for: it lies below float64's range (about 1e-308); "
            "raise p_phys or lower the distances"
        )
    record = estimate_record(config, estimate)
    if args.format == "json":
        print(to_json(record))
    elif args.format == "csv":
        print(to_csv([flatten(record)]), end="")
    else:
        print(format_estimate(record))
    return 0


def _run_hmeasure(args: argparse.Namespace) -> int:
    """A protocol of 001: its exact error series beside the printed values."""
    from estimator.jsonout import to_json
    from estimator.studies.haah2017 import evaluate_hmeasure, hmeasure_record, load_hmeasure_config
    from estimator.studies.haah2017_report import flatten_hmeasure, format_hmeasure
    from estimator.studies.report import to_csv

    record = hmeasure_record(evaluate_hmeasure(load_hmeasure_config(args.config, args.sets)))
    if args.format == "json":
        print(to_json(record))
    elif args.format == "csv":
        print(to_csv([flatten_hmeasure(record)]), end="")
    else:
        print(format_hmeasure(record))
    return 0
