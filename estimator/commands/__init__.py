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


FIGURE_FORMATS = (".png", ".svg", ".pdf")


def add_figure_arguments(parser: argparse.ArgumentParser) -> None:
    """``-o FIG.(png|pdf|svg)``, ``--style paper|slides`` and ``--no-title``."""
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="output file (.png, .svg or .pdf)"
    )
    parser.add_argument(
        "--style",
        choices=("paper", "slides"),
        default="paper",
        help="paper: one journal column (3.4 in), 8-pt text; slides: 6.4 in, 14-pt text",
    )
    parser.add_argument("--no-title", action="store_true", help="leave the title out")


def check_figure_output(path: str) -> None:
    """ConfigError naming -o unless ``path`` ends in .png, .svg or .pdf."""
    from pathlib import Path

    from estimator.errors import ConfigError

    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ConfigError(
            "-o",
            f"unknown file type {suffix or '(none)'!r} of {path!r}; use {', '.join(FIGURE_FORMATS)}",
        )
