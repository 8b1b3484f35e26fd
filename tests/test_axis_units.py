"""Every axis of badak's pictures says its unit (issue 14), in English and in Korean."""

import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

# a unit in parentheses at the end ("x (no unit)", "time (ms, log scale)") or after a comma
# ("MAE (mean absolute error), $1000s"), or a count/percentage that is its own unit
UNIT = re.compile(r"\([^()]*\)$|, \S.*$|%")


def _labels(fig):
    return [label for ax in fig.axes if ax.axison
            for label in (ax.get_xlabel(), ax.get_ylabel()) if label]


def test_every_axis_of_the_tour_has_a_unit(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from badak.interfaces.cli import main

    seen = {}
    save = Figure.savefig

    def spy(fig, fname, *args, **kwargs):
        seen[str(fname)] = _labels(fig)
        return save(fig, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    assert main(["tour", "--quick", "--quiet", "--lang", "en", "--out", str(tmp_path)]) == 0
    assert len(seen) >= 12
    missing = {name: [label for label in labels if not UNIT.search(label)]
               for name, labels in seen.items()}
    assert {name: labels for name, labels in missing.items() if labels} == {}


@pytest.mark.parametrize("lang, loss, accuracy", [
    ("en", "loss (cross-entropy, nats)", "accuracy (fraction, 0 to 1)"),
    ("ko", "손실 (교차 엔트로피 오차, nat)", "정확도 (비율, 0에서 1)"),
])
def test_history_axes_name_their_units(lang, loss, accuracy):
    from badak.lecture.plots import plot_history

    history = {"loss": [0.7, 0.4], "accuracy": [0.5, 0.9]}
    fig = plot_history(history, lang=lang, units={"loss": "cross-entropy, nats"
                                                  if lang == "en" else "교차 엔트로피 오차, nat"})
    assert [ax.get_ylabel() for ax in fig.axes] == [loss, accuracy]
    # accuracy is a fraction whatever the data; a loss's unit only the caller knows
    fig = plot_history({"loss": [1.0, 0.5]}, lang=lang)
    assert fig.axes[0].get_ylabel() == ("loss" if lang == "en" else "손실")


@pytest.mark.parametrize("lang, unit, x_label, title", [
    ("en", "$1000s", "actual value ($1000s)", "predicted vs actual (MAE 0.50 $1000s)"),
    ("en", None, "actual value (no unit)", "predicted vs actual (MAE 0.50)"),
    ("ko", "$1000s", "실제값 ($1000s)", "예측값 대 실제값 (평균 절대 오차 0.50 $1000s)"),
])
def test_predictions_axes_name_the_targets_unit(lang, unit, x_label, title):
    from badak.lecture.plots import plot_predictions

    fig = plot_predictions(np.array([1.0, 2.0]), np.array([1.5, 2.5]), lang=lang, unit=unit)
    ax = fig.axes[0]
    assert ax.get_xlabel() == x_label and ax.get_title() == title
    assert ax.get_ylabel().endswith(f"({unit or ('no unit' if lang == 'en' else '단위 없음')})")


def test_train_regression_pictures_give_the_csv_targets_unit(tmp_path, capsys, monkeypatch):
    from matplotlib.figure import Figure

    from badak.interfaces.cli import main

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(40, 2))
    rows = "\n".join(f"{a:.3f},{b:.3f},{2 * a - b:.3f}" for a, b in x)
    data = tmp_path / "houses.csv"
    data.write_text("size,age,price\n" + rows + "\n", encoding="utf-8")
    seen = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig",
                        lambda fig, *a, **k: (seen.append(_labels(fig)), save(fig, *a, **k))[1])
    assert main(["train", "--data", str(data), "--target", "price", "--epochs", "2",
                 "--hidden", "4", "--quiet", "--out", str(tmp_path / "out")]) == 0
    curves, predictions = seen
    assert curves[1] == "loss (MSE, (unit of price)²)" and curves[3] == "MAE (unit of price)"
    assert predictions == ["actual value (unit of price)", "predicted value (unit of price)"]
    capsys.readouterr()
