"""The ``msd`` command line: ``msd VERB ...`` dispatches to one module per verb.

Each module in ``estimator.commands`` defines ``register(subparsers)``; it must import only
the standard library at module level, so that start-up stays fast (heavy imports happen
inside the verb's function). Every ``MsdError`` becomes one line on stderr and exit code 2.
A verb runs under the resource limits of its ``--max-memory`` and ``--max-seconds`` options
(``estimator.limits``); a reader that closes the pipe early ends the run quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMANDS = (
    "estimate",
    "table",
    "sweep",
    "search",
    "pareto",
    "concat",
    "code",
    "schedule",
    "draw",
    "plot",
    "export",
    "calibrate",
    "calibrate_injection",
    "noise",
    "plan",
    "machine",
)
BROKEN_PIPE_EXIT = 141
"""Exit code when stdout's reader goes away (128 + SIGPIPE, as the shell reports it)."""


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
    from estimator.limits import DEFAULT, Limits, using

    warnings.showwarning = _warn
    try:
        args = build_parser().parse_args(argv)
        limits = Limits(
            getattr(args, "max_memory", None) or DEFAULT.max_memory_bytes,
            getattr(args, "max_seconds", None) or DEFAULT.max_seconds,
        )
        with using(limits):
            code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here for output still in the buffer
        return code
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE_EXIT
    except MsdError as error:
        print(f"msd: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file that cannot be read or written
        print(f"msd: error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("msd: interrupted", file=sys.stderr)
        return 130


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (e.g. captured in tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
