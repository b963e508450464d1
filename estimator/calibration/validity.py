"""Where the model's constants were checked at circuit level, and a design's check against it.

The extensions of docs/model-extensions.md (E1: ancilla regions of their own width, check
patches of their own d_z; E2: d_m per step) use the p_L ansatz of Litinski (2019, Eq. 7),
fitted on square memories, far from where it was fitted. ``estimator/calibration/merge.py``
samples the operation they rest on, a Z1 Z2 merge through a region of any height, and the
limits below follow from those measurements (``validity_fit``; docs/model/validity.md):

* ``region_width``: w_r - d_x <= ``max_width_excess``: beyond it the ancilla-Z error of a
  merge (Litinski 2019, Sec. 3: Lambda / w_r patches of side w_r) stops falling with w_r;
* ``d_m``: at p_phys <= p_max, d_m >= the smallest d_m whose merges were checked.

The limits and their provenance (circuit, shots, errors, intervals) are the shipped file
``data/validity.toml``; ``check`` needs neither stim nor sinter.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from estimator.errors import ConfigError

DATA = Path(__file__).resolve().parent / "data" / "validity.toml"
FORMAT, VERSION = "msd-validity", 1


class ValidityWarning(UserWarning):
    """A design used outside the checked ranges (asked for: noise.allow_outside_validity)."""


@dataclass(frozen=True)
class Violation:
    """A distance of a design outside the checked range."""

    field: str
    value: float
    limit: float
    reason: str

    def __str__(self) -> str:
        return f"{self.field} = {self.value:g} {self.reason}"


@dataclass(frozen=True)
class Limits:
    """The checked ranges.

    Attributes:
        max_width_excess: largest w_r - d_x (data qubits) at which the ancilla-Z term held.
        d_m: (p_max, least d_m) pairs, ascending in p_max: at p_phys <= p_max merges of
            d_m >= least were checked (the first pair with p_max >= p_phys applies).
        source: where the limits come from (for messages).
    """

    max_width_excess: int
    d_m: tuple[tuple[float, int], ...]
    source: str = "estimator/calibration/data/validity.toml"

    def least_d_m(self, p: float) -> int | None:
        """Least checked d_m at p (None: p above every checked rate, no statement)."""
        return next((least for p_max, least in self.d_m if p <= p_max * (1 + 1e-9)), None)


@functools.lru_cache(maxsize=8)
def load_limits(path: str | Path = DATA) -> Limits:
    """The limits of a validity file (ConfigError naming the part that is wrong)."""
    try:
        data = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError("validity", f"cannot read {path}: {error}") from None
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ConfigError("validity", f"{path} is not an {FORMAT} file of version {VERSION}")
    try:
        limits = data["limits"]
        return Limits(
            max_width_excess=int(limits["region_width"]["max_excess"]),
            d_m=tuple(
                (float(r["p_max"]), int(r["least"])) for r in sorted(limits["d_m"], key=_p_max)
            ),
            source=str(path),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError("validity", f"{path}: missing or bad limit {error}") from None


def _p_max(row: Mapping[str, Any]) -> float:
    return float(row["p_max"])


def check(
    spec: Any, noise: Any, limits: Limits | None = None, name: str | None = None
) -> list[Violation]:
    """Violations of the checked ranges by a design (estimator.factory.Design, every level)
    or one level (LevelSpec, named ``name``), at the noise model's p_phys. Distances may be
    arrays over a grid: a limit is violated where any point violates it."""
    limits = limits or load_limits()
    p = float(np.max(np.asarray(noise.p_phys, dtype=float)))
    levels = _levels(spec, name)
    return [v for level, label in levels for v in check_distances(level.d, p, label, limits)]


def _levels(spec: Any, name: str | None) -> Iterable[tuple[Any, str]]:
    """(LevelSpec, field prefix) of every level of a Design (top = level n) or one level."""
    if not hasattr(spec, "top"):
        yield spec, name or "level"
        return
    yield spec.top, name or f"level{spec.n_levels}"
    for k, feed in enumerate(spec.feeds):
        below = f"level{feed.factory.n_levels}" + (f".mix[{k - 1}]" if k else "")
        yield from _levels(feed.factory, below if not feed.factory.feeds else None)


def check_distances(d: Any, p: float, name: str, limits: Limits | None = None) -> list[Violation]:
    """Violations of one level's distances (layouts.layout.Distances, field prefix ``name``)
    at physical error rate p."""
    limits = limits or load_limits()
    d_x = np.asarray(d.d_x, dtype=float)
    found = []
    for region, value in sorted(d.region_width.items()):
        width = np.asarray(value, dtype=float)
        excess = float(np.max(width - d_x))
        if excess > limits.max_width_excess:
            found.append(
                Violation(
                    f"{name}.region_width.{region}",
                    float(np.max(width)),
                    float(limits.max_width_excess),
                    f"exceeds d_x by {excess:g} > {limits.max_width_excess}: the ancilla-Z "
                    "error of wider regions was not supported at circuit level",
                )
            )
    least = limits.least_d_m(p)
    if least is not None:
        steps = [("d_m", d.d_m)] + [(f"d_m_step[{i}]", v) for i, v in enumerate(d.d_m_step)]
        for field, value in steps:
            low = float(np.min(np.asarray(value, dtype=float)))
            if low < least:
                found.append(
                    Violation(
                        f"{name}.{field}",
                        low,
                        float(least),
                        f"< {least}: merges this short were not checked at p_phys = {p:g}",
                    )
                )
    return found
