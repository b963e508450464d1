"""Planner benchmark: ``msd plan`` at the p and p_out of a few rows of Litinski 2019's Table 1.

``python benchmarks/plan.py`` (``--rows 1,9,14`` to choose; default 1, 9, 14, 15). Each row runs
in a fresh process (empty numba, CP-SAT and block caches are part of a plan's cost, as for a
user) with the row's config as ``--against`` (p, target and the comparison under the three
noise models). Printed per row: wall seconds, CPU seconds (on a shared machine wall times
measure the contention, CPU time the work; the goal is under 60 CPU seconds per row), and the
best result's ratio of qubitcycles under the phenomenological model and the worst ratio of the
three models.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = {
    1: "01_15to1_7-3-3_p1e-4.toml",
    9: "09_15to1x15to1_11-5-5_25-11-11_p1e-3.toml",
    11: "11_15to1x15to1_17-7-7_41-17-17_p1e-3.toml",
    14: "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml",
    15: "15_15to1x8toCCZ_13-7-7_25-15-15_p1e-3.toml",
}
DEFAULT = (1, 9, 14, 15)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_row(row: int) -> dict:
    """One row in a fresh process: its seconds and its best result's ratios."""
    config = ROOT / "configs" / "litinski2019" / ROWS[row]
    argv = [sys.executable, "-m", "estimator.cli", "plan", "--against", str(config)]
    argv += ["--top", "1", "--format", "json"]
    if "CCZ" in ROWS[row]:
        argv += ["--output", "CCZ"]
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        return {"row": row, "wall": wall, "cpu": cpu, "error": done.stderr.strip()}
    (best,) = json.loads(done.stdout)["results"]
    return {
        "row": row,
        "wall": wall,
        "cpu": cpu,
        "title": best["title"],
        "ratio": best["against"]["models"]["phenomenological"]["ratio"],
        "worst": best["against"]["worst_ratio"],
        "beats": best["against"]["beats"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default=",".join(map(str, DEFAULT)), help="Table 1 rows")
    args = parser.parse_args()
    rows = [int(r) for r in args.rows.split(",")]
    unknown = [r for r in rows if r not in ROWS]
    if unknown:
        parser.error(f"--rows: no benchmark config for rows {unknown}; known: {sorted(ROWS)}")
    print(f"{'row':>4} {'wall s':>8} {'CPU s':>8}  best (ratio phenomenological, worst of 3)")
    for row in rows:
        r = run_row(row)
        if "error" in r:
            print(f"{row:>4} {r['wall']:8.1f} {r['cpu']:8.1f}  error: {r['error']}")
            continue
        verdict = "beats" if r["beats"] else "does not beat"
        print(
            f"{row:>4} {r['wall']:8.1f} {r['cpu']:8.1f}  {r['title']} ({r['ratio']:.3f}, "
            f"{r['worst']:.3f}; {verdict} the row under every model)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
