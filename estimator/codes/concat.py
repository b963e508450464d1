"""Concatenated distillation: sequences of stages, their cost, and a search over sequences.

Conventions of Haah et al. 2018, Table 5 (docs/model/inner-outer.md): a stage is named by
"5" (MEK 10-to-2, modelled as 9 eps^2 marginal error and success probability (1 - eps)^10),
"15" (the 15-to-1 protocol of the 15-qubit matrix) or an even k (Bravyi-Haah (3k+8)-to-k,
Bravyi and Haah 2012, Sec. VII); callers add further stages (the protocols of Haah et al. 2017, ``Stage.from_series``). The
outputs of one stage are the inputs of the next, at the stage's worst marginal error (Bravyi and Haah 2012
Eq. (18)); T count per output = prod n / (k p_s), n_out = prod k, space = prod n (Haah et al. 2018, Table
5: every input of a run present at once, MEK counting 10).

qubits = sum over stages of one run's qubits: one instance per level, consuming its input
states as the level below produces them (Haah et al. 2017's notion of space: 15-to-1 is 5 qubits as a
rotation circuit, a (3k+8)-to-k protocol k + 3, MEK 5 as the [[4,2,2]] H-measurement of Haah et al. 2017
Sec. 1.2.1, a protocol of Haah et al. 2017 its printed count).

The final output error is reported in one of ``CONVENTIONS`` (the papers differ, docs/model/inner-outer.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike
from tqdm import tqdm

from estimator.codes.leading import MAX_TRUNCATED_EPS_OUT, ErrorSeries
from estimator.codes.stochastic import ErrorPolynomial, ZErrorModel, check_eps
from estimator.codes.triorthogonal import (
    MATRIX_15_TO_1,
    TriorthogonalCode,
    bh_family_matrix,
    counting_cost,
    triorthogonality_cost,
)
from estimator.errors import ConfigError, ModelError, PrecisionError, ResourceError
from estimator.limits import current, require

CONVENTION = (
    "003 (Bravyi and Haah 2012): worst marginal error per output, at every stage "
    "(Haah et al. 2018, Table 5)"
)
CONVENTIONS = {
    "003": CONVENTION,
    "000": "000 (Haah et al. 2017 and 2018): P(any output of the last stage wrong | accepted) / mean outputs k p_s "
    "(Haah et al. 2018, Eq. (1)); stages pass on their worst marginal error",
    "002": "002 (Litinski 2019): P(any output of the last stage wrong | accepted) / k (total infidelity per "
    "output); stages pass on their worst marginal error",
}

# The stage set searched for Haah et al. 2018, Table 5: BH with k <= 54, MEK and the 15-to-1 protocol.
DEFAULT_STAGES: tuple[str, ...] = ("5", "15", *(str(k) for k in range(2, 55, 2)))

# MEK 10-to-2 as modelled in Haah et al. 2018, Table 5 (docs/model/inner-outer.md): success only without any input
# error, p_s = (1 - eps)^10, and 9 accepted weight-2 error sets that flip an output, each of
# probability eps^2 (1 - eps)^8; so eps_out = 9 eps^2 / (1 - eps)^2 = 9 eps^2 + O(eps^3). This
# exact form, not 9 eps^2 alone, reproduces every MEK row of the table (5-34-46: 9.8e-15).
_MEK_INPUTS, _MEK_OUTPUTS, _MEK_WEIGHT_2_COUNT = 10, 2, 9
# MEK's qubits (the [[4,2,2]] H-measurement of Haah et al. 2017, Sec. 1.2.1: 4 + 1 ancilla); its
# P(any output wrong) is not in Haah et al. 2018's model and is bounded by the sum of its two marginals.
_MEK_QUBITS = 5

# A search evaluates at most this many sequences (all lengths together): Haah et al. 2018, Table 5's 29
# stages and the 12 of Haah et al. 2017 up to length 4 make 2,896,404.
_MAX_SEQUENCES = 3_000_000


@dataclass(frozen=True)
class Stage:
    """One distillation round as a map eps_in -> (eps_out, p_s).

    Attributes:
        name: "5", "15", an even k, or a caller's name (e.g. "001:17").
        n: input states (T gates and states) per run; k: outputs per run.
        acceptance: p_s(eps).
        marginals: the distinct p_s(eps) eps_a(eps) over the outputs a.
        reference: where the stage comes from.
        qubits: qubits of one run (see the module docstring).
        any_wrong: p_s(eps) P(some output wrong | accepted) (None: bounded by the marginals).
        truncated: the polynomials are a series counted only through some weight (stages of
            001): eps_out is NaN where it exceeds MAX_TRUNCATED_EPS_OUT (out of its range).
    """

    name: str
    n: int
    k: int
    acceptance: ErrorPolynomial
    marginals: tuple[ErrorPolynomial, ...]
    reference: str
    qubits: int = 0
    any_wrong: ErrorPolynomial | None = None
    truncated: bool = False

    @classmethod
    def from_model(cls, name: str, model: ZErrorModel, reference: str, qubits: int) -> Stage:
        """A stage from the Z-error model of a code; identical output polynomials merged.
        ``qubits``: one per row of the matrix (its rotation circuit, Litinski 2019, Sec. 1)."""
        marginals = tuple(dict.fromkeys(model.marginals))
        return cls(
            name, model.n, model.k, model.acceptance, marginals, reference, qubits, model.any_wrong
        )

    @classmethod
    def from_series(
        cls, name: str, series: ErrorSeries, k: int, qubits: int, reference: str
    ) -> Stage:
        """A stage from the pattern series of a protocol (``estimator.codes.leading``),
        counted through ``series.max_weight``: its polynomials are that truncation."""
        marginals = tuple(dict.fromkeys(ErrorPolynomial(series.n, m) for m in series.marginals))
        return cls(
            name,
            series.n,
            k,
            ErrorPolynomial(series.n, series.acceptance),
            marginals,
            reference,
            qubits,
            ErrorPolynomial(series.n, series.any_wrong),
            truncated=series.max_weight < series.n,
        )

    def success_probability(self, eps: ArrayLike) -> np.ndarray:
        """p_s(eps), vectorised; eps is not range-checked (callers do)."""
        return self.acceptance(eps)

    def eps_out(self, eps: ArrayLike, convention: str = "003") -> np.ndarray:
        """Output error in one of ``CONVENTIONS`` (default: the worst marginal error, Bravyi and Haah 2012
        Eq. (18), which is also what the next stage takes as its input error), vectorised."""
        out = self._eps_out(eps, convention)
        if not self.truncated:
            return out
        worst = self._eps_out(eps, "003")  # the input of a next stage
        valid = (worst <= MAX_TRUNCATED_EPS_OUT) & (out <= MAX_TRUNCATED_EPS_OUT)
        return np.where(valid, out, np.nan)

    def _eps_out(self, eps: ArrayLike, convention: str) -> np.ndarray:
        accepted = self.acceptance(eps)
        if convention == "003":
            return np.max([p(eps) for p in self.marginals], axis=0) / accepted
        if convention not in CONVENTIONS:
            raise ConfigError(
                "convention", f"unknown {convention!r}; one of {', '.join(CONVENTIONS)}"
            )
        if self.any_wrong is not None:
            wrong = self.any_wrong(eps) / accepted
        else:  # union bound over the outputs (each distinct marginal stands for k / len of them)
            share = self.k / len(self.marginals)
            wrong = share * np.sum([p(eps) for p in self.marginals], axis=0) / accepted
        return wrong / self.k / (accepted if convention == "000" else 1.0)

    def inverse_yield(self, eps: ArrayLike) -> np.ndarray:
        """Input states per output state, n / (k p_s) (Bravyi and Haah 2012, Sec. VI)."""
        return self.n / (self.k * self.acceptance(eps))


@cache
def stage(name: str) -> Stage:
    """The stage called ``name`` ("5", "15" or an even k >= 2).

    >>> stage("6").n, stage("6").k
    (26, 6)

    Raises:
        ConfigError: unknown stage name.
    """
    if name == "5":
        return Stage(
            "5",
            _MEK_INPUTS,
            _MEK_OUTPUTS,
            ErrorPolynomial(_MEK_INPUTS, (1,)),
            (ErrorPolynomial(_MEK_INPUTS, (0, 0, _MEK_WEIGHT_2_COUNT)),),
            "MEK 10-to-2 as modelled in Haah et al. 2018, Table 5",
            _MEK_QUBITS,
        )
    if name == "15":
        model = ZErrorModel.from_code(TriorthogonalCode(MATRIX_15_TO_1))
        return Stage.from_model(
            "15", model, "15-to-1, the 15-qubit matrix (Bravyi and Haah 2012, Eq. (3))", len(MATRIX_15_TO_1)
        )
    if name.isdigit() and name == str(int(name)) and int(name) >= 2 and int(name) % 2 == 0:
        k = int(name)
        _require_family_stage(k)
        matrix = bh_family_matrix(k)
        model = ZErrorModel.from_matrix(matrix)
        return Stage.from_model(
            name, model, f"BH ({3 * k + 8})-to-{k}, Bravyi and Haah 2012, Sec. VII", matrix.shape[0]
        )
    raise ConfigError(
        "sequence",
        f"unknown stage {name!r}: use 5 (MEK 10-to-2), 15 (15-to-1) or an even k >= 2 "
        "(BH (3k+8)-to-k)",
    )


def family_stage_cost(k: int) -> tuple[float, float]:
    """(bytes, seconds) to build the stage of the (3k+8)-to-k code: two triorthogonality
    checks of its (k + 3) x (3k + 8) matrix and the exact error counts.

    >>> [round(s) for s in (family_stage_cost(54)[1], family_stage_cost(1000)[1])]
    [0, 10125]
    """
    m, n = k + 3, 3 * k + 8
    memory, seconds = triorthogonality_cost(m, n)
    table_memory, transform_seconds = counting_cost(n)
    return memory + table_memory, 2 * seconds + (k + 3) * transform_seconds


def _require_family_stage(k: int) -> None:
    """ResourceError (naming the sequence) unless stage k fits the limits in force."""
    largest = 2
    while largest < min(k, 10**4) and not _over(family_stage_cost(largest + 2)):
        largest += 2
    what = f"sequence: stage {k} (Bravyi-Haah {3 * k + 8}-to-{k})"
    change = f"use stages with k <= {largest}"
    if k > 10**6:
        raise ResourceError(f"{what} is far beyond any computer; {change}")
    memory, seconds = family_stage_cost(k)
    require(what=what, memory_bytes=memory, seconds=seconds, change=change)


def _over(cost: tuple[float, float]) -> bool:
    limits = current()
    return cost[0] > limits.max_memory_bytes or cost[1] > limits.max_seconds


def parse_sequence(
    sequence: str | Sequence[str], extra: Mapping[str, Stage] | None = None
) -> tuple[str, ...]:
    """Stage names from "6-22-54" or ["6", "22", "54"]; ``extra`` adds named stages.

    >>> parse_sequence("15-5")
    ('15', '5')
    """
    names = sequence.split("-") if isinstance(sequence, str) else list(sequence)
    names = [str(name).strip() for name in names]
    if not names or not all(names):
        raise ConfigError("sequence", f"expected stage names joined by '-', got {sequence!r}")
    for name in names:
        lookup(name, extra)
    return tuple(names)


def lookup(name: str, extra: Mapping[str, Stage] | None = None) -> Stage:
    """A caller's stage by name, else a built-in one (``stage``)."""
    if extra and name in extra:
        return extra[name]
    if extra and not _BUILT_IN.match(name):
        raise ConfigError(
            "sequence",
            f"unknown stage {name!r}: use 5 (MEK 10-to-2), 15 (15-to-1), an even k (BH "
            f"(3k+8)-to-k) or one of {', '.join(sorted(extra))}",
        )
    return stage(name)


