"""The noise channels the simulator applies: values, built by the error-term rules.

Every operation of a factory circuit is one of two kinds (docs/model/storage.md and docs/model/simulation.md):

* ``DiagonalChannel``: a mixture of rotations exp(i phi P) about one P = sign * Z_S. Its ideal
  part is exp(i pi/8 P) (a distillation rotation) or the identity (a Z flip). It multiplies the
  density matrix entry rho_xy by 1 where s(x) = s(y), by f+ = (1 - q) chi0 + e where
  s(x) - s(y) = +2 and by conj(f+) where it is -2; chi0 = exp(i pi/4) for a rotation, 1 for a
  flip; q is the total probability of the error branches and ``e`` their factor. Keeping q and
  e separate from the ideal part lets the simulator subtract nothing close to 1.
* ``BitFlip``: an X error on one qubit with probability p.

Parameters are arrays over a batch of parameter points (any common broadcastable shape).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.circuits.protocol import Rotation

OMEGA = np.exp(1j * np.pi / 4)


@dataclass(frozen=True, eq=False)
class DiagonalChannel:
    """rho -> (1 - q) U0 rho U0^dag + E(rho), U0 = exp(i pi/8 P) (rotation) or 1 (flip)."""

    rotation: Rotation
    is_rotation: bool
    q: np.ndarray
    e: np.ndarray


@dataclass(frozen=True, eq=False)
class BitFlip:
    """rho -> (1 - p) rho + p X_q rho X_q."""

    qubit: int
    p: np.ndarray


Channel = DiagonalChannel | BitFlip


def rotation_channel(
    rotation: Rotation, a: np.ndarray, b: np.ndarray, c: np.ndarray, theta: np.ndarray | float = 0.0
) -> DiagonalChannel:
    """A faulty pi/8 rotation (docs/model/storage.md; Litinski 2019, Eqs. 5-6).

    With probabilities a, b, c the rotation is followed by a P_{pi/2}, P_{-pi/4}, P_{pi/4}
    error; every branch is over-rotated by the coherent angle theta.
    """
    a, b, c, theta = (np.asarray(v, dtype=float) for v in (a, b, c, theta))
    q = a + b + c
    tilt = np.exp(2j * theta)
    # chi = tilt (omega (1 - 2a - b - c) + conj(omega) (b - c)); e = chi - (1 - q) omega, written
    # so that no term is a difference of numbers close to 1 (exp(2i theta) - 1 = 2i sin(theta) e^{i theta}).
    e = (1 - q) * OMEGA * 2j * np.sin(theta) * np.exp(1j * theta) + tilt * (
        -a * OMEGA + (b - c) * np.conj(OMEGA)
    )
    return DiagonalChannel(rotation, True, q, e)


def z_flip(qubit: int, p: np.ndarray) -> DiagonalChannel:
    """A Z error on ``qubit`` with probability p (f+ = 1 - 2p, so e = -p)."""
    p = np.asarray(p, dtype=float)
    return DiagonalChannel(Rotation((qubit,)), False, p, -p.astype(complex))


def x_flip(qubit: int, p: np.ndarray) -> BitFlip:
    """An X error on ``qubit`` with probability p."""
    return BitFlip(qubit, np.asarray(p, dtype=float))
