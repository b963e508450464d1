"""Inner/outer-code protocol configs (Haah et al. 2018): TOML read as data.

A config of this kind has ``eps_in`` at the top level (factory configs have ``p_phys``)::

    title = "[[31,11,5]] vertical => [[31,11,5]] horizontal"
    eps_in = 1e-3            # raw error rate of T states, in (0, 0.5)
    eps_check = 1e-3         # optional: raw error rate of the T gates inside checks

    [protocol]
    outer = "grid:11:v,h"    # outer code spec (estimator.codes.outer), or a matrix file
    inputs = "raw"           # source of the input states: raw | mek | concat:SEQ | protocol:FILE
    order = 4                # optional: requested order d, checked against the outer code
    correction = 1           # defaults for every round (m, Haah et al. 2018, Sec. IV) ...
    execution = "sequential" # ... sequential | parallel | restart
    magic_basis = "separated"  # any | separated (Haah et al. 2018, Sec. VI.2)

    [[protocol.rounds]]      # consecutive rows of the check matrix, first first
    name = "vertical"
    inner = "[[31,11,5]]"    # inner code spec (estimator.codes.css): name, bch:N:G or file
    checks = 11              # optional: rows in this round (default: an equal share)
    t_gates = "raw"          # source of the T gates inside these checks

``[paper]`` holds printed values (strings as printed, compared at their digits) and
``[paper.notes]`` the reason for each value we do not reproduce; neither is ever a result.
Nothing from a config is evaluated as code; every problem is a ConfigError naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estimator.codes.inner_outer import (
    EXECUTIONS,
    MAGIC_BASES,
    HHPWProtocol,
    ProtocolResult,
    Round,
    Source,
    concat_source,
    evaluate,
    mek_source,
    protocol_source,
    raw_source,
)
from estimator.codes.stochastic import check_eps
from estimator.config.factory import parse_value, read_config_data, split_set
from estimator.errors import ConfigError, MsdError

ROUND_KEYS = {
    "name": str,
    "inner": str,
    "checks": int,
    "t_gates": str,
    "correction": int,
    "execution": str,
    "magic_basis": str,
    "conservative": bool,
}
PROTOCOL_KEYS = {
    "outer": str,
    "inputs": str,
    "order": int,
    "correction": int,
    "execution": str,
    "magic_basis": str,
    "conservative": bool,
    "rounds": list,
}
TOP_KEYS = {
    "title": str,
    "reference": str,
    "eps_in": float,
    "eps_check": float,
    "protocol": dict,
    "paper": dict,
}
SOURCES = "raw, mek, concat:SEQ (e.g. concat:15) or protocol:FILE"


@dataclass(frozen=True)
class ProtocolConfig:
    """A validated inner/outer-code protocol config.

    Attributes:
        source: file it came from.
        title, reference: labels.
        eps_in: raw error rate of T states; eps_check: of the T gates inside checks.
        protocol: the protocol, its sources evaluated at these rates.
        paper: printed values and notes (for comparison only).
        data: the config as read, after ``--set`` overrides.
    """

    source: str
    title: str
    reference: str
    eps_in: float
    eps_check: float
    protocol: HHPWProtocol
    paper: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)


Resolver = Callable[[str, str], Any]


def _inner(spec: str, name: str) -> Any:
    from estimator.codes.css import inner_code

    return inner_code(spec, field=name)


def _outer(spec: str, name: str) -> Any:
    from estimator.codes.outer_specs import outer_code

    return outer_code(spec, field=name)


def load_protocol_config(
    path: str | Path,
    sets: Sequence[str] = (),
    *,
    inner: Resolver | None = None,
    outer: Resolver | None = None,
    _stack: tuple[str, ...] = (),
) -> ProtocolConfig:
    """Read, override (``KEY=VALUE``) and validate a protocol config.

    ``inner`` and ``outer`` turn a code spec into a code (defaults: estimator.codes.css and
    estimator.codes.outer); ``_stack`` guards against configs that feed themselves.
    """
    data = read_config_data(path)
    for assignment in sets:
        apply_protocol_set(data, assignment)
    return parse_protocol_config(
        data, source=str(path), inner=inner, outer=outer, _stack=(*_stack, str(path))
    )


def parse_protocol_config(
    data: Mapping[str, Any],
    *,
    source: str = "<config>",
    inner: Resolver | None = None,
    outer: Resolver | None = None,
    _stack: tuple[str, ...] = (),
) -> ProtocolConfig:
    """Validate config data (parsed TOML) into a ProtocolConfig."""
    inner, outer = inner or _inner, outer or _outer
    _check_table(data, TOP_KEYS, "")
    base = Path(source).parent
    eps_in = _eps(data, "eps_in", required=True)
    eps_check = _eps(data, "eps_check", default=eps_in)
    table = data.get("protocol")
    if not isinstance(table, dict):
        raise ConfigError("protocol", "missing table [protocol]")
    _check_table(table, PROTOCOL_KEYS, "protocol.")
    outer_code = outer(_spec(table, "outer", "protocol.outer", base), "protocol.outer")

    def resolve(spec: str, name: str, eps: float) -> Source:
        return _source(spec, name, eps, eps_in, base, inner, outer, _stack)

    inputs = resolve(_str(table, "inputs", "protocol.inputs", "raw"), "protocol.inputs", eps_in)
    rounds_data = table.get("rounds")
    if not isinstance(rounds_data, list) or not rounds_data:
        raise ConfigError("protocol.rounds", "needs at least one [[protocol.rounds]] table")
    n_check = int(outer_code.checks.shape[0])
    given = [r.get("checks") for r in rounds_data if isinstance(r, dict)]
    share = None
    if None in given:
        free = given.count(None)
        rest = n_check - sum(g for g in given if isinstance(g, int))
        if rest <= 0 or rest % free:
            raise ConfigError(
                "protocol.rounds",
                f"{n_check} checks cannot be shared equally by {free} round(s) without "
                "'checks'; give each round its number of checks",
            )
        share = rest // free
    rounds = []
    for i, rdata in enumerate(rounds_data):
        name = f"protocol.rounds[{i}]"
        if not isinstance(rdata, dict):
            raise ConfigError(name, "must be a table")
        _check_table(rdata, ROUND_KEYS, f"{name}.")

        t_spec = _pick(rdata, table, "t_gates", "raw")
        execution = _pick(rdata, table, "execution", "sequential")
        basis = _pick(rdata, table, "magic_basis", "any")
        if execution not in EXECUTIONS:
            raise ConfigError(
                f"{name}.execution", f"unknown {execution!r}; choose one of {', '.join(EXECUTIONS)}"
            )
        if basis not in MAGIC_BASES:
            raise ConfigError(
                f"{name}.magic_basis", f"unknown {basis!r}; choose one of {', '.join(MAGIC_BASES)}"
            )
        rounds.append(
            Round(
                name=_str(rdata, "name", f"{name}.name", f"round{i + 1}"),
                inner=inner(_spec(rdata, "inner", f"{name}.inner", base), f"{name}.inner"),
                n_checks=rdata.get("checks", share),
                t_gates=resolve(t_spec, f"{name}.t_gates", eps_check),
                correction=_pick(rdata, table, "correction", 0),
                execution=execution,
                magic_basis=basis,
                conservative=_pick(rdata, table, "conservative", False),
            )
        )
    try:
        protocol = HHPWProtocol(
            title=_str(data, "title", "title", Path(source).stem),
            outer=outer_code,
            rounds=tuple(rounds),
            inputs=inputs,
            order=table.get("order"),
        )
    except ConfigError as error:
        raise _prefixed(error, "protocol.") from None
    return ProtocolConfig(
        source=source,
        title=protocol.title,
        reference=data.get("reference", ""),
        eps_in=eps_in,
        eps_check=eps_check,
        protocol=protocol,
        paper=data.get("paper", {}),
        data=data,
    )


def evaluate_config(config: ProtocolConfig) -> ProtocolResult:
    """Evaluate the protocol of a config (Haah et al. 2018, Eqs. (1)-(20))."""
    return evaluate(config.protocol)


def apply_protocol_set(data: dict[str, Any], assignment: str) -> None:
    """Apply ``KEY=VALUE`` to protocol config data: KEY is ``eps_in``, ``eps_check``,
    ``title``, ``protocol.KEY`` or ``protocol.rounds.N.KEY`` (N from 0)."""
    key, raw = split_set(assignment)
    parts = key.split(".")
    value = parse_value(raw)
    if len(parts) == 1 and parts[0] in TOP_KEYS and TOP_KEYS[parts[0]] is not dict:
        data[parts[0]] = value
        return
    protocol = data.setdefault("protocol", {})
    if len(parts) == 2 and parts[0] == "protocol" and parts[1] in set(PROTOCOL_KEYS) - {"rounds"}:
        protocol[parts[1]] = value
        return
    if (
        len(parts) == 4
        and parts[:2] == ["protocol", "rounds"]
        and parts[2].isdigit()
        and parts[3] in ROUND_KEYS
    ):
        rounds = protocol.get("rounds", [])
        index = int(parts[2])
        if index >= len(rounds):
            raise ConfigError(key, f"there are {len(rounds)} rounds (numbered from 0)")
        rounds[index][parts[3]] = value
        return
    known = [k for k, t in TOP_KEYS.items() if t is not dict]
    known += [f"protocol.{k}" for k in PROTOCOL_KEYS if k != "rounds"]
    known += [f"protocol.rounds.N.{k}" for k in ROUND_KEYS]
    raise ConfigError(key, f"unknown key (known: {', '.join(known)})")


def _source(
    spec: str,
    name: str,
    eps: float,
    eps_in: float,
    base: Path,
    inner: Resolver,
    outer: Resolver,
    stack: tuple[str, ...],
) -> Source:
    """A source from its spec; ``eps`` is the raw rate of what a "raw" spec delivers, and
    distilled sources start from the raw T states at ``eps_in``."""
    try:
        if spec == "raw":
            return raw_source(eps)
        if spec == "mek":
            return mek_source(eps_in)
        kind, sep, rest = spec.partition(":")
        if sep and kind == "concat" and rest:
            return concat_source(rest, eps_in)
        if sep and kind == "protocol" and rest:
            path = base / rest
            if str(path) in stack:
                raise ConfigError(name, f"{rest!r} feeds itself ({' -> '.join(stack)})")
            sub = load_protocol_config(
                path, [f"eps_in={eps_in!r}"], inner=inner, outer=outer, _stack=stack
            )
            result = evaluate(sub.protocol)
            return protocol_source(
                sub.title, result.epsbar_out, result.order, result.nbar_t_per_output
            )
    except ConfigError as error:
        if error.field == name:
            raise
        raise ConfigError(name, _message(error)) from None
    except MsdError as error:
        raise ConfigError(name, str(error)) from None
    raise ConfigError(name, f"unknown source {spec!r}; use {SOURCES}")


def _pick(round_data: Mapping[str, Any], table: Mapping[str, Any], key: str, default: Any) -> Any:
    """A round's value, else the [protocol] default, else ``default``."""
    return round_data.get(key, table.get(key, default))


