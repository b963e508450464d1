"""Engine benchmarks, measured here and now: ``python benchmarks/run.py`` (``--quick``: smoke run).

Every figure is measured in this process on one core (BLAS pinned to one thread before numpy
loads); nothing is typed in from elsewhere. Times are CPU seconds of this process, best of
``--repeat`` runs, so other jobs on a shared machine inflate them less than wall time (the
load average is printed with the results).

1. Paths: one-level 15-to-1 at random (p_phys, d_x, d_z, d_m) in one batch, precision float,
   auto and exact, with the points each arithmetic tier answered.
2. Two-level (15-to-1)x(15-to-1) and (15-to-1)x(20-to-4) at random points, auto and float.
3. Reference: a plain dense density-matrix evaluation written here (2^n x 2^n complex
   entries, every channel by its definition in docs/model/storage.md), run on points of
   the same batches: seconds per point and the engine's speed-up over it.
4. Cost growth with qubits: the bare circuits of 8-to-CCZ .. 38-to-10 (4 to 13 qubits) with
   faulty-T errors and storage flips, float64, one point and a batch; and a family member as
   a factory on its CP-SAT schedule (configs/studies/family_*.toml; the schedule is solved
   before the clock starts), one level and as the level-2 block, automatic precision.
5. Search throughput through the public sweep API (estimator.studies.sweep.run_sweep) on a
   two-level grid, and all Table 1 rows from the shipped configs.
6. ``msd estimate`` of one config as a user runs it: wall time of a fresh process (start-up,
   imports, one point), best of ``--repeat``.

The large batches run the compiled kernels (estimator.sim.kernels, numba); their one-time
compilation is cached on disk, and a first call in a process loads them (about 0.3 s, counted
in the first figure that uses them: one-level float).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from estimator.circuits.protocols import builtin_protocols
from estimator.factory import (
    LevelSpec,
    estimate_one_level,
    estimate_two_level,
    level_one,
    level_two,
)
from estimator.sim.channels import OMEGA, BitFlip, rotation_channel, x_flip, z_flip
from estimator.sim.noise import NoiseModel
from estimator.sim.simulator import TIERS, simulate
from estimator.config.factory import estimate_config, load_config
from estimator.studies.sweep import Axis, load_template, run_sweep
from layouts.arrangement import Arrangement
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs" / "litinski2019"
STUDIES = ROOT / "configs" / "studies"
ROWS: list[tuple[str, int, float, str]] = []


def _spec(level: int, protocol: str, d: Distances) -> LevelSpec:
    p = builtin_protocols()[protocol]
    return LevelSpec(
        p,
        Layout.litinski(p.n_qubits, p.outputs),
        published_schedule(level, protocol, "litinski"),
        d,
    )


def _best(fn: Callable[[], object], repeat: int) -> tuple[object, float]:
    """(result, least CPU seconds) over ``repeat`` runs."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return result, max(best, 1e-9)


def _row(what: str, points: int, seconds: float, note: str = "") -> float:
    ROWS.append((what, points, seconds, note))
    print(f"  {what:<46} {points:>7} {seconds:9.3f} s {points / seconds:10.0f} /s  {note}")
    return seconds / points


def _tiers(sim) -> str:
    """How many points each arithmetic tier answered (estimator.sim.simulator.TIERS)."""
    counts = np.bincount(np.ravel(sim.tier)[np.ravel(sim.resolved)], minlength=len(TIERS))
    return ", ".join(f"{name} {count}" for name, count in zip(TIERS, counts))


def reference(n: int, checks, channels, k: int) -> tuple[float, float]:
    """(p_fail, I) of point k by a plain dense density matrix (docs/model/storage.md and docs/model/simulation.md)."""
    dim = 2**n
    x = np.arange(dim)
    rho = np.full((dim, dim), 1 / dim, dtype=complex)
    psi = np.full(dim, dim**-0.5, dtype=complex)
    for channel in channels:
        if isinstance(channel, BitFlip):
            p = float(np.ravel(channel.p)[k] if np.ndim(channel.p) else channel.p)
            flip = x ^ (1 << (n - channel.qubit))
            rho = (1 - p) * rho + p * rho[np.ix_(flip, flip)]
            continue
        q, e = (complex(np.ravel(v)[k] if np.ndim(v) else v) for v in (channel.q, channel.e))
        s = channel.rotation.eigenvalues(n)
        f_plus = (1 - q) * (OMEGA if channel.is_rotation else 1) + e
        diff = s[:, None] - s[None, :]
        rho = rho * np.where(diff > 0, f_plus, np.where(diff < 0, np.conj(f_plus), 1))
        if channel.is_rotation:
            psi = psi * np.exp(1j * np.pi / 8 * s)
    outputs = [q for q in range(1, n + 1) if q not in checks]
    out_mask = sum(1 << (n - q) for q in outputs)
    same = ((x[:, None] ^ x[None, :]) & out_mask) == 0
    accepted = float(np.real(rho[same].sum())) / 2 ** len(checks)
    fidelity = float(np.real(np.conj(psi) @ rho @ psi))
    return 1 - accepted, 1 - fidelity / accepted


