"""Hostile input and long runs (issue 21), by class: tampered and foreign resume chunks,
interrupts at any chunk, outputs over inputs, file kinds, nesting, printed numbers."""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from estimator.cli import main
from estimator.studies import executor, plan

HYPOTHESIS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _interrupting(monkeypatch, at: int) -> None:
    """Make the ``at``-th chunk evaluated by the executor raise KeyboardInterrupt."""
    evaluate = executor.evaluate_chunk
    calls = {"n": 0}

    def interrupt(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(executor, "evaluate_chunk", interrupt)


def _argv(config: Path, out: Path) -> list[str]:
    return [
        "sweep",
        str(config),
        "--vary",
        "level1.d_x=7:13:2",
        "--vary",
        "level1.d_m=3,5",
        "-o",
        str(out),
        "--workers",
        "1",
    ]


def _one_error_line(capsys, *words: str) -> None:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("msd: error: ")
    for word in words:
        assert word in captured.err


@pytest.fixture
def interrupted(one_level_config, tmp_path, monkeypatch, capsys):
    """A sweep of 8 points in chunks of 2 interrupted at its third chunk: (argv, out, partial)."""
    out = tmp_path / "r.json"
    argv = _argv(one_level_config, out)
    monkeypatch.setattr(plan, "CHUNK", 2)
    _interrupting(monkeypatch, 3)
    assert main(argv) == 130
    capsys.readouterr()
    monkeypatch.setattr(executor, "evaluate_chunk", plan.evaluate_chunk)
    partial = Path(f"{out}.partial")
    assert len(partial.read_text().splitlines()) == 3  # header and two chunks
    return argv, out, partial


def _clean_records(argv, out, monkeypatch) -> list[dict]:
    monkeypatch.setattr(plan, "CHUNK", 2)
    assert main(argv) == 0
    records = json.loads(out.read_text())
    out.unlink()
    return records


def test_edited_chunk_is_refused(interrupted, capsys):
    """Issue 21: a resumed sweep wrote rows with p_out = 0.5 from an edited chunk."""
    argv, out, partial = interrupted
    lines = partial.read_text().splitlines()
    signature, _, content = lines[1].partition(" ")
    entry = json.loads(content)
    entry["columns"]["p_out"] = [0.5] * len(entry["columns"]["p_out"])
    lines[1] = f"{signature} {json.dumps(entry)}"
    partial.write_text("\n".join(lines) + "\n")
    assert main([*argv, "--resume"]) == 2
    _one_error_line(capsys, "line 2", "does not match its hash")
    assert not out.exists() and partial.exists()


def test_re_signed_chunk_is_refused_by_the_recheck(interrupted, capsys):
    """A chunk edited and signed again (the hash is no secret) fails the fresh evaluation of
    a sample of its rows."""
    argv, out, partial = interrupted
    lines = partial.read_text().splitlines()
    stamp = json.loads(lines[0])["fingerprint"]
    for i in (1, 2):
        entry = json.loads(lines[i].partition(" ")[2])
        entry["columns"]["p_out"] = [0.5] * len(entry["columns"]["p_out"])
        content = json.dumps(entry)
        digest = hashlib.sha256(json.dumps(stamp, sort_keys=True).encode())
        digest.update(content.encode())
        lines[i] = f"{digest.hexdigest()} {content}"
    partial.write_text("\n".join(lines) + "\n")
    assert main([*argv, "--resume"]) == 2
    _one_error_line(capsys, "does not match a fresh evaluation", "p_out = 0.5")
    assert not out.exists()


def test_foreign_chunk_is_refused(interrupted, one_level_config, tmp_path, monkeypatch, capsys):
    """A chunk line of another study (another p_phys) pasted into the partial file."""
    argv, out, partial = interrupted
    other = tmp_path / "other.json"
    monkeypatch.setattr(plan, "CHUNK", 2)
    _interrupting(monkeypatch, 3)
    assert main([*_argv(one_level_config, other), "--set", "p_phys=2e-4"]) == 130
    capsys.readouterr()
    monkeypatch.setattr(executor, "evaluate_chunk", plan.evaluate_chunk)
    foreign = Path(f"{other}.partial").read_text().splitlines()[2]
    lines = partial.read_text().splitlines()
    partial.write_text("\n".join([*lines, foreign]) + "\n")
    assert main([*argv, "--resume"]) == 2
    _one_error_line(capsys, "line 4", "does not match its hash")


@HYPOTHESIS
@given(data=st.data())
def test_any_byte_edit_is_refused_or_harmless(interrupted, monkeypatch, capsys, data):
    """Property: after any one-byte edit of the partial file, a resume either refuses with one
    line or writes exactly the records of an uninterrupted run (an edit that only cuts the
    last line makes that chunk run again)."""
    argv, out, partial = interrupted
    original = partial.read_bytes()
    try:
        at = data.draw(st.integers(0, len(original) - 1), label="offset")
        byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[at]), label="byte")
        partial.write_bytes(original[:at] + bytes([byte]) + original[at + 1 :])
        code = main([*argv, "--resume"])
        if code == 0:
            resumed = json.loads(out.read_text())
            out.unlink()
            partial.write_bytes(original)
            assert resumed == _clean_records_from(argv, out, partial)
        else:
            assert code == 2
            _one_error_line(capsys)
            assert not out.exists()
    finally:
        capsys.readouterr()
        partial.write_bytes(original)