_BUILT_IN = re.compile(r"^\d+$")


@dataclass(frozen=True)
class StageResult:
    """One stage of a concatenation, evaluated at its input error."""

    name: str
    n: int
    k: int
    eps_in: float
    eps_out: float
    success_probability: float
    inverse_yield: float
    qubits: int = 0


@dataclass(frozen=True)
class ConcatResult:
    """A concatenated protocol under the conventions of Haah et al. 2018, Table 5.

    Attributes:
        sequence: stage names, first stage first.
        eps_in: error rate of the raw T states.
        eps_out: error of a final output in ``convention`` (default: worst marginal).
        t_per_output: raw T states per final output, prod n / (k p_s).
        n_out: final outputs of one full run, prod k.
        space: qubits of one full run with every input present at once, prod n (Haah et al. 2018).
        stages: the per-stage values (each stage's eps_out: its worst marginal error).
        qubits: sum of the stages' qubits (one instance per level, see the module docstring).
        convention: the output-error convention of eps_out.
    """

    sequence: tuple[str, ...]
    eps_in: float
    eps_out: float
    t_per_output: float
    n_out: int
    space: int
    stages: tuple[StageResult, ...]
    qubits: int = 0
    convention: str = CONVENTION

    @property
    def name(self) -> str:
        """The sequence as written in Haah et al. 2018, Table 5, e.g. "6-22-54"."""
        return "-".join(self.sequence)


