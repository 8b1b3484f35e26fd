"""The ``badak`` command against hostile inputs (issue 12): edited model metadata, files that
are not files, outputs written onto inputs, sizes that cannot be allocated, a predict on very
wide CSV files and a closed pipe. Each ends in one line ``badak: error: ...`` and exit code 2
(or, for the closed pipe, quietly with exit code 0), never a traceback or a wrong answer."""

import os
import subprocess
import sys

import numpy as np
import pytest

import badak
from cli_run import run

pytest.importorskip("matplotlib")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_line_error(code, err, *fragments):
    assert code == 2, err
    assert err.startswith("badak: error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture
def two_feature_csv(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    labels = np.where(x[:, 0] > 0, 7, 3)
    rows = "\n".join(f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(x, labels))
    path = tmp_path / "kinds.csv"
    path.write_text("u,v,kind\n" + rows + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- row 6: metadata checked
GOOD = {"data": "kinds.csv", "task": "classification", "features": ["u", "v"],
        "target": "kind", "classes": [3.0, 7.0], "mean": [0.0, 0.0], "scale": [1.0, 1.0]}

BAD_METADATA = {
    "a string": ("abc", "must be a JSON object; received str"),
    "a list": ([1, 2], "must be a JSON object; received list"),
    "four classes for two outputs": ({**GOOD, "classes": [1, 2, 3, 4]},
                                     "one label for each of the model's 2 outputs"),
    "one column fed to both inputs": ({**GOOD, "features": ["u", "u"]}, "'u' twice"),
    "three features for two inputs": ({**GOOD, "features": ["u", "v", "kind"],
                                       "mean": None, "scale": None},
                                      "one column for each of the model's 2 inputs"),
    "features not a list": ({**GOOD, "features": "uv"}, "'features' must be a non-empty list"),
    "unknown task": ({**GOOD, "task": "ranking"}, "'task' must be one of"),
    "mean of the wrong length": ({**GOOD, "mean": [0.0]},
                                 "'mean' must be a list of 2 finite numbers"),
    "scale of strings": ({**GOOD, "scale": ["1", "1"]}, "'scale' must be a list of 2 positive"),
    "zero scale": ({**GOOD, "scale": [0.0, 1.0]}, "positive finite numbers"),
    "mean without scale": ({**GOOD, "scale": None}, "both null"),
    "classes of mixed types": ({**GOOD, "classes": [3, "seven"]},
                               "'classes' must be a list of at least 2"),
    "duplicate classes": ({**GOOD, "classes": [3, 3]}, "distinct labels"),
    "regression of two outputs": ({**GOOD, "task": "regression", "classes": None},
                                  "for a model of 2 outputs"),
    "target not a string": ({**GOOD, "target": 5}, "'target' must be a string"),
}


@pytest.mark.parametrize("meta, message", BAD_METADATA.values(), ids=BAD_METADATA.keys())
def test_malformed_cli_metadata_is_a_one_line_error(capsys, in_tmp, two_feature_csv, meta,
                                                     message):
    badak.save(badak.nn.MLP([2, 4, 2], rng=0), in_tmp / "m.npz", metadata={"badak_cli": meta})
    code, out, err = run(capsys, "predict", "m.npz", "--data", str(two_feature_csv))
    one_line_error(code, err, "m.npz", "'badak_cli'", message)
    assert out == ""


def test_wellformed_metadata_predicts(capsys, in_tmp, two_feature_csv):
    badak.save(badak.nn.MLP([2, 4, 2], rng=0), in_tmp / "m.npz", metadata={"badak_cli": GOOD})
    code, out, err = run(capsys, "predict", "m.npz", "--data", str(two_feature_csv))
    assert code == 0, err
    assert out.splitlines()[0] == "prediction,p_3,p_7"


def test_a_model_trained_on_word_labels_validates_and_predicts_words(capsys, in_tmp):
    # the one validator (badak.persistence.validated_cli_metadata) accepts what badak train
    # writes for a target column of words, and badak predict answers in those words
    from badak.persistence import load_checkpoint, validated_cli_metadata

    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 2))
    words = np.where(x[:, 0] > 0, "dog", "cat")
    rows = "\n".join(f"{a:.4f},{b:.4f},{w}" for (a, b), w in zip(x, words))
    (in_tmp / "pets.csv").write_text("u,v,kind\n" + rows + "\n", encoding="utf-8")
    code, _, err = run(capsys, "train", "--data", "pets.csv", "--target", "kind", "--epochs",
                       "60", "--lr", "0.05", "--hidden", "8", "--save", "pets.npz", "-q")
    assert code == 0, err
    checkpoint = load_checkpoint("pets.npz")
    meta = validated_cli_metadata(checkpoint.model, checkpoint.metadata, "pets.npz")
    assert meta["classes"] == ["cat", "dog"] and meta["features"] == ["u", "v"]
    code, out, err = run(capsys, "predict", "pets.npz", "--data", "pets.csv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "prediction,p_cat,p_dog"
    predicted = [line.split(",")[0] for line in lines[1:]]
    assert set(predicted) == {"cat", "dog"}
    assert np.mean(np.array(predicted) == words) >= 0.9, predicted


# ---------------------------------------------------------------- row 7: not regular files
def test_dev_zero_as_csv_is_refused_at_once(capsys):
    badak.save(badak.nn.MLP([2, 1], rng=0), "m.npz")
    code, _, err = run(capsys, "predict", "m.npz", "--data", "/dev/zero")
    one_line_error(code, err, "'/dev/zero' is a character device; expected a regular file")
    code, _, err = run(capsys, "train", "--data", "/dev/zero.csv", "--target", "y")
    one_line_error(code, err, "does not exist")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_without_blocking(capsys, in_tmp):
    os.mkfifo(in_tmp / "pipe.csv")
    code, _, err = run(capsys, "train", "--data", "pipe.csv", "--target", "y")
    one_line_error(code, err, "'pipe.csv' is a pipe (FIFO); expected a regular file")


def test_a_folder_as_model_is_refused(capsys, in_tmp, two_feature_csv):
    (in_tmp / "folder.npz").mkdir()
    code, _, err = run(capsys, "predict", "folder.npz", "--data", str(two_feature_csv))
    one_line_error(code, err, "is a folder; expected a regular file")


def test_an_endless_line_is_refused(capsys, in_tmp, monkeypatch):
    from badak.interfaces.cli import csvfile

    monkeypatch.setattr(csvfile, "MAX_LINE_CHARS", 1000)
    (in_tmp / "wide.csv").write_text("a,y\n" + "1" * 5000 + ",2\n", encoding="utf-8")
    code, _, err = run(capsys, "train", "--data", "wide.csv", "--target", "y")
    one_line_error(code, err, "has a line longer than 1,000 characters")


# ---------------------------------------------------------------- row 9: outputs onto inputs
def test_train_refuses_to_save_over_its_data(capsys, in_tmp, two_feature_csv):
    before = two_feature_csv.read_bytes()
    code, _, err = run(capsys, "train", "--data", "kinds.csv", "--target", "kind",
                       "--epochs", "1", "--save", "kinds.csv", "-q")
    one_line_error(code, err, "--save 'kinds.csv' is the data file")
    os.symlink("kinds.csv", in_tmp / "link.npz")       # the same file under another name
    code, _, err = run(capsys, "train", "--data", "kinds.csv", "--target", "kind",
                       "--epochs", "1", "--save", "link.npz", "-q")
    one_line_error(code, err, "--save 'link.npz' is the data file")
    code, _, err = run(capsys, "train", "--data", "./sub/../kinds.csv", "--target", "kind",
                       "--epochs", "1", "--save", "kinds.csv", "-q")
    one_line_error(code, err, "is the data file")
    assert two_feature_csv.read_bytes() == before


def test_predict_refuses_to_write_over_the_model_or_the_data(capsys, in_tmp, two_feature_csv):
    (in_tmp / "sub").mkdir()
    code, _, err = run(capsys, "train", "--data", "kinds.csv", "--target", "kind",
                       "--epochs", "1", "--hidden", "4", "--save", "m.npz", "-q")
    assert code == 0, err
    model, data = (in_tmp / "m.npz").read_bytes(), two_feature_csv.read_bytes()
    for target, what in (("kinds.csv", "the data file"), ("m.npz", "the model file"),
                         ("sub/../m.npz", "the model file")):
        code, out, err = run(capsys, "predict", "m.npz", "--data", "kinds.csv", "--output",
                             target)
        one_line_error(code, err, f"--output {target!r} is {what}")
    assert (in_tmp / "m.npz").read_bytes() == model
    assert two_feature_csv.read_bytes() == data


# ---------------------------------------------------------------- row 15: sizes too big
def test_a_network_too_big_for_memory_is_a_one_line_error(capsys):
    code, _, err = run(capsys, "train", "--data", "moons", "--hidden", "1000000,1000000",
                       "--epochs", "1", "-q")
    one_line_error(code, err, "the network 2-1000000-1000000-2 needs about", "TiB of memory",
                   "--hidden")


def test_boston_with_a_network_too_big_is_a_one_line_error(capsys):
    code, _, err = run(capsys, "boston", "--hidden", "2000000,2000000", "--epochs", "1", "-q")
    one_line_error(code, err, "the network 13-2000000-2000000-1 needs about", "--hidden")


def test_too_many_samples_is_a_one_line_error(capsys):
    code, _, err = run(capsys, "train", "--data", "moons", "--samples", "10000000000000",
                       "--epochs", "1", "-q")
    one_line_error(code, err, "--samples 10000000000000 needs about", "of memory")


def test_the_memory_bound_follows_what_is_available(capsys, monkeypatch):
    from badak.interfaces.cli import memory

    monkeypatch.setattr(memory, "available_memory", lambda: 60_000)
    code, _, err = run(capsys, "train", "--data", "moons", "--samples", "100", "--hidden",
                       "1024", "--epochs", "1", "-q")
    one_line_error(code, err, "the network 2-1024-2 needs about", "than the 58.6 KiB available")


# ---------------------------------------------------------------- row 16: wide CSV files
class NoLinearSearch(list):
    """A header list whose linear searches fail the test: columns must be found by a map."""

    def index(self, *args):
        raise AssertionError("a linear search (list.index) over the column names")

    def __contains__(self, item):
        raise AssertionError("a linear search (in) over the column names")


def test_predict_matches_columns_by_a_name_to_index_map():
    from badak.interfaces.cli.commands.predict import _select_columns
    from badak.interfaces.cli.csvfile import Table

    names = NoLinearSearch(f"c{i}" for i in range(2000))
    rows = [[str(i + j) for j in range(2000)] for i in range(3)]
    table = Table("wide.csv", names, rows, [2, 3, 4])
    features = [f"c{i}" for i in range(1999, -1, -2)]
    x = _select_columns(table, {"features": features}, 1000)
    assert x.shape == (3, 1000)
    np.testing.assert_array_equal(x[1], [1 + int(f[1:]) for f in features])


def test_predict_on_a_wide_csv(capsys, in_tmp):
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.normal(size=(6, n)).round(2)
    header = ",".join(f"f{i}" for i in range(n))
    (in_tmp / "wide.csv").write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in x)
                                     + "\n", encoding="utf-8")
    features = [f"f{i}" for i in range(n - 1, -1, -1)]            # reversed order
    badak.save(badak.nn.MLP([n, 1], rng=0), "w.npz",
               metadata={"badak_cli": {"data": "wide.csv", "task": "regression",
                                       "features": features, "target": "y", "classes": None,
                                       "mean": None, "scale": None}})
    code, out, err = run(capsys, "predict", "w.npz", "--data", "wide.csv")
    assert code == 0, err
    model = badak.load("w.npz")
    expected = badak.training.predict(model, x[:, ::-1].copy()).ravel()
    np.testing.assert_allclose([float(v) for v in out.splitlines()[1:]], expected, rtol=1e-5)


# ---------------------------------------------------------------- row 20: closed pipe
def test_a_closed_pipe_ends_quietly_with_exit_code_0(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)                      # the reader has gone, as after `| head -1`
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        done = subprocess.run([sys.executable, "-m", "badak", "perceptron", "--gate", "and"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
                              check=False, cwd=tmp_path, env=env)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 0
