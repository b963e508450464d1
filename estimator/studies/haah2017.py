"""Configs of the H-measurement protocols of 001_c7cbc9f2f2f9e3db.txt (configs/haah2017):
TOML read as data, evaluated by the exact pattern count, compared with the printed values.

A config has an ``[hmeasure]`` table (or ``[rotations]`` for a rotation circuit such as
15-to-1, which Fig. 5.1 draws beside them)::

    title = "pipelined [[7,1,3]] -> [[17,1,5]]"
    label = "17"                # name as a stage of msd concat: 001:17
    reference = "001 Sec. 1.1.2, App. C"
    eps_in = 1e-3               # error rate of T gates and input states, in (0, 0.5)
    # theta = 0.1               # or the uniform-angle noise of 001 Sec. 5.2: eps = eps(theta)

    [hmeasure]
    order = 5                   # requested order d: a lower one is an error naming the cause
    n_out = 1                   # optional: magic states (default: the checks' width)
    state = "H"                 # H | CCZ (001 Sec. 2; CCZ rounds name the W(a) they measure)

    [[hmeasure.rounds]]         # checks measured in order, round by round
    inner = "[[7,1,3]]"         # inner code: estimator.codes.css spec or "[[16,2,4]]"
    outer = "trivial"           # outer-code spec (its rows, in order) ...
    # checks = ["100", "011"]   # ... or the rows themselves
    resident = "none"           # none | all: idle magic states in spare logical qubits
    readout = "each"            # hyperbolic codes: each (after each swap) | end
    stabilizer = 1              # CCZ: measure W(a) (x) W'(a), a = 1, 2, 3

    [rotations]
    protocol = "15-to-1"        # a built-in rotation protocol (estimator.circuits.protocols)

``[paper]`` holds printed values as strings (compared at their digits), ``[paper.notes]`` the
reason for any value not reproduced. Every problem is a ConfigError naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from estimator.codes.hmeasure import READOUTS, Check, HMeasureProtocol, analyse
from estimator.codes.leading import CONVENTIONS, ErrorSeries
from estimator.codes.stochastic import ErrorPolynomial, check_eps
from estimator.errors import ConfigError, ResourceError
from estimator.studies.config import parse_value, read_config_data, split_set

TOP_KEYS = {
    "title": str,
    "label": str,
    "reference": str,
    "eps_in": float,
    "theta": float,
    "hmeasure": dict,
    "rotations": dict,
    "paper": dict,
}
HMEASURE_KEYS = {"order": int, "n_out": int, "terms": int, "state": str, "rounds": list}
ROUND_KEYS = {
    "inner": str,
    "outer": str,
    "checks": list,
    "resident": str,
    "readout": str,
    "stabilizer": int,
}
ROTATION_KEYS = {"protocol": str, "order": int, "terms": int}
COMPARED = ("t_count", "t_per_output", "qubits", "n_out", "order", "prefactor", "coefficient")
"""Printed quantities a config may list in [paper] (prefactor: Fig. 5.1's fit of P(any output
wrong) / eps^d; coefficient: an exact leading coefficient printed in the text)."""


@dataclass(frozen=True)
class HMeasureConfig:
    """A validated config of configs/haah2017.

    Attributes:
        source: the file.
        title, label, reference: labels (``label`` names the stage in ``msd concat``).
        eps_in: error rate of every T gate and input state.
        theta: the uniform-angle noise's half-width when eps_in is eps(theta), else None.
        protocol: the H-measurement protocol, or None for a rotation circuit.
        rotations: the rotation protocol's name when ``protocol`` is None.
        order: requested order, or None to find it.
        terms: orders counted from the leading one (2: leading and next).
        paper: printed values and notes (compared, never used as results).
    """

    source: str
    title: str
    label: str
    reference: str
    eps_in: float
    theta: float | None
    protocol: HMeasureProtocol | None
    rotations: str | None
    order: int | None
    terms: int
    paper: Mapping[str, Any] = field(default_factory=dict)


def load_hmeasure_config(path: str | Path, sets: Sequence[str] = ()) -> HMeasureConfig:
    """Read, override (``KEY=VALUE``, VALUE in TOML syntax) and validate a config."""
    data = read_config_data(path)
    for assignment in sets:
        _apply_set(data, assignment)
    return parse_hmeasure_config(data, source=str(path))


def _apply_set(data: dict[str, Any], assignment: str) -> None:
    """KEY is a top-level key, ``hmeasure.KEY``, ``hmeasure.rounds.N.KEY`` (N from 0) or
    ``rotations.KEY``."""
    key, raw = split_set(assignment)
    parts, value = key.split("."), parse_value(raw)
    if len(parts) == 1 and TOP_KEYS.get(parts[0]) not in (None, dict):
        data.pop({"theta": "eps_in", "eps_in": "theta"}.get(parts[0], ""), None)
        data[parts[0]] = value
    elif len(parts) == 2 and parts[0] == "hmeasure" and parts[1] in set(HMEASURE_KEYS) - {"rounds"}:
        data.setdefault("hmeasure", {})[parts[1]] = value
    elif len(parts) == 2 and parts[0] == "rotations" and parts[1] in ROTATION_KEYS:
        data.setdefault("rotations", {})[parts[1]] = value
    elif len(parts) == 4 and parts[:2] == ["hmeasure", "rounds"] and parts[2].isdigit():
        rounds = data.get("hmeasure", {}).get("rounds", [])
        if int(parts[2]) >= len(rounds) or parts[3] not in ROUND_KEYS:
            raise ConfigError(
                key, f"no such key: {len(rounds)} rounds (from 0), keys {list(ROUND_KEYS)}"
            )
        rounds[int(parts[2])][parts[3]] = value
    else:
        raise ConfigError(
            key,
            "unknown key (known: title, label, eps_in, hmeasure.order, hmeasure.n_out, "
            "hmeasure.terms, hmeasure.rounds.N.KEY, rotations.protocol, rotations.order)",
        )


def parse_hmeasure_config(data: Mapping[str, Any], *, source: str = "<config>") -> HMeasureConfig:
    """Validate config data (parsed TOML)."""
    _check_table(data, TOP_KEYS, "")
    if ("hmeasure" in data) == ("rotations" in data):
        raise ConfigError("hmeasure", "give exactly one of [hmeasure] and [rotations]")
    theta = _typed(data, "theta", float, None)
    if theta is not None and "eps_in" in data:
        raise ConfigError("theta", "give eps_in or theta (the uniform-angle noise), not both")
    if theta is not None:
        from estimator.codes.magic import uniform_angle_eps

        eps_in = float(check_eps(uniform_angle_eps(theta), field="theta"))
    else:
        eps_in = float(check_eps(_typed(data, "eps_in", float, 1e-3), field="eps_in"))
    title = _typed(data, "title", str, Path(source).stem)
    label = _typed(data, "label", str, Path(source).stem)
    if not label or any(c in label for c in "-, "):
        raise ConfigError("label", f"a stage name without '-', ',' or spaces, got {label!r}")
    paper = data.get("paper", {})
    if "rotations" in data:
        table = data["rotations"]
        _check_table(table, ROTATION_KEYS, "rotations.")
        name = _typed(table, "protocol", str, None, prefix="rotations.")
        if name is None:
            raise ConfigError("rotations.protocol", "required: a built-in rotation protocol")
        from estimator.circuits.protocols import get_protocol

        get_protocol(name, field="rotations.protocol")
        order = _typed(table, "order", int, None, prefix="rotations.")
        terms = _typed(table, "terms", int, 2, prefix="rotations.")
        protocol = None
    else:
        table = data["hmeasure"]
        _check_table(table, HMEASURE_KEYS, "hmeasure.")
        order = _typed(table, "order", int, None, prefix="hmeasure.")
        terms = _typed(table, "terms", int, 2, prefix="hmeasure.")
        protocol = _protocol(table, title, Path(source).parent)
        name = None
    if order is not None and order < 1:
        raise ConfigError("order", f"must be a positive integer, got {order!r}")
    if not 1 <= terms <= 4:
        raise ConfigError("terms", f"count 1 to 4 orders, got {terms!r}")
    return HMeasureConfig(
        source,
        title,
        label,
        _typed(data, "reference", str, ""),
        eps_in,
        theta,
        protocol,
        name,
        order,
        terms,
        paper,
    )


def _protocol(table: Mapping[str, Any], title: str, base: Path) -> HMeasureProtocol:
    from estimator.codes.inner_extra import resolve_inner
    from estimator.codes.magic import magic_state
    from estimator.codes.outer import outer_code

    kind = _typed(table, "state", str, "H", prefix="hmeasure.")
    state = magic_state(kind, field="hmeasure.state")

    rounds = table.get("rounds")
    if not isinstance(rounds, list) or not rounds or not all(isinstance(r, dict) for r in rounds):
        raise ConfigError("hmeasure.rounds", "a non-empty list of tables ([[hmeasure.rounds]])")
    rows_per_round = []
    for i, r in enumerate(rounds):
        name = f"hmeasure.rounds[{i}]"
        _check_table(r, ROUND_KEYS, f"{name}.")
        if ("outer" in r) == ("checks" in r):
            raise ConfigError(name, "give exactly one of outer (a spec) and checks (rows)")
        if "outer" in r:
            spec = _typed(r, "outer", str, "", prefix=f"{name}.")
            path = base / spec
            outer = outer_code(str(path) if path.is_file() else spec, field=f"{name}.outer")
            rows = [tuple(b) for b in outer.check_bits]
            width = outer.n_out
        else:
            rows, width = _rows(r["checks"], f"{name}.checks")
        rows_per_round.append((rows, width))
    widths = {w for _, w in rows_per_round}
    n_out = _typed(table, "n_out", int, max(widths), prefix="hmeasure.")
    if any(w > n_out for w in widths):
        raise ConfigError("hmeasure.n_out", f"{n_out} is fewer than a round's {max(widths)} bits")
    checks = []
    for i, (r, (rows, _)) in enumerate(zip(rounds, rows_per_round)):
        name = f"hmeasure.rounds[{i}]"
        inner = resolve_inner(_typed(r, "inner", str, "", prefix=f"{name}."), field=f"{name}.inner")
        resident = _typed(r, "resident", str, "none", prefix=f"{name}.")
        if resident not in ("none", "all"):
            raise ConfigError(f"{name}.resident", f"none or all, got {resident!r}")
        readout = _typed(r, "readout", str, "each", prefix=f"{name}.")
        if readout not in READOUTS:
            raise ConfigError(f"{name}.readout", f"one of {', '.join(READOUTS)}, got {readout!r}")
        stabilizer = _typed(r, "stabilizer", int, 1, prefix=f"{name}.") - 1
        for support in rows:
            idle = _residents(support, n_out, inner.k) if resident == "all" else ()
            checks.append(
                Check(support, inner, idle, readout=readout, field=name, stabilizer=stabilizer)
            )
    return HMeasureProtocol(title, n_out, tuple(checks), state)


def _residents(support: tuple[int, ...], n_out: int, k: int) -> tuple[int, ...]:
    """The other magic states in cyclic order after the check's last state, as many as the
    code's spare logical qubits hold (an even number)."""
    spare = k - len(support)
    after = [(max(support) + 1 + i) % n_out for i in range(n_out)]
    others = [q for q in after if q not in support]
    return tuple(others[: min(spare, len(others)) // 2 * 2])


def _rows(value: Any, name: str) -> tuple[list[tuple[int, ...]], int]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(name, 'a non-empty list of rows of 0 and 1, e.g. ["110", "011"]')
    width = len(value[0])
    for i, row in enumerate(value):
        if len(row) != width or set(row) - {"0", "1"} or "1" not in row:
            raise ConfigError(name, f"row {i + 1} {row!r}: 0/1 of length {width} with a 1")
    return [tuple(j for j, c in enumerate(row) if c == "1") for row in value], width


def _typed(data: Mapping[str, Any], key: str, kind: type, default: Any, *, prefix: str = "") -> Any:
    if key not in data:
        return default
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"{prefix}{key}", f"expected {kind.__name__}, got {value!r}")
    return value


def _check_table(data: Any, schema: Mapping[str, type], prefix: str) -> None:
    if not isinstance(data, Mapping):
        raise ConfigError(prefix.rstrip(".") or "CONFIG", "expected a table")
    for key in data:
        if key not in schema:
            raise ConfigError(f"{prefix}{key}", f"unknown key (known: {', '.join(schema)})")


@dataclass(frozen=True)
class HMeasureResult:
    """A config evaluated: the protocol's sizes and its error series."""

    config: HMeasureConfig
    n_out: int
    t_count: int
    qubits: int
    series: ErrorSeries
    state: str = "H"

    @property
    def order(self) -> int:
        return int(self.series.order)

    @property
    def t_per_output(self) -> float:
        return self.t_count / self.n_out


def evaluate_hmeasure(config: HMeasureConfig) -> HMeasureResult:
    """Count the patterns from the leading order through ``terms`` orders.

    Raises:
        ResourceError: the count exceeds the limits; the message names the config's
            ``terms`` (the weights counted are order .. order + terms - 1).
    """
    from estimator.circuits.protocols import get_protocol

    extra = config.terms - 1
    try:
        if config.protocol is not None:
            p = config.protocol
            found = analyse(p, config.order, extra=extra)
            return HMeasureResult(config, p.n_out, p.t_count, p.qubits, found, p.state.name)
        protocol = get_protocol(config.rotations, field="rotations.protocol")
        result = rotation_series(protocol, config.order, extra=extra)
    except ResourceError as error:
        table = "hmeasure" if config.protocol is not None else "rotations"
        raise ResourceError(f"{table}.terms = {config.terms}: {error}") from None
    n_out, n = len(protocol.outputs), len(protocol.rotations)
    return HMeasureResult(config, n_out, n, protocol.n_qubits, result)


def rotation_series(protocol: Any, order: int | None, *, extra: int = 0) -> ErrorSeries:
    """The error series of a rotation circuit (``estimator.circuits.protocol.Protocol``) by the
    same counter: each rotation's Z error flips its support's checks and outputs."""
    from estimator.codes.leading import count_undetected, error_series, rotation_model

    model = rotation_model([r.support for r in protocol.rotations], protocol.checks)
    outputs = [q - 1 for q in protocol.outputs]
    for weight in [order] if order is not None else range(1, model.n_locations + 1):
        found = error_series(count_undetected(model, weight), outputs)
        if found.order is not None:
            if found.order < weight:
                raise ConfigError(
                    "order", f"{protocol.name} has order {found.order} < requested {weight}"
                )
            return error_series(count_undetected(model, weight + extra), outputs)
    raise ConfigError("order", f"{protocol.name}: no accepted wrong output up to weight {order}")


def hmeasure_record(result: HMeasureResult) -> dict[str, Any]:
    """The JSON record of ``msd estimate`` for a config of configs/haah2017."""
    config, s, d = result.config, result.series, result.order
    eps = config.eps_in
    accepted = ErrorPolynomial(s.n, s.acceptance)(eps)
    wrong = float(ErrorPolynomial(s.n, s.any_wrong)(eps) / accepted)
    marginal = max(float(ErrorPolynomial(s.n, m)(eps) / accepted) for m in s.marginals)
    state = config.protocol.state if config.protocol is not None else None
    record = {
        "title": config.title,
        "label": config.label,
        "reference": config.reference,
        "kind": "hmeasure" if config.protocol is not None else "rotations",
        "state": result.state,
        "n_out": result.n_out,
        "t_count": result.t_count,
        "t_per_output": result.t_per_output,
        "qubits": result.qubits,
        "order": d,
        # 001 Eq. (4.2) for protocols whose inputs are T states (a CCZ protocol's are not)
        "gamma": math.log(result.t_per_output) / math.log(d)
        if d > 1 and (state is None or state.t_inputs)
        else None,
        "coefficients": {name: [_number(x) for x in _select(s, name)[d:]] for name in CONVENTIONS},
        "exact_counts": s.exact_counts,
        "eps_in": eps,
        "theta": config.theta,
        "acceptance": float(accepted),
        "eps_out": wrong,
        "epsbar_out": wrong / (result.n_out * float(accepted)),
        "eps_out_marginal": marginal,
        "conventions": {
            "coefficients": "c_w with P = sum_w c_w eps^w (1 - eps)^(n - w), w from the order up",
            **CONVENTIONS,
            "eps_out": f"P(any output wrong | accepted) at eps_in, series through order {s.max_weight}",
            "epsbar_out": "eps_out / (n_out P(accepted)) (000 Eq. (1))",
            "eps_out_marginal": "worst marginal error of one output at eps_in (003 Eq. (18))",
            "eps_in": "eps = 1/2 - sin(theta)/(2 theta) of the uniform-angle noise (Haah et al. "
            "2017, Eq. (5.3))"
            if config.theta is not None
            else "the stochastic model's error rate of every T gate and input state",
            "error_model": state.error_model if state is not None else "Z errors",
        },
    }
    record["paper"] = compare_printed(record, config.paper)
    return record


def _select(s: ErrorSeries, name: str) -> tuple[float, ...]:
    if name == "any":
        return s.any_wrong
    if name == "marginal":
        return tuple(max(m[w] for m in s.marginals) for w in range(s.max_weight + 1))
    return tuple(x / len(s.marginals) for x in s.any_wrong)


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def compare_printed(record: Mapping[str, Any], paper: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per printed value: ours, the printed text, whether ours rounds to it at its
    digits, and the note of [paper.notes] if any."""
    notes = paper.get("notes", {}) if isinstance(paper.get("notes", {}), Mapping) else {}
    ours = {
        "t_count": record["t_count"],
        "t_per_output": record["t_per_output"],
        "qubits": record["qubits"],
        "n_out": record["n_out"],
        "order": record["order"],
        "prefactor": record["coefficients"]["any"][0],
        "coefficient": record["coefficients"]["any"][0],
    }
    rows = []
    for key, printed in paper.items():
        if key == "notes":
            continue
        if key not in COMPARED:
            raise ConfigError(
                f"paper.{key}", f"unknown printed quantity (known: {', '.join(COMPARED)})"
            )
        if not isinstance(printed, str):
            raise ConfigError(
                f"paper.{key}", f"a printed value is text as printed, got {printed!r}"
            )
        rows.append(
            {
                "quantity": key,
                "ours": ours[key],
                "paper": printed,
                "reproduced": _rounds_to(ours[key], printed, f"paper.{key}"),
                "note": notes.get(key, ""),
            }
        )
    return rows


def _rounds_to(ours: float, printed: str, field_name: str) -> bool:
    """Whether ``ours`` rounds to ``printed`` at its significant digits (an integer without a
    point or exponent is compared exactly after rounding ours)."""
    text = printed.strip()
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ConfigError(field_name, f"not a number: {printed!r}") from None
    mantissa = text.lower().split("e")[0].lstrip("+-")
    if "." not in mantissa and "e" not in text.lower():
        return round(ours) == value
    digits = max(len(mantissa.replace(".", "").lstrip("0")), 1)
    return Decimal(f"{ours:.{digits - 1}e}") == value


STAGE_PREFIX = "001:"
STAGE_TERMS = 3
"""Orders a stage counts from its leading one: the search compares stages whose exact
polynomials (003's codes) carry every order, so a truncation at the leading order alone
would flatter the protocols of 001."""


def hmeasure_stage(config: HMeasureConfig) -> Any:
    """The protocol as a stage of ``estimator.codes.concat``, named "001:LABEL": every T gate
    and input state consumes an output of the stage below; its polynomials are its series
    through ``STAGE_TERMS`` orders (at least)."""
    from estimator.codes.concat import Stage

    result = evaluate_hmeasure(replace(config, terms=max(config.terms, STAGE_TERMS)))
    return Stage.from_series(
        STAGE_PREFIX + config.label,
        result.series,
        result.n_out,
        result.qubits,
        f"{config.title} ({config.reference}; series through eps^{result.series.max_weight})",
    )


def stage_name(path: str | Path) -> str:
    """The stage name of a config file: 001:LABEL."""
    return STAGE_PREFIX + load_hmeasure_config(path).label


def shipped_stages(directory: Path, *, labels: set[str] | None = None) -> dict[str, Any]:
    """The stages of the H-measurement configs of ``directory`` by name (all, or those named
    in ``labels``); rotation circuits such as 15-to-1 are built-in stages already. A config
    is counted once per process and version of its file.

    Raises:
        ConfigError("sequence"): a requested 001:LABEL is not among them.
    """
    stages = {}
    for path in sorted(directory.glob("*.toml")):
        config = load_hmeasure_config(path)
        name = STAGE_PREFIX + config.label
        if (
            config.protocol is not None
            and config.protocol.state.t_inputs  # a stage consumes T states below it
            and (labels is None or name in labels)
        ):
            stages[name] = _cached_stage(str(path.resolve()), path.stat().st_mtime_ns)
    missing = sorted((labels or set()) - set(stages))
    if missing:
        raise ConfigError("sequence", f"no 001 protocol labelled {missing[0]!r} in {directory}")
    return stages


@cache
def _cached_stage(path: str, mtime_ns: int) -> Any:
    return hmeasure_stage(load_hmeasure_config(path))
