"""Activation functions as graph nodes, each with its local gradient.

The lecture's list: step, sigmoid (σ' = σ(1 - σ)), tanh (1 - tanh²), ReLU, Leaky ReLU, PReLU
(learnable slope), ELU and Maxout, plus softmax and log-softmax for classification. An activation
must be non-linear: a stack of linear layers is one linear layer. Where the local gradient can be
written with the output (sigmoid, tanh, softmax) or a mask (ReLU), backward reuses what forward
saved. Every function is written to stay finite, without NumPy warnings, for inputs of magnitude
1e4 and beyond.

Sources: Saito, *Deep Learning from Scratch* ch. 3 and 5; He et al. 2015 (PReLU); Clevert et al.
2016 (ELU); Goodfellow et al. 2013 (Maxout).
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_number, check_positive_int
from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.ops import reduce_max, reshape
from badak.engine.tensor import Tensor, as_tensor


class Step(Function):
    """y = 1 if x > 0 else 0. Its derivative is 0 everywhere (undefined at 0), so no gradient
    flows through a step: the reason the perceptron's step was replaced by smooth activations."""

    def forward(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, gy):
        return gy * 0


class Sigmoid(Function):
    """y = 1 / (1 + e⁻ˣ); local gradient y(1 - y), from the saved output."""

    def forward(self, x):
        e = xp.exp(-xp.abs(x))  # in (0, 1]: never overflows
        return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))

    def backward(self, gy):
        y = self.output()
        return gy * y * (1 - y)


class Tanh(Function):
    """y = tanh x; local gradient 1 - y², from the saved output."""

    def forward(self, x):
        return xp.tanh(x)

    def backward(self, gy):
        y = self.output()
        return gy * (1 - y * y)


class ReLU(Function):
    """y = max(0, x); local gradient 1 where x > 0, else 0 (the mask saved by forward)."""

    def forward(self, x):
        self.mask = x > 0
        return xp.maximum(x, 0, dtype=x.dtype)  # (no -0.0 for negative inputs, unlike x * mask)

    def backward(self, gy):
        return gy * self.mask


class LeakyReLU(Function):
    """y = x if x > 0 else a·x; local gradient 1 or a."""

    def __init__(self, negative_slope: float):
        self.slope = negative_slope

    def forward(self, x):
        self.local = xp.where(x > 0, 1, self.slope).astype(x.dtype)
        return x * self.local

    def backward(self, gy):
        return gy * self.local


class ELU(Function):
    """y = x if x > 0 else α(eˣ - 1); local gradient 1, or y + α where x ≤ 0."""

    def __init__(self, alpha: float):
        self.alpha = alpha

    def forward(self, x):
        self.mask = x > 0
        neg = self.alpha * xp.expm1(xp.minimum(x, 0))  # exp of a non-positive number only
        return xp.where(self.mask, x, neg).astype(x.dtype, copy=False)

    def backward(self, gy):
        y = self.output()
        return gy * self.prims.where(self.mask, xp.ones((), dtype=self.y.dtype), y + self.alpha)


class Softmax(Function):
    """yᵢ = e^(xᵢ - max x) / Σⱼ e^(xⱼ - max x); backward y ⊙ (g - Σ g ⊙ y)."""

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        e = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def backward(self, gy):
        y = self.output()
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    """yᵢ = xᵢ - max x - ln Σⱼ e^(xⱼ - max x); backward g - softmax ⊙ Σ g."""

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        shifted = x - x.max(axis=self.axis, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=self.axis, keepdims=True))

    def backward(self, gy):
        return gy - self.prims.exp(self.output()) * gy.sum(axis=self.axis, keepdims=True)


def _float_input(x, name: str = "x") -> Tensor:
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = x.astype("float32")
    return x


def step(x) -> Tensor:
    """Heaviside step: 1 where x > 0, else 0. The gradient through it is 0 (see :class:`Step`)."""
    return Step()(_float_input(x))


def sigmoid(x) -> Tensor:
    """Logistic sigmoid 1 / (1 + e⁻ˣ), numerically stable for large |x|."""
    return Sigmoid()(_float_input(x))


def tanh(x) -> Tensor:
    """Hyperbolic tangent."""
    return Tanh()(_float_input(x))


