"""``badak train`` / ``badak predict`` on CSV files with words (issue 11 item 10): a label
column of words trains a classifier whose predictions are the words; ``--features`` and
``--drop`` choose the columns; a feature column of words is refused with a message naming the
column and ``--drop``."""

import numpy as np
import pytest

from cli_run import run

pytest.importorskip("matplotlib")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def pets_csv(in_tmp):
    """Two well separated clusters named 'cat' and 'dog', a name column of words and a noise
    column."""
    rng = np.random.default_rng(0)
    lines = ["name,weight,height,noise,species"]
    for i in range(80):
        dog = i % 2 == 1
        w, h = (rng.normal(3, 0.3), rng.normal(-3, 0.3)) if dog else \
            (rng.normal(-3, 0.3), rng.normal(3, 0.3))
        lines.append(f"pet{i},{w:.3f},{h:.3f},{rng.normal():.3f},{'dog' if dog else 'cat'}")
    (in_tmp / "pets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "pets.csv"


def test_a_label_column_of_words_trains_a_classifier_that_predicts_words(capsys, pets_csv):
    code, out, err = run(capsys, "train", "--data", pets_csv, "--target", "species",
                         "--drop", "name", "--epochs", "40", "--lr", "0.01", "--hidden", "8",
                         "--save", "pets.npz", "-q")
    assert code == 0, err
    assert "classification" in out and "MLP 3-8-2" in out
    code, out, err = run(capsys, "predict", "pets.npz", "--data", pets_csv)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "prediction,p_cat,p_dog"
    predicted = [line.split(",")[0] for line in lines[1:]]
    assert predicted == ["dog" if i % 2 else "cat" for i in range(80)]
    assert "accuracy on pets.csv: 1.0000" in err


def test_features_choose_the_columns_in_their_order(capsys, pets_csv):
    code, out, err = run(capsys, "train", "--data", pets_csv, "--target", "species",
                         "--features", "height,weight", "--epochs", "2", "--hidden", "4",
                         "--save", "two.npz", "-q")
    assert code == 0, err
    assert "MLP 2-4-2" in out
    import badak

    meta = badak.load_checkpoint("two.npz").metadata["badak_cli"]
    assert meta["features"] == ["height", "weight"] and meta["classes"] == ["cat", "dog"]


@pytest.mark.parametrize("argv, message", [
    (["--target", "species"],
     "pets.csv line 2, column 'name': 'pet0' is not a number; feature columns must hold numbers "
     "(words are only for the --target column): leave it out with --drop name"),
    (["--target", "species", "--drop", "colour"],
     "--drop: 'colour' is not a column of pets.csv"),
    (["--target", "species", "--features", "weight,size"],
     "--features: 'size' is not a column of pets.csv"),
    (["--target", "species", "--features", "weight,species"],
     "--features includes the target column 'species'"),
    (["--target", "species", "--features", "weight,weight"],
     "--features names a column twice"),
    (["--target", "species", "--features", "name", "--drop", "name"],
     "no feature column is left"),
    (["--target", "species", "--drop", "name", "--task", "regression"],
     "--task regression needs numbers in column 'species'; line 2 holds 'cat'"),
], ids=["word feature", "unknown drop", "unknown feature", "target as feature", "twice",
        "nothing left", "words for a regression"])
def test_column_choices_errors(capsys, pets_csv, argv, message):
    code, _, err = run(capsys, "train", "--data", pets_csv, *argv, "--epochs", "1", "-q")
    assert code == 2
    assert err.startswith("badak: error: ") and err.count("\n") == 1
    assert message in err, err


def test_features_and_drop_are_for_csv_files_only(capsys):
    code, _, err = run(capsys, "train", "--data", "moons", "--drop", "x1")
    assert code == 2 and "--drop is only for CSV files" in err


def test_predict_ignores_word_columns_that_are_not_features(capsys, pets_csv, in_tmp):
    code, _, err = run(capsys, "train", "--data", pets_csv, "--target", "species",
                       "--drop", "name,noise", "--epochs", "2", "--hidden", "4",
                       "--save", "m.npz", "-q")
    assert code == 0, err
    # new rows without the target, with a column of words the model does not use
    (in_tmp / "new.csv").write_text("name,height,weight\nrex,-3,3\nfelix,3,-3\n",
                                    encoding="utf-8")
    code, out, err = run(capsys, "predict", "m.npz", "--data", "new.csv")
    assert code == 0, err
    assert out.splitlines()[0] == "prediction,p_cat,p_dog" and len(out.splitlines()) == 3
    assert err == ""
