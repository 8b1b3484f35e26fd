"""badak.interfaces.sklearn in scikit-learn's ecosystem: pipelines, grid search, cross-validation,
clone, pickle, incremental training, probabilities, multi-output, parameter errors, the
perceptron."""

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

from badak.datasets import logic_gate, make_moons  # noqa: E402
from badak.interfaces.sklearn import MLPClassifier, MLPRegressor, PerceptronClassifier  # noqa: E402
from badak.interfaces.sklearn._base import MLP_ACTIVATIONS  # noqa: E402

# The perceptron does not converge on the overlapping blobs used here; that warning is tested on
# XOR below (pytest.warns sees it whatever the filters say).
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def regression_data(n=120, outputs=None, seed=0):
    """y = a smooth function of 3 features on a large scale (so scaling matters)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * [1.0, 100.0, 0.01] + [0.0, 500.0, 0.0]
    z = x[:, 0] + (x[:, 1] - 500.0) / 100.0 - x[:, 2] * 100.0
    y = np.stack([z, 2 * z + 1, -z], axis=1)
    return (x, y[:, 0]) if outputs is None else (x, y[:, :outputs])


def blobs(n=120, seed=0):
    """Three well separated classes with string labels."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    labels = rng.integers(0, 3, size=n)
    x = centers[labels] + rng.normal(scale=0.7, size=(n, 2))
    return x * 50.0, np.array(["ant", "bee", "cat"])[labels]


def small_regressor(**kw):
    return MLPRegressor(**{"hidden_layer_sizes": (16,), "learning_rate": 0.01, "epochs": 60,
                           "batch_size": 16, "random_state": 0, **kw})


def small_classifier(**kw):
    return MLPClassifier(**{"hidden_layer_sizes": (16,), "learning_rate": 0.01, "epochs": 40,
                            "batch_size": 16, "random_state": 0, **kw})


# (estimator, data, least acceptable score: r2 for the regressor, accuracy otherwise)
CASES = {
    "regressor": (small_regressor, regression_data, 0.9),
    "classifier": (small_classifier, blobs, 0.95),
    "perceptron": (lambda: PerceptronClassifier(epochs=50, random_state=0), blobs, 0.9),
}


@pytest.fixture(params=list(CASES))
def case(request):
    make, data, least = CASES[request.param]
    x, y = data()
    return make(), x, y, least


# ---------------------------------------------------------------- the ecosystem
def test_in_a_pipeline_with_standard_scaler(case):
    est, x, y, least = case
    pipe = make_pipeline(StandardScaler(), est).fit(x, y)
    assert pipe.score(x, y) >= least
    assert pipe[-1].n_features_in_ == x.shape[1]


def test_in_grid_search(case):
    est, x, y, least = case
    grid = {"learning_rate": [0.01, 0.05]}
    search = GridSearchCV(make_pipeline(StandardScaler(), est),
                          {f"{type(est).__name__.lower()}__{k}": v for k, v in grid.items()},
                          cv=3).fit(x, y)
    assert len(search.cv_results_["params"]) == 2
    assert search.best_score_ >= least - 0.1
    assert search.best_estimator_.score(x, y) >= least


def test_in_cross_val_score_with_two_processes(case):
    est, x, y, least = case
    scores = cross_val_score(make_pipeline(StandardScaler(), est), x, y, cv=3, n_jobs=2)
    assert scores.shape == (3,)
    assert scores.min() >= least - 0.1


def test_clone_gives_an_unfitted_twin(case):
    est, x, y, _ = case
    est.fit(StandardScaler().fit_transform(x), y)
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(twin)
    with pytest.raises(NotFittedError):
        twin.predict(x)
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(twin))


def test_pickle_round_trip_gives_the_same_predictions(case):
    est, x, y, _ = case
    x = StandardScaler().fit_transform(x)
    est.fit(x, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(x), est.predict(x))
    if hasattr(est, "predict_proba"):
        np.testing.assert_array_equal(again.predict_proba(x), est.predict_proba(x))


