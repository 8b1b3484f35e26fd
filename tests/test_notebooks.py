"""The notebooks under notebooks/: committed without outputs, and executed headless with short
parameters; their key numbers agree with the library functions the tour uses."""

import json
import tempfile
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

# Short settings for the test run: the parameters cell of each notebook is replaced by these.
SHORT = {
    "01_boston_housing": dict(FOLDS=4, EPOCHS=2, BATCH_SIZE=64, FINAL_EPOCHS=2,
                              FINAL_BATCH_SIZE=64, SEED=0),
    "03_perceptron": dict(LR=0.1, MAX_EPOCHS=20),
    "04_gradient_descent": dict(STEPS=10, LR=0.1),
    "05_activations": dict(EPOCHS=2, WIDTH=32, SEED=0),
    "06_mlp_xor_and_toy_sets": dict(EPOCHS=20, SAMPLES=100, SEED=0),
    "07_mnist5k": dict(EPOCHS=2, BATCH_SIZE=64, SEED=0),
}


def test_there_is_a_notebook_per_chapter():
    assert [p.stem for p in PATHS] == [
        "01_boston_housing", "02_backprop", "03_perceptron", "04_gradient_descent",
        "05_activations", "06_mlp_xor_and_toy_sets", "07_mnist5k"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: strip them"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_is_bilingual_and_has_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for text in texts[1:]:
        assert "**한국어**" in text and "**English**" in text, text[:80]
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == (path.stem in SHORT)
    for cell in tagged:
        names = {line.split("=")[0].strip() for line in cell.source.splitlines() if "=" in line}
        assert names == set(SHORT[path.stem]), f"{path.name}: parameters {names}"


def run_notebook(stem: str) -> dict:
    """Execute a notebook with its short parameters and return its ``summary`` dict."""
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(f"{k} = {v!r}" for k, v in SHORT[stem].items())
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint(json.dumps(summary, default=float))"))
    with tempfile.TemporaryDirectory() as cwd:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": cwd}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{stem}: {out.ename}: {out.evalue}"
    return json.loads(nb.cells[-1].outputs[0].text)


def test_boston_notebook_matches_the_tour(tmp_path):
    from badak.lecture.tour import boston_housing

    got = run_notebook("01_boston_housing")
    p = SHORT["01_boston_housing"]
    want = boston_housing(tmp_path, folds=p["FOLDS"], epochs=p["EPOCHS"],
                          batch_size=p["BATCH_SIZE"], final_epochs=p["FINAL_EPOCHS"],
                          final_batch_size=p["FINAL_BATCH_SIZE"], rng=p["SEED"]).results
    assert got["mean_val_mae"] == pytest.approx(want["mean_val_mae"], rel=1e-6)
    assert got["fold_val_mae"] == pytest.approx(want["fold_val_mae"], rel=1e-6)
    assert got["test_mae"] == pytest.approx(want["test_mae"], rel=1e-6)


def test_backprop_notebook_numbers(tmp_path):
    from badak.lecture.tour import apple_backprop

    got = run_notebook("02_backprop")
    want = apple_backprop(tmp_path).results
    assert got["total"] == pytest.approx(want["total"]) == pytest.approx(220)
    assert got["d_apple"] == pytest.approx(want["grads"]["apple"]) == pytest.approx(2.2)
    assert got["fruit_total"] == pytest.approx(715)
    assert got["dz_dx"] == pytest.approx(6.0)


def test_perceptron_notebook_matches_the_tour(tmp_path):
    from badak.lecture.tour import gates_and_perceptron

    got = run_notebook("03_perceptron")
    want = gates_and_perceptron(tmp_path, max_epochs=SHORT["03_perceptron"]["MAX_EPOCHS"])
    assert set(got) == {"and", "or", "nand", "xor"}      # the gates the tour trains too
    for gate, numbers in got.items():                     # what the notebook shows of each
        assert numbers == {key: want.results[gate][key] for key in numbers}, gate
    assert got["xor"]["converged"] is False and got["and"]["correct"] == 4


def test_gradient_descent_notebook_matches_the_tour(tmp_path):
    from badak.lecture.tour import gradient_descent

    got = run_notebook("04_gradient_descent")
    want = gradient_descent(tmp_path, steps=SHORT["04_gradient_descent"]["STEPS"]).results
    for key in ("closed_form_gap", "zigzag_f", "newton_f"):
        assert got[key] == pytest.approx(want[key], abs=1e-12)
    assert got["diverged"] is want["diverged"] is True


def test_activations_notebook_matches_the_tour(tmp_path):
    from badak.lecture import atlas
    from badak.lecture.tour import diagnostics

    got = run_notebook("05_activations")
    p = SHORT["05_activations"]
    want = diagnostics(tmp_path, width=p["WIDTH"], epochs=p["EPOCHS"], rng=p["SEED"]).results
    assert got["activations"] == atlas.names()
    assert got["ratio"] == pytest.approx(want["ratio"], rel=1e-6)
    assert list(got["dead"].values()) == pytest.approx(list(want["dead"].values()))
    assert got["ratio"]["sigmoid"] < 1e-3  # vanishing gradients


def test_mlp_notebook_matches_the_tour(tmp_path):
    from badak.lecture.tour import mlp_xor

    got = run_notebook("06_mlp_xor_and_toy_sets")
    p = SHORT["06_mlp_xor_and_toy_sets"]
    want = mlp_xor(tmp_path, epochs=p["EPOCHS"], samples=p["SAMPLES"], rng=p["SEED"]).results
    assert got                                            # the notebook reports numbers
    for key, value in got.items():                        # each one as the tour computes it
        assert value == pytest.approx(want[key]), key


def test_mnist_notebook_learns():
    got = run_notebook("07_mnist5k")
    assert 0.7 < got["test_accuracy"] <= got["train_accuracy"] + 0.05


def test_korean_cells_use_the_note_terms():
    text = " ".join(c.source for p in PATHS for c in nbformat.read(p, as_version=4).cells
                    if c.cell_type == "markdown")
    terms = ["순전파", "역전파", "계산 그래프", "국소적 미분", "연쇄 법칙", "덧셈 노드",
             "곱셈 노드",
             "기울기 소실", "임계값", "편향", "가중치", "학습률", "경사하강법", "테일러 급수",
             "다층 퍼셉트론", "은닉층", "활성화 함수", "과적합", "과소적합", "교차 검증",
             "평균 절대 오차"]
    assert [t for t in terms if t not in text] == []
