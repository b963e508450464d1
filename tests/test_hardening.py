"""Issue 9 findings that are not one-line refusals (those are rows of test_bad_inputs.py):
a closed pipe, bytes the interpreter must decode, resource refusals before allocation,
titles after overrides, JSON without NaN, the full distance where no distance is needed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from estimator.cli import main
from estimator.costs import EVERY_DISTANCE, full_distances
from estimator.jsonout import to_json
from estimator.limits import Limits, using
from estimator.sim.noise import NoiseModel

ROOT = Path(__file__).resolve().parents[1]
ROW_01 = ROOT / "configs" / "litinski2019" / "01_15to1_7-3-3_p1e-4.toml"
ROW_04 = ROOT / "configs" / "litinski2019" / "04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml"


def _msd(*argv: str | bytes, close_stdout: bool = False) -> tuple[int, bytes, bytes]:
    """Run ``python -m estimator.cli`` as a real process: (exit code, stdout, stderr)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "estimator.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": ""},
    )
    if close_stdout:  # the reader goes away before msd writes (as `msd ... | head -1` can)
        process.stdout.close()
        err = process.stderr.read()
        return process.wait(timeout=60), b"", err
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


@pytest.mark.parametrize(
    "argv",
    [("table", "--format", "json"), ("concat", "15", "--eps-in", "1e-3", "--format", "json")],
)
def test_a_closed_pipe_ends_quietly(argv):
    code, _, err = _msd(*argv, close_stdout=True)
    assert (code, err) == (141, b"")


def test_latin_1_config_in_a_real_process(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'title = "caf\xe9"\n' + ROW_01.read_bytes())
    code, out, err = _msd("estimate", str(path))
    assert (code, out) == (2, b"") and err.count(b"\n") == 1
    assert b"CONFIG" in err and b"not UTF-8" in err and b"Traceback" not in err


def test_a_path_that_is_not_utf8(tmp_path):
    """argv bytes that are no UTF-8 reach the message escaped, never as a traceback."""
    path = os.fsencode(tmp_path) + b"/\xff\xfe.toml"
    code, out, err = _msd("estimate", path)
    assert (code, out) == (2, b"") and err.count(b"\n") == 1 and b"CONFIG" in err
    with open(path, "wb") as handle:
        handle.write(ROW_01.read_bytes())
    code, out, _ = _msd("estimate", path, "--format", "json")
    assert code == 0 and json.loads(out)["title"] == "(15-to-1)_{7,3,3}"


@pytest.mark.parametrize(
    "table",
    [
        'rotations = ["' + " ".join(f"Z{q}" for q in range(1, 29)) + '"]\noutputs = [1]',
        'rotations = ["Z1 Z32"]\noutputs = [1]',
        'rotations = ["Z1"]\noutputs = [99]',
    ],
)
def test_large_protocols_are_refused_before_allocating(tmp_path, capsys, table):
    """ "Z1 .. Z28" took 21 s and 12.6 GB before its refusal; now it is refused from its size."""
    path = tmp_path / "c.toml"
    path.write_text(ROW_01.read_text().replace('"15-to-1"', '"p"') + f"[protocols.p]\n{table}\n")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        code = main(["estimate", str(path)])
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert code == 2 and "protocols.p" in capsys.readouterr().err
    assert time.perf_counter() - start < 2 and peak < 20 * 2**20


def test_the_resource_options_set_the_limits(tmp_path, capsys):
    """The same protocol passes or is refused by --max-memory alone."""
    path = tmp_path / "c.toml"
    rows = ", ".join(f'"{"".join("1" if i == j else "0" for j in range(20))}"' for i in range(20))
    path.write_text(
        ROW_01.read_text().replace('"15-to-1"', '"p"') + f"[protocols.p]\nmatrix = [{rows}]\n"
    )
    assert main(["draw", str(path), "-o", str(tmp_path / "x.png"), "--max-memory", "10M"]) == 2
    err = capsys.readouterr().err
    assert "protocols.p" in err and "20 qubits" in err and "--max-memory" in err
    with using(Limits(max_memory_bytes=100 * 2**20)):
        from estimator.circuits.protocol import require_size

        require_size("p", 20, 20, 20)  # 48 MiB fits in 100 MiB


def test_concat_1000_is_refused_at_once(capsys):
    """`msd concat 1000` ran for about 45 minutes; its cost is estimated from k first."""
    start = time.perf_counter()
    assert main(["concat", "1000", "--eps-in", "1e-3"]) == 2
    assert time.perf_counter() - start < 0.5
    err = capsys.readouterr().err
    assert "stage 1000" in err and "use stages with k <=" in err


