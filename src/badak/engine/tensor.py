"""The Tensor: an array that remembers how it was computed.

A Tensor wraps a NumPy array (``.data``). When it is computed from tensors that require a gradient,
it keeps a reference to the :class:`~badak.engine.autograd.Function` that made it
(``.creator``), and
``backward()`` walks those nodes back to the leaves, filling each leaf's ``.grad``.

Python floats and float lists become float32 (the default of deep learning frameworks, and half
the memory traffic of float64); NumPy arrays keep their dtype, so float64 works everywhere too.
"""

from __future__ import annotations

import numbers

import numpy as np

from badak._validation import check_bool
from badak.engine.backend import xp

_DEFAULT_FLOAT = np.float32


class DimensionError(ValueError, IndexError):
    """A ``dim`` out of range: an IndexError as in PyTorch, and a ValueError like the rest of
    badak's axis checks (and NumPy's AxisError)."""


def _as_data(data, dtype=None):
    """Convert user data to an array, with the errors the issue asks for."""
    if isinstance(data, Tensor):
        arr = data.data
        return arr.astype(dtype) if dtype is not None else arr.copy()
    if isinstance(data, (str, bytes)):
        raise TypeError(f"data must be a number, a nested sequence of numbers or an array; "
                        f"received {type(data).__name__} {data!r}")
    if dtype is not None:
        try:
            dtype = np.dtype(dtype)
        except TypeError as e:
            raise TypeError(f"dtype must be a NumPy dtype such as 'float32' or 'float64'; "
                            f"received dtype={dtype!r}") from e
        if dtype.kind not in "biuf":
            raise TypeError(f"dtype must be a boolean, integer or floating-point dtype; "
                            f"received dtype={dtype}")
    from_python = not isinstance(data, (np.ndarray, np.generic))
    try:
        arr = xp.asarray(data, dtype=dtype)
    except (ValueError, TypeError) as e:
        if "inhomogeneous" in str(e) or "sequence" in str(e):
            raise ValueError(f"data must be a rectangular nested sequence of numbers (every row "
                             f"the same length); received a ragged {type(data).__name__}") from e
        raise TypeError(f"data must be numbers; received {type(data).__name__} that cannot be "
                        f"converted to a numeric array ({e})") from e
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"data must be numbers; received {type(data).__name__} giving an array of "
                        f"dtype {arr.dtype} (kind {arr.dtype.kind!r}: strings, objects and complex "
                        f"numbers are not supported)")
    if dtype is None and from_python and arr.dtype == np.float64:
        arr = arr.astype(_DEFAULT_FLOAT)
    return arr


