"""Nodes that move values around without changing them: reshape, transpose, broadcast, sum-to.

Their local gradient is a permutation or a copy, so backward applies the inverse movement:
reshape back, transpose by the inverse permutation, and sum over the axes that were broadcast.
"""

from __future__ import annotations

import numpy as np

from badak.engine.autograd import Function, _sum_to
from badak.engine.backend import xp
from badak.engine.tensor import DimensionError, Tensor, as_tensor


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(self.shape)  # (in_shape) -> (shape), same number of elements

    def backward(self, gy):
        return gy.reshape(self.in_shape)  # (shape) -> (in_shape)


class Transpose(Function):
    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)  # axes permuted

    def backward(self, gy):
        inv = None if self.axes is None else tuple(np.argsort(self.axes))
        return self.prims.transpose(gy, inv)  # the inverse permutation


class BroadcastTo(Function):
    """Copy x along new or size-1 axes; backward sums those axes back."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return xp.broadcast_to(x, self.shape)  # (in_shape) -> (shape)

    def backward(self, gy):
        return self.prims.sum_to(gy, self.in_shape)  # (shape) -> (in_shape)


class SumTo(Function):
    """Sum x down to a shape it was broadcast from; backward broadcasts back."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return _sum_to(x, self.shape)  # (in_shape) -> (shape)

    def backward(self, gy):
        return self.prims.broadcast_to(gy, self.in_shape)  # (shape) -> (in_shape)


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
    return _view_of(Reshape(target)(x), x)


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
    return _view_of(Transpose(axes)(x), x)


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
    return _view_of(BroadcastTo(shape)(x), x)


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


class Repeat(Function):
    """Tile x ``reps[i]`` times along axis i; backward sums the copies."""

    def __init__(self, reps):
        self.reps = reps

    def forward(self, x):
        self.in_shape = x.shape
        return xp.tile(x, self.reps)  # (s0, s1, ..) -> (r0*s0, r1*s1, ..)

    def backward(self, gy):
        # (r0*s0, r1*s1, ..) -> (r0, s0, r1, s1, ..), then sum over the r axes
        split = []
        for r, s in zip(self.reps, self.in_shape):
            split += [r, s]
        axes = tuple(range(0, 2 * len(self.reps), 2))
        return gy.reshape(tuple(split)).sum(axis=axes)


class Clone(Function):
    """y = a copy of x (its own memory); the gradient passes through unchanged."""

    def forward(self, x):
        return xp.array(x, copy=True, order="C")  # (shape) -> (shape)

    def backward(self, gy):
        return gy  # (shape) -> (shape)


def _dim(x, dim, name: str, extra: int = 0) -> int:
    """Check axis ``dim`` of ``x`` (``extra`` more allowed, for unsqueeze) and make it >= 0."""
    n = x.ndim + extra
    lo, hi = -max(n, 1), max(n, 1) - 1
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not lo <= dim <= hi:
        raise DimensionError(f"{name}: dim must be an int in [{lo}, {hi}] for a "
                             f"tensor of shape {x.shape}; received dim={dim!r}")
    return int(dim) % max(n, 1)


def _view_of(out: Tensor, x: Tensor) -> Tensor:
    from badak.engine.tensor import _share_version

    return _share_version(out, x)


def swapaxes(x, dim0: int, dim1: int) -> Tensor:
    """Swap axes ``dim0`` and ``dim1`` (PyTorch's ``transpose(dim0, dim1)``)."""
    x = as_tensor(x)
    d0, d1 = _dim(x, dim0, "transpose"), _dim(x, dim1, "transpose")
    axes = list(range(x.ndim))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return transpose(x, tuple(axes))


def flatten(x, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim`` .. ``end_dim`` (inclusive) into one."""
    x = as_tensor(x)
    if x.ndim == 0:
        return reshape(x, (1,))
    s, e = _dim(x, start_dim, "flatten"), _dim(x, end_dim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim must not come after end_dim; received "
                         f"start_dim={start_dim}, end_dim={end_dim}")
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1:])


def unflatten(x, dim: int, sizes) -> Tensor:
    """Split axis ``dim`` into ``sizes`` (a tuple; one entry may be -1)."""
    x = as_tensor(x)
    d = _dim(x, dim, "unflatten")
    if isinstance(sizes, (int, np.integer)) or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
        raise TypeError(f"unflatten: sizes must be a tuple of ints; received sizes={sizes!r}")
    sizes = tuple(int(s) for s in sizes)
    try:
        inner = _resolve_shape(sizes, (x.shape[d],))
    except ValueError:
        raise ValueError(f"unflatten: sizes {sizes} do not multiply to the length "
                         f"{x.shape[d]} of axis {dim} (shape {x.shape})") from None
    return reshape(x, x.shape[:d] + inner + x.shape[d + 1:])


def squeeze(x, dim=None) -> Tensor:
    """Remove axes of length 1 (all, or those in ``dim`` that have length 1)."""
    x = as_tensor(x)
    if dim is None:
        dims = [i for i, s in enumerate(x.shape) if s == 1]
    else:
        dims = [_dim(x, d, "squeeze") for d in ((dim,) if not isinstance(dim, (tuple, list))
                                                else dim)]
        dims = [d for d in dims if x.ndim and x.shape[d] == 1]
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in dims))


def unsqueeze(x, dim: int) -> Tensor:
    """Insert an axis of length 1 at ``dim`` (in [-ndim-1, ndim])."""
    x = as_tensor(x)
    d = _dim(x, dim, "unsqueeze", extra=1)
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def expand(x, sizes) -> Tensor:
    """Broadcast to ``sizes`` (-1 keeps an axis), without copying: a read-only view."""
    x = as_tensor(x)
    sizes = tuple(sizes)
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes) \
            or len(sizes) < x.ndim:
        raise ValueError(f"expand: sizes must be at least {x.ndim} ints (-1 keeps an axis); "
                         f"received sizes={sizes}")
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 and i >= lead else int(s)
                   for i, s in enumerate(sizes))
    if any(s < 0 for s in target):
        raise ValueError(f"expand: -1 is only allowed for existing axes; received "
                         f"sizes={sizes} for shape {x.shape}")
    return broadcast_to(x, target)


def repeat(x, sizes) -> Tensor:
    """Tile ``x`` ``sizes[i]`` times along each axis (more sizes than axes add leading axes)."""
    x = as_tensor(x)
    sizes = tuple(sizes)
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
               for s in sizes) or len(sizes) < x.ndim:
        raise ValueError(f"repeat: sizes must be at least {x.ndim} non-negative ints (one per "
                         f"axis); received sizes={sizes}")
    x = reshape(x, (1,) * (len(sizes) - x.ndim) + x.shape)
    return Repeat(tuple(int(s) for s in sizes))(x)


def clone(x) -> Tensor:
    """A copy of ``x`` with its own memory, still in the graph."""
    return Clone()(as_tensor(x))
