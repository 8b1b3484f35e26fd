"""The perceptron: the learning rule step by step, the gates, and XOR's failure."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from badak.datasets import logic_gate  # noqa: E402
from badak.lecture.perceptron import (  # noqa: E402
    AND,
    NAND,
    OR,
    XOR,
    NotLinearlySeparableWarning,
    Perceptron,
    describe_rule,
    plot_decision_line,
)


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_learns_linearly_separable_gates(gate):
    x, y = logic_gate(gate)
    p = Perceptron(2, lr=0.1, max_epochs=100).fit(x, y)
    assert p.converged_
    assert p.errors_[-1] == 0 and all(e > 0 for e in p.errors_[:-1])
    assert p.n_epochs_ == len(p.errors_) < 100
    np.testing.assert_array_equal(p.predict(x), y)


def test_one_update_of_the_rule_by_hand():
    # w = (0, 0), b = 0, sample x = (1, 1), y = 1: w·x + b = 0 is not > 0, so ŷ = 0 and
    # w += 0.1·(1 - 0)·(1, 1) = (0.1, 0.1), b += 0.1·(1 - 0) = 0.1. Epoch 2 is error-free.
    p = Perceptron(2, lr=0.1, max_epochs=5).fit([[1.0, 1.0]], [1])
    np.testing.assert_allclose(p.weights_, [0.1, 0.1])
    assert p.bias_ == pytest.approx(0.1)
    assert p.errors_ == [1, 0]
    assert p.converged_ and p.n_epochs_ == 2


def test_and_epoch_by_epoch():
    # Epoch 1 on AND from zeros: 00, 01, 10 give ŷ = 0 = y; 11 gives ŷ = 0 != 1, so
    # w = (0.1, 0.1), b = 0.1 (one error). The rule then needs five more epochs.
    x, y = logic_gate("and")
    p = Perceptron(2, lr=0.1).fit(x, y)
    assert p.errors_ == [1, 3, 3, 2, 1, 0]
    np.testing.assert_allclose(p.weights_, [0.2, 0.1], atol=1e-12)
    assert p.bias_ == pytest.approx(-0.2)
    assert p.threshold_ == pytest.approx(0.2)
    text = p.describe()
    assert "y = 1 if 0.2 x1 + 0.1 x2 > 0.2" in text
    assert "y = 1 if -0.2 + 0.2 x1 + 0.1 x2 > 0" in text


def test_xor_is_reported_not_linearly_separable_and_stops():
    x, y = logic_gate("xor")
    with pytest.warns(NotLinearlySeparableWarning, match="not linearly separable") as rec:
        p = Perceptron(2, max_epochs=25).fit(x, y)
    assert "one straight line cannot split" in str(rec[0].message)
    assert not p.converged_
    assert p.n_epochs_ == 25 == len(p.errors_)
    assert min(p.errors_) > 0
    assert (p.predict(x) != y).any()


@pytest.mark.parametrize("name, gate", [("and", AND), ("or", OR), ("nand", NAND),
                                        ("xor", XOR)])
def test_hand_wired_gates_on_arrays_and_scalars(name, gate):
    x, y = logic_gate(name)
    np.testing.assert_array_equal(gate(x[:, 0], x[:, 1]), y)
    for (a, b), expected in zip(x.astype(int).tolist(), y.tolist()):
        out = gate(a, b)
        assert isinstance(out, int) and out == expected


def test_xor_is_and_of_nand_and_or():
    x1 = np.array([0, 0, 1, 1])
    x2 = np.array([0, 1, 0, 1])
    np.testing.assert_array_equal(XOR(x1, x2), AND(NAND(x1, x2), OR(x1, x2)))
    np.testing.assert_array_equal(XOR(x1, x2), [0, 1, 1, 0])


def test_shuffled_training_is_repeatable_with_a_seed():
    x, y = logic_gate("or")
    a = Perceptron(2, shuffle=True, init="random", rng=3).fit(x, y)
    b = Perceptron(2, shuffle=True, init="random", rng=3).fit(x, y)
    np.testing.assert_array_equal(a.weights_, b.weights_)
    assert a.errors_ == b.errors_ and a.converged_


@pytest.mark.parametrize("x, y, match", [
    (np.zeros(4), np.zeros(4), r"2-D array of shape \(n_samples, 2\)"),
    (np.zeros((4, 3)), np.zeros(4), r"received shape \(4, 3\)"),
    (np.zeros((4, 2)), np.array([0, 1, 2, 1]), "only the labels 0 and 1"),
    (np.zeros((4, 2)), np.zeros(3), "one label per row"),
    (np.array([[0.0, np.nan]] * 4), np.zeros(4), "finite"),
])
def test_fit_rejects_bad_data(x, y, match):
    with pytest.raises(ValueError, match=match):
        Perceptron(2).fit(x, y)


@pytest.mark.parametrize("kwargs, exc", [
    ({"lr": -0.1}, ValueError), ({"max_epochs": 0}, ValueError), ({"init": "ones"}, ValueError),
    ({"n_inputs": 2.5}, TypeError), ({"shuffle": "yes"}, TypeError),
])
def test_constructor_rejects_bad_arguments(kwargs, exc):
    args = {"n_inputs": 2, **kwargs}
    with pytest.raises(exc, match=next(iter(kwargs))):
        Perceptron(**args)


def test_predict_before_fit_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        Perceptron(2).predict([[0.0, 1.0]])


def test_plot_decision_line_draws_samples_and_line():
    x, y = logic_gate("and")
    p = Perceptron(2).fit(x, y)
    ax = plot_decision_line(p, x, y)
    assert len(ax.collections) >= 2          # the shaded regions and the two classes
    (line,) = ax.get_lines()
    xs, ys = line.get_data()
    # the line is w1 x1 + w2 x2 + b = 0
    np.testing.assert_allclose(p.weights_[0] * xs + p.weights_[1] * ys + p.bias_, 0, atol=1e-12)
    assert "converged" in ax.get_title()
    with pytest.raises(ValueError, match="n_inputs=3"):
        plot_decision_line(Perceptron(3).fit(np.eye(3), [0, 1, 1]), np.eye(3), [0, 1, 1])
    import matplotlib.pyplot as plt
    plt.close("all")


def test_describe_rule_of_the_book_gates():
    # NAND: w = (-0.5, -0.5), b = 0.7, so θ = -0.7
    assert describe_rule((-0.5, -0.5), 0.7).splitlines() == [
        "threshold form: y = 1 if -0.5 x1 - 0.5 x2 > -0.7",
        "bias form:      y = 1 if 0.7 - 0.5 x1 - 0.5 x2 > 0",
        "(strictly greater: a sum exactly at the threshold gives y = 0)",
    ]


def test_partial_fit_runs_one_epoch_of_the_rule_from_the_current_weights():
    x, y = logic_gate("and")
    p = Perceptron(2)
    for expected in [1, 3, 3, 2, 1, 0]:  # the same epochs as fit, one call at a time
        p.partial_fit(x, y)
        assert p.errors_[-1] == expected
    assert p.converged_ and p.n_epochs_ == 6
    full = Perceptron(2).fit(x, y)
    np.testing.assert_array_equal(p.weights_, full.weights_)
    assert p.bias_ == full.bias_
