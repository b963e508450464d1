"""Run the study of machine_applications.toml: msd machine on three published applications.

    python configs/studies/machine_study.py [--plan-only] [--table]

1. For every application and p: the per-T error the budget split implies, and ``msd plan`` at
   that target (cached in machine_plan_results.json after every plan; reruns skip them).
2. The machine with Table 1 factories, with plan's factories, with cultivation (alone or
   feeding a block; only where p lies in the range of its data) and qdk's own estimate (when
   qdk is installed): machine_results.json (written atomically), the table of docs/model/machine.md
   with --table and the figure docs/figures/machine_applications.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def load() -> dict:
    return tomllib.loads((HERE / "machine_applications.toml").read_text())


def cases(study: dict):
    """(name, counts, p) of every case, p = 1e-3 first."""
    from estimator.machine.counts import parse_counts

    for p in study["p_phys"]:
        for name, table in study["applications"].items():
            yield name, parse_counts(table, field=f"applications.{name}"), p


def plan_all(study: dict) -> None:
    from estimator.machine import factories
    from estimator.machine.budget import default_split, demand

    factories.PLAN_CACHE = HERE / study["plan_results"]
    for name, counts, p in cases(study):
        need = demand(counts, study["budget"], default_split(counts))
        target = need.eps_tstates / need.t_states
        print(f"{name} p={p:g}: plan at target {target:.4g}", file=sys.stderr)
        factories.plan(p, target)


SOURCES = {
    "table1": ("table1",),
    "plan": ("plan-table1", "plan"),
    "cultivation": ("cultivation",),
}
"""The three factory sets of the study: Table 1's factories; every factory msd plan found (for
the Table 1 rows and at the case's own target); cultivation alone or feeding a block (the
machine source "cultivation")."""


def applies(label: str, p: float) -> bool:
    """Whether a factory set is defined at p (cultivation: inside the range of its data)."""
    from estimator.sources.cultivation import covers

    return label != "cultivation" or covers(p)


def request_of(study: dict, counts, p: float, sources: tuple[str, ...]):
    from estimator.machine.request import build

    return build(
        {
            "counts": counts.qdk(),
            "p_phys": p,
            "budget": study["budget"],
            "profile": study["profile"],
            "sources": list(sources),
        }
    )


def machine_summary(m) -> dict:
    return {k: v for k, v in m.record().items() if k not in ("factory",)} | {
        "factory": m.factory.title if m.factory else None
    }


def run_case(study: dict, name: str, counts, p: float) -> dict:
    from dataclasses import replace

    from estimator.machine import compare
    from estimator.machine.side import compare_record, within

    base = request_of(study, counts, p, SOURCES["plan"])
    cmp = compare_record(base)
    limit = cmp["runtime_limit_s"]
    case = {
        "application": name,
        "p_phys": p,
        "qdk": {k: v for k, v in cmp["qdk"].items() if k != "factory"},
    }
    case["qdk"]["factory"] = compare.factory_of({"tfactory": cmp["qdk"]["factory"]}, 1.0).title
    for label, sources in SOURCES.items():
        if applies(label, p):
            case[label] = run_series(replace(base, sources=sources), limit)
    # The same comparison under our rules: qdk's factory (as numbers) in our model, its fastest
    # machine, against ours within that runtime.
    theirs = [compare.factory_of({"tfactory": cmp["qdk"]["factory"]}, base.hardware.cycle_us)]
    fastest = within(base, 0.0, theirs)
    mine = within(base, fastest["runtime_s"])
    case["our_rules"] = {
        "qdk_factory": {**{k: v for k, v in fastest.items() if k != "factory"}},
        "ours": {
            **{k: v for k, v in mine.items() if k != "factory"},
            "factory": mine["factory"]["title"],
        },
    }
    case["qdk_with_our_factory"] = {
        k: v for k, v in cmp["qdk_with_our_factory"].items() if k != "factory"
    }
    case["attribution"] = [
        {k: v for k, v in s.items() if k != "factory"}
        | ({"factory": s["factory"]["title"]} if s.get("factory") else {})
        for s in cmp["attribution"]
    ]
    return case


def run_series(request, limit: float) -> dict:
    """One factory set: the fewest-qubit machine within qdk's runtime (ours and qdk's distance
    rule) and the Pareto set."""
    from dataclasses import replace

    from estimator.machine.estimate import pareto
    from estimator.machine.run import solve
    from estimator.machine.side import within

    solution = solve(request)
    best = within(request, limit)
    same = within(replace(request, rules="qdk"), limit)
    return {
        "within_qdk_runtime": {
            **{k: v for k, v in best.items() if k != "factory"},
            "factory": best["factory"]["title"],
            "source": best["factory"]["source"],
        },
        "pareto": [machine_summary(m) for m in pareto(solution.found)],
        "qdk_rules_within_qdk_runtime": {
            **{k: v for k, v in same.items() if k != "factory"},
            "factory": same["factory"]["title"],
        },
    }


def run_all(study: dict) -> None:
    from estimator.machine import factories
    from estimator.studies.output import write_text

    factories.PLAN_CACHE = HERE / study["plan_results"]
    path = HERE / study["results"]
    results = json.loads(path.read_text()) if path.exists() else {}
    for name, counts, p in cases(study):
        key = f"{name}|{p!r}"
        if key in results:
            case = results[key]
            missing = [k for k in SOURCES if applies(k, p) and k not in case]
            for label in missing:  # a factory set added since the case ran
                print(f"{name} p={p:g}: {label}", file=sys.stderr)
                request = request_of(study, counts, p, SOURCES[label])
                case[label] = run_series(request, case["qdk"]["runtime_s"])
            if missing:
                write_text(path, json.dumps(results, indent=1, allow_nan=False) + "\n")
            continue
        print(f"{name} p={p:g}", file=sys.stderr)
        results[key] = run_case(study, name, counts, p)
        write_text(path, json.dumps(results, indent=1, allow_nan=False) + "\n")


def table(study: dict) -> str:
    from estimator.machine.run import hours

    results = json.loads((HERE / study["results"]).read_text())
    lines = [
        (
            "| application | p | qdk (own factories) | ours, Table 1 factories | ours, plan's factories "
            "| ours, plan's factories, qdk's distance rule "
            "| ours, cultivation | ours, cultivation, qdk's distance rule "
            "| our rules: qdk's factory | our rules: plan's factories |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(m: dict, ref: dict) -> str:
        late = "" if m.get("within_limit", True) else ", slower"
        ratio = m["physical_qubits"] / ref["physical_qubits"] - 1
        return f"{m['physical_qubits'] / 1e6:.3g}M, {hours(m['runtime_s'])} ({ratio:+.0%}{late})"

    def plain(m: dict) -> str:
        return f"{m['physical_qubits'] / 1e6:.3g}M, {hours(m['runtime_s'])}"

    def cultivation(case: dict, key: str) -> str:
        if "cultivation" not in case:
            return "p outside its data"
        return cell(case["cultivation"][key], case["qdk"])

    for case in results.values():
        q = case["qdk"]
        lines.append(
            f"| {case['application']} | {case['p_phys']:g} "
            f"| {q['physical_qubits'] / 1e6:.3g}M, {hours(q['runtime_s'])} "
            f"| {cell(case['table1']['within_qdk_runtime'], q)} "
            f"| {cell(case['plan']['within_qdk_runtime'], q)} "
            f"| {cell(case['plan']['qdk_rules_within_qdk_runtime'], q)} "
            f"| {cultivation(case, 'within_qdk_runtime')} "
            f"| {cultivation(case, 'qdk_rules_within_qdk_runtime')} "
            f"| {plain(case['our_rules']['qdk_factory'])} "
            f"| {cell(case['our_rules']['ours'], case['our_rules']['qdk_factory'])} |"
        )
    return "\n".join(lines)


def attribution(study: dict) -> str:
    """One row per case: qubits (and runtime) after each step, the change against the step
    before; 'slower' marks a machine that cannot finish within qdk's runtime (our fastest)."""
    from estimator.machine.run import hours

    results = json.loads((HERE / study["results"]).read_text())
    first = next(iter(results.values()))["attribution"]
    names = [s["step"] for s in first]
    lines = [
        "| application | p | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for case in results.values():
        cells, before = [], None
        for step in case["attribution"]:
            if "error" in step:
                cells.append(f"failed: {step['error']}")
                continue
            q = step["physical_qubits"]
            change = "" if before is None else f" ({q / before - 1:+.0%})"
            late = "" if step.get("within_limit", True) else ", slower"
            cells.append(
                f"{q / 1e6:.3g}M, d={step['data_distance']}, {hours(step['runtime_s'])}{change}{late}"
            )
            before = q
        lines.append(f"| {case['application']} | {case['p_phys']:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


SERIES = (
    ("table1", "ours, Table 1 factories"),
    ("plan", "ours, plan's factories"),
    ("cultivation", "ours, cultivation (fed blocks)"),
)
"""The factory sets drawn, in palette order."""


def figure(study: dict):
    """The figure of the committed results (docs/figures/make_figures.py makes and checks it);
    call it inside ``matplotlib.rc_context(rc_params(style))``."""
    from matplotlib.figure import Figure

    from estimator.figures.style import PALETTE, get_style, legend_below, log_tick_labels

    results = json.loads((HERE / study["results"]).read_text())
    style = get_style("paper")
    names = list(study["applications"])
    fig = Figure(figsize=(style.wide_in, 0.62 * style.wide_in))
    axes = fig.subplots(len(study["p_phys"]), len(names), squeeze=False)
    for row, p in enumerate(study["p_phys"]):
        for col, name in enumerate(names):
            ax = axes[row][col]
            case = results[f"{name}|{p!r}"]
            for i, (label, text) in enumerate(SERIES):
                if label not in case:  # cultivation outside the p range of its data
                    ax.text(
                        0.03,
                        0.03,
                        "cultivation:\np outside its data",
                        transform=ax.transAxes,
                        ha="left",
                        va="bottom",
                        color=PALETTE[i],
                    )
                    continue
                front = sorted(case[label]["pareto"], key=lambda m: m["runtime_s"])
                ax.step(
                    [m["runtime_s"] / 3600 for m in front],
                    [m["physical_qubits"] / 1e6 for m in front],
                    where="post",
                    color=PALETTE[i],
                    linewidth=style.line_pt,
                    marker="o",
                    markersize=0.6 * style.marker_pt,
                    label=text,
                )
            q = case["qdk"]
            ax.plot(
                q["runtime_s"] / 3600,
                q["physical_qubits"] / 1e6,
                "*",
                color=PALETTE[3],
                markersize=1.6 * style.marker_pt,
                label="qdk, its own factories",
            )
            ax.set_xscale("log")
            ax.set_title(f"{name}, p = {p:g}")
            if row == len(study["p_phys"]) - 1:
                ax.set_xlabel("runtime (hours)")
            if col == 0:
                ax.set_ylabel("physical qubits (millions)")
    fig.tight_layout()
    for ax in axes.flat:
        log_tick_labels(ax)
    handles, _ = axes[0][1].get_legend_handles_labels()  # the top row draws every series
    legend_below(axes[-1][1], handles, style.wide_in)
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-only", action="store_true", help="only the planner runs")
    parser.add_argument("--table", action="store_true", help="print the tables of the results")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    study = load()
    if args.table:
        print(table(study))
        print()
        print(attribution(study))
        return 0
    plan_all(study)
    if not args.plan_only:
        run_all(study)
        import subprocess

        script = ROOT / "docs" / "figures" / "make_figures.py"
        subprocess.run([sys.executable, str(script), "machine_applications.png"], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
