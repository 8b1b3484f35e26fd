"""What badak's two scikit-learn MLP estimators share: parameters, model building, training.

:class:`BaseMLP` is a thin layer over :func:`badak.fit`. Its ``fit`` does what scikit-learn
expects of an estimator and nothing more:

1. validate the parameters (scikit-learn's ``_parameter_constraints``, so a bad value raises
   "The 'activation' parameter of MLPRegressor must be a str among {...}. Got 'rlu' instead.")
   and the data (``validate_data``: 2-D, finite, the number of features and their names);
2. build a :class:`badak.nn.MLP` and a :mod:`badak.optim` optimizer (on the first call). As in
   scikit-learn, the network computes in the dtype of X: float64 unless X is float32. (float32
   products of a batch depend on its size in the last bit, which scikit-learn's checks refuse:
   a sample's prediction must not depend on which other samples are predicted with it.)
3. call :func:`badak.fit`, the same training loop the rest of badak uses;
4. copy the results into the fitted attributes (``loss_curve_``, ``n_iter_``, ``history_``...).

The subclasses say how targets become what the loss wants (class labels -> indices for
cross-entropy) and how outputs become predictions.

``random_state`` becomes one :class:`numpy.random.Generator`, drawn from once for the initial
weights and then for the shuffling and the dropout masks, so two fits with the same
``random_state`` give the same model to the last bit.

Sources: scikit-learn's ``sklearn/neural_network/_multilayer_perceptron.py`` (parameter and
attribute names, ``partial_fit``, ``warm_start``) and its developer guide "Developing
scikit-learn estimators" (``__init__`` stores, ``fit`` validates; fitted attributes end in ``_``).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

import badak
from badak.data import train_test_split
from badak.nn import MLP, Linear, Maxout
from badak.optim import OPTIMIZERS, get_optimizer
from badak.training import EarlyStopping

__all__ = ["MLP_ACTIVATIONS", "BaseMLP", "generator_from_random_state", "sklearn_error"]

MLP_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout")
"""Hidden activations of the lecture that an MLP estimator accepts ('step' has no gradient)."""


def sklearn_error(estimator, param: str, expected: str, value) -> ValueError:
    """A ValueError worded as scikit-learn's parameter validation words them."""
    return ValueError(f"The {param!r} parameter of {type(estimator).__name__} must be "
                      f"{expected}. Got {value!r} instead.")


