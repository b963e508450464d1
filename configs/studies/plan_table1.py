"""Run the study of plan_table1.toml: `msd plan` for every modelled row of Litinski 2019's
Table 1.

    python configs/studies/plan_table1.py [--rows 9,10] [--table]

For each row: the row's factory (its config, published schedules) under the three noise models
of docs/usage/planning.md, then the planner at the row's p_phys and p_out (like for like, see
plan_table1.toml), each result compared with the row under every model (``plan_against``: while
the best result misses the row's p_out under a model, it plans again at a tighter target). A row counts as beaten
only if the best result holds under all three models (p_out at or below the row's under the
same model, fewer qubitcycles); its worst ratio of the three is reported. Results are written
after every row (atomically); rows already done under these rules are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def row_request(path: Path) -> dict:
    """The row's numbers under every noise model and the like-for-like request."""
    from estimator.config.factory import load_config, read_config_data
    from estimator.planning.models import under_models

    config = load_config(path)
    models = under_models(read_config_data(path))
    top = config.level2 or config.level1
    small = top.layout.name == "small-footprint"
    return {
        "row": int(path.name[:2]),
        "config": path.name,
        "title": config.title,
        "p_phys": float(config.noise.p_phys),
        "output": "CCZ" if top.protocol.name == "8-to-CCZ" else "T",
        "max_qubits": models["phenomenological"]["qubits"] if small else None,
        "model": models["phenomenological"],
        "models": models,
    }


def run_row(spec: dict, by: str) -> dict:
    import math

    from estimator.planning.run import PlanRequest, plan_against

    request = PlanRequest(
        p_phys=spec["p_phys"],
        target=spec["model"]["p_out"],
        output=spec["output"],
        by=by,
        max_qubits=spec["max_qubits"] or math.inf,
        top=3,
    )
    start = time.perf_counter()
    records = plan_against(
        request,
        spec["models"],
        progress=lambda what, f: print(f"  row {spec['row']}: {what} ({f:.0%})", file=sys.stderr),
    )
    return {"seconds": time.perf_counter() - start, "best": records}


def write(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)


def _dist(level: dict) -> str:
    d_m = level.get("d_m_step")
    d_m = f"{min(d_m)}-{max(d_m)}" if d_m else level["d_m"]
    return f"{level['d_x']},{level['d_z']},{d_m}"


def changes(row: Path, best: dict) -> str:
    """What the best factory changes against the row's (protocols, distances, counts, and the
    model extensions it uses), from the two configs."""
    paper = tomllib.loads(row.read_text())
    mine = best["config"]
    notes = []
    for name in ("level2", "level1"):
        old, new, short = paper.get(name), mine.get(name), f"L{name[-1]}"
        if new is None:
            continue
        if old is None or old.get("protocol", "15-to-1") != new["protocol"]:
            notes.append(f"{short} {new['protocol']}")
        if old is None or _dist(old) != _dist(new):
            notes.append(f"{short} ({_dist(new)})" + (f" for ({_dist(old)})" if old else ""))
        if name == "level1" and "count" in new and old is not None:
            total = new["count"] + sum(m["count"] for m in new.get("mix", []))
            if total != old.get("count", 1):
                notes.append(f"n_L1 {total} for {old.get('count', 1)}")
    used = []
    for name, level in mine.items():
        if not isinstance(level, dict):
            continue
        short = f"L{name[-1]}"
        used += [
            f"{label} {short}"
            for key, label in (
                ("d_m_step", "per-step d_m"),
                ("d_z_patch", "per-patch d_z"),
                ("region_width", "region widths"),
                ("mix", "mixed"),
            )
            if key in level
        ]
        if isinstance(level.get("schedule"), dict):
            used.append(f"CP-SAT {short}")
    return "; ".join(notes + used) or "none (the row's factory)"


MODEL_NAMES = ("phenomenological", "depolarizing", "si1000")


def table(results: dict) -> str:
    from estimator.planning.models import TOLERANCE

    header = (
        "| row | Table 1 factory (p) | our best | ratio: phen. / depol. / SI1000 | worst "
        "| beaten under all three | qubits ours / row's | what changed |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for key in sorted(results, key=int):
        r = results[key]
        head = f"| {key} | {r['title']} ({r['p_phys']:g}) |"
        best = r["run"]["best"]
        if not best:
            lines.append(f"{head} none | | | | | |")
            continue
        b = best[0]
        a = b["against"]
        ratios = " / ".join(f"{a['models'][m]['ratio']:.3f}" for m in MODEL_NAMES)
        misses = [
            m
            for m in MODEL_NAMES
            if not a["models"][m]["p_out"] <= a["models"][m]["p_out_reference"] * (1 + TOLERANCE)
        ]
        held = "yes" if a["beats"] else f"no: misses p_out under {', '.join(misses)}"
        if not a["beats"] and not misses:
            held = "no: not cheaper under every model"
        row = HERE / "../litinski2019" / r["config"]
        lines.append(
            f"{head} {b['title']} | {ratios} | {a['worst_ratio']:.3f} | {held} | "
            f"{b['qubits']:,.0f} / {r['model']['qubits']:,.0f} | {changes(row, b)} |"
        )
    return "\n".join(lines)


def count_at(results: dict, ratio: float = 0.85) -> int:
    """Rows whose best factory beats the row under every model with at most ``ratio`` of its
    qubitcycles under each."""
    return sum(
        1
        for r in results.values()
        if r["run"]["best"]
        and r["run"]["best"][0]["against"]["beats"]
        and r["run"]["best"][0]["against"]["worst_ratio"] <= ratio
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default=None, help="comma-separated row numbers (default all)")
    parser.add_argument("--table", action="store_true", help="print the README table and stop")
    parser.add_argument("--results", default=None, help="results file (default: the study's)")
    args = parser.parse_args()
    study = tomllib.loads((HERE / "plan_table1.toml").read_text())
    out = Path(args.results) if args.results else HERE / study["results"]
    results = json.loads(out.read_text()) if out.exists() else {}
    if args.table:
        results = {k: r for k, r in results.items() if "run" in r}
        print(table(results))
        print(
            f"\nrows beaten by 15% or more under all three models: {count_at(results)} of "
            f"{len(results)}"
        )
        return 0
    wanted = None if args.rows is None else {int(r) for r in args.rows.split(",")}
    for name in study["rows"]:
        spec = row_request(HERE / study["configs"] / name)
        key = str(spec["row"])
        if (wanted and spec["row"] not in wanted) or "run" in results.get(key, {}):
            continue  # done under these rules (entries of earlier versions are run again)
        print(f"row {key}: {spec['title']}", file=sys.stderr)
        results[key] = {**spec, "run": run_row(spec, study["by"])}
        write(out, results)
    done = {k: r for k, r in results.items() if "run" in r}
    print(table(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
