"""The perceptron: one neuron with a step output, and the logic gates it can (and cannot) be.

A perceptron fires when the weighted sum of its inputs passes a threshold θ::

    y = 1 if w1 x1 + w2 x2 > θ else 0        (threshold form)
    y = 1 if b + w1 x1 + w2 x2 > 0 else 0    (bias form, b = -θ)

Rosenblatt's learning rule nudges the weights after each wrong answer, sample by sample::

    ŷ = step(w·x + b)
    w ← w + η (y - ŷ) x
    b ← b + η (y - ŷ)

Exact arithmetic. Starting from zero weights with integer inputs (the logic gates), every weight
is the learning rate times an integer, w = η·W and b = η·B, and the decision w·x + b > 0 is the
decision W·x + B > 0 on integers. :class:`Perceptron` then learns in integers, so the rule it
reports is exactly right on every sample: in floating point, 0.1 + 0.1 + 0.1 - 0.3 is 5.6e-17,
not 0, and a sum that should be exactly 0 (a point *on* the line, which the ``>`` convention
puts in class 0) can land on either side. The convention is strict: y = 1 only when w·x + b > 0
(w·x > θ); a sum exactly at the threshold gives 0.

If the two classes can be split by one straight line (a hyperplane), the rule finds such a line
in finitely many updates (the perceptron convergence theorem). If they cannot, as for XOR, it
never stops changing; :class:`Perceptron` then gives up after ``max_epochs``, says so with a
:class:`NotLinearlySeparableWarning`, and the fix is a second layer: XOR = AND(NAND, OR).

Sources: F. Rosenblatt, "The perceptron" (1958); M. Minsky and S. Papert, "Perceptrons" (1969);
S. Saito, *Deep Learning from Scratch* (2016), ch. 2 (the gate weights are the book's).
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np

from badak._validation import (
    check_bool,
    check_choice,
    check_finite_array,
    check_positive,
    check_positive_int,
)
from badak.engine.backend import xp
from badak.engine.random import as_generator
from badak.i18n import hangul_aware

__all__ = [
    "AND", "GATE_PARAMETERS", "NAND", "OR", "XOR", "NotLinearlySeparableWarning", "Perceptron",
    "describe_rule", "plot_decision_line", "rule_forms",
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


def rule_forms(weights, bias: float) -> tuple[str, str]:
    """The two sides of the rule: ("w1 x1 + w2 x2 > θ", "b + w1 x1 + w2 x2 > 0")."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    b = float(bias)
    inputs = [(wi, f" x{i}") for i, wi in enumerate(w, start=1)]
    return (f"{_signed_sum(inputs)} > {_fmt(-b)}", f"{_signed_sum([(b, '')] + inputs)} > 0")


