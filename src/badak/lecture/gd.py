"""Gradient descent and Newton's method on a function written with badak ops, step by step.

Gradient descent moves against the gradient with a learning rate α::

    x ← x - α ∇f(x)

Why this goes downhill is Taylor's theorem. For the step d = -α g (g = ∇f(x))::

    f(x + d) ≈ f(x) + gᵀd + ½ dᵀ H d
             = f(x) - α |g|²  +  (α²/2) gᵀ H g
               └ first order ┘  └ second-order term ┘

For small α the first-order term -α|g|² wins, so f decreases; the error of the first-order
prediction is of order α² (halving α quarters it). When α is too large the second-order term
wins and f grows: on f(x) = x² (f'' = 2) every step multiplies x by 1 - 2α, so α = 0.1 gives
x_k = 3·0.8^k from x₀ = 3, while α > 1 makes |1 - 2α| > 1 and the iterates run away.

Newton's method takes the step that minimises the second-order model, d = -H⁻¹g (times ``lr``,
1 for the pure method), and lands on the minimum of a quadratic in one step.

The gradient comes from autograd (:func:`badak.grad`); second derivatives from differentiating
the gradient again (``create_graph=True``), row by row of the Hessian for vector x.

Sources: S. Saito, *Deep Learning from Scratch* (2016), ch. 4; J. Nocedal and S. Wright,
*Numerical Optimization* (2006), ch. 2-3; I. Goodfellow et al., *Deep Learning* (2016), §4.3.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import badak
from badak._validation import (
    check_choice,
    check_finite_array,
    check_number,
    check_positive,
    check_positive_int,
)
from badak.engine.tensor import Tensor
from badak.i18n import N_, hangul_aware
from badak.i18n.localized import Localized

__all__ = ["GDResult", "GDStep", "LearningRateWarning", "minimize", "plot_path"]


class LearningRateWarning(UserWarning):
    """f grew during a descent: the learning rate (step size) is too large."""


@dataclass
class GDStep:
    """One step x_old -> x_new with the Taylor check of f(x_new).

    ``taylor1 = f_old + gᵀd`` is the first-order prediction (``f_old - lr |g|²`` for gradient
    descent), ``second_order_term = ½ dᵀHd`` (``(lr²/2) gᵀHg``), ``taylor2 = taylor1 +
    second_order_term``; d = x_new - x_old.
    """

    k: int
    x_old: np.ndarray
    f_old: float
    grad: np.ndarray
    hessian: np.ndarray
    x_new: np.ndarray
    f_new: float
    taylor1: float
    second_order_term: float
    taylor2: float

    @property
    def taylor1_error(self) -> float:
        """f_new - taylor1: what the first-order prediction misses (O(lr²))."""
        return self.f_new - self.taylor1

    @property
    def taylor2_error(self) -> float:
        """f_new - taylor2: what the second-order prediction misses (O(lr³))."""
        return self.f_new - self.taylor2


@dataclass
class GDResult:
    """The trajectory of :func:`minimize` and why it stopped.

    Attributes
    ----------
    xs : numpy.ndarray of shape (n_points,) or (n_points, dim)
        x₀ and every accepted iterate.
    fs : numpy.ndarray of shape (n_points,)
        f at each point of ``xs``.
    grads : numpy.ndarray, shaped like ``xs``
        ∇f at each point of ``xs``.
    steps : list of GDStep
        One record per step, with the Taylor predictions.
    converged : bool
        True when |∇f| < tol at the last point: a *stationary point*, which need not be a
        minimum (``stationary`` says which kind).
    stationary : str or None
        At a stationary point, its kind from the second derivative (the Hessian for vector
        x): 'minimum' (f'' > 0), 'maximum' (f'' < 0), 'inflection' (f'' = 0 and f rises on one
        side, falls on the other, as x³ at 0), 'saddle' (a Hessian with eigenvalues of both
        signs), 'flat' (f'' = 0 and f is the same on both sides, as a constant). For
        f'' = 0 with f higher (lower) on both sides, as x⁴ at 0, 'minimum' ('maximum').
        None when the run did not stop at a stationary point.
    diverged : bool
        True when the iterates ran away (and the run was stopped before any inf/NaN).
    stopped_reason : str
        Why the run ended, in words.
    """

    xs: np.ndarray
    fs: np.ndarray
    grads: np.ndarray
    steps: list[GDStep] = field(default_factory=list)
    converged: bool = False
    diverged: bool = False
    stopped_reason: str = ""
    method: str = "gd"
    lr: float = 0.0
    stationary: str | None = None

    @property
    def x(self):
        """The last point (a float for scalar x)."""
        return float(self.xs[-1]) if self.xs.ndim == 1 else self.xs[-1]

    @property
    def f(self) -> float:
        """f at the last point."""
        return float(self.fs[-1])

    def table(self) -> str:
        """Return a text table of every step: f(x_new) beside its Taylor predictions."""
        headers = ("k", "x_old", "f(x_old)", "f'(x_old)", "f(x_new)", "1st-order pred",
                   "error", "2nd-order term", "2nd-order pred", "error")
        rows = [headers]
        for s in self.steps:
            rows.append((str(s.k), _fmt(s.x_old), _fmt(s.f_old), _fmt(s.grad), _fmt(s.f_new),
                         _fmt(s.taylor1), _fmt(s.taylor1_error), _fmt(s.second_order_term),
                         _fmt(s.taylor2), _fmt(s.taylor2_error)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        title = (f"{'gradient descent' if self.method == 'gd' else 'Newton'} (lr={self.lr:g}), "
                 f"1st-order pred = f(x_old) + f'(x_old)·d, d = x_new - x_old"
                 + (" = -lr·f'(x_old)" if self.method == "gd" else ""))
        return "\n".join([title] + lines + [f"stopped: {self.stopped_reason}"])

    def __str__(self) -> str:
        return self.table()


def _fmt(v) -> str:
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        return f"{float(a) + 0.0:.6g}"
    return "[" + ", ".join(f"{float(e) + 0.0:.4g}" for e in a.ravel()) + "]"


class _FunctionValueError(Localized, ValueError):
    """f gave a value gradient descent cannot start from (a ValueError, as before, that the
    command line can say in Korean)."""

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


def _evaluate(f: Callable, x: np.ndarray):
    """Return f(x), ∇f(x) and the Hessian at x (arrays in float64) from autograd."""
    xt = Tensor(x, requires_grad=True, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fx = f(xt)
        if not isinstance(fx, Tensor):
            raise TypeError(f"f must return a badak Tensor built from badak ops on its argument; "
                            f"received {type(fx).__name__}")
        if fx.size != 1:
            raise _FunctionValueError(N_("f must return a scalar (one element); received shape "
                                         "{shape}. Reduce it, e.g. with .sum()"),
                                      shape=fx.shape)
        fval = float(fx.data.reshape(()))
        n = x.size
        if not fx.requires_grad:  # f does not depend on x
            return fval, np.zeros_like(x), np.zeros((n, n)).reshape(x.shape * 2)
        fx = fx.reshape(())
        (g,) = badak.grad(fx, xt, create_graph=True, allow_unused=True)
        if g is None:
            return fval, np.zeros_like(x), np.zeros((n, n)).reshape(x.shape * 2)
        gval = np.array(g.data, dtype=np.float64)
        if x.ndim == 0:
            h = np.zeros(())
            if g.requires_grad:
                (gg,) = badak.grad(g, xt, allow_unused=True)
                h = np.zeros(()) if gg is None else np.array(gg.data, dtype=np.float64)
            return fval, gval, h
        hess = np.zeros((n, n))
        for i in range(n):  # row i of the Hessian: the gradient of ∂f/∂x_i
            gi = g[i]
            if gi.requires_grad:
                (row,) = badak.grad(gi, xt, retain_graph=True, allow_unused=True)
                if row is not None:
                    hess[i] = row.data
        return fval, gval, hess


def _too_big(value: float, threshold: float) -> bool:
    return not math.isfinite(value) or abs(value) > threshold


def minimize(f: Callable[[Tensor], Tensor], x0, lr: float, steps: int, method: str = "gd",
             tol: float = 1e-8, divergence_threshold: float = 1e12) -> GDResult:
    """Minimise ``f`` by gradient descent or Newton's method, recording every step.

    Gradient descent: x ← x - lr·∇f(x). Newton: x ← x - lr·H⁻¹∇f(x) (lr = 1 is the pure method).

    Parameters
    ----------
    f : callable
        Takes a badak Tensor x (0-d for a scalar x₀, 1-D for a vector) and returns a scalar
        Tensor computed from it with badak ops, e.g. ``lambda x: x ** 2``.
    x0 : float or 1-D array-like
        The starting point (computed in float64).
    lr : float
        Learning rate α (step size) > 0.
    steps : int
        Maximum number of steps (0 just evaluates x₀).
    method : {'gd', 'newton'}, default='gd'
    tol : float, default=1e-8
        Stop (converged) when |∇f(x)| < tol.
    divergence_threshold : float, default=1e12
        Stop (diverged) when |x| or |f(x)| exceeds it, or anything becomes inf/NaN; the run ends
        on the last finite point.

    Returns
    -------
    GDResult

    Warns
    -----
    LearningRateWarning
        The first time f grows from one step to the next (or on divergence).

    Examples
    --------
    >>> r = minimize(lambda x: x ** 2, 3.0, lr=0.1, steps=3)
    >>> [round(float(v), 4) for v in r.xs]
    [3.0, 2.4, 1.92, 1.536]
    """
    if not callable(f):
        raise TypeError(f"f must be callable (a function of a badak Tensor); received "
                        f"{type(f).__name__}")
    lr = check_positive("lr", lr)
    steps = check_positive_int("steps", steps, allow_zero=True)
    method = check_choice("method", method, ("gd", "newton"))
    tol = check_number("tol", tol, low=0.0)
    divergence_threshold = check_positive("divergence_threshold", divergence_threshold)
    if isinstance(x0, Tensor):
        x0 = x0.data
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError(f"x0 must be a number or a 1-D array of numbers; received {x0!r}") from e
    if x.ndim > 1 or x.size == 0:
        raise ValueError(f"x0 must be a number or a non-empty 1-D array; received shape {x.shape}")
    check_finite_array("x0", x)

    fval, g, h = _evaluate(f, x)
    if not math.isfinite(fval):
        raise _FunctionValueError(N_("f(x0) is not finite (f(x0)={value}); choose another x0"),
                                  value=fval)
    xs, fs, grads, records = [x], [fval], [g], []
    converged = diverged = False
    warned = False
    reason = f"reached steps={steps}"
    for k in range(1, steps + 1):
        gnorm = float(np.linalg.norm(g))
        if gnorm < tol:
            converged = True
            break
        if method == "gd":
            d = -lr * g
        else:
            d = _newton_direction(g, h)
            if d is None:
                reason = (f"Newton's step is undefined at step {k}: the second derivative "
                          f"(Hessian) is singular at x={_fmt(x)}")
                break
            d = lr * d
        with np.errstate(over="ignore", invalid="ignore"):
            x_new = x + d
        if not np.isfinite(x_new).all() or float(np.max(np.abs(x_new))) > divergence_threshold:
            diverged = True
            reason = (f"diverging: the learning rate is too large (lr={lr:g}): |x| exceeded "
                      f"divergence_threshold={divergence_threshold:g} at step {k}")
            break
        f_new, g_new, h_new = _evaluate(f, x_new)
        if _too_big(f_new, divergence_threshold) or not np.isfinite(g_new).all():
            diverged = True
            reason = (f"diverging: the learning rate is too large (lr={lr:g}): |f(x)| exceeded "
                      f"divergence_threshold={divergence_threshold:g} (or was not finite) at "
                      f"step {k}")
            break
        with np.errstate(over="ignore", invalid="ignore"):
            taylor1 = fval + float(np.dot(g.ravel(), d.ravel()))
            second = 0.5 * float(d.ravel() @ h.reshape(d.size, d.size) @ d.ravel())
        records.append(GDStep(k=k, x_old=x, f_old=fval, grad=g, hessian=h, x_new=x_new,
                              f_new=f_new, taylor1=taylor1, second_order_term=second,
                              taylor2=taylor1 + second))
        if f_new > fval and not warned:
            warned = True
            what = ("gradient descent overshoots the minimum" if method == "gd"
                    else "Newton's step overshoots")
            warnings.warn(f"f increased from {fval:.6g} to {f_new:.6g} at step {k}: the learning "
                          f"rate lr={lr:g} is too large ({what}); try a smaller lr",
                          LearningRateWarning, stacklevel=2)
        x, fval, g, h = x_new, f_new, g_new, h_new
        xs.append(x)
        fs.append(fval)
        grads.append(g)
    if diverged and not warned:
        warnings.warn(reason, LearningRateWarning, stacklevel=2)
    if not diverged and float(np.linalg.norm(g)) < tol:
        converged = True
    kind = None
    if converged:
        kind, why = _stationary_kind(f, x, h)
        reason = (f"stationary point: |f'(x)| = {float(np.linalg.norm(g)):.3g} < tol={tol:g}; "
                  f"{why}")
    elif not diverged and warned and fs[-1] > fs[0]:
        reason += ("; f grew overall: diverging, the learning rate is too large "
                   f"(lr={lr:g})")
    return GDResult(xs=np.array(xs), fs=np.array(fs), grads=np.array(grads), steps=records,
                    converged=converged, diverged=diverged, stopped_reason=reason,
                    method=method, lr=lr, stationary=kind)


_KIND_WORDS = {"minimum": "a minimum", "maximum": "a maximum", "saddle": "a saddle point",
               "inflection": "an inflection point, not a minimum",
               "flat": "flat: f is the same on both sides"}


def _stationary_kind(f: Callable, x: np.ndarray, h: np.ndarray) -> tuple[str, str]:
    """Classify the stationary point x from the second derivative h; return (kind, words)."""
    if x.ndim == 0:
        f2 = float(h)
        if f2 > 0:
            return "minimum", f"f''(x) = {f2:.4g} > 0: {_KIND_WORDS['minimum']}"
        if f2 < 0:
            return "maximum", f"f''(x) = {f2:.4g} < 0: {_KIND_WORDS['maximum']}"
        # f'' = 0: the second-derivative test is silent; look at f on both sides
        step = 1e-3 * max(1.0, abs(float(x)))
        f0, left, right = _f_values(f, np.array([float(x), float(x) - step, float(x) + step]))
        up = (left > f0, right > f0)
        down = (left < f0, right < f0)
        if all(up):
            kind = "minimum"
        elif all(down):
            kind = "maximum"
        elif any(up) and any(down):
            kind = "inflection"
        else:
            kind = "flat"
        return kind, f"f''(x) = 0 and {_side_words(kind)}: {_KIND_WORDS[kind]}"
    eig = np.linalg.eigvalsh(0.5 * (h + h.T))          # (n,) eigenvalues of the Hessian
    shown = ", ".join(f"{e:.3g}" for e in eig)
    if np.all(eig > 0):
        kind = "minimum"
    elif np.all(eig < 0):
        kind = "maximum"
    elif np.any(eig > 0) and np.any(eig < 0):
        kind = "saddle"
    else:
        return "flat", (f"the Hessian's eigenvalues are {shown} (a zero one): the "
                        f"second-derivative test cannot tell the kind")
    return kind, f"the Hessian's eigenvalues are {shown}: {_KIND_WORDS[kind]}"


def _side_words(kind: str) -> str:
    return {"minimum": "f is higher on both sides", "maximum": "f is lower on both sides",
            "inflection": "f rises on one side and falls on the other",
            "flat": "f does not change nearby"}[kind]


def _newton_direction(g: np.ndarray, h: np.ndarray):
    """Return -H⁻¹g, or None when H is singular."""
    if g.ndim == 0:
        return None if float(h) == 0.0 else -g / h
    try:
        return -np.linalg.solve(h, g)  # (n, n) \ (n,) -> (n,)
    except np.linalg.LinAlgError:
        return None


def _f_values(f: Callable, points: np.ndarray) -> np.ndarray:
    """f at each point (points of shape (N,) for scalar x, (N, dim) for vectors), no graph."""
    out = np.empty(len(points))
    with badak.no_grad(), np.errstate(all="ignore"):
        for i, p in enumerate(points):
            out[i] = float(f(Tensor(p, dtype=np.float64)).data.reshape(()))
    return out


@hangul_aware
def plot_path(result: GDResult, f: Callable[[Tensor], Tensor], ax=None, lang: str = "en",
              title: str | None = None):
    """Draw the descent path on the curve of f (scalar x) or on its contours (2-D x).

    Parameters
    ----------
    result : GDResult
        From :func:`minimize`.
    f : callable
        The function that was minimised.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).
    lang : {'en', 'ko'}, default='en'
        The language of the labels.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from badak.i18n import translator
    from badak.lecture.plots import new_figure

    _ = translator(lang)

    if not isinstance(result, GDResult):
        raise TypeError(f"result must be a GDResult from minimize; received "
                        f"{type(result).__name__}")
    xs = result.xs
    if xs.ndim == 2 and xs.shape[1] != 2:
        raise ValueError(f"plot_path draws scalar or 2-D x; received x of dimension "
                         f"{xs.shape[1]}")
    if ax is None:
        ax = new_figure(figsize=(5.5, 4.5))[1][0, 0]
    name = _("gradient descent") if result.method == "gd" else _("Newton's method")
    if xs.ndim == 1:
        lo, hi = float(xs.min()), float(xs.max())
        pad = max(0.25 * (hi - lo), 0.5)
        grid = np.linspace(lo - pad, hi + pad, 300)
        ax.plot(grid, _f_values(f, grid), color="0.3", label="f(x)")
        ax.plot(xs, result.fs, "o-", color="tab:red", ms=4, lw=1, label=name)
        ax.set_xlabel(_("x (no unit)"))
        ax.set_ylabel(_("f(x) (no unit)"))
    else:
        lo, hi = xs.min(axis=0), xs.max(axis=0)
        pad = np.maximum(0.25 * (hi - lo), 0.5)
        g0 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 50)
        g1 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 50)
        a, b = np.meshgrid(g0, g1)                                   # (50, 50) each
        z = _f_values(f, np.stack([a.ravel(), b.ravel()], axis=1)).reshape(a.shape)
        cs = ax.contour(a, b, z, levels=20, cmap="viridis")
        ax.clabel(cs, fontsize=6)
        ax.plot(xs[:, 0], xs[:, 1], "o-", color="tab:red", ms=4, lw=1, label=name)
        ax.set_xlabel(_("x[0] (no unit)"))
        ax.set_ylabel(_("x[1] (no unit)"))
    start = (xs[0], result.fs[0]) if xs.ndim == 1 else (xs[0, 0], xs[0, 1])
    ax.plot([start[0]], [start[1]], "s", color="k", label=_("start"))
    ax.set_title(title or _("{name}, α = {lr:g}: {n} steps").format(
        name=name, lr=result.lr, n=len(result.steps)))
    ax.legend(loc="best", fontsize="small")
    return ax
