"""Run the study of cultivation_sources.toml: the cheapest T source per target.

    python configs/studies/cultivation_sources.py [--table] [--figure FILE]

For each run (noise model, p_phys) and family (distillation only: one level, two levels;
cultivation alone; cultivation-fed blocks) the grid of the TOML is costed by the engine and
the cheapest point per target (qubitcycles per T state, p_out per T state <= target) is kept
with the config that reproduces it (``msd estimate``) and, for cultivation, the data rows it
rests on. Results are written after every (run, family) block, atomically; blocks already in
the results file are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAMILIES = ("one_level", "two_level", "cultivation", "fed")


def _grid(study: dict):
    from estimator.planning.source_grid import Grid

    c, f = study["cultivation"], study["fed"]
    return Grid(
        protocols=tuple(f["protocols"]),
        unit_targets=tuple(c["unit_targets"]),
        counts=tuple(c["counts"]),
        vary=f["vary"],
        min_errors=c["min_errors"],
        bound=c["bound"],
    )


def _distillation_grid(study: dict):
    from estimator.planning.source_grid import DistillationGrid

    one, two = study["one_level"], study["two_level"]
    return DistillationGrid(
        one_level=one["protocol"],
        one_vary=one["vary"],
        protocols=tuple(two["protocols"]),
        level1=tuple(tuple(t) for t in two["level1"]),
        counts=tuple(two["counts"]),
        two_vary=two["vary"],
    )


def run_family(study: dict, run: dict, family: str) -> dict[str, dict]:
    from estimator.planning import source_grid

    p_phys, targets = run["p_phys"], study["targets"]
    noise = study["noise"][run["noise"]]
    if family == "cultivation":  # msd source cultivation --p P --target T reproduces it
        rows = source_grid.alone(p_phys, _grid(study))
    elif family == "fed":
        rows = source_grid.fed(p_phys, noise, _grid(study))
    elif family == "one_level":
        rows = source_grid.one_level(p_phys, noise, _distillation_grid(study))
    else:
        rows = source_grid.two_level(p_phys, noise, _distillation_grid(study))
    return source_grid.cheapest(rows, targets)


def _write(path: Path, results: dict) -> None:
    from estimator.studies.output import write_text

    write_text(path, json.dumps(results, indent=1, allow_nan=False) + "\n")


def _key(run: dict) -> str:
    return f"{run['noise']} p={run['p_phys']:g}"


def run_study(study: dict, path: Path) -> dict:
    results = json.loads(path.read_text()) if path.exists() else {}
    for run in study["runs"]:
        block = results.setdefault(_key(run), {})
        for family in FAMILIES:
            if family in block:
                continue
            start = time.time()
            print(f"{_key(run)}: {family} ...", file=sys.stderr, flush=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the extrapolated calibration, said in the TOML
                block[family] = run_family(study, run, family)
            block[f"{family}_seconds"] = round(time.time() - start, 1)
            _write(path, results)
    return results


NAMES = {
    "distillation": "distillation only",
    "cultivation": "cultivation alone",
    "fed": "cultivation-fed block",
}


def _complete(block: dict | None) -> bool:
    return block is not None and all(f in block for f in FAMILIES)


def cheapest(block: dict, target: str) -> dict[str, dict | None]:
    """Per family group: the cheapest entry at ``target`` (distillation: one or two levels)."""
    dist = [block[f].get(target) for f in ("one_level", "two_level")]
    dist = [d for d in dist if d]
    return {
        "distillation": min(dist, key=lambda d: d["qubitcycles_per_t"]) if dist else None,
        "cultivation": block["cultivation"].get(target),
        "fed": block["fed"].get(target),
    }


def table(study: dict, results: dict, targets: list[str] | None = None) -> str:
    lines = [
        "| noise | p | target | distillation only | cultivation alone | cultivation-fed | best / distillation |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in study["runs"]:
        block = results.get(_key(run))
        if not _complete(block):
            continue
        for target in targets or [f"{t:g}" for t in study["targets"]]:
            best = cheapest(block, target)
            cells = []
            for name in ("distillation", "cultivation", "fed"):
                entry = best[name]
                if entry is None:
                    cells.append("—")
                    continue
                rows = f", rows {entry['cultivation.rows']}" if "cultivation.rows" in entry else ""
                cells.append(
                    f"{entry['qubitcycles_per_t']:,.0f} ({entry['p_out_per_t']:.2g}; "
                    f"{entry['title']}{rows})"
                )
            found = [e["qubitcycles_per_t"] for e in best.values() if e]
            ratio = (
                f"{min(found) / best['distillation']['qubitcycles_per_t']:.3f}"
                if best["distillation"] and found
                else "—"
            )
            lines.append(
                f"| {run['noise']} | {run['p_phys']:g} | {target} | "
                + " | ".join(cells)
                + f" | {ratio} |"
            )
    return "\n".join(lines)


def figure(study: dict, results: dict, style):
    """Cheapest qubitcycles per T state against the target, one panel per p (calibrated
    depolarizing noise), one line per family. Call it inside ``rc_context(rc_params(style))``
    (docs/figures/make_figures.py draws it so)."""
    from matplotlib.figure import Figure

    from estimator.figures.cost import p_phys_label
    from estimator.figures.style import PALETTE, legend_below, log_tick_labels

    runs = [
        r for r in study["runs"] if r["noise"] == "depolarizing" and _complete(results.get(_key(r)))
    ]
    runs.sort(key=lambda r: r["p_phys"])
    fig = Figure(figsize=(style.wide_in, 0.5 * style.wide_in))
    axes = fig.subplots(1, len(runs), sharex=True, sharey=True, squeeze=False)[0]
    colours = {"distillation": PALETTE[0], "cultivation": "#000000", "fed": PALETTE[1]}
    markers = {"distillation": "o", "cultivation": "s", "fed": "^"}
    for ax, run in zip(axes, runs):
        block = results[_key(run)]
        for name in ("distillation", "cultivation", "fed"):
            points = [
                (t, e["qubitcycles_per_t"])
                for t in study["targets"]
                if (e := cheapest(block, f"{t:g}")[name]) is not None
            ]
            if points:
                x, y = zip(*points)
                ax.plot(
                    x,
                    y,
                    marker=markers[name],
                    ms=3.5,
                    lw=1.0,
                    color=colours[name],
                    label=NAMES[name],
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(p_phys_label(run["p_phys"]), pad=3)
        ax.set_xlabel("target error per T state")
        ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
    axes[0].invert_xaxis()  # shared: once
    axes[0].set_ylabel("qubitcycles per T state")
    handles, _ = axes[0].get_legend_handles_labels()
    fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.32, wspace=0.08)
    for ax in axes:
        log_tick_labels(ax)
    legend_below(axes[len(axes) // 2], handles, style.wide_in, max_cols=3)
    return fig


def load() -> tuple[dict, dict]:
    """The study (TOML) and its results (JSON)."""
    study = tomllib.loads((HERE / "cultivation_sources.toml").read_text())
    return study, json.loads((HERE / study["results"]).read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true", help="print the results table (markdown)")
    parser.add_argument("--targets", default=None, help="targets of the table, e.g. 1e-8,1e-12")
    parser.add_argument("--figure", metavar="FILE", help="draw the figure")
    args = parser.parse_args(argv)
    if args.table or args.figure:
        study, results = load()
        if args.table:
            targets = [f"{float(t):g}" for t in args.targets.split(",")] if args.targets else None
            print(table(study, results, targets))
        if args.figure:
            import matplotlib

            from estimator.figures.checks import problems
            from estimator.figures.style import STYLES, rc_params, save_figure

            style = STYLES["paper"]
            with matplotlib.rc_context(rc_params(style)):
                fig = figure(study, results, style)
                found = problems(fig, max_width_in=style.wide_in)
                if found:
                    print(f"{args.figure}: {'; '.join(found)}", file=sys.stderr)
                    return 1
                save_figure(fig, args.figure, style)
        return 0
    study = tomllib.loads((HERE / "cultivation_sources.toml").read_text())
    run_study(study, HERE / study["results"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