def test_same_random_state_gives_the_same_model(case):
    est, x, y, _ = case
    x = StandardScaler().fit_transform(x)
    a = clone(est).fit(x, y)
    b = clone(est).fit(x, y)
    for wa, wb in zip(a.coefs_ if hasattr(a, "coefs_") else [a.coef_],
                      b.coefs_ if hasattr(b, "coefs_") else [b.coef_]):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("make", [small_regressor, small_classifier])
def test_fitted_model_holds_no_graph_and_no_gradients(make):
    x, y = (regression_data if make is small_regressor else blobs)()
    est = make().fit(StandardScaler().fit_transform(x), y)
    assert not est.model_.training
    for p in est.model_.parameters():
        assert p.grad is None and p.creator is None


# ---------------------------------------------------------------- attributes
def test_regressor_attributes_follow_scikit_learn_names():
    x, y = regression_data()
    reg = MLPRegressor((8, 4), epochs=5, random_state=0).fit(x, y)
    assert [w.shape for w in reg.coefs_] == [(3, 8), (8, 4), (4, 1)]
    assert [b.shape for b in reg.intercepts_] == [(8,), (4,), (1,)]
    assert reg.n_layers_ == 4 and reg.n_outputs_ == 1 and reg.n_iter_ == 5
    assert len(reg.loss_curve_) == 5 and reg.best_loss_ == min(reg.loss_curve_)
    assert reg.history_.history["loss"] == reg.loss_curve_
    assert reg.coefs_[0].dtype == np.float64           # the dtype of X, as in scikit-learn
    assert reg.predict(x).shape == (120,)


def test_feature_names_are_remembered():
    pd = pytest.importorskip("pandas")
    x, y = regression_data()
    reg = MLPRegressor((4,), epochs=2, random_state=0).fit(pd.DataFrame(x, columns=list("abc")), y)
    assert reg.feature_names_in_.tolist() == ["a", "b", "c"]


