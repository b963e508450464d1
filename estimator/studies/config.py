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

Extensions of the model (docs/model-extensions.md), each a key of a level table: ``regions``
and ``row`` (layout "auto"), ``d_z_patch``, ``region_width``, ``d_m_step`` (level 1),
``consumption`` ("allowed" or "deferred"), ``arrangement``, an inline ``schedule`` table,
``level1.mix`` (feeders of other distances), ``[level3]`` with ``level2.count``.
"""

from __future__ import annotations

import math
import re
import tomllib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    Design,
    FactoryEstimate,
    Feed,
    LevelSpec,
    estimate_design,
    estimate_one_level,
    level_one,
    level_two,
    supply,
)
from estimator.inputs import read_text
from estimator.sim.noise import NoiseModel
from estimator.studies.hardware import KEYS as HARDWARE_KEYS
from estimator.studies.hardware import Hardware, parse_hardware
from layouts.arrangement import ARRANGEMENTS, Arrangement
from layouts.layout import LAYOUTS, Distances, Layout
from layouts.schedule import Schedule, parse_schedule, published_schedule

LEVEL_KEYS = {"protocol", "layout", "schedule", "d_x", "d_z", "d_m"}
EXTENSION_KEYS = {
    "regions",
    "row",
    "arrangement",
    "consumption",
    "d_z_patch",
    "region_width",
    "d_m_step",
}
"""Level keys of the model extensions (docs/model-extensions.md)."""
MIX_KEYS = {"d_x", "d_z", "d_m", "d_z_patch", "region_width", "d_m_step", "count"}
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
        "allow_outside_validity": bool,
        "injection": str,
    },
    "level1": dict.fromkeys(LEVEL_KEYS | EXTENSION_KEYS | {"count", "mix"}, object),
    "level2": dict.fromkeys(LEVEL_KEYS | EXTENSION_KEYS | {"count"}, object),
    "level3": dict.fromkeys(LEVEL_KEYS | EXTENSION_KEYS, object),
    "protocols": object,
    "paper": object,
    "sweep": {"vary": object, "target": float, "top": int, "series": object},
    "hardware": dict.fromkeys(HARDWARE_KEYS, object),
}
LAYOUT_CHOICES = (*LAYOUTS, "auto")
SCHEDULE_CHOICES = ("paper", "consistent", "cpsat")
CONSUMPTION_CHOICES = ("allowed", "deferred")
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
_LEVEL = r"(?:(?:auto\d+|sf) )?\([^()]*\)(?:\^\d+)?_\{[^{}]*\}(?:\^\d+)?"
_CHAIN = rf"{_LEVEL}(?: (?:x|\+) {_LEVEL})*"
_NOTATION = re.compile(rf"(?:\[{_CHAIN}\]\^\d+ x )?{_CHAIN}")
"""A factory's notation in a written title: levels in Litinski's notation, with the
extensions' ranges and widths, feeder mixes (+), three levels ([two-level]^n x level 3) and
msd plan's layout prefixes (auto2, sf)."""


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
        level3, n_level2, arrangement3: a three-level factory's top block, the number of
            two-level factories feeding it and their arrangement (extension E5).
        mix: further kinds of level-1 factories (other distances) and their counts (E4).
        stacked: True for a batch built by ``stack_configs`` (extensions included).
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
    level3: LevelSpec | None = None
    n_level2: int = 0
    arrangement3: Arrangement | None = None
    mix: tuple[tuple[LevelSpec, int], ...] = ()
    stacked: bool = False
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


def is_hmeasure_config(data: Mapping[str, Any]) -> bool:
    """Whether config data describes a protocol of 001 (an [hmeasure] or [rotations] table)."""
    return "hmeasure" in data or "rotations" in data


def is_protocol_config(data: Mapping[str, Any]) -> bool:
    """Whether config data is an inner/outer-code protocol of 000 (top-level ``eps_in``,
    read by ``estimator.studies.hhpw_config``) rather than a factory (``p_phys``)."""
    return "eps_in" in data and "p_phys" not in data


