"""Elementwise nodes: exp, log, sqrt, abs, clip and where.

Where a local gradient can be written with the node's own output, backward reuses the output
saved by forward instead of recomputing it: d exp(x)/dx = exp(x) = y, d sqrt(x)/dx = 1/(2y).
"""

from __future__ import annotations

import numpy as np

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.tensor import Tensor, as_tensor


class Exp(Function):
    """y = exp(x); local gradient exp(x) = y (reused from forward)."""

    def forward(self, x):
        return xp.exp(x)

    def backward(self, gy):
        return gy * self.output()


class Log(Function):
    """y = ln x; local gradient 1/x."""

    def forward(self, x):
        return xp.log(x)

    def backward(self, gy):
        return gy / self.input(0)


class Sqrt(Function):
    """y = √x; local gradient 1/(2√x) = 1/(2y) (reused from forward)."""

    def forward(self, x):
        return xp.sqrt(x)

    def backward(self, gy):
        return gy / (2 * self.output())


class Abs(Function):
    """y = |x|; local gradient sign(x) (0 at 0)."""

    def forward(self, x):
        return xp.abs(x)

    def backward(self, gy):
        return gy * xp.sign(self.inputs[0].data)


class Clip(Function):
    """y = min(max(x, lo), hi); local gradient 1 inside [lo, hi], 0 outside."""

    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def forward(self, x):
        self.mask = xp.ones(x.shape, dtype=x.dtype)
        if self.lo is not None:
            self.mask *= x >= self.lo
        if self.hi is not None:
            self.mask *= x <= self.hi
        return xp.clip(x, self.lo, self.hi)

    def backward(self, gy):
        return gy * self.mask


class Where(Function):
    """y = a where cond else b; the gradient goes to a where cond holds, to b elsewhere."""

    def __init__(self, cond):
        self.cond = cond

    def forward(self, a, b):
        return xp.where(self.cond, a, b)  # broadcast of (cond, a, b)

    def backward(self, gy):
        need_a, need_b = self.needs_input_grad
        zero = xp.zeros((), dtype=self.y.dtype)
        P = self.prims
        ga = P.where(self.cond, gy, zero) if need_a else None  # broadcast shape
        gb = P.where(self.cond, zero, gy) if need_b else None
        return ga, gb


def exp(x) -> Tensor:
    """Elementwise eˣ."""
    return Exp()(as_tensor(x))


def log(x) -> Tensor:
    """Elementwise natural logarithm."""
    return Log()(as_tensor(x))


def sqrt(x) -> Tensor:
    """Elementwise square root."""
    return Sqrt()(as_tensor(x))


def absolute(x) -> Tensor:
    """Elementwise |x|."""
    return Abs()(as_tensor(x))


def clip(x, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy's argument names
    """Limit ``x`` to [min, max]; the gradient is zero where the limit is active."""
    x = as_tensor(x)
    if min is None and max is None:
        raise ValueError("clip needs min or max (or both); received min=None and max=None")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clip needs min <= max; received min={min}, max={max}")
    return Clip(min, max)(x)


def where(condition, a, b) -> Tensor:
    """Choose ``a`` where ``condition`` holds and ``b`` elsewhere (broadcasting all three)."""
    cond = condition.data if isinstance(condition, Tensor) else xp.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be boolean; received dtype {cond.dtype}")
    if isinstance(a, Tensor):
        b = as_tensor(b, like=a)
    else:
        b = as_tensor(b)
        a = as_tensor(a, like=b)
    try:
        np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError as e:
        raise ValueError(f"where: shapes do not broadcast: condition {cond.shape}, a {a.shape}, "
                         f"b {b.shape}") from e
    return Where(cond)(a, b)
