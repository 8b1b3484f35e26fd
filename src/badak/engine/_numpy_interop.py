"""Tensors as NumPy operands: ``np.exp(t)``, ``array + t``, ``p.data -= lr * p.grad``.

NumPy hands every ufunc call that involves a Tensor to :meth:`Tensor.__array_ufunc__`, which
lands here. What comes back is a Tensor, as from PyTorch:

- a ufunc that badak has as an op (``np.add``, ``np.exp``, ``np.equal``, ...) called plainly is
  that op, recorded in the graph like the operator (``array + t`` is ``t.__radd__``);
- any other call computes on the values. It refuses a tensor that requires grad while the graph
  is recorded (its gradient would be silently lost), as PyTorch does ("Can't call numpy() on
  Tensor that requires grad");
- with ``out=`` arrays (``arr -= t`` is ``np.subtract(arr, t, out=(arr,))``) the arrays are
  written in place and returned, so ``p.data -= lr * p.grad`` updates ``p.data`` itself; a Tensor
  in ``out`` is changed in place under the rules of :mod:`badak.engine.ops.inplace`.
"""

from __future__ import annotations

import numpy as np

from badak.engine import ops
from badak.engine.autograd import is_grad_enabled
from badak.engine.tensor import Tensor


def _compare(fn):
    return lambda a, b: Tensor._make(np.asarray(fn(_values(a), _values(b))), False)


def _values(x):
    return x.data if isinstance(x, Tensor) else x


_OPS = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.negative: ops.neg, np.power: ops.power, np.matmul: ops.matmul, np.exp: ops.exp,
    np.log: ops.log, np.sqrt: ops.sqrt, np.absolute: ops.absolute,
    np.equal: _compare(np.equal), np.not_equal: _compare(np.not_equal),
    np.less: _compare(np.less), np.less_equal: _compare(np.less_equal),
    np.greater: _compare(np.greater), np.greater_equal: _compare(np.greater_equal),
}


def array_ufunc(ufunc, method: str, inputs: tuple, kwargs: dict):
    """Run ``ufunc.method(*inputs, **kwargs)`` where some inputs or outputs are Tensors."""
    out = kwargs.pop("out", None)
    if method == "__call__" and out is None and not kwargs:
        op = _OPS.get(ufunc)
        if op is not None:
            return op(*inputs)
    tensor_outs = []
    if out is not None:
        out = out if isinstance(out, tuple) else (out,)
        tensor_outs = [o for o in out if isinstance(o, Tensor)]
        for o in tensor_outs:  # np.add(t, 1, out=t): an in-place change of the Tensor
            if is_grad_enabled() and o.requires_grad:
                from badak.engine.ops.inplace import LEAF_ERROR

                raise RuntimeError(
                    f"{LEAF_ERROR} (np.{ufunc.__name__} with out= a tensor that requires grad: "
                    f"use badak.no_grad())" if o.creator is None else
                    f"np.{ufunc.__name__} with out= a tensor in a recorded graph cannot be "
                    f"recorded; use badak's in-place methods (add_, mul_, ...)")
    if is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise RuntimeError(f"Can't call numpy() on Tensor that requires grad: np.{ufunc.__name__}"
                           f"{'' if method == '__call__' else '.' + method} would drop its "
                           f"gradient. Use badak's op, or tensor.detach() (or badak.no_grad())")
    arrays = [_values(x) for x in inputs]
    if out is None:
        result = getattr(ufunc, method)(*arrays, **kwargs)
        if isinstance(result, tuple):
            return tuple(Tensor._make(np.asarray(r), False) for r in result)
        return Tensor._make(np.asarray(result), False)
    kwargs["out"] = tuple(_values(o) for o in out)
    getattr(ufunc, method)(*arrays, **kwargs)
    for o in tensor_outs:
        o._bump_version()
    return out[0] if len(out) == 1 else out
