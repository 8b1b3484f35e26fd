"""Tests of the ``badak`` command: every subcommand runs (small sizes) and writes its files;
user errors are one line ``badak: error: ...`` with exit code 2 and no traceback."""

import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

import badak
from badak.interfaces.cli.commands import COMMANDS
from cli_run import run

pytest.importorskip("matplotlib")

COMMAND_NAMES = [c.NAME for c in COMMANDS]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run every command in a fresh folder, so the default ./badak-out lands there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def nonempty(path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def regression_csv(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = x @ np.array([1.0, 2.0, -1.0])
    rows = "\n".join(",".join(f"{v:.5f}" for v in (*r, t)) for r, t in zip(x, y))
    return write(tmp_path / "houses.csv", "a,b,c,price\n" + rows + "\n")


@pytest.fixture
def classification_csv(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 2))
    labels = np.where(x[:, 0] > 0, 7, 3)
    rows = "\n".join(f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(x, labels))
    return write(tmp_path / "kinds.csv", "u,v,kind\n" + rows + "\n")


# ---------------------------------------------------------------------------- help
@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_help_of_every_command(capsys, command):
    code, out, err = run(capsys, command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: badak {command}")
    assert "--quiet" in out


def test_main_help_lists_every_command(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert all(name in out for name in COMMAND_NAMES)
    code, out2, err = run(capsys)  # no command: the same help on stderr, and exit code 2
    assert code == 2 and out2 == ""
    assert err == out + "badak: error: a command is required (see 'badak --help')\n"


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"badak {badak.__version__}\n", "")


def test_module_entry_point_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "badak", "--help"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "usage: badak" in done.stdout and "tour" in done.stdout


# ---------------------------------------------------------------------------- each command
def test_activations(capsys, in_tmp):
    code, out, _ = run(capsys, "activations", "--out", "atlas")
    assert code == 0
    assert "sigmoid" in out and "zero-centred" in out
    assert nonempty(in_tmp / "atlas" / "activations.png")


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_perceptron_learns_the_separable_gates(capsys, in_tmp, gate):
    code, out, _ = run(capsys, "perceptron", "--gate", gate, "--plot", "p.png")
    assert code == 0
    assert "converged after" in out and "wrong" not in out
    assert "threshold form" in out and "bias form" in out
    assert nonempty(in_tmp / "p.png")


def test_perceptron_on_xor_explains_the_failure(capsys):
    code, out, err = run(capsys, "perceptron", "--gate", "xor", "--max-epochs", "7")
    assert code == 0 and err == ""
    assert "did not converge in 7 epochs" in out
    assert "not linearly separable" in out
    assert "XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2))" in out


def test_gd_prints_the_taylor_table_and_plots(capsys, in_tmp):
    code, out, _ = run(capsys, "gd", "x**2", "--x0", "3", "--lr", "0.1", "--steps", "5",
                       "--plot", "path.png")
    assert code == 0
    assert "1st-order pred" in out and "2nd-order term" in out
    # x_5 = 3 * 0.8^5 = 0.98304
    assert "result: x = 0.98304, f = 0.966368 after 5 steps" in out
    assert nonempty(in_tmp / "path.png")


def test_gd_reports_divergence(capsys):
    code, out, _ = run(capsys, "gd", "x**2", "--x0", "3", "--lr", "1.1", "--steps", "300")
    assert code == 0
    assert "diverging" in out and "warning: f increased" in out


def test_gd_two_variables_and_newton(capsys, in_tmp):
    code, out, _ = run(capsys, "gd", "x**2/20 + y**2", "--vars", "x,y", "--x0=-7,2",
                       "--lr", "1", "--method", "newton", "--steps", "3", "--plot", "c.png")
    assert code == 0
    assert "result: x, y = 0, 0, f = 0" in out
    assert nonempty(in_tmp / "c.png")


def test_graph_traces_the_apple_example(capsys, in_tmp):
    code, out, _ = run(capsys, "graph", "apple * count * tax", "--var", "apple=100",
                       "--var", "count=2", "--var", "tax=1.1", "--out", "g", "--name", "apple")
    assert code == 0
    leaves = out[out.index("gradients at the leaves"):]
    assert [line.split() for line in leaves.splitlines()[2:5]] == \
        [["apple", "100", "2.2"], ["count", "2", "110"], ["tax", "1.1", "200"]]
    dot = (in_tmp / "g" / "apple.dot").read_text()
    assert "220" in dot and "2.2" in dot
    if shutil.which("dot"):
        assert nonempty(in_tmp / "g" / "apple.svg")


def test_graph_without_graphviz_draws_its_own_picture(capsys, in_tmp, monkeypatch):
    # Without Graphviz, badak's own layout draws the picture (PNG through matplotlib).
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    code, out, err = run(capsys, "graph", "sigmoid(w*x + b)", "--var", "w=2", "--var", "x=1",
                         "--var", "b=-1", "--format", "png")
    assert code == 0 and err == ""
    assert nonempty(in_tmp / "badak-out" / "graph.dot")
    assert (in_tmp / "badak-out" / "graph.png").read_bytes().startswith(b"\x89PNG")


def test_graph_dot_format_only(capsys, in_tmp):
    code, _, _ = run(capsys, "graph", "x * x", "--var", "x=3", "--format", "dot")
    assert code == 0
    assert nonempty(in_tmp / "badak-out" / "graph.dot")
    assert not (in_tmp / "badak-out" / "graph.svg").exists()


def test_boston_small(capsys, in_tmp):
    code, out, err = run(capsys, "boston", "--folds", "2", "--epochs", "2", "--batch-size",
                         "64", "--final", "--final-epochs", "2", "--seeds", "2")
    assert code == 0
    assert "fold 1: final validation MAE" in out and "fold 2: final validation MAE" in out
    assert "mean validation MAE" in out and "over 2 seeds" in out and "test MAE" in out
    assert nonempty(in_tmp / "badak-out" / "boston_cv.png")
    assert "badak boston [5/5]" in err


@pytest.mark.parametrize("data, pictures", [
    ("xor", ["xor_curves.png", "xor_boundary.png"]),
    ("moons", ["moons_curves.png", "moons_boundary.png"]),
    ("boston", ["boston_curves.png", "boston_predictions.png"]),
    ("mnist5k", ["mnist5k_curves.png"]),
])
def test_train_on_builtin_data(capsys, in_tmp, data, pictures):
    code, out, err = run(capsys, "train", "--data", data, "--epochs", "2", "--hidden", "8",
                         "--batch-size", "64", "--samples", "60", "--quiet")
    assert code == 0
    assert err == ""  # --quiet: no progress
    assert "final: loss" in out
    model = in_tmp / "badak-out" / "model.npz"
    assert nonempty(model)
    assert badak.load(model).in_features == {"mnist5k": 784, "boston": 13}.get(data, 2)
    for name in pictures:
        assert nonempty(in_tmp / "badak-out" / name), name


def test_train_shows_progress_unless_quiet(capsys):
    code, _, err = run(capsys, "train", "--data", "gaussian", "--epochs", "3", "--samples",
                       "40", "--hidden", "4")
    assert code == 0
    assert [line.split(":")[0] for line in err.splitlines()] == \
        ["badak train [1/3] epoch 1", "badak train [2/3] epoch 2", "badak train [3/3] epoch 3"]


def test_train_and_predict_a_regression_csv(capsys, in_tmp, regression_csv):
    code, out, _ = run(capsys, "train", "--data", regression_csv, "--target", "price",
                       "--epochs", "3", "--hidden", "8", "--save", "reg.npz", "-q")
    assert code == 0 and "regression" in out and "mae" in out
    assert nonempty(in_tmp / "reg.npz")
    assert nonempty(in_tmp / "badak-out" / "houses_predictions.png")
    code, out, _ = run(capsys, "predict", "reg.npz", "--data", regression_csv, "--output",
                       "preds.csv")
    assert code == 0
    assert "MAE on" in out
    lines = (in_tmp / "preds.csv").read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 61
    float(lines[1])


def test_train_and_predict_a_classification_csv(capsys, in_tmp, classification_csv):
    code, out, _ = run(capsys, "train", "--data", classification_csv, "--target", "kind",
                       "--epochs", "3", "--hidden", "8", "--save", "cls.npz", "-q")
    assert code == 0 and "classification" in out and "accuracy" in out
    assert nonempty(in_tmp / "badak-out" / "kinds_boundary.png")
    # without --output: CSV on stdout, the score on stderr; predictions in the original labels
    code, out, err = run(capsys, "predict", "cls.npz", "--data", classification_csv)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "prediction,p_3,p_7" and len(lines) == 61
    assert {line.split(",")[0] for line in lines[1:]} <= {"3", "7"}
    assert "accuracy on" in err


def test_predict_a_plain_model_checks_the_feature_count(capsys, in_tmp, regression_csv):
    badak.save(badak.nn.MLP([4, 3, 1], rng=0), in_tmp / "plain.npz")
    code, out, _ = run(capsys, "predict", "plain.npz", "--data", regression_csv)
    assert code == 0 and out.splitlines()[0] == "prediction"  # 4 columns, 4 inputs
    badak.save(badak.nn.MLP([5, 3, 1], rng=0), in_tmp / "five.npz")
    code, _, err = run(capsys, "predict", "five.npz", "--data", regression_csv)
    assert code == 2
    assert err == (f"badak: error: the model takes 5 features but {regression_csv} has 4 "
                   f"columns (a, b, c, price)\n")


# ---------------------------------------------------------------------------- user errors
HOSTILE = ["__import__('os')", "__import__('os').system('echo hi')", "x.__class__",
           "lambda x: x", "(lambda: 1)()", "[x for x in (1, 2)]", "{x: 1 for x in (1,)}",
           "open('/etc/passwd')", "x if x else 1", "x[0]", "'a' * 3", "exp(x=1)"]


@pytest.mark.parametrize("expr", HOSTILE)
@pytest.mark.parametrize("command", ["gd", "graph"])
def test_hostile_expressions_are_refused(capsys, in_tmp, expr, command):
    argv = ["gd", expr, "--x0", "1"] if command == "gd" else ["graph", expr, "--var", "x=1"]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("badak: error: the expression") and "is refused" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (in_tmp / "badak-out").exists()  # refused before anything is written


BAD = {
    "unknown command": (["fly"], "invalid choice: 'fly'"),
    "unknown option": (["tour", "--fast"], "unrecognized arguments: --fast"),
    "negative lr": (["gd", "x**2", "--x0", "1", "--lr", "-1"],
                    "argument --lr: expected a number > 0; received -1"),
    "lr not a number": (["train", "--data", "xor", "--lr", "fast"],
                        "argument --lr: expected a number; received 'fast'"),
    "zero epochs": (["train", "--data", "xor", "--epochs", "0"],
                    "argument --epochs: expected a positive integer; received 0"),
    "bad hidden": (["train", "--data", "xor", "--hidden", "64,,64"], "argument --hidden"),
    "bad gate": (["perceptron", "--gate", "xnor"], "argument --gate: invalid choice"),
    "missing gate": (["perceptron"], "the following arguments are required: --gate"),
    "negative noise": (["train", "--data", "moons", "--noise", "-1"],
                       "argument --noise: expected a number >= 0; received -1"),
    "bad x0": (["gd", "x**2", "--x0", "three"], "argument --x0"),
    "x0 count": (["gd", "x*y", "--vars", "x,y", "--x0", "1"], "one starting value per variable"),
    "bad var": (["graph", "x", "--var", "x"], "argument --var: expected NAME=VALUE"),
    "var twice": (["graph", "x", "--var", "x=1", "--var", "x=2"], "more than once"),
    "one fold": (["boston", "--folds", "1"], "--folds must be at least 2"),
    "bad optimizer": (["boston", "--optimizer", "sgdd"], "argument --optimizer: invalid choice"),
    "unknown data": (["train", "--data", "iris"], "--data must be one of"),
    "missing csv": (["train", "--data", "nothere.csv", "--target", "y"],
                    "the CSV file 'nothere.csv' does not exist"),
    "target on builtin": (["train", "--data", "xor", "--target", "y"],
                          "--target is only for CSV files"),
    "missing model": (["predict", "nothere.npz", "--data", "x.csv"],
                      "the model file 'nothere.npz' does not exist"),
    "no expression variables": (["graph", "x * 2"], "declare each variable with --var"),
    "constant expression": (["graph", "2 * 3", "--var", "x=1"],
                            "uses no variable given with --var"),
}


@pytest.mark.parametrize("argv, message", BAD.values(), ids=BAD.keys())
def test_user_errors_are_one_line_with_exit_code_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("badak: error: ") and message in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert out == ""


CSV_ERRORS = {
    "not a number": ("a,b,y\n1,2,3\n4,abc,5\n", "y", "line 3, column 'b': 'abc' is not a number"),
    "empty cell": ("a,b,y\n1,,3\n", "y", "line 2, column 'b': the cell is empty"),
    "infinite": ("a,b,y\n1,inf,3\n", "y", "'inf' is not a finite number"),
    "ragged row": ("a,b,y\n1,2,3\n1,2\n", "y", "line 3 has 2 cells; the header has 3 columns"),
    "missing target": ("a,b,y\n1,2,3\n", "price",
                       "--target 'price' is not a column of {path}; its columns are a, b, y"),
    "no target": ("a,b,y\n1,2,3\n", None, "--target COLUMN is needed"),
    "empty file": ("", "y", "is empty; expected a header row"),
    "header only": ("a,b,y\n", "y", "has a header but no data rows"),
    "no header": ("1,2,3\n4,5,6\n", "y", "looks like data, not column names"),
    "duplicate column": ("a,a,y\n1,2,3\n", "y", "names the column 'a' twice"),
    "too few rows": ("a,y\n1,2\n3,4\n", "y", "at least 5 are needed"),
}


@pytest.mark.parametrize("text, target, message", CSV_ERRORS.values(), ids=CSV_ERRORS.keys())
def test_bad_csv_files_are_one_line_errors(capsys, in_tmp, text, target, message):
    path = write(in_tmp / "data.csv", text)
    argv = ["train", "--data", path] + ([] if target is None else ["--target", target])
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("badak: error: ") and message.format(path=path) in err, err
    assert len(err.splitlines()) == 1


def test_a_csv_that_is_not_text_is_an_error(capsys, in_tmp):
    (in_tmp / "bin.csv").write_bytes(b"\xff\xfe\x00\x81\x00")
    code, _, err = run(capsys, "train", "--data", "bin.csv", "--target", "y")
    assert code == 2 and "is not a UTF-8 text file" in err


@pytest.mark.parametrize("content, message", [
    (b"junk", "is not a badak model file"),
    (b"PK\x03\x04truncated", "junk.npz"),
])
def test_a_corrupted_model_file_is_an_error(capsys, in_tmp, regression_csv, content, message):
    (in_tmp / "junk.npz").write_bytes(content)
    code, _, err = run(capsys, "predict", "junk.npz", "--data", regression_csv)
    assert code == 2
    assert err.startswith("badak: error: ") and message in err
    assert len(err.splitlines()) == 1


def test_predict_names_the_missing_columns(capsys, in_tmp, regression_csv, classification_csv):
    assert run(capsys, "train", "--data", regression_csv, "--target", "price", "--epochs", "1",
               "--save", "reg.npz", "-q")[0] == 0
    code, _, err = run(capsys, "predict", "reg.npz", "--data", classification_csv)
    assert code == 2
    assert f"{classification_csv} lacks 3 of the model's 3 feature columns: a, b, c" in err


def test_an_output_folder_that_is_a_file_is_an_error(capsys, in_tmp):
    (in_tmp / "taken").write_text("x")
    code, _, err = run(capsys, "activations", "--out", "taken")
    assert code == 2 and "is a file; expected a folder" in err


@pytest.mark.parametrize("argv", [["perceptron", "--gate", "and", "--plot", "p.png"],
                                  ["gd", "x**2", "--x0", "1", "--plot", "p.png"]])
def test_an_explicit_plot_without_matplotlib_is_an_error(capsys, monkeypatch, argv):
    import badak.lecture.tour

    monkeypatch.setattr(badak.lecture.tour, "has_matplotlib", lambda: False)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == ("badak: error: --plot needs matplotlib, which is not installed: pip install "
                   "'badak[plot]'\n")


def test_train_without_matplotlib_saves_the_model_and_notes_it(capsys, in_tmp, monkeypatch):
    import badak.lecture.tour

    monkeypatch.setattr(badak.lecture.tour, "has_matplotlib", lambda: False)
    code, out, err = run(capsys, "train", "--data", "xor", "--epochs", "1", "--samples", "20",
                         "-q")
    assert code == 0 and "picture:" not in out
    assert nonempty(in_tmp / "badak-out" / "model.npz")
    assert err == ("badak: note: no pictures: matplotlib is not installed "
                   "(pip install 'badak[plot]')\n")


def test_divergence_is_a_one_line_error(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning may reach the user either
        code, _, err = run(capsys, "train", "--data", "moons", "--optimizer", "sgd", "--lr", "1e30",
                           "--epochs", "2", "--samples", "40", "-q")
    assert code == 2
    assert err.startswith("badak: error: training diverged")
    assert len(err.splitlines()) == 1
