"""Independent reference: the noisy circuit at 60 (or more) significant digits with mpmath.

Build the operations and simulate inside ``with mp.workdps(digits_for(...))`` to resolve
results far below 1e-60 (``simulate_channels`` does both). Written without the engine's tricks (no error split, no fixed point, no index sets): the
density matrix is a dict of mpmath complex entries, each channel is applied by its textbook
definition (a mixture of diagonal unitaries, or a Pauli conjugation), and the infidelity is
1 - <Psi|rho|Psi> / tr(Pi rho) with Psi the noiseless output.
"""

from __future__ import annotations

import mpmath as mp

from estimator.sim.channels import BitFlip

mp.mp.dps = 60


def _eigen(support, sign, x, n):
    return sign * (-1) ** sum((x >> (n - q)) & 1 for q in support)


def rotation_mixture(support, sign, a, b, c, theta=0.0):
    """A faulty pi/8 rotation as a list of (weight, angle) (docs/model/storage.md; Litinski 2019, Eq. 6)."""
    a, b, c, theta = (mp.mpf(v) for v in (a, b, c, theta))
    base = mp.pi / 8 + theta
    branches = [
        (1 - a - b - c, base),
        (a, base + mp.pi / 2),
        (b, base - mp.pi / 4),
        (c, base + mp.pi / 4),
    ]
    return ("mix", tuple(support), sign, branches)


def from_channel(channel):
    """Read an engine channel as a mixture: f+ = (1 - q) chi0 + e on s(x) - s(y) = +2."""
    if isinstance(channel, BitFlip):
        return ("x", channel.qubit, mp.mpf(float(channel.p)))
    q = mp.mpf(float(channel.q))
    e = mp.mpc(complex(channel.e))
    chi0 = mp.expjpi(mp.mpf(1) / 4) if channel.is_rotation else mp.mpf(1)
    return (
        "factor",
        channel.rotation.support,
        channel.rotation.sign,
        (1 - q) * chi0 + e,
        channel.is_rotation,
    )


def digits_for(values) -> int:
    """Decimal digits that resolve a result as small as the cube of the smallest nonzero
    parameter (p_out of a distance-3 protocol) to 30 digits: 60 at least."""
    smallest = min((abs(complex(v)) for v in values if complex(v) != 0), default=1.0)
    return max(60, 30 + int(-3 * mp.log10(max(smallest, 1e-320))))


def simulate_channels(n, checks, channels):
    """(p_fail, infidelity) of engine channels, with digits_for their parameters."""
    params = [float(c.p) if isinstance(c, BitFlip) else complex(c.e) for c in channels]
    params += [float(c.q) for c in channels if not isinstance(c, BitFlip)]
    with mp.workdps(digits_for(params)):
        return simulate(n, checks, [from_channel(c) for c in channels])


def z_flip(qubit, p):
    return ("mix", (qubit,), 1, [(1 - mp.mpf(p), mp.mpf(0)), (mp.mpf(p), mp.pi / 2)])


def x_flip(qubit, p):
    return ("x", qubit, mp.mpf(p))


def simulate(n, checks, ops):
    """Return (p_fail, infidelity) as mpmath numbers."""
    rho, psi = evolve(n, ops)
    outputs = [q for q in range(1, n + 1) if q not in checks]
    same_outputs = lambda x, y: all(((x ^ y) >> (n - q)) & 1 == 0 for q in outputs)
    accepted = sum(v for (x, y), v in rho.items() if same_outputs(x, y)).real / 2 ** len(checks)
    fidelity = sum(mp.conj(psi[x]) * v * psi[y] for (x, y), v in rho.items()).real
    return 1 - accepted, 1 - fidelity / accepted


def marginals(n, checks, channels):
    """Per output o (qubit order): 1 - tr((Pi_checks x sigma_o x 1) rho) / tr(Pi rho), sigma_o
    the noiseless output reduced to o, by its definition on the dense matrices."""
    params = [float(c.p) if isinstance(c, BitFlip) else complex(c.e) for c in channels]
    params += [float(c.q) for c in channels if not isinstance(c, BitFlip)]
    with mp.workdps(digits_for(params)):
        rho, psi = evolve(n, [from_channel(c) for c in channels])
        bit = lambda x, q: (x >> (n - q)) & 1
        outputs = [q for q in range(1, n + 1) if q not in checks]
        same_outputs = lambda x, y: all(bit(x ^ y, q) == 0 for q in outputs)
        accepted = sum(v for (x, y), v in rho.items() if same_outputs(x, y)).real
        result = []
        for o in outputs:
            sigma = {
                (i, j): sum(
                    psi[x] * mp.conj(psi[y])
                    for x in range(2**n)
                    for y in range(2**n)
                    if bit(x, o) == i and bit(y, o) == j and (x ^ y) & ~(1 << (n - o)) == 0
                )
                for i in (0, 1)
                for j in (0, 1)
            }
            others = [q for q in outputs if q != o]
            keep = lambda x, y: all(bit(x ^ y, q) == 0 for q in others)
            overlap = sum(
                sigma[(bit(y, o), bit(x, o))] * v for (x, y), v in rho.items() if keep(x, y)
            ).real
            result.append(1 - overlap / accepted)
        return result


def evolve(n, ops):
    """The density matrix (dict of entries) after ``ops`` from |+>^n, and the noiseless
    output Psi."""
    dim = 2**n
    rho = {(x, y): mp.mpf(1) / dim for x in range(dim) for y in range(dim)}
    psi = [1 / mp.sqrt(dim) for _ in range(dim)]
    for op in ops:
        if op[0] == "x":
            _, qubit, p = op
            bit = 1 << (n - qubit)
            rho = {(x, y): (1 - p) * v + p * rho[(x ^ bit, y ^ bit)] for (x, y), v in rho.items()}
            continue
        if op[0] == "mix":
            _, support, sign, branches = op
            ideal = branches[0][1] if len(branches) == 4 else None
            for key in rho:
                sx, sy = (_eigen(support, sign, z, n) for z in key)
                rho[key] *= sum(w * mp.expj(phi * (sx - sy)) for w, phi in branches)
        else:
            _, support, sign, f_plus, is_rotation = op
            ideal = mp.pi / 8 if is_rotation else None
            for key in rho:
                sx, sy = (_eigen(support, sign, z, n) for z in key)
                rho[key] *= 1 if sx == sy else (f_plus if sx > sy else mp.conj(f_plus))
        if ideal is not None:  # the noiseless circuit: pi/8 rotations only
            psi = [v * mp.expj(mp.pi / 8 * _eigen(support, sign, x, n)) for x, v in enumerate(psi)]
    return rho, psi