def load_config(
    path: str | Path, sets: Sequence[str] = (), *, time_limit: float = 5.0
) -> FactoryConfig:
    """Read, override (``KEY=VALUE`` dotted paths) and validate a factory config."""
    data = read_config_data(path)
    for assignment in sets:
        apply_set(data, assignment)
    return parse_config(data, source=str(path), time_limit=time_limit)


def parse_config(
    data: Mapping[str, Any], *, source: str = "<config>", time_limit: float = 5.0
) -> FactoryConfig:
    """Validate config data (already parsed TOML) into a FactoryConfig, within the ranges
    where the model was checked at circuit level (``check_validity``).

    ``time_limit`` bounds each CP-SAT solve of a ``schedule = "cpsat"`` level (seconds of
    CP-SAT's deterministic time, layouts.scheduler)."""
    config = _parse_factory(data, source=source, time_limit=time_limit)
    check_validity(config)
    return config


def check_validity(config: FactoryConfig) -> None:
    """Refuse distances outside the ranges where the model's constants were checked at
    circuit level (estimator.calibration.validity, docs/model/validity.md), naming the first
    field, unless ``noise.allow_outside_validity = true`` (then one warning line)."""
    from estimator.calibration.validity import check

    refuse_outside_validity(check(config_design(config), config.noise), config.data)


def outside_validity_allowed(data: Mapping[str, Any]) -> bool:
    """Whether config data sets ``noise.allow_outside_validity = true``."""
    return data.get("noise", {}).get("allow_outside_validity", False) is True


def refuse_outside_validity(found: Sequence[Any], data: Mapping[str, Any]) -> None:
    """ConfigError naming the first validity violation in ``found`` (validity.Violation), or
    with ``noise.allow_outside_validity = true`` one warning line listing them all."""
    from estimator.calibration.validity import ValidityWarning

    if not found:
        return
    if outside_validity_allowed(data):
        warnings.warn(
            f"outside the checked range (docs/model/validity.md): {'; '.join(map(str, found))}",
            ValidityWarning,
        )
        return
    first = found[0]
    raise ConfigError(
        first.field,
        f"{first.value:g} {first.reason} (docs/model/validity.md; "
        "noise.allow_outside_validity = true to estimate anyway)",
    )


def _parse_factory(data: Mapping[str, Any], *, source: str, time_limit: float) -> FactoryConfig:
    """parse_config without the validity check."""
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
        for key in ("count", "mix"):
            if key in data["level1"]:
                raise ConfigError(
                    f"level1.{key}",
                    "only a two-level factory (with [level2]) has level-1 factories to count",
                )
        if "level3" in data:
            raise ConfigError("level3", "a [level3] block needs a [level2] block below it")
        feeder, solver1 = level1.finish()
        title = factory_title(written, feeder)
        return FactoryConfig(level1=feeder, title=title, solvers=_solvers(solver1), **common)
    _check_feeder(level1)
    level2 = _level(_table(data, "level2"), "level2", 2, user, noise, time_limit)
    arrangement = _arrangement(_table(data, "level2"), "level2", level2.layout)
    n_level1 = parse_count(data["level1"], arrangement, len(level2.layout.regions))
    feeder, solver1 = level1.finish()
    mix = _mix(_table(data, "level1"), level1, feeder, arrangement, n_level1)
    feeds = (Feed(Design(feeder), n_level1),) + tuple(Feed(Design(m), n) for m, n in mix)
    top, solver2 = level2.finish(**_inputs(level2, noise, feeds, arrangement))
    two = {
        "level1": feeder,
        "level2": top,
        "n_level1": n_level1,
        "arrangement": arrangement,
        "mix": mix,
        "title": factory_title(written, feeder, top, n_level1, mix),
        **common,
    }
    if "level3" not in data:
        if "count" in data["level2"]:
            raise ConfigError(
                "level2.count",
                "only a three-level factory (with [level3]) has level-2 factories to count",
            )
        return FactoryConfig(solvers=_solvers(solver1, solver2), **two)
    _check_feeder(level2)
    level3 = _level(_table(data, "level3"), "level3", 3, user, noise, time_limit)
    arrangement3 = _arrangement(_table(data, "level3"), "level3", level3.layout)
    n_level2 = parse_count(
        data["level2"], arrangement3, len(level3.layout.regions), field_name="level2.count"
    )
    below = Design(top, feeds, arrangement)
    third, solver3 = level3.finish(**_inputs(level3, noise, (Feed(below, n_level2),), arrangement3))
    solvers = {**_solvers(solver1, solver2), **({"level3": solver3} if solver3 else {})}
    below_notation = factory_title(None, feeder, top, n_level1, mix)
    two["title"] = with_notation(written, f"[{below_notation}]^{n_level2} x {spec_notation(third)}")
    return FactoryConfig(
        solvers=solvers, level3=third, n_level2=n_level2, arrangement3=arrangement3, **two
    )


