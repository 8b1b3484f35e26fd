"""Reduction nodes: sum, mean, max and min over axes.

Sum's local gradient is 1 for every element, so backward broadcasts the upstream gradient back
over the reduced axes. Max and min route the gradient to the elements that won (split evenly
among ties). Mean is composed exactly from sum and a division.
"""

from __future__ import annotations

import numpy as np

from badak.autograd import Function
from badak.backend import xp
from badak.ops._poly import broadcast_to, reshape
from badak.tensor import Tensor, as_tensor


def _normalise_axis(axis, ndim: int, op: str):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool) or not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis must be an int in [-{ndim}, {ndim - 1}] or a tuple of "
                             f"them; received axis={axis!r} for a tensor with {ndim} axes")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis must not repeat an axis; received axis={axis!r}")
    return tuple(sorted(out))


def _kept_shape(in_shape, axis):
    """The shape of the result with keepdims=True."""
    if axis is None:
        return (1,) * len(in_shape)
    return tuple(1 if i in axis else s for i, s in enumerate(in_shape))


class Sum(Function):
    def __init__(self, axis, keepdims):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.in_shape = x.shape
        return x.sum(axis=self.axis, keepdims=self.keepdims)  # (in_shape) -> reduced

    def backward(self, gy):
        if not self.keepdims:
            gy = reshape(gy, _kept_shape(self.in_shape, self.axis))
        return broadcast_to(gy, self.in_shape)  # every element's local gradient is 1


class _Extremum(Function):
    reduce = None

    def __init__(self, axis, keepdims):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        return type(self).reduce(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0].data
        kept = _kept_shape(x.shape, self.axis)
        winners = x == self.y.reshape(kept)  # (in_shape) mask of the maximal elements
        mask = winners / winners.sum(axis=self.axis, keepdims=True)  # split ties evenly
        mask = mask.astype(x.dtype, copy=False)
        return reshape(gy, kept) * mask


class Max(_Extremum):
    reduce = staticmethod(xp.max)


class Min(_Extremum):
    reduce = staticmethod(xp.min)


def reduce_sum(x, axis=None, keepdims: bool = False) -> Tensor:
    """Sum of ``x`` over ``axis`` (all axes by default)."""
    x = as_tensor(x)
    return Sum(_normalise_axis(axis, x.ndim, "sum"), bool(keepdims))(x)


def reduce_mean(x, axis=None, keepdims: bool = False) -> Tensor:
    """Mean of ``x`` over ``axis`` (sum divided by the count: the same rounding as NumPy)."""
    x = as_tensor(x)
    ax = _normalise_axis(axis, x.ndim, "mean")
    count = x.size if ax is None else int(np.prod([x.shape[a] for a in ax]))
    if count == 0:
        raise ValueError(f"mean of an empty selection: the tensor has shape {x.shape}")
    return Sum(ax, bool(keepdims))(x) / count


def _extremum(cls, name, x, axis, keepdims):
    x = as_tensor(x)
    ax = _normalise_axis(axis, x.ndim, name)
    if x.size == 0:
        raise ValueError(f"{name} of an empty tensor (shape {x.shape}) has no value")
    return cls(ax, bool(keepdims))(x)


def reduce_max(x, axis=None, keepdims: bool = False) -> Tensor:
    """Maximum of ``x`` over ``axis``; the gradient goes to the maximal element(s)."""
    return _extremum(Max, "max", x, axis, keepdims)


def reduce_min(x, axis=None, keepdims: bool = False) -> Tensor:
    """Minimum of ``x`` over ``axis``; the gradient goes to the minimal element(s)."""
    return _extremum(Min, "min", x, axis, keepdims)
