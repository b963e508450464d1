"""``msd plan --p P --target P_OUT [--output T|CCZ] [--by qubitcycles|qubits|cycles]
[--max-qubits N] [--consumption allowed|deferred] [--levels 1,2] [--max-distance D]
[--top N] [--format table|json] [--write DIR] [--draw FILE] [--max-seconds S]``: the cheapest factories that reach a target output error.

Screens one- and two-level factories with the batched engine, re-solves the CP-SAT schedules
of the best, refines them over the model extensions (docs/model-extensions.md) and verifies
them exactly (estimator.planning). Every result carries a config that ``msd estimate``
reproduces; ``--write`` stores them as TOML files.

``--sources distillation,cultivation`` adds magic-state cultivation (alone, and blocks fed by
cultivation units) and ``--noise NAME`` costs under a calibrated model (estimator.sources:
grid candidates, as configs/studies/cultivation_sources.py; distillation under such noise
comes from the same grids, not from the planner above, which takes the phenomenological model).
"""

from __future__ import annotations

import argparse
import sys

from estimator.commands import example

COST_KEYS = ("qubitcycles", "qubits", "cycles")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="cheapest factories (one or two levels) for a p_phys and a target p_out",
        **example(
            "msd plan --p 1e-3 --target 1e-12",
            "msd plan --p 1e-3 --target 1e-12 --sources distillation,cultivation --noise depolarizing",
        ),
    )
    parser.add_argument("--p", type=float, required=True, help="physical error rate p_phys")
    parser.add_argument("--target", type=float, required=True, help="largest acceptable p_out")
    parser.add_argument("--output", choices=("T", "CCZ"), default="T", help="output states")
    parser.add_argument(
        "--by", choices=COST_KEYS, default="qubitcycles", help="cost to minimise (per output)"
    )
    parser.add_argument(
        "--max-qubits", type=float, default=None, metavar="N", help="largest qubit count"
    )
    parser.add_argument(
        "--consumption",
        choices=("allowed", "deferred"),
        default="allowed",
        help="outputs consumed as docs/model/storage.md allows (default) or all deferred",
    )
    parser.add_argument("--top", type=int, default=3, help="how many factories to print")
    parser.add_argument(
        "--levels",
        default="1,2",
        help="levels of the factories to consider, e.g. 1,2 (default) or 2,3 (three levels take "
        "longer)",
    )
    parser.add_argument(
        "--max-distance", type=int, default=None, metavar="D", help="largest code distance"
    )
    parser.add_argument(
        "--sources",
        default="distillation",
        help="T sources to consider: distillation (default), cultivation, or both, comma-separated",
    )
    parser.add_argument(
        "--noise",
        default="phenomenological",
        help="phenomenological (default), a shipped calibration (depolarizing, si1000) or a "
        "calibration file",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--write", metavar="DIR", help="write each factory's config as TOML")
    parser.add_argument("--draw", metavar="FILE", help="draw the best factory (PNG, SVG, PDF)")
    parser.add_argument(
        "--max-seconds", type=float, default=None, help="refuse plans estimated to take longer"
    )
    parser.set_defaults(run=run)


def _format(records: list[dict], by: str, target: float) -> str:
    lines = []
    for rank, r in enumerate(records, 1):
        lines.append(
            f"{rank}. {r['title']}\n"
            f"   p_out {r['p_out']:.4g} (all outputs deferred: {r['p_out_deferred']:.4g}; "
            f"target {target:g})"
            + (f", p_fail {r['p_fail']:.3g}" if r["p_fail"] is not None else "")
            + "\n"
            f"   qubits {r['qubits']:,.0f}, cycles {r['cycles']:.2f}, "
            f"qubitcycles {r['qubitcycles']:,.0f} per output"
        )
        if "cultivation" in r:
            lines.append(f"   cultivation: data rows {r['cultivation']['rows']}")
        b = r["breakdown"]
        for level in b["levels"]:
            count = f"{level['count']} x " if "count" in level else ""
            lines.append(
                f"   level {level['level']}: {count}{level['block']}, {level['steps']} steps, "
                f"p_out {level['p_out']:.3g}, p_fail {level['p_fail']:.3g}, "
                f"{level['cycles']:.1f} cycles, {level['qubits']:,.0f} qubits, "
                f"{level['outputs']} out/run"
            )
        if "qubits" in b:
            q = b["qubits"]
            lines.append(
                f"   qubits: top block {q['top block']:,.0f}, feeding factories "
                f"{q['feeding factories']:,.0f}, routing {q['routing']:,.0f}; "
                f"level-2 step {b['tau']:.2f} cycles"
            )
        solver = ", ".join(
            f"{name} {s['status']}{'' if s['status'] == 'published' else ' (cached)' if s.get('cached') else ''}"
            for name, s in r["solver"].items()
        )
        if solver:
            lines.append(f"   schedules: {solver}")
    return "\n".join(lines)


def _levels(text: str) -> tuple[int, ...]:
    from estimator.errors import ConfigError

    try:
        return tuple(sorted({int(v) for v in text.split(",")}))
    except ValueError:
        raise ConfigError(
            "--levels", f"must be levels among 1, 2, 3 (e.g. 1,2), got {text!r}"
        ) from None


def _sources(text: str) -> tuple[str, ...]:
    from estimator.errors import ConfigError

    names = tuple(dict.fromkeys(v.strip() for v in text.split(",")))
    if not names or not set(names) <= {"distillation", "cultivation"}:
        raise ConfigError(
            "--sources",
            f"must be distillation, cultivation or both (comma-separated), got {text!r}",
        )
    return names


def run(args: argparse.Namespace) -> int:
    import math
    from pathlib import Path

    from estimator.errors import ConfigError
    from estimator.limits import Limits, current, using
    from estimator.planning.result import toml
    from estimator.planning.run import PlanRequest, check, plan

    request = PlanRequest(
        p_phys=args.p,
        target=args.target,
        output=args.output,
        by=args.by,
        max_qubits=math.inf if args.max_qubits is None else args.max_qubits,
        consumption=args.consumption,
        top=args.top,
        levels=_levels(args.levels),
        max_distance=args.max_distance,
    )
    try:
        check(request)
    except ValueError as error:
        option, _, message = str(error).partition(": ")
        raise ConfigError(option, message) from None
    if args.draw and Path(args.draw).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ConfigError("--draw", f"unknown file type of {args.draw!r}; use .png, .svg or .pdf")
    limits = current()
    if args.max_seconds is not None:
        limits = Limits(limits.max_memory_bytes, args.max_seconds)

    def progress(message: str) -> None:
        print(f"plan: {message}", file=sys.stderr, flush=True)

    sources = _sources(args.sources)
    from estimator.planning.source_candidates import candidates, noise_table

    noise = noise_table(args.noise, args.p)
    shown = progress if sys.stderr.isatty() else None  # an error stays the one line on stderr
    records = []
    with using(limits):
        if "distillation" in sources and args.noise == "phenomenological":
            records += plan(request, progress=shown)
        extra = tuple(s for s in sources if s == "cultivation" or args.noise != "phenomenological")
        if extra:
            records += candidates(
                args.p,
                args.target,
                noise,
                sources=extra,
                output=args.output,
                by=args.by,
                max_qubits=request.max_qubits,
                progress=shown,
            )
            records = sorted(records, key=lambda r: r[args.by])[: args.top]
    if not records:
        raise ConfigError(
            "--target",
            f"no factory in the design space reaches p_out <= {args.target:g} at p = {args.p:g}"
            + (f" with at most {args.max_qubits:g} qubits" if args.max_qubits else ""),
        )
    if args.write:
        folder = Path(args.write)
        folder.mkdir(parents=True, exist_ok=True)
        for rank, r in enumerate(records, 1):
            if r["config"] is not None:  # cultivation alone: msd source cultivation
                (folder / f"plan_{rank}.toml").write_text(toml(r["config"]))
    if args.draw:
        if records[0]["config"] is None:
            raise ConfigError("--draw", "the best source is cultivation alone: no factory to draw")
        _draw(records[0], args.draw)
    if args.format == "json":
        from estimator.jsonout import to_json

        print(to_json(records))
    else:
        print(_format(records, args.by, args.target))
    return 0


def _draw(record: dict, path: str) -> None:
    """The best factory's layout (with its level-1 factories), as ``msd draw`` draws it."""
    import matplotlib

    from estimator.commands.draw import draw_figure
    from estimator.config.factory import parse_config
    from estimator.figures.style import STYLES, rc_params, save_figure

    config = parse_config(record["config"], source="plan")
    style = STYLES["paper"]
    with matplotlib.rc_context(rc_params(style)):
        fig, _ = draw_figure(config, style)
        save_figure(fig, path, style)
    print(f"wrote {path}", file=sys.stderr)
