"""Printed numbers of the source papers that are no protocol or factory of their own, each
computed by the engine: the quantities a ``[[values]]`` config (``printed_values``) names.

Every function takes the row's ``args`` (validated here, errors name ``args.KEY``) and the
config's directory, and returns (ours, how): the number and one line on how it was found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError

Quantity = Callable[[Mapping[str, Any], Path], tuple[float, str]]


def _arg(args: Mapping[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = args.get(key, default)
    if value is None:
        raise ConfigError(f"args.{key}", "required")
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"args.{key}", f"expected {kind.__name__}, got {value!r}")
    return value


def _factory(args: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """The ``msd estimate`` record of the factory config named by args.config."""
    from estimator.studies.config import estimate_config, load_config
    from estimator.studies.report import estimate_record

    path = base / _arg(args, "config", str)
    if not path.is_file():
        raise ConfigError("args.config", f"no such config: {path}")
    config = load_config(path)
    return estimate_record(config, estimate_config(config))


def _full_distance(record: Mapping[str, Any], logical_qubits: int) -> dict[str, Any]:
    for entry in record["full_distance"]:
        if entry["logical_qubits"] == logical_qubits:
            return entry
    raise ConfigError(
        "args.logical_qubits", f"the full distance has no {logical_qubits}-qubit column"
    )


# --- Litinski 2019, Sec. 1 and the discussion of Table 1 ----------------------------------


def pauli_coefficient(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """Leading coefficient of the 15-to-1's output error when each faulty pi/8 rotation has
    an X, Y or Z error with p/3 each (Eq. (5)): I(p) / p^3 of the density-matrix simulation
    at p = args.p (default 1e-10, where the next order is 1e-10 relative)."""
    p = _arg(args, "p", float, 1e-10)
    return pauli_infidelity(p) / p**3, f"infidelity / p^3 of the exact simulation at p = {p:g}"


def pauli_infidelity(p: float) -> float:
    from estimator.circuits.protocols import builtin_protocols
    from estimator.sim.channels import rotation_channel
    from estimator.sim.simulator import simulate

    fifteen = builtin_protocols()["15-to-1"]
    channels = [rotation_channel(r, p / 3, p / 3, p / 3) for r in fifteen.rotations]
    return float(simulate(5, fifteen.checks, channels, precision="exact").infidelity)


def pauli_p_out(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """The 15-to-1's output error under random Pauli errors at p = args.p (Sec. 1)."""
    p = _arg(args, "p", float)
    return pauli_infidelity(p), f"exact density-matrix simulation at p = {p:g}"


