"""Distillation protocols as data: circuits of Z-type pi/8 Pauli-product rotations.

A protocol prepares n qubits in |+>, applies pi/8 rotations exp(i pi/8 P) with P = +-Z_S,
measures the check qubits in the X basis and keeps the run when all give +1
(Litinski 2019, Sec. 1; docs/model/storage.md).

Qubits are numbered 1..n. In state vectors, qubit q is bit ``n - q`` of the basis index, so
qubit 1 is the most significant (the usual tensor-product order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from estimator.errors import ProtocolError, ResourceError
from estimator.limits import current, require

_TERM = re.compile(r"Z(\d+)")
_ROTATION = re.compile(r"^\s*([+-]?)\s*((?:Z\d+\s*)+)$")


@dataclass(frozen=True)
class Rotation:
    """A pi/8 rotation exp(i pi/8 P) with P = sign * Z_support.

    >>> Rotation.parse("-Z1 Z3")
    Rotation(support=(1, 3), sign=-1)
    >>> str(Rotation((2, 3, 4)))
    'Z2Z3Z4'
    """

    support: tuple[int, ...]
    sign: int = 1

    def __post_init__(self) -> None:
        if self.sign not in (1, -1):
            raise ProtocolError(f"rotation sign must be +1 or -1, got {self.sign}")
        if not self.support or list(self.support) != sorted(set(self.support)):
            raise ProtocolError(
                f"rotation support must be sorted distinct qubits, got {self.support}"
            )
        if self.support[0] < 1:
            raise ProtocolError(f"qubits are numbered from 1, got {self.support}")

    @classmethod
    def parse(cls, text: str) -> Rotation:
        """Parse ``"Z1 Z2 Z3"``, ``"Z1Z2Z3"`` or ``"-Z4"`` (a leading sign is optional)."""
        match = _ROTATION.match(text) if isinstance(text, str) else None
        if match is None:
            raise ProtocolError(
                f"cannot parse rotation {text!r}: expected e.g. 'Z1 Z2 Z3' or '-Z4'"
            )
        qubits = [int(q) for q in _TERM.findall(match.group(2))]
        if len(set(qubits)) != len(qubits):
            raise ProtocolError(f"rotation {text!r} names a qubit twice")
        return cls(tuple(sorted(qubits)), -1 if match.group(1) == "-" else 1)

    def __str__(self) -> str:
        return ("-" if self.sign < 0 else "") + "".join(f"Z{q}" for q in self.support)

    def eigenvalues(self, n_qubits: int) -> np.ndarray:
        """s(x) = sign * (-1)^(sum of x_q over the support) for every basis state x."""
        index = np.arange(2**n_qubits)
        parity = np.zeros(2**n_qubits, dtype=np.int64)
        for q in self.support:
            parity ^= (index >> (n_qubits - q)) & 1
        return self.sign * (1 - 2 * parity)


@dataclass(frozen=True)
class Protocol:
    """A distillation protocol: rotations on n qubits, output qubits, normalisation.

    Attributes:
        name: the protocol's name ("15-to-1", "20-to-4", ...).
        n_qubits: number of qubits (patches).
        rotations: the pi/8 rotations in circuit order (they commute; order is cosmetic).
        outputs: qubits that carry output states; all other qubits are checks.
        outputs_per_run: output states per successful run (m_out; docs/model/costs.md).
        t_count_per_run: T gates the outputs stand for (a CCZ state counts as 4; docs/model/costs.md).
        reference: where the protocol comes from.
    """

    name: str
    n_qubits: int
    rotations: tuple[Rotation, ...]
    outputs: tuple[int, ...]
    outputs_per_run: int
    t_count_per_run: int
    reference: str = ""

    def __post_init__(self) -> None:
        if not self.rotations:
            raise ProtocolError(f"protocol {self.name!r} has no rotations")
        used = {q for r in self.rotations for q in r.support}
        if max(used) > self.n_qubits:
            raise ProtocolError(
                f"protocol {self.name!r}: rotation on qubit {max(used)} > n = {self.n_qubits}"
            )
        if not self.outputs or not set(self.outputs) <= set(range(1, self.n_qubits + 1)):
            raise ProtocolError(
                f"protocol {self.name!r}: outputs {self.outputs} must be qubits 1..{self.n_qubits}"
            )
        if len(set(self.rotations)) != len(self.rotations):
            raise ProtocolError(f"protocol {self.name!r} lists a rotation twice")

    @classmethod
    def from_rotations(
        cls,
        name: str,
        rotations: list[str] | tuple[str, ...],
        outputs: list[int] | tuple[int, ...],
        *,
        outputs_per_run: int | None = None,
        t_count_per_run: int | None = None,
        reference: str = "",
    ) -> Protocol:
        """Build a protocol from rotation strings such as ``"Z1 Z2 Z3"`` and output qubits."""
        parsed = tuple(Rotation.parse(text) for text in rotations)
        if not parsed:
            raise ProtocolError(f"protocol {name!r} has no rotations")
        used = sorted({q for r in parsed for q in r.support})
        if used[-1] != len(used):
            raise ProtocolError(
                f"protocol {name!r}: no rotation acts on qubit(s) {_gaps(used)}; "
                f"number the qubits 1..n without gaps"
            )
        beyond = sorted(set(outputs) - set(used))
        if beyond:
            raise ProtocolError(
                f"protocol {name!r}: output qubit(s) {', '.join(map(str, beyond[:5]))} carry no "
                f"rotation (the rotations act on qubits 1..{used[-1]})"
            )
        n = used[-1]
        require_size(name, n, len(parsed), sum(len(r.support) for r in parsed))
        protocol = cls(
            name,
            n,
            parsed,
            tuple(sorted(outputs)),
            outputs_per_run or len(outputs),
            t_count_per_run or len(outputs),
            reference,
        )
        protocol.require_valid()
        return protocol

    @property
    def checks(self) -> tuple[int, ...]:
        """Qubits measured in X and post-selected on +1."""
        return tuple(q for q in range(1, self.n_qubits + 1) if q not in self.outputs)

    @cached_property
    def ideal_state(self) -> np.ndarray:
        """The noiseless output state vector (all qubits), float64.

        docs/model/storage.md: the ideal state is the noiseless circuit's output.
        """
        n = self.n_qubits
        require_size(self.name, n, len(self.rotations), sum(len(r.support) for r in self.rotations))
        psi = np.full(2**n, 2 ** (-n / 2), dtype=complex)
        for rotation in self.rotations:
            psi *= np.exp(1j * np.pi / 8 * rotation.eigenvalues(n))
        return psi

    def _accepted_amplitudes(self) -> np.ndarray:
        """Ideal state with every check projected onto <+| (unnormalised), outputs only."""
        psi = self.ideal_state.reshape([2] * self.n_qubits)
        for q in reversed(self.checks):  # high axes first so lower axis numbers stay valid
            psi = (psi.take(0, axis=q - 1) + psi.take(1, axis=q - 1)) / np.sqrt(2)
        return psi.reshape(-1)

    def acceptance(self) -> float:
        """Probability that the noiseless circuit passes post-selection (1 for a valid protocol)."""
        return float(np.sum(np.abs(self._accepted_amplitudes()) ** 2))

    def require_valid(self) -> None:
        """Raise ProtocolError unless the noiseless circuit returns every check to |+>."""
        accept = self.acceptance()
        if abs(accept - 1) > 1e-9:
            raise ProtocolError(
                f"protocol {self.name!r}: the noiseless circuit leaves the checks in |+> only with "
                f"probability {accept:.4g} (a Clifford correction is needed, Bravyi and Haah 2012, Lemma 2)"
            )

    def output_state(self) -> np.ndarray:
        """The ideal state of the output qubits alone, normalised."""
        psi = self._accepted_amplitudes()
        return psi / np.linalg.norm(psi)


STATE_BYTES = 48
"""Peak bytes per amplitude of the noiseless-state check (complex state, eigenvalue and
parity arrays; measured 47 at 23 and 28 qubits)."""
STATE_SECONDS = 1e-8
"""Seconds per amplitude of the noiseless-state check, per unit of 10 per rotation + 1 per
qubit of a rotation's support + 4 per qubit (measured: about 100 ns per amplitude and
rotation, 1.0 s for one two-qubit rotation on 23 qubits)."""


def require_size(name: str, n_qubits: int, rotations: int, support_total: int) -> None:
    """ResourceError unless the noiseless-state check of an ``n_qubits`` protocol with
    ``rotations`` rotations acting on ``support_total`` qubits in all fits the limits in force
    (``estimator.limits``): it holds 2^n amplitudes, STATE_BYTES each.

    >>> require_size("15-to-1", 5, 15, 60) is None
    True
    """
    fits = min(n_qubits, 64)
    while fits > 1 and _over(*_state_cost(fits, rotations, support_total * fits / n_qubits)):
        fits -= 1
    what = f"protocol {name!r} on {n_qubits} qubits (2^{n_qubits} amplitudes)"
    change = f"use a protocol with at most {fits} qubits"
    if n_qubits > 64:
        raise ResourceError(f"{what} needs more memory than any computer has; {change}")
    memory, seconds = _state_cost(n_qubits, rotations, support_total)
    require(what=what, memory_bytes=memory, seconds=seconds, change=change)


def _state_cost(n_qubits: int, rotations: int, support_total: float) -> tuple[float, float]:
    amplitudes = 2.0**n_qubits
    units = 10 * rotations + support_total + 4 * n_qubits + 8
    return STATE_BYTES * amplitudes, STATE_SECONDS * amplitudes * units


def _over(memory: float, seconds: float) -> bool:
    limits = current()
    return memory > limits.max_memory_bytes or seconds > limits.max_seconds


def _gaps(used: list[int]) -> str:
    """The numbers missing from sorted ``used`` (from 1), as ranges: ``[1, 5, 6, 9]`` ->
    ``"2-4, 7-8"``."""
    bounds = zip([0, *used], used)
    gaps = [(a + 1, b - 1) for a, b in bounds if b > a + 1]
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in gaps)
