"""Sweeps and searches over config keys: batched, resumable, written atomically.

A sweep is a config (the template) plus axes ``KEY=VALUES`` (dotted config paths, as for
``--set``). Every point of the Cartesian grid is validated like a config of its own; points
that share protocols, layouts and schedules are evaluated as one numpy batch. Results go to a
partial file (JSON lines) after every chunk, so an interrupted run resumes where it stopped;
the final CSV or JSON is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from estimator.errors import ConfigError, ModelError
from estimator.factory import LevelSpec
from estimator.studies.config import (
    FactoryConfig,
    apply_set,
    check_key,
    estimate_config,
    parse_config,
    parse_value,
    read_config_data,
)
from estimator.studies.report import estimate_record, flatten, to_csv
from layouts.layout import Distances

CHUNK = 512
POINT = ("p_phys", "p_t")
"""Noise-model fields that vary from point to point of a batch."""


@dataclass(frozen=True)
class Axis:
    """One swept key and its values."""

    key: str
    values: tuple[Any, ...]

    @classmethod
    def parse(cls, text: str) -> Axis:
        """``KEY=V1,V2,...`` or ``KEY=START:STOP:STEP`` (integers, STOP included).

        >>> Axis.parse("level1.d_x=7:11:2").values
        (7, 9, 11)
        >>> Axis.parse("p_phys=1e-4,1e-3").values
        (0.0001, 0.001)
        """
        key, sep, raw = text.partition("=")
        if not sep or not key.strip() or not raw.strip():
            raise ConfigError(
                "--vary", f"expected KEY=V1,V2,... or KEY=START:STOP:STEP, got {text!r}"
            )
        key = key.strip()
        if raw.count(":") == 2:
            try:
                start, stop, step = (int(v) for v in raw.split(":"))
            except ValueError:
                raise ConfigError(
                    key, f"a range START:STOP:STEP takes integers, got {raw!r}"
                ) from None
            if step <= 0 or stop < start:
                raise ConfigError(key, f"range {raw!r} is empty (STEP > 0 and STOP >= START)")
            return cls(key, tuple(range(start, stop + 1, step)))
        return cls(key, tuple(parse_value(v) for v in raw.split(",")))


@dataclass(frozen=True)
class Study:
    """The ``[sweep]`` table of a config: axes (``vary``), and for searches ``target``, ``top``."""

    axes: tuple[Axis, ...] = ()
    target: float | None = None
    top: int | None = None

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> Study:
        """Read and check ``data["sweep"]`` (absent: an empty study)."""
        table = data.get("sweep", {})
        if not isinstance(table, dict):
            raise ConfigError("sweep", "must be a table")
        vary = table.get("vary", {})
        if not isinstance(vary, dict):
            raise ConfigError("sweep.vary", "must be a table of KEY = [values]")
        axes = []
        for key, values in vary.items():
            values = values if isinstance(values, list) else [values]
            if not values or any(isinstance(v, dict | list) for v in values):
                raise ConfigError(
                    f"sweep.vary.{key}", "must be a non-empty list of numbers or strings"
                )
            check_key(key)
            axes.append(Axis(key, tuple(values)))
        target, top = table.get("target"), table.get("top")
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1
        ):
            raise ConfigError("sweep.target", f"must be a number in (0, 1), got {target!r}")
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
            raise ConfigError("sweep.top", f"must be a positive integer, got {top!r}")
        return cls(tuple(axes), target, top)


@dataclass(frozen=True)
class SweepResult:
    """Records of the evaluated points (in grid order) and the points that were invalid."""

    records: tuple[dict[str, Any], ...]
    skipped: tuple[tuple[dict[str, Any], str], ...]


def grid(axes: Sequence[Axis]) -> list[dict[str, Any]]:
    """Every combination of the axes' values, the last axis fastest."""
    keys = [a.key for a in axes]
    return [dict(zip(keys, combo)) for combo in itertools.product(*(a.values for a in axes))]


