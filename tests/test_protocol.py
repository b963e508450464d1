"""Protocols as data: parsing, validation and the ideal output states."""

import numpy as np
import pytest

from estimator.circuits.protocol import Protocol, Rotation
from estimator.circuits.protocols import builtin_protocols, protocol_from_matrix
from estimator.errors import ProtocolError

MAGIC = np.array([1, np.exp(1j * np.pi / 4)]) / np.sqrt(2)


def _same_up_to_phase(u, v):
    return abs(abs(np.vdot(u, v)) - 1) < 1e-12


def test_fifteen_to_one_outputs_a_magic_state():
    p = builtin_protocols()["15-to-1"]
    assert (p.n_qubits, len(p.rotations), p.outputs, p.checks) == (5, 15, (1,), (2, 3, 4, 5))
    assert _same_up_to_phase(p.output_state(), MAGIC)


def test_twenty_to_four_outputs_four_magic_states():
    p = builtin_protocols()["20-to-4"]
    target = MAGIC
    for _ in range(3):
        target = np.kron(target, MAGIC)
    assert _same_up_to_phase(p.output_state(), target) and p.outputs_per_run == 4


def test_eight_to_ccz_outputs_ccz():
    p = builtin_protocols()["8-to-CCZ"]
    ccz = np.ones(8) / np.sqrt(8)
    ccz[7] *= -1
    assert _same_up_to_phase(p.output_state(), ccz) and (p.outputs_per_run, p.t_count_per_run) == (
        1,
        4,
    )


@pytest.mark.parametrize("text", ["Z1 X2", "Z0", "Z1 Z1", "", "ZZ", "+-Z1"])
def test_rotation_strings_that_do_not_parse(text):
    with pytest.raises(ProtocolError):
        Rotation.parse(text)


def test_rotation_parsing_and_eigenvalues():
    r = Rotation.parse(" - Z3 Z1")
    assert (r.support, r.sign, str(r)) == ((1, 3), -1, "-Z1Z3")
    assert r.eigenvalues(3).tolist() == [-1, 1, -1, 1, 1, -1, 1, -1]


def test_invalid_protocols():
    with pytest.raises(ProtocolError, match="Clifford correction"):
        Protocol.from_rotations("bad", ["Z1 Z2"], [1])
    with pytest.raises(ProtocolError, match="not triorthogonal"):
        protocol_from_matrix("bad", ["1100", "0110"])
    with pytest.raises(ProtocolError, match="twice"):
        Protocol.from_rotations("dup", ["Z1 Z2", "Z1 Z2"], [1])


def test_family_names_resolve_for_any_even_k():
    """(3k+8)-to-k for an even k (Bravyi and Haah 2012, Sec. VII) is known by name beyond the registered members."""
    from estimator.circuits.protocols import get_protocol
    from estimator.errors import ConfigError

    member = get_protocol("44-to-12")
    assert (member.n_qubits, len(member.rotations), len(member.outputs)) == (15, 44, 12)
    assert get_protocol("20-to-4").reference == "Litinski 2019, Fig. 8"  # the paper's circuit keeps its name
    with pytest.raises(ConfigError, match="unknown protocol '45-to-12'"):
        get_protocol("45-to-12")
