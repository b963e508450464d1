"""One module per ``msd`` verb; this package holds the options several verbs share.

Only the standard library is imported here (CLI start-up stays fast)."""

from __future__ import annotations

import argparse


def add_config_arguments(parser: argparse.ArgumentParser, *, example: str = "level1.d_x=9") -> None:
    """The CONFIG argument and repeatable ``--set KEY=VALUE`` overrides."""
    parser.add_argument("config", help="TOML config file")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"override a config key by its dotted path, e.g. {example}",
    )


def add_precision_argument(parser: argparse.ArgumentParser) -> None:
    """``--precision auto|float|exact`` (estimator.sim.simulator.simulate)."""
    parser.add_argument(
        "--precision",
        choices=("auto", "float", "exact"),
        default="auto",
        help="arithmetic (auto: float64 where it is provably enough, else fixed point)",
    )
