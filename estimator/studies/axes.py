"""The ``[sweep]`` table of a config: a study's axes, series and search target.

(``--vary KEY=VALUES`` is parsed by plan.Axis.parse.) ``[sweep]`` holds ``vary`` (KEY = [values], the axes), ``target`` and ``top`` (for searches)
and ``series``: an array of tables, each a sub-study with its own ``set`` (KEY = value
overrides of the config) and ``vary`` (more axes), e.g. one per protocol and layout. Keys are
dotted config paths, as for ``--set``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.config.factory import check_key
from estimator.errors import ConfigError
from estimator.studies.plan import Axis, Part, assign


@dataclass(frozen=True)
class Series:
    """One entry of ``[[sweep.series]]``: overrides and extra axes."""

    sets: tuple[tuple[str, Any], ...] = ()
    axes: tuple[Axis, ...] = ()


@dataclass(frozen=True)
class Study:
    """The ``[sweep]`` table of a config: axes, series, and for searches target and top."""

    axes: tuple[Axis, ...] = ()
    target: float | None = None
    top: int | None = None
    series: tuple[Series, ...] = ()

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> Study:
        """Read and check ``data["sweep"]`` (absent: an empty study)."""
        table = data.get("sweep", {})
        if not isinstance(table, dict):
            raise ConfigError("sweep", "must be a table")
        target, top = table.get("target"), table.get("top")
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1
        ):
            raise ConfigError("sweep.target", f"must be a number in (0, 1), got {target!r}")
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
            raise ConfigError("sweep.top", f"must be a positive integer, got {top!r}")
        series = table.get("series", [])
        if not isinstance(series, list) or not all(isinstance(s, dict) for s in series):
            raise ConfigError("sweep.series", "must be an array of tables ([[sweep.series]])")
        return cls(
            _vary(table.get("vary", {}), "sweep.vary"),
            target,
            top,
            tuple(_series(s, f"sweep.series[{i}]") for i, s in enumerate(series)),
        )

    def parts(
        self, template: Mapping[str, Any], extra: Sequence[Axis] = (), *, label: str = "sweep"
    ) -> list[Part]:
        """The sub-studies: the template over these axes and ``extra`` (an ``extra`` axis
        replaces one of the same key), once per series (or once without series)."""
        template = {k: v for k, v in template.items() if k != "sweep"}
        parts = []
        for series in self.series or (Series(),):
            data = assign(template, dict(series.sets))
            axes = _merge([*self.axes, *series.axes, *extra])
            parts.append(Part(data, axes, label))
        return parts


def _merge(axes: Sequence[Axis]) -> tuple[Axis, ...]:
    by_key: dict[str, Axis] = {}
    for axis in axes:
        by_key[axis.key] = axis
    return tuple(by_key.values())


def _vary(table: Any, name: str) -> tuple[Axis, ...]:
    if not isinstance(table, dict):
        raise ConfigError(name, "must be a table of KEY = [values]")
    axes = []
    for key, values in table.items():
        values = values if isinstance(values, list) else [values]
        if not values or any(isinstance(v, dict | list) for v in values):
            raise ConfigError(f"{name}.{key}", "must be a non-empty list of numbers or strings")
        check_key(key)
        axes.append(Axis(key, tuple(values)))
    return tuple(axes)


def _series(table: Mapping[str, Any], name: str) -> Series:
    unknown = sorted(set(table) - {"set", "vary"})
    if unknown:
        raise ConfigError(f"{name}.{unknown[0]}", "unknown key (expected set, vary)")
    sets = table.get("set", {})
    if not isinstance(sets, dict):
        raise ConfigError(f"{name}.set", "must be a table of KEY = value")
    for key, value in sets.items():
        check_key(key)
        if isinstance(value, dict | list):
            raise ConfigError(f"{name}.set.{key}", "must be a number or a string")
    return Series(tuple(sets.items()), _vary(table.get("vary", {}), f"{name}.vary"))
