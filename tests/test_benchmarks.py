"""benchmarks/run.py --quick: every path, the dense reference and the search run and report a
measured rate (a smoke test; the figures themselves are in the README's Measured section)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_measures_every_path():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    rows = {
        line.split("  ")[1].strip(): line
        for line in run.stdout.splitlines()
        if re.search(r"\d /s", line)
    }
    for what in (
        "one-level 15-to-1, float",
        "one-level 15-to-1, auto",
        "one-level 15-to-1, exact (fixed point)",
        "(15-to-1)x(15-to-1), auto",
        "(15-to-1)x(20-to-4), auto",
        "5 qubits, 15-to-1, float",
        "two-level search (run_sweep, auto)",
        "5 qubits, 14-to-2, CP-SAT, level2",
        "msd estimate, one config (wall time)",
    ):
        line = next((v for k, v in rows.items() if k.startswith(what)), None)
        assert line is not None, f"{what!r} missing from:\n{run.stdout}"
        assert float(re.search(r"([\d.]+) /s", line).group(1)) > 0
    speedups = re.findall(r"engine auto (\d+)x", run.stdout)
    assert len(speedups) == 3  # measured against the dense reference in the same process


def test_sweep_benchmark_measures_the_command():
    """benchmarks/sweep_cli.py --quick: the one-level msd sweep as a user runs it, timed."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sweep_cli.py"), "--quick", "--repeat", "1"],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    pattern = r"6,032 points, one worker: wall [\d.]+ s, CPU [\d.]+ s, ([\d,]+) points"
    rate = re.search(pattern, run.stdout)
    assert rate is not None, run.stdout
    assert int(rate.group(1).replace(",", "")) > 0
