"""The primitives a ``backward`` is written with: one set of names, for arrays and for Tensors.

A node's ``backward`` normally works on NumPy arrays. Under ``backward(create_graph=True)`` it
works on Tensors instead, so that every operation it does is itself recorded and can be
differentiated again (second derivatives). To write each backward *once*, it uses

- operators and methods that arrays and Tensors both have: ``+ - * / @``, ``.T``,
  ``.reshape(shape)``, ``.sum(axis=..., keepdims=...)``, ``.astype(dtype)``, ``x[index]``;
- for everything else, ``P = self.prims`` (:attr:`~badak.engine.autograd.Function.prims`):
  :data:`ARRAYS` (NumPy's functions) normally, :data:`TENSORS` (badak's recorded ops) under
  ``create_graph``, with the same names and arguments. DeZero does the same to run one backward
  on NumPy or CuPy (``xp = cuda.get_array_module(x)``).

So ``Linear.backward`` reads ``P.dot(gy, w.T)``: ``np.dot`` on arrays, ``badak.matmul`` on
Tensors. Values a forward saved (a mask, a probability) are read through
:meth:`~badak.engine.autograd.Function.saved`, which gives the array, or recomputes the same
expression from the input Tensors under ``create_graph``.
"""

from __future__ import annotations

from badak.engine.backend import xp


def _swap_last(v):
    return xp.swapaxes(v, -1, -2)


def _matmul(a, b):
    """a @ b, through xp.dot for 2-D operands (faster for transposed views; see Linear)."""
    if a.ndim == 2 and b.ndim == 2:
        return xp.dot(a, b)
    return a @ b


def _scatter_add(gy, index, shape):
    """Zeros of ``shape`` with ``gy`` added at ``index`` (repeated indices add up)."""
    gx = xp.zeros(shape, dtype=gy.dtype)
    xp.add.at(gx, index, gy)
    return gx


def _split(v, sizes, axis):
    """Cut ``v`` along ``axis`` into consecutive pieces of ``sizes``."""
    return tuple(xp.split(v, xp.cumsum(sizes)[:-1], axis=axis))


def _sum_to(v, shape):
    from badak.engine.autograd import _sum_to

    return _sum_to(v, shape)


class _Primitives:
    """One namespace of backward primitives (see the module docstring)."""

    def __init__(self, name: str, **functions) -> None:
        self._name = name
        self.__dict__.update(functions)

    def __repr__(self) -> str:
        return f"<backward primitives on {self._name}>"


ARRAYS = _Primitives(
    "arrays",
    dot=xp.dot,                    # 2-D product (BLAS, fast for transposed operands)
    matmul=_matmul,                # (..., n, k) @ (..., k, m)
    matrix_transpose=_swap_last,   # swap the last two axes
    exp=xp.exp,
    log=xp.log,
    where=xp.where,                # where(cond, a, b)
    reshape=xp.reshape,            # reshape(v, shape)
    transpose=xp.transpose,        # transpose(v, axes)
    broadcast_to=xp.broadcast_to,  # broadcast_to(v, shape)
    sum_to=_sum_to,                # sum_to(v, shape): undo broadcasting
    scatter_add=_scatter_add,      # scatter_add(g, index, shape): the backward of v[index]
    split=_split,                  # split(v, sizes, axis): the backward of concatenate
)


def _t_where(cond, a, b):
    from badak.engine.ops.elementwise import where

    return where(cond, a, b)


def _t_scatter_add(g, index, shape):
    from badak.engine.ops.indexing import GetItemGrad

    return GetItemGrad(index, shape)(g)


def _t_split(v, sizes, axis):
    from badak.engine.ops.indexing import getitem

    out, start = [], 0
    for size in sizes:
        index = [slice(None)] * v.ndim
        index[axis] = slice(start, start + size)
        out.append(getitem(v, tuple(index)))
        start += size
    return tuple(out)


def _t_swap_last(v):
    from badak.engine.ops.shape import swapaxes

    return swapaxes(v, -1, -2)


def _t_op(module: str, name: str):
    """A badak op looked up when first used (the ops import this module)."""
    def call(*args):
        import importlib

        return getattr(importlib.import_module(module), name)(*args)

    call.__name__ = name
    return call


TENSORS = _Primitives(
    "Tensors",
    dot=_t_op("badak.engine.ops.matmul", "matmul"),
    matmul=_t_op("badak.engine.ops.matmul", "matmul"),
    matrix_transpose=_t_swap_last,
    exp=_t_op("badak.engine.ops.elementwise", "exp"),
    log=_t_op("badak.engine.ops.elementwise", "log"),
    where=_t_where,
    reshape=_t_op("badak.engine.ops.shape", "reshape"),
    transpose=_t_op("badak.engine.ops.shape", "transpose"),
    broadcast_to=_t_op("badak.engine.ops.shape", "broadcast_to"),
    sum_to=_t_op("badak.engine.ops.shape", "sum_to"),
    scatter_add=_t_scatter_add,
    split=_t_split,
)

__all__ = ["ARRAYS", "TENSORS"]
