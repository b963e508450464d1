"""Built-in protocols, as data.

15-to-1 comes from its 5 x 15 triorthogonal matrix; 20-to-4 and 8-to-CCZ are the signed
rotation lists of Litinski 2019 (Figs. 8 and 10; rotations as in
docs/model/published-schedules.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from estimator.circuits.compile import triorthogonal_protocol
from estimator.circuits.protocol import Protocol, require_size
from estimator.codes.triorthogonal import (
    MATRIX_15_TO_1,
    bh_family_matrix,
    parse_matrix,
    require_triorthogonal,
)

ROTATIONS_20_TO_4 = (
    "-Z5", "-Z6", "Z1 Z5 Z6", "-Z5 Z6 Z7", "Z1 Z6 Z7", "-Z7", "Z1 Z5 Z7", "Z2 Z5 Z6",
    "Z1 Z2 Z3 Z4 Z6", "Z2 Z5 Z7", "Z1 Z2 Z3 Z4 Z5", "Z2 Z6 Z7", "Z1 Z2 Z3 Z4 Z5 Z6 Z7",
    "Z3 Z5 Z6", "Z1 Z2 Z3 Z4 Z7", "Z3 Z5 Z7", "Z3 Z6 Z7", "Z4 Z5 Z6", "Z4 Z5 Z7", "Z4 Z6 Z7",
)  # fmt: skip

ROTATIONS_8_TO_CCZ = (
    "Z1 Z4", "-Z4", "-Z1 Z2 Z4", "-Z1 Z3 Z4", "Z1 Z2 Z3 Z4", "-Z2 Z3 Z4", "Z2 Z4", "Z3 Z4",
)  # fmt: skip


def protocol_from_matrix(name: str, rows: Sequence[str], *, field: str = "matrix") -> Protocol:
    """The rotation circuit of a triorthogonal matrix; odd-weight rows are the outputs."""
    matrix = parse_matrix(rows, field=field)
    require_size(name, matrix.shape[0], matrix.shape[1], int(matrix.sum()))
    require_triorthogonal(matrix, field=field)
    return triorthogonal_protocol(name, matrix, reference=f"triorthogonal matrix ({field})")


@functools.cache
def builtin_protocols() -> Mapping[str, Protocol]:
    """The protocols known by name (a read-only mapping, built once)."""
    return MappingProxyType(
        {
            "15-to-1": protocol_from_matrix("15-to-1", MATRIX_15_TO_1),
            "20-to-4": Protocol.from_rotations(
                "20-to-4", ROTATIONS_20_TO_4, [1, 2, 3, 4], reference="Litinski 2019, Fig. 8"
            ),
            "8-to-CCZ": Protocol.from_rotations(
                "8-to-CCZ",
                ROTATIONS_8_TO_CCZ,
                [1, 2, 3],
                outputs_per_run=1,
                t_count_per_run=4,
                reference="Litinski 2019, Fig. 10",
            ),
            # The family's k = 4 member is the same code as the paper's 20-to-4 circuit but not
            # the same circuit (rotation signs from the Clifford correction), hence its own name.
            "bh-20-to-4": replace(family_protocol("20-to-4"), name="bh-20-to-4"),
            **{
                name: family_protocol(name)
                for name in ("14-to-2", "26-to-6", "32-to-8", "38-to-10")
            },
        }
    )


_FAMILY_NAME = re.compile(r"^(\d+)-to-(\d+)$")


def family_protocol(name: str) -> Protocol | None:
    """The Bravyi-Haah member named "(3k+8)-to-k" for an even k >= 2 (Bravyi and Haah 2012, Sec. VII), else None.

    >>> family_protocol("44-to-12").n_qubits, family_protocol("44-to-11")
    (15, None)
    """
    match = _FAMILY_NAME.match(name)
    if match is None:
        return None
    n, k = int(match.group(1)), int(match.group(2))
    if k < 2 or k % 2 or n != 3 * k + 8:
        return None
    require_size(name, k + 3, 3 * k + 8, 11 * k + 16)  # k + 3 rows, 3k + 8 columns, 11k + 16 ones
    return triorthogonal_protocol(
        name, bh_family_matrix(k), reference=f"Bravyi and Haah 2012, Sec. VII, (3k+8)-to-k with k = {k}"
    )


def get_protocol(
    name: str, user: Mapping[str, Protocol] | None = None, *, field: str = "protocol"
) -> Protocol:
    """Look a protocol up among the user's ``[protocols]`` and the built-ins."""
    known = {**builtin_protocols(), **(user or {})}
    if name not in known and (member := family_protocol(name)) is not None:
        return member
    if name not in known:
        from estimator.errors import ConfigError

        raise ConfigError(
            field,
            f"unknown protocol {name!r}; known: {', '.join(sorted(known))}, or (3k+8)-to-k for an even k",
        )
    return known[name]