class Tensor:
    """A multi-dimensional array with automatic differentiation.

    Create one with :func:`badak.tensor`. Arithmetic operators (``+ - * / ** @``, unary ``-``)
    follow NumPy broadcasting and accept Python scalars and arrays on either side. Comparisons
    (``== != < <= > >=``) are elementwise and give boolean tensors; a Tensor is hashable by
    identity. Augmented assignments (``+= -= *= /=``) and the ``*_`` methods change the tensor
    in place, as in PyTorch (see :mod:`badak.engine.ops.inplace`). Method names follow PyTorch
    (``dim``/``keepdim``, ``view``, ``permute``, ``size()``...) beside NumPy's (``axis``,
    ``keepdims``, ``size``). With NumPy, a Tensor is an operand whose results are Tensors (see
    :meth:`__array_ufunc__`).

    Attributes
    ----------
    data : numpy.ndarray
        The values.
    grad : Tensor or None
        The gradient accumulated by :meth:`backward` (leaves only, unless :meth:`retain_grad`).
    requires_grad : bool
        Whether operations on this tensor are recorded for backward.
    creator : Function or None
        The graph node that produced this tensor (None for leaves).
    """

    __slots__ = ("data", "grad", "requires_grad", "creator", "name", "_retain_grad", "_vc",
                 "_hooks", "__weakref__")

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str | None = None):
        arr = _as_data(data, dtype)
        requires_grad = check_bool("requires_grad", requires_grad)
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"requires_grad=True needs a floating-point tensor; received dtype "
                            f"{arr.dtype}. Pass dtype='float32' (or float data)")
        self.data = arr
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.creator = None
        self.name = name
        self._retain_grad = False
        self._vc = None
        self._hooks = None

    @classmethod
    def _make(cls, data, requires_grad: bool) -> Tensor:
        """Wrap an array without any checks (the fast path used by ops)."""
        t = object.__new__(cls)
        t.data = data
        t.grad = None
        t.requires_grad = requires_grad
        t.creator = None
        t.name = None
        t._retain_grad = False
        t._vc = None  # version counter [version, shared with a view]; None means version 0
        t._hooks = None
        return t

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> _Size:
        """The number of elements, usable as an int (NumPy's ``a.size``) or called as PyTorch's
        ``t.size()`` (the shape) and ``t.size(dim)`` (one axis's length)."""
        return _Size(self.data.size, self.data.shape)

    def dim(self) -> int:
        """The number of axes (PyTorch's name for ``ndim``)."""
        return self.data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return self.data.size

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor (or a view sharing its memory) has had."""
        vc = self._vc
        return 0 if vc is None else vc[0]

    def _bump_version(self) -> None:
        vc = self._vc
        if vc is None:
            self._vc = [1, False]
        else:
            vc[0] += 1

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation."""
        return self.creator is None

    @property
    def T(self) -> Tensor:  # noqa: N802
        """The tensor with its axes reversed (the matrix transpose for 2-D)."""
        return ops.transpose(self)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    # ----------------------------------------------------------------- conversion
    def numpy(self) -> np.ndarray:
        """Return the values as a NumPy array (shared memory, not a copy)."""
        return self.data

    def item(self) -> float | int | bool:
        """Return the value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with exactly one element; this one has "
                             f"shape {self.shape}")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def detach(self) -> Tensor:
        """Return a new leaf tensor sharing the values (and the version counter), cut off from
        the graph."""
        return _share_version(Tensor._make(self.data, False), self)

    def astype(self, dtype) -> Tensor:
        """Return a copy converted to ``dtype`` (differentiable between float dtypes)."""
        return ops.astype(self, dtype)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if self.creator is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be turned off on leaf tensors; use "
                               "detach() for a non-leaf")
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad=True needs a floating-point tensor; received dtype "
                            f"{self.data.dtype}")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this non-leaf tensor after backward (for inspection)."""
        self._retain_grad = True
        if self.creator is not None:
            self.creator._retains = True
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def __array__(self, dtype=None, copy=None):
        """The values for NumPy (``np.asarray(t)`` shares memory unless ``copy`` or a ``dtype``
        asks otherwise). Gradients do not flow through NumPy."""
        if dtype is None and not copy:
            return self.data
        return np.array(self.data, dtype=dtype, copy=True)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy ufuncs on Tensors (``np.exp(t)``, ``array - t``, ``arr -= lr * t``).

        Results are Tensors, as in PyTorch. The ufuncs badak has as ops (``add``, ``multiply``,
        ``exp``, ``equal``, ...) are recorded like the operators; others compute on the values
        and refuse a tensor that requires grad (the gradient would be silently lost). With
        ``out=`` an array (``p.data -= lr * p.grad``) the array is updated in place and
        returned; a Tensor ``out`` is updated in place like ``t.sub_(...)``.
        """
        return _numpy_interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             f"use (t > 0).data.any() or .all()")
        return bool(self.data)

    def __hash__(self) -> int:
        return id(self)

    # ----------------------------------------------------------------- repr
    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self.data), separator=", ", prefix="tensor(",
                               threshold=200, edgeitems=3)
        extras = []
        if self.data.dtype != _DEFAULT_FLOAT and self.data.dtype.kind == "f" or \
                self.data.dtype.kind != "f":
            extras.append(f"dtype={self.data.dtype}")
        if self.creator is not None:
            extras.append(f"grad_fn=<{self.creator.name}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    def _repr_html_(self) -> str:
        """Jupyter's view: shape, dtype, values (summarised when big) and grad."""
        from badak.interfaces.display import tensor_html

        return tensor_html(self)

    # ----------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Backpropagate from this tensor, accumulating ``.grad`` on every leaf that needs it.

        Parameters
        ----------
        gradient : array-like or Tensor, optional
            The upstream gradient d(something)/d(self), of this tensor's shape. Required unless
            this tensor has a single element (then it is 1).
        retain_graph : bool, optional
            Keep the graph's saved values so that backward can run through it again. Defaults
            to ``create_graph``; otherwise the graph is freed, and a second backward through it
            raises :class:`~badak.engine.autograd.GraphFreedError`.
        create_graph : bool, default=False
            Record the backward pass itself, so that the gradients can be differentiated again
            (second and higher derivatives).
        """
        autograd.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    # ----------------------------------------------------------------- operators
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.absolute(self)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    # Comparisons give boolean tensors (not differentiable), elementwise as in PyTorch and NumPy.
    # Tensors stay hashable by identity (``__hash__`` above), so sets and dicts of parameters
    # work; ``t in list_of_tensors`` does not (it compares elementwise): use ids or a set.
    def _compare(self, other, fn):
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._make(xp.asarray(fn(self.data, other)), False)

    def __eq__(self, other):  # type: ignore[override]
        return self._compare(other, xp.equal)

    def __ne__(self, other):  # type: ignore[override]
        return self._compare(other, xp.not_equal)

    def __lt__(self, other):
        return self._compare(other, xp.less)

    def __le__(self, other):
        return self._compare(other, xp.less_equal)

    def __gt__(self, other):
        return self._compare(other, xp.greater)

    def __ge__(self, other):
        return self._compare(other, xp.greater_equal)

    def eq(self, other) -> Tensor:
        """Elementwise ``self == other`` as a boolean tensor."""
        return self._compare(other, xp.equal)

    def ne(self, other) -> Tensor:
        """Elementwise ``self != other`` as a boolean tensor."""
        return self._compare(other, xp.not_equal)

    def lt(self, other) -> Tensor:
        return self._compare(other, xp.less)

    def le(self, other) -> Tensor:
        return self._compare(other, xp.less_equal)

    def gt(self, other) -> Tensor:
        return self._compare(other, xp.greater)

    def ge(self, other) -> Tensor:
        return self._compare(other, xp.greater_equal)

    # ----------------------------------------------------------------- in place
    # ``t += x`` changes t itself (the same object and array), as in PyTorch. See
    # :mod:`badak.engine.ops.inplace` for the rules: a leaf that requires grad may only be
    # changed under ``no_grad``; a change that a recorded graph still needs makes backward() raise.
    def __iadd__(self, other):
        return ops.inplace.add_(self, other)

    def __isub__(self, other):
        return ops.inplace.sub_(self, other)

    def __imul__(self, other):
        return ops.inplace.mul_(self, other)

    def __itruediv__(self, other):
        return ops.inplace.div_(self, other)

    def __ipow__(self, other):
        return ops.inplace.pow_(self, other)

    def __imatmul__(self, other):
        raise RuntimeError("In-place matmul is not supported (the result's shape can differ); "
                           "use x = x @ y")

    def add_(self, other, *, alpha=1) -> Tensor:
        """In place ``self += alpha * other``; returns self."""
        return ops.inplace.add_(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1) -> Tensor:
        """In place ``self -= alpha * other``; returns self."""
        return ops.inplace.sub_(self, other, alpha=alpha)

    def mul_(self, other) -> Tensor:
        """In place ``self *= other``; returns self."""
        return ops.inplace.mul_(self, other)

    def div_(self, other) -> Tensor:
        """In place ``self /= other``; returns self."""
        return ops.inplace.div_(self, other)

    def pow_(self, exponent) -> Tensor:
        """In place ``self **= exponent``; returns self."""
        return ops.inplace.pow_(self, exponent)

    def zero_(self) -> Tensor:
        """Fill with zeros in place; returns self."""
        return ops.inplace.fill_(self, 0)

    def fill_(self, value) -> Tensor:
        """Fill with ``value`` in place; returns self."""
        return ops.inplace.fill_(self, value)

    def clamp_(self, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's argument names
        """Limit to [min, max] in place; returns self."""
        return ops.inplace.clamp_(self, min, max)

    def copy_(self, src) -> Tensor:
        """Copy ``src`` (broadcast to this shape, converted to this dtype) in place; returns
        self."""
        return ops.inplace.copy_(self, src)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None, rng=None) -> Tensor:
        """Fill in place with U(a, b) samples from ``generator``/``rng`` (a
        ``numpy.random.Generator`` or a seed; None: badak's default); returns self."""
        return ops.inplace.uniform_(self, a, b, generator=generator, rng=rng)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None,
                rng=None) -> Tensor:
        """Fill in place with N(mean, std²) samples from ``generator``/``rng``; returns self."""
        return ops.inplace.normal_(self, mean, std, generator=generator, rng=rng)

    def __setitem__(self, index, value) -> None:
        ops.inplace.setitem_(self, index, value)

    # ----------------------------------------------------------------- reductions
    # Each takes PyTorch's ``dim``/``keepdim`` and NumPy's ``axis``/``keepdims`` (and the
    # ``dtype``/``out`` that ``np.sum(t)``, ``np.mean(t)`` pass).
    def sum(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None, dtype=None,
            out=None) -> Tensor:
        """Sum over ``dim`` (all axes by default)."""
        x, ax, keep = _reduction_args("sum", self, dim, keepdim, axis, keepdims, dtype, out)
        return ops.reduce_sum(x, ax, keep)

    def mean(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None, dtype=None,
             out=None) -> Tensor:
        """Mean over ``dim`` (all axes by default)."""
        x, ax, keep = _reduction_args("mean", self, dim, keepdim, axis, keepdims, dtype, out)
        return ops.reduce_mean(x, ax, keep)

    def max(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None, out=None):
        """Maximum. ``t.max()`` and ``t.max(axis=...)`` give a Tensor (the gradient split among
        ties); ``t.max(dim)`` gives PyTorch's ``(values, indices)`` named tuple (the gradient
        goes to the element at ``indices``)."""
        if dim is not None and axis is None:
            return ops.max_with_indices(self, dim, keepdim, "max")
        _, ax, keep = _reduction_args("max", self, None, keepdim, axis, keepdims, None, out)
        return ops.reduce_max(self, ax, keep)

    def min(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None, out=None):
        """Minimum; like :meth:`max` (``t.min(dim)`` gives ``(values, indices)``)."""
        if dim is not None and axis is None:
            return ops.max_with_indices(self, dim, keepdim, "min")
        _, ax, keep = _reduction_args("min", self, None, keepdim, axis, keepdims, None, out)
        return ops.reduce_min(self, ax, keep)

    def amax(self, dim=None, keepdim: bool = False) -> Tensor:
        """Maximum over ``dim`` (an int or tuple; all by default), gradient split among ties."""
        return ops.reduce_max(self, dim, keepdim)

    def amin(self, dim=None, keepdim: bool = False) -> Tensor:
        """Minimum over ``dim`` (an int or tuple; all by default), gradient split among ties."""
        return ops.reduce_min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim: bool = False, *, axis=None, out=None) -> Tensor:
        """Index of the maximum along ``dim`` (of the flattened tensor when None), int64."""
        _, ax, _ = _reduction_args("argmax", self, dim, False, axis, None, None, out)
        return ops.arg_extremum(self, ax, keepdim, "argmax")

    def argmin(self, dim=None, keepdim: bool = False, *, axis=None, out=None) -> Tensor:
        """Index of the minimum along ``dim`` (of the flattened tensor when None), int64."""
        _, ax, _ = _reduction_args("argmin", self, dim, False, axis, None, None, out)
        return ops.arg_extremum(self, ax, keepdim, "argmin")

    def var(self, dim=None, *, correction=1, keepdim: bool = False, unbiased=None, axis=None,
            ddof=None, keepdims=None, dtype=None, out=None) -> Tensor:
        """Variance over ``dim``, dividing by N - ``correction`` (PyTorch's default 1).
        ``unbiased=False`` means ``correction=0``; NumPy's ``ddof`` (``np.var(t)``: 0) is the
        same as ``correction``."""
        x, ax, keep = _reduction_args("var", self, dim, keepdim, axis, keepdims, dtype, out)
        return ops.variance(x, ax, correction if ddof is None else ddof, keep, unbiased, "var")

    def std(self, dim=None, *, correction=1, keepdim: bool = False, unbiased=None, axis=None,
            ddof=None, keepdims=None, dtype=None, out=None) -> Tensor:
        """Standard deviation: the square root of :meth:`var` (same arguments)."""
        x, ax, keep = _reduction_args("std", self, dim, keepdim, axis, keepdims, dtype, out)
        return ops.sqrt(ops.variance(x, ax, correction if ddof is None else ddof, keep,
                                     unbiased, "std"))

    def norm(self, p=2, dim=None, keepdim: bool = False) -> Tensor:
        """The ``p``-norm (2: Euclidean, 1, or ``float('inf')``) over ``dim`` (all elements by
        default); the 2-norm's gradient at 0 is 0, as in PyTorch."""
        return ops.norm(self, p, dim, keepdim)

    # ----------------------------------------------------------------- shape
    def reshape(self, *shape) -> Tensor:
        """Return the same values in a new shape (``-1`` infers one axis)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, shape)

    def view(self, *shape) -> Tensor:
        """PyTorch's name for :meth:`reshape` (badak copies when NumPy cannot make a view,
        where PyTorch would raise)."""
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim`` to ``end_dim`` (inclusive) into one."""
        return ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim: int, sizes) -> Tensor:
        """Split axis ``dim`` into ``sizes`` (one of them may be -1)."""
        return ops.unflatten(self, dim, sizes)

    def squeeze(self, dim=None) -> Tensor:
        """Remove axes of length 1 (all of them, or ``dim``: an int or tuple; a ``dim`` whose
        length is not 1 is left as is, as in PyTorch)."""
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert an axis of length 1 at ``dim``."""
        return ops.unsqueeze(self, dim)

    def permute(self, *dims) -> Tensor:
        """Reorder the axes: output axis i is input axis ``dims[i]``."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return ops.transpose(self, dims)

    def transpose(self, *axes) -> Tensor:
        """``t.transpose(d0, d1)`` swaps two axes (PyTorch); ``t.transpose()`` reverses them and
        ``t.transpose((2, 0, 1))`` permutes them (NumPy)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if len(axes) == 2:
            return ops.swapaxes(self, *axes)
        return ops.transpose(self, axes or None)

    def t(self) -> Tensor:
        """The transpose of a matrix (PyTorch's ``t()``; 0-D and 1-D are returned as is)."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with at most 2 axes; received shape "
                             f"{self.shape}; use transpose(d0, d1)")
        return self if self.ndim < 2 else ops.transpose(self)

    def expand(self, *sizes) -> Tensor:
        """Broadcast to ``sizes`` without copying (-1 keeps an axis)."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        return ops.expand(self, sizes)

    def expand_as(self, other) -> Tensor:
        return ops.expand(self, other.shape)

    def repeat(self, *sizes) -> Tensor:
        """Tile the tensor ``sizes[i]`` times along each axis (PyTorch's ``repeat``, NumPy's
        ``tile``); the gradient sums over the copies."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        return ops.repeat(self, sizes)

    def clone(self) -> Tensor:
        """A copy with its own memory, still in the graph (the gradient passes through)."""
        return ops.clone(self)

    def contiguous(self) -> Tensor:
        """Self if its array is C-contiguous, else a contiguous :meth:`clone`."""
        return self if self.data.flags.c_contiguous else ops.clone(self)

    def broadcast_to(self, shape) -> Tensor:
        return ops.broadcast_to(self, tuple(shape))

    # ----------------------------------------------------------------- elementwise
    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.absolute(self)

    def pow(self, exponent) -> Tensor:
        return ops.power(self, exponent)

    def clip(self, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy's argument names
        return ops.clip(self, min, max)

    def clamp(self, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's argument names
        """PyTorch's name for :meth:`clip`."""
        return ops.clip(self, min, max)

    def sigmoid(self) -> Tensor:
        from badak.engine.functional.activations import sigmoid

        return sigmoid(self)

    def tanh(self) -> Tensor:
        from badak.engine.functional.activations import tanh

        return tanh(self)

    def relu(self) -> Tensor:
        from badak.engine.functional.activations import relu

        return relu(self)

    # ----------------------------------------------------------------- dtype casts
    def float(self) -> Tensor:
        """Convert to float32 (differentiable from a float tensor)."""
        return ops.astype(self, np.float32)

    def double(self) -> Tensor:
        """Convert to float64 (differentiable from a float tensor)."""
        return ops.astype(self, np.float64)

    def long(self) -> Tensor:
        """Convert to int64 (not differentiable)."""
        return ops.astype(self, np.int64)

    def int(self) -> Tensor:
        """Convert to int32 (not differentiable)."""
        return ops.astype(self, np.int32)

    def bool(self) -> Tensor:
        """Convert to bool (nonzero is True; not differentiable)."""
        return ops.astype(self, np.bool_)

    # ----------------------------------------------------------------- hooks
    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` with this tensor's gradient each time backward computes it.

        As in PyTorch, the hook may return a replacement gradient (a Tensor or array of the same
        shape), which is what flows on (and what a leaf accumulates in ``.grad``); returning
        None keeps it. Returns a handle whose ``remove()`` unregisters the hook.
        """
        if not callable(hook):
            raise TypeError(f"hook must be callable (grad -> Tensor or None); received "
                            f"{type(hook).__name__} {hook!r}")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        owner = self if self.creator is None else self.creator
        if owner._hooks is None:
            owner._hooks = {}
        handle = RemovableHandle(owner._hooks)
        owner._hooks[handle.id] = hook
        return handle


class _Size(int):
    """An int (the number of elements) that can also be called as PyTorch's ``size()``."""

    def __new__(cls, n: int, shape: tuple):
        self = super().__new__(cls, n)
        self.shape = shape
        return self

    def __call__(self, dim: int | None = None):
        if dim is None:
            return self.shape
        nd = len(self.shape)
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or \
                not -max(nd, 1) <= dim < max(nd, 1):
            raise DimensionError(f"Dimension out of range (expected to be in range of "
                                 f"[{-max(nd, 1)}, {max(nd, 1) - 1}], but got {dim})")
        return self.shape[dim] if nd else 1


class RemovableHandle:
    """Returned by :meth:`Tensor.register_hook`; ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict):
        self.hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)


def _reduction_args(name, x, dim, keepdim, axis, keepdims, dtype, out):
    """Merge PyTorch's (dim, keepdim) and NumPy's (axis, keepdims); apply dtype; refuse out."""
    if dim is not None and axis is not None:
        raise TypeError(f"{name}: pass dim (PyTorch) or axis (NumPy), not both; received "
                        f"dim={dim!r} and axis={axis!r}")
    if out is not None:
        raise TypeError(f"{name}: out= is not supported; received out of type "
                        f"{type(out).__name__}")
    keep = check_bool("keepdim", keepdim) if keepdims is None else \
        check_bool("keepdims", keepdims)
    if dtype is not None:
        x = ops.astype(x, dtype)
    return x, (axis if dim is None else dim), keep


def _share_version(view: Tensor, base: Tensor) -> Tensor:
    """Give ``view`` the version counter of ``base`` when their arrays share memory, so that an
    in-place change through either is seen by the graph nodes that saved the other."""
    if view is not base and np.may_share_memory(view.data, base.data):
        vc = base._vc
        if vc is None:
            vc = base._vc = [0, True]
        else:
            vc[1] = True
        view._vc = vc
    return view


def tensor(data, requires_grad: bool = False, dtype=None) -> Tensor:
    """Create a :class:`Tensor`.

    Parameters
    ----------
    data : array-like
        A number, a (nested) list of numbers, a NumPy array or a Tensor (always copied, as
        ``torch.tensor``; :func:`badak.from_numpy` shares the array's memory).
    requires_grad : bool, default=False
        Record operations on this tensor so that gradients can flow back to it.
    dtype : dtype-like, optional
        Python floats and float lists default to float32; arrays keep their dtype.

    Raises
    ------
    TypeError
        For strings, object arrays and other non-numeric data.
    ValueError
        For ragged nested lists.

    Examples
    --------
    >>> import badak
    >>> apple = badak.tensor(100.0, requires_grad=True)
    >>> total = apple * 2 * 1.1
    >>> total.backward()
    >>> round(apple.grad.item(), 4)
    2.2
    """
    t = Tensor(data, requires_grad=requires_grad, dtype=dtype)
    if isinstance(data, np.ndarray) and np.may_share_memory(t.data, data):
        t.data = t.data.copy()  # a copy, as torch.tensor (badak.from_numpy shares memory)
    return t


def as_tensor(x, like: Tensor | None = None) -> Tensor:
    """Return ``x`` as a Tensor; Python scalars take the float dtype of ``like`` if given."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, numbers.Number) and not isinstance(x, bool) \
            and like.data.dtype.kind == "f":
        return Tensor._make(xp.asarray(x, dtype=like.data.dtype), False)
    return Tensor(x)


from badak.engine import _numpy_interop, autograd, ops  # noqa: E402  (ops are built on Tensor)
