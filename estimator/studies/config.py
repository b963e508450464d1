"""Factory configs: TOML files read as data, validated, turned into level specs.

Schema (README "Writing a config"): top level ``p_phys``, optional ``p_t``, ``title``,
``[noise]`` (``model``, ``prefactor``, ``threshold``, ``convention``, ``t_error``, ``file``,
``extrapolate``, ``bound``: estimator/calibration/models.py), ``[level1]`` and optional ``[level2]``
(``protocol``, ``layout``, ``schedule``, ``d_x``, ``d_z``, ``d_m``; ``level1.count`` = n_L1),
``[protocols.NAME]`` (``matrix`` or ``rotations`` + ``outputs``), ``[paper]`` (printed
values the tests and ``msd table`` compare against; never used as results), ``[hardware]``
(code-cycle time and demand, estimator.studies.hardware) and ``[sweep]`` (the study's axes,
estimator.studies.sweep). Nothing from a
config is evaluated as code; every problem is a ConfigError naming the field.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from estimator import shipped
from estimator.calibration.models import noise_from_table
from estimator.circuits.protocol import Protocol
from estimator.circuits.protocols import builtin_protocols, get_protocol, protocol_from_matrix
from estimator.errors import (
    ConfigError,
    LayoutError,
    ModelError,
    ProtocolError,
    ResourceError,
    ScheduleError,
)
from estimator.factory import (
    FactoryEstimate,
    LevelSpec,
    estimate_one_level,
    estimate_two_level,
    level_one,
    level_two,
    level_two_inputs,
)
from estimator.inputs import read_text
from estimator.sim.noise import NoiseModel
from estimator.studies.hardware import KEYS as HARDWARE_KEYS
from estimator.studies.hardware import Hardware, parse_hardware
from layouts.arrangement import ARRANGEMENTS, Arrangement
from layouts.layout import LAYOUTS, Distances, Layout
from layouts.schedule import Schedule, published_schedule

LEVEL_KEYS = {"protocol", "layout", "schedule", "d_x", "d_z", "d_m"}
SCHEMA: dict[str, Any] = {
    "title": str,
    "p_phys": float,
    "p_t": float,
    "noise": {
        "prefactor": float,
        "threshold": float,
        "t_error": str,
        "model": str,
        "convention": str,
        "file": str,
        "extrapolate": bool,
        "bound": str,
    },
    "level1": dict.fromkeys(LEVEL_KEYS | {"count"}, object),
    "level2": dict.fromkeys(LEVEL_KEYS, object),
    "protocols": object,
    "paper": object,
    "sweep": {"vary": object, "target": float, "top": int, "series": object},
    "hardware": dict.fromkeys(HARDWARE_KEYS, object),
}
LAYOUT_CHOICES = (*LAYOUTS, "auto")
SCHEDULE_CHOICES = ("paper", "consistent", "cpsat")
MAX_DEPTH = 16
"""Deepest nesting of tables and arrays read from a config or a command-line value (the schema
needs 4: protocols.NAME.matrix = [rows])."""
MAX_DISTANCE = 99_999
"""Largest code distance accepted (a d = 10^5 patch already has 2 x 10^10 qubits)."""
MAX_COUNT = 10**6
"""Largest number of level-1 factories accepted."""
SMALLEST_RATE = 1e-300
"""Smallest nonzero error rate (p_L of a patch, p_t) the model evaluates: below it float64
loses digits (subnormals) and then underflows to 0, silently dropping an error term."""
_NOTATION = re.compile(r"\([^()]*\)(\^\d+)?_\{\d+,\d+,\d+\}(?: x \([^()]*\)_\{\d+,\d+,\d+\})?")


@dataclass(frozen=True)
class FactoryConfig:
    """A validated factory config.

    Attributes:
        source: file it came from.
        title: a human label.
        noise: the noise model.
        level1, level2: what each level runs (level2 None for a one-level factory).
        n_level1: level-1 factories feeding the level-2 block.
        arrangement: routing and timing of a two-level factory.
        paper: the published values stored beside the config (for comparison only).
        data: the config as read, after ``--set`` overrides (echoed in reports).
        solvers: the CP-SAT results of the levels scheduled by ``schedule = "cpsat"``.
        hardware: the code-cycle time and demand of the optional ``[hardware]`` table.
    """

    source: str
    title: str
    noise: NoiseModel
    level1: LevelSpec
    level2: LevelSpec | None = None
    n_level1: int = 0
    arrangement: Arrangement | None = None
    paper: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    solvers: Mapping[str, Any] = field(default_factory=dict)
    hardware: Hardware | None = None


def read_config_data(path: str | Path, *, field: str = "CONFIG") -> dict[str, Any]:
    """The TOML data of a config file (not yet validated); ``configs/...`` paths that do not
    exist here name the configs shipped with the package (estimator.shipped)."""
    text = read_text(shipped.find(path), field=field)
    return parse_toml(text, field=field, source=repr(str(path)))


def parse_toml(text: str, *, field: str, source: str) -> dict[str, Any]:
    """TOML text as data, nested at most MAX_DEPTH deep; ConfigError naming ``field`` if not."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(field, f"malformed TOML in {source}: {error}") from None
    except RecursionError:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise ConfigError(field, f"malformed TOML in {source}: {error}") from None
    if _depth(data) > MAX_DEPTH:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels")
    return data


