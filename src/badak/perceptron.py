"""The perceptron: one neuron with a step output, and the logic gates it can (and cannot) be.

A perceptron fires when the weighted sum of its inputs passes a threshold θ::

    y = 1 if w1 x1 + w2 x2 > θ else 0        (threshold form)
    y = 1 if b + w1 x1 + w2 x2 > 0 else 0    (bias form, b = -θ)

Rosenblatt's learning rule nudges the weights after each wrong answer, sample by sample::

    ŷ = step(w·x + b)
    w ← w + η (y - ŷ) x
    b ← b + η (y - ŷ)

If the two classes can be split by one straight line (a hyperplane), the rule finds such a line
in finitely many updates (the perceptron convergence theorem). If they cannot, as for XOR, it
never stops changing; :class:`Perceptron` then gives up after ``max_epochs``, says so with a
:class:`NotLinearlySeparableWarning`, and the fix is a second layer: XOR = AND(NAND, OR).

Sources: F. Rosenblatt, "The perceptron" (1958); M. Minsky and S. Papert, "Perceptrons" (1969);
S. Saito, *Deep Learning from Scratch* (2016), ch. 2 (the gate weights are the book's).
"""

from __future__ import annotations

import warnings

import numpy as np

from badak._validation import (
    check_bool,
    check_choice,
    check_finite_array,
    check_positive,
    check_positive_int,
)
from badak.backend import xp
from badak.random import as_generator

__all__ = [
    "AND", "GATE_PARAMETERS", "NAND", "OR", "XOR", "NotLinearlySeparableWarning", "Perceptron",
    "describe_rule", "plot_decision_line",
]


class NotLinearlySeparableWarning(UserWarning):
    """The perceptron rule did not converge: the data looks not linearly separable."""


# The book's hand-picked weights (Saito ch. 2): name -> ((w1, w2), b).
GATE_PARAMETERS: dict[str, tuple[tuple[float, float], float]] = {
    "and": ((0.5, 0.5), -0.7),
    "nand": ((-0.5, -0.5), 0.7),
    "or": ((0.5, 0.5), -0.2),
}


def _gate(name: str, x1, x2):
    (w1, w2), b = GATE_PARAMETERS[name]
    a1 = xp.asarray(x1, dtype=np.float64)
    a2 = xp.asarray(x2, dtype=np.float64)
    try:
        shape = np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError as e:
        raise ValueError(f"{name.upper()}: x1 and x2 must have the same shape (or broadcast); "
                         f"received shapes {a1.shape} and {a2.shape}") from e
    check_finite_array("x1", a1)
    check_finite_array("x2", a2)
    y = (w1 * a1 + w2 * a2 + b > 0).astype(np.int64)  # broadcast shape
    return int(y) if shape == () else y


def AND(x1, x2):  # noqa: N802 - the gate's name
    """AND gate: y = 1 if -0.7 + 0.5 x1 + 0.5 x2 > 0 (scalars, or arrays elementwise)."""
    return _gate("and", x1, x2)


def NAND(x1, x2):  # noqa: N802
    """NAND gate: y = 1 if 0.7 - 0.5 x1 - 0.5 x2 > 0 (the AND weights and bias negated)."""
    return _gate("nand", x1, x2)


def OR(x1, x2):  # noqa: N802
    """OR gate: y = 1 if -0.2 + 0.5 x1 + 0.5 x2 > 0 (AND with a lower threshold)."""
    return _gate("or", x1, x2)


def XOR(x1, x2):  # noqa: N802
    """XOR as a two-layer perceptron: s1 = NAND(x1, x2), s2 = OR(x1, x2), y = AND(s1, s2).

    No single perceptron can compute XOR (no straight line splits {01, 10} from {00, 11}); stacking
    a second layer on two first-layer perceptrons can.
    """
    return AND(NAND(x1, x2), OR(x1, x2))


def _fmt(v: float) -> str:
    return f"{float(v) + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0


def _signed_sum(terms: list[tuple[float, str]]) -> str:
    """Write c1 s1 + c2 s2 - ... with the signs in the operators ("0.5 x1 - 0.2 x2")."""
    out = ""
    for k, (c, suffix) in enumerate(terms):
        if k == 0:
            out = f"{_fmt(c)}{suffix}"
        else:
            out += f" {'-' if c < 0 else '+'} {_fmt(abs(c))}{suffix}"
    return out


