"""Compiled studies: configs, protocols, layouts and schedules parsed once; grids as arrays.

A study part is a config (the template) and axes. Its axes are of two kinds:

* numeric keys (``p_phys``, ``p_t``, ``levelN.d_x/d_z/d_m``, ``level1.count``), which enter the
  model as arrays: a whole chunk of grid points is one numpy batch;
* every other key (protocol, layout, schedule, noise constants, hardware...), which changes the
  structure: each combination of their values is parsed once into a FactoryConfig (the
  "structure"), with its protocols, layouts and schedules. A CP-SAT schedule is solved once
  per structure, at the config's own values of the numeric keys (or the first valid grid
  point), and reused at every point: a schedule is valid at every distance.

A grid point is valid exactly when the config with its values would parse: the numeric keys
are checked by the checks ``parse_config`` itself uses (config.parse_noise, parse_distances
with the level's validity limits, parse_count), each memoised per distinct combination, so no
point rebuilds a config.
The grid is never materialised: chunks are ranges of a structure's numeric sub-grid, decoded
with numpy when they are evaluated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from estimator.calibration.validity import check_distances
from estimator.distinct import distinct_rows
from estimator.errors import ConfigError, ModelError, MsdError, PrecisionError, ResourceError
from estimator.studies.columns import Columns
from estimator.studies.config import (
    FactoryConfig,
    check_key,
    estimate_config,
    level_notation,
    outside_validity_allowed,
    parse_config,
    parse_count,
    parse_distances,
    parse_noise,
    parse_value,
    refuse_outside_validity,
    with_notation,
)
from estimator.studies.report import estimate_columns
from layouts.layout import Distances


@dataclass(frozen=True)
class Group:
    """A check of parse_config over numeric keys: the keys it reads and the batch arrays it
    sets (named by their keys)."""

    reads: tuple[str, ...]
    sets: tuple[str, ...]


_LEVEL1 = ("level1.d_x", "level1.d_z", "level1.d_m")
_LEVEL2 = ("level2.d_x", "level2.d_z", "level2.d_m")
GROUPS: dict[str, Group] = {
    "noise": Group(("p_phys", "p_t"), ("p_phys", "p_t")),
    "level1": Group(("p_phys", *_LEVEL1), _LEVEL1),  # distances, and no rate underflowing
    "level2": Group(("p_phys", *_LEVEL2), _LEVEL2),
    "count": Group(("level1.count",), ("level1.count",)),
}
"""The checks of the numeric keys, in parse_config's order (config.parse_noise,
parse_distances, parse_count); a point is valid when every check passes."""
NUMERIC = {key for group in GROUPS.values() for key in group.reads}
CHUNK = 4096
"""Most grid points in one batch (one-level and two-level 15-to-1: 4^5 coefficients)."""
CHUNK_COEFFICIENTS = CHUNK * 4**5
"""Points x 4^qubits per batch: larger protocols get smaller chunks (20-to-4: 256 points;
13 qubits: 1), so that a chunk takes seconds and progress and resume stay fine-grained."""


@dataclass(frozen=True)
class Axis:
    """One swept key and its values (a ``range`` for START:STOP:STEP, never materialised)."""

    key: str
    values: Sequence[Any]

    @classmethod
    def parse(cls, text: str) -> Axis:
        """``KEY=V1,V2,...`` or ``KEY=START:STOP:STEP`` (integers, STOP included).

        >>> tuple(Axis.parse("level1.d_x=7:11:2").values)
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
        check_key(key)
        if raw.count(":") == 2:
            try:
                start, stop, step = (int(v) for v in raw.split(":"))
            except ValueError:
                raise ConfigError(
                    key, f"a range START:STOP:STEP takes integers, got {raw!r}"
                ) from None
            if step <= 0 or stop < start:
                raise ConfigError(key, f"range {raw!r} is empty (STEP > 0 and STOP >= START)")
            return cls(key, range(start, stop + 1, step))
        return cls(key, tuple(parse_value(v) for v in raw.split(",")))


