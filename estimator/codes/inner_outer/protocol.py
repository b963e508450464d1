"""An inner/outer-code protocol of Haah et al. 2018 as data.

The outer code is a check matrix whose rows are measured in order; consecutive blocks of
rows form rounds (the grid's vertical, horizontal and diagonal checks, Haah et al. 2018, Sec. VI). Each
round measures its checks with one inner code (a weakly self-dual CSS code used to measure
H on its logical qubits, Haah et al. 2017, Sec. 3), T gates from one source, order-m inner-code
correction (Haah et al. 2018, Sec. IV, m <= 2) and one way of running its checks. The input states come
from one source. Nothing here knows a printed example: the worked examples are configs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol as Interface

import numpy as np

from estimator.codes.inner_outer.sources import Source
from estimator.errors import ConfigError

EXECUTIONS = ("sequential", "parallel", "restart")
"""How a round runs its checks (Haah et al. 2018, Secs. III.1, IV.1, V.2, VI.5.1):

* sequential: one check after the other, the run stops at the first failure (Eq. (15));
* parallel: every check of the round runs; later rounds run only if all passed;
* restart: every check is repeated on fresh input states until it passes ("a column is
  started over until success", Table 4); only for pairwise disjoint first checks.
"""

MAGIC_BASES = ("any", "separated")
"""The logical basis of an inner code (Haah et al. 2018, Sec. VI.2 and Table 2 caption):

* any: a weight-d Y-logical may act on a single logical qubit;
* separated: |l^(a) + s| > d for every basis logical l^(a) and s in S, so every Y-logical
  of weight <= d (also one completed by a correction) acts on two or more logical qubits.
"""


class InnerCode(Interface):
    """What the calculus needs of an inner code (estimator.codes.css.InnerCode)."""

    name: str
    n: int
    k: int
    distance: int
    kind: str

    def c_log(self, w: int) -> int: ...


class OuterCode(Interface):
    """What the calculus needs of an outer code (estimator.codes.outer.OuterCode)."""

    name: str
    checks: np.ndarray
    n_out: int
    n_check: int
    distance: int | None  # None: no nonzero v with Mv = 0
    sensitivity: int

    def c_out(self, u: int, v: int) -> int: ...

    def c_out_table(
        self, max_weight: int, max_violated: int | None = None
    ) -> dict[int, dict[int, int]]: ...


@dataclass(frozen=True)
class Round:
    """A block of consecutive outer checks measured alike.

    Attributes:
        name: a label ("vertical"), unique within the protocol.
        inner: the inner code measuring each check (2 n T gates per check: normal codes).
        n_checks: number of consecutive rows of the check matrix.
        t_gates: source of the T gates inside the inner code (Haah et al. 2018's eps_check).
        correction: m, the order of inner-code correction (0 = basic family, Haah et al. 2018, Sec. IV).
        execution: one of ``EXECUTIONS``.
        magic_basis: one of ``MAGIC_BASES``.
        conservative: discard qubits with fewer than two later private checks after a
            correction (Haah et al. 2018, Sec. IV, "conservative protocol", for m = 2).
    """

    name: str
    inner: InnerCode
    n_checks: int
    t_gates: Source
    correction: int = 0
    execution: str = "sequential"
    magic_basis: str = "any"
    conservative: bool = False

    @property
    def t_per_attempt(self) -> int:
        """T gates of one measurement of one check, 2 n_inner (Haah et al. 2017, Eq. (1.3), normal code)."""
        return 2 * self.inner.n


@dataclass(frozen=True)
class HHPWProtocol:
    """An inner/outer-code distillation protocol (Haah et al. 2018, Secs. III-VI).

    Attributes:
        title: a label.
        outer: the outer code; its rows in measurement order.
        rounds: the rounds, first first; their n_checks add up to the outer code's rows.
        inputs: source of the n_out input states (Haah et al. 2018's eps_input).
        order: requested order of error reduction d (optional, validated: the outer code
            needs min over v != 0 of 2|Mv| + |v| >= d, Haah et al. 2017, Lemma 4.4).

    Raises:
        ConfigError: a round cannot implement its checks, the rounds do not cover the
            check matrix, a value is out of range or the outer code is too weak (``field``
            names the offending part, e.g. "rounds[1].inner").
    """

    title: str
    outer: OuterCode
    rounds: tuple[Round, ...]
    inputs: Source
    order: int | None = None

    def __post_init__(self) -> None:
        validate(self)

    @cached_property
    def structure(self) -> Structure:
        """Which round each check belongs to, and which later checks see each qubit."""
        return Structure.of(self)


def validate(protocol: HHPWProtocol) -> None:
    """Raise ConfigError unless ``protocol`` is a protocol Haah et al. 2018's calculus describes."""
    checks = np.asarray(protocol.outer.checks)
    if checks.ndim != 2 or checks.shape[0] == 0 or checks.shape[1] == 0:
        raise ConfigError("outer", "the check matrix must have at least one row and column")
    if not protocol.rounds:
        raise ConfigError("rounds", "at least one round is needed")
    names = [r.name for r in protocol.rounds]
    if len(set(names)) != len(names):
        raise ConfigError("rounds", f"round names must be unique, got {names}")
    total = sum(r.n_checks for r in protocol.rounds)
    if total != checks.shape[0]:
        raise ConfigError(
            "rounds",
            f"the rounds cover {total} checks but {protocol.outer.name} has {checks.shape[0]}",
        )
    if not np.all(checks.sum(axis=0) > 0):
        unchecked = int(np.flatnonzero(checks.sum(axis=0) == 0)[0])
        raise ConfigError("outer", f"bit {unchecked} is in no check (it would never be tested)")
    start = 0
    for i, r in enumerate(protocol.rounds):
        _validate_round(i, r, checks[start : start + r.n_checks], checks[:start])
        start += r.n_checks
    if protocol.order is not None:
        d = protocol.order
        if isinstance(d, bool) or not isinstance(d, int) or d < 1:
            raise ConfigError("order", f"must be a positive integer, got {d!r}")
        s = protocol.outer.sensitivity
        if s < d:
            raise ConfigError(
                "order",
                f"outer code {protocol.outer.name} is too weak for order {d}: "
                f"min over v != 0 of 2|Mv| + |v| is {s} < {d} (Haah et al. 2017, Lemma 4.4)",
            )
        for i, r in enumerate(protocol.rounds):
            if protocol.structure.round_lonely[i] and r.inner.distance < d:
                raise ConfigError(
                    f"rounds[{i}].inner",
                    f"{r.inner.name} has distance {r.inner.distance} < order {d} and round "
                    f"{r.name!r} has lonely checks (Haah et al. 2018, Eq. (6))",
                )


def _validate_round(i: int, r: Round, rows: np.ndarray, earlier: np.ndarray) -> None:
    field = f"rounds[{i}]"
    if isinstance(r.n_checks, bool) or not isinstance(r.n_checks, int) or r.n_checks < 1:
        raise ConfigError(f"{field}.checks", f"must be a positive integer, got {r.n_checks!r}")
    if r.inner.kind != "normal":
        raise ConfigError(
            f"{field}.inner",
            f"{r.inner.name} is {r.inner.kind}: Haah et al. 2018's calculus measures checks with normal "
            "inner codes (transversal H = logical H on every qubit, Haah et al. 2018, Sec. II)",
        )
    weights = rows.sum(axis=1)
    for j, w in enumerate(weights):
        if w > r.inner.k or (r.inner.k - w) % 2:
            raise ConfigError(
                f"{field}.inner",
                f"{r.inner.name} (k = {r.inner.k}) cannot implement check {j} of round "
                f"{r.name!r} (weight {int(w)}): it needs k >= weight and k - weight even "
                "(Haah et al. 2017, Sec. 4.1)",
            )
    if r.correction not in (0, 1, 2):
        raise ConfigError(f"{field}.correction", f"m must be 0, 1 or 2, got {r.correction!r}")
    if r.inner.distance < 2 * r.correction + 1:
        raise ConfigError(
            f"{field}.correction",
            f"{r.inner.name} (d = {r.inner.distance}) cannot correct weight {r.correction}",
        )
    if r.execution not in EXECUTIONS:
        raise ConfigError(
            f"{field}.execution", f"unknown {r.execution!r}; choose one of {', '.join(EXECUTIONS)}"
        )
    if r.magic_basis not in MAGIC_BASES:
        raise ConfigError(
            f"{field}.magic_basis",
            f"unknown {r.magic_basis!r}; choose one of {', '.join(MAGIC_BASES)}",
        )
    if r.execution == "restart":
        overlaps = rows.astype(np.int64) @ rows.T.astype(np.int64)
        np.fill_diagonal(overlaps, 0)
        if overlaps.any() or (earlier.size and (earlier.sum(axis=0) * rows.sum(axis=0)).any()):
            raise ConfigError(
                f"{field}.execution",
                f"round {r.name!r} can be restarted only if its checks are pairwise disjoint "
                "and are the first checks of their qubits (Haah et al. 2018, Sec. V.2)",
            )


@dataclass(frozen=True)
class Structure:
    """The check-order facts the calculus uses, derived from the check matrix.

    Attributes:
        round_of_check: index of the round of every check.
        members: the qubits of every check.
        later: for every check and each of its qubits, the later checks containing it.
        private: for every check and each of its qubits, how many later checks meet the
            check in that qubit alone (Haah et al. 2018, Sec. III.2).
        lonely: whether each check is lonely (some qubit has no later private check).
        round_lonely: whether each round has a lonely check.
        first_check_of_bit: the index of each qubit's first check.
        four_cycle_free: no two checks share two qubits (Haah et al. 2018, Sec. IV.2).
    """

    round_of_check: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]
    later: tuple[tuple[tuple[int, ...], ...], ...]
    private: tuple[tuple[int, ...], ...]
    lonely: tuple[bool, ...]
    round_lonely: tuple[bool, ...]
    first_check_of_bit: tuple[int, ...]
    four_cycle_free: bool

    @classmethod
    def of(cls, protocol: HHPWProtocol) -> Structure:
        checks = np.asarray(protocol.outer.checks).astype(bool)
        round_of_check = np.repeat(
            np.arange(len(protocol.rounds)), [r.n_checks for r in protocol.rounds]
        )
        overlap = checks.astype(np.int64) @ checks.T.astype(np.int64)
        members = tuple(tuple(int(q) for q in np.flatnonzero(row)) for row in checks)
        later, private = [], []
        for c, qubits in enumerate(members):
            after = checks[c + 1 :]
            later.append(
                tuple(tuple(int(c + 1 + x) for x in np.flatnonzero(after[:, q])) for q in qubits)
            )
            alone = overlap[c, c + 1 :] == 1
            private.append(tuple(int(np.count_nonzero(after[:, q] & alone)) for q in qubits))
        lonely = tuple(min(p) == 0 for p in private)
        round_lonely = tuple(
            any(lonely[c] for c in np.flatnonzero(round_of_check == i))
            for i in range(len(protocol.rounds))
        )
        first = np.argmax(checks, axis=0)
        off_diagonal = overlap - np.diag(np.diag(overlap))
        return cls(
            tuple(int(x) for x in round_of_check),
            members,
            tuple(later),
            tuple(private),
            lonely,
            round_lonely,
            tuple(int(x) for x in first),
            bool(off_diagonal.max(initial=0) <= 1),
        )

    @property
    def n_lonely(self) -> int:
        """Number of lonely checks (Haah et al. 2018, Sec. III.2)."""
        return sum(self.lonely)