def _clean_records_from(argv, out, partial) -> list[dict]:
    """Records of the resume of the untouched partial file (then restored)."""
    original = partial.read_bytes()
    assert main([*argv, "--resume"]) == 0
    records = json.loads(out.read_text())
    out.unlink()
    partial.write_bytes(original)
    return records


@HYPOTHESIS
@given(at=st.integers(1, 4))
def test_interrupt_at_any_chunk_then_resume(one_level_config, tmp_path, monkeypatch, capsys, at):
    """Property: an interrupt at any chunk exits 130 with no results file, and the resumed
    run writes the records of an uninterrupted run."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    out = folder / "i.json"
    argv = _argv(one_level_config, out)
    expected = _clean_records(argv, out, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(plan, "CHUNK", 2)
        _interrupting(patch, at)
        assert main(argv) == 130
        assert not out.exists()
    capsys.readouterr()
    monkeypatch.setattr(plan, "CHUNK", 2)
    assert main([*argv, "--resume"]) == 0
    assert json.loads(out.read_text()) == expected
    assert not Path(f"{out}.partial").exists()
    assert [p.name for p in folder.iterdir()] == ["i.json"]  # nothing left behind


# --- outputs never replace inputs -----------------------------------------------------------


def test_export_over_its_own_config_is_refused(one_level_config, capsys):
    before = one_level_config.read_bytes()
    argv = ["export", str(one_level_config), "--to", "qualtran", "-o", str(one_level_config)]
    assert main(argv) == 2
    _one_error_line(capsys, "is an input of this run")
    assert one_level_config.read_bytes() == before


def test_code_outer_matrix_over_its_own_input_is_refused(tmp_path, capsys):
    matrix = tmp_path / "m.txt"
    assert main(["code", "outer", "ring:6", "--write-matrix", str(matrix)]) == 0
    capsys.readouterr()
    before = matrix.read_bytes()
    assert main(["code", "outer", str(matrix), "--write-matrix", str(matrix)]) == 2
    _one_error_line(capsys, "--write-matrix", "is an input of this run")
    assert matrix.read_bytes() == before


def test_symlink_loop_as_output_is_refused(one_level_config, tmp_path, capsys):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    argv = ["export", str(one_level_config), "--to", "qualtran", "-o", str(tmp_path / "a")]
    assert main(argv) == 2
    _one_error_line(capsys, "symlink loop")


# --- every file the tool reads: file kinds, sizes, encodings, nesting ------------------------

ONE_LEVEL_CALIBRATED = """
p_phys = 1e-3
[noise]
model = "calibrated"
file = "{file}"
[level1]
protocol = "15-to-1"
d_x = 17
d_z = 7
d_m = 7
"""


def _kinds(tmp_path: Path) -> dict[str, Path]:
    """A file of each hostile kind, by name."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"caf\xe9": 1}')
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    nan = tmp_path / "nan.json"
    nan.write_text('{"p": NaN}')
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(2**40)  # a sparse file of 1 TiB
    return {
        "fifo": fifo,
        "device": Path("/dev/zero"),
        "symlink loop": loop,
        "directory": folder,
        "not UTF-8": latin,
        "deep": deep,
        "NaN": nan,
        "huge": big,
    }


