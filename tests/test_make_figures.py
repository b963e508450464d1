"""docs/figures/make_figures.py: every shipped figure, built on smaller data, passes the
journal checks (text >= 8 pt, sub- and superscripts >= 7 pt, no overlapping text, a legend
covering nothing, its column width) and writes PDF with embedded TrueType fonts and SVG with
text as text; every committed figure is as new as its code and data."""

import importlib.util
import sys
from pathlib import Path

import matplotlib
import pytest

from estimator.figures.checks import pdf_embeds_truetype, svg_text_elements
from estimator.figures.style import rc_params, save_figure

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "make_figures.py"
spec = importlib.util.spec_from_file_location("make_figures", SCRIPT)
make_figures = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = make_figures  # its dataclasses look their module up
spec.loader.exec_module(make_figures)


def test_every_shipped_png_is_made_by_the_script():
    shipped = {p.name for p in SCRIPT.parent.glob("*.png")}
    assert shipped == set(make_figures.FIGURES)


@pytest.mark.parametrize("name", list(make_figures.FIGURES))
def test_figure_is_fit_for_a_journal(name, tmp_path):
    paper = make_figures.PAPER
    with matplotlib.rc_context(rc_params(paper)):
        fig, found = make_figures.build(name, quick=True)
        assert found == []
        save_figure(fig, tmp_path / "fig.pdf", paper)
        save_figure(fig, tmp_path / "fig.svg", paper)
    assert pdf_embeds_truetype(tmp_path / "fig.pdf")
    assert svg_text_elements(tmp_path / "fig.svg") >= 10


@pytest.mark.parametrize("name", list(make_figures.FIGURES))
def test_committed_figure_is_not_older_than_its_sources(name):
    """A figure of docs/figures is made again whenever its code or data change:
    ``python docs/figures/make_figures.py NAME`` records the digest of its inputs."""
    import json

    digests = json.loads(make_figures.DIGESTS.read_text())
    assert digests.get(name) == make_figures.inputs_digest(name), (
        f"docs/figures/{name} is older than its sources: "
        f"run python docs/figures/make_figures.py {name}"
    )


def test_unknown_figure_is_refused(capsys):
    assert make_figures.run(["nothing.png"]) == 2
    assert "unknown figure(s) nothing.png" in capsys.readouterr().err
