"""scikit-learn's own estimator checks (``parametrize_with_checks``) on badak's estimators.

Each estimator is checked with few epochs and a raised learning rate so that the whole suite
stays fast; the checks that demand a good score (``check_classifiers_train``,
``check_regressors_train``) still pass with these settings.
"""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from badak.interfaces.sklearn import MLPClassifier, MLPRegressor, PerceptronClassifier  # noqa: E402

ESTIMATORS = [
    MLPRegressor(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=30, random_state=0),
    MLPClassifier(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=30, random_state=0),
    PerceptronClassifier(epochs=20, random_state=0),
]


# scikit-learn's check data is not linearly separable: the perceptron says so, rightly.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
