"""Joining nodes: concatenate along an existing axis, stack along a new one.

Backward splits the upstream gradient back into the pieces, each of its input's size.
"""

from __future__ import annotations

from collections.abc import Sequence

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.tensor import Tensor, as_tensor


class Concatenate(Function):
    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return xp.concatenate(xs, axis=self.axis)  # n pieces (.., s_i, ..) -> (.., sum s_i, ..)

    def backward(self, gy):
        return self.prims.split(gy, self.sizes, self.axis)  # one piece per input


def concatenate(tensors: Sequence, axis: int = 0) -> Tensor:
    """Join tensors along an existing ``axis``; all other axes must match."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor; received an empty sequence")
    ndim = tensors[0].ndim
    if ndim == 0:
        raise ValueError("concatenate: zero-dimensional tensors cannot be concatenated; "
                         "use stack")
    if not -ndim <= axis < ndim:
        raise ValueError(f"concatenate: axis must be in [-{ndim}, {ndim - 1}]; received "
                         f"axis={axis}")
    axis %= ndim
    ref = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.ndim != ndim or t.shape[:axis] + t.shape[axis + 1:] != ref[:axis] + ref[axis + 1:]:
            raise ValueError(f"concatenate: tensors[{i}] has shape {t.shape}, which does not "
                             f"match tensors[0]'s shape {ref} except along axis {axis}")
    return Concatenate(axis)(*tensors)


def stack(tensors: Sequence, axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new ``axis`` (a reshape then a concatenate)."""
    from badak.engine.ops.shape import reshape

    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor; received an empty sequence")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise ValueError(f"stack: every tensor must have the same shape; tensors[{i}] has "
                             f"shape {t.shape}, tensors[0] has {shape}")
    ndim = len(shape) + 1
    if not -ndim <= axis < ndim:
        raise ValueError(f"stack: axis must be in [-{ndim}, {ndim - 1}]; received axis={axis}")
    axis %= ndim
    new_shape = shape[:axis] + (1,) + shape[axis:]
    return concatenate([reshape(t, new_shape) for t in tensors], axis=axis)
