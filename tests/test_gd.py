"""Gradient descent and Newton's method with the Taylor check of every step."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import badak  # noqa: E402
from badak.lecture.gd import GDResult, LearningRateWarning, minimize, plot_path  # noqa: E402


def square(x):
    return x ** 2


def bowl(x):  # f(x) = x0² + 3 x1² + x0 x1, Hessian [[2, 1], [1, 6]], minimum at 0
    return x[0] ** 2 + 3 * x[1] ** 2 + x[0] * x[1]


def test_gd_on_x_squared_matches_the_closed_form():
    # x ← x - 0.1·2x = 0.8x, so x_k = 3·0.8^k and f(x_k) = 9·0.64^k.
    r = minimize(square, 3.0, lr=0.1, steps=20)
    k = np.arange(21)
    np.testing.assert_allclose(r.xs, 3 * 0.8 ** k, rtol=1e-12)
    np.testing.assert_allclose(r.fs, 9 * 0.64 ** k, rtol=1e-12)
    np.testing.assert_allclose(r.grads, 6 * 0.8 ** k, rtol=1e-12)
    assert len(r.steps) == 20 and not r.converged and not r.diverged
    assert r.x == pytest.approx(3 * 0.8 ** 20)


def test_first_step_taylor_check_by_hand():
    # x = 3, f = 9, f' = 6, f'' = 2, α = 0.1: first-order prediction 9 - 0.1·36 = 5.4,
    # second-order term (0.01/2)·6·2·6 = 0.36, so 5.76 = f(2.4) exactly (f is quadratic).
    s = minimize(square, 3.0, lr=0.1, steps=1).steps[0]
    assert (s.x_old, s.f_old, s.grad, s.hessian) == (3.0, 9.0, 6.0, 2.0)
    assert s.taylor1 == pytest.approx(5.4)
    assert s.second_order_term == pytest.approx(0.36)
    assert s.taylor2 == pytest.approx(5.76) and s.f_new == pytest.approx(5.76)
    assert s.taylor1_error == pytest.approx(0.36)


def quartic(x):
    return x ** 4 / 4 + x


def test_taylor_errors_shrink_like_alpha_squared_and_cubed():
    # f = x⁴/4 + x is not quadratic, so both predictions have an error; halving α divides the
    # first-order error by about 4 and the second-order one by about 8.
    def errors(alpha):
        s = minimize(quartic, 1.0, lr=alpha, steps=1).steps[0]
        return s.taylor1_error, s.taylor2_error

    e1, e2 = errors(0.01)
    h1, h2 = errors(0.005)
    assert e1 / h1 == pytest.approx(4.0, rel=0.02)
    assert e2 / h2 == pytest.approx(8.0, rel=0.05)
    assert abs(e2) < abs(e1)


def test_too_large_learning_rate_warns_and_is_reported_diverging():
    with pytest.warns(LearningRateWarning, match="learning rate lr=1.1 is too large"):
        r = minimize(square, 3.0, lr=1.1, steps=1000)
    assert r.diverged and not r.converged
    assert "diverging: the learning rate is too large" in r.stopped_reason
    assert len(r.steps) < 1000
    assert np.isfinite(r.xs).all() and np.isfinite(r.fs).all()
    # x_k = 3·(-1.2)^k until f passes the threshold
    np.testing.assert_allclose(r.xs, 3 * (-1.2) ** np.arange(len(r.xs)), rtol=1e-9)
    assert np.abs(r.fs).max() <= 1e12


def test_growth_within_the_step_budget_is_still_called_diverging():
    with pytest.warns(LearningRateWarning):
        r = minimize(square, 3.0, lr=1.1, steps=10)
    assert not r.diverged and r.fs[-1] > r.fs[0]
    assert "diverging" in r.stopped_reason


def test_overflow_stops_before_inf():
    with pytest.warns(LearningRateWarning):
        r = minimize(lambda x: (x * x).exp(), 3.0, lr=1.0, steps=50)
    assert r.diverged
    assert np.isfinite(r.xs).all() and np.isfinite(r.fs).all() and np.isfinite(r.grads).all()


@pytest.mark.parametrize("f, x0, minimum", [
    (lambda x: (x - 2) ** 2 + 1, 5.0, 2.0),
    (bowl, [1.0, -2.0], [0.0, 0.0]),
    (lambda x: ((x - 1) ** 2).sum() * 3, [4.0, 5.0, -6.0], [1.0, 1.0, 1.0]),
])
def test_newton_solves_a_quadratic_in_one_step(f, x0, minimum):
    r = minimize(f, x0, lr=1.0, steps=10, method="newton")
    assert len(r.steps) == 1 and r.converged
    np.testing.assert_allclose(r.xs[-1], minimum, atol=1e-12)
    assert r.steps[0].taylor2 == pytest.approx(r.steps[0].f_new)


def test_vector_gradient_and_hessian_from_autograd():
    r = minimize(bowl, [1.0, 2.0], lr=0.1, steps=1)
    s = r.steps[0]
    np.testing.assert_allclose(s.grad, [2 * 1 + 2, 6 * 2 + 1])
    np.testing.assert_allclose(s.hessian, [[2, 1], [1, 6]])
    np.testing.assert_allclose(s.x_new, [1 - 0.4, 2 - 1.3])
    assert r.xs.shape == (2, 2) and r.grads.shape == (2, 2)


def test_converges_when_gradient_vanishes():
    r = minimize(square, 3.0, lr=0.5, steps=50)   # x ← x - 0.5·2x = 0
    assert r.converged and len(r.steps) == 1
    assert r.stopped_reason.startswith("stationary point") and r.stationary == "minimum"


def test_newton_with_zero_second_derivative_stops_with_a_reason():
    r = minimize(lambda x: 2 * x + 1, 0.0, lr=1.0, steps=5, method="newton")
    assert not r.converged and not r.diverged and len(r.steps) == 0
    assert "singular" in r.stopped_reason


def test_table_lists_every_step():
    text = minimize(square, 3.0, lr=0.1, steps=3).table()
    lines = text.splitlines()
    assert "1st-order pred" in lines[1] and "2nd-order term" in lines[1]
    row = lines[3].split()
    assert row[:7] == ["1", "3", "9", "6", "5.76", "5.4", "0.36"]
    assert lines[-1] == "stopped: reached steps=3"


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"lr": 0.0}, ValueError, "lr must be > 0"),
    ({"steps": -1}, ValueError, "steps"),
    ({"method": "adam"}, ValueError, "method must be one of"),
    ({"x0": [[1.0]]}, ValueError, "1-D"),
    ({"x0": float("nan")}, ValueError, "finite"),
    ({"f": lambda x: 3.0}, TypeError, "badak Tensor"),
    ({"f": lambda x: x * badak.tensor(np.ones(3))}, ValueError, "scalar"),
])
def test_bad_arguments(kwargs, exc, match):
    args = {"f": square, "x0": 1.0, "lr": 0.1, "steps": 3, **kwargs}
    with pytest.raises(exc, match=match):
        minimize(**args)


@pytest.mark.parametrize("f, x0", [(square, 3.0), (bowl, [1.0, 2.0])])
def test_plot_path(f, x0):
    import matplotlib.pyplot as plt

    r = minimize(f, x0, lr=0.1, steps=5)
    assert isinstance(r, GDResult)
    ax = plot_path(r, f)
    path = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(r.xs)]
    assert path, "the path is drawn"
    np.testing.assert_allclose(path[0].get_xdata(), r.xs if r.xs.ndim == 1 else r.xs[:, 0])
    assert ax.figure.get_axes()
    plt.close("all")
