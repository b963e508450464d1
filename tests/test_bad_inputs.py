"""The bad-input corpus: malformed, hostile and extreme inputs to every verb, one row each.

Every row must end with exactly one line on stderr (``msd: error: ...``) that names the field
to change, exit code 2, nothing on stdout, no traceback, within its time bound (issue 9,
item 5). The CLI runs in-process (``estimator.cli.main``), so the corpus stays fast; the
paths that need a real process (a closed pipe, bytes in argv, the interpreter's own
encoding) are in ``tests/test_hardening.py``.

Adding rows: append ``Case``s to the section list of the verb (or add a section list for a
new verb and list it in ``CASES``). A row is

    Case(name, argv, field, files={...}, seconds=...)

``argv`` is a string split like a shell line (or a list); ``{dir}`` stands for the row's
temporary directory, where ``files`` (name -> str or bytes; FIFO makes a named pipe) are
created first. ``field`` must appear in the error line. ``c.toml`` holds ONE_LEVEL unless
``files`` says otherwise.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from estimator.cli import main

ONE_LEVEL = """p_phys = 1e-4
[level1]
protocol = "15-to-1"
d_x = 7
d_z = 3
d_m = 3
"""

TWO_LEVEL = """p_phys = 1e-4
[level1]
protocol = "15-to-1"
d_x = 9
d_z = 3
d_m = 3
count = 4
[level2]
protocol = "20-to-4"
d_x = 15
d_z = 7
d_m = 9
"""

MATRIX_15 = "000011110111000\n100111000101011\n010110100011101\n001101110001110\n000000011111111"

FIFO = object()
"""A ``files`` value: create a named pipe (nothing ever writes to it)."""


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, the files it needs, the field its error must name."""

    name: str
    argv: str | Sequence[str]
    field: str
    files: Mapping[str, str | bytes | object] = field(default_factory=dict)
    seconds: float = 5.0

    def materialise(self, directory: Path) -> list[str]:
        """Create the files in ``directory``; the argument list with ``{dir}`` filled in."""
        files = {"c.toml": ONE_LEVEL, **self.files}
        for name, content in files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if content is FIFO:
                os.mkfifo(path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        words = shlex.split(self.argv) if isinstance(self.argv, str) else list(self.argv)
        return [w.replace("{dir}", str(directory)) for w in words]


def config(name: str, text: str, expected: str, verb: str = "estimate", extra: str = "") -> Case:
    """A row whose config file is ``text`` (run as ``msd VERB {dir}/c.toml EXTRA``)."""
    return Case(name, f"{verb} {{dir}}/c.toml {extra}", expected, files={"c.toml": text})


def one_level(name: str, replace: Mapping[str, str], expected: str, verb: str = "estimate"):
    """ONE_LEVEL with lines replaced (``"d_x = 7" -> "d_x = 8"``); "" deletes a line."""
    text = ONE_LEVEL
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return config(name, text, expected, verb)


def protocol(name: str, table: str, expected: str, verb: str = "estimate", extra: str = ""):
    """A one-level config running the user protocol ``[protocols.p]`` given by ``table``."""
    text = ONE_LEVEL.replace('"15-to-1"', '"p"') + "[protocols.p]\n" + table + "\n"
    return config(name, text, expected, verb, extra)


def setting(name: str, assignment: str, expected: str, verb: str = "estimate") -> Case:
    """ONE_LEVEL with one ``--set`` (argv as a list: the value may hold spaces)."""
    return Case(name, [verb, "{dir}/c.toml", "--set", assignment], expected)


def deep(depth: int, kind: str = "array") -> str:
    """A TOML value nested ``depth`` deep."""
    if kind == "array":
        return "[" * depth + "]" * depth
    return "{a = " * depth + "1" + "}" * depth


def rows_matrix(rows: Sequence[str]) -> str:
    return "matrix = [" + ", ".join(f'"{r}"' for r in rows) + "]"


IDENTITY_33 = ["".join("1" if i == j else "0" for j in range(33)) for i in range(33)]
CHAIN_28 = '"' + " ".join(f"Z{q}" for q in range(1, 29)) + '"'
CHAIN_32 = '"' + " ".join(f"Z{q}" for q in range(1, 33)) + '"'

FILES = [
    Case("missing-config", "estimate {dir}/none.toml", "CONFIG"),
    Case("config-is-a-directory", "estimate {dir}/sub", "CONFIG", files={"sub/x": ""}),
    Case("config-is-dev-null", "estimate /dev/null", "CONFIG"),
    Case("config-is-dev-zero", "estimate /dev/zero", "CONFIG"),
    Case("config-is-dev-urandom", "estimate /dev/urandom", "CONFIG"),
    Case("config-is-a-fifo", "estimate {dir}/pipe", "CONFIG", files={"pipe": FIFO}),
    Case("config-too-large", "estimate {dir}/big.toml", "CONFIG", files={"big.toml": "#" * 2**25}),
    config("config-empty", "", "p_phys"),
    config("config-random-bytes", bytes(range(128, 256)) * 3, "CONFIG"),
    config(
        "config-latin-1-title",
        'title = "caf\xe9"\n'.encode("latin-1") + ONE_LEVEL.encode(),
        "CONFIG",
    ),
    config("config-utf-16", ONE_LEVEL.encode("utf-16"), "CONFIG"),
    config("config-nul-byte", "p_phys = 1e-4\x00\n", "CONFIG"),
    config("config-malformed-toml", "p_phys = [", "CONFIG"),
    config("config-duplicate-key", "p_phys = 1e-4\np_phys = 1e-3\n", "CONFIG"),
    config("config-nested-arrays-5000", f"paper = {deep(5000)}\n", "CONFIG"),
    config("config-nested-tables-5000", f"paper = {deep(5000, 'table')}\n", "CONFIG"),
    config("config-nested-arrays-100", ONE_LEVEL + f"[paper]\nx = {deep(100)}\n", "CONFIG"),
    config("config-5000-digit-integer", "p_phys = " + "9" * 5000 + "\n", "CONFIG"),
    config("config-dotted-keys-deep", ".".join(["a"] * 3000) + " = 1\n", "CONFIG"),
    Case("matrix-file-missing", "code check {dir}/none.txt", "FILE"),
    Case("matrix-file-directory", "code check {dir}", "FILE"),
    Case("matrix-file-dev-zero", "code check /dev/zero", "FILE"),
    Case("matrix-file-fifo", "code check {dir}/pipe", "FILE", files={"pipe": FIFO}),
    Case("matrix-file-not-utf8", "code check {dir}/m.txt", "FILE", files={"m.txt": b"\xff\xfe1\n"}),
]

TOP_LEVEL = [
    one_level("p_phys-missing", {"p_phys = 1e-4\n": ""}, "p_phys"),
    one_level("p_phys-string", {"p_phys = 1e-4": 'p_phys = "1e-4"'}, "p_phys"),
    one_level("p_phys-bool", {"p_phys = 1e-4": "p_phys = true"}, "p_phys"),
    one_level("p_phys-nan", {"p_phys = 1e-4": "p_phys = nan"}, "p_phys"),
    one_level("p_phys-inf", {"p_phys = 1e-4": "p_phys = inf"}, "p_phys"),
    one_level("p_phys-negative", {"p_phys = 1e-4": "p_phys = -1e-4"}, "p_phys"),
    one_level("p_phys-zero", {"p_phys = 1e-4": "p_phys = 0.0"}, "p_phys"),
    one_level("p_phys-above-threshold", {"p_phys = 1e-4": "p_phys = 0.5"}, "p_phys"),
    one_level("p_phys-1e-300", {"p_phys = 1e-4": "p_phys = 1e-300"}, "p_phys"),
    one_level("p_phys-subnormal", {"p_phys = 1e-4": "p_phys = 5e-324"}, "p_phys"),
    one_level("p_phys-huge-integer", {"p_phys = 1e-4": "p_phys = " + "9" * 400}, "p_phys"),
    one_level("p_phys-array", {"p_phys = 1e-4": "p_phys = [1e-4]"}, "p_phys"),
    one_level("p_phys-table", {"p_phys = 1e-4": "p_phys = {a = 1}"}, "p_phys"),
    one_level("p_t-half", {"p_phys = 1e-4": "p_phys = 1e-4\np_t = 0.5"}, "p_t"),
    one_level("p_t-negative", {"p_phys = 1e-4": "p_phys = 1e-4\np_t = -0.1"}, "p_t"),
    one_level("p_t-underflow", {"p_phys = 1e-4": "p_phys = 1e-4\np_t = 1e-310"}, "p_t"),
    one_level("p_t-string", {"p_phys = 1e-4": 'p_phys = 1e-4\np_t = "x"'}, "p_t"),
    one_level("title-number", {"p_phys = 1e-4": "title = 5\np_phys = 1e-4"}, "title"),
    one_level("title-array", {"p_phys = 1e-4": 'title = ["a"]\np_phys = 1e-4'}, "title"),
    one_level("unknown-top-key", {"p_phys = 1e-4": "p_phys = 1e-4\np_physics = 1"}, "p_physics"),
    one_level("noise-not-a-table", {"p_phys = 1e-4": "p_phys = 1e-4\nnoise = 5"}, "noise"),
    config("noise-prefactor-negative", ONE_LEVEL + "[noise]\nprefactor = -1.0\n", "prefactor"),
    config("noise-prefactor-inf", ONE_LEVEL + "[noise]\nprefactor = inf\n", "prefactor"),
    config("noise-prefactor-huge", ONE_LEVEL + "[noise]\nprefactor = 1e10\n", "level1.d_m"),
    config("noise-threshold-zero", ONE_LEVEL + "[noise]\nthreshold = 0.0\n", "threshold"),
    config("noise-threshold-nan", ONE_LEVEL + "[noise]\nthreshold = nan\n", "threshold"),
    config("noise-threshold-below-p", ONE_LEVEL + "[noise]\nthreshold = 1e-5\n", "p_phys"),
    config("noise-t-error-unknown", ONE_LEVEL + '[noise]\nt_error = "gaussian"\n', "t_error"),
    config("noise-t-error-number", ONE_LEVEL + "[noise]\nt_error = 3\n", "t_error"),
    config("noise-unknown-key", ONE_LEVEL + "[noise]\nslope = 3\n", "noise.slope"),
]

LEVELS = [
    config("level1-missing", "p_phys = 1e-4\n", "level1"),
    config("level1-not-a-table", "p_phys = 1e-4\nlevel1 = 3\n", "level1"),
    one_level("d_x-missing", {"d_x = 7\n": ""}, "level1.d_x"),
    one_level("d_x-even", {"d_x = 7": "d_x = 8"}, "level1.d_x"),
    one_level("d_x-zero", {"d_x = 7": "d_x = 0"}, "level1.d_x"),
    one_level("d_x-negative", {"d_x = 7": "d_x = -7"}, "level1.d_x"),
    one_level("d_x-float", {"d_x = 7": "d_x = 7.0"}, "level1.d_x"),
    one_level("d_x-string", {"d_x = 7": 'd_x = "7"'}, "level1.d_x"),
    one_level("d_x-bool", {"d_x = 7": "d_x = true"}, "level1.d_x"),
    one_level("d_x-10^30+1", {"d_x = 7": "d_x = 1" + "0" * 29 + "1"}, "level1.d_x"),
    one_level("d_x-100001", {"d_x = 7": "d_x = 100001"}, "level1.d_x"),
    one_level("d_z-above-d_x", {"d_z = 3": "d_z = 9"}, "level1.d_z"),
    one_level("d_m-nan", {"d_m = 3": "d_m = nan"}, "level1.d_m"),
    one_level(
        "timelike-probability-above-1",
        {
            "p_phys = 1e-4": "p_phys = 9e-3",
            "d_x = 7": "d_x = 51",
            "d_z = 3": "d_z = 1",
            "d_m = 3": "d_m = 1",
        },
        "level1.d_m",
    ),
    one_level(
        "p_L-underflows-at-d-999",
        {"d_x = 7": "d_x = 999", "d_z = 3": "d_z = 999", "d_m = 3": "d_m = 999"},
        "level1.d_",
    ),
    one_level("protocol-unknown", {'"15-to-1"': '"16-to-1"'}, "level1.protocol"),
    one_level("protocol-number", {'"15-to-1"': "15"}, "level1.protocol"),
    one_level("protocol-family-98-to-30", {'"15-to-1"': '"98-to-30"'}, "level1.protocol"),
    one_level("protocol-family-huge", {'"15-to-1"': '"3000008-to-1000000"'}, "level1.protocol"),
    one_level("protocol-family-odd-k", {'"15-to-1"': '"41-to-11"'}, "level1.protocol"),
    one_level("protocol-family-k-0", {'"15-to-1"': '"8-to-0"'}, "level1.protocol"),
    one_level("layout-unknown", {"d_x = 7": 'd_x = 7\nlayout = "grid"'}, "level1.layout"),
    one_level("layout-number", {"d_x = 7": "d_x = 7\nlayout = 1"}, "level1.layout"),
    one_level("auto-layout-paper-schedule", {"d_x = 7": 'd_x = 7\nlayout = "auto"'}, "schedule"),
    one_level("schedule-unknown", {"d_x = 7": 'd_x = 7\nschedule = "fast"'}, "level1.schedule"),
    one_level(
        "no-published-schedule", {'"15-to-1"': '"20-to-4"'}, "level1.schedule"
    ),  # 20-to-4 has no published level-1 schedule
    one_level("level1-unknown-key", {"d_x = 7": "d_x = 7\nd_y = 3"}, "level1.d_y"),
    one_level("count-without-level2", {"d_x = 7": "d_x = 7\ncount = 4"}, "level1.count"),
    config("count-missing", TWO_LEVEL.replace("count = 4\n", ""), "level1.count"),
    # odd counts are valid (pooled supply, docs/model-extensions.md E4); a small-footprint
    # block places one level-1 factory
    config(
        "count-two-small-footprint",
        TWO_LEVEL.replace("count = 4", "count = 2").replace(
            '[level2]\nprotocol = "20-to-4"',
            '[level2]\nprotocol = "15-to-1"\nlayout = "small-footprint"',
        ),
        "level1.count",
    ),
    config("count-zero", TWO_LEVEL.replace("count = 4", "count = 0"), "level1.count"),
    config("count-huge", TWO_LEVEL.replace("count = 4", "count = 10000000"), "level1.count"),
    config("count-string", TWO_LEVEL.replace("count = 4", 'count = "4"'), "level1.count"),
    config("level2-d_x-even", TWO_LEVEL.replace("d_x = 15", "d_x = 16"), "level2.d_x"),
    config("level2-protocol-unknown", TWO_LEVEL.replace('"20-to-4"', '"x"'), "level2.protocol"),
    config("level2-not-a-table", ONE_LEVEL.replace("[level1]", "level2 = 1\n[level1]"), "level2"),
]

PROTOCOLS = [
    config("protocols-entry-not-a-table", ONE_LEVEL + "[protocols]\np = 3\n", "protocols.p"),
    protocol("protocol-empty-table", "", "protocols.p"),
    protocol("protocol-unknown-key", 'rotations = ["Z1"]\noutputs = [1]\nfoo = 1', "protocols.p"),
    protocol("rotations-not-a-list", 'rotations = "Z1"\noutputs = [1]', "protocols.p.rotations"),
    protocol("rotations-numbers", "rotations = [1, 2]\noutputs = [1]", "protocols.p.rotations"),
    protocol("rotation-x-type", 'rotations = ["X1"]\noutputs = [1]', "protocols.p"),
    protocol("rotation-qubit-0", 'rotations = ["Z0"]\noutputs = [1]', "protocols.p"),
    protocol("rotation-qubit-twice", 'rotations = ["Z1 Z1"]\noutputs = [1]', "protocols.p"),
    protocol("rotations-empty", "rotations = []\noutputs = [1]", "protocols.p"),
    protocol("rotation-on-qubit-99", 'rotations = ["Z1 Z99"]\noutputs = [1]', "protocols.p"),
    protocol(
        "rotation-on-qubit-10^30",
        'rotations = ["Z1 Z' + "9" * 30 + '"]\noutputs = [1]',
        "protocols.p",
    ),
    protocol("output-on-qubit-99", 'rotations = ["Z1"]\noutputs = [99]', "protocols.p"),
    protocol("outputs-missing", 'rotations = ["Z1"]', "protocols.p.outputs"),
    protocol("outputs-empty", 'rotations = ["Z1"]\noutputs = []', "protocols.p.outputs"),
    protocol("outputs-zero", 'rotations = ["Z1"]\noutputs = [0]', "protocols.p.outputs"),
    protocol("outputs-strings", 'rotations = ["Z1"]\noutputs = ["1"]', "protocols.p.outputs"),
    protocol("outputs-bool", 'rotations = ["Z1"]\noutputs = [true]', "protocols.p.outputs"),
    protocol("rotations-28-qubits", f"rotations = [{CHAIN_28}]\noutputs = [1]", "protocols.p"),
    protocol("rotations-32-qubits", f"rotations = [{CHAIN_32}]\noutputs = [1]", "protocols.p"),
    protocol("rotation-list-repeated", 'rotations = ["Z1", "Z1"]\noutputs = [1]', "protocols.p"),
    protocol("circuit-not-distilling", 'rotations = ["Z1 Z2"]\noutputs = [1]', "protocols.p"),
    protocol("matrix-string", 'matrix = "101"', "protocols.p.matrix"),
    protocol("matrix-empty", "matrix = []", "protocols.p.matrix"),
    protocol("matrix-bad-character", rows_matrix(["102"]), "protocols.p.matrix"),
    protocol("matrix-ragged", rows_matrix(["101", "11"]), "protocols.p.matrix"),
    protocol(
        "matrix-not-triorthogonal", rows_matrix(["1110", "0111", "1011"]), "protocols.p.matrix"
    ),
    protocol("matrix-33-rows", rows_matrix(IDENTITY_33), "protocols.p"),
    protocol("matrix-zero-row", rows_matrix(["1111111", "0000000"]), "protocols.p"),
    protocol("matrix-no-output", rows_matrix(["11", "11"]), "protocols.p"),
    protocol("matrix-empty-row", rows_matrix([""]), "protocols.p.matrix"),
]

SETS = [
    setting("set-without-equals", "level1.d_x", "--set"),
    setting("set-empty-key", "=5", "--set"),
    setting("set-unknown-key", "nonsense=1", "nonsense"),
    setting("set-unknown-level-key", "level1.nonsense=1", "level1.nonsense"),
    setting("set-below-a-number", "p_phys.x=1", "p_phys.x"),
    setting("set-even-distance", "level1.d_x=8", "level1.d_x"),
    setting("set-deep-value", "level1.d_x=" + deep(5000), "level1.d_x"),
    setting("set-deep-value-100", "level1.d_x=" + deep(100), "level1.d_x"),
    setting("set-5000-digit-value", "title=" + "9" * 5000, "title"),
    setting("set-nan", "p_phys=nan", "p_phys"),
    setting("set-inf", "p_phys=inf", "p_phys"),
    setting("set-minus-zero", "p_phys=-0.0", "p_phys"),
    setting("set-float-overflow", "level1.d_x=1e400", "level1.d_x"),
    setting("set-level-empty-table", "level1={}", "level1.d_x"),
    setting("set-family-98-to-30", "level1.protocol=98-to-30", "level1.protocol"),
    setting("set-protocol-with-spaces", "level1.protocol=15 to 1", "level1.protocol"),
    setting("set-unterminated-array", "level1.d_x=[7", "level1.d_x"),
    setting("set-title-huge-array", "title=[" + "1," * 100000 + "]", "title"),
    setting("set-p_t-array", "p_t=[1, 2]", "p_t"),
    setting("set-noise-string", "noise=loud", "noise"),
    Case(
        "set-user-protocol-gap",
        [
            "estimate",
            "{dir}/c.toml",
            "--set",
            'protocols.x.rotations=["Z1 Z99"]',
            "--set",
            "protocols.x.outputs=[1]",
            "--set",
            "level1.protocol=x",
        ],
        "protocols.x",
    ),
    setting("set-on-table", "paper=1", "paper", verb="table"),
]

OPTIONS = [
    Case("no-verb", "", "verb"),
    Case("unknown-verb", "estimat {dir}/c.toml", "estimat"),
    Case("estimate-no-config", "estimate", "config"),
    Case("format-unknown", "estimate {dir}/c.toml --format xml", "--format"),
    Case("precision-unknown", "estimate {dir}/c.toml --precision quad", "--precision"),
    Case("max-memory-zero", "estimate {dir}/c.toml --max-memory 0", "--max-memory"),
    Case("max-memory-word", "estimate {dir}/c.toml --max-memory lots", "--max-memory"),
    Case("max-memory-negative", "estimate {dir}/c.toml --max-memory=-1G", "--max-memory"),
    Case("max-memory-inf", "estimate {dir}/c.toml --max-memory inf", "--max-memory"),
    Case("max-seconds-negative", "estimate {dir}/c.toml --max-seconds=-1", "--max-seconds"),
    Case("max-seconds-nan", "estimate {dir}/c.toml --max-seconds nan", "--max-seconds"),
    Case("max-seconds-unit", "estimate {dir}/c.toml --max-seconds 3y", "--max-seconds"),
    protocol(
        "max-memory-too-small",
        rows_matrix(MATRIX_15.split()),
        "--max-memory",
        extra="--max-memory 1K",
    ),
    protocol(
        "max-seconds-too-small",
        rows_matrix(MATRIX_15.split()),
        "--max-seconds",
        "draw",
        "-o {dir}/x.png --max-seconds 1e-9",
    ),
    Case("unknown-option", "estimate {dir}/c.toml --fast", "--fast"),
]

TABLE = [
    Case("table-missing-directory", "table {dir}/none", "directory"),
    Case("table-directory-is-a-file", "table {dir}/c.toml", "directory"),
    Case("table-empty-directory", "table {dir}/sub", "directory", files={"sub/notes.txt": ""}),
    Case(
        "table-bad-config",
        "table {dir}/t",
        "level1.d_x",
        files={"t/a.toml": ONE_LEVEL.replace("d_x = 7", "d_x = 8")},
    ),
    Case(
        "table-bad-config-names-file",
        "table {dir}/t",
        "b.toml",
        files={"t/a.toml": ONE_LEVEL, "t/b.toml": "p_phys = ["},
    ),
    Case("table-non-utf8-config", "table {dir}/t", "a.toml", files={"t/a.toml": b"\xe9"}),
    Case(
        "table-history-malformed",
        "table {dir}/t",
        "historical.toml",
        files={"t/a.toml": ONE_LEVEL, "t/historical.toml": "rows = ["},
    ),
    Case(
        "table-history-no-rows",
        "table {dir}/t",
        "rows",
        files={"t/a.toml": ONE_LEVEL, "t/historical.toml": "x = 1"},
    ),
    Case(
        "table-history-row-missing-title",
        "table {dir}/t",
        "rows[0].title",
        files={"t/a.toml": ONE_LEVEL, "t/historical.toml": "[[rows]]\np_phys = 1e-3\n"},
    ),
    Case("table-format-unknown", "table --format xml", "--format"),
]

SWEEP = [
    Case("sweep-no-output", "sweep {dir}/c.toml --vary p_phys=1e-4", "-o"),
    Case("sweep-vary-without-equals", "sweep {dir}/c.toml --vary p_phys -o {dir}/o.csv", "--vary"),
    Case(
        "sweep-vary-unknown-key",
        "sweep {dir}/c.toml --vary nonsense=1,2 -o {dir}/o.csv",
        "nonsense",
    ),
    Case(
        "sweep-range-empty",
        "sweep {dir}/c.toml --vary level1.d_x=7:3:2 -o {dir}/o.csv",
        "level1.d_x",
    ),
    Case(
        "sweep-range-words",
        "sweep {dir}/c.toml --vary level1.d_x=a:b:c -o {dir}/o.csv",
        "level1.d_x",
    ),
    Case(
        "sweep-range-step-zero",
        "sweep {dir}/c.toml --vary level1.d_x=7:11:0 -o {dir}/o.csv",
        "level1.d_x",
    ),
    Case("sweep-no-axes", "sweep {dir}/c.toml -o {dir}/o.csv", "--vary"),
    config(
        "sweep-vary-not-a-table",
        ONE_LEVEL + "[sweep]\nvary = 3\n",
        "sweep.vary",
        "sweep",
        "-o {dir}/o.csv",
    ),
    config(
        "sweep-vary-empty-list",
        ONE_LEVEL + '[sweep.vary]\n"level1.d_x" = []\n',
        "sweep.vary.level1.d_x",
        "sweep",
        "-o {dir}/o.csv",
    ),
    config(
        "sweep-config-vary-unknown-key",
        ONE_LEVEL + "[sweep.vary]\nnonsense = [1]\n",
        "nonsense",
        "sweep",
        "-o {dir}/o.csv",
    ),
    Case(
        "sweep-every-point-invalid",
        "sweep {dir}/c.toml --vary p_phys=0.5,0.7 -o {dir}/o.csv",
        "p_phys",
    ),
    Case(
        "sweep-output-missing-directory",
        "sweep {dir}/c.toml --vary p_phys=1e-4 -o {dir}/no/o.csv",
        "o.csv",
    ),
    Case(
        "sweep-bad-config",
        "sweep {dir}/c.toml --vary p_phys=1e-4 -o {dir}/o.csv",
        "CONFIG",
        files={"c.toml": "p_phys = ["},
    ),
    Case(
        "sweep-bad-set",
        "sweep {dir}/c.toml --set level1.dx=1 --vary p_phys=1e-4 -o {dir}/o.csv",
        "level1.dx",
    ),
    Case(
        "sweep-vary-deep-value",
        ["sweep", "{dir}/c.toml", "--vary", "level1.d_x=" + deep(5000), "-o", "{dir}/o.csv"],
        "nests deeper",
    ),
    Case(
        "sweep-vary-value-100-deep",
        ["sweep", "{dir}/c.toml", "--vary", "level1.d_x=" + deep(100), "-o", "{dir}/o.csv"],
        "nests deeper",
    ),
    Case(
        "sweep-precision-unknown",
        "sweep {dir}/c.toml --vary p_phys=1e-4 -o {dir}/o.csv --precision x",
        "--precision",
    ),
]

SEARCH = [
    Case("search-target-zero", "search {dir}/c.toml --vary p_phys=1e-4 --target 0", "--target"),
    Case("search-target-above-1", "search {dir}/c.toml --vary p_phys=1e-4 --target 2", "--target"),
    Case("search-target-nan", "search {dir}/c.toml --vary p_phys=1e-4 --target nan", "--target"),
    Case("search-target-word", "search {dir}/c.toml --vary p_phys=1e-4 --target low", "--target"),
    Case("search-no-target", "search {dir}/c.toml --vary p_phys=1e-4", "--target"),
    Case(
        "search-top-zero", "search {dir}/c.toml --vary p_phys=1e-4 --target 1e-9 --top 0", "--top"
    ),
    Case(
        "search-by-unknown",
        "search {dir}/c.toml --vary p_phys=1e-4 --target 1e-9 --by money",
        "--by",
    ),
    config(
        "search-config-target-string",
        ONE_LEVEL + '[sweep]\ntarget = "x"\n',
        "sweep.target",
        "search",
        "--vary p_phys=1e-4",
    ),
    config(
        "search-config-top-zero",
        ONE_LEVEL + "[sweep]\ntarget = 1e-9\ntop = 0\n",
        "sweep.top",
        "search",
        "--vary p_phys=1e-4",
    ),
    config(
        "search-config-sweep-not-table",
        ONE_LEVEL + "sweep = 1\n",
        "sweep",
        "search",
        "--vary p_phys=1e-4 --target 1e-9",
    ),
]

CONCAT = [
    Case("concat-unknown-stage", "concat 7 --eps-in 1e-3", "sequence"),
    Case("concat-empty-sequence", ["concat", "", "--eps-in", "1e-3"], "sequence"),
    Case("concat-double-dash", "concat 6--22 --eps-in 1e-3", "sequence"),
    Case("concat-leading-zero", "concat 06 --eps-in 1e-3", "sequence"),
    Case("concat-stage-1000", "concat 1000 --eps-in 1e-3", "sequence", seconds=1.0),
    Case(
        "concat-stage-10^20", "concat 100000000000000000000 --eps-in 1e-3", "sequence", seconds=1.0
    ),
    Case("concat-stage-1000-later", "concat 6-1000 --eps-in 1e-3", "sequence", seconds=1.0),
    Case("concat-underflow", "concat " + "-".join(["15"] * 12) + " --eps-in 1e-3", "sequence"),
    Case("concat-eps-half", "concat 6 --eps-in 0.5", "--eps-in"),
    Case("concat-eps-nan", "concat 6 --eps-in nan", "--eps-in"),
    Case("concat-eps-negative", "concat 6 --eps-in=-1e-3", "--eps-in"),
    Case("concat-eps-word", "concat 6 --eps-in small", "--eps-in"),
    Case("concat-eps-missing", "concat 6", "--eps-in"),
    Case("concat-neither", "concat --eps-in 1e-3", "SEQUENCE"),
    Case("concat-both", "concat 6 --search --eps-in 1e-3 --target 1e-9", "SEQUENCE"),
    Case("concat-search-no-target", "concat --search --eps-in 1e-3", "--target"),
    Case("concat-target-without-search", "concat 6 --eps-in 1e-3 --target 1e-9", "--target"),
    Case("concat-stages-without-search", "concat 6 --eps-in 1e-3 --stages 5", "--stages"),
    Case("concat-target-above-1", "concat --search --eps-in 1e-3 --target 2", "--target"),
    Case("concat-target-nan", "concat --search --eps-in 1e-3 --target nan", "--target"),
    Case(
        "concat-stages-empty",
        ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-9", "--stages", ""],
        "--stages",
    ),
    Case(
        "concat-stages-empty-item",
        "concat --search --eps-in 1e-3 --target 1e-9 --stages 5,,15",
        "--stages",
    ),
    Case(
        "concat-stages-unknown",
        "concat --search --eps-in 1e-3 --target 1e-9 --stages 5,7",
        "--stages",
    ),
    Case(
        "concat-stages-huge",
        "concat --search --eps-in 1e-3 --target 1e-9 --stages 5,1000",
        "--stages",
        seconds=1.0,
    ),
    Case(
        "concat-max-stages-zero",
        "concat --search --eps-in 1e-3 --target 1e-9 --max-stages 0",
        "--max-stages",
    ),
    Case(
        "concat-max-stages-100",
        "concat --search --eps-in 1e-3 --target 1e-9 --max-stages 100",
        "--max-stages",
    ),
    Case("concat-best-zero", "concat --search --eps-in 1e-3 --target 1e-9 --best 0", "--best"),
    Case("concat-best-word", "concat --search --eps-in 1e-3 --target 1e-9 --best all", "--best"),
    Case("concat-max-seconds", "concat 200 --eps-in 1e-3 --max-seconds 1", "--max-seconds"),
]

CODE = [
    Case("code-no-action", "code", "action"),
    Case("code-unknown-action", "code fix {dir}/m.txt", "fix"),
    Case("code-empty-file", "code check {dir}/m.txt", "m.txt", files={"m.txt": ""}),
    Case("code-comments-only", "code check {dir}/m.txt", "m.txt", files={"m.txt": "# x\n\n"}),
    Case("code-bad-character", "code check {dir}/m.txt", "m.txt", files={"m.txt": "102\n"}),
    Case("code-ragged", "code check {dir}/m.txt", "m.txt", files={"m.txt": "101\n11\n"}),
    Case(
        "code-not-triorthogonal",
        "code check {dir}/m.txt",
        "m.txt",
        files={"m.txt": "1110\n0111\n1011\n"},
    ),
    Case("code-no-output", "code check {dir}/m.txt", "m.txt", files={"m.txt": "11\n11\n"}),
    Case("code-eps-half", "code check {dir}/m.txt --eps 0.5", "--eps", files={"m.txt": MATRIX_15}),
    Case("code-eps-nan", "code check {dir}/m.txt --eps nan", "--eps", files={"m.txt": MATRIX_15}),
    Case("code-eps-word", "code check {dir}/m.txt --eps tiny", "--eps", files={"m.txt": MATRIX_15}),
    Case(
        "code-format-unknown",
        "code check {dir}/m.txt --format csv",
        "--format",
        files={"m.txt": MATRIX_15},
    ),
    Case(
        "code-100001-columns",
        "code check {dir}/m.txt",
        "--max-memory",
        files={"m.txt": "1" * 100001 + "\n"},
    ),
    Case(
        "code-2000-rows",
        "code check {dir}/m.txt",
        "--max-memory",
        files={"m.txt": "\n".join("0" * i + "1" + "0" * (1999 - i) for i in range(2000))},
    ),
]

S_DIM_40 = "\n".join(("0" * i + "1" + "0" * (39 - i)) * 2 for i in range(40))
"""40 self-orthogonal rows (e_i, e_i): dim S = 40, 2^40 words to list."""

INNER = [
    Case("inner-unknown-name", "code inner [[9,1,3]]", "SPEC"),
    Case("inner-missing-file", "code inner {dir}/none.txt", "SPEC"),
    Case("inner-directory", "code inner {dir}", "SPEC"),
    Case("inner-dev-zero", "code inner /dev/zero", "SPEC"),
    Case("inner-fifo", "code inner {dir}/pipe", "SPEC", files={"pipe": FIFO}),
    Case("inner-not-utf8", "code inner {dir}/s.txt", "SPEC", files={"s.txt": b"11\xff\n"}),
    Case("inner-empty-file", "code inner {dir}/s.txt", "s.txt", files={"s.txt": ""}),
    Case("inner-not-binary", "code inner {dir}/s.txt", "s.txt", files={"s.txt": "1120\n"}),
    Case("inner-ragged", "code inner {dir}/s.txt", "s.txt", files={"s.txt": "1100\n011\n"}),
    Case("inner-odd-row", "code inner {dir}/s.txt", "s.txt", files={"s.txt": "1110\n"}),
    Case(
        "inner-not-self-orthogonal",
        "code inner {dir}/s.txt",
        "s.txt",
        files={"s.txt": "1100\n0110\n"},
    ),
    Case(
        "inner-s-too-large",
        "code inner {dir}/s.txt",
        "--max-seconds",
        files={"s.txt": S_DIM_40},
        seconds=2.0,
    ),
    Case("inner-bch-malformed", "code inner bch:31:x^5+x^^2+1", "SPEC"),
    Case("inner-bch-empty-term", "code inner bch:31:x^5++1", "SPEC"),
    Case("inner-bch-repeated-term", "code inner bch:31:x^5+x^5+1", "SPEC"),
    Case("inner-bch-not-dividing", "code inner bch:31:x^5+x+1", "SPEC"),
    Case("inner-bch-length-word", "code inner bch:n:x+1", "SPEC"),
    Case("inner-bch-no-polynomial", "code inner bch:31", "SPEC"),
    Case("inner-bch-huge-degree", "code inner bch:31:x^99999999999+1", "SPEC", seconds=1.0),
    Case("inner-bch-huge-length", "code inner bch:100000:x+1", "--max-memory", seconds=2.0),
    Case("inner-bch-g-one", "code inner bch:7:1", "SPEC"),
    Case("inner-bch-not-self-orthogonal", "code inner bch:7:x^4+x^3+x^2+1", "SPEC"),
    Case("inner-weight-above-n", "code inner 7-1-3 --weights 9", "--weights"),
    Case("inner-weight-negative", "code inner 7-1-3 --weights=-1", "--weights"),
    Case("inner-weight-word", "code inner 7-1-3 --weights two", "--weights"),
    Case("inner-format-csv", "code inner 7-1-3 --format csv", "--format"),
]

OUTER = [
    Case("outer-unknown-builder", "code outer hexagon", "SPEC"),
    Case("outer-missing-file", "code outer {dir}/none.txt", "SPEC"),
    Case("outer-dev-zero", "code outer /dev/zero", "SPEC"),
    Case("outer-fifo", "code outer {dir}/pipe", "SPEC", files={"pipe": FIFO}),
    Case("outer-empty-file", "code outer {dir}/m.txt", "m.txt", files={"m.txt": ""}),
    Case("outer-not-binary", "code outer {dir}/m.txt", "m.txt", files={"m.txt": "102\n"}),
    Case("outer-ragged", "code outer {dir}/m.txt", "m.txt", files={"m.txt": "101\n11\n"}),
    Case("outer-empty-check", "code outer {dir}/m.txt", "m.txt", files={"m.txt": "110\n000\n"}),
    Case("outer-grid-word", "code outer grid:five", "SPEC"),
    Case("outer-grid-side-1", "code outer grid:1", "SPEC"),
    Case("outer-grid-rectangle-diagonal", "code outer grid:5x4:v,h,d", "SPEC"),
    Case("outer-grid-bad-direction", "code outer grid:5:v,x", "SPEC"),
    Case("outer-grid-repeated-direction", "code outer grid:5:v,v", "SPEC"),
    Case("outer-grid-dimension-huge", "code outer grid:3:1000000000", "SPEC"),
    Case("outer-grid-huge", "code outer grid:100000", "--max-memory"),
    Case("outer-ring-1", "code outer ring:1", "SPEC"),
    Case("outer-ring-huge", "code outer ring:1000000000", "--max-memory"),
    Case("outer-repetition-word", "code outer repetition:two", "SPEC"),
    Case("outer-graph-loop", "code outer graph:{dir}/g.txt", "SPEC", files={"g.txt": "1 2\n2 2\n"}),
    Case(
        "outer-graph-twice", "code outer graph:{dir}/g.txt", "SPEC", files={"g.txt": "1 2\n2 1\n"}
    ),
    Case("outer-graph-three", "code outer graph:{dir}/g.txt", "SPEC", files={"g.txt": "1 2 3\n"}),
    Case("outer-graph-empty", "code outer graph:{dir}/g.txt", "SPEC", files={"g.txt": "# none\n"}),
    Case("outer-graph-missing", "code outer graph:{dir}/none.txt", "SPEC"),
    Case("outer-tanner-option", "code outer tanner:5:colour=3", "SPEC"),
    Case("outer-tanner-even-distance", "code outer tanner:5:distance=6", "SPEC"),
    Case("outer-tanner-word", "code outer tanner:five", "SPEC"),
    Case("outer-tanner-alpha-word", "code outer tanner:5:alpha=x", "SPEC"),
    Case("outer-tanner-alpha-reversed", "code outer tanner:5:alpha=9-7", "SPEC"),
    Case("outer-tanner-negative-seed", "code outer tanner:5:seed=-1", "SPEC"),
    Case("outer-tanner-no-tries", "code outer tanner:5:tries=0", "SPEC"),
    Case("outer-tanner-huge", "code outer tanner:100000", "--max-memory"),
    Case("outer-max-weight-zero", "code outer petersen --max-weight 0", "--max-weight"),
    Case("outer-max-violated-negative", "code outer petersen --max-violated=-1", "--max-violated"),
    Case("outer-weight-too-large", "code outer grid:27:v,h,d --max-weight 14", "--max-seconds"),
    Case(
        "outer-max-seconds",
        "code outer grid:9:v,h,d --max-weight 11 --max-seconds 1",
        "--max-seconds",
    ),
    Case(
        "outer-write-matrix-directory", "code outer petersen --write-matrix {dir}", "--write-matrix"
    ),
    Case(
        "outer-write-matrix-no-directory",
        "code outer petersen --write-matrix {dir}/no/m.txt",
        "--write-matrix",
    ),
]

SCHEDULE = [
    Case("schedule-time-limit-zero", "schedule {dir}/c.toml --time-limit 0", "--time-limit"),
    Case("schedule-time-limit-negative", "schedule {dir}/c.toml --time-limit=-1", "--time-limit"),
    Case("schedule-time-limit-nan", "schedule {dir}/c.toml --time-limit nan", "--time-limit"),
    Case("schedule-time-limit-inf", "schedule {dir}/c.toml --time-limit inf", "--time-limit"),
    Case("schedule-time-limit-1e9", "schedule {dir}/c.toml --time-limit 1e9", "--time-limit"),
    Case("schedule-time-limit-word", "schedule {dir}/c.toml --time-limit long", "--time-limit"),
    one_level("schedule-bad-distance", {"d_x = 7": "d_x = 8"}, "level1.d_x", verb="schedule"),
    Case("schedule-format-csv", "schedule {dir}/c.toml --format csv", "--format"),
    Case("schedule-missing-config", "schedule {dir}/none.toml", "CONFIG"),
]

DRAW = [
    Case("draw-no-output", "draw {dir}/c.toml", "-o"),
    Case("draw-output-txt", "draw {dir}/c.toml -o {dir}/x.txt", "-o"),
    Case("draw-output-no-suffix", "draw {dir}/c.toml -o {dir}/x", "-o"),
    Case("draw-output-toml-input", "draw {dir}/c.toml -o {dir}/c.toml", "-o"),
    Case("draw-output-missing-directory", "draw {dir}/c.toml -o {dir}/no/x.png", "-o"),
    Case(
        "draw-output-is-directory", "draw {dir}/c.toml -o {dir}/d.png", "-o", files={"d.png/x": ""}
    ),
    Case("draw-level-3", "draw {dir}/c.toml -o {dir}/x.png --level 3", "--level"),
    Case("draw-level-2-one-level", "draw {dir}/c.toml -o {dir}/x.png --level 2", "--level"),
    config(
        "draw-bad-protocol",
        ONE_LEVEL.replace('"15-to-1"', '"98-to-30"'),
        "level1.protocol",
        "draw",
        "-o {dir}/x.png",
    ),
    Case("draw-bad-set", "draw {dir}/c.toml -o {dir}/x.png --set level1.d_z=9", "level1.d_z"),
]

RESULTS = "p_phys,p_out,qubitcycles\n1e-4,1e-9,20000\n"

PLOT = [
    Case("plot-no-output", "plot {dir}/r.csv", "-o", files={"r.csv": RESULTS}),
    Case("plot-missing-results", "plot {dir}/none.csv -o {dir}/x.png", "RESULTS"),
    Case(
        "plot-results-not-utf8",
        "plot {dir}/r.csv -o {dir}/x.png",
        "RESULTS",
        files={"r.csv": b"p_out\n\xff\n"},
    ),
    Case("plot-results-dev-zero", "plot /dev/zero -o {dir}/x.png", "RESULTS"),
    Case("plot-results-fifo", "plot {dir}/pipe -o {dir}/x.png", "RESULTS", files={"pipe": FIFO}),
    Case(
        "plot-results-without-p_out",
        "plot {dir}/r.csv -o {dir}/x.png",
        "RESULTS",
        files={"r.csv": "a,b\n1,2\n"},
    ),
    Case(
        "plot-results-bad-json",
        "plot {dir}/r.json -o {dir}/x.png",
        "RESULTS",
        files={"r.json": "{"},
    ),
    Case(
        "plot-results-deep-json",
        "plot {dir}/r.json -o {dir}/x.png",
        "RESULTS",
        files={"r.json": "[" * 100000 + "]" * 100000},
    ),
    Case("plot-output-txt", "plot {dir}/r.csv -o {dir}/x.txt", "-o", files={"r.csv": RESULTS}),
    Case(
        "plot-output-missing-directory",
        "plot {dir}/r.csv -o {dir}/no/x.png",
        "-o",
        files={"r.csv": RESULTS},
    ),
    Case(
        "plot-by-unknown",
        "plot {dir}/r.csv -o {dir}/x.png --by money",
        "--by",
        files={"r.csv": RESULTS},
    ),
    Case(
        "plot-p-phys-word",
        "plot {dir}/r.csv -o {dir}/x.png --p-phys low",
        "--p-phys",
        files={"r.csv": RESULTS},
    ),
    Case(
        "plot-reference-missing",
        "plot {dir}/r.csv -o {dir}/x.png --reference {dir}/none.csv",
        "--reference",
        files={"r.csv": RESULTS},
    ),
    Case(
        "plot-reference-not-utf8",
        "plot {dir}/r.csv -o {dir}/x.png --reference {dir}/f.csv",
        "--reference",
        files={"r.csv": RESULTS, "f.csv": b"\xe9"},
    ),
]

EXPORT = [
    Case("export-no-target", "export {dir}/c.toml -o {dir}/e.json", "--to"),
    Case("export-unknown-target", "export {dir}/c.toml --to excel -o {dir}/e.json", "--to"),
    Case(
        "export-azure-without-k",
        "export {dir}/c.toml --to azure -o {dir}/e.json",
        "--qubit-cycles-per-code-cycle",
    ),
    Case(
        "export-azure-k-negative",
        "export {dir}/c.toml --to azure -o {dir}/e.json --qubit-cycles-per-code-cycle=-1",
        "--qubit-cycles-per-code-cycle",
    ),
    Case(
        "export-azure-k-nan",
        "export {dir}/c.toml --to azure -o {dir}/e.json --qubit-cycles-per-code-cycle nan",
        "--qubit-cycles-per-code-cycle",
    ),
    Case(
        "export-bad-config",
        "export {dir}/c.toml --to qualtran -o {dir}/e.json",
        "CONFIG",
        files={"c.toml": b"\xe9"},
    ),
    Case("export-bad-set", "export {dir}/c.toml --to qualtran -o {dir}/e.json --set d_x=3", "d_x"),
    Case(
        "export-large-protocol",
        "export {dir}/c.toml --to qualtran -o {dir}/e.json",
        "level1.protocol",
        files={"c.toml": ONE_LEVEL.replace('"15-to-1"', '"98-to-30"')},
    ),
]

PROTOCOL_CONFIG = """eps_in = 1e-3
[protocol]
outer = "grid:11:v,h"
inputs = "raw"
correction = 1
[[protocol.rounds]]
name = "vertical"
inner = "[[31,11,5]]"
[[protocol.rounds]]
name = "horizontal"
inner = "[[31,11,5]]"
"""


def inner_outer(name: str, replace: Mapping[str, str], expected: str, verb: str = "estimate"):
    """An inner/outer-code protocol config of Haah et al. 2018 (``estimator.config.inner_outer``) with
    lines replaced, as ``one_level`` does for factories."""
    text = PROTOCOL_CONFIG
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return config(name, text, expected, verb)


INNER_OUTER = [
    inner_outer("hhpw-eps-in-half", {"eps_in = 1e-3": "eps_in = 0.5"}, "eps_in"),
    inner_outer("hhpw-eps-in-zero", {"eps_in = 1e-3": "eps_in = 0"}, "eps_in"),
    inner_outer("hhpw-eps-in-nan", {"eps_in = 1e-3": "eps_in = nan"}, "eps_in"),
    inner_outer("hhpw-eps-in-text", {"eps_in = 1e-3": 'eps_in = "1e-3"'}, "eps_in"),
    inner_outer(
        "hhpw-eps-check-negative",
        {"eps_in = 1e-3": "eps_in = 1e-3\neps_check = -1e-3"},
        "eps_check",
    ),
    config("hhpw-no-protocol", "eps_in = 1e-3\n", "protocol"),
    config("hhpw-protocol-not-a-table", "eps_in = 1e-3\nprotocol = 3\n", "protocol"),
    inner_outer("hhpw-unknown-top-key", {"eps_in = 1e-3": "eps_in = 1e-3\nflavour = 1"}, "flavour"),
    inner_outer("hhpw-unknown-key", {"inputs = ": "colour = 1\ninputs = "}, "protocol.colour"),
    inner_outer("hhpw-inputs-unknown", {'inputs = "raw"': 'inputs = "magic"'}, "protocol.inputs"),
    inner_outer(
        "hhpw-mek-beyond-half",
        {"eps_in = 1e-3": "eps_in = 0.3", 'inputs = "raw"': 'inputs = "mek"'},
        "protocol.inputs",
    ),
    inner_outer(
        "hhpw-inner-too-few-logical-qubits",
        {'inner = "[[31,11,5]]"\n[[': 'inner = "[[7,1,3]]"\n[['},
        "protocol.rounds[0].inner",
    ),
    inner_outer(
        "hhpw-inner-wrong-parity",
        {"grid:11:v,h": "grid:6:v,h", '"[[31,11,5]]"': '"15-7-3"'},
        "protocol.rounds[0].inner",
    ),
    inner_outer(
        "hhpw-inner-hyperbolic",
        {"grid:11:v,h": "grid:2:v,h", '"[[31,11,5]]"': '"4-2-2"'},
        "protocol.rounds[0].inner",
    ),
    inner_outer(
        "hhpw-inner-unknown", {'"[[31,11,5]]"': '"[[31,12,5]]"'}, "protocol.rounds[0].inner"
    ),
    inner_outer("hhpw-outer-unknown", {"grid:11:v,h": "grid:11:q"}, "protocol.outer"),
    inner_outer(
        "hhpw-outer-too-weak", {'inputs = "raw"': 'inputs = "raw"\norder = 5'}, "protocol.order"
    ),
    inner_outer(
        "hhpw-correction-3", {"correction = 1": "correction = 3"}, "protocol.rounds[0].correction"
    ),
    inner_outer(
        "hhpw-restart-overlapping",
        {'inputs = "raw"': 'inputs = "raw"\nexecution = "restart"'},
        "protocol.rounds[1].execution",
    ),
    inner_outer(
        "hhpw-feeds-itself", {'inputs = "raw"': 'inputs = "protocol:c.toml"'}, "protocol.inputs"
    ),
    Case(
        "hhpw-table-printed-not-a-number",
        "table {dir}/t",
        "paper.text.n_out",
        files={"t/a.toml": PROTOCOL_CONFIG + '[paper.text]\nn_out = "many"\n'},
    ),
    Case(
        "hhpw-table-stale-note",
        "table {dir}/t",
        "paper.notes.text.n_out",
        files={
            "t/a.toml": PROTOCOL_CONFIG
            + '[paper.text]\nn_out = "121"\n[paper.notes]\n"text.n_out" = "old"\n'
        },
    ),
    Case(
        "hhpw-set-unknown-round",
        ["estimate", "{dir}/c.toml", "--set", "protocol.rounds.9.inner=x"],
        "protocol.rounds.9.inner",
        files={"c.toml": PROTOCOL_CONFIG},
    ),
    Case(
        "hhpw-table-mixed-directory",
        "table {dir}/t",
        "directory",
        files={"t/a.toml": ONE_LEVEL, "t/b.toml": PROTOCOL_CONFIG},
    ),
]

CASES = [
    *FILES,
    *TOP_LEVEL,
    *LEVELS,
    *PROTOCOLS,
    *SETS,
    *OPTIONS,
    *TABLE,
    *SWEEP,
    *SEARCH,
    *CONCAT,
    *CODE,
    *INNER,
    *OUTER,
    *SCHEDULE,
    *DRAW,
    *PLOT,
    *EXPORT,
    *INNER_OUTER,
]


def test_the_corpus_is_large_and_its_names_are_unique():
    assert len(CASES) >= 150
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_naming_the_field(case, tmp_path, capsys):
    argv = case.materialise(tmp_path)
    start = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.startswith("msd: error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    assert case.field in err
    assert elapsed < case.seconds, f"{elapsed:.2f} s"
