"""Reduction nodes: sum, mean, max and min over axes.

Sum's local gradient is 1 for every element, so backward broadcasts the upstream gradient back
over the reduced axes. Max and min route the gradient to the elements that won (split evenly
among ties). Mean is composed exactly from sum and a division.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.tensor import DimensionError, Tensor, as_tensor


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
            gy = gy.reshape(_kept_shape(self.in_shape, self.axis))  # (kept)
        return self.prims.broadcast_to(gy, self.in_shape)  # every element's local gradient is 1


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
        return gy.reshape(kept) * mask  # (kept) * (in_shape)


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
    count = x.data.size if ax is None else int(np.prod([x.shape[a] for a in ax]))
    if count == 0:
        raise ValueError(f"mean of an empty selection: the tensor has shape {x.shape}")
    return Sum(ax, bool(keepdims))(x) / count


def _extremum(cls, name, x, axis, keepdims):
    x = as_tensor(x)
    ax = _normalise_axis(axis, x.ndim, name)
    if x.data.size == 0:
        raise ValueError(f"{name} of an empty tensor (shape {x.shape}) has no value")
    return cls(ax, bool(keepdims))(x)


def reduce_max(x, axis=None, keepdims: bool = False) -> Tensor:
    """Maximum of ``x`` over ``axis``; the gradient goes to the maximal element(s)."""
    return _extremum(Max, "max", x, axis, keepdims)


def reduce_min(x, axis=None, keepdims: bool = False) -> Tensor:
    """Minimum of ``x`` over ``axis``; the gradient goes to the minimal element(s)."""
    return _extremum(Min, "min", x, axis, keepdims)


# PyTorch's torch.return_types.max / min: a named tuple (values, indices).
MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


def _int_dim(x, dim, name: str) -> int:
    n = max(x.ndim, 1)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not -n <= dim < n:
        raise DimensionError(f"{name}: dim must be an int in [{-n}, {n - 1}] for a "
                             f"tensor of shape {x.shape}; received dim={dim!r}")
    return int(dim) % n


def max_with_indices(x, dim, keepdim: bool = False, which: str = "max"):
    """``(values, indices)`` of the maximum (``which='max'``) or minimum along ``dim``.

    As ``torch.max(x, dim)``: the gradient of ``values`` goes to the element at ``indices`` (the
    first one among ties).
    """
    from badak.engine.ops.indexing import getitem
    from badak.engine.ops.shape import reshape as t_reshape

    x = as_tensor(x)
    result = MaxResult if which == "max" else MinResult
    d = _int_dim(x, dim, which)
    if x.ndim == 0:
        return result(x, Tensor._make(xp.asarray(0, dtype=np.int64), False))
    if x.shape[d] == 0:
        raise ValueError(f"{which}: axis {d} of the tensor (shape {x.shape}) is empty")
    find = xp.argmax if which == "max" else xp.argmin
    idx = find(x.data, axis=d, keepdims=True)  # (.., 1, ..): the winner's position on axis d
    index = tuple(idx if i == d else
                  xp.arange(n).reshape((1,) * i + (n,) + (1,) * (x.ndim - i - 1))
                  for i, n in enumerate(x.shape))
    values = getitem(x, index)  # (.., 1, ..)
    if not keepdim:
        values = t_reshape(values, x.shape[:d] + x.shape[d + 1:])
        idx = idx.reshape(x.shape[:d] + x.shape[d + 1:])
    return result(values, Tensor._make(idx.astype(np.int64, copy=False), False))


def arg_extremum(x, dim=None, keepdim: bool = False, which: str = "argmax") -> Tensor:
    """Index (int64) of the maximum (``argmax``) or minimum (``argmin``) along ``dim``; of the
    flattened tensor when ``dim`` is None."""
    x = as_tensor(x)
    find = xp.argmax if which == "argmax" else xp.argmin
    if x.data.size == 0:
        raise ValueError(f"{which} of an empty tensor (shape {x.shape}) has no value")
    if dim is None:
        idx = xp.asarray(find(x.data))
        if keepdim:
            idx = idx.reshape((1,) * x.ndim)
    else:
        d = _int_dim(x, dim, which)
        idx = xp.asarray(find(x.data, axis=d, keepdims=bool(keepdim))) if x.ndim else \
            xp.asarray(0)
    return Tensor._make(idx.astype(np.int64, copy=False), False)


def variance(x, dim=None, correction=1, keepdim: bool = False, unbiased=None,
             name: str = "var") -> Tensor:
    """Variance over ``dim``: Σ(x - mean)² / (N - correction), composed of differentiable ops."""
    x = as_tensor(x)
    if unbiased is not None:
        if not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"{name}: unbiased must be a bool; received unbiased={unbiased!r}")
        correction = 1 if unbiased else 0
    if isinstance(correction, bool) or not isinstance(correction, (int, float, np.integer)) \
            or correction < 0:
        raise ValueError(f"{name}: correction must be a non-negative number; received "
                         f"correction={correction!r}")
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: needs a floating-point tensor; received dtype {x.dtype}")
    ax = _normalise_axis(dim, x.ndim, name)
    n = x.data.size if ax is None else int(np.prod([x.shape[a] for a in ax]))
    if n - correction <= 0:
        raise ValueError(f"{name}: needs more than correction={correction} elements over the "
                         f"reduced axes; received {n} (tensor of shape {x.shape})")
    d = x - reduce_mean(x, ax, True)  # (in_shape), centred
    return reduce_sum(d * d, ax, bool(keepdim)) / (n - correction)


class Norm2(Function):
    """y = √(Σ x²) over axis; local gradient x / y (0 where y = 0, as in PyTorch)."""

    def __init__(self, axis, keepdims):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        return xp.sqrt((x * x).sum(axis=self.axis, keepdims=self.keepdims))  # (in) -> reduced

    def backward(self, gy):
        x = self.input(0)
        kept = _kept_shape(self.inputs[0].shape, self.axis)
        pos = self.y.reshape(kept) > 0  # (kept): where y = 0 the gradient is 0 (no 0/0)
        P = self.prims
        one = xp.ones((), dtype=self.y.dtype)
        y = P.where(pos, self.output().reshape(kept), one)  # (kept), 1 where y = 0
        scale = P.where(pos, one / y, xp.zeros((), dtype=self.y.dtype))  # 1/y, or 0
        return gy.reshape(kept) * x * scale  # (kept) * (in) -> (in)


def norm(x, p=2, dim=None, keepdim: bool = False) -> Tensor:
    """The ``p``-norm of ``x`` over ``dim`` (all elements by default): p = 2 (Euclidean), 1,
    ``float('inf')``, or any p > 0 as (Σ|x|ᵖ)^(1/p)."""
    from badak.engine.ops.elementwise import absolute

    x = as_tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"norm: needs a floating-point tensor; received dtype {x.dtype}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
        raise ValueError(f"norm: p must be a positive number or float('inf'); received p={p!r}")
    ax = _normalise_axis(dim, x.ndim, "norm")
    keep = bool(keepdim)
    if p == 2:
        return Norm2(ax, keep)(x)
    if p == 1:
        return reduce_sum(absolute(x), ax, keep)
    if p == float("inf"):
        return reduce_max(absolute(x), ax, keep)
    return reduce_sum(absolute(x) ** p, ax, keep) ** (1.0 / p)