KIND_WORDS = {
    "fifo": "not a regular file",
    "device": "not a regular file",
    "symlink loop": "cannot read",
    "directory": "is a directory",
    "not UTF-8": "not UTF-8",
    "deep": "nests deeper",
    "NaN": "NaN",
    "huge": "bytes",
}


@pytest.mark.parametrize("kind", sorted(KIND_WORDS))
def test_every_reader_refuses_hostile_files(kind, tmp_path, one_level_config, capsys):
    """Calibration files, partial files to resume, result files to plot and summaries: each
    kind is refused with one line naming the field, before it is read (a FIFO would block, a
    device or a sparse file would be read until memory ran out)."""
    hostile = _kinds(tmp_path)[kind]
    config = tmp_path / "calibrated.toml"
    config.write_text(ONE_LEVEL_CALIBRATED.format(file=hostile))
    out = tmp_path / "r.csv"
    partial = Path(f"{out}.partial")
    if kind in ("symlink loop", "fifo", "device", "directory"):
        os.symlink(hostile, partial)
    else:
        partial.write_bytes(hostile.read_bytes() if hostile.stat().st_size < 2**20 else b"")
    cases = [
        (["estimate", str(config)], "noise.file"),
        (["plot", str(hostile), "-o", str(tmp_path / "p.png")], "RESULTS"),
    ]
    if kind != "huge":  # the partial file is a copy: not sparse
        sweep_argv = ["sweep", str(one_level_config), "--vary", "level1.d_x=7,9", "-o", str(out)]
        cases.append(([*sweep_argv, "--resume"], "--resume"))
    for argv, field in cases:
        assert main(argv) == 2, argv
        _one_error_line(capsys, field)


def test_plot_of_a_p_phys_without_rows_is_an_error(one_level_config, tmp_path, capsys):
    """Issue 21: msd plot --p-phys with no matching rows wrote an empty plot and exited 0."""
    results = tmp_path / "r.csv"
    argv = ["sweep", str(one_level_config), "--vary", "level1.d_x=7,9", "-o", str(results)]
    assert main(argv) == 0
    capsys.readouterr()
    figure = tmp_path / "p.png"
    assert main(["plot", str(results), "--p-phys", "3e-3", "-o", str(figure)]) == 2
    _one_error_line(capsys, "--p-phys", "0.003", "0.0001")
    assert not figure.exists()


def test_mix_of_ten_million_feeders_is_refused(tmp_path, capsys):
    """Issue 21: a mix of 10^7 level-1 factories was accepted with exit 0."""
    config = tmp_path / "mix.toml"
    config.write_text(
        'p_phys = 1e-3\n[level1]\nprotocol = "15-to-1"\nd_x = 13\nd_z = 5\nd_m = 5\ncount = 4\n'
        "[[level1.mix]]\ncount = 10000000\nd_x = 11\n"
        '[level2]\nprotocol = "15-to-1"\nd_x = 25\nd_z = 11\nd_m = 11\n'
    )
    assert main(["estimate", str(config)]) == 2
    _one_error_line(capsys, "level1.mix[0].count", "[1, 1,000,000]")


def test_unknown_key_of_an_inline_schedule_is_refused(tmp_path, capsys):
    config = tmp_path / "inline.toml"
    config.write_text(
        'p_phys = 1e-4\n[level1]\nprotocol = "15-to-1"\nd_x = 7\nd_z = 3\nd_m = 3\n'
        'schedule = { steps = [["Z1"]], consume = [{ qubit = 1, step = 1, when = 2 }] }\n'
    )
    assert main(["estimate", str(config)]) == 2
    _one_error_line(capsys, "level1.schedule.consume[0].when", "unknown key")


