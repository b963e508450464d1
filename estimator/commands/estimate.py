"""``msd estimate CONFIG [--set KEY=VALUE ...] [--format table|json|csv]``."""

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
        )
    record = estimate_record(config, estimate)
    if args.format == "json":
        print(to_json(record))
    elif args.format == "csv":
        print(to_csv([flatten(record)]), end="")
    else:
        print(format_estimate(record))
    return 0
