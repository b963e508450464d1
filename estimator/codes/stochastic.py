"""The stochastic Z-error model of distillation (Bravyi and Haah 2012, Sec. V).

Every input magic state suffers a Z error with probability eps, independently. Every
quantity is a polynomial sum_w c_w eps^w (1 - eps)^(n - w) with non-negative integer c_w
(exact error counts, see ``TriorthogonalCode``), so it is evaluated without cancellation:
float64 keeps ~14 digits for any eps in (0, 1/2), down to 1e-30 and below.

Output-error conventions (docs/model/inner-outer.md; every result carries all of them):
  * Bravyi and Haah 2012: the worst marginal error of one output, eps_out = max_a eps_a (Eq. (18));
  * Haah et al. 2017 and 2018: the probability that any output of an accepted run is wrong, with the mean
    number of outputs per run k p_s;
  * Litinski 2019: the total infidelity of the accepted outputs divided by their number (for Z errors
    the infidelity is the probability that any output is wrong).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from estimator.codes.triorthogonal import TriorthogonalCode
from estimator.errors import ConfigError, ProtocolError


def check_eps(eps: ArrayLike, *, field: str = "eps") -> np.ndarray:
    """``eps`` as a float array, or ConfigError unless every value lies in (0, 1/2)."""
    array = np.asarray(eps, dtype=float)
    if not np.all((array > 0) & (array < 0.5)):
        raise ConfigError(field, f"error rates must lie in (0, 0.5), got {eps!r}")
    return array


@dataclass(frozen=True)
class ErrorPolynomial:
    """P(eps) = sum_w c_w eps^w (1 - eps)^(n - w), c_w >= 0 integers (counts of error sets).

    >>> p = ErrorPolynomial(3, (1, 0, 3, 0))  # 3 weight-2 patterns, or none
    >>> round(float(p(0.5)), 12)
    0.5
    >>> p.order, p.leading
    (0, 1)
    """

    n: int
    coefficients: tuple[int, ...]

    def __post_init__(self) -> None:
        c = self.coefficients
        if len(c) > self.n + 1 or any(x < 0 for x in c) or not any(c):
            raise ProtocolError(
                f"error polynomial: need 1 to n + 1 = {self.n + 1} non-negative counts, not all 0"
            )
        if max(c) > sys.float_info.max:
            raise ProtocolError(f"error polynomial: counts beyond float range (n = {self.n})")

    @property
    def order(self) -> int:
        """Least w with c_w > 0."""
        return next(w for w, c in enumerate(self.coefficients) if c)

    @property
    def leading(self) -> int:
        """c_w at w = order: P(eps) = leading * eps^order + O(eps^(order + 1))."""
        return self.coefficients[self.order]

    def __call__(self, eps: ArrayLike) -> np.ndarray:
        """Evaluate (vectorised over eps) by Horner's rule in r = eps / (1 - eps): all terms are
        positive, so the relative error stays within a few n units of float64 rounding."""
        e = np.asarray(eps, dtype=float)
        r = e / (1 - e)
        total = np.zeros_like(r)
        for c in reversed(self.coefficients):
            total = total * r + float(c)
        return total * np.exp(self.n * np.log1p(-e))


@dataclass(frozen=True)
class StochasticResult:
    """One distillation round under the Z-error model at input error ``eps_in`` (Bravyi and Haah 2012, Sec. V).

    Attributes:
        eps_in: input error rate (Z error probability per input state).
        n_in: input states per run; k: output states per run.
        success_probability: p_s, the probability that every check passes (Bravyi and Haah 2012, Eq. (14)).
        marginal_errors: eps_a for each output a, given success (Bravyi and Haah 2012, Eq. (20)).
        eps_out: max_a eps_a, the worst marginal error (Bravyi and Haah 2012, Eq. (18)): Bravyi and Haah 2012 convention.
        p_any_output_wrong: probability that some output is wrong, given success: Haah et al. 2017 and 2018.
        mean_outputs: k p_s, the mean number of outputs per run: Haah et al. 2017 and 2018.
        infidelity_per_output: p_any_output_wrong / k: Litinski 2019 convention.
        output_yield: k p_s / n_in, outputs per input state (Bravyi and Haah 2012, Sec. VI).
    """

    eps_in: float
    n_in: int
    k: int
    success_probability: float
    marginal_errors: tuple[float, ...]
    eps_out: float
    p_any_output_wrong: float
    mean_outputs: float
    infidelity_per_output: float
    output_yield: float


@dataclass(frozen=True)
class ZErrorModel:
    """Error polynomials of one round: p_s, p_s eps_a for each output, p_s P(any wrong).

    Attributes:
        n: inputs per run; k: outputs per run.
        acceptance: p_s(eps).
        marginals: p_s(eps) * eps_a(eps), one per output.
        any_wrong: p_s(eps) * P(some output wrong | success).
    """

    n: int
    k: int
    acceptance: ErrorPolynomial
    marginals: tuple[ErrorPolynomial, ...]
    any_wrong: ErrorPolynomial

    @classmethod
    def from_code(cls, code: TriorthogonalCode) -> ZErrorModel:
        """The model of a triorthogonal code (Bravyi and Haah 2012, Eqs. (14), (17), (20))."""
        n = code.n
        return cls(
            n,
            code.k,
            ErrorPolynomial(n, code.accepted_counts),
            tuple(ErrorPolynomial(n, counts) for counts in code.marginal_counts),
            ErrorPolynomial(n, code.any_wrong_counts),
        )

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> ZErrorModel:
        """The model of a triorthogonal matrix (ProtocolError if it is not one)."""
        return cls.from_code(TriorthogonalCode.from_matrix(matrix))

    def success_probability(self, eps: ArrayLike) -> np.ndarray:
        """p_s(eps), vectorised."""
        return self.acceptance(check_eps(eps))

    def marginal_errors(self, eps: ArrayLike) -> np.ndarray:
        """eps_a(eps) for every output a: shape (k,) + shape of eps."""
        e = check_eps(eps)
        return np.array([p(e) for p in self.marginals]) / self.acceptance(e)

    def worst_error(self, eps: ArrayLike) -> np.ndarray:
        """eps_out(eps) = max_a eps_a(eps) (Bravyi and Haah 2012, Eq. (18)), vectorised."""
        return self.marginal_errors(eps).max(axis=0)

    def evaluate(self, eps: float) -> StochasticResult:
        """Every quantity and convention at one input error rate."""
        e = float(check_eps(eps))
        p_s = float(self.acceptance(e))
        marginal = tuple(float(x) for x in self.marginal_errors(e))
        p_any = float(self.any_wrong(e)) / p_s
        return StochasticResult(
            eps_in=e,
            n_in=self.n,
            k=self.k,
            success_probability=p_s,
            marginal_errors=marginal,
            eps_out=max(marginal),
            p_any_output_wrong=p_any,
            mean_outputs=self.k * p_s,
            infidelity_per_output=p_any / self.k,
            output_yield=self.k * p_s / self.n,
        )
