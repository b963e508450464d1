"""``msd estimate CONFIG [--set KEY=VALUE ...] [--format table|json|csv]``: a factory config,
a protocol of Haah et al. 2017 (configs/haah2017, recognised by its [hmeasure] or [rotations] table), or
(recognised by its top-level ``eps_in``) an inner/outer-code protocol config of Haah et al. 2018."""

from __future__ import annotations

import argparse
import contextlib
import sys

from estimator.commands import (
    add_config_arguments,
    add_limit_arguments,
    add_precision_argument,
    example,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help="cost the factory of a config file, or evaluate an inner/outer-code protocol config (Haah et al. 2018)",
        **example("msd estimate configs/litinski2019/04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml --set p_phys=2e-4"),
    )
    add_config_arguments(parser)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_precision_argument(parser)
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from estimator.config.factory import is_hmeasure_config, is_protocol_config, read_config_data

    data = read_config_data(args.config)
    if is_hmeasure_config(data):
        return _run_hmeasure(args)
    if is_protocol_config(data):
        return _run_protocol(args)
    import numpy as np

    from estimator.config.factory import estimate_config, load_config
    from estimator.errors import PrecisionError
    from estimator.studies.report import estimate_record, flatten, format_estimate

    config = load_config(args.config, args.sets)
    with _progress_bar() as progress:
        estimate = estimate_config(config, precision=args.precision, progress=progress)
    if np.any(np.isnan(estimate.p_out)):
        raise PrecisionError(
            "float64 cannot guarantee the digits of this factory; drop --precision float"
            if args.precision == "float"
            else "p_out cannot be vouched for: it lies below float64's range (about 1e-308); "
            "raise p_phys or lower the distances"
        )
    _emit(estimate_record(config, estimate), args.format, format_estimate, flatten)
    return 0


def _run_protocol(args: argparse.Namespace) -> int:
    """An inner/outer-code protocol config (Haah et al. 2018): ``--precision`` does not apply."""
    from estimator.config.inner_outer import evaluate_config, load_protocol_config
    from estimator.studies.inner_outer_report import (
        flatten_protocol,
        format_protocol,
        protocol_record,
    )

    config = load_protocol_config(args.config, args.sets)
    record = protocol_record(config, evaluate_config(config))
    _emit(record, args.format, format_protocol, flatten_protocol)
    return 0


def _run_hmeasure(args: argparse.Namespace) -> int:
    """A protocol of Haah et al. 2017: its exact error series beside the printed values."""
    from estimator.config.hmeasure import evaluate_hmeasure, hmeasure_record, load_hmeasure_config
    from estimator.studies.hmeasure_report import flatten_hmeasure, format_hmeasure

    record = hmeasure_record(evaluate_hmeasure(load_hmeasure_config(args.config, args.sets)))
    _emit(record, args.format, format_hmeasure, flatten_hmeasure)
    return 0


def _emit(record, form: str, text, flat) -> None:
    from estimator.jsonout import to_json
    from estimator.studies.report import to_csv

    if form == "json":
        print(to_json(record))
    elif form == "csv":
        print(to_csv([flat(record)]), end="")
    else:
        print(text(record))


@contextlib.contextmanager
def _progress_bar():
    """A simulator progress callback drawing a bar per phase on a terminal (None elsewhere):
    long extended-precision runs (13 qubits, fixed point: about a minute) show how far they
    are; their estimated time was checked against --max-seconds before they started."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in bars:
            bars[phase] = tqdm(
                total=total, desc=f"estimate ({phase})", file=sys.stderr, leave=False
            )
        bars[phase].n = done
        bars[phase].refresh()

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()