def generator_from_random_state(random_state) -> np.random.Generator:
    """A badak ``rng`` (a NumPy Generator) from a scikit-learn ``random_state``.

    An int gives the same Generator every time; a ``RandomState`` is drawn from (so it
    advances); None draws from NumPy's global state, as scikit-learn does.
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)


class BaseMLP(BaseEstimator):
    """Shared parameters and training of :class:`MLPRegressor` and :class:`MLPClassifier`.

    Not for direct use; see the subclasses for the parameters.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(MLP_ACTIVATIONS))],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, loss, optimizer="adam",
                 learning_rate=None, batch_size="auto", epochs=200, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, dropout=0.0, shuffle=True,
                 random_state=None, warm_start=False, verbose=0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dropout = dropout
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    # ------------------------------------------------------------------ what subclasses say
    def _y_check_params(self) -> dict:
        """Keyword arguments for ``validate_data`` about y (e.g. ``multi_output=True``)."""
        raise NotImplementedError

    def _encode_targets(self, y: np.ndarray, first: bool, incremental: bool) -> np.ndarray:
        """Validated y -> the targets the network learns (class labels -> indices)."""
        raise NotImplementedError

    def _output_size(self, y: np.ndarray) -> int:
        """Number of output units for the encoded targets ``y``."""
        raise NotImplementedError

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """Encoded targets -> the ``y`` that :func:`badak.fit` gets for the chosen loss."""
        raise NotImplementedError

    def _badak_loss(self) -> str:
        """The name of the loss for :func:`badak.fit`."""
        raise NotImplementedError

    def _output_activation(self) -> str | None:
        """The activation after the last layer (None: raw outputs)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ building
    def _hidden_sizes(self) -> list[int]:
        """``hidden_layer_sizes`` as a list of positive ints (an int means one layer)."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral) and not isinstance(sizes, bool):
            sizes = [sizes]
        sizes = list(np.asarray(sizes, dtype=object).ravel())
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
                raise sklearn_error(self, "hidden_layer_sizes",
                                    "an int >= 1 or a sequence of ints >= 1",
                                    self.hidden_layer_sizes)
        return [int(n) for n in sizes]

    def _build(self, n_features: int, n_outputs: int, dtype: np.dtype) -> None:
        """Make ``model_`` (a :class:`badak.nn.MLP` computing in ``dtype``) and its optimizer."""
        self._rng = generator_from_random_state(self.random_state)
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        self.model_ = MLP(sizes, activation=self.activation,
                          output_activation=self._output_activation(),
                          dropout=float(self.dropout), rng=self._rng).to(dtype)
        self._optimizer = get_optimizer(self.optimizer, self.model_.parameters(),
                                        lr=self.learning_rate)
        self._optimizer_name = self.optimizer
        self.n_outputs_ = n_outputs
        self.n_iter_ = 0
        self.loss_curve_ = []
        self.validation_loss_curve_ = None

    def _reuse_optimizer(self) -> None:
        """Keep the optimizer's state across warm starts; follow a changed name or rate."""
        if self.optimizer != self._optimizer_name:
            self._optimizer = get_optimizer(self.optimizer, self.model_.parameters(),
                                            lr=self.learning_rate)
            self._optimizer_name = self.optimizer
        elif self.learning_rate is not None:
            self._optimizer.lr = self.learning_rate

    # ------------------------------------------------------------------ training
    def _train(self, X: np.ndarray, y: np.ndarray, epochs: int, incremental: bool) -> None:
        """Run :func:`badak.fit` on prepared data and record what it reports."""
        y = self._targets(y)
        n = len(X)
        batch_size = min(200, n) if self.batch_size == "auto" else int(self.batch_size)
        callbacks = []
        validation_data = None
        if self.early_stopping and not incremental:
            if n < 2:
                raise ValueError(f"early_stopping=True needs at least 2 samples, to hold out a "
                                 f"validation set; received {n} sample")
            X, X_val, y, y_val = train_test_split(X, y, test_size=self.validation_fraction,
                                                  rng=self._rng)
            validation_data = (X_val, y_val)
            callbacks.append(EarlyStopping(monitor="val_loss", patience=self.n_iter_no_change,
                                           restore_best_weights=True))
            batch_size = min(batch_size, len(X))
        history = badak.fit(self.model_, X, y, loss=self._badak_loss(), optimizer=self._optimizer,
                            epochs=epochs, batch_size=batch_size,
                            validation_data=validation_data, shuffle=bool(self.shuffle),
                            rng=self._rng, callbacks=callbacks,
                            verbose=min(int(self.verbose), 2))
        # a fitted model holds weights only: no gradients, no graph, evaluation mode
        self.model_.zero_grad()
        self.model_.eval()
        self.history_ = history
        self.n_iter_ += len(history.epoch)
        self.loss_curve_ = [*self.loss_curve_, *history.history["loss"]]
        self.best_loss_ = float(min(self.loss_curve_))
        if "val_loss" in history.history:
            self.validation_loss_curve_ = list(history.history["val_loss"])

    def _fit(self, X, y, incremental: bool):
        """fit (incremental=False) and partial_fit (True): validate, build if needed, train."""
        first = not hasattr(self, "model_") or not (incremental or self.warm_start)
        X, y = validate_data(self, X, y, reset=first, dtype=[np.float64, np.float32],
                             **self._y_check_params())
        y = self._encode_targets(y, first, incremental)
        if first:
            self._build(X.shape[1], self._output_size(y), X.dtype)
        else:
            self._reuse_optimizer()
            if self._output_size(y) != self.n_outputs_:
                raise ValueError(f"y has {self._output_size(y)} outputs, but "
                                 f"{type(self).__name__} was fitted with {self.n_outputs_}; "
                                 f"set warm_start=False to start again")
        self._train(X, y, 1 if incremental else self.epochs, incremental)
        return self

    # ------------------------------------------------------------------ using
    def _forward(self, X) -> np.ndarray:
        """The model's outputs for ``X`` as float64 (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return badak.training.predict(self.model_, X).astype(np.float64)

    # ------------------------------------------------------------------ scikit-learn's names
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrix of each layer, ``coefs_[i]`` of shape (in, out), as in scikit-learn
        (the live arrays of ``model_``). A maxout layer's is (in, out * 2): two pieces a unit."""
        return [m.weight.data for m in self.model_.modules() if isinstance(m, (Linear, Maxout))]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vector of each layer, ``intercepts_[i]`` of shape (out,)."""
        return [m.bias.data for m in self.model_.modules() if isinstance(m, (Linear, Maxout))]

    @property
    def n_layers_(self) -> int:
        """Number of layers counting the input layer, as in scikit-learn."""
        return len(self.coefs_) + 1
