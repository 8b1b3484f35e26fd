"""PerceptronClassifier: Rosenblatt's perceptron (:class:`badak.lecture.perceptron.Perceptron`) as a
scikit-learn estimator.

A thin layer: each class gets one :class:`badak.lecture.perceptron.Perceptron` trained with the
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

from badak.interfaces.sklearn._base import generator_from_random_state
from badak.lecture.perceptron import NotLinearlySeparableWarning, Perceptron

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
    warm_start : bool, default=False
        When fitted before with the same classes, ``fit`` continues from the learned weights
        instead of starting again from zero.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    perceptrons_ : list of badak.lecture.perceptron.Perceptron
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
    >>> from badak.interfaces.sklearn import PerceptronClassifier
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
        "warm_start": ["boolean"],
    }

    def __init__(self, activation="step", *, learning_rate=0.1, epochs=100, shuffle=False,
                 random_state=None, warm_start=False):
        self.activation = activation
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start

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
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; "
                             f"received only one class: {classes.tolist()}")
        warm = (self.warm_start and hasattr(self, "perceptrons_")
                and np.array_equal(classes, self.classes_))
        self.classes_ = classes
        if not warm:
            self._make_perceptrons(X.shape[1])
        for k, p in zip(self._positives(), self.perceptrons_):
            targets = (y_index == k).astype(np.int64)
            if warm:
                for _ in range(self.epochs):
                    if p.partial_fit(X, targets).converged_:
                        break
            else:
                with warnings.catch_warnings():        # reported once, below, for all classes
                    warnings.simplefilter("ignore", NotLinearlySeparableWarning)
                    p.fit(X, targets)
        self._collect()
        if not self.converged_:
            stuck = [self.classes_[k].item() for k, p in zip(self._positives(), self.perceptrons_)
                     if not p.converged_]
            warnings.warn(
                f"The perceptron rule did not converge in epochs={self.epochs} epochs (still "
                f"wrong in the last epoch: {[e[-1] for e in self.errors_]} samples, perceptron(s) "
                f"for class(es) {stuck}): the data appears not linearly separable, as XOR is "
                f"not. An MLPClassifier (a hidden layer) can separate it; if the data is "
                f"separable after all, raise epochs.", ConvergenceWarning, stacklevel=3)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None) -> PerceptronClassifier:
        """Run one epoch of the perceptron rule on ``(X, y)``, continuing from the current
        weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), optional
            Every class that will ever appear; required on the first call.

        Returns
        -------
        self
        """
        first = not hasattr(self, "perceptrons_")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit; "
                                 "received classes=None")
            self.classes_ = np.unique(classes)
            if len(self.classes_) < 2:
                raise ValueError(f"classes must hold at least 2 classes; received "
                                 f"{self.classes_.tolist()}")
            self._make_perceptrons(X.shape[1])
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(f"y holds labels {unseen.tolist()} that are not in classes "
                             f"{self.classes_.tolist()}")
        y_index = np.searchsorted(self.classes_, y)
        for k, p in zip(self._positives(), self.perceptrons_):
            p.partial_fit(X, (y_index == k).astype(np.int64))
        self._collect()
        return self

    def _positives(self):
        """The class index each perceptron fires for (one perceptron for two classes)."""
        return [1] if len(self.classes_) == 2 else range(len(self.classes_))

    def _make_perceptrons(self, n_features: int) -> None:
        rng = generator_from_random_state(self.random_state)
        self.perceptrons_ = [Perceptron(n_features, lr=self.learning_rate,
                                        max_epochs=self.epochs, rng=rng, shuffle=self.shuffle)
                             for _ in self._positives()]

    def _collect(self) -> None:
        self.coef_ = np.array([p.weights_ for p in self.perceptrons_])
        self.intercept_ = np.array([p.bias_ for p in self.perceptrons_])
        self.errors_ = [list(p.errors_) for p in self.perceptrons_]
        self.n_iter_ = max(p.n_epochs_ for p in self.perceptrons_)
        self.converged_ = all(p.converged_ for p in self.perceptrons_)

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
