"""badak.interfaces.sklearn as a drop-in for scikit-learn's MLPs (issue 11 item 9): scikit-learn's
parameter names with scikit-learn's meanings, one step computed to the last digits as
scikit-learn computes it, the same scores on the digits, and the same start on the moons."""

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.neural_network import MLPClassifier as SkMLPClassifier  # noqa: E402
from sklearn.neural_network import MLPRegressor as SkMLPRegressor  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from badak.datasets import make_moons  # noqa: E402
from badak.interfaces.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def data(kind: str, n: int = 60):
    rng = np.random.default_rng(0)
    x = StandardScaler().fit_transform(rng.normal(size=(n, 4)))
    if kind == "regression":
        return x, x @ np.array([1.0, -2.0, 0.5, 3.0]) + 1.0
    return x, np.array(["a", "b", "c"])[rng.integers(0, 3, size=n)]  # 3 classes: 3 softmax units


SETTINGS = {
    "sgd alpha": dict(solver="sgd", momentum=0.0, alpha=0.5, learning_rate_init=0.1),
    "sgd nesterov": dict(solver="sgd", momentum=0.9, alpha=0.01, learning_rate_init=0.05),
    "adam": dict(solver="adam", alpha=0.1, learning_rate_init=0.01, beta_1=0.8, beta_2=0.99,
                 epsilon=1e-6),
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_steps_from_the_same_weights_match_scikit_learn(kind, settings):
    """Given scikit-learn's initial weights, three epochs of two batches each give
    scikit-learn's weights and loss_curve_: the loss (half squared error or log loss), the L2
    penalty alpha / (2 n) ||W||², the solvers and their hyperparameters mean the same."""
    x, y = data(kind)
    sk_cls, ours_cls = (SkMLPRegressor, MLPRegressor) if kind == "regression" else \
        (SkMLPClassifier, MLPClassifier)
    common = dict(hidden_layer_sizes=(5, 3), batch_size=30, shuffle=False, max_iter=1,
                  random_state=0, **settings)
    sk = sk_cls(**common).fit(x, y)
    ours = ours_cls(**common).fit(x, y)
    for mine, theirs in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_):
        mine[...] = theirs                    # the live arrays of ours.model_
    ours._optimizer = ours._make_optimizer()  # fresh state on both sides
    sk._optimizer = None
    sk.set_params(warm_start=True, max_iter=3)
    ours.set_params(warm_start=True, max_iter=3)
    sk.fit(x, y)
    ours.fit(x, y)
    np.testing.assert_allclose(ours.loss_curve_[1:], sk.loss_curve_[1:], rtol=1e-10)
    for mine, theirs in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)


def test_scikit_learns_attributes_and_stopping():
    x, y = data("regression", 100)
    reg = MLPRegressor((8,), learning_rate_init=0.05, tol=0.5, n_iter_no_change=2,
                       random_state=0).fit(x, y)
    # the loss stops improving by tol=0.5: more than 2 such epochs in a row end the run
    assert 3 <= reg.n_iter_ < 200 and len(reg.loss_curve_) == reg.n_iter_
    assert reg.best_loss_ == min(reg.loss_curve_) and reg.loss_ == reg.loss_curve_[-1]
    assert reg.validation_scores_ is None and reg.t_ == 100 * reg.n_iter_
    early = MLPClassifier((8,), early_stopping=True, n_iter_no_change=3, max_iter=300,
                          learning_rate_init=0.01, random_state=0).fit(*data("cls", 200))
    assert early.best_loss_ is None and len(early.validation_scores_) == early.n_iter_
    assert early.best_validation_score_ == max(early.validation_scores_)
    assert early.n_iter_ < 300
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\) reached"):
        MLPRegressor((4,), max_iter=2, random_state=0).fit(x, y)


def test_badak_names_are_aliases():
    x, y = data("regression")
    a = MLPRegressor((4,), epochs=3, optimizer="rmsprop", learning_rate=0.01,
                     random_state=0).fit(x, y)
    b = MLPRegressor((4,), max_iter=3, solver="rmsprop", learning_rate_init=0.01,
                     random_state=0).fit(x, y)
    np.testing.assert_array_equal(a.predict(x), b.predict(x))
    assert a.n_iter_ == 3
    for bad, message in [(dict(epochs=3, max_iter=5), "epochs is badak's name for max_iter"),
                         (dict(optimizer="sgd", solver="rmsprop"),
                          "optimizer is badak's name for solver"),
                         (dict(learning_rate=0.1, learning_rate_init=0.01),
                          "badak's name for learning_rate_init")]:
        with pytest.raises(ValueError, match=message):
            MLPRegressor((4,), **bad).fit(x, y)


def test_learning_rate_schedules_of_sgd():
    x, y = data("regression", 100)
    reg = MLPRegressor((4,), solver="sgd", learning_rate="invscaling", power_t=0.5,
                       learning_rate_init=0.01, max_iter=3, random_state=0).fit(x, y)
    assert reg._optimizer.lr == pytest.approx(0.01 / (300 + 1) ** 0.5)
    adaptive = MLPRegressor((4,), solver="sgd", learning_rate="adaptive", tol=1e6,
                            n_iter_no_change=1, learning_rate_init=0.01, max_iter=6,
                            random_state=0).fit(x, y)
    # epochs 2-3 and 4-5 fail the (huge) tol test twice in a row (more than
    # n_iter_no_change=1): the step is divided by 5 each time instead of stopping
    assert adaptive.n_iter_ == 6 and adaptive._optimizer.lr == pytest.approx(0.01 / 5 ** 2)


def test_the_moons_start_as_with_scikit_learn():
    """Ten epochs on 200 moons are ten Adam steps (batch_size='auto' is 200) of 0.001: the
    accuracy is the initial network's. With badak's He-normal start, zero biases, the first
    loss was about 0.92 (the logits too large) and one seed in three predicted one class
    (accuracy 0.5 where scikit-learn had 0.77). Now the network starts as scikit-learn's
    (Glorot-uniform weights and biases; for two classes, softmax(0, z) = scikit-learn's
    sigmoid(z)), near log 2 = 0.69, and is on average at least as accurate after ten epochs."""
    x, y = make_moons(200, noise=0.1, rng=0)
    ours, theirs = [], []
    for seed in range(5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours.append(MLPClassifier(epochs=10, random_state=seed).fit(x, y))  # = max_iter
            theirs.append(SkMLPClassifier(max_iter=10, random_state=seed).fit(x, y))
    first = np.mean([m.loss_curve_[0] for m in ours])
    assert abs(first - np.mean([m.loss_curve_[0] for m in theirs])) < 0.02
    assert abs(first - np.log(2)) < 0.05
    accuracy = np.mean([m.score(x, y) for m in ours])
    assert accuracy >= np.mean([m.score(x, y) for m in theirs]) - 0.02


def test_digits_score_as_scikit_learn_does():
    """3-fold cross-validation on the 1,797 digits, a small budget (benchmarks/sklearn_compare.py
    runs the defaults): within 0.02 of scikit-learn's mean accuracy."""
    x, y = load_digits(return_X_y=True)
    settings = dict(hidden_layer_sizes=(32,), max_iter=30, learning_rate_init=0.01)
    ours = [cross_val_score(MLPClassifier(random_state=s, **settings), x, y, cv=3).mean()
            for s in (0, 1)]
    theirs = [cross_val_score(SkMLPClassifier(random_state=s, **settings), x, y, cv=3).mean()
              for s in (0, 1)]
    assert np.mean(ours) > 0.85
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.02
