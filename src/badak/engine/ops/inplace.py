"""In-place operations (``t += x``, ``t.add_(x)``, ``t[i] = v``, ``t.zero_()``), as in PyTorch.

The tensor keeps its identity and its array: ``p -= lr * p.grad`` under ``no_grad`` updates the
parameter the optimizer and the model hold. Three rules keep gradients right:

1. A leaf that requires grad may be changed in place only under :class:`badak.no_grad`
   (elsewhere the change would be recorded as part of the model it is the input of).
2. Every in-place change bumps the tensor's version (``t._version``; views made by indexing,
   reshape, transpose, expand and ``detach()`` share their base's counter). A graph node records
   its inputs' versions; backward raises a RuntimeError naming the node when an input it saved
   was changed since, instead of computing with the new values (a silently wrong gradient).
3. Recording: when the graph is being built and the tensor or the operand requires grad, the
   change is a node like its out-of-place twin, applied to the old value. The old value moves to
   a copy that takes the tensor's former place in the graph (so the node that produced it still
   sees what it computed), and the tensor itself becomes the new node's output. A view (or a
   tensor with views) cannot be changed this way: its base would keep a stale history.

Sources: PyTorch's autograd mechanics notes ("In-place operations with autograd", version
counters); ``torch/csrc/autograd/VariableTypeUtils.h`` (``check_inplace``).
"""

from __future__ import annotations

import numbers
from weakref import ref as _weakref

import numpy as np

from badak.engine.autograd import Function, is_grad_enabled
from badak.engine.backend import xp
from badak.engine.tensor import Tensor, as_tensor

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


class Fill(Function):
    """y = value everywhere (the old values do not matter: their gradient is zero)."""

    def __init__(self, value):
        self.value = value

    def forward(self, x):
        return xp.full(x.shape, self.value, dtype=x.dtype)  # (shape) -> (shape)

    def backward(self, gy):
        return gy * 0  # (shape): the old values had no effect


class CopyFrom(Function):
    """y = src broadcast to x's shape and dtype; the gradient goes to src, none to x."""

    def forward(self, x, src):
        return xp.broadcast_to(src, x.shape).astype(x.dtype)  # (src) -> (x shape)

    def backward(self, gy):
        return gy * 0, gy  # (x shape) each; the engine sums gy back to src's shape and dtype


class SetItem(Function):
    """y = x with y[index] = v; the gradient of x is gy with the index zeroed, of v gy[index]."""

    def __init__(self, index):
        self.index = index

    def forward(self, x, v):
        y = x.copy()
        y[self.index] = v  # (x shape), the selection replaced by v (broadcast)
        return y

    def backward(self, gy):
        mask = xp.ones(self.inputs[0].shape, dtype=bool)
        mask[self.index] = False
        gx = gy * mask  # (x shape), zero where v was written
        gv = gy[self.index]  # (selected)
        return gx, gv


