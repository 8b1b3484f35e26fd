"""The documentation site builds with ``mkdocs build --strict``: a broken link, a missing API
object or a missing README section fails the test run."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("material")
pytest.importorskip("mkdocstrings_handlers.python")
pytest.importorskip("mkdocs_static_i18n")

ROOT = Path(__file__).resolve().parent.parent


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(project / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=project)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


def test_site_builds_in_english_and_korean(site):
    for page in ("index.html", "guide/boston/index.html", "playground/index.html",
                 "engine/index.html", "jupyter/index.html", "cupy/index.html"):
        assert (site / page).is_file(), page
    english = (site / "guide/backprop/index.html").read_text(encoding="utf-8")
    korean = (site / "ko/guide/backprop/index.html").read_text(encoding="utf-8")
    assert "chain rule" in english and "연쇄 법칙" in korean and "곱셈 노드" in korean
    assert (site / "img/playground.png").is_file()


def test_api_reference_comes_from_the_docstrings(site):
    api = (site / "api/tensor/index.html").read_text(encoding="utf-8")
    assert "badak.engine.tensor.Tensor" in api and "A multi-dimensional array with automatic" in api
    lecture = (site / "api/lecture/index.html").read_text(encoding="utf-8")
    assert "minimize" in lecture
    interfaces = (site / "api/interfaces/index.html").read_text(encoding="utf-8")
    assert "tensor_html" in interfaces


def test_coming_from_is_included_from_the_readme(site):
    page = (site / "coming-from/index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Deliberate differences" in readme and "Deliberate differences" in page
    assert "--8&lt;--" not in page and "--8<--" not in page


def test_site_uses_no_cdn(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in index and 'src="http' not in index


@pytest.mark.parametrize("addition, named", [
    ("See [nowhere](no-such-page.md).", "no-such-page.md"),
    ("See [a heading that is not there](api/tensor.md#badak.no_such_name).",
     "badak.no_such_name"),
    ("::: badak.no_such_module", "badak.no_such_module"),
], ids=["link", "anchor", "api-reference"])
def test_a_broken_link_or_reference_fails_the_build(tmp_path, addition, named):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copy(ROOT / "README.md", project)
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "src").symlink_to(ROOT / "src")
    page = project / "docs" / "engine.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{addition}\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert named in result.stderr
