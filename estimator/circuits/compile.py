"""Compilation of a triorthogonal code into a rotation circuit (Litinski 2019, Sec. 1; Bravyi and Haah 2012, Lemma 2).

One qubit per row of the matrix, prepared in |+>; one pi/8 rotation per column on Z of the rows
that column touches; the Clifford correction of Bravyi and Haah 2012, Lemma 2 folded in as rotation sign flips.
"""

from __future__ import annotations

import numpy as np

from estimator.circuits.protocol import Protocol
from estimator.codes import gf2
from estimator.codes.triorthogonal import output_rows, rotation_strings, sign_flips
from estimator.errors import ProtocolError


def triorthogonal_protocol(name: str, matrix: np.ndarray, *, reference: str = "") -> Protocol:
    """The rotation circuit of a triorthogonal matrix with the Clifford correction of
    Bravyi and Haah 2012, Lemma 2 folded in as sign flips (see ``sign_flips``).

    Raises:
        ProtocolError: not triorthogonal, no output row, or no sign-flip correction exists.
    """
    g = gf2.as_binary(matrix)
    outputs = output_rows(g)
    if not outputs:
        raise ProtocolError(f"{name}: no odd-weight row, so the protocol has no output")
    flips = sign_flips(g)
    if flips is None:
        raise ProtocolError(
            f"{name}: no set of rotation sign flips realises the Clifford correction of Bravyi and Haah 2012, Lemma 2"
        )
    return Protocol.from_rotations(
        name, rotation_strings(g, negated=flips), outputs, reference=reference
    )