def _depth(value: Any) -> int:
    """Nesting depth of tables and arrays, up to MAX_DEPTH + 1 (iterative: may be deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= MAX_DEPTH:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        children = children if isinstance(item, dict | list) else ()
        stack += [(c, depth + 1) for c in children if isinstance(c, dict | list)]
    return deepest


def is_protocol_config(data: Mapping[str, Any]) -> bool:
    """Whether config data is an inner/outer-code protocol of 000 (top-level ``eps_in``,
    read by ``estimator.studies.hhpw_config``) rather than a factory (``p_phys``)."""
    return "eps_in" in data and "p_phys" not in data


def load_config(
    path: str | Path, sets: Sequence[str] = (), *, time_limit: float = 10.0
) -> FactoryConfig:
    """Read, override (``KEY=VALUE`` dotted paths) and validate a factory config."""
    data = read_config_data(path)
    for assignment in sets:
        apply_set(data, assignment)
    return parse_config(data, source=str(path), time_limit=time_limit)


def parse_config(
    data: Mapping[str, Any], *, source: str = "<config>", time_limit: float = 10.0
) -> FactoryConfig:
    """Validate config data (already parsed TOML) into a FactoryConfig.

    ``time_limit`` bounds each CP-SAT solve of a ``schedule = "cpsat"`` level (seconds)."""
    if is_protocol_config(data):
        raise ConfigError(
            "eps_in", "an inner/outer-code protocol config: msd estimate and msd table read it"
        )
    _check_keys(data, SCHEMA, "")
    noise = parse_noise(data)
    user = _user_protocols(_table(data, "protocols"))
    if "level1" not in data:
        raise ConfigError("level1", "missing table [level1]")
    level1 = _level(_table(data, "level1"), "level1", 1, user, noise, time_limit)
    written = _string(data, "title", "title") if "title" in data else None
    common = {
        "source": source,
        "noise": noise,
        "data": data,
        "paper": _table(data, "paper"),
        "hardware": parse_hardware(_table(data, "hardware")),
    }
    if "level2" not in data:
        if "count" in data["level1"]:
            raise ConfigError(
                "level1.count",
                "only a two-level factory (with [level2]) has level-1 factories to count",
            )
        feeder, solver1 = level1.finish()
        title = factory_title(written, feeder)
        return FactoryConfig(level1=feeder, title=title, solvers=_solvers(solver1), **common)
    level2 = _level(_table(data, "level2"), "level2", 2, user, noise, time_limit)
    arrangement = ARRANGEMENTS.get(level2.layout.name, Arrangement.litinski)()
    n_level1 = parse_count(data["level1"], arrangement, len(level2.layout.regions))
    feeder, solver1 = level1.finish()
    tau = feed = None
    if level2.schedule_name == "cpsat":  # the solver weighs errors with the real inputs
        try:
            fed = estimate_one_level(noise, feeder)
        except ModelError as error:
            probe = FactoryConfig(source, "", noise, feeder)
            raise ModelError(_out_of_model(probe) or str(error)) from None
        tau, feed = level_two_inputs(
            noise,
            level2.d,
            len(level2.layout.regions),
            feeder,
            fed,
            n_level1=n_level1,
            arrangement=arrangement,
        )
    top, solver2 = level2.finish(tau=tau, feed=feed)
    return FactoryConfig(
        title=factory_title(written, feeder, top, n_level1),
        level1=feeder,
        level2=top,
        n_level1=n_level1,
        arrangement=arrangement,
        solvers=_solvers(solver1, solver2),
        **common,
    )


def parse_noise(data: Mapping[str, Any]) -> NoiseModel:
    """The noise model of config data: ``p_phys``, ``p_t`` and the ``[noise]`` table
    (estimator.calibration.models)."""
    noise = noise_from_table(
        _table(data, "noise"),
        _number(data, "p_phys", "p_phys", required=True),
        _number(data, "p_t", "p_t"),
    )
    _check_t_rate(noise, "p_t" if "p_t" in data else "p_phys")
    return noise


def parse_distances(level: Mapping[str, Any], name: str, noise: NoiseModel) -> Distances:
    """d_x, d_z, d_m of the level table ``name``: positive odd integers, d_z <= d_x, and no
    error rate of the level underflowing float64 at ``noise``."""
    d = Distances(*(_distance(level, k, f"{name}.{k}") for k in ("d_x", "d_z", "d_m")))
    if d.d_z > d.d_x:
        raise ConfigError(f"{name}.d_z", f"must not exceed d_x ({d.d_z} > {d.d_x})")
    _check_rates(noise, name, d)
    return d


def _solvers(solver1: Any, solver2: Any = None) -> dict[str, Any]:
    """The CP-SAT results by level name, for the levels that ``schedule = "cpsat"`` scheduled."""
    pairs = (("level1", solver1), ("level2", solver2))
    return {name: result for name, result in pairs if result is not None}


def estimate_config(config: FactoryConfig, *, precision: str = "auto") -> FactoryEstimate:
    """Cost the factory a config describes.

    Raises:
        ModelError: an error probability of the model leaves [0, 1]; the message names the
            config fields to change.
    """
    try:
        if config.level2 is None:
            return estimate_one_level(config.noise, config.level1, precision=precision)
        return estimate_two_level(
            config.noise,
            config.level1,
            config.level2,
            n_level1=config.n_level1,
            arrangement=config.arrangement,
            precision=precision,
        )
    except ModelError as error:
        raise ModelError(_out_of_model(config) or str(error)) from None


def _out_of_model(config: FactoryConfig) -> str | None:
    """Which level's error probability exceeds 1 and which fields to change, or None.

    The channels come from the rules of MODEL.md 4-5 (layouts.error_terms): a rotation's
    probability is dominated by the timelike error (Lambda d_x / 2 d_m) p_L(d_m) of its
    lattice-surgery measurement, a storage flip by (d_x / d_z) p_L(d_z) per cycle over a step.
    """
    from estimator.sim.channels import DiagonalChannel

    noise = config.noise
    levels = [("level1", config.level1, lambda: level_one(noise, config.level1))]
    if config.level2 is not None:
        levels.append(
            (
                "level2",
                config.level2,
                lambda: level_two(
                    noise,
                    config.level2,
                    config.level1,
                    estimate_one_level(noise, config.level1),
                    n_level1=config.n_level1,
                    arrangement=config.arrangement,
                ),
            )
        )
    for name, spec, build in levels:
        for channel in build().channels():
            is_diagonal = isinstance(channel, DiagonalChannel)
            p = np.asarray(channel.q if is_diagonal else channel.p, dtype=float)
            if not np.any(p > 1):
                continue
            index = np.flatnonzero(np.broadcast_to(p, p.shape).ravel() > 1)[0]
            at = {k: _at(getattr(spec.d, k), index) for k in ("d_x", "d_z", "d_m")}
            where = (
                f"at p_phys = {_at(noise.p_phys, index):g}, {name}.d_x = {at['d_x']}, "
                f"d_z = {at['d_z']}, d_m = {at['d_m']}"
            )
            if is_diagonal and channel.is_rotation:
                field, what = f"{name}.d_m", f"rotation {channel.rotation} fails"
                fix = f"raise {name}.d_m (the merge time) or lower {name}.d_x or p_phys"
            else:
                field, what = f"{name}.d_z", "a patch's storage error over one step is"
                fix = f"raise {name}.d_z and {name}.d_x, or lower {name}.d_m or p_phys"
            return (
                f"{field}: the error model does not apply (MODEL.md 4-5) {where}: {what} "
                f"with probability {float(p.ravel()[index]):.3g} > 1; {fix}"
            )
    return None


def _at(value: Any, index: int) -> Any:
    """The value of a scalar or batched parameter at flat ``index``, as a plain number."""
    array = np.asarray(value).ravel()
    number = array[index if array.size > 1 else 0]
    return int(number) if float(number).is_integer() else float(number)


def factory_title(
    written: str | None, level1: LevelSpec, level2: LevelSpec | None = None, n_level1: int = 0
) -> str:
    """The title of a factory, from its data: Litinski's notation (002 Table 1), e.g.
    ``(15-to-1)^4_{9,3,3} x (20-to-4)_{15,7,9}``; a written title keeps its words and gets
    the notation of the levels as they are now (so ``--set`` and sweeps never show stale
    distances).
    """

    notation = level_notation(level1.protocol.name, level1.d)
    if level2 is not None:
        first = level_notation(level1.protocol.name, level1.d, n_level1)
        notation = f"{first} x {level_notation(level2.protocol.name, level2.d)}"
    return with_notation(written, notation)


def level_notation(protocol: str, d: Distances, count: int = 0) -> str:
    """One level in Litinski's notation, e.g. ``(15-to-1)^4_{9,3,3}`` (the count if > 1)."""
    power = f"^{count}" if count > 1 else ""
    return f"({protocol}){power}_{{{int(d.d_x)},{int(d.d_z)},{int(d.d_m)}}}"


