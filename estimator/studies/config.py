"""Factory configs: TOML files read as data, validated, turned into level specs.

Schema (README "Writing a config"): top level ``p_phys``, optional ``p_t``, ``title``,
``[noise]`` (``model``, ``prefactor``, ``threshold``, ``convention``, ``t_error``, ``file``,
``extrapolate``, ``bound``: estimator/calibration/models.py), ``[level1]`` and optional ``[level2]``
(``protocol``, ``layout``, ``schedule``, ``d_x``, ``d_z``, ``d_m``; ``level1.count`` = n_L1),
``[protocols.NAME]`` (``matrix`` or ``rotations`` + ``outputs``) and ``[paper]`` (printed
values the tests and ``msd table`` compare against; never used as results). Nothing from a
config is evaluated as code; every problem is a ConfigError naming the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estimator.calibration.models import noise_from_table
from estimator.circuits.protocol import Protocol
from estimator.circuits.protocols import builtin_protocols, get_protocol, protocol_from_matrix
from estimator.errors import ConfigError, LayoutError, ProtocolError, ScheduleError
from estimator.factory import (
    FactoryEstimate,
    LevelSpec,
    estimate_one_level,
    estimate_two_level,
    level_two_inputs,
)
from estimator.sim.noise import NoiseModel
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
    "sweep": {"vary": object, "target": float, "top": int},
}
LAYOUT_CHOICES = (*LAYOUTS, "auto")
SCHEDULE_CHOICES = ("paper", "consistent", "cpsat")


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


def read_config_data(path: str | Path) -> dict[str, Any]:
    """The TOML data of a config file (not yet validated)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(
            "CONFIG", f"cannot read {str(path)!r}: {error.strerror or error}"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("CONFIG", f"malformed TOML in {str(path)!r}: {error}") from None


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
    _check_keys(data, SCHEMA, "")
    noise_data = _table(data, "noise")
    noise = noise_from_table(
        noise_data,
        _number(data, "p_phys", "p_phys", required=True),
        _number(data, "p_t", "p_t"),
    )
    user = _user_protocols(_table(data, "protocols"))
    if "level1" not in data:
        raise ConfigError("level1", "missing table [level1]")
    level1 = _level(_table(data, "level1"), "level1", 1, user, noise, time_limit)
    title = _string(data, "title", "title", default=Path(source).stem)
    common = {
        "source": source,
        "title": title,
        "noise": noise,
        "data": data,
        "paper": _table(data, "paper"),
    }
    if "level2" not in data:
        if "count" in data["level1"]:
            raise ConfigError(
                "level1.count",
                "only a two-level factory (with [level2]) has level-1 factories to count",
            )
        feeder, solver1 = level1.finish()
        return FactoryConfig(level1=feeder, solvers=_solvers(solver1), **common)
    level2 = _level(_table(data, "level2"), "level2", 2, user, noise, time_limit)
    arrangement = ARRANGEMENTS.get(level2.layout.name, Arrangement.litinski)()
    n_level1 = _count(data["level1"], arrangement, len(level2.layout.regions))
    feeder, solver1 = level1.finish()
    tau = feed = None
    if level2.schedule_name == "cpsat":  # the solver weighs errors with the real inputs
        fed = estimate_one_level(noise, feeder)
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
        level1=feeder,
        level2=top,
        n_level1=n_level1,
        arrangement=arrangement,
        solvers=_solvers(solver1, solver2),
        **common,
    )


def _solvers(solver1: Any, solver2: Any = None) -> dict[str, Any]:
    """The CP-SAT results by level name, for the levels that ``schedule = "cpsat"`` scheduled."""
    pairs = (("level1", solver1), ("level2", solver2))
    return {name: result for name, result in pairs if result is not None}


def estimate_config(config: FactoryConfig, *, precision: str = "auto") -> FactoryEstimate:
    """Cost the factory a config describes."""
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


def parse_value(text: str) -> Any:
    """A command-line value in TOML syntax; a bare word is a string (``level1.layout=auto``).

    >>> parse_value("9"), parse_value("1e-3"), parse_value("auto")
    (9, 0.001, 'auto')
    """
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def apply_set(data: dict[str, Any], assignment: str) -> None:
    """Apply ``KEY=VALUE`` (VALUE in TOML syntax; a bare word is a string) to config data."""
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", f"expected KEY=VALUE, got {assignment!r}")
    parts = check_key(key)
    value = parse_value(raw)
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
        raise ConfigError(name, f"must be a number, got {value!r}")
    return float(value)


def _string(data: Mapping[str, Any], key: str, name: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(name, f"must be a string, got {value!r}")
    return value


def _distance(data: Mapping[str, Any], key: str, name: str) -> int:
    if key not in data:
        raise ConfigError(name, "missing (a positive odd integer)")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value % 2 == 0:
        raise ConfigError(name, f"must be a positive odd integer, got {value!r}")
    return value


def _choice(
    data: Mapping[str, Any], key: str, name: str, choices: Sequence[str], default: str
) -> str:
    value = _string(data, key, name, default=default)
    if value not in choices:
        raise ConfigError(name, f"unknown value {value!r}; choose one of: {', '.join(choices)}")
    return value


def _count(level1: Mapping[str, Any], arrangement: Arrangement, per_step: int) -> int:
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
            f"must be a positive {kind} for layout {arrangement.name!r}, got {count!r}",
        )
    return count


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
                    or not all(isinstance(q, int) and q >= 1 for q in outputs)
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
    protocol = get_protocol(
        _string(data, "protocol", f"{name}.protocol", default="15-to-1"),
        user,
        field=f"{name}.protocol",
    )
    d = Distances(*(_distance(data, k, f"{name}.{k}") for k in ("d_x", "d_z", "d_m")))
    if d.d_z > d.d_x:
        raise ConfigError(f"{name}.d_z", f"must not exceed d_x ({d.d_z} > {d.d_x})")
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
