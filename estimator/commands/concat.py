"""``msd concat SEQUENCE --eps-in EPS`` and ``msd concat --search --eps-in EPS --target T``."""

from __future__ import annotations

import argparse
import sys

from estimator.commands import add_limit_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "concat",
        help="cost a concatenation of distillation stages, or search for the cheapest",
        description=(
            "Stages: 5 = MEK 10-to-2, 15 = 15-to-1, even k = Bravyi-Haah (3k+8)-to-k, "
            "joined by '-' (first stage first), as in 000 Table 5."
        ),
    )
    parser.add_argument("sequence", nargs="?", help="stages such as 6-22-54 (omit with --search)")
    parser.add_argument("--eps-in", type=float, required=True, help="raw T-state error rate")
    parser.add_argument("--search", action="store_true", help="search for the cheapest sequences")
    parser.add_argument("--target", type=float, help="required eps_out (with --search)")
    parser.add_argument("--max-stages", type=int, default=4, help="longest sequence searched")
    parser.add_argument("--stages", help="comma-separated stage set searched (default: 000's)")
    parser.add_argument("--best", type=int, default=5, help="number of sequences shown")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


# Option names of the engine's arguments, for error messages.
_OPTIONS = {
    "eps_in": "--eps-in",
    "target": "--target",
    "max_stages": "--max-stages",
    "n_best": "--best",
}


def run(args: argparse.Namespace) -> int:
    from estimator.codes import concat
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json

    if args.search == (args.sequence is not None):
        raise ConfigError("SEQUENCE", "give either a stage sequence or --search")
    if args.search and args.target is None:
        raise ConfigError("--target", "required with --search")
    if not args.search and args.target is not None:
        raise ConfigError("--target", "only meaningful with --search")
    if not args.search and args.stages is not None:
        raise ConfigError("--stages", "only meaningful with --search")
    try:
        if not args.search:
            result = concat.concatenate(args.sequence, args.eps_in)
            print(to_json(_record(result)) if args.format == "json" else _stage_table(result))
            return 0
        stages = concat.DEFAULT_STAGES if args.stages is None else _stage_list(args.stages)
        results = concat.search(
            args.eps_in,
            args.target,
            max_stages=args.max_stages,
            stages=stages,
            n_best=args.best,
            progress=sys.stderr.isatty(),
        )
    except ConfigError as error:
        if error.field not in _OPTIONS:
            raise
        message = str(error).removeprefix(f"{error.field}: ")
        raise ConfigError(_OPTIONS[error.field], message) from None
    if args.format == "json":
        record = {
            "eps_in": args.eps_in,
            "target": args.target,
            "max_stages": args.max_stages,
            "stages_searched": list(stages),
            "convention": concat.CONVENTION,
            "results": [_record(r) for r in results],
        }
        print(to_json(record))
    else:
        print(_search_table(results, args))
    return 0


def _stage_list(text: str) -> list[str]:
    """The --stages value: stage names separated by commas, none empty."""
    from estimator.codes.concat import parse_sequence
    from estimator.errors import ConfigError, MsdError

    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ConfigError(
            "--stages", f"expected stage names separated by commas, e.g. 5,15,6, got {text!r}"
        )
    try:
        parse_sequence(names)
    except MsdError as error:  # an unknown stage, or one too large to build
        raise ConfigError("--stages", str(error).removeprefix("sequence: ")) from None
    return names


def _record(result) -> dict:
    from dataclasses import asdict

    return {
        "sequence": result.name,
        "eps_in": result.eps_in,
        "eps_out": result.eps_out,
        "t_per_output": result.t_per_output,
        "n_out": result.n_out,
        "space": result.space,
        "convention": result.convention,
        "stages": [asdict(s) for s in result.stages],
    }


def _stage_table(result) -> str:
    lines = [
        f"sequence {result.name} at eps_in = {result.eps_in:g}",
        f"eps_out convention: {result.convention}",
        f"{'stage':>6} {'n':>5} {'k':>4} {'eps_in':>11} {'eps_out':>11} {'p_s':>9} {'n/(k p_s)':>10}",
    ]
    for s in result.stages:
        lines.append(
            f"{s.name:>6} {s.n:>5} {s.k:>4} {s.eps_in:>11.4e} {s.eps_out:>11.4e} "
            f"{s.success_probability:>9.6f} {s.inverse_yield:>10.4f}"
        )
    lines.append(
        f"eps_out {result.eps_out:.4e}   T per output {result.t_per_output:.2f}   "
        f"n_out {result.n_out:,}   space {result.space:,} qubits"
    )
    return "\n".join(lines)


def _search_table(results, args) -> str:
    head = (
        f"cheapest sequences of at most {args.max_stages} stages with eps_out <= {args.target:g} "
        f"from eps_in = {args.eps_in:g}"
    )
    if not results:
        return head + "\nno sequence reaches the target"
    lines = [
        head,
        f"eps_out convention: {results[0].convention}",
        f"{'rank':>4}  {'sequence':<16} {'eps_out':>11} {'T/output':>9} {'n_out':>12} {'space':>14}",
    ]
    for rank, r in enumerate(results, 1):
        lines.append(
            f"{rank:>4}  {r.name:<16} {r.eps_out:>11.4e} {r.t_per_output:>9.2f} "
            f"{r.n_out:>12,} {r.space:>14,}"
        )
    return "\n".join(lines)