@dataclass(frozen=True)
class Part:
    """A config (already overridden) and the axes swept over it; ``label`` names its file."""

    template: Mapping[str, Any]
    axes: tuple[Axis, ...]
    label: str = "sweep"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=object))


@dataclass(frozen=True)
class Structure:
    """One combination of a part's structural values, parsed once.

    Attributes:
        data: the template with the structural values (numeric keys checked against it).
        config: the config at the reference point (None: no point of this structure is valid).
        error: why no point is valid (config None).
        chunk: grid points per chunk.
    """

    data: Mapping[str, Any]
    config: FactoryConfig | None
    error: str = ""
    chunk: int = CHUNK
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CompiledPart:
    """A part with its axes split into structural and numeric ones and its structures."""

    part: Part
    structural: tuple[int, ...]
    numeric: tuple[int, ...]
    structures: tuple[Structure, ...]

    @property
    def numeric_shape(self) -> tuple[int, ...]:
        return tuple(len(self.part.axes[i].values) for i in self.numeric)

    @property
    def numeric_size(self) -> int:
        return int(np.prod(self.numeric_shape, dtype=object))


@dataclass(frozen=True)
class Chunk:
    """Grid points ``start:stop`` of the numeric sub-grid of structure ``structure`` of part
    ``part``: the unit of work, of progress and of resume."""

    part: int
    structure: int
    start: int
    stop: int

    @property
    def key(self) -> str:
        return f"{self.part}/{self.structure}/{self.start}"


@dataclass(frozen=True)
class ChunkResult:
    """The evaluated points of a chunk: ``index`` (grid position within the part, grid order)
    and their columns; ``skipped`` maps each message to the grid positions it refused."""

    chunk: Chunk
    index: np.ndarray
    columns: Columns
    skipped: Mapping[str, list[int]]

    @property
    def part(self) -> int:
        return self.chunk.part


