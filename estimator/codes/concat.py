"""Concatenated distillation: sequences of stages, their cost, and a search over sequences.

Conventions of 000_46baeba8620d433e.txt, Table 5 (../shared/CODES.md): a stage is named by
"5" (MEK 10-to-2, modelled as 9 eps^2 marginal error and success probability (1 - eps)^10),
"15" (the 15-to-1 protocol of the 15-qubit matrix) or an even k (Bravyi-Haah (3k+8)-to-k,
003 Sec. VII). The outputs of one stage are the inputs of the next, at the stage's worst
marginal error (003 Eq. (18)); T count per output = prod n / (k p_s), n_out = prod k,
space = prod n (qubits, MEK counting 10).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike
from tqdm import tqdm

from estimator.codes.stochastic import ErrorPolynomial, ZErrorModel, check_eps
from estimator.codes.triorthogonal import (
    MATRIX_15_TO_1,
    TriorthogonalCode,
    bh_family_matrix,
    counting_cost,
    triorthogonality_cost,
)
from estimator.errors import ConfigError, PrecisionError, ResourceError
from estimator.limits import current, require

CONVENTION = "003 worst marginal error per output, at every stage (000 Table 5)"

# The stage set searched for 000 Table 5: BH with k <= 54, MEK and the 15-to-1 protocol.
DEFAULT_STAGES: tuple[str, ...] = ("5", "15", *(str(k) for k in range(2, 55, 2)))

# MEK 10-to-2 as modelled in 000 Table 5 (../shared/CODES.md): success only without any input
# error, p_s = (1 - eps)^10, and 9 accepted weight-2 error sets that flip an output, each of
# probability eps^2 (1 - eps)^8; so eps_out = 9 eps^2 / (1 - eps)^2 = 9 eps^2 + O(eps^3). This
# exact form, not 9 eps^2 alone, reproduces every MEK row of the table (5-34-46: 9.8e-15).
_MEK_INPUTS, _MEK_OUTPUTS, _MEK_WEIGHT_2_COUNT = 10, 2, 9

# A search evaluates at most this many sequences (all lengths together).
_MAX_SEQUENCES = 2_000_000


@dataclass(frozen=True)
class Stage:
    """One distillation round as a map eps_in -> (eps_out, p_s).

    Attributes:
        name: "5", "15" or an even k.
        n: input states (and qubits) per run; k: outputs per run.
        acceptance: p_s(eps).
        marginals: the distinct p_s(eps) eps_a(eps) over the outputs a.
        reference: where the stage comes from.
    """

    name: str
    n: int
    k: int
    acceptance: ErrorPolynomial
    marginals: tuple[ErrorPolynomial, ...]
    reference: str

    @classmethod
    def from_model(cls, name: str, model: ZErrorModel, reference: str) -> Stage:
        """A stage from the Z-error model of a code; identical output polynomials merged."""
        marginals = tuple(dict.fromkeys(model.marginals))
        return cls(name, model.n, model.k, model.acceptance, marginals, reference)

    def success_probability(self, eps: ArrayLike) -> np.ndarray:
        """p_s(eps), vectorised; eps is not range-checked (callers do)."""
        return self.acceptance(eps)

    def eps_out(self, eps: ArrayLike) -> np.ndarray:
        """Worst marginal output error (003 Eq. (18)), vectorised."""
        worst = np.max([p(eps) for p in self.marginals], axis=0)
        return worst / self.acceptance(eps)

    def inverse_yield(self, eps: ArrayLike) -> np.ndarray:
        """Input states per output state, n / (k p_s) (003 Sec. VI)."""
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
            "MEK 10-to-2 as modelled in 000 Table 5",
        )
    if name == "15":
        model = ZErrorModel.from_code(TriorthogonalCode(MATRIX_15_TO_1))
        return Stage.from_model("15", model, "15-to-1, the 15-qubit matrix (003 Eq. (3))")
    if name.isdigit() and name == str(int(name)) and int(name) >= 2 and int(name) % 2 == 0:
        k = int(name)
        _require_family_stage(k)
        model = ZErrorModel.from_matrix(bh_family_matrix(k))
        return Stage.from_model(name, model, f"BH ({3 * k + 8})-to-{k}, 003 Sec. VII")
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


def parse_sequence(sequence: str | Sequence[str]) -> tuple[str, ...]:
    """Stage names from "6-22-54" or ["6", "22", "54"].

    >>> parse_sequence("15-5")
    ('15', '5')
    """
    names = sequence.split("-") if isinstance(sequence, str) else list(sequence)
    names = [str(name).strip() for name in names]
    if not names or not all(names):
        raise ConfigError("sequence", f"expected stage names joined by '-', got {sequence!r}")
    for name in names:
        stage(name)
    return tuple(names)


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


@dataclass(frozen=True)
class ConcatResult:
    """A concatenated protocol under the conventions of 000 Table 5.

    Attributes:
        sequence: stage names, first stage first.
        eps_in: error rate of the raw T states.
        eps_out: worst marginal error of a final output (``convention``).
        t_per_output: raw T states per final output, prod n / (k p_s).
        n_out: final outputs of one full run, prod k.
        space: qubits of one full run, prod n.
        stages: the per-stage values.
        convention: the output-error convention of eps_out.
    """

    sequence: tuple[str, ...]
    eps_in: float
    eps_out: float
    t_per_output: float
    n_out: int
    space: int
    stages: tuple[StageResult, ...]
    convention: str = CONVENTION

    @property
    def name(self) -> str:
        """The sequence as written in 000 Table 5, e.g. "6-22-54"."""
        return "-".join(self.sequence)


def concatenate(sequence: str | Sequence[str], eps_in: float) -> ConcatResult:
    """Evaluate a sequence of stages at raw input error ``eps_in`` (000 Table 5).

    >>> r = concatenate("15", 1e-4)
    >>> r.n_out, r.space
    (1, 15)

    Raises:
        ConfigError: unknown stage or eps_in outside (0, 0.5).
        PrecisionError: the output error underflows float64.
    """
    names = parse_sequence(sequence)
    eps = float(check_eps(eps_in, field="eps_in"))
    results = []
    for name in names:
        st = stage(name)
        out = float(st.eps_out(eps))
        results.append(
            StageResult(
                name,
                st.n,
                st.k,
                eps,
                out,
                float(st.success_probability(eps)),
                float(st.inverse_yield(eps)),
            )
        )
        eps = out
    if eps == 0.0:
        raise PrecisionError(f"sequence {'-'.join(names)}: eps_out underflows float64")
    return ConcatResult(
        sequence=names,
        eps_in=float(eps_in),
        eps_out=eps,
        t_per_output=math.prod(r.inverse_yield for r in results),
        n_out=math.prod(r.k for r in results),
        space=math.prod(r.n for r in results),
        stages=tuple(results),
    )


def search(
    eps_in: float,
    target: float,
    *,
    max_stages: int = 4,
    stages: Sequence[str] = DEFAULT_STAGES,
    n_best: int = 5,
    progress: bool = False,
) -> tuple[ConcatResult, ...]:
    """The cheapest sequences (T per output) whose eps_out is at most ``target``.

    Every sequence of at most ``max_stages`` stages from ``stages`` is evaluated (vectorised
    level by level); a sequence is not extended once it meets the target, since every further
    stage only adds cost. Ties are broken by length, then by name.

    Args:
        eps_in: raw input error rate, in (0, 0.5).
        target: the required eps_out, in (0, 1).
        max_stages: longest sequence considered.
        stages: stage names to combine (default: 000 Table 5's set).
        n_best: number of sequences returned.
        progress: show a tqdm bar (on stderr).

    Returns:
        Up to ``n_best`` results, cheapest first (empty if no sequence reaches the target).

    Raises:
        ConfigError: bad eps_in, target, max_stages, n_best or stage name, or a search larger
            than 2,000,000 sequences.
    """
    eps0 = float(check_eps(eps_in, field="eps_in"))
    if not 0 < target < 1:
        raise ConfigError("target", f"must lie in (0, 1), got {target!r}")
    for field, value in (("max_stages", max_stages), ("n_best", n_best)):
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
    names = tuple(dict.fromkeys(parse_sequence(list(stages))))
    models = [stage(name) for name in names]
    eps, cost = np.array([eps0]), np.array([1.0])
    prefixes: list[tuple[int, ...]] = [()]
    found: list[tuple[float, tuple[int, ...]]] = []
    with tqdm(total=max_stages * len(models), disable=not progress, desc="search") as bar:
        for level in range(1, max_stages + 1):
            next_eps, next_cost, next_prefixes = [], [], []
            for index, st in enumerate(models):
                out = st.eps_out(eps)
                total = cost * st.inverse_yield(eps)
                hit = np.flatnonzero(out <= target)
                for i in hit[np.argsort(total[hit], kind="stable")[:n_best]]:
                    found.append((float(total[i]), prefixes[i] + (index,)))
                if level < max_stages:
                    keep = np.flatnonzero(out > target)
                    next_eps.append(out[keep])
                    next_cost.append(total[keep])
                    next_prefixes.extend(prefixes[i] + (index,) for i in keep)
                bar.update()
            if level < max_stages:
                eps, cost, prefixes = (
                    np.concatenate(next_eps),
                    np.concatenate(next_cost),
                    next_prefixes,
                )
    found.sort(key=lambda item: (item[0], len(item[1]), [names[i] for i in item[1]]))
    return tuple(concatenate([names[i] for i in indices], eps0) for _, indices in found[:n_best])
