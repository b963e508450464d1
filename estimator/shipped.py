"""Data shipped with the package: the repository's top-level ``configs/`` folder.

pyproject.toml maps ``configs/`` into the package as ``estimator/configs`` (a setuptools
package-dir mapping), so a wheel or ``pip install .`` carries every config, study and reference
file, found with importlib.resources from any directory. In a source tree or an editable
install (where setuptools does not map a folder without ``__init__.py``) the folder is read
where it is.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

PREFIX = "configs"


def configs() -> Traversable:
    """The shipped ``configs/`` folder (``litinski2019/``, ``studies/``, ...)."""
    installed = resources.files("estimator") / PREFIX
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[1] / PREFIX


def find(path: str | Path) -> Path | Traversable:
    """``path`` if it exists; else, for a relative path under ``configs/`` (as the README
    writes them), the shipped file of that name; else ``path`` (for the caller's error)."""
    given = Path(path)
    if given.exists() or given.is_absolute():
        return given
    parts = PurePosixPath(given.as_posix()).parts
    if len(parts) < 2 or parts[0] != PREFIX:
        return given
    shipped = configs()
    for part in parts[1:]:
        shipped = shipped / part
    return shipped if shipped.is_file() or shipped.is_dir() else given
