"""badak.metrics: each metric on a hand-worked example, asserted to the digit."""

import math

import numpy as np
import pytest

from badak import metrics

Y = [1.0, 2.0, 4.0]
P = [1.0, 3.0, 2.0]   # errors 0, -1, 2


@pytest.mark.parametrize("name, expected", [
    ("mse", 5.0 / 3.0),                  # (0 + 1 + 4) / 3
    ("rmse", math.sqrt(5.0 / 3.0)),
    ("mae", 1.0),                        # (0 + 1 + 2) / 3
    # mean 7/3; Σ(y - ȳ)² = 16/9 + 1/9 + 25/9 = 42/9; Σ(y - ŷ)² = 5 -> 1 - 5 / (42/9)
    ("r2", 1.0 - 5.0 / (42.0 / 9.0)),
])
def test_regression_metrics_hand_worked(name, expected):
    assert metrics.get_metric(name)(Y, P) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("name", ["mse", "rmse", "mae", "r2"])
def test_regression_metrics_accept_column_predictions(name):
    fn = metrics.get_metric(name)
    assert fn(np.array(Y), np.array(P).reshape(-1, 1)) == fn(Y, P)


def test_perfect_prediction():
    assert metrics.mse(Y, Y) == 0.0
    assert metrics.mae(Y, Y) == 0.0
    assert metrics.r2(Y, Y) == 1.0


@pytest.mark.parametrize("pred, expected", [([3.0, 3.0], 1.0), ([3.0, 2.0], 0.0)])
def test_r2_constant_target(pred, expected):
    assert metrics.r2([3.0, 3.0], pred) == expected


def test_r2_averages_output_columns():
    y = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 2.0]])
    p = np.array([[1.0, 0.0], [2.0, 1.0], [4.0, 2.0]])
    # column 0: 1 - 1/2 = 0.5; column 1: perfect, 1.0
    assert metrics.r2(y, p) == pytest.approx(0.75)


@pytest.mark.parametrize("y_true, y_pred, expected", [
    # logits (N, C): argmax 0, 2, 0 against labels 0, 2, 1
    ([0, 2, 1], [[2.0, 1.0, 0.0], [0.1, 0.2, 0.3], [5.0, 0.0, 0.0]], 2 / 3),
    # one-hot targets, same logits
    ([[1, 0, 0], [0, 0, 1], [0, 1, 0]], [[2.0, 1.0, 0.0], [0.1, 0.2, 0.3], [5.0, 0.0, 0.0]], 2 / 3),
    # binary logits (N,): > 0 is class 1 -> 1, 0, 0, 1
    ([1, 0, 1, 1], [0.7, -1.2, -0.1, 3.0], 3 / 4),
    # binary logits (N, 1), a logit of exactly 0 is class 0
    ([[1], [0]], [[0.0], [0.0]], 1 / 2),
    # predicted labels
    ([0, 1, 2, 3], np.array([0, 1, 1, 3]), 3 / 4),
])
def test_accuracy(y_true, y_pred, expected):
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("fn, y_true, y_pred, match", [
    (metrics.mse, [1.0, 2.0], [1.0, 2.0, 3.0], "same shape"),
    (metrics.mae, [], [], "empty"),
    (metrics.r2, 1.0, 1.0, "1-D"),
    (metrics.accuracy, [0, 1], [[0.1, 0.2]], "same length"),
    (metrics.accuracy, [], np.zeros((0, 3)), "empty"),
])
def test_bad_input_raises(fn, y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        fn(y_true, y_pred)


def test_get_metric_unknown_lists_choices():
    with pytest.raises(ValueError, match=r"metric must be one of .*'mae'.*'accuracy'.*"
                                         r"received metric='mape'"):
        metrics.get_metric("mape")


def test_metrics_table_is_complete():
    assert set(metrics.METRICS) == {"mse", "rmse", "mae", "r2", "accuracy"}
