"""The seed audit: printed values of the four source papers counted per directory (the full
listing, with the slow directories: python -m estimator.studies.seed_audit)."""

from pathlib import Path

from estimator.studies.seed_audit import SEEDS, SLOW, Count, count_directory, listing

ROOT = Path(__file__).resolve().parent.parent


def test_every_directory_of_printed_values_is_audited():
    """Each config directory that msd table reads belongs to one seed paper's list."""
    listed = {d for dirs in SEEDS.values() for d in dirs}
    found = {
        str(p.parent.relative_to(ROOT))
        for p in (ROOT / "configs").rglob("*.toml")
        if "studies" not in p.parts and p.name != "historical.toml"
    }
    assert found == listed and set(SLOW) <= listed


def test_counts_of_the_small_directories():
    counts = {d: count_directory(d) for d in (
        "configs/bravyi2012",
        "configs/haah2017/printed",
        "configs/litinski2019/discussion",
        "configs/litinski2019/historical",
    )}  # fmt: skip
    assert counts["configs/bravyi2012"] == Count("configs/bravyi2012", 3, 0, 0, 0)
    assert counts["configs/haah2017/printed"] == Count("configs/haah2017/printed", 2, 0, 0, 0)
    discussion = counts["configs/litinski2019/discussion"]
    assert (discussion.reproduced, discussion.not_computed) == (7, 1)
    history = counts["configs/litinski2019/historical"]
    assert (history.reproduced, history.explained, history.not_computed) == (14, 3, 10)
    text = listing({"x": list(counts.values())})
    assert text.splitlines()[-1] == (
        "all: 40 printed values, 29 computed (26 reproduced, 3 explained, 0 golden-tested), "
        "11 not computed"
    )
