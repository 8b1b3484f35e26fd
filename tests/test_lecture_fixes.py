"""Regression tests for the lecture's outputs that were wrong or misleading (issue 14): each
number is recomputed here independently of the code that prints it."""

import re
import warnings
from fractions import Fraction

import numpy as np
import pytest

from badak.datasets import logic_gate
from badak.interfaces.cli import main
from badak.lecture import atlas
from badak.lecture.gd import minimize
from badak.lecture.perceptron import NotLinearlySeparableWarning, Perceptron


def _rule(text: str):
    """Parse 'threshold form: y = 1 if A x1 + B x2 > T' into exact Fractions (A, B, T)."""
    line = text.splitlines()[0]
    m = re.fullmatch(r"threshold form: y = 1 if (-?[\d.]+) x1 ([+-]) ([\d.]+) x2 > (-?[\d.]+)",
                     line)
    assert m, line
    a = Fraction(m[1])
    b = Fraction(m[3]) * (1 if m[2] == "+" else -1)
    return a, b, Fraction(m[4])


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_the_printed_rule_is_right_on_every_input_in_exact_arithmetic(gate):
    x, y = logic_gate(gate)
    p = Perceptron(2, lr=0.1, max_epochs=20).fit(x, y)
    assert p.exact_ and p.converged_
    a, b, theta = _rule(p.describe())
    exact = [1 if a * int(u) + b * int(v) > theta else 0 for u, v in x]
    assert exact == y.tolist()
    assert p.predict(x).tolist() == y.tolist()


def test_nand_needs_six_epochs_and_ends_at_b_03():
    # By hand, in exact arithmetic from zeros with η = 1/10 (W, B integers, w = W/10):
    # epoch 1: 00 → ŷ=0≠1: B=1; 01 → 1 ok; 10 → 1 ok; 11 → ŷ=1≠0: W=(-1,-1), B=0  (2 errors)
    # ... the sixth epoch is the first without an error, at W = (-2, -1), B = 3.
    # The old float code stopped after 5 epochs at b = 0.2 + 2.8e-17, whose printed rule
    # "-0.2 x1 - 0.1 x2 > -0.2" is wrong on (1, 0): -0.2 > -0.2 is false, but NAND(1, 0) = 1.
    x, y = logic_gate("nand")
    p = Perceptron(2, lr=0.1, max_epochs=20).fit(x, y)
    assert p.errors_ == [2, 3, 3, 2, 1, 0]
    assert p.bias_ == 0.3 and p.weights_.tolist() == [-0.2, -0.1]
    assert "y = 1 if -0.2 x1 - 0.1 x2 > -0.3" in p.describe()
    assert "strictly greater" in p.describe()


def test_the_decision_line_does_not_run_through_a_sample_of_nand():
    x, y = logic_gate("nand")
    p = Perceptron(2).fit(x, y)
    sums = [Fraction(repr(float(w))) * int(v) for w, v in zip(p.weights_, (1, 0))]
    assert sum(sums) + Fraction(repr(p.bias_)) == Fraction(1, 10)   # (1, 0) is off the line


def test_xor_warning_counts_the_samples_the_final_weights_get_wrong():
    x, y = logic_gate("xor")
    with pytest.warns(NotLinearlySeparableWarning) as rec:
        p = Perceptron(2, max_epochs=20).fit(x, y)
    wrong = int((p.predict(x) != y).sum())
    assert wrong == 2
    message = str(rec[0].message)
    assert f"{wrong} of 4 samples are wrong" in message
    assert "4 updates in the last epoch" in message


def test_a_huge_learning_rate_reports_the_overflow():
    x, y = logic_gate("and")
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # no "not linearly separable" warning either
        with pytest.raises(OverflowError, match=r"lr=1e\+308 is too large.*overflowed"):
            Perceptron(2, lr=1e308).fit(x, y)


