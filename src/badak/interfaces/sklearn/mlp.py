"""MLPRegressor and MLPClassifier: badak's multi-layer perceptron as scikit-learn estimators.

Both are thin layers over :func:`badak.fit` (see :mod:`badak.interfaces.sklearn._base`): a
:class:`badak.nn.MLP` trained by badak's own loop, wrapped so that it fits into scikit-learn's
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. They take scikit-learn's parameter
names with scikit-learn's meanings and defaults (``solver``, ``max_iter``,
``learning_rate_init``, ``alpha``, ``tol``...), so they can replace
``sklearn.neural_network.MLPClassifier`` and ``MLPRegressor``, and keep badak's extras (the
lecture's activations, ``dropout``).

- :class:`MLPRegressor`: identity output, scikit-learn's half squared error (or badak's mean
  squared error, or the mean absolute error); one or several outputs (y of shape (n,) or (n, k)).
- :class:`MLPClassifier`: one output per class and softmax, cross-entropy on the logits (or, as
  in Saito's book, mean squared error between the softmax output and the one-hot labels); binary
  and multi-class, ``predict_proba``.

Sources: scikit-learn's ``sklearn/neural_network/_multilayer_perceptron.py`` (the parameters,
their defaults and meanings, the fitted attributes); S. Saito, *Deep Learning from Scratch*
(2016), ch. 3-6.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import _check_partial_fit_first_call, check_classification_targets

import badak
from badak.interfaces.sklearn._base import BaseMLP
from badak.interfaces.sklearn._penalty import PenalizedCrossEntropy, PenalizedLoss
from badak.nn import L1Loss, MSELoss

__all__ = ["MLPClassifier", "MLPRegressor"]

_SHARED_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Units of each hidden layer: ``(64, 64)`` is two hidden layers of 64 units.
    activation : {'identity', 'logistic', 'tanh', 'relu', 'sigmoid', 'leaky_relu', 'prelu', \
'elu', 'maxout'}, default='relu'
        The hidden activation: scikit-learn's four ('logistic' is badak's 'sigmoid') and the
        lecture's (:data:`badak.nn.ACTIVATIONS`).
    solver : {'adam', 'sgd', 'momentum', 'adagrad', 'rmsprop'}, default='adam'
        'adam' uses ``beta_1``, ``beta_2`` and ``epsilon``; 'sgd' is scikit-learn's SGD with
        ``momentum`` and ``nesterovs_momentum`` and the ``learning_rate`` schedule; 'momentum',
        'adagrad' and 'rmsprop' are badak's optimizers with their own defaults
        (:func:`badak.optim.get_optimizer`). All start at ``learning_rate_init``.
        (scikit-learn's 'lbfgs' is not offered.)
    alpha : float >= 0, default=0.0001
        Strength of the L2 penalty: (alpha / 2n) Σ ||W||² is added to the loss of each batch of
        n samples (weights only, not the biases), as in scikit-learn.
    batch_size : int >= 1 or 'auto', default='auto'
        Samples per gradient step; 'auto' is ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'} or float, default='constant'
        The step-size schedule of ``solver='sgd'``: 'invscaling' is ``learning_rate_init /
        (t + 1) ** power_t`` after t samples, 'adaptive' divides it by 5 each time the
        ``tol`` test fails (instead of stopping). A number is badak's earlier name for
        ``learning_rate_init`` (kept as an alias).
    learning_rate_init : float > 0, default=0.001
        The initial step size.
    power_t : float >= 0, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int >= 1, default=200
        Epochs at most in :meth:`fit` (:meth:`partial_fit` makes one).
    shuffle : bool, default=True
        Shuffle the samples each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split, the shuffling and the dropout masks:
        the same int gives the same model.
    tol : float >= 0, default=1e-4
        Training stops when the loss (or, with ``early_stopping``, the validation score) has
        not improved by at least ``tol`` for more than ``n_iter_no_change`` epochs in a row.
    verbose : int, default=0
        0 silent, 1 a progress bar or a line per epoch, 2 a line per epoch (badak's ``fit``).
    warm_start : bool, default=False
        If True, :meth:`fit` continues from the weights (and optimizer state) of the previous
        call instead of starting again.
    momentum : float in [0, 1], default=0.9
        Momentum of ``solver='sgd'``.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``solver='sgd'`` (when momentum > 0).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for a classifier), score it
        after every epoch (accuracy, or R² for a regressor), stop by the ``tol`` test on that
        score and keep the weights of the best epoch. Ignored by :meth:`partial_fit`.
    validation_fraction : float in (0, 1), default=0.1
        The part held out when ``early_stopping`` is True.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam's decay rates of the first and second moment estimates.
    epsilon : float > 0, default=1e-8
        Adam's ε.
    n_iter_no_change : int >= 1, default=10
        Epochs without an improvement of ``tol`` tolerated before stopping.
    dropout : float in [0, 1), default=0.0
        (badak) Dropout rate after each hidden activation during training.
    optimizer : str or None, default=None
        (badak's earlier name, kept as an alias) The same as ``solver``.
    epochs : int >= 1 or None, default=None
        (badak's earlier name, kept as an alias) The same as ``max_iter``."""