def describe_rule(weights, bias: float, lang: str = "en") -> str:
    """Return the rule of a perceptron with these weights in both forms of the lecture.

    >>> print(describe_rule(*GATE_PARAMETERS["and"]))
    threshold form: y = 1 if 0.5 x1 + 0.5 x2 > 0.7
    bias form:      y = 1 if -0.7 + 0.5 x1 + 0.5 x2 > 0
    (strictly greater: a sum exactly at the threshold gives y = 0)
    """
    from badak.i18n import translator

    _ = translator(lang)
    threshold, biased = rule_forms(weights, bias)
    return "\n".join([_("threshold form: y = 1 if {rule}").format(rule=threshold),
                      _("bias form:      y = 1 if {rule}").format(rule=biased),
                      _("(strictly greater: a sum exactly at the threshold gives y = 0)")])


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
    exact_ : bool
        True when training ran in exact integer arithmetic (zero initial weights and
        integer-valued inputs): then ``weights_`` and ``bias_`` are η times integers and the
        predictions are exact, whatever the rounding of η.

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
            wrong = int((self._predict_checked(x) != y).sum())
            warnings.warn(
                f"The perceptron did not converge in max_epochs={self.max_epochs} epochs "
                f"({self.errors_[-1]} updates in the last epoch; with the final weights "
                f"{wrong} of {len(x)} samples are wrong): the "
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
        self._counts = None  # the integer W and B of w = η·W, b = η·B in exact mode
        if self.init == "random":
            self.weights_ = rng.normal(0.0, 0.1, size=self.n_inputs)
            self.bias_ = float(rng.normal(0.0, 0.1))
        else:
            self.weights_ = np.zeros(self.n_inputs)
            self.bias_ = 0.0
            self._counts = ([0] * self.n_inputs, 0)
        self.exact_ = self._counts is not None

    def _epoch(self, x: np.ndarray, y: np.ndarray, rng) -> int:
        """One pass of the rule over the samples; returns the number of errors (= updates)."""
        if self._counts is not None and not _integer_valued(x):
            self._counts = None  # non-integer inputs: continue in floating point
        self.exact_ = self._counts is not None
        order = rng.permutation(len(x)) if self.shuffle else range(len(x))
        errors = 0
        if self._counts is not None:
            # exact: w = η·W, b = η·B with integers W, B, and sign(w·x + b) = sign(W·x + B)
            big_w, big_b = self._counts
            rows = [[int(v) for v in row] for row in x]
            for i in order:
                s = sum(wi * xi for wi, xi in zip(big_w, rows[i])) + big_b
                delta = int(y[i]) - (1 if s > 0 else 0)    # -1, 0 or +1
                if delta:
                    big_w = [wi + delta * xi for wi, xi in zip(big_w, rows[i])]
                    big_b += delta
                    errors += 1
            self._counts = (big_w, big_b)
            self.weights_, self.bias_ = self._scaled(big_w, big_b)
        else:
            w, b = self.weights_, self.bias_
            for i in order:
                y_hat = 1 if float(w @ x[i]) + b > 0 else 0   # (n_inputs,) @ (n_inputs,) -> ()
                delta = y[i] - y_hat                           # -1, 0 or +1
                if delta:
                    with np.errstate(over="ignore", invalid="ignore"):
                        w = w + self.lr * delta * x[i]
                        b = b + self.lr * delta
                    if not (np.isfinite(w).all() and np.isfinite(b)):
                        raise self._overflow(len(self.errors_) + 1)
                    errors += 1
            self.weights_, self.bias_ = w, float(b)
        self.errors_.append(errors)
        self.n_epochs_ = len(self.errors_)
        self.converged_ = errors == 0
        return errors

    def _scaled(self, big_w: list[int], big_b: int) -> tuple[np.ndarray, float]:
        """η·W and η·B as floats, η read as the decimal it was written as (0.1 is 1/10)."""
        lr = Fraction(repr(self.lr))
        try:
            w = np.array([float(lr * wi) for wi in big_w])
            b = float(lr * big_b)
        except OverflowError:
            w, b = np.array([np.inf]), np.inf
        if not (np.isfinite(w).all() and np.isfinite(b)):
            raise self._overflow(len(self.errors_) + 1)
        return w, b

    def _overflow(self, epoch: int) -> OverflowError:
        return OverflowError(
            f"lr={self.lr:g} is too large: the weights overflowed to inf in epoch {epoch} "
            f"(the largest float is about 1.8e308). From zero weights the learning rate only "
            f"scales w and b, so any moderate lr, such as the default 0.1, learns the same "
            f"rule.")

    def _sums_are_zero(self, x: np.ndarray) -> np.ndarray:
        """Which rows lie exactly on the line w·x + b = 0 (exactly in integers after exact
        training; within rounding otherwise)."""
        if self._counts is not None and _integer_valued(x):
            big_w, big_b = self._counts
            return np.array([sum(wi * int(v) for wi, v in zip(big_w, row)) + big_b == 0
                             for row in x], dtype=bool)
        scale = np.abs(x) @ np.abs(self.weights_) + abs(self.bias_)
        return np.abs(x @ self.weights_ + self.bias_) <= 1e-12 * np.maximum(scale, 1e-300)

    def _predict_checked(self, x: np.ndarray) -> np.ndarray:
        if self._counts is not None and _integer_valued(x):
            big_w, big_b = self._counts
            return np.array([1 if sum(wi * int(v) for wi, v in zip(big_w, row)) + big_b > 0
                             else 0 for row in x], dtype=np.int64)
        return (x @ self.weights_ + self.bias_ > 0).astype(np.int64)

    def decision_function(self, x) -> np.ndarray:
        """Return w·x + b for each row of ``x`` (positive means class 1)."""
        self._check_fitted()
        x = self._check_x(x)
        return x @ self.weights_ + self.bias_  # (N, n_inputs) @ (n_inputs,) -> (N,)

    def predict(self, x) -> np.ndarray:
        """Return the step output 1 if w·x + b > 0 else 0 for each row of ``x`` (int64).

        After exact training (``exact_``), integer-valued rows are decided in integers.
        """
        self._check_fitted()
        return self._predict_checked(self._check_x(x))

    @property
    def threshold_(self) -> float:
        """θ = -b: the perceptron fires when w·x > θ."""
        self._check_fitted()
        return -self.bias_

    def describe(self, lang: str = "en") -> str:
        """Return the learned rule in both forms of the lecture (threshold θ and bias b = -θ)."""
        self._check_fitted()
        return describe_rule(self.weights_, self.bias_, lang=lang)

    def __repr__(self) -> str:
        return (f"Perceptron(n_inputs={self.n_inputs}, lr={self.lr}, "
                f"max_epochs={self.max_epochs}, init={self.init!r}, shuffle={self.shuffle})")


def _integer_valued(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x) < 2.0 ** 52) and np.all(x == np.round(x)))


