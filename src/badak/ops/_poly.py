"""Helpers that work on both arrays and Tensors, so that one ``backward`` serves both modes.

In a normal backward pass, ops see arrays; under ``create_graph=True`` they see Tensors and every
operation they do is recorded. Arithmetic operators work on both already; these cover the rest.
"""

from __future__ import annotations

from badak.backend import xp
from badak.tensor import Tensor


def exp(v):
    if isinstance(v, Tensor):
        from badak.ops.elementwise import exp as t_exp

        return t_exp(v)
    return xp.exp(v)


def broadcast_to(v, shape):
    if isinstance(v, Tensor):
        from badak.ops.shape import broadcast_to as t_broadcast_to

        return t_broadcast_to(v, shape)
    return xp.broadcast_to(v, shape)


def reshape(v, shape):
    if isinstance(v, Tensor):
        from badak.ops.shape import reshape as t_reshape

        return t_reshape(v, shape)
    return v.reshape(shape)


def sum_(v, axis=None, keepdims=False):
    if isinstance(v, Tensor):
        from badak.ops.reduction import reduce_sum

        return reduce_sum(v, axis, keepdims)
    return v.sum(axis=axis, keepdims=keepdims)


def swap_last(v):
    """Swap the last two axes (the matrix transpose of a stack of matrices)."""
    if isinstance(v, Tensor):
        from badak.ops.shape import transpose

        axes = list(range(v.ndim))
        axes[-1], axes[-2] = axes[-2], axes[-1]
        return transpose(v, tuple(axes))
    return xp.swapaxes(v, -1, -2)
