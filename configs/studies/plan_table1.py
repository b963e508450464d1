"""Run the study of plan_table1.toml: `msd plan` for every modelled row of Litinski 2019, Table 1.

    python configs/studies/plan_table1.py [--rows 9,10] [--table]

For each row: the row under docs/model/ (its config, published schedules), then the planner at the
row's p_phys and p_out (like for like, see plan_table1.toml). When the best factory misses the
target with every output deferred, the planner runs again with --consumption deferred. Results
are written after every row (atomically); rows already done are skipped.
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
    """The row's numbers under docs/model/ and the like-for-like request."""
    from estimator.config.factory import estimate_config, load_config

    config = load_config(path)
    estimate = estimate_config(config)
    top = config.level2 or config.level1
    small = top.layout.name == "small-footprint"
    return {
        "row": int(path.name[:2]),
        "config": path.name,
        "title": config.title,
        "p_phys": float(config.noise.p_phys),
        "output": "CCZ" if top.protocol.name == "8-to-CCZ" else "T",
        "max_qubits": float(estimate.qubits) if small else None,
        "model": {
            k: float(getattr(estimate, k)) for k in ("p_out", "qubits", "cycles", "qubitcycles")
        },
    }


def run_row(spec: dict, by: str, consumption: str) -> dict:
    import math

    from estimator.planning.run import PlanRequest, plan

    request = PlanRequest(
        p_phys=spec["p_phys"],
        target=spec["model"]["p_out"],
        output=spec["output"],
        by=by,
        max_qubits=spec["max_qubits"] or math.inf,
        consumption=consumption,
        top=3,
    )
    start = time.perf_counter()
    records = plan(request, progress=lambda m: print(f"  row {spec['row']}: {m}", file=sys.stderr))
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


def table(results: dict) -> str:
    header = (
        "| row | Table 1 factory (p) | QC model | our best | p_out / target | QC ours | ratio "
        "| what changed | holds deferred |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(results, key=int):
        r = results[key]
        model = r["model"]
        best = r["allowed"]["best"]
        head = f"| {key} | {r['title']} ({r['p_phys']:g}) | {model['qubitcycles']:,.0f} |"
        if not best:
            lines.append(f"{head} none | | | | | |")
            continue
        b = best[0]
        ratio = b["qubitcycles"] / model["qubitcycles"]
        if b["p_out_deferred"] <= model["p_out"]:
            held = "yes"
        elif r.get("deferred", {}).get("best"):
            d = r["deferred"]["best"][0]
            held = f"no; deferred best {d['qubitcycles'] / model['qubitcycles']:.3f}"
        else:
            held = "no"
        row = HERE / "../litinski2019" / r["config"]
        lines.append(
            f"{head} {b['title']} | {b['p_out']:.3g} / {model['p_out']:.3g} | "
            f"{b['qubitcycles']:,.0f} | {ratio:.3f} | {changes(row, b)} | {held} |"
        )
    return "\n".join(lines)


def count_at(results: dict, ratio: float = 0.85) -> int:
    """Rows whose best factory needs at most ``ratio`` of the row's qubitcycles."""
    return sum(
        1
        for r in results.values()
        if r["allowed"]["best"]
        and r["allowed"]["best"][0]["qubitcycles"] <= ratio * r["model"]["qubitcycles"]
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
        print(table(results))
        print(f"\nrows at 15% or more fewer qubitcycles: {count_at(results)} of {len(results)}")
        return 0
    wanted = None if args.rows is None else {int(r) for r in args.rows.split(",")}
    for name in study["rows"]:
        spec = row_request(HERE / study["configs"] / name)
        key = str(spec["row"])
        if (wanted and spec["row"] not in wanted) or key in results:
            continue
        print(f"row {key}: {spec['title']}", file=sys.stderr)
        entry = {**spec, "allowed": run_row(spec, study["by"], "allowed")}
        best = entry["allowed"]["best"]
        if best and best[0]["p_out_deferred"] > spec["model"]["p_out"]:
            entry["deferred"] = run_row(spec, study["by"], "deferred")
        results[key] = entry
        write(out, results)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