@hangul_aware
def plot_decision_line(perceptron: Perceptron, x, y, ax=None, lang: str = "en",
                       title: str | None = None):
    """Plot the samples of a 2-input problem and the perceptron's line w1 x1 + w2 x2 + b = 0.

    Parameters
    ----------
    perceptron : Perceptron
        A fitted perceptron with ``n_inputs == 2``.
    x : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,), labels 0 and 1
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).
    lang : {'en', 'ko'}, default='en'
        The language of the labels.
    title : str, optional
        Replaces the title (which says whether the rule converged).

    The two half-planes are shaded by the perceptron's own decision (red: y = 1), so a point
    on the line shows the strict convention (w·x + b = 0 gives 0).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax.figure`` is the figure).
    """
    from badak.i18n import translator
    from badak.lecture.plots import new_figure

    _ = translator(lang)

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
    lo = x.min(axis=0) - 0.5
    hi = x.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 201), np.linspace(lo[1], hi[1], 201))
    grid = np.stack([g1.ravel(), g2.ravel()], axis=1)              # (201², 2)
    region = perceptron._predict_checked(grid).reshape(g1.shape)  # (201, 201) of 0/1
    ax.contourf(g1, g2, region, levels=[-0.5, 0.5, 1.5], colors=["#dbe8f6", "#f9dcdc"],
                zorder=0)
    from matplotlib.patches import Patch

    handles = [Patch(color="#f9dcdc", label=_("region y = 1 (w·x + b > 0)")),
               Patch(color="#dbe8f6", label=_("region y = 0 (w·x + b ≤ 0)"))]
    for label, marker, color in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        pts = x[y == label]
        handles.append(ax.scatter(pts[:, 0], pts[:, 1], marker=marker, color=color, s=60,
                                  label=_("target y = {label}").format(label=label),
                                  zorder=3))
    on_line = perceptron._sums_are_zero(x)
    if on_line.any():
        handles.append(ax.scatter(x[on_line, 0], x[on_line, 1], s=190, facecolors="none",
                                  edgecolors="k", linewidths=1.5, zorder=4,
                                  label=_("on the line: w·x + b = 0, so y = 0 (strict >)")))
    (w1, w2), b = perceptron.weights_, perceptron.bias_
    line_label = _("the line w·x + b = 0")
    if abs(w2) > 1e-300:
        xs = np.linspace(lo[0], hi[0], 2)
        handles += ax.plot(xs, -(w1 * xs + b) / w2, color="k", label=line_label)
    elif abs(w1) > 1e-300:
        handles.append(ax.axvline(-b / w1, color="k", label=line_label))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(_("input x1 (0 = false, 1 = true)"))
    ax.set_ylabel(_("input x2 (0 = false, 1 = true)"))
    if title is None:
        title = (_("perceptron: converged after {n} epochs") if perceptron.converged_
                 else _("perceptron: did not converge in {n} epochs")).format(
            n=perceptron.n_epochs_)
    ax.set_title(title)
    ax.legend(handles=handles, loc="best", fontsize="x-small", framealpha=0.9)
    return ax
