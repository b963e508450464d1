"""Shared fixtures: repository paths and a fresh Agg backend for plots."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
TABLE1_DIR = ROOT / "configs" / "litinski2019"


@pytest.fixture
def table1_dir() -> Path:
    return TABLE1_DIR
