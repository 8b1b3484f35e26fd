"""Nodes that move values around without changing them: reshape, transpose, broadcast, sum-to.

Their local gradient is a permutation or a copy, so backward applies the inverse movement:
reshape back, transpose by the inverse permutation, and sum over the axes that were broadcast.
"""

from __future__ import annotations

import numpy as np

from badak.autograd import Function, _sum_to
from badak.backend import xp
from badak.tensor import Tensor, as_tensor


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(self.shape)  # (in_shape) -> (shape), same number of elements

    def backward(self, gy):
        return reshape(gy, self.in_shape) if isinstance(gy, Tensor) else gy.reshape(self.in_shape)


class Transpose(Function):
    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)  # axes permuted

    def backward(self, gy):
        inv = None if self.axes is None else tuple(np.argsort(self.axes))
        return transpose(gy, inv) if isinstance(gy, Tensor) else gy.transpose(inv)


class BroadcastTo(Function):
    """Copy x along new or size-1 axes; backward sums those axes back."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return xp.broadcast_to(x, self.shape)  # (in_shape) -> (shape)

    def backward(self, gy):
        return sum_to(gy, self.in_shape) if isinstance(gy, Tensor) else _sum_to(gy, self.in_shape)


class SumTo(Function):
    """Sum x down to a shape it was broadcast from; backward broadcasts back."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return _sum_to(x, self.shape)  # (in_shape) -> (shape)

    def backward(self, gy):
        if isinstance(gy, Tensor):
            return broadcast_to(gy, self.in_shape)
        return xp.broadcast_to(gy, self.in_shape)


class AsType(Function):
    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.in_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, gy):
        return gy.astype(self.in_dtype)


def reshape(x, shape) -> Tensor:
    """Return ``x`` with a new shape holding the same number of elements (``-1`` infers one)."""
    x = as_tensor(x)
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    target = _resolve_shape(shape, x.shape)
    if target == x.shape:
        return x
    return Reshape(target)(x)


def _resolve_shape(shape: tuple, in_shape: tuple) -> tuple:
    size = int(np.prod(in_shape))
    unknown = [i for i, s in enumerate(shape) if s == -1]
    problem = len(unknown) > 1 or any(s < -1 for s in shape)
    known = int(np.prod([s for s in shape if s != -1]))
    if not problem and unknown:
        problem = known == 0 or size % known != 0
        if not problem:
            shape = shape[:unknown[0]] + (size // known,) + shape[unknown[0] + 1:]
    if problem or int(np.prod(shape)) != size:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {in_shape} ({size} "
                         f"elements) into shape {shape}")
    return shape


def transpose(x, axes=None) -> Tensor:
    """Permute the axes of ``x`` (reverse them when ``axes`` is None)."""
    x = as_tensor(x)
    if axes is not None:
        received = tuple(axes)
        if any(not -x.ndim <= int(a) < x.ndim for a in received):
            raise ValueError(f"transpose: axes must be a permutation of 0..{x.ndim - 1}; "
                             f"received axes={received}")
        axes = tuple(int(a) % x.ndim for a in received)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes must be a permutation of 0..{x.ndim - 1}; "
                             f"received axes={axes}")
    return Transpose(axes)(x)


def broadcast_to(x, shape) -> Tensor:
    """Broadcast ``x`` to ``shape`` (NumPy rules); the gradient sums back."""
    x = as_tensor(x)
    shape = tuple(shape)
    if x.shape == shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError as e:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from e
    return BroadcastTo(shape)(x)


def sum_to(x, shape) -> Tensor:
    """Sum ``x`` down to ``shape`` (the inverse of broadcasting)."""
    x = as_tensor(x)
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return SumTo(shape)(x)


def astype(x, dtype) -> Tensor:
    """Return ``x`` converted to ``dtype``; gradients are converted back."""
    x = as_tensor(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if x.requires_grad and dtype.kind != "f":
        return Tensor._make(x.data.astype(dtype), False)
    return AsType(dtype)(x)
