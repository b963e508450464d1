"""Success probability, output count and T count of a protocol (Haah et al. 2018, Secs. III.1 and IV.1).

Per measurement of a check with an [[n, k, d]] normal inner code (2n T gates at error eps)
and order-m correction, Haah et al. 2018, Sec. IV.1 has, to leading order,

    P_succ   = (1 - eps)^(2n)                              (case A: no T error)
    P_repeat = 2n eps  (+ 4 n^2 eps^2 for m = 2)            (case B: corrected, measured again)
    P_fail   = n eps^2 + (2n eps)^(m+1) / (m+1)!            (cases C, D: the run stops)

and for the basic family (m = 0) every T error stops the run: P_fail = 1 - P_succ. A check
passes with p = P_succ / (P_succ + P_fail) and costs 2n / (1 - P_repeat) T gates on
average (Eq. (14)). The run is accepted with probability (Eq. (12))
(1 - eps_input)^n_out prod_checks p; a qubit corrected in a check without a later private
check is discarded ("lower quality"), so nbar_out = (n_out - discarded) * acceptance
(Eq. (13)). T counts follow Eq. (15) for sequential checks and count whole rounds for
parallel ones; like Eq. (15) they do not credit early stops caused by outer syndromes (an
upper bound). Restarted rounds (Sec. V.2) repeat each check on fresh inputs until it
passes, 1 / p times on average (Sec. VI.5.1), so they cost more but never stop the run;
like Eq. (15), a restart caused by a faulty input state (probability ~ |C| eps_input) is
not counted, and such inputs neither stop the run nor lower the acceptance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.codes.inner_outer.protocol import HHPWProtocol, Round
from estimator.errors import ModelError


@dataclass(frozen=True)
class CheckRates:
    """One measurement of one check (Haah et al. 2018, Sec. IV.1).

    Attributes:
        p_succ: no T error, (1 - eps)^(2n).
        p_repeat: a correctable inner syndrome: corrected and measured again.
        p_fail: the run stops (incorrect outer measurement or uncorrectable syndrome).
        t_per_check: expected T gates until the check is done, 2n / (1 - p_repeat).
    """

    p_succ: float
    p_repeat: float
    p_fail: float
    t_per_check: float

    @property
    def p_pass(self) -> float:
        """Probability the check is passed rather than stopping the run."""
        return self.p_succ / (self.p_succ + self.p_fail)

    @property
    def p_stop(self) -> float:
        """1 - p_pass, without cancellation."""
        return self.p_fail / (self.p_succ + self.p_fail)


def check_rates(n_inner: int, eps: float, m: int, *, name: str = "check") -> CheckRates:
    """The per-measurement probabilities of a check (Haah et al. 2018, Sec. IV.1), m in {0, 1, 2}.

    >>> r = check_rates(31, 1e-3, 1)
    >>> round(r.p_succ, 4), round(r.p_fail, 6), round(r.p_repeat, 3)
    (0.9399, 0.001953, 0.062)

    Raises:
        ModelError: the leading-order expressions leave [0, 1) (eps too large for n).
    """
    t = 2 * n_inner
    p_succ = math.exp(t * math.log1p(-eps))
    if m == 0:
        p_repeat, p_fail = 0.0, -math.expm1(t * math.log1p(-eps))
    else:
        p_repeat = t * eps + (t * eps) ** 2 * (m == 2)
        p_fail = n_inner * eps**2 + (t * eps) ** (m + 1) / math.factorial(m + 1)
    if not (p_repeat < 1 and p_fail < 1):
        raise ModelError(
            f"{name}: P_repeat = {p_repeat:.3g}, P_fail = {p_fail:.3g} at eps = {eps:g} with "
            f"n = {n_inner}: the leading-order bookkeeping of Haah et al. 2018, Sec. IV needs both below 1"
        )
    return CheckRates(p_succ, p_repeat, p_fail, t / (1 - p_repeat))


@dataclass(frozen=True)
class RoundBook:
    """What one round costs and passes.

    Attributes:
        name: the round's label.
        rates: per-measurement probabilities of its checks.
        n_checks: its checks.
        check_weight: qubits per check (the largest, if they differ).
        reach: probability the run is still alive when the round starts.
        p_round: probability all its checks pass (1 for a restarted round).
        t_gates: expected T gates the round consumes (per run).
        t_per_check: expected T gates per check including restarts.
        input_states: expected input states a restarted round consumes (0 otherwise).
        inputs_per_check: expected input states per check including restarts.
        lower_quality: expected qubits discarded after corrections (Haah et al. 2018, Sec. IV).
        n_lonely: lonely checks of the round.
    """

    name: str
    rates: CheckRates
    n_checks: int
    check_weight: int
    reach: float
    p_round: float
    t_gates: float
    t_per_check: float
    input_states: float
    inputs_per_check: float
    lower_quality: float
    n_lonely: int


@dataclass(frozen=True)
class Bookkeeping:
    """Acceptance, outputs and T counts of a whole run.

    Attributes:
        rounds: per-round books.
        input_survival: (1 - eps_input)^n for the inputs first checked by a round that is
            not restarted (a faulty one stops the run).
        acceptance: probability the run is not terminated (Haah et al. 2018, Eq. (12)).
        acceptance_without_correction: the basic-family bound of Haah et al. 2018, Eq. (3).
        lower_quality: expected discarded qubits.
        nbar_out: mean number of outputs (Haah et al. 2018, Eq. (13)).
        input_states: expected input states consumed.
        t_checks: expected T gates consumed inside checks.
        states: expected states consumed per source name (inputs and T gates).
        states_max: states per source name of a run without errors (Haah et al. 2018, Eq. (4)).
        nbar_t_states: all states and gates consumed, at the protocol level.
        nbar_t: raw T states consumed, the sources' costs included.
    """

    rounds: tuple[RoundBook, ...]
    input_survival: float
    acceptance: float
    acceptance_without_correction: float
    lower_quality: float
    nbar_out: float
    input_states: float
    t_checks: float
    states: dict[str, float]
    states_max: dict[str, float]
    nbar_t_states: float
    nbar_t: float


def bookkeeping(protocol: HHPWProtocol) -> Bookkeeping:
    """Evaluate the run of ``protocol`` (Haah et al. 2018, Eqs. (3), (4), (12)-(15), Secs. V.2, VI.5.1)."""
    structure = protocol.structure
    eps_input = protocol.inputs.eps
    log_input = math.log1p(-eps_input)
    alive = 1.0
    books, restarted_bits = [], set()
    start = 0
    for index, rnd in enumerate(protocol.rounds):
        checks = range(start, start + rnd.n_checks)
        start += rnd.n_checks
        rates = check_rates(
            rnd.inner.n, rnd.t_gates.eps, rnd.correction, name=f"round {rnd.name!r}"
        )
        sizes = [len(structure.members[c]) for c in checks]
        log_pass = math.log1p(-rates.p_stop)
        input_states = 0.0
        if rnd.execution == "restart":  # 1 / p attempts per check (Haah et al. 2018, Sec. VI.5.1)
            t_total = rates.t_per_check * rnd.n_checks / rates.p_pass
            input_states = alive * sum(sizes) / rates.p_pass
            p_round = 1.0
            restarted_bits.update(q for c in checks for q in structure.members[c])
        else:
            p_round = math.exp(rnd.n_checks * log_pass)
            if rnd.execution == "sequential":  # sum_{j < c} p^j = (1 - p^c) / (1 - p)
                run = -math.expm1(rnd.n_checks * log_pass) / rates.p_stop
            else:
                run = rnd.n_checks
            t_total = rates.t_per_check * run
        books.append(
            RoundBook(
                name=rnd.name,
                rates=rates,
                n_checks=rnd.n_checks,
                check_weight=max(sizes),
                reach=alive,
                p_round=p_round,
                t_gates=alive * t_total,
                t_per_check=t_total / rnd.n_checks
                if rnd.execution == "restart"
                else rates.t_per_check,
                input_states=input_states,
                inputs_per_check=input_states / alive / rnd.n_checks
                if rnd.execution == "restart"
                else float(max(sizes)),
                lower_quality=_lower_quality(rnd, rates, [structure.private[c] for c in checks]),
                n_lonely=sum(structure.lonely[c] for c in checks),
            )
        )
        alive *= p_round
    n_out = protocol.outer.n_out
    fresh = n_out - len(restarted_bits)
    input_survival = math.exp(fresh * log_input)
    acceptance = input_survival * math.prod(b.p_round for b in books)
    without = math.exp(
        n_out * log_input
        + sum(r.n_checks * r.t_per_attempt * math.log1p(-r.t_gates.eps) for r in protocol.rounds)
    )
    lower = sum(b.lower_quality for b in books)
    input_states = fresh + sum(b.input_states for b in books)
    states: dict[str, float] = {protocol.inputs.name: input_states}
    states_max: dict[str, float] = {protocol.inputs.name: float(n_out)}
    cost = {protocol.inputs.name: protocol.inputs.t_cost}
    for rnd, book in zip(protocol.rounds, books):
        source = rnd.t_gates.name
        states[source] = states.get(source, 0.0) + book.t_gates
        states_max[source] = states_max.get(source, 0.0) + rnd.n_checks * rnd.t_per_attempt
        cost[source] = rnd.t_gates.t_cost
    return Bookkeeping(
        rounds=tuple(books),
        input_survival=input_survival,
        acceptance=acceptance,
        acceptance_without_correction=without,
        lower_quality=lower,
        nbar_out=(n_out - lower) * acceptance,
        input_states=input_states,
        t_checks=sum(b.t_gates for b in books),
        states=states,
        states_max=states_max,
        nbar_t_states=sum(states.values()),
        nbar_t=sum(count * cost[name] for name, count in states.items()),
    )


def _lower_quality(rnd: Round, rates: CheckRates, private: list[tuple[int, ...]]) -> float:
    """Expected qubits discarded: after a correction (probability P_repeat), the qubits of
    the check with fewer than 1 (2 if conservative) later private checks (Haah et al. 2018, Sec. IV)."""
    if rnd.correction == 0:
        return 0.0
    needed = 2 if rnd.conservative else 1
    return rates.p_repeat * sum(sum(p < needed for p in qubits) for qubits in private)
