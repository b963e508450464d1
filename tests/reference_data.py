"""Reference data shared by several test modules (each entry names its source)."""

from layouts.layout import Length

# docs/model/geometry.md: level-1 spans of 15-to-1 rotations on the q1..q5 row.
MODEL_6_SPANS = [
    ((2, 3, 4), Length(dz=3)),
    ((1, 2, 3), Length(dx=1, dz=2)),
    ((1, 2, 4), Length(dx=1, dz=3)),
    ((1, 3, 4), Length(dx=1, dz=3)),
    ((1, 5), Length(dx=1, dz=4)),
    ((2, 3, 4, 5), Length(dz=4)),
]

# A 6 x 23 triorthogonal matrix for which no sign pattern realises the Clifford correction of
# Bravyi and Haah 2012, Lemma 2: found by random search; all 2^23 sign patterns were checked offline against
# the exact phase condition.
NO_SIGN_FLIP_MATRIX = (
    "00000000000111111111111",
    "00001111111000000001111",
    "00010001111000011110011",
    "01110010111000100010101",
    "00101101001001101100011",
    "11110100010011100100110",
)