def concatenate(
    sequence: str | Sequence[str],
    eps_in: float,
    *,
    extra: Mapping[str, Stage] | None = None,
    convention: str = "003",
) -> ConcatResult:
    """Evaluate a sequence of stages at raw input error ``eps_in`` (Haah et al. 2018, Table 5).

    >>> r = concatenate("15", 1e-4)
    >>> r.n_out, r.space, r.qubits
    (1, 15, 5)

    Raises:
        ConfigError: unknown stage or convention, or eps_in outside (0, 0.5).
        PrecisionError: the output error underflows float64.
    """
    names = parse_sequence(sequence, extra)
    eps = float(check_eps(eps_in, field="eps_in"))
    _require_convention(convention)
    results = []
    final = eps
    for name in names:
        st = lookup(name, extra)
        out = float(st.eps_out(eps))
        final = float(st.eps_out(eps, convention))
        if math.isnan(out) or math.isnan(final):
            raise ModelError(
                f"stage {name} at eps = {eps:.3g}: its error series is counted only through "
                f"some weight and applies only while eps_out <= {MAX_TRUNCATED_EPS_OUT:g}; "
                "lower eps_in"
            )
        results.append(
            StageResult(
                name,
                st.n,
                st.k,
                eps,
                out,
                float(st.success_probability(eps)),
                float(st.inverse_yield(eps)),
                st.qubits,
            )
        )
        eps = out
    if final == 0.0:
        raise PrecisionError(f"sequence {'-'.join(names)}: eps_out underflows float64")
    return ConcatResult(
        sequence=names,
        eps_in=float(eps_in),
        eps_out=final,
        t_per_output=math.prod(r.inverse_yield for r in results),
        n_out=math.prod(r.k for r in results),
        space=math.prod(r.n for r in results),
        stages=tuple(results),
        qubits=sum(r.qubits for r in results),
        convention=CONVENTIONS[convention],
    )


