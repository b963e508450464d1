"""The ``msd`` command line: ``msd VERB ...`` dispatches to one module per verb.

Each module in ``estimator.commands`` defines ``register(subparsers)``; it must import only
the standard library at module level, so that start-up stays fast (heavy imports happen
inside the verb's function). Every ``MsdError`` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = (
    "estimate",
    "table",
    "sweep",
    "search",
    "concat",
    "code",
    "schedule",
    "draw",
    "calibrate",
    "noise",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every other bad input
        self.exit(2, f"msd: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="msd", description="Cost magic-state distillation factories.")
    subparsers = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"estimator.commands.{name}").register(subparsers)
    return parser


def _warn(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning (e.g. an extrapolated calibration) as one line on stderr."""
    print(f"msd: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    import warnings

    from estimator.errors import MsdError

    warnings.showwarning = _warn
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except MsdError as error:
        print(f"msd: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file that cannot be read or written
        print(f"msd: error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("msd: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
