"""Installed data: configs, studies and schedules ship in the package and are found from any
directory (estimator/shipped.py; pyproject.toml maps configs/ to estimator/configs)."""

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from estimator import shipped
from estimator.cli import main

ROOT = Path(__file__).resolve().parents[1]
_CACHES = shutil.ignore_patterns("__pycache__", "*.egg-info")


def _listed() -> set[str]:
    return set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )


def test_every_package_directory_is_listed():
    """pyproject lists its packages (a mapped folder cannot be found by setuptools' find): a new
    subpackage or config folder must be added there, or a wheel would lack it."""
    expected = set()
    for top in ("estimator", "layouts"):
        for directory in [ROOT / top, *(ROOT / top).rglob("*")]:
            if directory.is_dir() and directory.name != "__pycache__":
                expected.add(".".join(directory.relative_to(ROOT).parts))
    expected.add("estimator.configs")
    expected |= {f"estimator.configs.{d.name}" for d in (ROOT / "configs").iterdir() if d.is_dir()}
    assert expected == _listed()


def test_shipped_configs_are_found_from_any_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert (shipped.configs() / "litinski2019").is_dir()
    assert main(["table", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 15
    assert main(["estimate", "configs/litinski2019/01_15to1_7-3-3_p1e-4.toml"]) == 0
    assert "(15-to-1)_{7,3,3}" in capsys.readouterr().out
    assert main(["estimate", "configs/nothing.toml"]) == 2
    assert "'configs/nothing.toml'" in capsys.readouterr().err


@pytest.mark.slow
def test_wheel_carries_the_data_and_msd_table_runs_from_it(tmp_path):
    """Build the wheel (as ``pip install .`` does), install it alone into a folder and run
    ``msd table`` from another directory with that folder first on the path."""
    source = tmp_path / "source"  # a copy: building in place would leave build/ behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for name in ("estimator", "layouts", "configs"):
        shutil.copytree(ROOT / name, source / name, ignore=_CACHES)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("msd_estimator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    configs = [p.relative_to(ROOT) for p in (ROOT / "configs").rglob("*") if p.is_file()]
    assert {f"estimator/{p.as_posix()}" for p in configs} <= names
    files = [
        p.relative_to(ROOT).as_posix()
        for top in ("estimator", "layouts")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert set(files) <= names  # sources, schedules, reference data
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import estimator, sys; from estimator import shipped; from estimator.cli import main;"
        "print(estimator.__file__); print(shipped.configs()); sys.exit(main(['table', '--format', 'csv']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(target)},
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(str(target)) and lines[1] == str(target / "estimator" / "configs")
    assert len(lines) == 2 + 1 + 15