def _require_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        raise ConfigError("convention", f"unknown {convention!r}; one of {', '.join(CONVENTIONS)}")


@dataclass(frozen=True)
class _Hits:
    """Sequences that meet the target: final error, cost, qubits, stage indices."""

    eps_out: np.ndarray
    cost: np.ndarray
    qubits: np.ndarray
    indices: list[tuple[int, ...]]


def _search_levels(
    eps0: float,
    target: float,
    models: Sequence[Stage],
    max_stages: int,
    convention: str,
    per_stage: int | None,
    progress: bool,
) -> _Hits:
    """Every sequence of at most ``max_stages`` stages, vectorised level by level (their
    number is bounded in ``_validated``); a sequence is not extended once it meets the target
    (a further stage only adds cost). With ``per_stage``, only that many cheapest hits per
    level and last stage are kept."""
    eps, cost, qubits = np.array([eps0]), np.array([1.0]), np.array([0])
    prefixes: list[tuple[int, ...]] = [()]
    found_eps: list[np.ndarray] = []
    found_cost: list[np.ndarray] = []
    found_qubits: list[np.ndarray] = []
    found: list[tuple[int, ...]] = []
    with tqdm(total=max_stages * len(models), disable=not progress, desc="search") as bar:
        for level in range(1, max_stages + 1):
            next_eps, next_cost, next_qubits, next_prefixes = [], [], [], []
            for index, st in enumerate(models):
                out = st.eps_out(eps)
                final = out if convention == "003" else st.eps_out(eps, convention)
                with np.errstate(over="ignore"):  # beyond float64: not a factory (dropped)
                    total = cost * st.inverse_yield(eps)
                finite = np.isfinite(total)
                size = qubits + st.qubits
                hit = np.flatnonzero((final <= target) & finite)
                if per_stage is not None:
                    hit = hit[np.argsort(total[hit], kind="stable")[:per_stage]]
                found_eps.append(final[hit])
                found_cost.append(total[hit])
                found_qubits.append(size[hit])
                found.extend(prefixes[i] + (index,) for i in hit)
                if level < max_stages:
                    # an output error of 1/2 or more is no input of a further stage (the
                    # stochastic model needs eps in (0, 1/2), check_eps)
                    keep = np.flatnonzero((final > target) & (out < 0.5) & finite)
                    next_eps.append(out[keep])
                    next_cost.append(total[keep])
                    next_qubits.append(size[keep])
                    next_prefixes.extend(prefixes[i] + (index,) for i in keep)
                bar.update()
            if level < max_stages:
                eps, cost, qubits = (np.concatenate(a) for a in (next_eps, next_cost, next_qubits))
                prefixes = next_prefixes
    return _Hits(
        np.concatenate(found_eps), np.concatenate(found_cost), np.concatenate(found_qubits), found
    )