def test_empty_stage_set_is_refused_not_replaced_by_the_default(capsys):
    args = ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-9", "--stages", ""]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("msd: error: --stages: ")


def test_titles_follow_overrides(tmp_path, capsys, monkeypatch):
    """The table, JSON and CSV title and the drawing's title show the distances in force."""
    assert main(["estimate", str(ROW_04), "--set", "level1.d_x=11", "--format", "json"]) == 0
    title = json.loads(capsys.readouterr().out)["title"]
    assert title == "(15-to-1)^4_{11,3,3} x (20-to-4)_{15,7,9}"
    assert main(["estimate", str(ROW_01), "--set", "level1.d_x=11"]) == 0
    assert capsys.readouterr().out.startswith("(15-to-1)_{11,3,3}\n")
    out = tmp_path / "s.csv"
    assert main(["sweep", str(ROW_01), "--vary", "level1.d_x=9,11", "-o", str(out)]) == 0
    titles = [r["title"] for r in csv.DictReader(io.StringIO(out.read_text()))]
    assert titles == ["(15-to-1)_{9,3,3}", "(15-to-1)_{11,3,3}"]
    from estimator.figures import drawings
    from estimator.figures.style import factory_label

    titles = []
    draw_layout = drawings.layout_figure
    monkeypatch.setattr(
        drawings,
        "layout_figure",
        lambda *a, title, **k: (titles.append(title), draw_layout(*a, title=title, **k))[1],
    )
    assert main(["draw", str(ROW_01), "--set", "level1.d_m=5", "-o", str(tmp_path / "x.png")]) == 0
    assert titles[0].startswith(factory_label("(15-to-1)_{7,3,5}") + "\n")


def test_written_titles_keep_their_words(tmp_path, capsys):
    path = tmp_path / "sf.toml"
    source = ROOT / "configs" / "litinski2019" / "12_sf15to1_9-3-3_p1e-4.toml"
    path.write_text(source.read_text())
    assert main(["estimate", str(path), "--set", "level1.d_m=5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "small-footprint (15-to-1)_{9,3,5}"


def _strict(text: str):
    """json.loads that refuses the bare words NaN and Infinity (Python accepts them)."""

    def refuse(word):
        raise ValueError(f"not JSON: {word}")

    return json.loads(text, parse_constant=refuse)


def test_json_output_has_null_and_a_reason_instead_of_nan(tmp_path):
    """At p_phys = 1e-6 float64 cannot vouch for p_out (NaN under --precision float); the
    sweep's JSON file had bare NaN in it."""
    out = tmp_path / "s.json"
    argv = ["sweep", str(ROW_01), "--vary", "p_phys=1e-6,1e-3", "--precision", "float"]
    assert main([*argv, "-o", str(out)]) == 0
    low, high = _strict(out.read_text())
    assert low["p_out"] is None and "precision" in low["not_defined"]
    assert high["p_out"] > 0 and "not_defined" not in high
    assert _strict(to_json({"x": float("nan"), "y": [np.float64("inf")]})) == {
        "x": None,
        "y": [None],
        "not_defined": {"x": "not a finite number", "y[0]": "not a finite number"},
    }


def test_full_distance_not_defined_when_every_distance_suffices():
    """p_phys = 1e-10 and p_eff = 0.5: N_q / p_eff d p_L(d) < 0.01 for every d. This was
    refused as "no distance reaches the target"; it is the opposite, and d is not defined."""
    small, large = full_distances(NoiseModel(1e-10), np.asarray([0.5, 1e-12]), np.asarray(1e4))
    assert np.isnan(small.d[0]) and small.reason == EVERY_DISTANCE
    assert all(np.isfinite(f.d[1]) and f.d[1] % 2 == 1 for f in (small, large))


def test_p_phys_1e_300_says_what_happens(tmp_path, capsys):
    assert main(["estimate", str(ROW_01), "--set", "p_phys=1e-300"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("msd: error: p_phys: ") and "underflows float64" in err


def test_out_of_model_names_the_fields(capsys):
    sets = ["p_phys=9e-3", "level1.d_x=51", "level1.d_z=1", "level1.d_m=1"]
    assert main(["estimate", str(ROW_01), *(f"--set={s}" for s in sets)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("msd: error: level1.d_m: the error model does not apply")
    assert "raise level1.d_m" in err
