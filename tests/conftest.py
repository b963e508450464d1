"""Shared fixtures: repository paths and a fresh Agg backend for plots."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
TABLE1_DIR = ROOT / "configs" / "litinski2019"


ONE_LEVEL = """
p_phys = 1e-4
[level1]
protocol = "15-to-1"
d_x = 7
d_z = 3
d_m = 3
"""


@pytest.fixture
def table1_dir() -> Path:
    return TABLE1_DIR


@pytest.fixture
def one_level_config(tmp_path) -> Path:
    """A one-level 15-to-1 config, (p = 1e-4; 7, 3, 3), in a temporary directory."""
    path = tmp_path / "one_level.toml"
    path.write_text(ONE_LEVEL)
    return path


@pytest.fixture
def data_dir() -> Path:
    """Stored test data (tests/data)."""
    return ROOT / "tests" / "data"