def with_notation(written: str | None, notation: str) -> str:
    """A written title with its (first) notation replaced by ``notation``; the notation alone
    without a written title."""
    if written is None:
        return notation
    return _NOTATION.sub(lambda _: notation, written, count=1)


def _check_t_rate(noise: NoiseModel, field: str) -> None:
    """ConfigError unless p_t is 0 or at least SMALLEST_RATE."""
    p_t = float(noise.p_t)
    if 0 < p_t < SMALLEST_RATE:
        raise ConfigError(
            field,
            f"the T-measurement error p_t = {p_t:g} is below {SMALLEST_RATE:g}, where float64 "
            "drops error terms; use p_t >= 1e-300 (or p_t = 0 for perfect T measurements)",
        )


def _check_rates(noise: NoiseModel, name: str, d: Distances) -> None:
    """ConfigError unless p_L at the smallest distance of a level is at least SMALLEST_RATE
    (or exactly 0, ``noise.prefactor = 0``): below it every error term of the level underflows
    float64 and the result would be silently wrong. Names p_phys if even d = 3 underflows,
    else the smallest distance."""
    if noise.prefactor == 0:
        return
    p, floor = float(noise.p_phys), math.log10(SMALLEST_RATE) - math.log10(noise.prefactor)
    slope = math.log10(p / noise.threshold)  # log10 p_L = log10 prefactor + (d + 1) / 2 slope
    key = min(("d_x", "d_z", "d_m"), key=lambda k: getattr(d, k))
    value = int(getattr(d, key))
    if (value + 1) / 2 * slope >= floor:
        return
    exponent = math.log10(noise.prefactor) + (value + 1) / 2 * slope
    problem = (
        f"p_L({key} = {value}) at p_phys = {p:g} is 1e{exponent:.0f}, below {SMALLEST_RATE:g}: "
        "every error rate of the level underflows float64"
    )
    if 2 * slope < floor:  # even d = 3 underflows: the physical error rate is the problem
        lowest = noise.threshold * 10 ** (floor / ((value + 1) / 2))
        raise ConfigError("p_phys", f"{problem}; use p_phys >= {lowest:.2g}")
    largest = 2 * math.floor(floor / slope - 1) + 1
    raise ConfigError(f"{name}.{key}", f"{problem}; use {name}.{key} <= {largest}")