@dataclass(frozen=True)
class Plan:
    """A compiled study: its parts and the arithmetic (``simulate``'s precision)."""

    parts: tuple[CompiledPart, ...]
    precision: str = "auto"

    def chunks(self) -> Iterator[Chunk]:
        """Every chunk, in order, generated lazily."""
        for p, compiled in enumerate(self.parts):
            n = compiled.numeric_size
            for s, structure in enumerate(compiled.structures):
                for start in range(0, n, structure.chunk):
                    yield Chunk(p, s, start, min(start + structure.chunk, n))

    def n_chunks(self) -> int:
        return sum(-(-p.numeric_size // s.chunk) for p in self.parts for s in p.structures)


def compile_parts(parts: Sequence[Part], *, precision: str = "auto") -> Plan:
    """Parse every structure of every part once (CP-SAT schedules solved here)."""
    return Plan(tuple(_compile(part) for part in parts), precision)


def _compile(part: Part) -> CompiledPart:
    structural = tuple(i for i, a in enumerate(part.axes) if a.key not in NUMERIC)
    numeric = tuple(i for i, a in enumerate(part.axes) if a.key in NUMERIC)
    structures = []
    for combo in _combos([part.axes[i].values for i in structural]):
        data = assign(part.template, {part.axes[i].key: v for i, v in zip(structural, combo)})
        structures.append(_structure(data, [part.axes[i] for i in numeric], part.label))
    return CompiledPart(part, structural, numeric, tuple(structures))


def _structure(data: Mapping[str, Any], axes: Sequence[Axis], label: str) -> Structure:
    """Parse ``data`` at a reference point: for each check, the template's own values if they
    pass, else the first combination of the grid that passes (at the reference p_phys)."""
    probe = Structure(data, None)
    reference: dict[str, Any] = {}
    for name in ("noise", "level1", "level2"):
        members = [a for a in axes if a.key in GROUPS[name].sets]
        if not members:
            continue
        fixed = {k: v for k, v in reference.items() if k in GROUPS[name].reads}
        found = _first_valid(probe, name, members, fixed)
        if isinstance(found, str):
            return Structure(data, None, found)
        reference.update(found)
    counts = [a for a in axes if a.key == "level1.count"]
    candidates = [None]
    if counts:
        own = data.get("level1", {}).get("count")
        candidates = [own] * (own is not None) + list(counts[0].values)
    error = ""
    for count in candidates:
        values = dict(reference) if count is None else {**reference, "level1.count": count}
        try:
            config = parse_config(assign(data, values), source=label)
        except ConfigError as failure:
            error = str(failure)
            if failure.field == "level1.count":
                continue
            return Structure(data, None, error)
        except MsdError as failure:
            return Structure(data, None, str(failure))
        skeleton = replace(config, solvers={})
        return Structure(data, skeleton, chunk=_chunk_size(config), memo=probe.memo)
    return Structure(data, None, error)


def _first_valid(
    structure: Structure, group: str, axes: Sequence[Axis], fixed: Mapping[str, Any]
) -> dict | str:
    """The template's values of ``axes`` if they pass the group's check (with the ``fixed``
    values), else the first combination of their values that does; the first message if
    none does."""
    own = [_lookup(structure.data, a.key) for a in axes]
    tries = _combos([a.values for a in axes])
    if all(v is not None for v in own):
        tries = itertools.chain([tuple(own)], tries)
    keys = (*fixed, *(a.key for a in axes))
    first = ""
    for combo in tries:
        checked = _check(structure, group, keys, (*fixed.values(), *combo))
        if not isinstance(checked, str):
            return dict(zip((a.key for a in axes), combo))
        first = first or checked
    return first


def _check(structure: Structure, group: str, keys: tuple[str, ...], combo: tuple) -> Any:
    """The values a group sets at ``combo`` (p_phys and p_t; d_x, d_z, d_m; n_L1), or the
    error message, by the checks of parse_config; memoised per structure."""
    memo_key = (group, keys, combo)
    if memo_key in structure.memo:
        return structure.memo[memo_key]
    data = assign(structure.data, dict(zip(keys, combo)))
    try:
        if group == "noise":
            noise = parse_noise(data)
            result: Any = (float(noise.p_phys), float(noise.p_t))
        elif group == "count":
            config = structure.config
            result = parse_count(
                data["level1"], config.arrangement, len(config.level2.layout.regions)
            )
        else:
            noise = parse_noise(data)
            d = parse_distances(data.get(group, {}), group, noise)
            if not outside_validity_allowed(data):  # as parse_config (docs/model/validity.md;
                # a batch has no per-region or per-step distances: stack_configs)
                found = check_distances(d, float(noise.p_phys), group)
                refuse_outside_validity(found, data)
            result = (d.d_x, d.d_z, d.d_m)
    except ConfigError as error:
        result = str(error)
    structure.memo[memo_key] = result
    return result


def evaluate_chunk(
    plan: Plan, chunk: Chunk, keep: Callable[[Columns], np.ndarray] | None = None
) -> ChunkResult:
    """Evaluate the points of ``chunk`` as one batch; ``keep`` selects the rows to return
    (e.g. the feasible ones or a Pareto front; None keeps all)."""
    compiled = plan.parts[chunk.part]
    structure = compiled.structures[chunk.structure]
    part = compiled.part
    numeric = (
        np.unravel_index(np.arange(chunk.start, chunk.stop), compiled.numeric_shape)
        if compiled.numeric
        else ()
    )
    fixed = np.unravel_index(
        chunk.structure, [len(part.axes[i].values) for i in compiled.structural]
    )
    positions: list[Any] = [None] * len(part.axes)
    for i, idx in zip(compiled.numeric, numeric):
        positions[i] = idx
    for i, idx in zip(compiled.structural, fixed):
        positions[i] = np.full(chunk.stop - chunk.start, idx)
    index = (
        np.ravel_multi_index(positions, part.shape)
        if part.axes
        else np.zeros(chunk.stop - chunk.start, dtype=np.int64)
    )
    skipped: dict[str, list[int]] = {}
    if structure.config is None:
        return ChunkResult(chunk, index[:0], Columns({}, 0), {structure.error: index.tolist()})
    values, error, messages = _numeric_values(structure, compiled, numeric)
    for m, message in enumerate(messages):
        skipped[message] = index[error == m].tolist()
    valid = error < 0
    rows = np.flatnonzero(valid)
    columns, failed = _evaluate(
        structure.config, {k: v[rows] for k, v in values.items()}, plan.precision
    )
    for j, message in failed.items():
        skipped.setdefault(message, []).append(int(index[rows[j]]))
    ok = np.setdiff1d(np.arange(len(rows)), np.fromiter(failed, dtype=np.int64), assume_unique=True)
    rows = rows[ok]  # _evaluate returned the columns of these points only
    vary = {
        f"vary.{axis.key}": _take_values(axis.values, positions[i][rows])
        for i, axis in enumerate(part.axes)
    }
    columns = Columns.build(vary, len(rows)).with_columns(columns.data)
    if len(rows):  # each point's title shows its own distances
        columns = columns.with_columns({"title": _titles(structure, values, rows)})
    result = ChunkResult(chunk, index[rows], columns, skipped)
    if keep is None:
        return result
    kept = keep(columns)
    return ChunkResult(chunk, result.index[kept], columns.take(kept), skipped)


def _numeric_values(
    structure: Structure, compiled: CompiledPart, numeric: Sequence[np.ndarray]
) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """Per point of a chunk: the arrays of the numeric keys (p_phys, p_t, distances, n_L1) and
    the index of its first error in the returned messages (-1: valid)."""
    config = structure.config
    n = len(numeric[0]) if numeric else 1
    values = {
        "p_phys": np.full(n, float(config.noise.p_phys)),
        "p_t": np.full(n, float(config.noise.p_t)),
    }
    for name, spec in (("level1", config.level1), ("level2", config.level2)):
        if spec is not None:
            for k in ("d_x", "d_z", "d_m"):
                values[f"{name}.{k}"] = np.full(n, float(getattr(spec.d, k)))
    if config.level2 is not None:
        values["level1.count"] = np.full(n, config.n_level1, dtype=np.int64)
    error = np.full(n, -1)
    messages: list[str] = []
    axes = compiled.part.axes
    for group, check in GROUPS.items():
        members = [j for j, i in enumerate(compiled.numeric) if axes[i].key in check.reads]
        if not members or any(name not in values for name in check.sets):
            continue  # nothing of it varies, or no such level (a one-level factory)
        names = check.sets
        keys = tuple(axes[compiled.numeric[j]].key for j in members)
        shape = [len(axes[compiled.numeric[j]].values) for j in members]
        codes = np.ravel_multi_index([numeric[j] for j in members], shape)
        unique, inverse = np.unique(codes, return_inverse=True)
        checked = []
        for code in unique:
            at = np.unravel_index(code, shape)
            combo = tuple(axes[compiled.numeric[j]].values[int(a)] for j, a in zip(members, at))
            checked.append(_check(structure, group, keys, combo))
        bad = np.array([isinstance(c, str) for c in checked])
        first = np.full(len(checked), -1)
        for u in np.flatnonzero(bad):
            if checked[u] not in messages:
                messages.append(checked[u])
            first[u] = messages.index(checked[u])
        fresh = (error < 0) & bad[inverse]
        error[fresh] = first[inverse[fresh]]
        table = np.array(
            [np.full(len(names), np.nan) if b else np.atleast_1d(c) for c, b in zip(checked, bad)],
            dtype=float,
        )
        for k, name in enumerate(names):  # invalid points keep the reference values
            column = np.where(bad[inverse], values[name], table[inverse, k])
            values[name] = column.astype(values[name].dtype)
    return values, error, messages


def _evaluate(
    config: FactoryConfig, values: Mapping[str, np.ndarray], precision: str
) -> tuple[Columns, dict[int, str]]:
    """Columns of the batch ``values`` on ``config`` without the points the engine refuses
    (the model breaks down, or the digits or the resources are out of reach); those are
    found by bisection and reported by position."""
    n = len(values["p_phys"])
    if n == 0:
        return Columns({}, 0), {}
    try:
        batch = _batch(config, values)
        return Columns.build(
            estimate_columns(batch, estimate_config(batch, precision=precision)), n
        ), {}
    except (ModelError, PrecisionError, ResourceError) as error:  # refused at some point
        if n == 1:
            return Columns({}, 0), {0: str(error)}
    half = n // 2
    left, left_failed = _evaluate(config, {k: v[:half] for k, v in values.items()}, precision)
    right, right_failed = _evaluate(config, {k: v[half:] for k, v in values.items()}, precision)
    failed = {**left_failed, **{half + j: m for j, m in right_failed.items()}}
    return Columns.concat([left, right]), failed


def _batch(config: FactoryConfig, values: Mapping[str, np.ndarray]) -> FactoryConfig:
    """The structure's config with the batch's arrays (any noise model: only its parameter
    point, p_phys and p_t, varies)."""
    noise = replace(config.noise, p_phys=values["p_phys"], p_t=values["p_t"])
    levels = {}
    for name in ("level1", "level2"):
        spec = getattr(config, name)
        if spec is not None:
            d = Distances(*(values[f"{name}.{k}"] for k in ("d_x", "d_z", "d_m")))
            levels[name] = replace(spec, d=d)
    if config.level2 is not None:
        levels["n_level1"] = values["level1.count"]
    return replace(config, noise=noise, **levels)


def _titles(structure: Structure, values: Mapping[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """The title of each point, as parse_config gives it (config.factory_title): each level's
    notation is formatted once per distinct distances (and n_L1)."""
    config = structure.config
    levels = [(config.level1, _LEVEL1)]
    if config.level2 is not None:
        levels.append((config.level2, _LEVEL2))
    notation = None
    for k, (spec, names) in enumerate(levels):
        keys = [*names, "level1.count"] if k == 0 and config.level2 is not None else list(names)
        columns = [values[name][rows].astype(np.int64) for name in keys]
        first, inverse = distinct_rows(columns)
        texts = np.empty(len(first), dtype=object)
        texts[:] = [
            level_notation(spec.protocol.name, Distances(*u[:3]), *u[3:])
            for u in np.stack(columns, axis=1)[first].tolist()
        ]
        part = texts[inverse]
        notation = part if notation is None else notation + " x " + part
    written = structure.data.get("title")
    if written is None:
        return notation
    titles = np.empty(len(notation), dtype=object)
    titles[:] = [with_notation(written, n) for n in notation]
    return titles


def _chunk_size(config: FactoryConfig) -> int:
    qubits = max(s.protocol.n_qubits for s in (config.level1, config.level2) if s is not None)
    return max(1, min(CHUNK, CHUNK_COEFFICIENTS // 4**qubits))


def _combos(values: Sequence[Sequence[Any]]) -> Iterator[tuple]:
    """The Cartesian product of ``values`` in grid order (last fastest), generated lazily
    (itertools.product would first copy every sequence, e.g. a range of 10^7 values)."""
    sizes = [len(v) for v in values]
    for flat in range(int(np.prod(sizes, dtype=object))):
        combo = []
        for v, size in zip(reversed(values), reversed(sizes)):
            flat, i = divmod(flat, size)
            combo.append(v[i])
        yield tuple(reversed(combo))


def _take_values(values: Sequence[Any], at: np.ndarray) -> np.ndarray:
    """``values[at]`` as an array (a range is indexed arithmetically, never materialised)."""
    if isinstance(values, range):
        return values.start + values.step * np.asarray(at, dtype=np.int64)
    table = np.empty(len(values), dtype=object)
    table[:] = list(values)
    return table[at]


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def assign(data: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of config data with dotted ``values`` set (tables along the way copied, the
    rest shared)."""
    result = dict(data)
    for key, value in values.items():
        *parents, last = key.split(".")
        target = result
        for part in parents:
            inner = target.get(part, {})
            if not isinstance(inner, dict):
                raise ConfigError(key, f"{part!r} is not a table")
            target[part] = inner = dict(inner)
            target = inner
        target[last] = value
    return result
