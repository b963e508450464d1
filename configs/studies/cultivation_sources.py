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
from typing import Any

HERE = Path(__file__).resolve().parent
FAMILIES = ("one_level", "two_level", "cultivation", "fed")
KEEP = (
    "title",
    "series",
    "p_out",
    "p_out_per_t",
    "qubits",
    "cycles",
    "qubitcycles_per_t",
    "cultivation.rows",
    "cultivation.d1",
    "cultivation.gap",
    "cultivation.count",
)


def _axes(vary: dict[str, str]) -> list:
    from estimator.studies.sweep import Axis

    return [Axis.parse(f"{key}={value}") for key, value in vary.items()]


def _best(rows: list[dict], targets: list[float], configs) -> dict[str, dict]:
    """The cheapest row (qubitcycles per T) reaching each target, with its config."""
    best = {}
    for target in targets:
        ok = [r for r in rows if r.get("p_out_per_t") is not None and r["p_out_per_t"] <= target]
        if ok:
            row = min(ok, key=lambda r: r["qubitcycles_per_t"])
            entry = {k: row[k] for k in KEEP if row.get(k) is not None}
            config = configs(row)
            best[f"{target:g}"] = entry if config is None else {**entry, "config": config}
    return best


def _sweep(template: dict, axes: list, structural: dict[str, Any]) -> list[dict]:
    """Rows of ``template`` over ``axes``, tagged with the structural values that made it."""
    from estimator.studies.sweep import run_sweep

    rows = run_sweep(template, axes).records
    for r in rows:
        r["_structure"] = structural
    return rows


def _config(template: dict, row: dict, axes: list) -> dict:
    from estimator.studies.plan import assign

    values = {a.key: row[a.key] for a in axes}
    return assign(template, {**row["_structure"], **values})


def _units(study: dict, p_phys: float) -> list:
    """The cultivation points feeding the fed blocks: the cheapest per unit target."""
    from estimator.errors import ConfigError
    from estimator.sources import cultivation

    c = study["cultivation"]
    points = {}
    for target in c["unit_targets"]:
        try:
            point = cultivation.cheapest(
                p_phys, target, min_errors=c["min_errors"], bound=c["bound"]
            )
        except ConfigError:
            continue
        points[(point.d1, point.gap)] = point
    return list(points.values())


def run_family(study: dict, run: dict, family: str) -> dict[str, dict]:
    from estimator.sources import cultivation, records
    from estimator.studies.plan import assign

    p_phys, targets = run["p_phys"], study["targets"]
    base = {"p_phys": p_phys, "noise": dict(study["noise"][run["noise"]])}
    if family == "cultivation":  # msd source cultivation --p P --target T reproduces it
        c = study["cultivation"]
        rows = [records.row(q) for q in cultivation.points(p_phys, min_errors=c["min_errors"])]
        if c["bound"] == "high":
            rows = [{**r, "p_out_per_t": r["p_out_high"]} for r in rows]
        return _best(rows, targets, lambda r: None)
    rows, axes_of = [], {}
    if family == "one_level":
        spec = study["one_level"]
        template = {**base, "level1": {"protocol": spec["protocol"], "d_x": 7, "d_z": 3, "d_m": 3}}
        axes = _axes(spec["vary"])
        rows += _sweep(template, axes, {})
        axes_of["one"] = (template, axes)
        for r in rows:
            r["_kind"] = "one"
    elif family == "two_level":
        spec = study["two_level"]
        axes = _axes(spec["vary"])
        for protocol in spec["protocols"]:
            template = {
                **base,
                "level1": {"protocol": "15-to-1", "d_x": 11, "d_z": 5, "d_m": 5, "count": 4},
                "level2": {"protocol": protocol, "d_x": 25, "d_z": 11, "d_m": 11},
            }
            axes_of[protocol] = (template, axes)
            for (d_x, d_z, d_m) in spec["level1"]:
                for count in spec["counts"]:
                    structure = {
                        "level1.d_x": d_x,
                        "level1.d_z": d_z,
                        "level1.d_m": d_m,
                        "level1.count": count,
                    }
                    part = _sweep(assign(template, structure), axes, structure)
                    for r in part:
                        r["_kind"] = protocol
                    rows += part
    else:  # fed
        spec, c = study["fed"], study["cultivation"]
        axes = _axes(spec["vary"])
        for protocol in spec["protocols"]:
            template = {
                **base,
                "cultivation": {"min_errors": c["min_errors"]},
                "level1": {"protocol": protocol, "d_x": 15, "d_z": 7, "d_m": 7},
            }
            axes_of[protocol] = (template, axes)
            for point in _units(study, p_phys):
                for count in c["counts"]:
                    structure = {
                        "cultivation.d1": point.d1,
                        "cultivation.gap": point.gap,
                        "cultivation.count": count,
                    }
                    part = _sweep(assign(template, structure), axes, structure)
                    for r in part:
                        r["_kind"] = protocol
                    rows += part

    def configs(row: dict) -> dict:
        template, axes = axes_of[row["_kind"]]
        return _config(template, row, axes)

    return _best(rows, targets, configs)


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
        if not block or not all(f in block for f in FAMILIES):
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
                f"| {run['noise']} | {run['p_phys']:g} | {target} | " + " | ".join(cells) + f" | {ratio} |"
            )
    return "\n".join(lines)


def figure(study: dict, results: dict, output: str) -> None:
    """Cheapest qubitcycles per T state against the target, one panel per p (calibrated
    depolarizing noise), one line per family."""
    import matplotlib

    from estimator.figures.style import PALETTE, STYLES, legend_below, rc_params, save_figure

    style = STYLES["paper"]
    runs = [r for r in study["runs"] if r["noise"] == "depolarizing" and _key(r) in results]
    runs.sort(key=lambda r: r["p_phys"])
    with matplotlib.rc_context(rc_params(style)):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(style.wide_in, 0.5 * style.wide_in))
        axes = fig.subplots(1, len(runs), sharey=True, squeeze=False)[0]
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
                    ax.plot(x, y, marker=markers[name], ms=3.5, lw=1.0, color=colours[name], label=NAMES[name])
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.invert_xaxis()
            ax.set_title(f"p = {run['p_phys']:g}", pad=3)
            ax.set_xlabel("target error per T state")
            ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
        axes[0].set_ylabel("qubitcycles per T state")
        handles, _ = axes[0].get_legend_handles_labels()
        fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.32, wspace=0.08)
        legend_below(axes[len(axes) // 2], handles, style.wide_in, max_cols=3)
        save_figure(fig, output, style)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true", help="print the results table (markdown)")
    parser.add_argument("--targets", default=None, help="targets of the table, e.g. 1e-8,1e-12")
    parser.add_argument("--figure", metavar="FILE", help="draw the figure")
    args = parser.parse_args(argv)
    study = tomllib.loads((HERE / "cultivation_sources.toml").read_text())
    path = HERE / study["results"]
    if args.table or args.figure:
        results = json.loads(path.read_text())
        if args.table:
            print(table(study, results, args.targets.split(",") if args.targets else None))
        if args.figure:
            figure(study, results, args.figure)
        return 0
    run_study(study, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