def _reference_time(protocol, channels, points: int, repeat: int) -> float:
    """CPU seconds per point of the dense reference on the first ``points`` points."""
    _, seconds = _best(
        lambda: [reference(protocol.n_qubits, protocol.checks, channels, k) for k in range(points)],
        repeat,
    )
    return seconds / points


def one_level(n_points: int, rng: np.random.Generator, repeat: int) -> None:
    p = 10 ** rng.uniform(-4, -3, n_points)
    d = Distances(
        *(
            rng.choice(choices, n_points)
            for choices in ([7, 9, 11, 13, 15, 17], [3, 5, 7], [3, 5, 7])
        )
    )
    spec, noise = _spec(1, "15-to-1", d), NoiseModel(p)
    est, _ = _best(lambda: estimate_one_level(noise, spec, precision="float"), 1)
    _, seconds = _best(lambda: estimate_one_level(noise, spec, precision="float"), repeat)
    answered = int(np.sum(~np.isnan(est.p_out)))
    _row("one-level 15-to-1, float", n_points, seconds, f"{answered} vouched by float64")
    channels = level_one(noise, spec).channels()
    tiers = _tiers(simulate(5, spec.protocol.checks, channels))
    _, seconds = _best(lambda: estimate_one_level(noise, spec, precision="auto"), repeat)
    per_point = _row("one-level 15-to-1, auto", n_points, seconds, tiers)
    few = max(2, n_points // 50)
    sub = _spec(1, "15-to-1", Distances(*(v[:few] for v in (d.d_x, d.d_z, d.d_m))))
    _, seconds = _best(
        lambda: estimate_one_level(NoiseModel(p[:few]), sub, precision="exact"), repeat
    )
    _row("one-level 15-to-1, exact (fixed point)", few, seconds)
    ref = _reference_time(spec.protocol, channels, 3, repeat)
    _row("one-level 15-to-1, dense reference", 1, ref, f"engine auto {ref / per_point:.0f}x")


def two_level(
    protocol: str, n_points: int, rng: np.random.Generator, repeat: int, reference_points: int
) -> None:
    p = 10 ** rng.uniform(-4, -3, n_points)
    d1 = Distances(*(rng.choice(c, n_points) for c in ([9, 11, 13], [3, 5], [3, 5])))
    d2 = Distances(*(rng.choice(c, n_points) for c in ([21, 25, 29], [9, 11, 13], [9, 11, 13])))
    n_l1 = rng.choice([4, 6, 8], n_points)
    level1, level2 = _spec(1, "15-to-1", d1), _spec(2, protocol, d2)
    noise, arrangement = NoiseModel(p), Arrangement.litinski()

    def run(precision: str):
        return estimate_two_level(
            noise, level1, level2, n_level1=n_l1, arrangement=arrangement, precision=precision
        )

    name = f"(15-to-1)x({protocol})"
    est, seconds = _best(lambda: run("float"), repeat)
    answered = int(np.sum(~np.isnan(est.p_out)))
    _row(f"{name}, float", n_points, seconds, f"{answered} vouched by float64")
    _, seconds = _best(lambda: run("auto"), repeat)
    fed = estimate_one_level(noise, level1)
    level = level_two(noise, level2, level1, fed, n_level1=n_l1, arrangement=arrangement)
    channels = level.channels()
    tiers = _tiers(simulate(level2.protocol.n_qubits, level2.protocol.checks, channels))
    per_point = _row(f"{name}, auto", n_points, seconds, f"level 2: {tiers}")
    ref = _reference_time(level2.protocol, channels, reference_points, repeat)
    ref += _reference_time(level1.protocol, level_one(noise, level1).channels(), 1, repeat)
    _row(f"{name}, dense reference", 1, ref, f"engine auto {ref / per_point:.0f}x")


def growth(max_qubits: int, batch: int, repeat: int) -> None:
    """Float64 time per point of bare family circuits: faulty-T rotations, four per step, and
    X and Z storage flips on every qubit after each step."""
    names = ["8-to-CCZ", "15-to-1", "20-to-4", "26-to-6", "32-to-8", "38-to-10"]
    for name in names:
        protocol = builtin_protocols()[name]
        n = protocol.n_qubits
        if n > max_qubits:
            continue
        size = batch if n <= 9 else 1
        p = np.full(size, 1e-4) * np.linspace(1, 2, size)
        channels = []
        for start in range(0, len(protocol.rotations), 4):
            channels += [
                rotation_channel(r, p / 3, p / 3, p / 3)
                for r in protocol.rotations[start : start + 4]
            ]
            channels += [x_flip(q, p / 100) for q in range(1, n + 1)]
            channels += [z_flip(q, p / 100) for q in range(1, n + 1)]
        sim, seconds = _best(
            lambda ch=channels, pr=protocol: simulate(
                pr.n_qubits, pr.checks, ch, precision="float"
            ),
            repeat if n <= 11 else 1,
        )
        note = f"{len(protocol.rotations)} rotations; vouched {int(np.sum(sim.resolved))}"
        if n <= 9:
            ref = _reference_time(protocol, channels, 1, 1)
            note += f"; dense reference {ref:.3g} s/point ({ref * size / seconds:.0f}x)"
        _row(f"{n:>2} qubits, {name}, float", size, seconds, note)


def family(member: str, repeat: int) -> None:
    """A (3k+8)-to-k member as a one-level factory and as the level-2 block of a two-level one,
    each on its CP-SAT schedule at p_phys = 1e-4 (the studies' configs), one point, auto."""
    for stem, key in (("family_one_level_p1e-4", "level1"), ("family_two_level_p1e-4", "level2")):
        config = load_config(STUDIES / f"{stem}.toml", [f"{key}.protocol={member}"])
        spec = getattr(config, key)
        est, seconds = _best(lambda c=config: estimate_config(c), repeat)
        tier = "double-double or fixed point" if bool(np.ravel(est.exact)[0]) else "float64"
        _row(
            f"{spec.protocol.n_qubits:>2} qubits, {member}, CP-SAT, {key}",
            1,
            seconds,
            f"{spec.schedule.n_steps} steps; p_out {float(est.p_out):.3g} by {tier}",
        )


def cli_estimate(repeat: int) -> None:
    """Wall time of ``msd estimate`` on one shipped config in a fresh process, with Python's
    bytecode cache on (as after ``pip install``; a PYTHONDONTWRITEBYTECODE in the environment
    would recompile every module, about 50 ms here) and warm (one run first, not timed)."""
    config = CONFIGS / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "estimator.cli", "estimate", str(config)]
    subprocess.run(command, check=True, capture_output=True, env=env)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
    _row("msd estimate, one config (wall time)", 1, best)