@pytest.mark.parametrize(
    "argv",
    [
        ["noise", "phenomenological", "--p", "1e-300", "--d-x", "99", "--d-z", "99"],
        ["noise", "litinski2019", "--p", "0.00999", "--d-x", "99999", "--d-z", "99999"]
        + ["--d-m", "1"],
        ["noise", "phenomenological", "--p", "1e-3", "--d-x", "999999", "--d-z", "3"],
    ],
)
def test_noise_never_prints_an_invalid_probability(argv, capsys):
    """Issue 21: msd noise printed probabilities of 1e26 and underflows as 0."""
    assert main([*argv, "--format", "json"]) == 2
    _one_error_line(capsys)


@pytest.mark.parametrize("eps", ["0.2", "0.05"])
def test_inner_outer_protocol_outside_its_expansion_is_refused(eps, capsys):
    """Issue 21: input errors of 0.2-0.49 printed eps_out 'probabilities' of 4,080."""
    config = Path(__file__).resolve().parents[1] / "configs" / "haah2018"
    argv = ["estimate", str(config / "01_VI.3.1_mek_63-45-4.toml"), "--set", f"eps_in={eps}"]
    assert main([*argv, "--format", "json"]) == 2
    _one_error_line(capsys, "eps_out", "applies only while eps_out <= 0.1")


# --- calibrations: resource guard, interrupts, no stray files --------------------------------


@pytest.mark.parametrize(
    ("d", "words"),
    [("3:1001", "more than 64 distances"), ("3,1001", "memory"), ("3:101", "would take")],
)
def test_calibration_beyond_the_resource_guard_is_refused(d, words, tmp_path, capsys):
    """Issue 21: msd calibrate --d 3:1001 ran out of memory or hung."""
    argv = ["calibrate", "depolarizing", "--p", "1e-3", "--d", d, "-o", str(tmp_path / "c.json")]
    assert main(argv) == 2
    _one_error_line(capsys, "--d" if "distances" in words else words)
    assert list(tmp_path.iterdir()) == []


def _fake_sampling(monkeypatch, then: BaseException | None):
    """collect() writes its partial file, then raises ``then`` (or returns no statistics)."""
    from estimator.calibration import sampling

    def collect(plan, *, resume, **options):
        resume.write_text("kind,p\n")
        if then is not None:
            raise then
        return []

    monkeypatch.setattr(sampling, "collect", collect)


def test_failed_calibration_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    """Issue 21: failed calibrations left *.partial.csv behind."""
    from estimator.calibration import datafile
    from estimator.errors import ModelError

    _fake_sampling(monkeypatch, None)

    def no_fit(*args, **kwargs):
        raise ModelError("every shot failed: nothing to fit")

    monkeypatch.setattr(datafile, "calibration_record", no_fit)
    argv = ["calibrate", "depolarizing", "--p", "1e-3", "--d", "3", "--quiet"]
    assert main([*argv, "-o", str(tmp_path / "c.json")]) == 2
    _one_error_line(capsys, "nothing to fit")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_calibration_keeps_its_samples(tmp_path, monkeypatch, capsys):
    _fake_sampling(monkeypatch, KeyboardInterrupt())
    out = tmp_path / "c.json"
    argv = ["calibrate", "depolarizing", "--p", "1e-3", "--d", "3", "--quiet", "-o", str(out)]
    assert main(argv) == 130
    assert "rerun to resume" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["c.json.partial.csv"]


@pytest.mark.parametrize(
    ("hardware", "field"),
    [
        ("cycle_time_us = 1e308", "hardware.cycle_time_us"),
        ("cycle_time_us = 1e-308", "hardware.cycle_time_us"),
        ("cycle_time_us = 1.0\nt_count = 1e308\ntime_budget_s = 1", "hardware.t_count"),
        ("cycle_time_us = 1.0\nt_count = 1e30\ntime_budget_s = 1e-9", "hardware.t_count"),
        ("cycle_time_us = 1.0\nneeded_t_per_s = 1.7e308", "hardware.needed_t_per_s"),
        ("cycle_time_us = 1.0\nmachine_qubits = 1e308", "hardware.machine_qubits"),
    ],
)
def test_hardware_numbers_near_the_float_range_are_refused(hardware, field, tmp_path, capsys):
    """Issue 21: cycle times and demands near the float range ended in tracebacks or in rates
    printed as 0."""
    config = tmp_path / "hw.toml"
    config.write_text(
        'p_phys = 1e-3\n[level1]\nprotocol = "15-to-1"\nd_x = 17\nd_z = 7\nd_m = 7\n'
        f"[hardware]\n{hardware}\n"
    )
    assert main(["estimate", str(config), "--format", "json"]) == 2
    _one_error_line(capsys, field, "must")


