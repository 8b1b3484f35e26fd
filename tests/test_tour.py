"""Tests of badak.lecture.tour: the quick tour's report links every picture; each section's
numbers."""

import io
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from badak.interfaces.cli import main
from badak.lecture import tour
from badak.lecture.tour import run as tour_run

pytest.importorskip("matplotlib")

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def quick_tour(tmp_path_factory):
    """``badak tour --quick`` run once through the command, its output captured."""
    out = tmp_path_factory.mktemp("tour")
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["tour", "--quick", "--out", str(out), "--lang", "en"])
    return out, code, stdout.getvalue(), stderr.getvalue()


def test_the_quick_tour_finishes_and_says_where_the_report_is(quick_tour):
    out, code, stdout, stderr = quick_tour
    assert code == 0
    assert f"report: {out / 'report.md'}" in stdout
    assert "apple graph: total 220; d total/d apple = 2.2, d count = 110, d tax = 200" in stdout
    # progress lines on stderr (not a terminal here): one per step, the last one 11/11
    assert "badak tour [11/11]" in stderr
    assert "Traceback" not in stderr


def test_the_report_links_every_picture_it_made(quick_tour):
    out, _, _, _ = quick_tour
    report = (out / "report.md").read_text(encoding="utf-8")
    targets = [t for t in LINK.findall(report) if not t.startswith("#")]
    assert targets, "the report links no file"
    for target in targets:
        assert not Path(target).is_absolute() and "://" not in target, target
        path = out / target
        assert path.is_file() and path.stat().st_size > 0, target
    made = {p.name for p in out.iterdir() if p.suffix in (".png", ".svg", ".dot")}
    assert made <= set(targets), f"pictures not linked: {made - set(targets)}"
    expected = {"perceptron_gates.png", "gradient_descent.png", "apple.dot", "xor_boundary.png",
                "xor_curves.png", "activations.png", "vanishing_gradients.png",
                "dead_relus.png", "saturated_units.png", "boston_cv.png"}
    assert expected <= made
    if shutil.which("dot"):
        assert "apple.svg" in made
    else:
        assert "Graphviz" in report


def test_the_report_follows_the_lecture_in_order(quick_tour):
    out, _, _, _ = quick_tour
    report = (out / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", report, flags=re.MULTILINE)
    assert headings == ["Contents", "Logic gates and the perceptron",
                        "Gradient descent and the Taylor check",
                        "Backpropagation on computational graphs", "An MLP solves XOR",
                        "The activation atlas",
                        "Diagnostics: vanishing gradients, dead and saturated units",
                        "Boston housing: K-fold cross-validation",
                        "Glossary: 한국어 ↔ English ↔ badak"]
    for heading in headings[1:]:  # the contents link to each section's anchor
        assert f"(#{tour_run._anchor(heading)})" in report
    assert "quick mode" in report
    assert "| 2 | Mul | subtotal = 200 | 1.1 | apple = 100 | 2 | 2.2 |" in report


def test_gates_section(tmp_path):
    section = tour.gates_and_perceptron(tmp_path, max_epochs=20)
    r = section.results
    assert all(r[g]["converged"] and r[g]["correct"] == 4 for g in ("and", "or", "nand"))
    assert {k: r["xor"][k] for k in ("converged", "epochs", "correct")} == {
        "converged": False, "epochs": 20, "correct": 2}
    assert "not linearly separable" in section.markdown
    assert (tmp_path / "perceptron_gates.png").stat().st_size > 0


def test_gradient_descent_section(tmp_path):
    r = tour.gradient_descent(tmp_path, steps=10).results
    assert r["closed_form_gap"] < 1e-12  # x_k = 3 * 0.8^k
    # f(3 - 6a) - (9 - 36a) = 36 a^2 exactly: the first-order error over a^2 is constant
    np.testing.assert_allclose(r["taylor_error_over_lr2"], [36.0] * 4, rtol=1e-3)
    assert r["diverged"]
    assert r["newton_f"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("graphviz", [True, False])
def test_apple_section_with_and_without_graphviz(tmp_path, monkeypatch, graphviz):
    if graphviz and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    if not graphviz:
        monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    section = tour.apple_backprop(tmp_path)
    assert section.results["total"] == pytest.approx(220.0)
    assert section.results["grads"] == pytest.approx({"apple": 2.2, "count": 110.0,
                                                      "tax": 200.0})
    # Without Graphviz, badak's own layout draws the SVG: there is always a picture.
    assert section.results["rendered"] is True
    assert "apple.svg" in section.files
    assert "220" in (tmp_path / "apple.dot").read_text()
    assert "No picture" not in section.markdown
    assert 'data-node="apple"' in (tmp_path / "apple.svg").read_text() or graphviz


def test_diagnostics_section_shows_each_problem(tmp_path):
    r = tour.diagnostics(tmp_path, width=24, epochs=3).results
    assert r["ratio"]["sigmoid"] < 1e-4 < r["ratio"]["relu"]
    healthy, broken = r["dead"].values()
    assert broken > 0.5 > healthy
    xavier, std1 = r["saturated"].values()
    assert std1 > xavier


def test_boston_section_small(tmp_path):
    progress = io.StringIO()
    bar = tour.StepProgress(3, "boston", stream=progress)
    section = tour.boston_housing(tmp_path, folds=2, epochs=2, batch_size=64,
                                  final_epochs=1, final_batch_size=64, progress=bar)
    r = section.results
    assert len(r["fold_val_mae"]) == 2 and r["mean_val_mae"] == pytest.approx(
        np.mean(r["fold_val_mae"]))
    assert "test_mae" in r
    assert progress.getvalue().splitlines() == ["boston [1/3] Boston fold 1/2 done",
                                                "boston [2/3] Boston fold 2/2 done",
                                                "boston [3/3] Boston final model done"]
    assert (tmp_path / "boston_cv.png").stat().st_size > 0


def test_step_progress_lines_every_and_disabled():
    stream = io.StringIO()
    with tour.StepProgress(5, "job", stream=stream, every=2) as bar:
        for i in range(5):
            bar.advance(f"step {i + 1}")
    assert stream.getvalue().splitlines() == ["job [2/5] step 2", "job [4/5] step 4",
                                              "job [5/5] step 5"]
    silent = io.StringIO()
    bar = tour.StepProgress(2, "job", enabled=False, stream=silent)
    bar.advance("x")
    assert silent.getvalue() == ""


def test_step_progress_draws_a_bar_on_a_terminal():
    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with tour.StepProgress(4, "job", stream=stream) as bar:
        for _ in range(4):
            bar.advance("working")
    assert "job: 100%" in stream.getvalue() and "4/4" in stream.getvalue()
    assert "job [4/4]" not in stream.getvalue()  # a bar, not lines


def test_the_tour_runs_without_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setattr(tour.report, "has_matplotlib", lambda: False)
    report = tour.run_tour(tmp_path, quick=True, progress=False).read_text(encoding="utf-8")
    assert "matplotlib: not installed" in report
    assert report.count("matplotlib is not installed") == 12  # one note per picture
    assert not list(tmp_path.glob("*.png"))
    for target in LINK.findall(report):  # what is linked (the DOT file, anchors) still exists
        assert target.startswith("#") or (tmp_path / target).is_file()


def test_run_tour_refuses_a_file_as_folder(tmp_path):
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(ValueError, match="must be a folder"):
        tour.run_tour(file, quick=True, progress=False)
