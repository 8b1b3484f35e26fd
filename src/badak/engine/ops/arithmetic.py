"""Arithmetic nodes: add, subtract, multiply, divide, negate, power.

The lecture's two basic nodes: the add node passes the upstream gradient through unchanged to
both inputs; the multiply node passes each input the upstream gradient times the *other* input
("it swaps its inputs"). Broadcasting is undone by the engine, which sums each gradient back to
its input's shape.
"""

from __future__ import annotations

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.tensor import Tensor, as_tensor


def _pair(a, b):
    if isinstance(a, Tensor):
        return a, as_tensor(b, like=a)
    b = as_tensor(b)
    return as_tensor(a, like=b), b


class Add(Function):
    """z = a + b; local gradients dz/da = 1, dz/db = 1."""

    def forward(self, a, b):
        return a + b  # (...) + (...) -> broadcast shape

    def backward(self, gy):
        return gy, gy  # upstream x 1 for both inputs


class Sub(Function):
    """z = a - b; local gradients 1 and -1."""

    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if self.needs_input_grad[1] else None)


class Mul(Function):
    """z = a * b; local gradients dz/da = b, dz/db = a (the inputs swap)."""

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        need_a, need_b = self.needs_input_grad
        ga = gy * self.input(1) if need_a else None
        gb = gy * self.input(0) if need_b else None
        return ga, gb


class Div(Function):
    """z = a / b; local gradients 1/b and -a/b²."""

    def forward(self, a, b):
        return a / b

    def backward(self, gy):
        need_a, need_b = self.needs_input_grad
        b = self.input(1)
        ga = gy / b if need_a else None
        gb = -gy * self.output() / b if need_b else None
        return ga, gb


class Neg(Function):
    """z = -a; local gradient -1."""

    def forward(self, a):
        return -a

    def backward(self, gy):
        return -gy


class PowScalar(Function):
    """z = a ** c for a constant c; local gradient c·a^(c-1) (0 for c = 0, even at a = 0)."""

    def __init__(self, c: float):
        self.c = c

    def forward(self, a):
        return a ** self.c

    def backward(self, gy):
        c = self.c
        if c == 0:  # a**0 = 1 is constant: 0 everywhere (0 * 0**-1 would be NaN at a = 0)
            return gy * 0
        if c == 2:
            return gy * (2 * self.input(0))
        return gy * (c * self.input(0) ** (c - 1))


class Pow(Function):
    """z = a ** b for two tensors; local gradients b·a^(b-1) and a^b·ln a.

    At the edges PyTorch's values: d/da is 0 where b = 0 (a**0 is constant, also at a = 0), and
    d/db is 0 where a = 0 and b >= 0 (0**b is constant there; a^b·ln a would be 0·(-inf)).
    """

    def forward(self, a, b):
        return a ** b

    def backward(self, gy):
        need_a, need_b = self.needs_input_grad
        a, b = self.saved_inputs()
        ad, bd = self.inputs[0].data, self.inputs[1].data
        P = self.prims
        ga = gb = None
        with xp.errstate(divide="ignore", invalid="ignore"):
            if need_a:
                ga = gy * b * a ** (b - 1)  # broadcast shape
                ga = _zero_where(P, bd == 0, ga)
            if need_b:
                gb = gy * self.output() * P.log(a).astype(self.y.dtype)
                gb = _zero_where(P, (ad == 0) & (bd >= 0), gb)
        return ga, gb


def _zero_where(P, cond, g):
    """``g`` with 0 where ``cond`` holds (``P``: the backward's primitives)."""
    if not cond.any():
        return g
    return P.where(xp.broadcast_to(cond, g.shape), xp.zeros((), dtype=g.dtype), g)


def add(a, b) -> Tensor:
    """Return ``a + b`` (broadcasting)."""
    return Add()(*_pair(a, b))


def sub(a, b) -> Tensor:
    """Return ``a - b`` (broadcasting)."""
    return Sub()(*_pair(a, b))


def mul(a, b) -> Tensor:
    """Return ``a * b`` elementwise (broadcasting)."""
    return Mul()(*_pair(a, b))


def div(a, b) -> Tensor:
    """Return ``a / b`` elementwise (broadcasting)."""
    return Div()(*_pair(a, b))


def neg(a) -> Tensor:
    """Return ``-a``."""
    return Neg()(as_tensor(a))


def power(a, b) -> Tensor:
    """Return ``a ** b``; a Python-number exponent is a constant of the node."""
    if isinstance(b, (int, float)) and not isinstance(b, bool) and isinstance(a, Tensor):
        return PowScalar(b)(a)
    return Pow()(*_pair(a, b))
