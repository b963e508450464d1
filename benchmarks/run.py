"""Engine benchmarks: ``python benchmarks/run.py`` (add ``--quick`` for a smoke run).

1. One-level 15-to-1 over 1,000 random (p, d_x, d_z, d_m) points, in one batch: the float64
   path (points it vouches for), the automatic path (float64, fixed point where needed) and the
   fixed-point path alone.
2. All 15 modelled rows of 002 Table 1 from the shipped configs, exact where needed.
3. (15-to-1)x(20-to-4) two-level points in one float64 batch (the published scripts take
   about 370 ms per point, MODEL.md section 12).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from estimator.circuits.protocols import builtin_protocols
from estimator.factory import LevelSpec, estimate_one_level, estimate_two_level
from estimator.sim.noise import NoiseModel
from estimator.studies.config import estimate_config, load_config
from layouts.arrangement import Arrangement
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "litinski2019"


def _spec(level: int, protocol: str, d: Distances) -> LevelSpec:
    p = builtin_protocols()[protocol]
    return LevelSpec(
        p,
        Layout.litinski(p.n_qubits, p.outputs),
        published_schedule(level, protocol, "litinski"),
        d,
    )


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def one_level_grid(n_points: int, rng: np.random.Generator) -> None:
    p = 10 ** rng.uniform(-4, -3, n_points)
    d = Distances(
        *(
            rng.choice(choices, n_points)
            for choices in ([7, 9, 11, 13, 15, 17], [3, 5, 7], [3, 5, 7])
        )
    )
    spec = _spec(1, "15-to-1", d)
    noise = NoiseModel(p)
    for precision in ("float", "auto"):
        est, seconds = _timed(
            lambda precision=precision: estimate_one_level(noise, spec, precision=precision)
        )
        answered = int(np.sum(~np.isnan(est.p_out)))
        extra = (
            f"{answered} answered by float64"
            if precision == "float"
            else f"{int(est.exact.sum())} needed fixed point"
        )
        print(
            f"  one-level 15-to-1, {n_points} points, {precision:>5}: {n_points / seconds:8.0f} points/s ({extra})"
        )
    few = max(1, n_points // 20)
    sub = _spec(1, "15-to-1", Distances(*(v[:few] for v in (d.d_x, d.d_z, d.d_m))))
    _, seconds = _timed(lambda: estimate_one_level(NoiseModel(p[:few]), sub, precision="exact"))
    print(f"  one-level 15-to-1, {few} points, exact: {few / seconds:8.0f} points/s")


def table1() -> None:
    files = sorted(CONFIGS.glob("[0-9]*.toml"))
    _, seconds = _timed(lambda: [estimate_config(load_config(f)) for f in files])
    print(f"  Table 1, {len(files)} rows (auto precision): {seconds:.2f} s")


def two_level_batch(n_points: int, rng: np.random.Generator) -> None:
    p = 10 ** rng.uniform(-3.3, -3, n_points)
    level1 = _spec(1, "15-to-1", Distances(13, 5, 5))
    level2 = _spec(
        2,
        "20-to-4",
        Distances(
            rng.choice([23, 25, 27], n_points),
            rng.choice([11, 13], n_points),
            rng.choice([13, 15], n_points),
        ),
    )
    est, seconds = _timed(
        lambda: estimate_two_level(
            NoiseModel(p),
            level1,
            level2,
            n_level1=6,
            arrangement=Arrangement.litinski(),
            precision="float",
        )
    )
    answered = int(np.sum(~np.isnan(est.p_out)))
    per_point = seconds / n_points
    print(
        f"  (15-to-1)x(20-to-4), {n_points} points, float: {per_point * 1e3:.2f} ms/point "
        f"({0.370 / per_point:.0f}x faster than 370 ms; {answered} answered by float64)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grids, for a smoke test")
    args = parser.parse_args()
    rng = np.random.default_rng(2019)
    print("msd engine benchmarks (one process, one core)")
    one_level_grid(100 if args.quick else 1000, rng)
    table1()
    two_level_batch(20 if args.quick else 200, rng)


if __name__ == "__main__":
    main()
