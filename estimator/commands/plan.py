"""``msd plan --p P --target P_OUT [--against CONFIG] [--output T|CCZ]
[--by qubitcycles|qubits|cycles] [--max-qubits N] [--levels 1,2] [--max-distance D] [--wide]
[--robust] [--per-output paper|marginal] [--top N] [--format table|json] [--write DIR] [--draw FILE]
[--max-seconds S] [--progress]``: the cheapest factories that reach a target output error.

Screens one- and two-level factories with the batched engine, re-solves the CP-SAT schedules
of the best, refines them over the model extensions (docs/model-extensions.md) and verifies
them exactly (estimator.planning); each result is costed again under the calibrated noise
models, and with ``--against`` compared with a reference factory under each model
(docs/usage/planning.md). Every result carries a config that ``msd estimate`` reproduces;
``--write`` stores them as TOML files.

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
    parser.add_argument(
        "--p", type=float, default=None, help="physical error rate p_phys (default: --against's)"
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="largest acceptable p_out (default: --against's p_out)",
    )
    parser.add_argument(
        "--against",
        metavar="CONFIG",
        default=None,
        help="reference factory (config file) to compare with under every noise model",
    )
    parser.add_argument(
        "--output",
        choices=("T", "CCZ"),
        default=None,
        help="output states (default: those of --against, else T)",
    )
    parser.add_argument(
        "--by", choices=COST_KEYS, default="qubitcycles", help="cost to minimise (per output)"
    )
    parser.add_argument(
        "--max-qubits", type=float, default=None, metavar="N", help="largest qubit count"
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
    parser.add_argument(
        "--robust",
        action="store_true",
        help="with --against: while the best result misses the reference's p_out under a "
        "calibrated model, plan again at a tighter target (at most twice)",
    )
    parser.add_argument(
        "--per-output",
        choices=("paper", "marginal"),
        default="paper",
        help="what the target per output state means for multi-output blocks: the run's "
        "infidelity / k (paper, Litinski 2019) or the mean of the outputs' marginal errors",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="also try the 32-to-8 top block (T outputs; minutes per plan)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--write", metavar="DIR", help="write each factory's config as TOML")
    parser.add_argument("--draw", metavar="FILE", help="draw the best factory (PNG, SVG, PDF)")
    parser.add_argument(
        "--max-seconds", type=float, default=None, help="refuse plans estimated to take longer"
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show progress on stderr also when it is not a terminal",
    )
    parser.set_defaults(run=run)


def _model_line(name: str, numbers: dict) -> str:
    line = (
        f"   {name:<16} p_out {numbers['p_out']:.3g}, qubitcycles {numbers['qubitcycles']:,.0f}"
    )
    if "high" in numbers:
        high = numbers["high"]
        line += f" | high bound: p_out {high['p_out']:.3g}, qubitcycles {high['qubitcycles']:,.0f}"
    return line


def _versus_line(name: str, entry: dict) -> str:
    def one(e: dict) -> str:
        mark = "holds" if e["holds"] else "does not hold"
        return (
            f"ratio {e['ratio']:.3f}, p_out {e['p_out']:.3g} vs {e['p_out_reference']:.3g} "
            f"({mark})"
        )

    line = f"   vs reference, {name:<16} {one(entry)}"
    if "high" in entry:
        line += f" | high bound: {one(entry['high'])}"
    return line


def _format(records: list[dict], by: str, target: float, reference: dict | None) -> str:
    lines = []
    if reference is not None:
        lines.append(f"reference: {reference['title']}")
        lines += [_model_line(name, n) for name, n in reference["models"].items()]
    for rank, r in enumerate(records, 1):
        lines.append(
            f"{rank}. {r['title']}\n"
            f"   p_out {r['p_out']:.4g} (target {target:g})"
            + (f", p_fail {r['p_fail']:.3g}" if r["p_fail"] is not None else "")
            + "\n"
            f"   qubits {r['qubits']:,.0f}, cycles {r['cycles']:.2f}, "
            f"qubitcycles {r['qubitcycles']:,.0f} per output"
        )
        if "cultivation" in r:
            lines.append(f"   cultivation: data rows {r['cultivation']['rows']}")
        per = r.get("per_output")
        if per and per["marginal_sum"] != per["paper"]:  # several outputs per run
            lines.append(
                f"   per output: {per['paper']:.4g} (paper: infidelity / k), "
                f"{per['marginal']:.4g} (mean marginal; sum of marginals "
                f"{per['marginal_sum']:.4g}); the target refers to the {per['convention']} one"
            )
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
        if "models" in r:
            lines.append("   under each noise model (calibrations extrapolated):")
            lines += [_model_line(name, n) for name, n in r["models"].items()]
        if "against" in r:
            a = r["against"]
            lines += [_versus_line(name, e) for name, e in a["models"].items()]
            verdict = "beats the reference" if a["beats"] else "does not beat the reference"
            lines.append(f"   {verdict} under every model; worst ratio {a['worst_ratio']:.3f}")
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


def _reference(path: str) -> dict:
    """The reference factory of --against: title, p_phys and its numbers under every model."""
    from estimator.config.factory import estimate_config, parse_config, read_config_data
    from estimator.errors import ConfigError, MsdError
    from estimator.planning.models import under_models

    data = read_config_data(path, field="--against")
    try:
        config = parse_config(data, source=path)
        estimate_config(config)
    except MsdError as error:
        raise ConfigError("--against", str(error)) from None
    top = config.level3 or config.level2 or config.level1
    return {
        "title": config.title,
        "p_phys": float(config.noise.p_phys),
        "output": "CCZ" if top.protocol.t_count_per_run != top.protocol.outputs_per_run else "T",
        "models": under_models(data),
    }


def run(args: argparse.Namespace) -> int:
    import math
    from pathlib import Path

    from estimator.errors import ConfigError
    from estimator.limits import Limits, current, using
    from estimator.planning.models import compare
    from estimator.planning.result import toml
    from estimator.planning.run import PlanRequest, check, plan, plan_against

    reference = _reference(args.against) if args.against else None
    p_phys = args.p if args.p is not None else reference and reference["p_phys"]
    target = (
        args.target
        if args.target is not None
        else reference and reference["models"]["phenomenological"]["p_out"]
    )
    if p_phys is None:
        raise ConfigError("--p", "required (or give --against CONFIG to take its p_phys)")
    if target is None:
        raise ConfigError("--target", "required (or give --against CONFIG to take its p_out)")
    if args.robust and reference is None:
        raise ConfigError("--robust", "needs a reference: add --against CONFIG")
    request = PlanRequest(
        p_phys=p_phys,
        target=target,
        output=args.output or (reference["output"] if reference else "T"),
        by=args.by,
        max_qubits=math.inf if args.max_qubits is None else args.max_qubits,
        top=args.top,
        levels=_levels(args.levels),
        max_distance=args.max_distance,
        wide=args.wide,
        per_output=args.per_output,
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

    from estimator.planning.source_candidates import candidates, noise_table

    sources = _sources(args.sources)
    noise = noise_table(args.noise, p_phys)
    records = []
    with using(limits), _Bar(args.progress) as bar:
        if "distillation" in sources and args.noise == "phenomenological":
            if args.robust:
                records += plan_against(request, reference["models"], progress=bar.update)
            else:
                records += plan(request, progress=bar.update)
        extra = tuple(s for s in sources if s == "cultivation" or args.noise != "phenomenological")
        if extra:
            records += candidates(
                p_phys,
                target,
                noise,
                sources=extra,
                output=request.output,
                by=args.by,
                max_qubits=request.max_qubits,
                progress=lambda message: bar.update(message, 0.0),
            )
            records = sorted(records, key=lambda r: r[args.by])[: args.top]
    if not records:
        raise ConfigError(
            "--target",
            f"no factory in the design space reaches p_out <= {target:g} at p = {p_phys:g}"
            + (f" with at most {args.max_qubits:g} qubits" if args.max_qubits else ""),
        )
    if reference is not None and not args.robust:
        for r in records:
            r["against"] = compare(r["models"], reference["models"])
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

        out = {"reference": reference, "results": records} if reference else records
        print(to_json(out))
    else:
        print(_format(records, args.by, target, reference))
    return 0


class _Bar:
    """A progress line on stderr with the time left (tqdm), only on a terminal or when asked;
    erased when the plan ends, so that an error stays a single line."""

    def __init__(self, force: bool) -> None:
        self.force = force

    def __enter__(self) -> _Bar:
        from tqdm import tqdm

        self.bar = tqdm(
            total=1000,
            file=sys.stderr,
            disable=None if not self.force else False,
            leave=False,
            bar_format="plan: {desc} {percentage:3.0f}% [{elapsed}<{remaining}]",
        )
        return self

    def update(self, what: str, fraction: float) -> None:
        self.bar.set_description_str(what, refresh=False)
        self.bar.update(max(0, round(1000 * fraction) - self.bar.n))

    def __exit__(self, *exc) -> None:
        self.bar.close()


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