def test_cli_perceptron_huge_lr_is_a_user_error(capsys):
    code = main(["perceptron", "--gate", "and", "--lr", "1e308"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "overflowed" in err and "not linearly separable" not in out + err


def test_leaky_relu_is_not_called_zero_centred():
    # E[max(0, x)] = 1/√(2π) for x ~ N(0, 1); leaky ReLU adds 0.01·E[min(0, x)] = -0.01/√(2π)
    relu = 1 / np.sqrt(2 * np.pi)
    assert atlas.mean_output("relu") == pytest.approx(relu, abs=1e-6)
    assert atlas.mean_output("leaky_relu") == pytest.approx(0.99 * relu, abs=1e-6)
    assert atlas.mean_output("tanh") == pytest.approx(0.0, abs=1e-9)
    rows = {r.name: r for r in atlas.ATLAS}
    assert rows["leaky_relu"].zero_centred == "no" and rows["prelu"].zero_centred == "no"
    line = next(row for row in atlas.table().splitlines() if row.startswith("leaky_relu"))
    assert "0.395" in line and "roughly" not in atlas.table()


def test_maxout_in_the_atlas_is_not_a_prelu():
    x = np.linspace(-4, 4, 81)
    y, _ = atlas.evaluate("maxout", x)
    np.testing.assert_allclose(y, np.maximum(x, 0.5 - 0.5 * x))
    assert y[0] > 0       # a PReLU is negative for x < 0 (a > 0)


@pytest.mark.parametrize("expr, x0, kind", [
    (lambda x: x ** 3, 0.0, "inflection"), (lambda x: -(x ** 2), 0.0, "maximum"),
    (lambda x: x ** 4, 0.0, "minimum"), (lambda x: x ** 2, 3.0, "minimum"),
])
def test_gradient_descent_names_the_kind_of_stationary_point(expr, x0, kind):
    r = minimize(expr, x0, lr=0.5, steps=10)
    assert r.converged and r.stationary == kind
    assert r.stopped_reason.startswith("stationary point")
    assert "converged" not in r.stopped_reason


def test_saddle_point_of_two_variables():
    r = minimize(lambda v: v[0] ** 2 - v[1] ** 2, [0.0, 0.0], lr=0.1, steps=3)
    assert r.stationary == "saddle" and "-2, 2" in r.stopped_reason


def test_cli_gd_at_an_inflection_point_does_not_say_converged(capsys):
    assert main(["gd", "x**3", "--x0", "0"]) == 0
    out = capsys.readouterr().out
    assert "inflection point, not a minimum" in out and "converged" not in out


def test_saturation_picture_names_both_measures():
    pytest.importorskip("matplotlib")
    import badak
    from badak.lecture import diagnose

    model = badak.nn.MLP([8, 8, 8], activation="sigmoid", rng=0)
    for layer in model:
        if isinstance(layer, badak.nn.Linear):
            layer.weight.data = layer.weight.data * 20
    rep = diagnose.saturated_units(model, np.random.default_rng(0).standard_normal((50, 8)))
    fig = diagnose.plot_unit_health({"net": rep})
    title = fig.axes[0].get_title()
    assert f"{100 * rep.overall:.1f}% of units saturated on every sample" in title
    assert f"{100 * rep.output_fraction:.1f}% of outputs saturated" in title


def test_the_float_rerun_the_report_shows_is_wrong_on_1_0():
    from badak.lecture.tour.gates import float_perceptron

    x, y = logic_gate("nand")
    floats = float_perceptron(x, y, lr=0.1, max_epochs=20)
    assert floats["epochs"] == 4
    assert floats["bias"] - 0.2 == pytest.approx(2.8e-17, rel=0.05)
    assert floats["rule"] == "-0.2 x1 - 0.1 x2 > -0.2"
    a, b, theta = _rule("threshold form: y = 1 if " + floats["rule"])
    assert (a * 1 + b * 0 > theta) is False          # exact: NAND(1, 0) = 1 is missed
