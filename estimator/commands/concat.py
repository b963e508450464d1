"""``msd concat SEQUENCE --eps-in EPS`` and ``msd concat --search --eps-in EPS --target T``.

Stages: the built-in ones of Haah et al. 2018, Table 5 and the H-measurement protocols of Haah et al. 2017 shipped in
configs/haah2017 ("001:LABEL"); ``--stages`` also takes config paths (named 001:LABEL).
"""

from __future__ import annotations

import argparse
import sys

from estimator.commands import add_limit_arguments, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "concat",
        help="cost a concatenation of distillation stages, or search for the cheapest",
        description=(
            "Stages: 5 = MEK 10-to-2, 15 = 15-to-1, even k = Bravyi-Haah (3k+8)-to-k (Haah et al. 2018 "
            "Table 5), 001:LABEL = a protocol of Haah et al. 2017 (configs/haah2017, by its label), joined "
            "by '-' (first stage first). --search prints the Pareto set at the target: the "
            "sequences with eps_out <= target that no other beats in both T per output and "
            "qubits."
        ),
        **example("msd concat 6-22-54 --eps-in 1e-3"),
    )
    parser.add_argument("sequence", nargs="?", help="stages such as 6-22-54 (omit with --search)")
    parser.add_argument("--eps-in", type=float, required=True, help="raw T-state error rate")
    parser.add_argument("--search", action="store_true", help="search for the cheapest sequences")
    parser.add_argument("--target", type=float, help="required eps_out (with --search)")
    parser.add_argument("--max-stages", type=int, default=4, help="longest sequence searched")
    parser.add_argument(
        "--stages",
        help="comma-separated stage set searched: names, or config files of configs/haah2017 "
        "(default: Haah et al. 2018, Table 5's stages and every Haah et al. 2017 protocol of configs/haah2017)",
    )
    parser.add_argument(
        "--convention",
        choices=("003", "000", "002"),
        default="003",
        help="final output error: Bravyi and Haah 2012 worst marginal per output (default), Haah et al. 2018 P(any output "
        "wrong) / mean outputs, Litinski 2019 P(any output wrong) / outputs",
    )
    parser.add_argument("--best", type=int, help="show at most this many sequences (default: all)")
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
    if args.best is not None and args.best < 1:
        raise ConfigError("--best", f"must be a positive integer, got {args.best}")
    try:
        if not args.search:
            extra = _hmeasure_stages(args.sequence.split("-"), everything=False)
            result = concat.concatenate(
                args.sequence, args.eps_in, extra=extra, convention=args.convention
            )
            print(to_json(_record(result)) if args.format == "json" else _stage_table(result))
            return 0
        concat.check_search(args.eps_in, args.target, args.max_stages, args.convention)
        if args.stages is None:
            extra = _hmeasure_stages([], everything=True)
            stages = [*concat.DEFAULT_STAGES, *extra]
        else:
            stages, extra = _stage_list(args.stages)
        results = concat.pareto(
            args.eps_in,
            args.target,
            max_stages=args.max_stages,
            stages=stages,
            extra=extra,
            convention=args.convention,
            progress=sys.stderr.isatty(),
        )[: args.best]
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
            "convention": concat.CONVENTIONS[args.convention],
            "selection": "Pareto set at the target: eps_out <= target, then no other sequence "
            "has both fewer T per output and fewer qubits",
            "qubits": "sum of the stages' qubits (one instance per level)",
            "results": [_record(r) for r in results],
        }
        print(to_json(record))
    else:
        print(_search_table(results, args))
    return 0


def _stage_list(text: str) -> tuple[list[str], dict]:
    """The --stages value: stage names or Haah et al. 2017 config files separated by commas, none empty;
    and the Haah et al. 2017 stages they name."""
    from estimator.codes.concat import parse_sequence
    from estimator.config.hmeasure import stage_name
    from estimator.errors import ConfigError, MsdError

    items = [name.strip() for name in text.split(",")]
    if not all(items):
        raise ConfigError(
            "--stages", f"expected stage names separated by commas, e.g. 5,15,6, got {text!r}"
        )
    try:
        extra = _hmeasure_stages(items, everything=False)
        names = [stage_name(item) if item.endswith(".toml") else item for item in items]
        parse_sequence(names, extra)
    except MsdError as error:  # an unknown stage, one too large to build, a bad config
        raise ConfigError("--stages", str(error).removeprefix("sequence: ")) from None
    return names, extra


def _hmeasure_stages(items: list[str], *, everything: bool) -> dict:
    """The Haah et al. 2017 stages named in ``items`` (001:LABEL of configs/haah2017, or config files), or
    every shipped one; each is counted when it is named (about a second for the largest)."""
    from pathlib import Path

    from estimator.config import hmeasure

    shipped = Path(__file__).resolve().parents[2] / "configs" / "haah2017"
    labels = {item for item in items if item.startswith(hmeasure.STAGE_PREFIX)}
    stages = {}
    if (labels or everything) and shipped.is_dir():
        stages.update(hmeasure.shipped_stages(shipped, labels=None if everything else labels))
    for item in items:
        if item.endswith(".toml"):
            stage = hmeasure.hmeasure_stage(hmeasure.load_hmeasure_config(item))
            stages[stage.name] = stage
    return stages


def _record(result) -> dict:
    from dataclasses import asdict

    return {
        "sequence": result.name,
        "eps_in": result.eps_in,
        "eps_out": result.eps_out,
        "t_per_output": result.t_per_output,
        "n_out": result.n_out,
        "space": result.space,
        "qubits": result.qubits,
        "convention": result.convention,
        "stages": [asdict(s) for s in result.stages],
    }


def _stage_table(result) -> str:
    lines = [
        f"sequence {result.name} at eps_in = {result.eps_in:g}",
        f"eps_out convention: {result.convention}",
        (
            f"{'stage':>12} {'n':>5} {'k':>4} {'qubits':>6} {'eps_in':>11} {'eps_out':>11} "
            f"{'p_s':>9} {'n/(k p_s)':>10}"
        ),
    ]
    for s in result.stages:
        lines.append(
            f"{s.name:>12} {s.n:>5} {s.k:>4} {s.qubits:>6} {s.eps_in:>11.4e} {s.eps_out:>11.4e} "
            f"{s.success_probability:>9.6f} {s.inverse_yield:>10.4f}"
        )
    lines.append(
        f"eps_out {result.eps_out:.4e}   T per output {result.t_per_output:.2f}   "
        f"n_out {result.n_out:,}   space {result.space:,}   qubits {result.qubits}"
    )
    return "\n".join(lines)


def _search_table(results, args) -> str:
    head = (
        f"Pareto set of sequences of at most {args.max_stages} stages with eps_out <= "
        f"{args.target:g} from eps_in = {args.eps_in:g} (T per output against qubits)"
    )
    if not results:
        return head + "\nno sequence reaches the target"
    lines = [
        head,
        f"eps_out convention: {results[0].convention}",
        (
            "qubits: sum of the stages' qubits, one instance per level; space: every input of "
            "a run present at once (Haah et al. 2018, Table 5)"
        ),
        (
            f"{'rank':>4}  {'sequence':<22} {'eps_out':>11} {'T/output':>9} {'qubits':>6} "
            f"{'n_out':>10} {'space':>14}"
        ),
    ]
    for rank, r in enumerate(results, 1):
        lines.append(
            f"{rank:>4}  {r.name:<22} {r.eps_out:>11.4e} {r.t_per_output:>9.2f} {r.qubits:>6} "
            f"{r.n_out:>10,} {r.space:>14,}"
        )
    return "\n".join(lines)