def test_multi_output_regression():
    x, y = regression_data(outputs=3)
    x = StandardScaler().fit_transform(x)
    reg = small_regressor().fit(x, y)
    assert reg.n_outputs_ == 3 and reg.coefs_[-1].shape == (16, 3)
    pred = reg.predict(x)
    assert pred.shape == (120, 3) and pred.dtype == np.float64
    assert reg.score(x, y) > 0.9


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_predict_proba_rows_sum_to_one_and_agree_with_predict(loss):
    x, y = blobs()
    x = StandardScaler().fit_transform(x)
    clf = small_classifier(loss=loss).fit(x, y)
    proba = clf.predict_proba(x)
    assert proba.shape == (120, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (proba >= 0).all()
    np.testing.assert_array_equal(clf.predict(x), clf.classes_[proba.argmax(axis=1)])
    assert clf.classes_.tolist() == ["ant", "bee", "cat"]
    assert clf.score(x, y) > 0.95


def test_binary_classification_has_two_outputs():
    x, y = blobs()
    keep = y != "cat"
    clf = small_classifier().fit(StandardScaler().fit_transform(x[keep]), y[keep])
    assert clf.classes_.tolist() == ["ant", "bee"] and clf.coefs_[-1].shape == (16, 2)
    assert clf.predict_proba(x[:5]).shape == (5, 2)


@pytest.mark.parametrize("activation", MLP_ACTIVATIONS)
def test_every_lecture_activation_learns_the_moons(activation):
    x, y = make_moons(200, noise=0.1, rng=0)
    # n_iter_no_change=100: no stop on a plateau (scikit-learn's tol test) within 100 epochs
    clf = MLPClassifier((32,), activation=activation, learning_rate=0.02, epochs=100,
                        batch_size=20, n_iter_no_change=100, random_state=0).fit(x, y)
    assert clf.loss_curve_[-1] < 0.1 * clf.loss_curve_[0]
    assert clf.score(x, y) > 0.97                         # a straight line gets about 0.87


def test_early_stopping_keeps_a_validation_curve():
    x, y = regression_data(n=200)
    reg = small_regressor(early_stopping=True, n_iter_no_change=3, epochs=500)
    reg.fit(StandardScaler().fit_transform(x), y)
    assert reg.n_iter_ < 500 and len(reg.validation_loss_curve_) == reg.n_iter_
    assert reg.history_.params["samples"] == 180          # 10% held out


# ---------------------------------------------------------------- incremental training
def test_warm_start_continues_where_fit_stopped():
    x, y = regression_data()
    x = StandardScaler().fit_transform(x)
    reg = small_regressor(warm_start=True, epochs=10).fit(x, y)
    first = [w.copy() for w in reg.coefs_]
    reg.fit(x, y)
    assert reg.n_iter_ == 20 and len(reg.loss_curve_) == 20
    assert reg.loss_curve_[10] < reg.loss_curve_[0]
    assert not np.array_equal(first[0], reg.coefs_[0])
    cold = small_regressor(epochs=10).fit(x, y)
    cold.fit(x, y)
    assert cold.n_iter_ == 10                              # without warm_start: a fresh start


def test_partial_fit_makes_one_epoch_each_call():
    x, y = blobs()
    x = StandardScaler().fit_transform(x)
    clf = small_classifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(x, y)
    clf.partial_fit(x[:40], y[:40], classes=["ant", "bee", "cat"])
    for _ in range(30):
        clf.partial_fit(x, y)
    assert clf.n_iter_ == 31 and len(clf.loss_curve_) == 31
    assert clf.loss_curve_[-1] < clf.loss_curve_[1]
    assert clf.score(x, y) > 0.95
    with pytest.raises(ValueError, match=r"labels \['dog'\]"):
        clf.partial_fit(x[:2], ["ant", "dog"])


def test_partial_fit_regressor_matches_fit_one_epoch():
    x, y = regression_data()
    a = small_regressor(epochs=1).fit(x, y)
    b = small_regressor().partial_fit(x, y)
    np.testing.assert_array_equal(a.predict(x), b.predict(x))


# ---------------------------------------------------------------- parameter errors
ERRORS = [
    (MLPRegressor, "activation", "rlu",
     r"The 'activation' parameter of MLPRegressor must be a str among \{('elu'|'identity'|"
     r"'leaky_relu'|'logistic'|'maxout'|'prelu'|'relu'|'sigmoid'|'tanh'|, )+\}. Got 'rlu' "
     r"instead."),
    (MLPClassifier, "activation", "step",
     "The 'activation' parameter of MLPClassifier must be a str among"),
    (PerceptronClassifier, "activation", "relu",
     r"The 'activation' parameter of PerceptronClassifier must be a str among \{'step'\}. "
     "Got 'relu' instead."),
    (MLPRegressor, "optimizer", "sgdd", "The 'optimizer' parameter of MLPRegressor must be"),
    (MLPRegressor, "loss", "cross_entropy", "The 'loss' parameter of MLPRegressor must be"),
    (MLPClassifier, "batch_size", 0, "The 'batch_size' parameter of MLPClassifier must be"),
    (MLPClassifier, "max_iter", 0, r"The 'max_iter' parameter of MLPClassifier must be an int "
     r"in the range \[1, inf\). Got 0 instead."),
    (MLPClassifier, "epochs", 0, r"The 'epochs' parameter of MLPClassifier must be an int in "
     r"the range \[1, inf\) or None. Got 0 instead."),
    (MLPRegressor, "learning_rate", -0.1, "The 'learning_rate' parameter of MLPRegressor must be"),
    (MLPRegressor, "dropout", 1.0, r"The 'dropout' parameter of MLPRegressor must be a float "
     r"in the range \[0.0, 1.0\). Got 1.0 instead."),
    (MLPClassifier, "validation_fraction", 1.5, "The 'validation_fraction' parameter"),
    (MLPRegressor, "hidden_layer_sizes", (10, 0), "The 'hidden_layer_sizes' parameter of "
     r"MLPRegressor must be an int >= 1 or a sequence of ints >= 1. Got \(10, 0\) instead."),
    (PerceptronClassifier, "epochs", 2.5, "The 'epochs' parameter of PerceptronClassifier"),
]


@pytest.mark.parametrize("cls, name, value, message", ERRORS,
                         ids=[f"{c.__name__}-{n}" for c, n, _, _ in ERRORS])
def test_bad_parameters_raise_in_fit_with_scikit_learns_message(cls, name, value, message):
    est = cls(**{name: value})                            # __init__ only stores
    assert est.get_params()[name] == value
    x, y = logic_gate("and")
    with pytest.raises(ValueError, match=message):
        est.fit(x, y)


# ---------------------------------------------------------------- the perceptron
def test_perceptron_learns_and_by_the_rule_worked_by_hand():
    # w = (0, 0), b = 0, η = 0.1, samples in order (0,0) (0,1) (1,0) (1,1); ŷ = 1 if w·x+b > 0.
    # epoch 1: only (1,1) is wrong (z = 0): w = (0.1, 0.1), b = 0.1              1 error
    # epoch 2: (0,0) b = 0; (0,1) w = (0.1, 0), b = -0.1; (1,1) w = (0.2, 0.1), b = 0   3
    # epoch 3: (0,1) w = (0.2, 0), b = -0.1; (1,0) w = (0.1, 0), b = -0.2;
    #          (1,1) w = (0.2, 0.1), b = -0.1                                             3
    # epoch 4: (1,0) w = (0.1, 0.1), b = -0.2; (1,1) w = (0.2, 0.2), b = -0.1              2
    # epoch 5: (0,1) w = (0.2, 0.1), b = -0.2                                              1
    # epoch 6: no error: converged, y = 1 if 0.2 x1 + 0.1 x2 - 0.2 > 0
    x, y = logic_gate("and")
    clf = PerceptronClassifier().fit(x, y)
    assert clf.errors_ == [[1, 3, 3, 2, 1, 0]] and clf.n_iter_ == 6 and clf.converged_
    np.testing.assert_allclose(clf.coef_, [[0.2, 0.1]], atol=1e-12)
    np.testing.assert_allclose(clf.intercept_, [-0.2], atol=1e-12)
    assert clf.predict(x).tolist() == [0, 0, 0, 1]
    assert clf.decision_function(x).shape == (4,)


def test_perceptron_reports_that_xor_does_not_converge():
    x, y = logic_gate("xor")
    with pytest.warns(ConvergenceWarning, match="did not converge in epochs=30"):
        clf = PerceptronClassifier(epochs=30).fit(x, y)
    assert not clf.converged_ and clf.n_iter_ == 30
    assert clf.score(x, y) < 1.0


def test_perceptron_multiclass_is_one_vs_rest():
    x, y = blobs()
    clf = PerceptronClassifier(epochs=50).fit(StandardScaler().fit_transform(x), y)
    assert clf.coef_.shape == (3, 2) and len(clf.perceptrons_) == 3
    assert clf.decision_function(x).shape == (120, 3)


def test_perceptron_partial_fit_and_warm_start_continue_training():
    from badak.datasets import logic_gate
    from badak.interfaces.sklearn import PerceptronClassifier

    x, y = logic_gate("and")
    clf = PerceptronClassifier()
    for _ in range(6):
        clf.partial_fit(x, y, classes=[0, 1])
    assert clf.n_iter_ == 6 and clf.converged_
    assert clf.predict(x).tolist() == [0, 0, 0, 1]
    with pytest.raises(ValueError, match="classes must be passed"):
        PerceptronClassifier().partial_fit(x, y)

    short = PerceptronClassifier(epochs=2, warm_start=True)
    with pytest.warns(ConvergenceWarning):
        short.fit(x, y)
    assert short.n_iter_ == 2 and not short.converged_
    short.fit(x, y)  # continues with epochs=2 more: 4 in all, still short of the end
    assert short.n_iter_ == 4 and not short.converged_
    short.fit(x, y)  # epochs 5 and 6: the rule's last update, then an epoch without errors
    assert short.converged_ and short.n_iter_ == 6
    np.testing.assert_array_equal(short.coef_, clf.coef_)
