"""badak's networks as scikit-learn estimators (needs the 'sklearn' extra).

- :class:`MLPRegressor` and :class:`MLPClassifier`: a :class:`badak.nn.MLP` trained by
  :func:`badak.fit`, with scikit-learn's own parameters and their meanings (``solver``,
  ``max_iter``, ``learning_rate_init``, ``alpha``, ``tol``...), so that they can replace
  ``sklearn.neural_network``'s MLPs; plus badak's activations and ``dropout``;
- :class:`PerceptronClassifier`: :class:`badak.lecture.perceptron.Perceptron` and its learning rule.

They follow scikit-learn's conventions (parameters stored by ``__init__``, checked by ``fit``;
fitted attributes ending in ``_``), pass its ``check_estimator`` suite, and so work in
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``::

    from sklearn.model_selection import GridSearchCV
    from badak.interfaces.sklearn import MLPClassifier
    search = GridSearchCV(MLPClassifier(max_iter=50), {"activation": ["relu", "tanh"]})

Pickling a fitted estimator works (scikit-learn's convention, e.g. for joblib); to keep a model
in a file that cannot run code when loaded, save ``estimator.model_`` with :func:`badak.save`.
"""

try:
    import sklearn  # noqa: F401
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("badak.interfaces.sklearn needs scikit-learn: "
                      "pip install 'badak[sklearn]'") from err

from badak.interfaces.sklearn.mlp import MLPClassifier, MLPRegressor
from badak.interfaces.sklearn.perceptron import PerceptronClassifier

__all__ = ["MLPClassifier", "MLPRegressor", "PerceptronClassifier"]