def test_plan_error_is_one_line(capsys):
    """Issue 21: msd plan printed its progress lines before the one error line (stderr is not
    a terminal here: no progress)."""
    assert main(["plan", "--p", "1e-3", "--target", "1e-30", "--levels", "1"]) == 2
    _one_error_line(capsys, "--target")


# --- every verb's JSON through the one output check ---------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _json_of(argv: list[str], capsys):
    """The parsed stdout of a verb, or None after a refusal of one line (exit 2; warnings the
    request asked for, such as --extrapolate's, may precede it)."""
    code = main(argv)
    captured = capsys.readouterr()
    if code == 2:
        lines = [x for x in captured.err.splitlines() if not x.startswith("msd: warning: ")]
        assert len(lines) == 1 and lines[0].startswith("msd: error: ") and not captured.out
        return None
    assert code == 0, captured.err
    return _strict_json(captured.out)


VERBS = [
    ["table", "--format", "json"],
    ["schedule", str(ROOT / "configs/litinski2019/06_15to1_17-7-7_p1e-3.toml"), "--format", "json"],
    ["code", "inner", "7-1-3", "--format", "json"],
    ["code", "outer", "ring:6", "--format", "json"],
    ["concat", "15-15", "--eps-in", "1e-2", "--format", "json"],
    ["noise", "si1000", "--p", "1e-3", "--d-x", "7", "--d-z", "5", "--format", "json"],
    ["estimate", str(ROOT / "configs/haah2018/02_VI.4.1_31-11-5_vh.toml"), "--format", "json"],
]


@pytest.mark.parametrize("argv", VERBS, ids=lambda a: " ".join(a[:2]))
def test_every_verb_prints_strict_valid_json(argv, capsys):
    from estimator.jsonout import check_numbers

    check_numbers(_json_of(argv, capsys))


@HYPOTHESIS
@given(
    p=st.floats(1e-6, 9e-3),
    d=st.tuples(*[st.integers(1, 30).map(lambda k: 2 * k + 1)] * 3),
    model=st.sampled_from(["phenomenological", "litinski2019", "si1000", "depolarizing"]),
)
@example(p=0.0063280304843283145, d=(11, 15, 3), model="si1000")  # extrapolated: warnings
def test_estimate_and_noise_json_is_valid_at_any_point(p, d, model, one_level_config, capsys):
    """Property: at any p_phys and distances, msd estimate and msd noise print only valid
    numbers (strict JSON, probabilities in [0, 1], positive costs) or refuse with one line."""
    from estimator.jsonout import check_numbers

    d_x, d_z, d_m = max(d[0], d[1]), min(d[0], d[1]), d[2]
    sets = [f"p_phys={p!r}", f"level1.d_x={d_x}", f"level1.d_z={d_z}", f"level1.d_m={d_m}"]
    argv = ["estimate", str(one_level_config), "--format", "json"]
    for s in sets:
        argv += ["--set", s]
    check_numbers(_json_of(argv, capsys))
    noise = ["noise", model, "--p", repr(p), "--d-x", str(d_x), "--d-z", str(d_z)]
    noise += ["--d-m", str(d_m), "--extrapolate", "--format", "json"]
    check_numbers(_json_of(noise, capsys))