def _eps(data: Mapping[str, Any], key: str, *, required: bool = False, default=None) -> float:
    if key not in data:
        if required:
            raise ConfigError(key, "missing (an error rate in (0, 0.5))")
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, f"must be a number, got {value!r}")
    check_eps(value, field=key)
    return float(value)


def _str(data: Mapping[str, Any], key: str, name: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(name, f"must be a non-empty string, got {value!r}")
    return value


def _spec(data: Mapping[str, Any], key: str, name: str, base: Path) -> str:
    """A code spec; a file name is taken relative to the config's directory."""
    if key not in data:
        raise ConfigError(name, "missing (a code spec)")
    spec = _str(data, key, name, "")
    local = base / spec
    return str(local) if ":" not in spec and local.is_file() else spec


def _check_table(data: Mapping[str, Any], schema: Mapping[str, type], prefix: str) -> None:
    for key, value in data.items():
        if key not in schema:
            raise ConfigError(
                f"{prefix}{key}", f"unknown key (expected one of: {', '.join(sorted(schema))})"
            )
        kind = schema[key]
        ok = (
            isinstance(value, int | float) and not isinstance(value, bool)
            if kind is float
            else isinstance(value, int) and not isinstance(value, bool)
            if kind is int
            else isinstance(value, kind)
        )
        if not ok:
            what = {
                float: "number",
                int: "integer",
                str: "string",
                bool: "boolean",
                dict: "table",
                list: "array of tables",
            }
            raise ConfigError(
                f"{prefix}{key}", f"must be a {what.get(kind, kind.__name__)}, got {value!r}"
            )


def _message(error: ConfigError) -> str:
    text = str(error)
    return text[len(error.field) + 2 :] if error.field and text.startswith(error.field) else text


def _prefixed(error: ConfigError, prefix: str) -> ConfigError:
    return ConfigError(f"{prefix}{error.field}" if error.field else prefix[:-1], _message(error))
