"""Maximum-likelihood fits of the p_L ansatz to sampled statistics, with likelihood intervals.

Every channel has the form of docs/model/ (Litinski 2019, Eq. 7), with the
prefactor A and the threshold p_th free:

* ``square``: per-round X and Z error of a d x d patch, each 1/2 A (p/p_th)^((d+1)/2), so that
  p_L(d) = A (p/p_th)^((d+1)/2) (docs/model/index.md; full distance, 8.5);
* ``x``: per-round logical X error of a d_z-wide, d_x-high patch,
  1/2 (d_z/d_x) A (p/p_th)^((d_x+1)/2) (docs/model/noise.md);
* ``z``: per-round logical Z error, 1/2 (d_x/d_z) A (p/p_th)^((d_z+1)/2);
* ``timelike``: wrong outcome of a measurement over ``area`` tiles lasting d_m rounds,
  1/2 (area/d_m) A (p/p_th)^((d_m+1)/2) (docs/model/rotations.md).

A memory experiment of r rounds fails when an odd number of rounds fail:
P = (1 - (1 - 2 p_round)^r) / 2 (sinter.shot_error_rate_to_piece_error_rate inverts it). The
log-likelihood of the binomial counts is maximised over (ln A, ln p_th); intervals are the
values whose likelihood lies within a factor ``LIKELIHOOD_FACTOR`` of the maximum (the
criterion of sinter.fit_binomial), in the quadratic approximation about the maximum and
widened by the overdispersion where the ansatz misses the points (``fit_channel``), so a
rate's interval follows from the 2 x 2 covariance of (ln A, ln p_th) stored with the fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estimator.calibration.sampling import Stat
from estimator.errors import ModelError
from estimator.sim.noise import RateFit

LIKELIHOOD_FACTOR = 1000.0
"""Bayes factor of sinter's plots (``highlight_max_likelihood_factor``): ln 1000 = 6.9."""
CHANNELS = ("square", "x", "z", "timelike")


@dataclass(frozen=True)
class Points:
    """The statistics one channel is fitted to, as arrays.

    Attributes:
        p: physical error rates.
        distance: the distance in the exponent (d_x, d_z or d_m).
        scale: the factor before A (1/2, 1/2 d_z/d_x, 1/2 d_x/d_z or 1/2 area/d_m).
        rounds: independent pieces per shot (rounds of a memory; 1 for a stability shot).
        shots, errors: the counts.
    """

    p: np.ndarray
    distance: np.ndarray
    scale: np.ndarray
    rounds: np.ndarray
    shots: np.ndarray
    errors: np.ndarray

    def log_rate(self, theta: np.ndarray) -> np.ndarray:
        """ln of the per-piece rate for theta = (ln A, ln p_th)."""
        t = (self.distance + 1) / 2
        return np.log(self.scale) + theta[0] + t * (np.log(self.p) - theta[1])

    def shot_rate(self, theta: np.ndarray) -> np.ndarray:
        """Probability that a shot fails (odd number of failed pieces), without cancellation."""
        piece = np.minimum(np.exp(self.log_rate(theta)), 0.5 - 1e-12)
        return -0.5 * np.expm1(self.rounds * np.log1p(-2 * piece))

    def log_likelihood(self, theta: np.ndarray) -> float:
        rate = self.shot_rate(theta)
        return float(
            np.sum(self.errors * np.log(rate) + (self.shots - self.errors) * np.log1p(-rate))
        )


def channel_points(stats: Sequence[Stat], channel: str) -> Points:
    """The statistics of ``channel`` (see the module docstring) as arrays."""
    rows = []
    for s in stats:
        if channel == "timelike" and s.kind == "stability":
            rows.append((s.p, s.rounds, 0.5 * s.area / s.rounds, 1, s.shots, s.errors))
        elif s.kind == "memory" and channel == "square" and s.d_x == s.d_z:
            rows.append((s.p, s.d_x, 0.5, s.rounds, s.shots, s.errors))
        elif s.kind == "memory" and channel == "x" and s.basis == "Z":
            rows.append((s.p, s.d_x, 0.5 * s.d_z / s.d_x, s.rounds, s.shots, s.errors))
        elif s.kind == "memory" and channel == "z" and s.basis == "X":
            rows.append((s.p, s.d_z, 0.5 * s.d_x / s.d_z, s.rounds, s.shots, s.errors))
    if not rows:
        raise ModelError(f"calibration: no statistics for the {channel!r} fit")
    return Points(*(np.array(column, dtype=float) for column in zip(*rows)))