def test_ctrl_c_stops_a_cp_sat_solve_with_keyboard_interrupt():
    """Issue 21: Ctrl-C during the CP-SAT phase of a sweep ended the search as if its time were
    up ("machine too loaded"), dropped whole series and exited 0. Now the solve stops and
    KeyboardInterrupt reaches the caller (the CLI exits 130)."""
    import signal
    import threading
    import time

    from ortools.sat.python import cp_model

    from estimator.cpsat import solve_interruptibly

    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 100, f"x{i}") for i in range(60)]
    for a, b in zip(xs, xs[1:]):
        model.add(a != b)
    model.add_all_different(xs[:50])
    model.maximize(sum((i % 7) * x for i, x in enumerate(xs)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        solve_interruptibly(solver, model)
    assert time.monotonic() - start < 10  # stopped, not run to its 30 s limit


def test_calibration_where_every_shot_failed_is_a_model_error():
    """Issue 21: a singular fit when every shot fails ended in a traceback."""
    from estimator.calibration.datafile import calibration_record
    from estimator.calibration.sampling import Plan, Stat
    from estimator.errors import ModelError

    plan = Plan("depolarizing", (1e-3, 2e-3), (3, 5))
    keys = ("kind", "basis", "p", "d_x", "d_z", "width", "height", "rounds")
    stats = [Stat(*(m[k] for k in keys), 1000, 1000, 1.0) for m in plan.metadata()]
    with pytest.raises(ModelError, match="every shot failed"):
        calibration_record(
            plan, stats, max_shots=1000, max_errors=100, wall_seconds=1.0, command=""
        )


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**30), 10**30),
    st.sampled_from([0.0, -0.0, 5e-324, 1.7976931348623157e308, 1e-308, 1e308]),
)


def _toml(value) -> str:
    text = repr(value)
    return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(text, text)


@HYPOTHESIS
@given(cycle=NUMBERS, demand=NUMBERS, machine=NUMBERS)
def test_hardware_numbers_accepted_or_refused_by_name(cycle, demand, machine, tmp_path, capsys):
    """Property: any numbers in [hardware] give valid JSON (every number in range) or one
    line naming the hardware field; never a traceback or an invalid number."""
    from estimator.jsonout import check_numbers

    config = tmp_path / "hw.toml"
    config.write_text(
        'p_phys = 1e-3\n[level1]\nprotocol = "15-to-1"\nd_x = 17\nd_z = 7\nd_m = 7\n'
        f"[hardware]\ncycle_time_us = {_toml(cycle)}\nneeded_t_per_s = {_toml(demand)}\n"
        f"machine_qubits = {_toml(machine)}\n"
    )
    code = main(["estimate", str(config), "--format", "json"])
    captured = capsys.readouterr()
    if code == 2:
        assert captured.err.count("\n") == 1 and "hardware." in captured.err
    else:
        assert code == 0
        record = _strict_json(captured.out)
        check_numbers(record)
        assert all(v is None or v > 0 for k, v in record.items() if k.endswith("_per_s"))


@HYPOTHESIS
@given(count=NUMBERS, mix=NUMBERS)
def test_counts_accepted_or_refused_by_name(count, mix, tmp_path, capsys):
    """Property: any level1.count and mix count is a valid factory or one line naming it."""
    config = tmp_path / "counts.toml"
    config.write_text(
        f'p_phys = 1e-3\n[level1]\nprotocol = "15-to-1"\nd_x = 13\nd_z = 5\nd_m = 5\n'
        f"count = {_toml(count)}\n[[level1.mix]]\ncount = {_toml(mix)}\nd_x = 11\n"
        '[level2]\nprotocol = "15-to-1"\nd_x = 25\nd_z = 11\nd_m = 11\n'
    )
    code = main(["estimate", str(config), "--format", "json"])
    captured = capsys.readouterr()
    if code == 2:
        assert captured.err.count("\n") == 1 and "level1." in captured.err
    else:
        assert code == 0 and 1 <= count <= 10**6 and 1 <= mix <= 10**6


@pytest.mark.parametrize("verb", ["export", "sweep", "draw"])
def test_output_that_is_a_fifo_or_device_is_never_replaced(verb, one_level_config, tmp_path, capsys):
    """An output written atomically (temporary file, then rename) over a device or a pipe
    would replace it (run as root, -o /dev/null replaced the device with a file): refused.
    A FIFO stands in for the device here."""
    import stat as stat_module

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    argv = {
        "export": ["export", str(one_level_config), "--to", "qualtran", "-o", str(fifo)],
        "sweep": ["sweep", str(one_level_config), "--vary", "level1.d_x=7,9", "-o", str(fifo)],
        "draw": ["draw", str(one_level_config), "-o", str(fifo.with_suffix(".png"))],
    }[verb]
    if verb == "draw":
        os.mkfifo(fifo.with_suffix(".png"))
    assert main(argv) == 2
    _one_error_line(capsys, "not a regular file")
    assert stat_module.S_ISFIFO(os.stat(argv[-1]).st_mode)


