"""The Tensor: an array that remembers how it was computed.

A Tensor wraps a NumPy array (``.data``). When it is computed from tensors that require a gradient,
it keeps a reference to the :class:`~badak.autograd.Function` that made it (``.creator``), and
``backward()`` walks those nodes back to the leaves, filling each leaf's ``.grad``.

Python floats and float lists become float32 (the default of deep learning frameworks, and half
the memory traffic of float64); NumPy arrays keep their dtype, so float64 works everywhere too.
"""

from __future__ import annotations

import numbers

import numpy as np

from badak._validation import check_bool
from badak.backend import xp

_DEFAULT_FLOAT = np.float32


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
    follow NumPy broadcasting and accept Python scalars and arrays on either side.

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

    __slots__ = ("data", "grad", "requires_grad", "creator", "name", "_retain_grad",
                 "__weakref__")
    __array_ufunc__ = None  # make NumPy defer to Tensor's reflected operators (ndarray + Tensor)

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
        return t

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

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
        """Return a new leaf tensor sharing the values, cut off from the graph."""
        return Tensor._make(self.data, False)

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
        return self.data if dtype is None else self.data.astype(dtype)

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
            raises :class:`~badak.autograd.GraphFreedError`.
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

    # Comparisons give plain boolean tensors (not differentiable).
    def _compare(self, other, fn):
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._make(fn(self.data, other), False)

    def __lt__(self, other):
        return self._compare(other, xp.less)

    def __le__(self, other):
        return self._compare(other, xp.less_equal)

    def __gt__(self, other):
        return self._compare(other, xp.greater)

    def __ge__(self, other):
        return self._compare(other, xp.greater_equal)

    def eq(self, other) -> Tensor:
        """Elementwise equality as a boolean tensor (``==`` keeps Python identity semantics)."""
        return self._compare(other, xp.equal)

    # ----------------------------------------------------------------- methods
    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes by default)."""
        return ops.reduce_sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes by default)."""
        return ops.reduce_mean(self, axis, keepdims)

    def max(self, axis=None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; the gradient goes to the maximal element(s), split among ties."""
        return ops.reduce_max(self, axis, keepdims)

    def min(self, axis=None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; the gradient goes to the minimal element(s), split among ties."""
        return ops.reduce_min(self, axis, keepdims)

    def reshape(self, *shape) -> Tensor:
        """Return the same values in a new shape (``-1`` infers one axis)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, shape)

    def transpose(self, *axes) -> Tensor:
        """Permute the axes (reverse them when none are given)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.transpose(self, axes or None)

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.absolute(self)

    def clip(self, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy's argument names
        return ops.clip(self, min, max)

    def broadcast_to(self, shape) -> Tensor:
        return ops.broadcast_to(self, tuple(shape))


def tensor(data, requires_grad: bool = False, dtype=None) -> Tensor:
    """Create a :class:`Tensor`.

    Parameters
    ----------
    data : array-like
        A number, a (nested) list of numbers, a NumPy array or a Tensor (copied).
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
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def as_tensor(x, like: Tensor | None = None) -> Tensor:
    """Return ``x`` as a Tensor; Python scalars take the float dtype of ``like`` if given."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, numbers.Number) and not isinstance(x, bool) \
            and like.data.dtype.kind == "f":
        return Tensor._make(xp.asarray(x, dtype=like.data.dtype), False)
    return Tensor(x)


from badak import autograd, ops  # noqa: E402  (ops are built on Tensor)