def check_search(eps_in: float, target: float, max_stages: int, convention: str = "003") -> float:
    """Validate a search's options (cheap: callers check them before building stages); the
    input error as a float.

    Raises:
        ConfigError: eps_in outside (0, 0.5), target outside (0, 1), max_stages not a
            positive integer or an unknown convention.
    """
    eps0 = float(check_eps(eps_in, field="eps_in"))
    if not 0 < target < 1:
        raise ConfigError("target", f"must lie in (0, 1), got {target!r}")
    if isinstance(max_stages, bool) or not isinstance(max_stages, int) or max_stages < 1:
        raise ConfigError("max_stages", f"must be a positive integer, got {max_stages!r}")
    _require_convention(convention)
    return eps0


def _validated(
    eps_in: float,
    target: float,
    max_stages: int,
    stages: Sequence[str],
    extra: Mapping[str, Stage] | None,
    convention: str,
    **positive: int,
) -> tuple[float, tuple[str, ...]]:
    eps0 = check_search(eps_in, target, max_stages, convention)
    for field, value in positive.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(field, f"must be a positive integer, got {value!r}")
    distinct = len(dict.fromkeys(str(name).strip() for name in stages))
    size = sum(distinct**level for level in range(1, min(max_stages, 64) + 1))
    if size > _MAX_SEQUENCES:  # checked before any stage is built
        raise ConfigError(
            "max_stages",
            f"{distinct} stages up to length {max_stages} give more than {_MAX_SEQUENCES} "
            "sequences; use fewer stages or a smaller max_stages",
        )
    return eps0, tuple(dict.fromkeys(parse_sequence(list(stages), extra)))