def describe_rule(weights, bias: float) -> str:
    """Return the rule of a perceptron with these weights in both forms of the lecture.

    >>> print(describe_rule(*GATE_PARAMETERS["and"]))
    threshold form: y = 1 if 0.5 x1 + 0.5 x2 > 0.7
    bias form:      y = 1 if -0.7 + 0.5 x1 + 0.5 x2 > 0
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    b = float(bias)
    inputs = [(wi, f" x{i}") for i, wi in enumerate(w, start=1)]
    return (f"threshold form: y = 1 if {_signed_sum(inputs)} > {_fmt(-b)}\n"
            f"bias form:      y = 1 if {_signed_sum([(b, '')] + inputs)} > 0")


class Perceptron:
    """A single perceptron trained with Rosenblatt's rule.

    Parameters
    ----------
    n_inputs : int
        Number of inputs (features).
    lr : float, default=0.1
        Learning rate η of the update w ← w + η (y - ŷ) x, b ← b + η (y - ŷ).
    max_epochs : int, default=100
        Passes over the data before giving up (the rule never stops on non-separable data).
    rng : None, int or numpy.random.Generator, optional
        Used for ``init='random'`` and for ``shuffle=True``.
    init : {'zeros', 'random'}, default='zeros'
        Initial weights and bias: all zero, or drawn from N(0, 0.1²).
    shuffle : bool, default=False
        Visit the samples in a new random order each epoch (in the given order otherwise).

    Attributes
    ----------
    weights_ : numpy.ndarray of shape (n_inputs,)
    bias_ : float
        b in ``y = 1 if w·x + b > 0``.
    threshold_ : float
        θ = -b in ``y = 1 if w·x > θ``.
    errors_ : list of int
        Number of misclassified samples (= updates) in each epoch.
    n_epochs_ : int
        Epochs run.
    converged_ : bool
        True when the last epoch made no error.

    Examples
    --------
    >>> from badak.datasets import logic_gate
    >>> x, y = logic_gate("and")
    >>> p = Perceptron(2).fit(x, y)
    >>> p.predict(x).tolist()
    [0, 0, 0, 1]
    """

    def __init__(self, n_inputs: int, lr: float = 0.1, max_epochs: int = 100, rng=None,
                 init: str = "zeros", shuffle: bool = False):
        self.n_inputs = check_positive_int("n_inputs", n_inputs)
        self.lr = check_positive("lr", lr)
        self.max_epochs = check_positive_int("max_epochs", max_epochs)
        self.init = check_choice("init", init, ("zeros", "random"))
        self.shuffle = check_bool("shuffle", shuffle)
        self.rng = rng

    # ------------------------------------------------------------------ checks
    def _check_x(self, x) -> np.ndarray:
        x = xp.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must be numeric; received an array of dtype {x.dtype}")
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"x must be a 2-D array of shape (n_samples, {self.n_inputs}) "
                             f"(n_inputs={self.n_inputs}); received shape {x.shape}")
        x = x.astype(np.float64)
        check_finite_array("x", x)
        return x

    def _check_y(self, y, n: int) -> np.ndarray:
        y = xp.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"y must be a 1-D array with one label per row of x ({n}); "
                             f"received shape {y.shape}")
        if y.dtype.kind not in "biuf" or not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must contain only the labels 0 and 1; received values "
                             f"{np.unique(y)[:10].tolist()}")
        return y.astype(np.int64)

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError("This Perceptron is not fitted yet; call fit(x, y) first")

    # ------------------------------------------------------------------ learning
    def fit(self, x, y) -> Perceptron:
        """Train with the perceptron rule until an epoch makes no error, or ``max_epochs``.

        Parameters
        ----------
        x : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,), labels 0 and 1

        Returns
        -------
        self

        Warns
        -----
        NotLinearlySeparableWarning
            When ``max_epochs`` pass with errors left: one straight line apparently cannot
            split the data.
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        self.__dict__.pop("_rng", None)  # each fit starts the random stream afresh
        rng = self._generator()
        self._initialize(rng)
        self.errors_ = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            if self._epoch(x, y, rng) == 0:
                break
        if not self.converged_:
            warnings.warn(
                f"The perceptron did not converge in max_epochs={self.max_epochs} epochs "
                f"({self.errors_[-1]} of {len(x)} samples still wrong in the last epoch): the "
                f"data appears not linearly separable: one straight line cannot split the two "
                f"classes (as for XOR). A second layer can (XOR = AND(NAND, OR)); if the "
                f"data is separable after all, raise max_epochs.",
                NotLinearlySeparableWarning, stacklevel=2)
        return self

    def partial_fit(self, x, y) -> Perceptron:
        """Run one epoch of the perceptron rule, continuing from the current weights.

        The first call starts from the initial weights, as :meth:`fit` does. ``errors_``,
        ``n_epochs_`` and ``converged_`` (True when this epoch made no error) are updated; no
        warning is given, since one epoch says little about separability.
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        rng = self._generator()
        if not hasattr(self, "weights_"):
            self._initialize(rng)
            self.errors_ = []
        self._epoch(x, y, rng)
        return self

    def _generator(self):
        if self.init == "random" or self.shuffle:
            if not hasattr(self, "_rng"):
                self._rng = as_generator(self.rng)
            return self._rng
        return None

    def _initialize(self, rng) -> None:
        if self.init == "random":
            self.weights_ = rng.normal(0.0, 0.1, size=self.n_inputs)
            self.bias_ = float(rng.normal(0.0, 0.1))
        else:
            self.weights_ = np.zeros(self.n_inputs)
            self.bias_ = 0.0

    def _epoch(self, x: np.ndarray, y: np.ndarray, rng) -> int:
        """One pass of the rule over the samples; returns the number of errors (= updates)."""
        w, b = self.weights_, self.bias_
        order = rng.permutation(len(x)) if self.shuffle else range(len(x))
        errors = 0
        for i in order:
            y_hat = 1 if float(w @ x[i]) + b > 0 else 0   # (n_inputs,) @ (n_inputs,) -> ()
            delta = y[i] - y_hat                           # -1, 0 or +1
            if delta:
                w = w + self.lr * delta * x[i]
                b = b + self.lr * delta
                errors += 1
        self.weights_, self.bias_ = w, float(b)
        self.errors_.append(errors)
        self.n_epochs_ = len(self.errors_)
        self.converged_ = errors == 0
        return errors

    def decision_function(self, x) -> np.ndarray:
        """Return w·x + b for each row of ``x`` (positive means class 1)."""
        self._check_fitted()
        x = self._check_x(x)
        return x @ self.weights_ + self.bias_  # (N, n_inputs) @ (n_inputs,) -> (N,)

    def predict(self, x) -> np.ndarray:
        """Return the step output 1 if w·x + b > 0 else 0 for each row of ``x`` (int64)."""
        return (self.decision_function(x) > 0).astype(np.int64)

    @property
    def threshold_(self) -> float:
        """θ = -b: the perceptron fires when w·x > θ."""
        self._check_fitted()
        return -self.bias_

    def describe(self) -> str:
        """Return the learned rule in both forms of the lecture (threshold θ and bias b = -θ)."""
        self._check_fitted()
        return describe_rule(self.weights_, self.bias_)

    def __repr__(self) -> str:
        return (f"Perceptron(n_inputs={self.n_inputs}, lr={self.lr}, "
                f"max_epochs={self.max_epochs}, init={self.init!r}, shuffle={self.shuffle})")


def plot_decision_line(perceptron: Perceptron, x, y, ax=None):
    """Plot the samples of a 2-input problem and the perceptron's line w1 x1 + w2 x2 + b = 0.

    Parameters
    ----------
    perceptron : Perceptron
        A fitted perceptron with ``n_inputs == 2``.
    x : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,), labels 0 and 1
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax.figure`` is the figure).
    """
    from badak.plots import new_figure

    if not isinstance(perceptron, Perceptron):
        raise TypeError(f"perceptron must be a Perceptron; received "
                        f"{type(perceptron).__name__}")
    perceptron._check_fitted()
    if perceptron.n_inputs != 2:
        raise ValueError(f"plot_decision_line draws 2-input perceptrons; received "
                         f"n_inputs={perceptron.n_inputs}")
    x = perceptron._check_x(x)
    y = perceptron._check_y(y, x.shape[0])
    if ax is None:
        ax = new_figure(figsize=(4.5, 4.5))[1][0, 0]
    for label, marker, color in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        pts = x[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], marker=marker, color=color, s=60, label=f"y = {label}",
                   zorder=3)
    lo = x.min(axis=0) - 0.5
    hi = x.max(axis=0) + 0.5
    (w1, w2), b = perceptron.weights_, perceptron.bias_
    if abs(w2) > 1e-12:
        xs = np.linspace(lo[0], hi[0], 2)
        ax.plot(xs, -(w1 * xs + b) / w2, color="k", label="w·x + b = 0")
    elif abs(w1) > 1e-12:
        ax.axvline(-b / w1, color="k", label="w·x + b = 0")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    status = "converged" if perceptron.converged_ else "did not converge"
    ax.set_title(f"perceptron ({status} after {perceptron.n_epochs_} epochs)")
    ax.legend(loc="best", fontsize="small")
    return ax