def run_sweep(
    template: Mapping[str, Any],
    axes: Sequence[Axis],
    *,
    partial: Path | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    precision: str = "auto",
) -> SweepResult:
    """Evaluate every grid point of ``axes`` applied to the config data ``template``.

    Args:
        template: config data (a parsed TOML mapping).
        axes: the swept keys; an unknown key fails before anything runs.
        partial: JSON-lines file of finished points; points already in it are not rerun
            (resume) and new ones are appended after every chunk.
        progress: wraps the iterable of chunks (e.g. tqdm); None for none.
        precision: as for ``simulate``.
    """
    for axis in axes:
        check_key(axis.key)
    points = grid(axes)
    done = _read_partial(partial) if partial else {}
    todo = [i for i in range(len(points)) if _key(points[i]) not in done]
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    skipped: list[tuple[dict[str, Any], str]] = []
    for chunk in progress(chunks) if progress else chunks:
        configs = {}
        for i in chunk:
            data = copy.deepcopy(dict(template))
            for key, value in points[i].items():
                _assign(data, key, value)
            try:
                configs[i] = parse_config(data, source=str(template.get("title", "sweep")))
            except ConfigError as error:
                skipped.append((points[i], str(error)))
        finished = {}
        for group in _groups(configs):
            try:
                finished.update(_evaluate(group, configs, points, precision))
            except ModelError:  # some point leaves the model: evaluate one by one, skip those
                for i in group:
                    try:
                        finished.update(_evaluate([i], configs, points, precision))
                    except ModelError as error:
                        skipped.append((points[i], str(error)))
        done.update({_key(points[i]): record for i, record in finished.items()})
        if partial and finished:
            with partial.open("a") as handle:
                handle.writelines(
                    json.dumps({"point": points[i], "record": finished[i]}) + "\n"
                    for i in sorted(finished)
                )
    records = tuple(done[_key(p)] for p in points if _key(p) in done)
    if not records and skipped:
        raise ConfigError("", f"no valid point in the sweep; first problem: {skipped[0][1]}")
    return SweepResult(records, tuple(skipped))


def _assign(data: dict[str, Any], key: str, value: Any) -> None:
    target = data
    *parents, last = key.split(".")
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError(key, f"{part!r} is not a table")
    target[last] = value


def _key(point: Mapping[str, Any]) -> str:
    return json.dumps(point, sort_keys=True)


def _read_partial(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    done = {}
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
            done[_key(entry["point"])] = entry["record"]
        except (json.JSONDecodeError, KeyError, TypeError):
            continue  # a line cut short by an interruption: that point runs again
    return done


def _signature(config: FactoryConfig) -> tuple:
    levels = [
        (s.protocol, s.layout, s.schedule) for s in (config.level1, config.level2) if s is not None
    ]
    return (
        tuple(levels),
        config.arrangement,
        type(config.noise),
        *(  # the noise model without its parameter point
            getattr(config.noise, f.name) for f in fields(config.noise) if f.name not in POINT
        ),
    )


def _groups(configs: Mapping[int, FactoryConfig]) -> list[list[int]]:
    groups: dict[tuple, list[int]] = {}
    for i, config in configs.items():
        groups.setdefault(_signature(config), []).append(i)
    return list(groups.values())


def _stack_level(specs: Sequence[LevelSpec]) -> LevelSpec:
    d = Distances(
        *(np.array([float(getattr(s.d, k)) for s in specs]) for k in ("d_x", "d_z", "d_m"))
    )
    return replace(specs[0], d=d)


def _evaluate(group: list[int], configs: Mapping[int, FactoryConfig], points, precision: str):
    """One batch for configs of the same structure; yields (index, record) per point."""
    members = [configs[i] for i in group]
    first = members[0]
    noise = replace(
        first.noise,
        p_phys=np.array([float(c.noise.p_phys) for c in members]),
        p_t=np.array([float(c.noise.p_t) for c in members]),
    )
    batch = replace(
        first,
        noise=noise,
        level1=_stack_level([c.level1 for c in members]),
        level2=None if first.level2 is None else _stack_level([c.level2 for c in members]),
        n_level1=np.array([c.n_level1 for c in members]) if first.level2 is not None else 0,
    )
    estimate = estimate_config(batch, precision=precision)
    for j, i in enumerate(group):
        point_estimate = _pick(estimate, j)
        record = estimate_record(configs[i], point_estimate)
        yield i, {**{f"vary.{k}": v for k, v in points[i].items()}, **flatten(record)}


def _pick(estimate, j: int):
    """The j-th point of a batched FactoryEstimate."""
    fields = {}
    for name, value in vars(estimate).items():
        if isinstance(value, np.ndarray) and value.ndim == 1:
            fields[name] = value[j]
        elif name == "full_distance":
            fields[name] = tuple(replace(f, d=f.d[j], cost_d3=f.cost_d3[j]) for f in value)
        elif name == "level1" and value is not None:
            fields[name] = _pick(value, j)
        else:
            fields[name] = value
    return replace(estimate, **fields)


def write_atomically(path: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """CSV for ``.csv``, JSON otherwise; written beside ``path`` and renamed into place."""
    text = to_csv(records) if path.suffix == ".csv" else json.dumps(list(records), indent=1) + "\n"
    handle, name = tempfile.mkstemp(
        dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def load_template(path: str | Path, sets: Sequence[str] = ()) -> dict[str, Any]:
    """Config data with ``--set`` overrides applied (validated later, point by point)."""
    data = read_config_data(path)
    for assignment in sets:
        apply_set(data, assignment)
    return data
