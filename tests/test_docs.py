"""The documentation site builds with ``mkdocs build --strict``: a broken link, a missing
anchor, a page outside the navigation or a docstring the API reference cannot read fails it.
mkdocs is in the test extra, so this runs in CI; without it the test is skipped."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    pytest.importorskip("mkdocs_jupyter")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "site" / "model" / "index.html").is_file()
    assert (tmp_path / "site" / "notebooks" / "table1" / "index.html").is_file()


def test_every_page_is_in_the_navigation():
    yaml = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([\w./-]+\.(?:md|ipynb))\s*$", yaml, re.MULTILINE))
    pages = {
        p.relative_to(ROOT / "docs").as_posix()
        for p in (ROOT / "docs").rglob("*.md")
        if "notebooks" not in p.parts
    }
    assert pages <= listed, sorted(pages - listed)


def test_readme_is_a_front_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    assert 'pip install -e . && msd table' in readme
    assert 'pip install -e ".[test]" && pytest' in readme
    for link in re.findall(r"\]\(([^)#]+)", readme):  # relative links point at files
        if "://" not in link:
            assert (ROOT / link).exists(), link