def _inputs(
    level: _PartialLevel, noise: NoiseModel, feeds: tuple[Feed, ...], arrangement: Arrangement
) -> dict[str, Any]:
    """For a ``schedule = "cpsat"`` block: step duration and input states of its feeds, so that
    the solver weighs errors with the real inputs (MODEL.md 7)."""
    if level.schedule_name != "cpsat":
        return {}
    try:
        fed = tuple(estimate_design(noise, f.factory) for f in feeds)
        ports = supply(noise, level.d, level.layout, feeds, fed, arrangement)
    except ModelError as error:
        raise ConfigError(f"{level.name}.protocol", str(error)) from None
    return {"tau": ports.longest_step, "feed": ports}


def config_design(config: FactoryConfig) -> Design:
    """The factory a config describes, as a Design of levels and feeds."""
    one = Design(config.level1)
    if config.level2 is None:
        return one
    feeds = (Feed(one, config.n_level1),) + tuple(
        Feed(Design(spec), count) for spec, count in config.mix
    )
    two = Design(config.level2, feeds, config.arrangement)
    if config.level3 is None:
        return two
    return Design(config.level3, (Feed(two, config.n_level2),), config.arrangement3)


def extended(config: FactoryConfig) -> bool:
    """True when the config uses a distance extension, feeder mixes or a third level: a batch of
    such configs must be built with ``stack_configs`` (it stacks them too)."""
    tables = [config.data.get(name, {}) for name in ("level1", "level2", "level3")]
    keys = {"d_z_patch", "region_width", "d_m_step", "mix"}
    return "level3" in config.data or any(isinstance(t, dict) and keys & set(t) for t in tables)


