"""Plots: each makes a non-empty picture with the expected panels, and bad input is named."""

from types import SimpleNamespace

import numpy as np
import pytest

from badak.lecture import plots

CURVES = {"loss": [3.0, 2.0, 1.5], "mae": [1.4, 1.1, 0.9], "val_loss": [3.2, 2.4, 2.0],
          "val_mae": [1.5, 1.2, 1.1]}


def test_plot_history(tmp_path):
    path = tmp_path / "curves.png"
    fig = plots.plot_history(SimpleNamespace(history=CURVES), path=path)
    assert len(fig.axes) == 2 and path.stat().st_size > 5_000
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["training loss", "validation loss"]


def test_plot_history_rejects_unknown_metric_and_empty_history():
    with pytest.raises(ValueError, match="metrics must be among"):
        plots.plot_history(CURVES, metrics=["acc"])
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.plot_history({})


def test_plot_cv(tmp_path):
    folds = [SimpleNamespace(history=CURVES), SimpleNamespace(history=CURVES)]
    result = SimpleNamespace(histories=folds, mean_curves=CURVES)
    fig = plots.plot_cv(result, path=tmp_path / "cv.png", skip=1)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 6  # 2 folds x (train, val) + 2 means
    assert (tmp_path / "cv.png").stat().st_size > 5_000


def test_decision_boundary_of_a_callable(tmp_path):
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    fig = plots.plot_decision_boundary(lambda t: t.data[:, :1], x, y, path=tmp_path / "b.png",
                                       resolution=30)
    assert fig.axes and (tmp_path / "b.png").stat().st_size > 5_000
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plots.plot_decision_boundary(lambda t: t, np.ones((3, 3)), [0, 1, 0])


def test_predictions(tmp_path):
    fig = plots.plot_predictions([1, 2, 3], [1.1, 1.9, 3.2], path=tmp_path / "p.png")
    assert "MAE 0.13" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="one value per y_true"):
        plots.plot_predictions([1, 2], [1])