def relu(x) -> Tensor:
    """Rectified linear unit max(0, x)."""
    return ReLU()(_float_input(x))


def leaky_relu(x, negative_slope: float = 0.01) -> Tensor:
    """Leaky ReLU: x for x > 0, ``negative_slope``·x otherwise."""
    slope = check_number("negative_slope", negative_slope)
    return LeakyReLU(slope)(_float_input(x))


def prelu(x, weight) -> Tensor:
    """Parametric ReLU: x for x > 0, a·x otherwise, with a learnable slope ``weight``.

    ``weight`` has one element (shared) or one per channel, the channel axis being axis 1 (the
    feature axis of an (N, features) batch). One node, :class:`PReLU`: the gradient flows to
    ``weight`` as well as to ``x``.
    """
    x = _float_input(x)
    weight = as_tensor(weight, like=x)
    if weight.ndim > 1:
        raise ValueError(f"prelu: weight must be a 1-D tensor; received shape {weight.shape}")
    if weight.size != 1:
        channels = x.shape[1] if x.ndim >= 2 else None
        if channels != weight.size:
            raise ValueError(f"prelu: weight has {weight.size} elements, so x must have "
                             f"{weight.size} channels on axis 1; received x of shape {x.shape}")
        weight = reshape(weight, (weight.size,) + (1,) * (x.ndim - 2))
    return PReLU()(x, weight)


class PReLU(Function):
    """y = x where x > 0, else a·x, the slopes ``a`` broadcast along axis 1. The sign test is
    made in ``forward``, so that the node depends on its inputs only (a replay, see
    :func:`badak.compile`, sees it)."""

    def forward(self, x, a):
        self.pos = x > 0  # (N, C, ...) bool
        return xp.where(self.pos, x, x * a)  # (N, C, ...)

    def backward(self, gy):
        need_x, need_a = self.needs_input_grad
        x, a = self.saved_inputs()
        zero = xp.zeros((), dtype=self.y.dtype)
        P = self.prims
        gx = P.where(self.pos, gy, gy * a) if need_x else None  # (N, C, ...)
        ga = P.where(self.pos, zero, gy * x) if need_a else None  # summed to a's shape
        return gx, ga


def elu(x, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: x for x > 0, α(eˣ - 1) otherwise."""
    alpha = check_number("alpha", alpha, low=0.0)
    return ELU(alpha)(_float_input(x))


def maxout(x, pieces: int) -> Tensor:
    """Maxout: the last axis, of size out·pieces, becomes out, each the max over ``pieces``
    consecutive units. Composed exactly from reshape and max."""
    pieces = check_positive_int("pieces", pieces)
    x = _float_input(x)
    if x.ndim == 0 or x.shape[-1] % pieces:
        raise ValueError(f"maxout: the last axis of x must be a multiple of pieces={pieces}; "
                         f"received x of shape {x.shape}")
    grouped = reshape(x, x.shape[:-1] + (x.shape[-1] // pieces, pieces))
    return reduce_max(grouped, axis=-1)


def _axis(x: Tensor, axis: int, op: str) -> int:
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{op}: axis must be in [-{x.ndim}, {x.ndim - 1}]; received axis={axis} "
                         f"for x of shape {x.shape}")
    return axis % x.ndim


def _dim_or_axis(op: str, dim, axis) -> int:
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: pass dim (PyTorch) or axis (NumPy), not both; received dim={dim} "
                        f"and axis={axis}")
    chosen = dim if dim is not None else axis
    if chosen is None:
        return -1
    if isinstance(chosen, bool) or not isinstance(chosen, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int; received dim={chosen!r}")
    return int(chosen)


def softmax(x, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Softmax along ``dim`` (PyTorch's name; ``axis`` is NumPy's; default the last axis),
    shifted by the max, so it never overflows."""
    x = _float_input(x)
    return Softmax(_axis(x, _dim_or_axis("softmax", dim, axis), "softmax"))(x)


def log_softmax(x, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Logarithm of the softmax along ``dim`` (or ``axis``; default the last axis), computed
    stably in one node."""
    x = _float_input(x)
    return LogSoftmax(_axis(x, _dim_or_axis("log_softmax", dim, axis), "log_softmax"))(x)
