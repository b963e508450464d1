"""Run the study of plan_table1.toml: `msd plan` for every modelled row of 002 Table 1.

    python configs/studies/plan_table1.py [--rows 9,10] [--table]

For each row: the row under MODEL.md (its config, published schedules), then the planner at the
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
    """The row's numbers under MODEL.md and the like-for-like request."""
    from estimator.studies.config import estimate_config, load_config

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


def table(results: dict) -> str:
    lines = [
        "| row | Table 1 factory (p) | QC model | our best | p_out / target | QC ours | ratio | holds deferred |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(results, key=int):
        r = results[key]
        model = r["model"]
        best = r["allowed"]["best"]
        if not best:
            lines.append(
                f"| {key} | {r['title']} ({r['p_phys']:g}) | {model['qubitcycles']:,.0f} | none | | | | |"
            )
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
        lines.append(
            f"| {key} | {r['title']} ({r['p_phys']:g}) | {model['qubitcycles']:,.0f} | "
            f"{b['title']} | {b['p_out']:.3g} / {model['p_out']:.3g} | "
            f"{b['qubitcycles']:,.0f} | {ratio:.3f} | {held} |"
        )
    return "\n".join(lines)


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