def _apply(t: Tensor, name: str, plain, recorded, operands=()) -> Tensor:
    """Change ``t`` in place: ``plain(array)`` writes into t's array when nothing is recorded;
    ``recorded(old_tensor)`` builds the out-of-place node when the graph is being built."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}: expected a Tensor to change in place; received "
                        f"{type(t).__name__}")
    record = is_grad_enabled() and (t.requires_grad or any(
        isinstance(o, Tensor) and o.requires_grad for o in operands))
    if record and t.requires_grad and t.creator is None:
        raise RuntimeError(f"{LEAF_ERROR} ({name} on a tensor of shape {t.shape}: change "
                           f"parameters under `with badak.no_grad():`)")
    creator = t.creator
    if not record:
        _keep_creator_value(t, creator)
        try:
            plain(t.data)
        except ValueError as e:
            if "read-only" in str(e):
                raise RuntimeError(f"{name}: unsupported operation: more than one element of "
                                   f"the written-to tensor refers to a single memory location "
                                   f"(it was made by expand or broadcast_to). Please clone() "
                                   f"the tensor before performing the operation.") from None
            raise ValueError(f"{name}: {e} (the tensor changed in place has shape "
                             f"{t.shape})") from None
        except TypeError as e:
            if "Cannot cast" in str(e) or "cast ufunc" in str(e):
                raise RuntimeError(f"{name}: result type can't be cast to the desired output "
                                   f"type {t.dtype} ({e})") from None
            raise
        t._bump_version()
        return t
    if t._vc is not None and t._vc[1]:
        raise RuntimeError(f"{name}: this tensor shares its memory with another tensor (a view "
                           f"made by indexing, reshape, transpose, expand or detach), and an "
                           f"in-place change of a view cannot be recorded in the graph; use "
                           f"the out-of-place form (y = y + x) or clone() first")
    old = Tensor._make(t.data.copy(), t.requires_grad)
    old.creator = creator
    r = recorded(old)
    if r.shape != t.shape:
        raise ValueError(f"{name}: the result has shape {r.shape} but the tensor changed in "
                         f"place has shape {t.shape} (the operand must broadcast to it)")
    if not np.can_cast(r.dtype, t.dtype, casting="same_kind"):
        raise RuntimeError(f"{name}: result type {r.dtype} can't be cast to the desired output "
                           f"type {t.dtype}")
    if creator is not None:  # the old value takes t's place as creator's output
        if creator.y is t.data:
            creator.y = old.data
        creator._out = _weakref(old)
    t.data[...] = r.data
    node = r.creator
    t.creator = node
    t.requires_grad = True
    if node is not None:
        node._out = _weakref(t)
        if r.dtype == t.dtype:
            node.y = t.data
        if t._retain_grad:
            node._retains = True
    t._bump_version()
    return t


def _keep_creator_value(t: Tensor, creator) -> None:
    """Before t's array changes outside the graph, give the node that produced t its own copy
    of the value it computed (so that its backward stays right)."""
    if creator is not None and creator.y is t.data:
        creator.y = t.data.copy()


def _operand(t: Tensor, other, name: str):
    if isinstance(other, Tensor):
        return other
    if isinstance(other, (str, bytes)) or other is None:
        raise TypeError(f"{name}: other must be a Tensor, an array or a number; received "
                        f"{type(other).__name__} {other!r}")
    return as_tensor(other, like=t)


def _scaled(other: Tensor, alpha, name: str):
    if alpha is None or (isinstance(alpha, numbers.Number) and alpha == 1):
        return other
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}: alpha must be a number; received alpha={alpha!r}")
    return other * alpha


def _ufunc_inplace(ufunc, other: Tensor, name: str):
    def plain(a):
        rt = xp.result_type(a, other.data) if ufunc is not xp.true_divide else \
            xp.result_type(a, other.data, xp.float16)
        if not xp.can_cast(rt, a.dtype, casting="same_kind"):
            raise RuntimeError(f"{name}: result type {rt} can't be cast to the desired output "
                               f"type {a.dtype}")
        ufunc(a, other.data, out=a, casting="same_kind")
    return plain


def add_(t: Tensor, other, alpha=1) -> Tensor:
    """``t += alpha * other`` in place."""
    other = _scaled(_operand(t, other, "add_"), alpha, "add_")
    plain = _ufunc_inplace(xp.add, other, "add_")
    return _apply(t, "add_", plain, lambda old: old + other, (other,))


def sub_(t: Tensor, other, alpha=1) -> Tensor:
    """``t -= alpha * other`` in place."""
    other = _scaled(_operand(t, other, "sub_"), alpha, "sub_")
    plain = _ufunc_inplace(xp.subtract, other, "sub_")
    return _apply(t, "sub_", plain, lambda old: old - other, (other,))


def mul_(t: Tensor, other) -> Tensor:
    """``t *= other`` in place."""
    other = _operand(t, other, "mul_")
    plain = _ufunc_inplace(xp.multiply, other, "mul_")
    return _apply(t, "mul_", plain, lambda old: old * other, (other,))


def div_(t: Tensor, other) -> Tensor:
    """``t /= other`` in place (true division)."""
    other = _operand(t, other, "div_")
    plain = _ufunc_inplace(xp.true_divide, other, "div_")
    return _apply(t, "div_", plain, lambda old: old / other, (other,))


def pow_(t: Tensor, exponent) -> Tensor:
    """``t **= exponent`` in place."""
    from badak.engine.ops.arithmetic import power

    if isinstance(exponent, Tensor) or isinstance(exponent, numbers.Number) and \
            not isinstance(exponent, bool):
        other = exponent if isinstance(exponent, Tensor) else as_tensor(exponent, like=t)
    else:
        other = _operand(t, exponent, "pow_")
    plain = _ufunc_inplace(xp.power, other, "pow_")
    constant = exponent if isinstance(exponent, (int, float)) and \
        not isinstance(exponent, bool) else other
    return _apply(t, "pow_", plain, lambda old: power(old, constant), (other,))


def _check_value(name: str, value):
    if isinstance(value, Tensor):
        if value.data.size != 1:
            raise ValueError(f"{name}: value must be a number or a one-element tensor; received "
                             f"a tensor of shape {value.shape}")
        value = value.data.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        raise TypeError(f"{name}: value must be a number; received {type(value).__name__} "
                        f"{value!r}")
    return value


def fill_(t: Tensor, value) -> Tensor:
    """Set every element of ``t`` to ``value`` in place."""
    value = _check_value("fill_", value)

    def plain(a):
        a[...] = value
    return _apply(t, "fill_", plain, lambda old: Fill(value)(old))


def clamp_(t: Tensor, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's names
    """Limit ``t`` to [min, max] in place."""
    from badak.engine.ops.elementwise import clip

    if min is None and max is None:
        raise ValueError("clamp_ needs min or max (or both); received min=None and max=None")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clamp_ needs min <= max; received min={min}, max={max}")

    def plain(a):
        xp.clip(a, min, max, out=a)
    return _apply(t, "clamp_", plain, lambda old: clip(old, min, max))


def copy_(t: Tensor, src) -> Tensor:
    """Copy ``src`` into ``t`` (broadcast to t's shape, converted to t's dtype)."""
    src = _operand(t, src, "copy_")
    try:
        np.broadcast_shapes(src.shape, t.shape)
        if np.broadcast_shapes(src.shape, t.shape) != t.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"copy_: src of shape {src.shape} cannot be broadcast to the tensor's "
                         f"shape {t.shape}") from None

    def plain(a):
        np.copyto(a, src.data, casting="unsafe")
    return _apply(t, "copy_", plain, lambda old: CopyFrom()(old, src), (src,))


def setitem_(t: Tensor, index, value) -> None:
    """``t[index] = value`` in place."""
    from badak.engine.ops.indexing import _normalise_index

    index = _normalise_index(index)
    value = _operand(t, value, "__setitem__")
    try:
        t.data[index]
    except IndexError as e:
        raise IndexError(f"index {index!r} is out of range for a tensor of shape {t.shape}: "
                         f"{e}") from e

    def plain(a):
        a[index] = value.data
    _apply(t, "__setitem__", plain, lambda old: SetItem(index)(old, value), (value,))


def _random_fill(t: Tensor, name: str, draw, generator, rng) -> Tensor:
    from badak.engine.random import as_generator

    if generator is not None and rng is not None:
        raise TypeError(f"{name}: pass generator or rng, not both")
    gen = as_generator(rng if generator is None else generator,
                       "rng" if generator is None else "generator")
    if t.dtype.kind != "f":
        raise TypeError(f"{name}: needs a floating-point tensor; received dtype {t.dtype}")
    values = draw(gen, t.shape).astype(t.dtype, copy=False)

    def plain(a):
        a[...] = values
    return _apply(t, name, plain, lambda old: CopyFrom()(old, Tensor._make(values, False)))


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None, rng=None) -> Tensor:
    """Fill ``t`` in place with samples of U(a, b)."""
    from badak._validation import check_number

    a, b = check_number("a", a), check_number("b", b)
    if a > b:
        raise ValueError(f"uniform_: expects a <= b; received a={a}, b={b}")
    return _random_fill(t, "uniform_", lambda g, s: g.uniform(a, b, s), generator, rng)


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None,
            rng=None) -> Tensor:
    """Fill ``t`` in place with samples of N(mean, std²)."""
    from badak._validation import check_number

    mean, std = check_number("mean", mean), check_number("std", std, low=0.0)
    return _random_fill(t, "normal_", lambda g, s: g.normal(mean, std, s), generator, rng)