def cost_d3_at(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """A factory's qubitcycles / (2 d^3) at the distance args.d (Table 1's unit)."""
    record = _factory(args, base)
    d = _arg(args, "d", int)
    qc = record["qubitcycles"]
    return qc / (2 * d**3), f"{qc:,.0f} qubitcycles / (2 x {d}^3)"


def machine_qubits(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """Physical qubits of a computation: (logical qubits + the factory's space-time cost in
    full-distance patches) x 2 d^2 at its full distance d (data and measurement qubits)."""
    record = _factory(args, base)
    n = _arg(args, "logical_qubits", int)
    entry = _full_distance(record, n)
    d, cost = entry["d"], entry["cost_d3"]
    return (n + cost) * 2 * d**2, f"({n} + {cost:.3g}) x 2 x {d}^2"


def distillation_share(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """Percent of a computation's physical qubits used for distillation, args.measure =
    "footprint" (the factory's cost in full-distance patches among logical qubits + it) or
    "qubits" (the factory's physical qubits among those and 2 d^2 per logical qubit)."""
    record = _factory(args, base)
    n = _arg(args, "logical_qubits", int)
    measure = _arg(args, "measure", str)
    entry = _full_distance(record, n)
    d, cost = entry["d"], entry["cost_d3"]
    if measure == "footprint":
        return 100 * cost / (n + cost), f"{cost:.3g} / ({n} + {cost:.3g}) at d = {d}"
    if measure == "qubits":
        data = n * 2 * d**2
        share = record["qubits"] / (record["qubits"] + data)
        return 100 * share, f"{record['qubits']:,.0f} / ({record['qubits']:,.0f} + {n} x 2 x {d}^2)"
    raise ConfigError("args.measure", f"footprint or qubits, got {measure!r}")


def cnot_cost_d3(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """Space-time cost per qubit of a full-distance lattice-surgery CNOT in units of d^3
    (d x d data qubits for d cycles): control, target and an ancilla patch, a ZZ merge of
    control and ancilla, then an XX merge of ancilla and target, each d cycles; the three
    patches are held for both, and the cost is shared by the gate's two qubits."""
    patches, merges, qubits = 3, 2, 2
    how = f"{patches} patches x {merges} merges of d cycles / {qubits} qubits"
    return patches * merges / qubits, how


# --- Haah, Hastings, Poulin, Wecker 2017 --------------------------------------------------


def controlled_v123_t_count(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """T gates of Sec. 2's circuit for controlled V_123, after checking it is that gate."""
    from estimator.codes.magic import controlled_v123_t_count as count

    return count(), "the printed circuit checked against controlled V_123 on 4 qubits, T counted"


def uniform_angle_twelve(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """theta^2 / eps(theta) of the uniform-angle noise at small theta (Sec. 5.2: eps ~
    theta^2 / 12)."""
    from estimator.codes.magic import uniform_angle_eps

    theta = _arg(args, "theta", float, 1e-4)
    return theta**2 / uniform_angle_eps(theta), f"theta^2 / eps(theta) at theta = {theta:g}"


# --- Bravyi and Haah 2012 ----------------------------------------------------------------


def gamma_15_to_1(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """gamma = log_d(n / k) of the 15-qubit triorthogonal matrix, d its order (counted)."""
    from estimator.codes.triorthogonal import MATRIX_15_TO_1, TriorthogonalCode

    code = TriorthogonalCode(MATRIX_15_TO_1)
    d = code.distance
    return math.log(code.n / code.k) / math.log(d), f"log_{d}({code.n}/{code.k})"


def gamma_family_limit(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """The limit of gamma = log_d(n / k) over the (3k+8)-to-k family: d counted on the
    member k = 2, n/k -> the growth of n per output between two members' matrices."""
    from estimator.codes.triorthogonal import TriorthogonalCode, bh_family_matrix

    small, large = (TriorthogonalCode.from_matrix(bh_family_matrix(k)) for k in (2, 4))
    d = small.distance
    slope = (large.n - small.n) / (large.k - small.k)
    return math.log(slope) / math.log(d), f"log_{d}(dn/dk = {slope:g}) from k = 2 and 4"


def logical_count_49(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """Weight-w logical operators (w = args.weight) of the 49-qubit code whose qubits are
    the 49 noisy locations of the H-measurement protocol args.config and whose checks are
    its detectors (Haah et al. 2017, App. C identify it with Bravyi and Haah's [[49,1,5]])."""
    from estimator.codes.hmeasure import protocol_model
    from estimator.codes.leading import count_undetected
    from estimator.studies.haah2017 import load_hmeasure_config

    path = base / _arg(args, "config", str)
    protocol = load_hmeasure_config(path).protocol
    if protocol is None:
        raise ConfigError("args.config", "not an H-measurement protocol")
    w = _arg(args, "weight", int)
    model = protocol_model(protocol)
    counts = count_undetected(model, w)
    logical = sum(row[w] for key, row in zip(counts.keys, counts.table) if key)
    how = f"{model.n_locations} locations, undetected weight-{w} patterns flipping the output"
    return float(logical), how


# --- Haah, Hastings, Poulin, Wecker 2018, Table 3 ----------------------------------------


def tanner_alpha(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """The alpha of a certified Tanner-graph outer code (girth >= 6, 2|Mv| + |v| >= 7) found
    by ``estimator.codes.tanner`` at the alphas args.alpha ("A" or "A-B"), args.added extra
    checks, seed args.seed, args.tries attempts per alpha."""
    from estimator.codes.tanner import tanner_from_spec

    k = _arg(args, "k", int)
    options = [f"alpha={_arg(args, 'alpha', str)}"]
    for key in ("added", "seed", "tries"):
        if key in args:
            options.append(f"{key}={_arg(args, key, int)}")
    spec = f"{k}:" + ",".join(options)
    found = tanner_from_spec(spec, field="args")
    code = found.code
    how = (
        f"tanner:{spec}: {code.n_out} bits, {code.n_check} checks, certified "
        + (
            f"2|Mv| + |v| >= {found.sensitivity}"
            if found.added
            else f"girth {found.girth}, distance {found.distance}"
        )
    )
    return float(found.alpha), how


# --- Litinski 2019, Table 1, historical rows -------------------------------------------


def historical_cost(args: Mapping[str, Any], base: Path) -> tuple[float, str]:
    """One cost (args.value: p_out, qubits, cycles, qubitcycles, d or cost_d3) of a published
    factory under its own model (``estimator.studies.historical``; args.model and its
    arguments)."""
    from estimator.studies.historical import HistoricalCost, historical

    model = _arg(args, "model", str)
    value = _arg(args, "value", str)
    if value not in HistoricalCost.__dataclass_fields__:
        raise ConfigError("args.value", f"one of {', '.join(HistoricalCost.__dataclass_fields__)}")
    given = {k: v for k, v in args.items() if k not in ("model", "value")}
    try:
        cost = historical(model, given)
    except KeyError as missing:
        raise ConfigError(f"args.{missing.args[0]}", "required") from None
    return float(getattr(cost, value)), f"{model} ({', '.join(f'{k} = {v}' for k, v in given.items())})"


ARGUMENTS: dict[str, frozenset[str]] = {
    "pauli_coefficient": frozenset({"p"}),
    "pauli_p_out": frozenset({"p"}),
    "cost_d3_at": frozenset({"config", "d"}),
    "machine_qubits": frozenset({"config", "logical_qubits"}),
    "distillation_share": frozenset({"config", "logical_qubits", "measure"}),
    "cnot_cost_d3": frozenset(),
    "controlled_v123_t_count": frozenset(),
    "uniform_angle_twelve": frozenset({"theta"}),
    "gamma_15_to_1": frozenset(),
    "gamma_family_limit": frozenset(),
    "logical_count_49": frozenset({"config", "weight"}),
    "tanner_alpha": frozenset({"k", "alpha", "added", "seed", "tries"}),
    "historical_cost": frozenset({"model", "value", "p_phys", "d", "d1", "d2", "output"}),
}
"""The arguments each quantity reads (any other is refused, naming it)."""

QUANTITIES: dict[str, Quantity] = {
    "pauli_coefficient": pauli_coefficient,
    "pauli_p_out": pauli_p_out,
    "cost_d3_at": cost_d3_at,
    "machine_qubits": machine_qubits,
    "distillation_share": distillation_share,
    "cnot_cost_d3": cnot_cost_d3,
    "controlled_v123_t_count": controlled_v123_t_count,
    "uniform_angle_twelve": uniform_angle_twelve,
    "gamma_15_to_1": gamma_15_to_1,
    "gamma_family_limit": gamma_family_limit,
    "logical_count_49": logical_count_49,
    "tanner_alpha": tanner_alpha,
    "historical_cost": historical_cost,
}