@dataclass(frozen=True)
class ChannelFit:
    """A fitted channel: the constants and how well the ansatz describes the points."""

    rate: RateFit
    points: int
    errors: int
    deviance: float
    overdispersion: float


def fit_channel(points: Points) -> ChannelFit:
    """Maximum-likelihood (ln A, ln p_th) and their covariance: the inverse observed
    information, times the overdispersion max(1, deviance / (points - 2)) where the ansatz
    does not describe the points to within their binomial scatter (quasi-likelihood), so that
    the intervals cover the points' scatter about the ansatz too."""
    theta = _newton(points, _start(points))
    undetermined = ModelError(
        "calibration: the fit is not determined (too few distinct p or d, or a flat "
        "likelihood: every shot failed, or none)"
    )
    try:
        covariance = np.linalg.inv(-_hessian(points, theta))
    except np.linalg.LinAlgError:  # a singular information matrix
        raise undetermined from None
    if not np.all(np.isfinite(covariance)) or np.any(np.diag(covariance) <= 0):
        raise undetermined
    deviance = _deviance(points, theta)
    dof = len(points.p) - 2
    overdispersion = max(1.0, deviance / dof) if dof > 0 else 1.0
    return ChannelFit(
        RateFit(
            prefactor=float(np.exp(theta[0])),
            threshold=float(np.exp(theta[1])),
            log_covariance=tuple(
                tuple(float(v) for v in row) for row in covariance * overdispersion
            ),
            likelihood_factor=LIKELIHOOD_FACTOR,
        ),
        points=len(points.p),
        errors=int(points.errors.sum()),
        deviance=deviance,
        overdispersion=overdispersion,
    )


def fit_all(stats: Sequence[Stat]) -> dict[str, ChannelFit]:
    """Every channel of CHANNELS fitted to ``stats``."""
    return {channel: fit_channel(channel_points(stats, channel)) for channel in CHANNELS}


def _start(points: Points) -> np.ndarray:
    """Least squares in log space over the points with errors (A = 0.1, p_th = 0.01 if none)."""
    seen = points.errors > 0
    if np.count_nonzero(seen) < 2 or len(np.unique(points.distance[seen])) < 2:
        return np.log([0.1, 0.01])
    rate = points.errors[seen] / points.shots[seen] / points.rounds[seen]
    t = (points.distance[seen] + 1) / 2
    y = np.log(rate / points.scale[seen]) - t * np.log(points.p[seen])
    slope, intercept = np.polyfit(t, y, 1)
    return np.array([intercept, -slope])


def _gradient(points: Points, theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
    return np.array(
        [
            (points.log_likelihood(theta + e) - points.log_likelihood(theta - e)) / (2 * h)
            for e in np.eye(2) * h
        ]
    )


def _hessian(points: Points, theta: np.ndarray, h: float = 1e-4) -> np.ndarray:
    rows = [
        (_gradient(points, theta + e) - _gradient(points, theta - e)) / (2 * h)
        for e in np.eye(2) * h
    ]
    hessian = np.array(rows)
    return (hessian + hessian.T) / 2


def _newton(points: Points, theta: np.ndarray, steps: int = 200) -> np.ndarray:
    """Damped Newton ascent of the log-likelihood (concave in the region of interest)."""
    value = points.log_likelihood(theta)
    for _ in range(steps):
        hessian = _hessian(points, theta)
        gradient = _gradient(points, theta)
        try:
            step = -np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = gradient * 1e-3
        if not np.all(np.linalg.eigvalsh(hessian) < 0) or np.dot(step, gradient) <= 0:
            step = gradient / (np.abs(gradient).max() + 1e-300) * 0.1  # ascend along the gradient
        scale = 1.0
        while scale > 1e-8:
            trial = theta + scale * step
            trial_value = points.log_likelihood(trial)
            if np.isfinite(trial_value) and trial_value >= value:
                break
            scale /= 2
        else:
            break
        converged = np.max(np.abs(trial - theta)) < 1e-10
        theta, value = trial, trial_value
        if converged:
            break
    return theta


def _deviance(points: Points, theta: np.ndarray) -> float:
    """2 (ln L_saturated - ln L_fit): about the number of points for an adequate ansatz."""
    k, n = points.errors, points.shots
    observed = k / n
    with np.errstate(divide="ignore", invalid="ignore"):
        saturated = np.where(k > 0, k * np.log(observed), 0.0) + np.where(
            n > k, (n - k) * np.log1p(-observed), 0.0
        )
    return float(2 * (np.sum(saturated) - points.log_likelihood(theta)))