def check_key(key: str) -> list[str]:
    """The parts of a dotted config key, or ConfigError if the schema has no such key."""
    parts = key.split(".")
    schema: Any = SCHEMA
    for depth, part in enumerate(parts):
        known = isinstance(schema, dict) and part in schema
        free = schema is object and depth >= 1  # inside [protocols], [paper] or [sweep.vary]
        if not (known or free):
            raise ConfigError(key, f"unknown key (known: {', '.join(_known_keys())})")
        schema = schema[part] if known else object
    return parts


def parse_value(text: str, *, field: str = "VALUE") -> Any:
    """A command-line value in TOML syntax; a bare word is a string (``level1.layout=auto``).

    >>> parse_value("9"), parse_value("1e-3"), parse_value("auto")
    (9, 0.001, 'auto')
    """
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()
    except RecursionError:
        raise ConfigError(field, f"the value nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # an integer of more than 4300 digits
        raise ConfigError(field, f"cannot read the value: {error}") from None
    if _depth(value) > MAX_DEPTH:
        raise ConfigError(field, f"the value nests deeper than {MAX_DEPTH} levels")
    return value


def apply_set(data: dict[str, Any], assignment: str) -> None:
    """Apply ``KEY=VALUE`` (VALUE in TOML syntax; a bare word is a string) to config data."""
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", f"expected KEY=VALUE, got {assignment!r}")
    parts = check_key(key)
    value = parse_value(raw, field=key)
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError(key, f"{part!r} is not a table")
    target[parts[-1]] = value


def _known_keys() -> list[str]:
    keys = []
    for name, sub in SCHEMA.items():
        if isinstance(sub, dict):
            keys += [f"{name}.{k}" for k in sorted(sub)]
        elif sub is not object:
            keys.append(name)
    return keys


def _check_keys(data: Mapping[str, Any], schema: Mapping[str, Any], prefix: str) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(name, f"unknown key (expected one of: {', '.join(sorted(schema))})")
        if isinstance(schema[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(name, "must be a table")
            _check_keys(value, schema[key], f"{name}.")


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(key, "must be a table")
    return value


def _number(
    data: Mapping[str, Any],
    key: str,
    name: str,
    *,
    required: bool = False,
    default: float | None = None,
):
    if key not in data:
        if required:
            raise ConfigError(name, "missing (a number)")
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(name, f"must be a number, got {_show(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ConfigError(
            name, f"must be a number within float range, got {_show(value)}"
        ) from None


def _string(data: Mapping[str, Any], key: str, name: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(name, f"must be a string, got {_show(value)}")
    return value


def _distance(data: Mapping[str, Any], key: str, name: str) -> int:
    if key not in data:
        raise ConfigError(name, "missing (a positive odd integer)")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value % 2 == 0:
        raise ConfigError(name, f"must be a positive odd integer, got {_show(value)}")
    if value > MAX_DISTANCE:
        raise ConfigError(name, f"must be at most {MAX_DISTANCE:,}, got {_show(value)}")
    return value


def _choice(
    data: Mapping[str, Any], key: str, name: str, choices: Sequence[str], default: str
) -> str:
    value = _string(data, key, name, default=default)
    if value not in choices:
        raise ConfigError(
            name, f"unknown value {_show(value)}; choose one of: {', '.join(choices)}"
        )
    return value


def parse_count(level1: Mapping[str, Any], arrangement: Arrangement, per_step: int) -> int:
    """n_L1: a positive multiple of the states a level-2 step consumes (one per port)."""
    if "count" not in level1:
        if per_step == 1:
            return 1
        raise ConfigError(
            "level1.count",
            f"missing: the number of level-1 factories (layout {arrangement.name!r} needs a positive multiple of {per_step})",
        )
    count = level1["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0 or count % per_step:
        kind = "even integer" if per_step == 2 else f"multiple of {per_step}"
        raise ConfigError(
            "level1.count",
            f"must be a positive {kind} for layout {arrangement.name!r}, got {_show(count)}",
        )
    if count > MAX_COUNT:
        raise ConfigError("level1.count", f"must be at most {MAX_COUNT:,}, got {_show(count)}")
    return count


def _show(value: Any) -> str:
    """A value for an error message: its repr, cut to 60 characters."""
    huge = isinstance(value, int) and value.bit_length() > 200
    text = "a huge integer" if huge else repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _user_protocols(table: Mapping[str, Any]) -> dict[str, Protocol]:
    protocols = {}
    for name, spec in table.items():
        field_name = f"protocols.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(
                field_name, "must be a table with 'matrix' or 'rotations' and 'outputs'"
            )
        unknown = set(spec) - {"matrix", "rotations", "outputs"}
        if unknown:
            raise ConfigError(
                f"{field_name}.{min(unknown)}",
                "unknown key (expected matrix, or rotations and outputs)",
            )
        try:
            if "matrix" in spec:
                protocols[name] = protocol_from_matrix(
                    name, spec["matrix"], field=f"{field_name}.matrix"
                )
            elif "rotations" in spec:
                rotations, outputs = spec["rotations"], spec.get("outputs")
                if not isinstance(rotations, list) or not all(
                    isinstance(r, str) for r in rotations
                ):
                    raise ConfigError(
                        f"{field_name}.rotations", "must be a list of strings such as 'Z1 Z2 Z3'"
                    )
                if (
                    not isinstance(outputs, list)
                    or not outputs
                    or not all(isinstance(q, int) and not isinstance(q, bool) for q in outputs)
                    or min(outputs) < 1
                ):
                    raise ConfigError(
                        f"{field_name}.outputs",
                        "must be a non-empty list of qubit numbers (from 1)",
                    )
                protocols[name] = Protocol.from_rotations(
                    name, rotations, outputs, reference=f"config {field_name}"
                )
            else:
                raise ConfigError(field_name, "needs 'matrix' or 'rotations'")
        except ProtocolError as error:
            message = str(error)
            raise ConfigError(
                "" if message.startswith(field_name) else field_name, message
            ) from None
        except ResourceError as error:
            raise ResourceError(f"{field_name}: {error}") from None
    return protocols


@dataclass(frozen=True)
class _PartialLevel:
    """A level whose schedule is still a name (``cpsat`` needs inputs known only later)."""

    name: str
    level: int
    protocol: Protocol
    layout: Layout
    d: Distances
    schedule_name: str
    noise: NoiseModel
    time_limit: float

    def finish(self, *, tau: Any = None, feed: Any = None) -> tuple[LevelSpec, Any]:
        """The level spec and the CP-SAT result (None unless ``schedule = "cpsat"``)."""
        try:
            schedule, solver = self._schedule(tau, feed)
            schedule.validate(self.protocol, self.layout, level=self.level)
        except (LayoutError, ScheduleError) as error:
            raise ConfigError(f"{self.name}.schedule", str(error)) from None
        return LevelSpec(self.protocol, self.layout, schedule, self.d), solver

    def _schedule(self, tau: Any, feed: Any) -> tuple[Schedule, Any]:
        if self.schedule_name == "cpsat":
            from layouts.scheduler import schedule_cpsat

            result = schedule_cpsat(
                self.protocol,
                self.layout,
                level=self.level,
                d=self.d,
                noise=self.noise,
                time_limit=self.time_limit,
                tau=None if tau is None else float(tau),
                feed=feed,
            )
            return result.schedule, result
        if self.layout.name == "auto":
            raise ScheduleError(
                'an "auto" layout has no published schedule; use schedule = "cpsat"'
            )
        same_circuit = (
            b.name
            for b in builtin_protocols().values()
            if set(b.rotations) == set(self.protocol.rotations)
            and b.outputs == self.protocol.outputs
        )
        name = next(same_circuit, self.protocol.name)
        return published_schedule(
            self.level, name, self.layout.name, variant=self.schedule_name
        ), None


def _level(
    data: Mapping[str, Any],
    name: str,
    level: int,
    user: Mapping[str, Protocol],
    noise: NoiseModel,
    time_limit: float,
) -> _PartialLevel:
    try:
        protocol = get_protocol(
            _string(data, "protocol", f"{name}.protocol", default="15-to-1"),
            user,
            field=f"{name}.protocol",
        )
    except ResourceError as error:
        raise ResourceError(f"{name}.protocol: {error}") from None
    d = parse_distances(data, name, noise)
    layout_name = _choice(data, "layout", f"{name}.layout", LAYOUT_CHOICES, "litinski")
    schedule_name = _choice(data, "schedule", f"{name}.schedule", SCHEDULE_CHOICES, "paper")
    try:
        layout = _layout(protocol, layout_name, level)
    except LayoutError as error:
        raise ConfigError(f"{name}.layout", str(error)) from None
    return _PartialLevel(name, level, protocol, layout, d, schedule_name, noise, time_limit)


def _layout(protocol: Protocol, name: str, level: int) -> Layout:
    if name == "auto":
        from layouts.planner import plan_layout

        return plan_layout(protocol, level=level)
    return LAYOUTS[name](protocol.n_qubits, protocol.outputs)
