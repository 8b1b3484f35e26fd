"""PerceptronClassifier: Rosenblatt's perceptron (:class:`badak.perceptron.Perceptron`) as a
scikit-learn estimator.

A thin layer: each class gets one :class:`badak.perceptron.Perceptron` trained with the
perceptron rule on "this class or not" (one-vs-rest; a binary problem needs only one), so the
learning itself is badak's::

    ŷ = step(w·x + b)
    w ← w + η (y - ŷ) x
    b ← b + η (y - ŷ)

A new sample goes to the class whose perceptron gives the largest w·x + b. When a perceptron
still makes errors after ``epochs`` passes (the data is not linearly separable, as XOR is not),
``fit`` says so with scikit-learn's :class:`~sklearn.exceptions.ConvergenceWarning`.

Sources: F. Rosenblatt, "The perceptron" (1958); scikit-learn's
``sklearn/linear_model/_perceptron.py`` (the names ``coef_``, ``intercept_``, ``classes_``,
``decision_function``); S. Saito, *Deep Learning from Scratch* (2016), ch. 2.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from badak.perceptron import NotLinearlySeparableWarning, Perceptron
from badak.sklearn._base import generator_from_random_state

__all__ = ["PerceptronClassifier"]


class PerceptronClassifier(ClassifierMixin, BaseEstimator):
    """Linear classifier trained with the perceptron rule (one perceptron per class).

    Parameters
    ----------
    activation : {'step'}, default='step'
        The perceptron's output function; the rule is defined for the step function only
        (the MLP estimators take the differentiable ones).
    learning_rate : float > 0, default=0.1
        η of the rule w ← w + η (y - ŷ) x.
    epochs : int >= 1, default=100
        Most passes over the data; a perceptron stops at the first epoch without an error.
    shuffle : bool, default=False
        Visit the samples in a new random order each epoch (in the given order otherwise).
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the samples when ``shuffle`` is True.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    perceptrons_ : list of badak.perceptron.Perceptron
        One for a binary problem (it fires for ``classes_[1]``), else one per class.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights w of each perceptron.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        The bias b = -θ of each perceptron.
    n_iter_ : int
        The most epochs any perceptron ran.
    converged_ : bool
        True when every perceptron finished an epoch without an error.
    errors_ : list of list of int
        Misclassified samples in each epoch, per perceptron.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from badak.datasets import logic_gate
    >>> from badak.sklearn import PerceptronClassifier
    >>> x, y = logic_gate("and")
    >>> PerceptronClassifier().fit(x, y).predict(x).tolist()
    [0, 0, 0, 1]
    """

    _parameter_constraints: dict = {
        "activation": [StrOptions({"step"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, activation="step", *, learning_rate=0.1, epochs=100, shuffle=False,
                 random_state=None):
        self.activation = activation
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> PerceptronClassifier:
        """Train one perceptron per class (one for two classes) with the perceptron rule.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (at least two different ones).

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            When a perceptron still makes errors after ``epochs`` epochs.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; "
                             f"received only one class: {self.classes_.tolist()}")
        rng = generator_from_random_state(self.random_state)
        positives = [1] if len(self.classes_) == 2 else range(len(self.classes_))
        self.perceptrons_ = []
        for k in positives:
            p = Perceptron(X.shape[1], lr=self.learning_rate, max_epochs=self.epochs, rng=rng,
                           shuffle=self.shuffle)
            with warnings.catch_warnings():        # reported once, below, for all classes
                warnings.simplefilter("ignore", NotLinearlySeparableWarning)
                p.fit(X, (y_index == k).astype(np.int64))
            self.perceptrons_.append(p)
        self.coef_ = np.array([p.weights_ for p in self.perceptrons_])
        self.intercept_ = np.array([p.bias_ for p in self.perceptrons_])
        self.errors_ = [list(p.errors_) for p in self.perceptrons_]
        self.n_iter_ = max(p.n_epochs_ for p in self.perceptrons_)
        self.converged_ = all(p.converged_ for p in self.perceptrons_)
        if not self.converged_:
            stuck = [self.classes_[k].item() for k, p in zip(positives, self.perceptrons_)
                     if not p.converged_]
            warnings.warn(
                f"The perceptron rule did not converge in epochs={self.epochs} epochs (still "
                f"wrong in the last epoch: {[e[-1] for e in self.errors_]} samples, perceptron(s) "
                f"for class(es) {stuck}): the data appears not linearly separable, as XOR is "
                f"not. An MLPClassifier (a hidden layer) can separate it; if the data is "
                f"separable after all, raise epochs.", ConvergenceWarning, stacklevel=3)
        return self

    def decision_function(self, X) -> np.ndarray:
        """w·x + b of each perceptron: shape (n_samples,) for two classes (positive means
        ``classes_[1]``), else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        scores = np.stack([p.decision_function(X) for p in self.perceptrons_], axis=1)  # (N, K)
        return scores[:, 0] if len(self.perceptrons_) == 1 else scores

    def predict(self, X) -> np.ndarray:
        """The class of each sample: the perceptron's step output for two classes, else the
        class whose perceptron gives the largest w·x + b."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.int64)]
        return self.classes_[np.argmax(scores, axis=1)]
