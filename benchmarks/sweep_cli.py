"""Benchmark of a long run as a user starts it: the one-level 15-to-1 ``msd sweep`` of
73,892 grid points (4 p_phys x d_x 7..63 x d_z 3..27 x d_m 3..99, odd distances; the points
with d_z > d_x or an error probability above 1 are skipped), one worker, CSV output.

``python benchmarks/sweep_cli.py`` (``--quick``: d_m 3..9, 6,032 points). Printed per run:
wall time and CPU seconds of the whole process (start-up, compiling the study, checking the
points, the engine, the partial file and the CSV), and points per CPU second; then a
profile of one run in this process (``--profile``: the 15 functions with the most own time).
Best of ``--repeat`` runs; on a shared machine CPU time measures the work, wall time the
contention.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "studies" / "one_level_15to1_grid.toml"
AXES = ["level1.d_x=7:63:2", "level1.d_z=3:27:2", "level1.d_m=3:99:2"]
QUICK_AXES = ["level1.d_x=7:63:2", "level1.d_z=3:27:2", "level1.d_m=3:9:2"]


def argv(axes: list[str], output: Path) -> list[str]:
    vary = [arg for axis in axes for arg in ("--vary", axis)]
    return ["sweep", str(CONFIG), *vary, "--workers", "1", "-o", str(output)]


def run_once(axes: list[str], folder: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh ``msd sweep`` process."""
    output = folder / "sweep.csv"
    output.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "estimator.cli", *argv(axes, output)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def profile(axes: list[str], folder: Path, rows: int = 15) -> str:
    from estimator.cli import main

    profiler = cProfile.Profile()
    profiler.enable()
    main(argv(axes, folder / "profiled.csv"))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(rows)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 6,032-point grid")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also profile one run")
    args = parser.parse_args()
    axes = QUICK_AXES if args.quick else AXES
    points = 4 * 29 * 13 * (4 if args.quick else 49)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        runs = [run_once(axes, folder) for _ in range(args.repeat)]
        wall = min(w for w, _ in runs)
        cpu = min(c for _, c in runs)
        print(f"load average {os.getloadavg()[0]:.1f}")
        print(
            f"msd sweep, {points:,} points, one worker: wall {wall:.2f} s, CPU {cpu:.2f} s, "
            f"{points / cpu:,.0f} points per CPU second (best of {args.repeat})"
        )
        if args.profile:
            print(profile(axes, folder))


if __name__ == "__main__":
    main()
