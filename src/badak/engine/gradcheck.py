"""Gradient checking: compare backpropagation with central differences.

The numerical derivative of f at x along element i is (f(x + ε eᵢ) - f(x - ε eᵢ)) / 2ε, with an
error of order ε² (Saito, *Deep Learning from Scratch* §4.3 and §5.7). In float64 with ε = 1e-6
this agrees with a correct analytic gradient to about 1e-8, so a disagreement beyond the
tolerance means the backward of some node is wrong.

For a non-scalar output the check projects it on a fixed random direction v: it compares the
gradients of sum(v ⊙ f(x)), which tests every column of the Jacobian at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from badak.engine.autograd import grad
from badak.engine.tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when analytic and numerical gradients disagree."""


def _scalar_of(fn, inputs, v):
    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"fn must return a Tensor; it returned {type(out).__name__}")
    if v is None:
        return out
    return (out * v).sum()


def numerical_grad(fn: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """Return the central-difference gradient of the scalar function ``fn`` at ``x``.

    Parameters
    ----------
    fn : callable
        Takes one Tensor and returns a one-element Tensor (or a number).
    x : array-like or Tensor
        The point; converted to float64.
    eps : float
        The step ε.
    """
    x0 = np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
    g = np.zeros_like(x0)
    flat = x0.reshape(-1)
    gflat = g.reshape(-1)

    def value(arr):
        # The point requires grad, so that fn may itself differentiate (second derivatives).
        out = fn(Tensor._make(arr.reshape(x0.shape).copy(), True))
        out = out.data if isinstance(out, Tensor) else np.asarray(out)
        if out.size != 1:
            raise ValueError(f"numerical_grad: fn must return a single number; it returned shape "
                             f"{out.shape}")
        return float(out.reshape(()))

    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        f_plus = value(flat)
        flat[i] = orig - eps
        f_minus = value(flat)
        flat[i] = orig
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return g


def gradcheck(fn: Callable, inputs: Sequence | Tensor, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, seed: int = 0) -> bool:
    """Check the analytic gradients of ``fn`` against central differences, in float64.

    Parameters
    ----------
    fn : callable
        ``fn(*inputs) -> Tensor``, built from badak ops.
    inputs : Tensor or sequence of Tensor / arrays
        Inputs; those with ``requires_grad`` (or all float arrays, if none is marked) are
        checked. Each is copied to float64.
    eps, atol, rtol : float
        Step and tolerances: an element passes when |analytic - numeric| <= atol + rtol·|numeric|.
    seed : int
        Seed of the random projection used for non-scalar outputs.

    Returns
    -------
    True when every gradient agrees.

    Raises
    ------
    GradcheckError
        Naming the input, the worst element's index, and both values.
    """
    single = isinstance(inputs, Tensor) or not isinstance(inputs, (list, tuple))
    inputs = [inputs] if single else list(inputs)
    marked = [isinstance(x, Tensor) and x.requires_grad for x in inputs]
    if not any(marked):
        marked = [np.asarray(x.data if isinstance(x, Tensor) else x).dtype.kind == "f"
                  for x in inputs]
    xs = []
    for x, m in zip(inputs, marked):
        arr = x.data if isinstance(x, Tensor) else np.asarray(x)
        if arr.dtype.kind == "f":
            arr = arr.astype(np.float64)
        xs.append(Tensor._make(arr.copy(), bool(m)))
    if not any(marked):
        raise ValueError("gradcheck: no floating-point input to check")

    out = fn(*xs)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor; it returned {type(out).__name__}")
    v = None
    if out.size != 1:
        v = np.random.default_rng(seed).standard_normal(out.shape)
    checked = [x for x, m in zip(xs, marked) if m]
    scalar = _scalar_of(fn, xs, v)
    if scalar.requires_grad:
        analytic = grad(scalar, checked, allow_unused=True)
    else:  # the graph says the output does not depend on the inputs: gradients are zero
        analytic = [None] * len(checked)

    for k, (x, ga) in enumerate(zip(checked, analytic)):
        index = [i for i, m in enumerate(marked) if m][k]

        def f_of_x(t, index=index):
            args = list(xs)
            args[index] = t
            return _scalar_of(fn, args, v)

        num = numerical_grad(f_of_x, x.data, eps)
        ana = np.zeros_like(num) if ga is None else np.asarray(ga.data, dtype=np.float64)
        if ana.shape != num.shape:
            raise GradcheckError(f"gradcheck: the analytic gradient of input {index} has shape "
                                 f"{ana.shape}, but the input has shape {num.shape}")
        err = np.abs(ana - num) - (atol + rtol * np.abs(num))
        if err.size and (err.max() > 0 or not np.isfinite(ana).all()):
            worst = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(err), err, np.inf))),
                                     err.shape)
            raise GradcheckError(
                f"gradcheck failed for input {index} (shape {num.shape}) at element "
                f"{tuple(int(i) for i in worst)}: analytic {ana[worst]!r} vs numerical "
                f"{num[worst]!r} (difference {abs(ana[worst] - num[worst]):.3g}, allowed "
                f"{atol + rtol * abs(num[worst]):.3g})")
    return True
