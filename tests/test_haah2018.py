"""Every printed value of Haah et al. 2018, Table 4 and Sec. VI, from the shipped
configs (configs/haah2018, one per worked example VI.3.1-VI.5.2 = Table 4 rows 1-9).

Each value is compared at its printed digits (estimator.studies.printed). Where we differ,
the config's [paper.notes] says why; those reasons are recomputed here
(``test_reason_of_a_difference``), so a note cannot outlive the difference it explains.
"""

import tomllib
from pathlib import Path

import pytest

from estimator.config.inner_outer import evaluate_config, load_protocol_config
from estimator.studies.inner_outer_report import printed_comparison, protocol_record, quantity
from estimator.studies.printed import reproduces, round_like

DIRECTORY = Path(__file__).resolve().parents[1] / "configs" / "haah2018"
CONFIGS = sorted(DIRECTORY.glob("*.toml"))
SECTION = {path.name: path.name.split("_")[1] for path in CONFIGS}  # "VI.4.1"


def _printed():
    cases = []
    for path in CONFIGS:
        paper = tomllib.loads(path.read_text())["paper"]
        for where in ("table4", "text"):
            for key, printed in paper[where].items():
                cases.append(
                    pytest.param(
                        path.name,
                        where,
                        key,
                        printed,
                        paper.get("notes", {}).get(f"{where}.{key}"),
                        id=f"{SECTION[path.name]}-{where}-{key}",
                    )
                )
    return cases


@pytest.fixture(scope="module")
def records():
    """Every config evaluated once: {file name: (config, record)}."""
    out = {}
    for path in CONFIGS:
        config = load_protocol_config(path)
        out[path.name] = (config, protocol_record(config, evaluate_config(config)))
    return out


@pytest.mark.parametrize(("name", "where", "key", "printed", "note"), _printed())
def test_printed_value(records, name, where, key, printed, note):
    """Haah et al. 2018, Table 4 (where = table4) or the text of the config's section (where = text)."""
    _, record = records[name]
    ours = quantity(record, key)
    if note is None:
        assert reproduces(ours, printed), f"{key}: printed {printed}, ours {ours:.5g}"
    else:
        assert not reproduces(ours, printed), f"{key}: reproduced, the note is stale"


def test_reproduction_count(records):
    """The count the README quotes (Haah et al. 2018, Table 4 and Sec. VI, values matched / printed)."""
    rows = [
        row
        for config, record in records.values()
        for row in printed_comparison(record, config.paper)
    ]
    table4 = [row["reproduced"] for row in rows if row["where"] == "Table 4"]
    text = [row["reproduced"] for row in rows if row["where"] != "Table 4"]
    assert (sum(table4), len(table4)) == (27, 36)
    assert (sum(text), len(text)) == (102, 121)
    assert all(row["discrepancy"] for row in rows if not row["reproduced"])


def _value(record, key):
    return quantity(record, key)


