"""What badak's two scikit-learn MLP estimators share: parameters, model building, training.

:class:`BaseMLP` is a thin layer over :func:`badak.fit` that takes scikit-learn's own parameter
names with their meanings, so that ``badak.interfaces.sklearn.MLPClassifier`` can replace
``sklearn.neural_network.MLPClassifier`` in a script:

- with scikit-learn's activations ('identity', 'logistic', 'tanh', 'relu') the network starts
  as scikit-learn's does: every weight and bias uniform in ±sqrt(6 / (fan_in + fan_out))
  (±sqrt(2 / ...) for 'logistic'); for two classes, where scikit-learn has one logistic output
  unit z and badak two softmax units, the second unit is drawn as scikit-learn's z and the
  first is zero, so that softmax(0, z) = sigmoid(z) starts at scikit-learn's probabilities;
  with the lecture's others ('sigmoid', 'leaky_relu', 'prelu', 'elu', 'maxout') the network
  starts as :class:`badak.nn.MLP` does (He or Xavier, zero biases);
- ``solver`` 'adam' (``beta_1``, ``beta_2``, ``epsilon``) or 'sgd' (``momentum``,
  ``nesterovs_momentum``, the ``learning_rate`` schedules 'constant', 'invscaling' with
  ``power_t``, 'adaptive') at ``learning_rate_init``; badak's 'momentum', 'adagrad' and
  'rmsprop' as well;
- ``alpha``: the L2 penalty (alpha / 2n) Σ ||W||² on each batch of n samples, in the loss
  (:mod:`badak.interfaces.sklearn._penalty`);
- ``batch_size='auto'`` is min(200, n_samples); the samples are shuffled each epoch;
- ``max_iter`` epochs at most; training stops when the loss (or, with ``early_stopping``, the
  validation score) has not improved by ``tol`` for more than ``n_iter_no_change`` epochs, and
  warns (``ConvergenceWarning``) when ``max_iter`` ends it first
  (:mod:`badak.interfaces.sklearn._stopping`).

badak's earlier names are kept as aliases: ``epochs`` for ``max_iter``, ``optimizer`` for
``solver`` and a number given as ``learning_rate`` for ``learning_rate_init``. Setting both
names of a pair to different values is an error.

Its ``fit``:

1. validates the parameters (scikit-learn's ``_parameter_constraints``, so a bad value raises
   "The 'activation' parameter of MLPRegressor must be a str among {...}. Got 'rlu' instead.")
   and the data (``validate_data``: 2-D, finite, the number of features and their names);
2. builds a :class:`badak.nn.MLP` and a :mod:`badak.optim` optimizer (on the first call). As in
   scikit-learn, the network computes in the dtype of X: float64 unless X is float32;
3. calls :func:`badak.fit`, the same training loop the rest of badak uses;
4. keeps the fitted attributes (``loss_curve_``, ``n_iter_``, ``history_``...).

``random_state`` becomes one :class:`numpy.random.Generator`, drawn from for the initial
weights, then the validation split, the shuffling and the dropout masks, so two fits with the
same ``random_state`` give the same model to the last bit.

Sources: scikit-learn's ``sklearn/neural_network/_multilayer_perceptron.py`` (parameters, their
defaults and meanings, ``_init_coef``, ``_update_no_improvement_count``, the attributes) and
``_stochastic_optimizers.py``; its developer guide "Developing scikit-learn estimators".
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

import badak
from badak.interfaces.sklearn._stopping import SklearnEpochEnd
from badak.nn import MLP, Linear, Maxout
from badak.optim import OPTIMIZERS, Adam, get_optimizer
from badak.optim.sgd import SGD

__all__ = ["MLP_ACTIVATIONS", "SKLEARN_ACTIVATIONS", "BaseMLP", "generator_from_random_state",
           "sklearn_error"]

MLP_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout")
"""Hidden activations of the lecture that an MLP estimator accepts ('step' has no gradient)."""

SKLEARN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
"""scikit-learn's names, also accepted ('logistic' is badak's 'sigmoid')."""

SOLVERS = ("sgd", "adam", *sorted(set(OPTIMIZERS) - {"sgd", "adam"}))


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
        "activation": [StrOptions({*MLP_ACTIVATIONS, *SKLEARN_ACTIVATIONS})],
        "solver": [StrOptions(set(SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"}),
                          Interval(Real, 0, None, closed="neither")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "optimizer": [StrOptions(set(SOLVERS)), None],
        "epochs": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, loss, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=0, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, dropout=0.0,
                 optimizer=None, epochs=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dropout = dropout
        self.optimizer = optimizer
        self.epochs = epochs

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

    def _badak_loss(self, weights: list) -> object:
        """The loss module for :func:`badak.fit`, with the L2 penalty on ``weights``."""
        raise NotImplementedError

    def _output_activation(self) -> str | None:
        """The activation after the last layer (None: raw outputs)."""
        raise NotImplementedError

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy (classifier) or R² (regressor) on encoded held-out targets."""
        raise NotImplementedError

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        """What the early-stopping split is stratified by (the classes), or None."""
        return None

    # ------------------------------------------------------------------ aliases
    def _alias(self, alias: str, name: str, default, value):
        """The value of ``name`` given either it or its badak alias (an error if both are set
        to different values)."""
        given = getattr(self, alias)
        if given is None:
            return value
        if value != default and value != given:
            raise ValueError(f"{type(self).__name__} received {alias}={given!r} and "
                             f"{name}={value!r}; {alias} is badak's name for {name}: set one")
        return given

    def _max_iter(self) -> int:
        return int(self._alias("epochs", "max_iter", 200, self.max_iter))

    def _solver_name(self) -> str:
        return self._alias("optimizer", "solver", "adam", self.solver)

    def _lr(self) -> float:
        """The initial step size: ``learning_rate_init``, or a number given as
        ``learning_rate`` (badak's earlier name)."""
        if isinstance(self.learning_rate, str):
            return float(self.learning_rate_init)
        rate = float(self.learning_rate)
        if self.learning_rate_init not in (0.001, rate):
            raise ValueError(f"{type(self).__name__} received learning_rate={rate!r} and "
                             f"learning_rate_init={self.learning_rate_init!r}; a number as "
                             f"learning_rate is badak's name for learning_rate_init: set one")
        return rate

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

    def _activation_name(self) -> str:
        return "sigmoid" if self.activation == "logistic" else self.activation

    def _make_optimizer(self):
        """The solver as a badak optimizer on ``model_``'s parameters."""
        params = self.model_.parameters()
        name, lr = self._solver_name(), self._lr()
        if name == "adam":
            return Adam(params, lr=lr, beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
        if name == "sgd":
            momentum = float(self.momentum)
            return SGD(params, lr=lr, momentum=momentum,
                       nesterov=bool(self.nesterovs_momentum) and momentum > 0)
        return get_optimizer(name, params, lr=lr)

    def _initialize(self, rng: np.random.Generator) -> None:
        """scikit-learn's ``_init_coef`` for its activations: W and b of each layer uniform in
        ±sqrt(factor / (fan_in + fan_out)), factor 2 for 'logistic' and 6 otherwise. The
        lecture's other activations keep :class:`badak.nn.MLP`'s initialisation."""
        if self.activation not in SKLEARN_ACTIVATIONS:
            return
        factor = 2.0 if self.activation == "logistic" else 6.0
        layers = [m for m in self.model_.modules() if isinstance(m, (Linear, Maxout))]
        for i, layer in enumerate(layers):
            fan_in, fan_out = layer.weight.shape
            binary = i == len(layers) - 1 and self._binary_softmax()
            if binary:     # scikit-learn's one logistic unit z: softmax of (0, z) is sigmoid(z)
                fan_out = 1
            bound = np.sqrt(factor / (fan_in + fan_out))
            weight = rng.uniform(-bound, bound, (fan_in, fan_out))
            bias = rng.uniform(-bound, bound, fan_out)
            if binary:
                weight = np.hstack([np.zeros_like(weight), weight])        # (in, 2)
                bias = np.concatenate([np.zeros_like(bias), bias])         # (2,)
            layer.weight.data[...] = weight.astype(layer.weight.data.dtype)
            layer.bias.data[...] = bias.astype(layer.bias.data.dtype)

    def _binary_softmax(self) -> bool:
        """True for a two-class softmax output (scikit-learn has one logistic unit there)."""
        return False

    def _build(self, n_features: int, n_outputs: int, dtype: np.dtype) -> None:
        """Make ``model_`` (a :class:`badak.nn.MLP` computing in ``dtype``) and its optimizer."""
        self._rng = generator_from_random_state(self.random_state)
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        self.model_ = MLP(sizes, activation=self._activation_name(),
                          output_activation=self._output_activation(),
                          dropout=float(self.dropout), rng=self._rng).to(dtype)
        self._initialize(self._rng)
        self._optimizer = self._make_optimizer()
        self._optimizer_key = self._optimizer_settings()
        self.n_outputs_ = n_outputs
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf
        self.validation_loss_curve_ = None

    def _optimizer_settings(self) -> tuple:
        return (self._solver_name(), self._lr(), self.momentum, self.nesterovs_momentum,
                self.beta_1, self.beta_2, self.epsilon)

    def _reuse_optimizer(self) -> None:
        """Keep the optimizer's state across warm starts; start a new one if its settings
        changed."""
        if self._optimizer_settings() != self._optimizer_key:
            self._optimizer = self._make_optimizer()
            self._optimizer_key = self._optimizer_settings()

    # ------------------------------------------------------------------ training
    def _train(self, X: np.ndarray, y: np.ndarray, epochs: int, incremental: bool) -> None:
        """Run :func:`badak.fit` on prepared data and record what it reports."""
        n = len(X)
        batch_size = min(200, n) if self.batch_size == "auto" else int(self.batch_size)
        validation = None
        validation_data = None
        early = self.early_stopping and not incremental
        if early:
            if n < 2:
                raise ValueError(f"early_stopping=True needs at least 2 samples, to hold out a "
                                 f"validation set; received {n} sample")
            seed = int(self._rng.integers(np.iinfo(np.int32).max))
            X, X_val, y, y_val = train_test_split(X, y, test_size=self.validation_fraction,
                                                  random_state=seed,
                                                  stratify=self._stratify(y))
            validation = (X_val, y_val)
            validation_data = (X_val, self._targets(y_val))
            batch_size = min(batch_size, len(X))
            if self.validation_scores_ is None:       # early_stopping switched on by warm start
                self.validation_scores_, self.best_validation_score_ = [], -np.inf
        elif self.best_loss_ is None:
            self.best_loss_ = np.inf
        self._converged = False
        self._best_weights = None
        end = SklearnEpochEnd(self, len(X), validation, incremental)
        weights = [m.weight for m in self.model_.modules() if isinstance(m, (Linear, Maxout))]
        history = badak.fit(self.model_, X, self._targets(y), loss=self._badak_loss(weights),
                            optimizer=self._optimizer, epochs=epochs, batch_size=batch_size,
                            validation_data=validation_data, shuffle=bool(self.shuffle),
                            rng=self._rng, callbacks=[end], verbose=min(int(self.verbose), 2))
        if early and self._best_weights is not None:  # keep the best validation score's weights
            for p, best in zip(self.model_.parameters(), self._best_weights):
                p.data[...] = best
        # a fitted model holds weights only: no gradients, no graph, evaluation mode
        self.model_.zero_grad()
        self.model_.eval()
        self.history_ = history
        self.n_iter_ += len(history.epoch)
        self.loss_ = self.loss_curve_[-1]
        if "val_loss" in history.history:
            self.validation_loss_curve_ = list(history.history["val_loss"])
        if not incremental and not self._converged:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({epochs}) reached and the "
                          f"optimization hasn't converged yet.", ConvergenceWarning,
                          stacklevel=4)

    def _fit(self, X, y, incremental: bool):
        """fit (incremental=False) and partial_fit (True): validate, build if needed, train."""
        first = not hasattr(self, "model_") or not (incremental or self.warm_start)
        X, y = validate_data(self, X, y, reset=first, dtype=[np.float64, np.float32],
                             **self._y_check_params())
        self._lr()                                    # an alias given twice: say so now
        y = self._encode_targets(y, first, incremental)
        if first:
            self._build(X.shape[1], self._output_size(y), X.dtype)
        else:
            self._reuse_optimizer()
            if self._output_size(y) != self.n_outputs_:
                raise ValueError(f"y has {self._output_size(y)} outputs, but "
                                 f"{type(self).__name__} was fitted with {self.n_outputs_}; "
                                 f"set warm_start=False to start again")
        self._train(X, y, 1 if incremental else self._max_iter(), incremental)
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