def test_write_text_refuses_a_special_file(tmp_path):
    from estimator.errors import ConfigError
    from estimator.studies.output import write_text

    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        write_text(fifo, "x")


@pytest.mark.parametrize("key", ["0/0/6", "0/0/1", "1/0/0", "-1/0/0", "0/0/800"])
def test_re_signed_chunk_under_another_key_is_refused(key, interrupted, capsys):
    """A chunk copied under another chunk's key (signed again) would add its rows twice: every
    stored chunk must be one the study cuts, holding only its own grid points."""
    argv, out, partial = interrupted
    lines = partial.read_text().splitlines()
    stamp = json.loads(lines[0])["fingerprint"]
    entry = json.loads(lines[1].partition(" ")[2])
    entry["chunk"] = key
    content = json.dumps(entry)
    digest = hashlib.sha256(json.dumps(stamp, sort_keys=True).encode())
    digest.update(content.encode())
    partial.write_text("\n".join([*lines, f"{digest.hexdigest()} {content}"]) + "\n")
    assert main([*argv, "--resume"]) == 2
    _one_error_line(capsys, "is not a chunk of this study")
    assert not out.exists()


@pytest.mark.parametrize("config", ["08_21-3-5_eq5.4.toml", "02_17-1-5_twice.toml"])
def test_truncated_series_of_001_outside_its_range_is_refused(config, capsys):
    """Issue 21: a protocol of 001 at input error 0.3 printed epsbar_out 7e23 (its series is
    counted only through some weight)."""
    path = ROOT / "configs" / "haah2017" / config
    assert main(["estimate", str(path), "--set", "eps_in=0.1", "--format", "json"]) == 2
    _one_error_line(capsys, "applies only while both are <= 0.1")
    record = _json_of(["estimate", str(path), "--set", "eps_in=0.01", "--format", "json"], capsys)
    assert 0 < record["epsbar_out"] < 1e-3


def test_concatenation_with_a_stage_of_001_outside_its_range(capsys):
    assert main(["concat", "001:17-15", "--eps-in", "0.3"]) == 2
    _one_error_line(capsys, "stage 001:17", "lower eps_in")
    found = _json_of(
        ["concat", "--eps-in", "0.3", "--target", "1e-9", "--search", "--format", "json"], capsys
    )
    assert found["results"] == []  # every sequence reaching 1e-9 went through 001 out of range


def test_a_solve_stopped_by_the_wall_clock_guard_stops_the_study(tmp_path, monkeypatch, capsys):
    """Issue 21: a series whose CP-SAT solve ended early was dropped (its points skipped) and
    the sweep exited 0 with a file that looked complete. A load-dependent stop ends the study
    with one line; nothing is written."""
    from estimator.errors import LoadError
    from layouts import scheduler

    def loaded(*args, **kwargs):
        raise LoadError("CP-SAT was stopped by the wall-clock guard; retry later")

    monkeypatch.setattr(scheduler, "solve_interruptibly", loaded)
    config = ROOT / "configs" / "studies" / "family_one_level_p1e-3.toml"
    out = tmp_path / "f.csv"
    argv = ["sweep", str(config), "--set", "level1.protocol=14-to-2", "--workers", "1"]
    assert main([*argv, "--vary", "level1.protocol=15-to-1,14-to-2", "-o", str(out)]) == 2
    _one_error_line(capsys, "level1.schedule", "wall-clock guard")
    assert not out.exists()


def test_ctrl_c_after_a_cp_sat_solve_is_still_a_keyboard_interrupt():
    """A CpSolver that catches SIGINT itself leaves the signal at the system default after the
    solve: a later Ctrl-C killed the process without its cleanup (the test suite died with
    exit 130). Every solve goes through estimator.cpsat, which keeps Python's handler."""
    import signal
    import time

    from ortools.sat.python import cp_model

    from estimator.cpsat import solve_interruptibly

    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.maximize(x)
    assert solve_interruptibly(cp_model.CpSolver(), model) == cp_model.OPTIMAL
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
        time.sleep(1)
