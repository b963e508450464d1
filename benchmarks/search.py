"""Study benchmark: a 105,000-point two-level search, serial and on every core.

``python benchmarks/search.py`` (``--quick``: 8,400 points; ``--precision float``: the float64
path alone). The grid: level-1 d_x 7..15, d_z 3..7, d_m 3..9, n_L1 2..14 and level-2 d_x
21..39, d_z 9..17, d_m 9..17 of a (15-to-1)x(15-to-1) factory at p = 1e-3, searched for
p_out <= 1e-12. Printed per run: wall time, points per second, and (serial) the time inside
simulate() against the rest (the study layer: compiling, validating, batching, columns, and
the factory bookkeeping), and CPU seconds (this process and its workers): on a shared machine
wall times measure the contention, CPU time the work. Best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from estimator import factory
from estimator.studies import sweep
from estimator.studies.executor import default_workers
from estimator.studies.pareto import KeepFeasible

CONFIG = """
title = "search benchmark"
p_phys = 1e-3
[level1]
protocol = "15-to-1"
d_x = 11
d_z = 5
d_m = 5
count = 6
[level2]
protocol = "15-to-1"
d_x = 25
d_z = 11
d_m = 11
"""
FULL = (
    "level1.d_x=7:15:2",
    "level1.d_z=3:7:2",
    "level1.d_m=3:9:2",
    "level1.count=2:14:2",
    "level2.d_x=21:39:2",
    "level2.d_z=9:17:2",
    "level2.d_m=9:17:2",
)
QUICK = (*FULL[:4], "level2.d_x=21:27:2", "level2.d_z=9:13:2", "level2.d_m=11")


class _Timed:
    """simulate() with a stopwatch (this process only)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.inner = factory.simulate

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(parts, precision: str, workers: int) -> tuple[float, float, float, int, int]:
    """Wall seconds, CPU seconds, seconds inside simulate() here, points, points kept."""
    timed = _Timed()
    factory.simulate = timed
    try:
        start, cpu = time.perf_counter(), _cpu()
        result = sweep.run_study(
            parts, precision=precision, keep=KeepFeasible(1e-12), workers=workers
        )
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    finally:
        factory.simulate = timed.inner
    return seconds, cpu, timed.seconds, result.points, result.columns.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8,400 points")
    parser.add_argument("--precision", choices=("auto", "float"), default="auto")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args()
    path = Path("/tmp") / "msd_search_benchmark.toml"
    path.write_text(CONFIG)
    axes = tuple(sweep.Axis.parse(text) for text in (QUICK if args.quick else FULL))
    parts = [sweep.Part(sweep.load_template(path), axes)]
    cores = default_workers()
    print(f"two-level search, {parts[0].size:,} points, precision {args.precision}")
    for workers in sorted({1, cores}):
        best = min(
            (run(parts, args.precision, workers) for _ in range(args.repeat)),
            key=lambda r: r[0],
        )
        seconds, cpu, inside, points, kept = best
        line = (
            f"  {workers} worker(s): {seconds:7.1f} s wall, {points / seconds:6.0f} points/s; "
            f"{cpu:6.1f} s CPU, {points / cpu:6.0f} points per CPU second"
        )
        if workers == 1:
            rest = seconds - inside
            line += (
                f"; simulate() {inside:.1f} s, the rest {rest:.2f} s "
                f"({rest / points * 1e6:.1f} us/point)"
            )
        print(f"{line}; {kept} reach 1e-12")


if __name__ == "__main__":
    main()