_SHARED_ATTRIBUTES = """
    model_ : badak.nn.MLP
        The trained network (in evaluation mode, no gradients held).
    history_ : badak.History
        What :func:`badak.fit` recorded in the last call to :meth:`fit` or :meth:`partial_fit`.
    loss_ : float
        The loss of the last epoch (with the L2 penalty, as every loss here).
    loss_curve_ : list of float
        Training loss of every epoch, over all calls since the model was built.
    best_loss_ : float or None
        The smallest value of ``loss_curve_``; None with ``early_stopping``.
    validation_scores_ : list of float or None
        With ``early_stopping``: the held-out score (accuracy or R²) of every epoch.
    best_validation_score_ : float or None
        With ``early_stopping``: the best of ``validation_scores_``, whose weights are kept.
    validation_loss_curve_ : list of float or None
        (badak) With ``early_stopping``: the held-out loss of every epoch.
    n_iter_ : int
        Epochs run since the model was built.
    t_ : int
        Training samples seen since the model was built.
    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix of layer i, shape (in, out) (a maxout layer's is
        (in, 2 * out)).
    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias of layer i, shape (out,) (2 * out for maxout).
    n_layers_ : int
        Layers counting the input layer.
    n_outputs_ : int
        Output units.
    n_features_in_ : int
        Number of features seen in :meth:`fit`.
    feature_names_in_ : ndarray of str
        Column names seen in :meth:`fit`, when X had string column names."""


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor trained with :func:`badak.fit`.

    Parameters
    ----------{_SHARED_PARAMETERS}
    loss : {{'squared_error', 'mse', 'mae'}}, default='squared_error'
        scikit-learn's half squared error (1/2n) Σ (y - t)², badak's mean squared error
        (1/n) Σ (y - t)², or the mean absolute error (L1); the L2 penalty is added to each.

    Attributes
    ----------{_SHARED_ATTRIBUTES}

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from badak.datasets import load_boston
    >>> from badak.interfaces.sklearn import MLPRegressor
    >>> (x, y), (x_test, y_test) = load_boston()
    >>> model = make_pipeline(StandardScaler(), MLPRegressor((64, 64), solver='rmsprop',
    ...                       max_iter=80, batch_size=16, random_state=0)).fit(x, y)
    >>> model.score(x_test, y_test) > 0.7
    True
    """

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "mse", "mae"})],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, loss="squared_error",
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=0, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, dropout=0.0,
                 optimizer=None, epochs=None):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, loss=loss,
            solver=solver, alpha=alpha, batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change,
            dropout=dropout, optimizer=optimizer, epochs=epochs)

    # ---- hooks of BaseMLP
    def _y_check_params(self) -> dict:
        return {"multi_output": True, "y_numeric": True}

    def _encode_targets(self, y: np.ndarray, first: bool, incremental: bool) -> np.ndarray:
        return y

    def _output_size(self, y: np.ndarray) -> int:
        return 1 if y.ndim == 1 else y.shape[1]

    def _targets(self, y: np.ndarray) -> np.ndarray:
        return y

    def _badak_loss(self, weights: list) -> PenalizedLoss:
        base = L1Loss() if self.loss == "mae" else MSELoss()
        scale = 0.5 if self.loss == "squared_error" else 1.0     # scikit-learn's half
        return PenalizedLoss(base, weights, self.alpha, scale)

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        out = badak.training.predict(self.model_, X).astype(np.float64)   # (N, k)
        return float(r2_score(y, out.ravel() if y.ndim == 1 else out))

    def _output_activation(self) -> None:
        return None

    # ---- public API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> MLPRegressor:
        """Train the network on ``(X, y)`` for ``epochs`` epochs (from scratch unless
        ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y) -> MLPRegressor:
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predicted values, shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        out = self._forward(X)                              # (N, n_outputs)
        return out.ravel() if self.n_outputs_ == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier trained with :func:`badak.fit`.

    The network has one output per class (two for a binary problem) and ``predict_proba`` is
    the softmax of the outputs.

    Parameters
    ----------{_SHARED_PARAMETERS}
    loss : {{'cross_entropy', 'mse'}}, default='cross_entropy'
        Cross-entropy of the softmax of the outputs (scikit-learn's log loss), or (the book's
        first loss) mean squared error between the softmax output and the one-hot labels; the
        L2 penalty is added to each.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels; output unit k is ``classes_[k]``.{_SHARED_ATTRIBUTES}

    Examples
    --------
    >>> from badak.datasets import make_moons
    >>> from badak.interfaces.sklearn import MLPClassifier
    >>> x, y = make_moons(200, noise=0.1, rng=0)
    >>> clf = MLPClassifier((16, 16), learning_rate_init=0.01, max_iter=100,
    ...                     random_state=0).fit(x, y)
    >>> clf.score(x, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"cross_entropy", "mse"})],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, loss="cross_entropy",
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=0, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, dropout=0.0,
                 optimizer=None, epochs=None):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, loss=loss,
            solver=solver, alpha=alpha, batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change,
            dropout=dropout, optimizer=optimizer, epochs=epochs)

    # ---- hooks of BaseMLP
    def _y_check_params(self) -> dict:
        return {}

    def _encode_targets(self, y: np.ndarray, first: bool, incremental: bool) -> np.ndarray:
        """Class labels -> indices into ``classes_`` (set here unless partial_fit set it)."""
        check_classification_targets(y)
        if first and not incremental:
            self.classes_ = np.unique(y)
        if first and len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; "
                             f"received only one class: {self.classes_.tolist()}")
        unseen = np.setdiff1d(y, self.classes_)
        if len(unseen):
            raise ValueError(f"y contains labels {unseen.tolist()} that are not among the "
                             f"classes {self.classes_.tolist()} the model was built for")
        return np.searchsorted(self.classes_, y)

    def _output_size(self, y: np.ndarray) -> int:
        return len(self.classes_)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.loss == "mse":                     # one-hot rows for the squared error
            return np.eye(len(self.classes_), dtype=np.float32)[y]
        return y.astype(np.int64)

    def _badak_loss(self, weights: list):
        if self.loss == "mse":
            return PenalizedLoss(MSELoss(), weights, self.alpha)
        return PenalizedCrossEntropy(weights, self.alpha)

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        out = badak.training.predict(self.model_, X)                      # (N, K)
        return float(np.mean(np.argmax(out, axis=1) == y))

    def _stratify(self, y: np.ndarray) -> np.ndarray:
        return y

    def _binary_softmax(self) -> bool:
        return len(self.classes_) == 2 and self.loss == "cross_entropy"

    def _output_activation(self) -> str | None:
        # cross-entropy takes the logits (softmax inside the loss); mse compares probabilities
        return "softmax" if self.loss == "mse" else None

    # ---- public API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> MLPClassifier:
        """Train the network on ``(X, y)`` for ``epochs`` epochs (from scratch unless
        ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (at least two different ones).

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None) -> MLPClassifier:
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class the model will ever see; required on the first call (a batch need not
            hold them all), ignored or checked afterwards.

        Returns
        -------
        self
        """
        _check_partial_fit_first_call(self, classes)
        return self._fit(X, y, incremental=True)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), rows summing to 1.

        p_k = exp(z_k - max_j z_j) / Σ_i exp(z_i - max_j z_j), computed in float64.
        """
        out = self._forward(X)                                 # (N, K)
        if self.model_.output_activation is None:              # logits -> softmax
            out = np.exp(out - out.max(axis=1, keepdims=True))
        return out / out.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,)."""
        proba = self.predict_proba(X)                          # checks it is fitted
        return self.classes_[np.argmax(proba, axis=1)]