def search(
    eps_in: float,
    target: float,
    *,
    max_stages: int = 4,
    stages: Sequence[str] = DEFAULT_STAGES,
    n_best: int = 5,
    extra: Mapping[str, Stage] | None = None,
    convention: str = "003",
    progress: bool = False,
) -> tuple[ConcatResult, ...]:
    """The cheapest sequences (T per output) whose eps_out is at most ``target``.

    Every sequence of at most ``max_stages`` stages from ``stages`` is evaluated (vectorised
    level by level); a sequence is not extended once it meets the target, since every further
    stage only adds cost. Ties are broken by length, then by name.

    Args:
        eps_in: raw input error rate, in (0, 0.5).
        target: the required eps_out, in (0, 1), in ``convention``.
        max_stages: longest sequence considered.
        stages: stage names to combine (default: Haah et al. 2018, Table 5's set).
        n_best: number of sequences returned.
        extra: further stages by name (e.g. the protocols of Haah et al. 2017).
        convention: one of ``CONVENTIONS`` for the final output error.
        progress: show a tqdm bar (on stderr).

    Returns:
        Up to ``n_best`` results, cheapest first (empty if no sequence reaches the target).

    Raises:
        ConfigError: bad eps_in, target, max_stages, n_best, convention or stage name, or a
            search of more than 3,000,000 sequences.
    """
    eps0, names = _validated(eps_in, target, max_stages, stages, extra, convention, n_best=n_best)
    models = [lookup(name, extra) for name in names]
    hits = _search_levels(eps0, target, models, max_stages, convention, n_best, progress)
    order = sorted(
        range(len(hits.indices)),
        key=lambda i: (hits.cost[i], len(hits.indices[i]), [names[j] for j in hits.indices[i]]),
    )
    return tuple(
        concatenate([names[j] for j in hits.indices[i]], eps0, extra=extra, convention=convention)
        for i in order[:n_best]
    )


def pareto(
    eps_in: float,
    target: float,
    *,
    max_stages: int = 4,
    stages: Sequence[str] = DEFAULT_STAGES,
    extra: Mapping[str, Stage] | None = None,
    convention: str = "003",
    progress: bool = False,
) -> tuple[ConcatResult, ...]:
    """The Pareto set at ``target``: the sequences with eps_out <= target that no other such
    sequence beats in both T per output and qubits (for equal cost and qubits, the lower
    eps_out), cheapest in T first. Same search as ``search``; eps_out is the constraint,
    since a lower one than asked is always available at a higher cost.

    >>> [(r.name, r.qubits) for r in pareto(1e-3, 1e-10, stages=["5", "15"], max_stages=2)]
    [('5-15', 10)]
    """
    eps0, names = _validated(eps_in, target, max_stages, stages, extra, convention)
    models = [lookup(name, extra) for name in names]
    hits = _search_levels(eps0, target, models, max_stages, convention, None, progress)
    cost = np.array([float(f"{c:.10g}") for c in hits.cost])  # equal costs up to rounding tie
    order = np.lexsort((hits.eps_out, hits.qubits, cost))
    if not len(order):  # no sequence reaches the target
        return ()
    qubits = hits.qubits[order]
    fewer = np.concatenate([[True], qubits[1:] < np.minimum.accumulate(qubits)[:-1]])
    return tuple(
        concatenate([names[j] for j in hits.indices[i]], eps0, extra=extra, convention=convention)
        for i in order[fewer]
    )
