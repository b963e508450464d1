"""Fingerprints that bind a partial results file to its study.

A resumed run may only continue the study that wrote the partial file: the same configs after
overrides, axes, arithmetic, what each chunk keeps (e.g. a search target) and chunking, and
the same code (the package version and a digest of its sources and data files).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from estimator.studies import plan
from estimator.studies.plan import Part

SOURCES = ("estimator", "layouts")


@functools.cache
def code_version() -> str:
    """``VERSION+DIGEST``: the installed version and a digest of every source and data file
    of the packages (any edit changes it)."""
    try:
        version = metadata.version("msd-estimator")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


def fingerprint(parts: Sequence[Part], *, precision: str, keep: Any) -> dict[str, str]:
    """Digests of each ingredient of a study, by name (compared one by one on resume)."""
    return {
        "config": _digest([p.template for p in parts]),
        "axes": _digest([[[a.key, _values(a.values)] for a in p.axes] for p in parts]),
        "precision": precision,
        "selection": repr(keep),
        "chunking": f"{plan.CHUNK}/{plan.CHUNK_COEFFICIENTS}",
        "code": code_version(),
    }


def differences(stored: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """Names of the ingredients that differ."""
    return [name for name in current if stored.get(name) != current[name]]


def _values(values: Sequence[Any]) -> Any:
    if isinstance(values, range):  # as given, not materialised
        return ["range", values.start, values.stop, values.step]
    return list(values)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
