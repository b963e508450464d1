"""One module per ``msd`` verb; this package holds the options several verbs share.

Only the standard library is imported here (CLI start-up stays fast)."""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")

_SIZE = re.compile(
    r"^\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE
)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_POWERS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SECONDS = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_EXAMPLE = "example:"


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that an ``example:`` epilog keeps its lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(_EXAMPLE):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def example(*commands: str) -> dict[str, object]:
    """Keyword arguments of ``add_parser`` that end a verb's ``--help`` with its example(s).

    >>> print(example("msd table")["epilog"])
    example:
      msd table
    """
    lines = "\n".join(f"  {command}" for command in commands)
    return {"epilog": f"{_EXAMPLE}\n{lines}", "formatter_class": HelpFormatter}


def add_config_arguments(parser: argparse.ArgumentParser, *, example: str = "level1.d_x=9") -> None:
    """The CONFIG argument and repeatable ``--set KEY=VALUE`` overrides."""
    parser.add_argument("config", help="TOML config file")
    add_set_argument(parser, example)


def add_set_argument(parser: argparse.ArgumentParser, example: str) -> None:
    """Repeatable ``--set KEY=VALUE`` overrides of config keys."""
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


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """``--max-memory SIZE`` and ``--max-seconds TIME``: the resource guard of
    ``estimator.limits`` (work is estimated from its sizes and refused over a limit before it
    starts); the CLI runs the verb under ``estimator.limits.using``."""
    parser.add_argument(
        "--max-memory",
        type=memory_size,
        default=None,
        metavar="SIZE",
        help="refuse work estimated to need more memory, e.g. 2G, 512M (default 8G)",
    )
    parser.add_argument(
        "--max-seconds",
        type=duration,
        default=None,
        metavar="TIME",
        help="refuse work estimated to take longer, in seconds or e.g. 10m, 2h (default 1h)",
    )


def memory_size(text: str) -> float:
    """Bytes from ``512M``, ``2G``, ``1.5GiB`` or a plain number of bytes (binary units).

    >>> memory_size("2G"), memory_size("512MiB"), memory_size("1000")
    (2147483648.0, 536870912.0, 1000.0)
    """
    match = _SIZE.match(text)
    value = _scaled(match, _POWERS[match.group(3).lower()] if match else 1)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"expected a positive memory size such as 2G, 512M or 1.5GiB, got {text!r}"
        )
    return value


def duration(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``10m``, ``2h`` or ``1d``.

    >>> duration("90"), duration("10m"), duration("2h")
    (90.0, 600.0, 7200.0)
    """
    match = _DURATION.match(text)
    unit = match.group(3).lower() if match and match.group(3) else None
    value = _scaled(match, _SECONDS[unit])
    if value is None:
        raise argparse.ArgumentTypeError(
            f"expected a positive time such as 90, 10m or 2h, got {text!r}"
        )
    return value


def _scaled(match: re.Match[str] | None, unit: float) -> float | None:
    """The matched number times ``unit``, or None unless it is positive and finite."""
    if match is None:
        return None
    try:
        value = float(match.group(1)) * 10.0 ** int(match.group(2) or 0) * unit
    except OverflowError:
        return None
    return value if 0 < value and math.isfinite(value) else None


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


def check_figure_output(path: str, field: str = "-o", inputs: Sequence[str] = ()) -> None:
    """ConfigError naming ``field`` unless ``path`` ends in .png, .svg or .pdf in a directory
    that exists and is none of the ``inputs``."""
    from pathlib import Path

    from estimator.errors import ConfigError

    output = Path(path)
    suffix = output.suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ConfigError(
            field,
            f"unknown file type {suffix or '(none)'!r} of {path!r}; use {', '.join(FIGURE_FORMATS)}",
        )
    from estimator.studies.output import check_output

    check_output(output, inputs, option=field)


def collect_resumably(collect: Callable[[], _T], resume: Path) -> _T | None:
    """Run a sampling ``collect()`` that saves its finished samples in ``resume``: on Ctrl-C say
    where they are and return None (the verb exits 130); on a failure remove ``resume`` if this
    run started it (no stray file), then raise."""
    resumed = resume.exists()
    try:
        return collect()
    except KeyboardInterrupt:
        print(
            f"msd: interrupted; finished samples are in {resume}, rerun to resume", file=sys.stderr
        )
        return None
    except Exception:
        if not resumed:
            resume.unlink(missing_ok=True)
        raise