# Each reason of [paper.notes], recomputed: (config, what the note claims reproduces the
# printed value, the printed value).
REASONS = {
    "VI.3.1 typo: the printed terms sum to 1.16e-7": (
        "01_VI.3.1_mek_63-45-4.toml",
        lambda r: sum(t["value"] for t in r["terms"] if t["order"] == r["order"]),
        "1.16e-7",
    ),
    "VI.3.1: epsbar_out uses 1.16e-7": (
        "01_VI.3.1_mek_63-45-4.toml",
        lambda r: r["eps_out_leading"] / r["nbar_out"],
        "2.9e-9",
    ),
    "VI.4.1: eps_out without the logical term": (
        "02_VI.4.1_31-11-5_vh.toml",
        lambda r: r["eps_out"] - _value(r, "value.logical"),
        "3.1e-9",
    ),
    "VI.4.1: epsbar_out from the rounded eps_out": (
        "02_VI.4.1_31-11-5_vh.toml",
        lambda r: (
            float(round_like(r["eps_out"] - _value(r, "value.logical"), "3.1e-9"))
            / round(r["nbar_out"])
        ),
        "3.2e-11",
    ),
    "VI.4.2: the vertical logical term needs one incorrect measurement": (
        "03_VI.4.2_31-21-3_31-11-5_vh.toml",
        lambda r: 11 * 2**2 * 155 * 31 * 1e-15,
        "2.1e-10",
    ),
    "VI.4.2: epsbar_out with that term": (
        "03_VI.4.2_31-21-3_31-11-5_vh.toml",
        lambda r: (r["eps_out"] + 11 * 2**2 * 155 * 31 * 1e-15) / r["nbar_out"],
        "7.5e-11",
    ),
    "VI.4.3 typo: epsbar_out divided by n_out": (
        "04_VI.4.3_mek_31-11-5_vh.toml",
        lambda r: r["eps_out"] / r["n_out"],
        "2.8e-13",
    ),
    "VI.4.4: eps_out without two inputs hidden in a row": (
        "05_VI.4.4_mek_31-11-5_vh_hmek.toml",
        lambda r: r["eps_out"] - _value(r, "value.hidden:2|vertical+vertical"),
        "1.0e-16",
    ),
    "VI.4.4: epsbar_out without them": (
        "05_VI.4.4_mek_31-11-5_vh_hmek.toml",
        lambda r: (r["eps_out"] - _value(r, "value.hidden:2|vertical+vertical")) / r["nbar_out"],
        "8.9e-19",
    ),
    "VI.4.5: 5 x the printed 7.4": (
        "06_VI.4.5_mekx_63-39-5_vh.toml",
        lambda r: 5 * 7.4,
        "37",
    ),
    "VI.4.5: nbar_T / n_out": (
        "06_VI.4.5_mekx_63-39-5_vh.toml",
        lambda r: r["nbar_t_states"] / r["n_out"],
        "7.47",
    ),
    "VI.4.6: epsbar_out without two inputs hidden in a row": (
        "07_VI.4.6_mek_63-39-5_vh_hmek.toml",
        lambda r: (r["eps_out"] - _value(r, "value.hidden:2|vertical+vertical")) / r["nbar_out"],
        "7.6e-18",
    ),
    "VI.5.1: eps_out without the weight-8 logicals": (
        "08_VI.5.1_mek_63-27-7_vhd_restart.toml",
        lambda r: r["eps_out"] - _value(r, "value.logical:diagonal:w8"),
        "7.5e-15",
    ),
    "VI.5.2: 5 x the printed 15": (
        "09_VI.5.2_mekx_63-27-7_vhd.toml",
        lambda r: 5 * float(round_like(r["nbar_t_states_per_output"], "15")),
        "75",
    ),
    "VI.5.2: eps_out with the printed count 9477": (
        "09_VI.5.2_mekx_63-27-7_vhd.toml",
        lambda r: r["eps_out"] + (9477 - _value(r, "count.undetected:6")) * (9e-6) ** 6,
        "5.9e-27",
    ),
    "VI.5.2: epsbar_out with the printed count 9477": (
        "09_VI.5.2_mekx_63-27-7_vhd.toml",
        lambda r: (
            (r["eps_out"] + (9477 - _value(r, "count.undetected:6")) * (9e-6) ** 6) / r["nbar_out"]
        ),
        "8.2e-30",
    ),
}


@pytest.mark.parametrize("reason", REASONS)
def test_reason_of_a_difference(records, reason):
    name, recompute, printed = REASONS[reason]
    value = recompute(records[name][1])
    assert reproduces(value, printed), f"{reason}: {value:.5g} vs {printed}"


def test_vi_4_6_sequential_vertical_round():
    """The note of VI.4.6's T count: a sequential vertical round (Eq. (15)) gives 29,658
    raw T and 28.2 per output; the text's parallel round 30,520 and 29.0."""
    path = DIRECTORY / "07_VI.4.6_mek_63-39-5_vh_hmek.toml"
    config = load_protocol_config(path, ["protocol.rounds.0.execution=sequential"])
    result = evaluate_config(config)
    assert round(result.book.nbar_t) == 29658
    assert round(result.nbar_t_per_output, 1) == 28.2
