"""How many printed values of the four seed papers ``msd table`` computes, per paper: every
shipped directory of printed values, its rows counted as computed (ours beside the
printed value; reproduced at the printed digits or with the discrepancy explained) or not
computed (with the reason). Table 1 of Litinski 2019 counts each printed column of a
modelled factory (p_out, qubits, cycles, qubitcycles, two d^3 costs and their d); its
agreement is pinned by tests/test_table1.py, within one unit of the printed last digit.

Run ``python -m estimator.studies.seed_audit [--fast]`` for the listing (``--fast`` skips
the directories that take minutes: Haah et al. 2018 Table 3 at k = 11 and 13).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

SEEDS = {
    "Litinski 2019 (arXiv:1905.06903)": (
        "configs/litinski2019",
        "configs/litinski2019/historical",
        "configs/litinski2019/discussion",
    ),
    "Bravyi and Haah 2012 (arXiv:1209.2426)": ("configs/bravyi2012",),
    "Haah, Hastings, Poulin, Wecker 2017 (arXiv:1703.07847)": (
        "configs/haah2017",
        "configs/haah2017/printed",
    ),
    "Haah, Hastings, Poulin, Wecker 2018 (arXiv:1709.02789)": (
        "configs/haah2018",
        "configs/haah2018/table3",
        "configs/haah2018/table3-large",
    ),
}
SLOW = ("configs/haah2018/table3-large",)
TABLE_1_COLUMNS = ("p_out", "qubits", "cycles", "qubitcycles")


@dataclass(frozen=True)
class Count:
    """Printed values of one directory: computed and reproduced at the printed digits,
    computed with an explained difference, computed and judged by a golden test (Table 1),
    and not computed."""

    directory: str
    reproduced: int
    explained: int
    golden: int
    not_computed: int

    @property
    def printed(self) -> int:
        return self.reproduced + self.explained + self.golden + self.not_computed


def count_directory(directory: str) -> Count:
    """Run ``msd table`` on one directory (as ``msd table`` finds it) and count its printed
    values."""
    from estimator.commands.table import table_directory, table_document

    document, _, _ = table_document(Path(table_directory(directory)))
    rows = document["rows"]
    if rows and "paper" in rows[0] and isinstance(rows[0]["paper"], dict):  # Table 1
        golden = 0
        for row in rows:
            paper = row["paper"]
            golden += sum(key in paper for key in TABLE_1_COLUMNS)
            golden += 2 * len(paper.get("full_distance", []))  # cost and its d
        return Count(directory, 0, 0, golden, 0)
    if rows and isinstance(rows[0].get("paper"), list):  # Haah et al. 2017 protocols
        rows = [r for record in rows for r in record["paper"]]
    missing = sum(r.get("ours", 0) is None for r in rows)
    reproduced = sum(r.get("reproduced") is True for r in rows)
    return Count(directory, reproduced, len(rows) - missing - reproduced, 0, missing)


def audit(*, fast: bool = False) -> dict[str, list[Count]]:
    """Counts per seed paper and directory (``fast``: without the directories in SLOW)."""
    return {
        seed: [count_directory(d) for d in dirs if not (fast and d in SLOW)]
        for seed, dirs in SEEDS.items()
    }


def listing(counts: dict[str, list[Count]]) -> str:
    lines = []
    totals = [0, 0, 0, 0]
    for seed, rows in counts.items():
        lines.append(seed)
        for c in rows:
            lines.append(
                f"  {c.directory:<38} {c.printed:>4} printed: {c.reproduced:>3} reproduced, "
                f"{c.explained:>2} explained, {c.golden:>3} golden-tested, "
                f"{c.not_computed:>2} not computed"
            )
            for i, v in enumerate((c.reproduced, c.explained, c.golden, c.not_computed)):
                totals[i] += v
    lines.append(
        f"all: {sum(totals)} printed values, {sum(totals[:3])} computed "
        f"({totals[0]} reproduced, {totals[1]} explained, {totals[2]} golden-tested), "
        f"{totals[3]} not computed"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    print(listing(audit(fast="--fast" in argv)))
    return 0


if __name__ == "__main__":  # pragma: no cover - a listing for people
    raise SystemExit(main(sys.argv[1:]))
