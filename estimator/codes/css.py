"""Weakly self-dual CSS inner codes from a self-orthogonal binary space S.

X and Z stabilisers are both S; logical operators are S^perp / S, so k = n - 2 dim S
(Haah et al. 2017, Sec. 3.2, Eq. (3.5)). The Y-logical operators of weight w number
c_log(w) = A_w(S^perp) - A_w(S) (Haah et al. 2018, Sec. III.2); S is enumerated and
S^perp's enumerator follows by MacWilliams, so S^perp (2^45 words for [[63,45,4]]) is never
listed. The dot product on S^perp / S is either equivalent to the identity (a *normal* code)
or to a sum of hyperbolic pairs (a *hyperbolic* code) (Haah et al. 2017, Lemmas 3.1-3.2, Def. 3.3).
See docs/model/inner-outer.md for the built-in codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from estimator.codes import gf2, gf2poly
from estimator.errors import ConfigError
from estimator.limits import require

# Codewords of S formed per second when S is too large for the bit-packed enumeration.
_CODEWORDS_PER_SECOND = 5e7


@dataclass(frozen=True)
class MagicBasis:
    """A (p, q)-magic basis of S^perp / S (Haah et al. 2017, Def. 3.3): rows whose dot products form
    I_p (+) lambda_q, the first p rows orthonormal, then q/2 hyperbolic pairs."""

    vectors: np.ndarray
    p: int
    q: int


@dataclass(frozen=True, eq=False)
class InnerCode:
    """A weakly self-dual CSS code [[n, k, d]]; build it with ``InnerCode.from_stabilizers``.

    ``stabilizers`` is a basis of S (dim S x n, uint8); ``weights_s`` and ``weights_dual``
    are the exact weight distributions of S and S^perp (index = weight).
    """

    name: str
    stabilizers: np.ndarray
    weights_s: tuple[int, ...]
    weights_dual: tuple[int, ...]

    @classmethod
    def from_stabilizers(cls, name: str, rows: np.ndarray, *, field: str = "S") -> InnerCode:
        """Check that the rows span a self-orthogonal space and count its weights.

        Raises ConfigError (naming ``field``) if S is not self-orthogonal.
        """
        matrix = gf2.as_binary(rows, field=field)
        overlaps = (matrix.astype(np.int64) @ matrix.T.astype(np.int64)) % 2
        odd = np.argwhere(overlaps)
        if odd.size:
            i, j = (int(x) + 1 for x in odd[0])
            what = f"row {i} has odd weight" if i == j else f"rows {i} and {j} have odd overlap"
            raise ConfigError(field, f"{what}; S must be self-orthogonal (every overlap even)")
        _require_length(matrix.shape[1], name)
        basis = gf2.independent_rows(matrix)
        dim, n = basis.shape
        if dim > 22:
            require(
                what=f"enumerating the 2^{dim} elements of S ({name})",
                seconds=2.0**dim / _CODEWORDS_PER_SECOND,
                change="use an inner code whose S has a smaller dimension",
            )
        weights_s = gf2.weight_enumerator(basis) if dim else (1,) + (0,) * n
        return cls(name, basis, weights_s, gf2.dual_weight_enumerator(weights_s))

    @property
    def n(self) -> int:
        return int(self.stabilizers.shape[1])

    @property
    def dim_s(self) -> int:
        return int(self.stabilizers.shape[0])

    @property
    def k(self) -> int:
        """Logical qubits, n - 2 dim S (Haah et al. 2017, Eq. (3.5))."""
        return self.n - 2 * self.dim_s

    def c_log(self, w: int) -> int:
        """Number of nontrivial weight-w Y-logical operators, A_w(S^perp) - A_w(S)."""
        if isinstance(w, bool) or not isinstance(w, int | np.integer) or not 0 <= w <= self.n:
            raise ConfigError("weight", f"{w!r} is not a weight between 0 and n = {self.n}")
        return self.weights_dual[w] - self.weights_s[w]

    def c_log_table(self, weights: Iterable[int]) -> dict[int, int]:
        """c_log(w) for each requested weight."""
        return {int(w): self.c_log(w) for w in weights}

    @cached_property
    def distance(self) -> int | None:
        """Least w with c_log(w) > 0; None when k = 0 (no logical operator)."""
        return next((w for w in range(1, self.n + 1) if self.c_log(w)), None)

    @property
    def kind(self) -> str:
        """ "hyperbolic" if every logical operator has even weight (the all-ones vector is in
        S), else "normal"; "none" when k = 0 (Haah et al. 2017, Lemma 3.2, Def. 3.3)."""
        if self.k == 0:
            return "none"
        return (
            "hyperbolic"
            if gf2.rank(np.vstack([self.stabilizers, np.ones(self.n)])) == (self.dim_s)
            else "normal"
        )

    def magic_basis(self) -> MagicBasis:
        """A normal (k, 0)- or hyperbolic (0, k)-magic basis, by the elimination in the proof
        of Haah et al. 2017, Lemma 3.2 and the exchange of Eq. (3.3) (I (+) lambda_2 ~ I_3)."""
        return _magic_basis(self.stabilizers)

    def puncture(self, bit: int) -> InnerCode:
        """Keep the elements of S that vanish on ``bit`` and delete that bit (Haah et al. 2017, Def. 4.8):
        [[n, k]] -> [[n - 1, k + 1]]. Raises ConfigError if no element of S touches ``bit``."""
        if isinstance(bit, bool) or not isinstance(bit, int) or not 0 <= bit < self.n:
            raise ConfigError("bit", f"{bit!r} is not a qubit index between 0 and {self.n - 1}")
        rows = self.stabilizers.copy()
        touching = np.flatnonzero(rows[:, bit])
        if touching.size == 0:
            raise ConfigError("bit", f"no stabilizer acts on qubit {bit}; nothing to puncture")
        pivot = touching[0]
        rows[touching[1:]] ^= rows[pivot]
        kept = np.delete(np.delete(rows, pivot, axis=0), bit, axis=1)
        return InnerCode.from_stabilizers(f"{self.name} punctured at {bit}", kept)


def _require_length(n: int, name: str) -> None:
    """The MacWilliams transform keeps (n + 1)^2 exact integers of up to n bits: refuse a
    length whose transform would not fit the limits (n = 511 takes 0.1 s)."""
    require(
        what=f"the weight enumerator of S^perp for n = {n} qubits ({name})",
        memory_bytes=(n + 1) ** 2 * (n / 8 + 32),
        seconds=1e-9 * n**3,
        change="use an inner code with fewer qubits",
    )


def _magic_basis(stabilizers: np.ndarray) -> MagicBasis:
    dual = gf2.null_space(stabilizers)
    stacked = gf2.independent_rows(np.vstack([stabilizers, dual]))
    remaining = [row.astype(np.uint8) for row in stacked[stabilizers.shape[0] :]]

    def dot(a: np.ndarray, b: np.ndarray) -> int:
        return int(a.astype(np.int64) @ b.astype(np.int64)) % 2

    ones: list[np.ndarray] = []
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    while remaining:
        odd = next((i for i, v in enumerate(remaining) if dot(v, v)), None)
        if odd is not None:
            e = remaining.pop(odd)
            remaining = [w ^ e if dot(w, e) else w for w in remaining]
            ones.append(e)
            continue
        a = remaining.pop(0)
        b = remaining.pop(next(i for i, w in enumerate(remaining) if dot(a, w)))
        remaining = [w ^ (a * dot(w, b)) ^ (b * dot(w, a)) for w in remaining]
        if ones:  # Eq. (3.3): e (+) (a, b) -> three orthonormal vectors
            e = ones.pop()
            ones += [e ^ a ^ b, e ^ a, e ^ b]
        else:
            pairs.append((a, b))
    vectors = ones + [v for pair in pairs for v in pair]
    n = stabilizers.shape[1]
    matrix = np.array(vectors, dtype=np.uint8).reshape(len(vectors), n)
    return MagicBasis(matrix, len(ones), 2 * len(pairs))


def reed_muller_first_order(m: int) -> np.ndarray:
    """Generator of RM(1, m), [2^m, m + 1, 2^(m-1)]: the all-ones row, then the rows that are 1
    where coordinate bit m-1, ..., 0 of the position is 0 (Haah et al. 2017, App. A.1.2's row order)."""
    positions = np.arange(2**m)
    rows = [np.ones(2**m, dtype=np.uint8)]
    rows += [((positions >> b) & 1 ^ 1).astype(np.uint8) for b in range(m - 1, -1, -1)]
    return np.array(rows)


def quantum_bch(n: int, generator: str, *, field: str = "g(x)", name: str = "") -> InnerCode:
    """The quantum BCH code of Haah et al. 2018, Table 2: S is the cyclic code generated by
    h(x) = (x^n + 1) / g(x), so dim S = deg g and S^perp is (up to reversal) generated by g.

    Raises ConfigError if g(x) is malformed, does not divide x^n + 1, or S is not
    self-orthogonal.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ConfigError(field, f"code length n = {n!r} must be an integer >= 2")
    g = gf2poly.parse_polynomial(generator, field=field, max_degree=n)
    label = name or f"bch:{n}:{gf2poly.format_polynomial(g)}"
    _require_length(n, label)
    h, remainder = gf2poly.divmod_poly((1 << n) | 1, g)
    if remainder:
        raise ConfigError(
            field,
            f"{gf2poly.format_polynomial(g)} does not divide x^{n}+1 (remainder "
            f"{gf2poly.format_polynomial(remainder)})",
        )
    if gf2poly.degree(g) == 0:
        raise ConfigError(field, "g(x) = 1 gives S = the whole space, which is not self-orthogonal")
    return InnerCode.from_stabilizers(label, gf2poly.cyclic_generator_matrix(h, n), field=field)


_STEANE = ("0001111", "0110011", "1010101")  # Haah et al. 2017, Eq. (1.1), l.63-69
_COLOR_17 = (  # Haah et al. 2017, App. A.1.4 (the 4.8.8 color code), l.626-633
    "11011010101000010",
    "01100011001100110",
    "00110110010011001",
    "00010101000111110",
    "00001110010011101",
    "00000101000110000",
    "00000011111011010",
    "00000001010100001",
)
_GOLAY_FACTOR = "x^11+x^9+x^7+x^6+x^5+x+1"
"""x^23 + 1 = (x + 1) g1(x) g2(x); with g = g2, S = <(x + 1) g1> is the even-weight subcode of
the cyclic [23, 12, 7] Golay code: the extended [24, 12, 8] code's words that vanish on the
parity bit, that bit deleted (Haah et al. 2017, App. A.1.5)."""


def _rows(rows: tuple[str, ...]) -> np.ndarray:
    return np.array([[int(c) for c in r] for r in rows], dtype=np.uint8)


def _builtin(key: str) -> InnerCode:
    name = "[[{}]]".format(key.replace("-", ","))
    match key:
        case "7-1-3":
            return InnerCode.from_stabilizers(name, _rows(_STEANE))
        case "4-2-2":
            return InnerCode.from_stabilizers(name, np.ones((1, 4), dtype=np.uint8))
        case "16-6-4":
            return InnerCode.from_stabilizers(name, reed_muller_first_order(4))
        case "15-7-3":
            return _renamed(_builtin("16-6-4").puncture(0), name)
        case "17-1-5":
            return InnerCode.from_stabilizers(name, _rows(_COLOR_17))
        case "23-1-7":
            return quantum_bch(23, _GOLAY_FACTOR, name=name)
        case "21-3-5":
            return _renamed(_builtin("23-1-7").puncture(0).puncture(0), name)
    n, generator = _BCH[key]
    return quantum_bch(n, generator, name=name)


_BCH = {  # Haah et al. 2018, Table 2
    "31-21-3": (31, "x^5+x^2+1"),
    "31-11-5": (31, "x^10+x^7+x^5+x^4+x^2+x+1"),
    "63-45-4": (63, "x^9+x^7+x^6+x+1"),
    "63-39-5": (63, "x^12+x^9+x^7+x^5+x^3+x+1"),
    "63-27-7": (63, "x^18+x^15+x^13+x^11+x^9+x^5+x^4+x+1"),
}
BUILTIN_INNER_CODES = ("7-1-3", "4-2-2", "16-6-4", "15-7-3", "17-1-5", "21-3-5", "23-1-7") + tuple(
    _BCH
)
"""Built-in names in the shell-friendly form; "[[7,1,3]]" works as well as "7-1-3"."""


def _renamed(code: InnerCode, name: str) -> InnerCode:
    return InnerCode(name, code.stabilizers, code.weights_s, code.weights_dual)


_NAME = re.compile(r"^\[\[(\d+),(\d+),(\d+)\]\]$|^(\d+)-(\d+)-(\d+)$")


def inner_code(spec: str, *, field: str = "SPEC") -> InnerCode:
    """An inner code from a built-in name ("[[7,1,3]]" or "7-1-3"), "bch:N:G"
    (e.g. "bch:31:x^5+x^2+1") or a file of S rows (0/1 strings; blank lines, # comments).

    Raises ConfigError (or ProtocolError for a malformed file) naming ``field``.
    """
    text = spec.strip()
    match = _NAME.match(text.replace(" ", ""))
    if match:
        key = "-".join(g for g in match.groups() if g is not None)
        if key not in BUILTIN_INNER_CODES:
            raise ConfigError(field, f"{spec!r} is not a built-in code; known: {_known()}")
        return _builtin(key)
    if text.startswith("bch:"):
        parts = text.split(":")
        if len(parts) != 3 or not parts[1].isdigit():
            raise ConfigError(field, f"{spec!r} is not bch:N:G, e.g. bch:31:x^5+x^2+1")
        return quantum_bch(int(parts[1]), parts[2], field=field)
    if not Path(text).exists():
        raise ConfigError(
            field, f"{spec!r} is not a built-in code ({_known()}), bch:N:G or a readable file"
        )
    from estimator.codes.triorthogonal import parse_matrix_text
    from estimator.inputs import read_text

    content = read_text(text, field=field)

    return InnerCode.from_stabilizers(text, parse_matrix_text(content, field=text), field=text)


def _known() -> str:
    return ", ".join(BUILTIN_INNER_CODES)