def stack_configs(configs: Sequence[FactoryConfig]) -> FactoryConfig:
    """One batch (arrays along a leading axis) of configs of the same structure: the same
    protocols, layouts, schedules and arrangements at every level; distances (extensions
    included), counts and noise rates may differ."""
    first = configs[0]

    def level(name: str) -> LevelSpec | None:
        specs = [getattr(c, name) for c in configs]
        if specs[0] is None:
            return None
        return replace(specs[0], d=Distances.stack([s.d for s in specs]))

    def counts(name: str) -> Any:
        return np.array([getattr(c, name) for c in configs])

    noise = NoiseModel(
        p_phys=np.array([float(c.noise.p_phys) for c in configs]),
        p_t=np.array([float(c.noise.p_t) for c in configs]),
        prefactor=first.noise.prefactor,
        threshold=first.noise.threshold,
        t_error=first.noise.t_error,
    )
    mix = tuple(
        (
            replace(spec, d=Distances.stack([c.mix[j][0].d for c in configs])),
            np.array([c.mix[j][1] for c in configs]),
        )
        for j, (spec, _) in enumerate(first.mix)
    )
    return replace(
        first,
        noise=noise,
        level1=level("level1"),
        level2=level("level2"),
        level3=level("level3"),
        n_level1=counts("n_level1") if first.level2 is not None else 0,
        n_level2=counts("n_level2") if first.level3 is not None else 0,
        mix=mix,
        stacked=True,
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
        ModelError: an error probability of the model leaves [0, 1] (the message names the
            config fields to change), or a batch of extended configs was not stacked.
    """
    batch = np.ndim(config.level1.d.d_x) > 0
    if batch and not config.stacked and extended(config):
        raise ModelError(
            "a batch of configs with per-patch, per-region or per-step distances, feeder mixes or "
            "a third level must be stacked with estimator.studies.config.stack_configs"
        )
    try:
        return estimate_design(config.noise, config_design(config), precision=precision)
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
    written: str | None,
    level1: LevelSpec,
    level2: LevelSpec | None = None,
    n_level1: int = 0,
    mix: tuple[tuple[LevelSpec, int], ...] = (),
) -> str:
    """The title of a factory, from its data: Litinski's notation (002 Table 1), e.g.
    ``(15-to-1)^4_{9,3,3} x (20-to-4)_{15,7,9}``, with the extensions' ranges
    (docs/model-extensions.md) and feeder mixes, e.g. ``(15-to-1)^4_{13/w15,5-7,5} +
    (15-to-1)_{13,5,5} x ...``; a written title keeps its words and gets the notation of the
    levels as they are now (so ``--set`` and sweeps never show stale distances).
    """
    if level2 is None:
        return with_notation(written, spec_notation(level1))
    feeds = [spec_notation(level1, n_level1)] + [spec_notation(s, n) for s, n in mix]
    return with_notation(written, f"{' + '.join(feeds)} x {spec_notation(level2)}")


def spec_notation(spec: LevelSpec, count: int = 0) -> str:
    """One level in Litinski's notation with the extensions (layouts.layout.Distances.notation),
    e.g. ``(15-to-1)^4_{13/w15,5-7,5-7}``; ``level_notation`` when no extension is used."""
    if spec.d.uniform:
        return level_notation(spec.protocol.name, spec.d, count)
    regions = [r.name for r in spec.layout.regions]
    power = f"^{count}" if count > 1 else ""
    return f"({spec.protocol.name}){power}_{{{spec.d.notation(spec.protocol.checks, regions)}}}"


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


def split_set(assignment: str) -> tuple[str, str]:
    """``KEY=VALUE`` of a ``--set`` as (KEY stripped, VALUE's text)."""
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", f"expected KEY=VALUE, got {assignment!r}")
    return key, raw


def apply_set(data: dict[str, Any], assignment: str) -> None:
    """Apply ``KEY=VALUE`` (VALUE in TOML syntax; a bare word is a string) to config data."""
    key, raw = split_set(assignment)
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


def parse_count(
    level1: Mapping[str, Any],
    arrangement: Arrangement,
    per_step: int,
    *,
    field_name: str = "level1.count",
) -> int:
    """Number of feeding factories: any positive count the arrangement places (MODEL.md 7
    uses multiples of the states a step consumes; pooled supply fits any, extension E4)."""
    if "count" not in level1:
        if per_step == 1 or arrangement.max_factories == 1:
            return 1
        raise ConfigError(
            field_name,
            f"missing: the number of feeding factories (layout {arrangement.name!r} needs a positive integer)",
        )
    count = level1["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        raise ConfigError(field_name, f"must be a positive integer, got {_show(count)}")
    if arrangement.max_factories is not None and count > arrangement.max_factories:
        raise ConfigError(
            field_name,
            f"arrangement {arrangement.name!r} places {arrangement.max_factories} feeding "
            f"factory, got {count}",
        )
    if count > MAX_COUNT:
        raise ConfigError(field_name, f"must be at most {MAX_COUNT:,}, got {_show(count)}")
    return count


def _arrangement(data: Mapping[str, Any], name: str, layout: Layout) -> Arrangement:
    """How the block is fed: ``arrangement`` if given, else the small-footprint one for a
    small-footprint or one-region layout and the standard (litinski) one otherwise."""
    default = (
        "small-footprint"
        if layout.name == "small-footprint" or len(layout.regions) == 1
        else "litinski"
    )
    return ARRANGEMENTS[
        _choice(data, "arrangement", f"{name}.arrangement", tuple(ARRANGEMENTS), default)
    ]()


def _mix(
    data: Mapping[str, Any],
    level1: _PartialLevel,
    feeder: LevelSpec,
    arrangement: Arrangement,
    n_level1: int,
) -> tuple[tuple[LevelSpec, int], ...]:
    """``[[level1.mix]]``: level-1 factories of the same protocol, layout and schedule at other
    distances, each with its ``count`` (extension E4). An entry takes d_x, d_z and d_m from
    [level1] unless it gives them; per-patch d_z, region widths and per-step d_m only from
    itself (a width or a step's d_m chosen for the [level1] distances is not one for others)."""
    entries = data.get("mix", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError("level1.mix", "must be an array of tables ([[level1.mix]])")
    mix = []
    for i, entry in enumerate(entries):
        name = f"level1.mix[{i}]"
        unknown = set(entry) - MIX_KEYS
        if unknown:
            raise ConfigError(
                f"{name}.{min(unknown)}", f"unknown key (expected: {', '.join(sorted(MIX_KEYS))})"
            )
        merged = {**{k: v for k, v in data.items() if k in ("d_x", "d_z", "d_m")}, **entry}
        d = _distances(merged, name, level1.protocol, level1.layout, level1.noise)
        _check_steps(d, feeder.schedule, name)
        if "count" not in entry:
            raise ConfigError(f"{name}.count", "missing: the number of these level-1 factories")
        count = entry["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ConfigError(f"{name}.count", f"must be a positive integer, got {_show(count)}")
        mix.append((replace(feeder, d=d), count))
    total = n_level1 + sum(n for _, n in mix)
    if arrangement.max_factories is not None and total > arrangement.max_factories:
        raise ConfigError(
            "level1.mix",
            f"arrangement {arrangement.name!r} places {arrangement.max_factories} feeding "
            f"factory, got {total}",
        )
    return tuple(mix)


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
    consumption: str = "allowed"
    inline: Schedule | None = None

    def finish(self, *, tau: Any = None, feed: Any = None) -> tuple[LevelSpec, Any]:
        """The level spec and the CP-SAT result (None unless ``schedule = "cpsat"``)."""
        try:
            schedule, solver = self._schedule(tau, feed)
            if self.consumption == "deferred" and self.schedule_name != "cpsat":
                schedule = schedule.deferred()
            schedule.validate(self.protocol, self.layout, level=min(self.level, 2))
        except (LayoutError, ScheduleError) as error:
            raise ConfigError(f"{self.name}.schedule", str(error)) from None
        _check_steps(self.d, schedule, self.name)
        return LevelSpec(self.protocol, self.layout, schedule, self.d), solver

    def _schedule(self, tau: Any, feed: Any) -> tuple[Schedule, Any]:
        if self.inline is not None:
            return self.inline, None
        if self.schedule_name == "cpsat":
            from layouts.scheduler import schedule_cpsat

            result = schedule_cpsat(
                self.protocol,
                self.layout,
                level=min(self.level, 2),
                d=self.d,
                noise=self.noise,
                time_limit=self.time_limit,
                tau=None if tau is None else float(tau),
                feed=feed,
                consumption=self.consumption,
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
            min(self.level, 2), name, self.layout.name, variant=self.schedule_name
        ), None


def _check_steps(d: Distances, schedule: Schedule, name: str) -> None:
    if d.d_m_step and len(d.d_m_step) != schedule.n_steps:
        raise ConfigError(
            f"{name}.d_m_step",
            f"gives {len(d.d_m_step)} values for a schedule of {schedule.n_steps} steps",
        )


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
    layout_name = _choice(data, "layout", f"{name}.layout", LAYOUT_CHOICES, "litinski")
    raw_schedule = data.get("schedule", "paper")
    inline = None
    if isinstance(raw_schedule, dict):
        inline = parse_schedule(
            {**raw_schedule, "level": min(level, 2)},
            name=str(raw_schedule.get("name", "inline")),
            field=f"{name}.schedule",
        )
        schedule_name = inline.name
    else:
        schedule_name = _choice(data, "schedule", f"{name}.schedule", SCHEDULE_CHOICES, "paper")
    consumption = _choice(
        data, "consumption", f"{name}.consumption", CONSUMPTION_CHOICES, "allowed"
    )
    try:
        layout = _layout(protocol, layout_name, level, data, name)
    except LayoutError as error:
        raise ConfigError(f"{name}.layout", str(error)) from None
    if level > 1 and "d_m_step" in data:
        raise ConfigError(
            f"{name}.d_m_step",
            "only level 1 has per-step d_m: above it a step lasts t_L1 and d_m is also the "
            "width of the entry regions and routing",
        )
    if level == 1 and "arrangement" in data:
        raise ConfigError(f"{name}.arrangement", "only a block fed by other factories has one")
    d = _distances(data, name, protocol, layout, noise)
    return _PartialLevel(
        name, level, protocol, layout, d, schedule_name, noise, time_limit, consumption, inline
    )


def _check_feeder(level: _PartialLevel) -> None:
    """A feeding level must make states that a pi/8 rotation consumes (T states)."""
    protocol = level.protocol
    if protocol.t_count_per_run != protocol.outputs_per_run:
        raise ConfigError(
            f"{level.name}.protocol",
            f"{protocol.name!r} makes states that stand for several T gates (e.g. CCZ); they "
            "cannot feed the pi/8 rotations of the level above",
        )


def _odd(value: Any, name: str) -> int:
    return _distance({"v": value}, "v", name)


def _distances(
    data: Mapping[str, Any], name: str, protocol: Protocol, layout: Layout, noise: NoiseModel
) -> Distances:
    """d_x, d_z, d_m (parse_distances) and the extensions d_z_patch, region_width, d_m_step
    (docs/model-extensions.md E1, E2)."""
    base = parse_distances(data, name, noise)
    d_x = base.d_x
    patches = {}
    table = data.get("d_z_patch", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{name}.d_z_patch", "must be a table such as { q2 = 3, q5 = 5 }")
    for key, value in table.items():
        field_name = f"{name}.d_z_patch.{key}"
        qubit = int(key[1:]) if key[:1] == "q" and key[1:].isdigit() else None
        if qubit not in protocol.checks:
            raise ConfigError(
                field_name,
                f"not a check patch of {protocol.name!r} (checks: "
                f"{', '.join(f'q{q}' for q in protocol.checks)})",
            )
        patches[qubit] = _odd(value, field_name)
        if patches[qubit] > d_x:
            raise ConfigError(field_name, f"must not exceed d_x ({patches[qubit]} > {d_x})")
    widths = {}
    table = data.get("region_width", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{name}.region_width", "must be a table such as { top = 7 }")
    names = [r.name for r in layout.regions]
    for key, value in table.items():
        if key not in names:
            raise ConfigError(
                f"{name}.region_width.{key}",
                f"layout {layout.name!r} has no ancilla region {key!r} (has {', '.join(names)})",
            )
        widths[key] = _odd(value, f"{name}.region_width.{key}")
    steps = data.get("d_m_step", [])
    if not isinstance(steps, list):
        raise ConfigError(f"{name}.d_m_step", "must be a list of odd integers, one per step")
    per_step = tuple(_odd(v, f"{name}.d_m_step[{i}]") for i, v in enumerate(steps))
    return replace(base, d_z_patch=patches, region_width=widths, d_m_step=per_step)


def _layout(
    protocol: Protocol, name: str, level: int, data: Mapping[str, Any], field_name: str
) -> Layout:
    if name != "auto":
        for key in ("regions", "row"):
            if key in data:
                raise ConfigError(f"{field_name}.{key}", f'only layout = "auto" takes {key!r}')
        return LAYOUTS[name](protocol.n_qubits, protocol.outputs)
    from layouts.planner import auto_layout, plan_layout

    regions = data.get("regions", 2)
    if regions not in (1, 2) or isinstance(regions, bool):
        raise ConfigError(f"{field_name}.regions", f"must be 1 or 2, got {regions!r}")
    if "row" not in data:
        return plan_layout(protocol, level=min(level, 2), regions=regions)
    row = data["row"]
    if (
        not isinstance(row, list)
        or any(isinstance(q, bool) or not isinstance(q, int) for q in row)
        or sorted(row) != list(range(1, protocol.n_qubits + 1))
    ):
        raise ConfigError(
            f"{field_name}.row",
            f"must list the qubits 1..{protocol.n_qubits} of {protocol.name!r} once each",
        )
    return auto_layout(protocol, row, regions=regions)