def search(n_points_axis: int, repeat: int) -> None:
    template = load_template(CONFIGS / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml")
    values = {
        "level1.d_x": [7, 9, 11, 13][:n_points_axis],
        "level1.count": [4, 6, 8][: max(1, n_points_axis - 1)],
        "level2.d_x": [21, 23, 25, 27, 29][: n_points_axis + 1],
        "level2.d_z": [7, 9, 11][:n_points_axis],
        "level2.d_m": [7, 9, 11, 13][:n_points_axis],
    }
    axes = [Axis(key, tuple(v)) for key, v in values.items()]
    points = int(np.prod([len(v) for v in values.values()]))
    result, seconds = _best(lambda: run_sweep(template, axes, precision="auto"), repeat)
    _row("two-level search (run_sweep, auto)", points, seconds, f"{len(result.records)} records")


def table1(repeat: int) -> None:
    files = sorted(CONFIGS.glob("[0-9]*.toml"))
    _, seconds = _best(lambda: [estimate_config(load_config(f)) for f in files], repeat)
    _row("Table 1 rows from configs (auto)", len(files), seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    rng = np.random.default_rng(2019)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"msd engine benchmarks ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"load average {load}; CPU seconds of one process, best of {repeat})"
    )
    print(f"  {'what':<46} {'points':>7} {'time':>11} {'rate':>13}")
    one_level(200 if args.quick else 20000, rng, repeat)
    for protocol in ("15-to-1", "20-to-4"):
        two_level(protocol, 40 if args.quick else 2000, rng, repeat, 1 if args.quick else 3)
    growth(7 if args.quick else 13, 20 if args.quick else 200, repeat)
    family("14-to-2" if args.quick else "38-to-10", repeat)
    search(1 if args.quick else 3, repeat)
    table1(repeat)
    cli_estimate(repeat)


if __name__ == "__main__":
    main()
