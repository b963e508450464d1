"""Config loading: overrides, user protocols, and one ConfigError per documented bad input."""

import pytest

from estimator.config.factory import estimate_config, load_config, parse_config
from estimator.errors import ConfigError

BASE = """
p_phys = 1e-4
[level1]
protocol = "15-to-1"
layout = "litinski"
schedule = "paper"
d_x = 7
d_z = 3
d_m = 3
"""
TWO_LEVEL = (
    BASE
    + """count = 4
[level2]
protocol = "15-to-1"
d_x = 25
d_z = 9
d_m = 9
"""
)


def _write(tmp_path, text, name="f.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_set_overrides_any_key(tmp_path):
    config = load_config(
        _write(tmp_path, BASE), ["level1.d_x=9", "p_phys=2e-4", "level1.schedule=consistent"]
    )
    assert int(config.level1.d.d_x) == 9 and float(config.noise.p_phys) == 2e-4
    assert config.level1.schedule.name == "consistent" and not config.level1.schedule.departures


def test_any_distances_not_only_the_table(tmp_path):
    est = estimate_config(
        load_config(_write(tmp_path, BASE), ["level1.d_x=13", "level1.d_z=7", "level1.d_m=5"])
    )
    assert 0 < float(est.p_out) < 1e-8 and float(est.qubits) == 2 * ((13 + 4 * 7) * 3 * 13 + 2 * 5)


def test_user_protocol_from_matrix_and_rotations(tmp_path):
    rows = '["000011110111000", "100111000101011", "010110100011101", "001101110001110", "000000011111111"]'
    text = (
        BASE.replace('protocol = "15-to-1"', 'protocol = "mine"')
        + f"[protocols.mine]\nmatrix = {rows}\n"
    )
    mine = estimate_config(
        load_config(_write(tmp_path, text))
    )  # same circuit: the paper's schedule applies
    builtin = estimate_config(load_config(_write(tmp_path, BASE, "b.toml")))
    assert float(mine.p_out) == float(builtin.p_out)
    data = {"p_phys": 1e-4, "level1": {"protocol": "r", "d_x": 3, "d_z": 3, "d_m": 3}}
    data["protocols"] = {"r": {"rotations": ["Z1 Z2", "-Z1 Z2"], "outputs": [1]}}
    with pytest.raises(ConfigError, match="level1.schedule: no published"):
        parse_config(data)


BAD = [
    ("unknown protocol", BASE.replace('"15-to-1"', '"16-to-1"'), [], "level1.protocol"),
    ("unknown layout", BASE.replace('"litinski"', '"hexagonal"'), [], "level1.layout"),
    ("unknown schedule", BASE.replace('"paper"', '"fastest"'), [], "level1.schedule"),
    ("missing distance", BASE.replace("d_m = 3\n", ""), [], "level1.d_m"),
    ("non-numeric p", BASE.replace("1e-4", '"small"'), [], "p_phys"),
    ("missing p", BASE.replace("p_phys = 1e-4", ""), [], "p_phys"),
    ("p at threshold", BASE, ["p_phys=0.01"], "p_phys"),
    ("p negative", BASE, ["p_phys=-1e-4"], "p_phys"),
    ("even distance", BASE, ["level1.d_x=8"], "level1.d_x"),
    ("zero distance", BASE, ["level1.d_m=0"], "level1.d_m"),
    ("float distance", BASE, ["level1.d_z=3.0"], "level1.d_z"),
    ("d_z > d_x", BASE, ["level1.d_z=9"], "level1.d_z"),
    ("unknown --set key", BASE, ["level1.dx=9"], "level1.dx"),
    ("malformed --set", BASE, ["level1.d_x"], "--set"),
    ("unknown key in file", BASE + "colour = 1\n", [], "level1.colour"),
    ("unknown top-level key", "colour = 1\n" + BASE, [], "colour"),
    ("malformed TOML", BASE + "[level1\n", [], "CONFIG"),
    (
        "not triorthogonal",
        BASE.replace('"15-to-1"', '"bad"') + '[protocols.bad]\nmatrix = ["1100", "0110"]\n',
        [],
        "protocols.bad.matrix",
    ),
    (
        "ragged matrix",
        BASE.replace('"15-to-1"', '"bad"') + '[protocols.bad]\nmatrix = ["111", "01"]\n',
        [],
        "protocols.bad.matrix",
    ),
    (
        "non-binary matrix",
        BASE.replace('"15-to-1"', '"bad"') + '[protocols.bad]\nmatrix = ["1120"]\n',
        [],
        "protocols.bad.matrix",
    ),
    (
        "unparsable rotation",
        BASE.replace('"15-to-1"', '"bad"')
        + '[protocols.bad]\nrotations = ["Z1 X2"]\noutputs = [1]\n',
        [],
        "protocols.bad",
    ),
    ("level2 without count", TWO_LEVEL.replace("count = 4\n", ""), [], "level1.count"),
    (
        "two factories next to a small-footprint block",
        TWO_LEVEL,
        ['level2.layout="small-footprint"', "level1.count=2"],
        "level1.count",
    ),
    ("per-patch d_z on an output", BASE, ["level1.d_z_patch={q1=3}"], "level1.d_z_patch.q1"),
    ("per-patch d_z not a qubit", BASE, ["level1.d_z_patch={x=3}"], "level1.d_z_patch.x"),
    ("even per-patch d_z", BASE, ["level1.d_z_patch={q2=4}"], "level1.d_z_patch.q2"),
    ("per-patch d_z above d_x", BASE, ["level1.d_z_patch={q2=9}"], "level1.d_z_patch.q2"),
    ("unknown region", BASE, ["level1.region_width={left=3}"], "level1.region_width.left"),
    ("steps of d_m", BASE, ["level1.d_m_step=[3, 3]"], "level1.d_m_step"),
    ("d_m per step at level 2", TWO_LEVEL, ["level2.d_m_step=[9]"], "level2.d_m_step"),
    ("regions of a published layout", BASE, ["level1.regions=1"], "level1.regions"),
    ("three regions", BASE, ["level1.layout=auto", "level1.regions=3"], "level1.regions"),
    ("row not a permutation", BASE, ["level1.layout=auto", "level1.row=[1, 2]"], "level1.row"),
    ("bad consumption", BASE, ["level1.consumption=early"], "level1.consumption"),
    ("arrangement at level 1", BASE, ["level1.arrangement=litinski"], "level1.arrangement"),
    ("mix without count", TWO_LEVEL, ["level1.mix=[{d_x = 9}]"], "level1.mix[0].count"),
    ("mix key", TWO_LEVEL, ["level1.mix=[{d_y = 9, count = 1}]"], "level1.mix[0].d_y"),
    (
        "CCZ states cannot feed",
        TWO_LEVEL,
        ['level1.protocol="8-to-CCZ"', "level1.layout=auto", "level1.schedule=cpsat"],
        "level1.protocol",
    ),
    ("level2.count without level3", TWO_LEVEL, ["level2.count=2"], "level2.count"),
    ("level3 without level2", BASE + "[level3]\nd_x = 9\n", [], "level3"),
    ("zero count", TWO_LEVEL, ["level1.count=0"], "level1.count"),
    ("unknown level-2 protocol", TWO_LEVEL, ['level2.protocol="21-to-1"'], "level2.protocol"),
    ("count without level2", BASE + "count = 2\n", [], "level1.count"),
]


@pytest.mark.parametrize(("name", "text", "sets", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_field(tmp_path, name, text, sets, field):
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text), sets)
    message = str(info.value)
    assert message.startswith(field) and "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="CONFIG: cannot read"):
        load_config(tmp_path / "absent.toml")


def test_config_strings_are_never_evaluated(tmp_path, monkeypatch):
    """A string that would be code is just an unknown name."""
    monkeypatch.setattr("builtins.eval", lambda *a: pytest.fail("eval called"))
    with pytest.raises(ConfigError, match="level1.protocol"):
        load_config(
            _write(tmp_path, BASE.replace('"15-to-1"', "\"__import__('os').system('true')\""))
        )
