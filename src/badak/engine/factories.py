"""Tensor factories with PyTorch's names and arguments: ``zeros``, ``ones``, ``full``, ``eye``,
``arange``, ``linspace``, ``empty``, ``rand``, ``randn``, ``randint``, the ``*_like`` forms,
``from_numpy``, and ``cat`` / ``stack`` with ``dim``.

Sizes are given as ``zeros(2, 3)`` or ``zeros((2, 3))``. Floating-point results are float32 by
default (as in PyTorch); ``dtype`` picks another. The random ones take ``generator=`` (PyTorch's
name) or ``rng=`` (badak's): a ``numpy.random.Generator`` or an int seed; None draws from badak's
default generator (:func:`badak.manual_seed`).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from badak._validation import check_bool
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor, _as_data

_FLOAT = np.float32


def _size(name: str, size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"{name}: size must be non-negative ints, as {name}(2, 3) or "
                             f"{name}((2, 3)); received size={size!r}")
    return tuple(int(s) for s in size)


def _dtype(name: str, dtype, default=_FLOAT) -> np.dtype:
    if dtype is None:
        return np.dtype(default)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name}: dtype must be a NumPy dtype such as 'float32' or 'int64'; "
                        f"received dtype={dtype!r}") from None
    if dt.kind not in "biuf":
        raise TypeError(f"{name}: dtype must be a boolean, integer or floating-point dtype; "
                        f"received dtype={dt}")
    return dt


def _wrap(arr: np.ndarray, requires_grad) -> Tensor:
    return Tensor(arr, requires_grad=check_bool("requires_grad", requires_grad))


def _generator(name: str, generator, rng) -> np.random.Generator:
    if generator is not None and rng is not None:
        raise TypeError(f"{name}: pass generator or rng, not both")
    if generator is not None:
        return as_generator(generator, "generator")
    return as_generator(rng, "rng")


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of shape ``size``."""
    return _wrap(np.zeros(_size("zeros", size), _dtype("zeros", dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of shape ``size``."""
    return _wrap(np.ones(_size("ones", size), _dtype("ones", dtype)), requires_grad)


def empty(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` whose values are not set (whatever the memory held, as in
    PyTorch): fill it before reading it."""
    return _wrap(np.empty(_size("empty", size), _dtype("empty", dtype)), requires_grad)


def full(size, fill_value, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value`` (float32 unless ``dtype``; an int
    or bool ``fill_value`` gives int64 or bool, as in PyTorch)."""
    size = _size("full", (size,) if isinstance(size, numbers.Integral) else tuple(size))
    if isinstance(fill_value, (str, bytes)) or not isinstance(fill_value, numbers.Number):
        raise TypeError(f"full: fill_value must be a number; received fill_value="
                        f"{fill_value!r}")
    default = np.bool_ if isinstance(fill_value, bool) else \
        np.int64 if isinstance(fill_value, numbers.Integral) else _FLOAT
    return _wrap(np.full(size, fill_value, _dtype("full", dtype, default)), requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """The n × m identity matrix (n × n by default)."""
    n, = _size("eye", (n,))
    m = n if m is None else _size("eye", (m,))[0]
    return _wrap(np.eye(n, m, dtype=_dtype("eye", dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` (0 if only one argument) up to, not including, ``end``, by
    ``step``: int64 when all three are ints, else float32 (as in PyTorch)."""
    if end is None:
        start, end = 0, start
    for name, v in (("start", start), ("end", end), ("step", step)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"arange: {name} must be a number; received {name}={v!r}")
    if step == 0:
        raise ValueError("arange: step must be nonzero; received step=0")
    ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    dt = _dtype("arange", dtype, np.int64 if ints else _FLOAT)
    return _wrap(np.arange(start, end, step).astype(dt), requires_grad)


def linspace(start, end, steps: int, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    steps, = _size("linspace", (steps,))
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"linspace: {name} must be a number; received {name}={v!r}")
    return _wrap(np.linspace(start, end, steps).astype(_dtype("linspace", dtype)),
                 requires_grad)


def rand(*size, generator=None, rng=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples of U[0, 1) of shape ``size``."""
    g = _generator("rand", generator, rng)
    return _wrap(g.random(_size("rand", size)).astype(_dtype("rand", dtype)), requires_grad)


def randn(*size, generator=None, rng=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal N(0, 1) of shape ``size``."""
    g = _generator("randn", generator, rng)
    return _wrap(g.standard_normal(_size("randn", size)).astype(_dtype("randn", dtype)),
                 requires_grad)


def randint(low, high=None, size=None, *, generator=None, rng=None, dtype=None) -> Tensor:
    """Random integers in [low, high) of shape ``size`` (``randint(high, size)`` starts at 0),
    int64 by default."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: size is required, as randint(low, high, (2, 3)) or "
                        "randint(high, (2, 3))")
    for name, v in (("low", low), ("high", high)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"randint: {name} must be an int; received {name}={v!r}")
    if high <= low:
        raise ValueError(f"randint: needs low < high; received low={low}, high={high}")
    shape = _size("randint", (size,) if isinstance(size, numbers.Integral) else tuple(size))
    g = _generator("randint", generator, rng)
    return Tensor(g.integers(low, high, shape).astype(_dtype("randint", dtype, np.int64)))


def _like(name: str, t, dtype):
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}: input must be a Tensor; received {type(t).__name__}")
    return t.shape, (t.dtype if dtype is None else _dtype(name, dtype))


def zeros_like(input, *, dtype=None, requires_grad: bool = False) -> Tensor:  # noqa: A002
    """Zeros of ``input``'s shape and dtype."""
    shape, dt = _like("zeros_like", input, dtype)
    return _wrap(np.zeros(shape, dt), requires_grad)


def ones_like(input, *, dtype=None, requires_grad: bool = False) -> Tensor:  # noqa: A002
    """Ones of ``input``'s shape and dtype."""
    shape, dt = _like("ones_like", input, dtype)
    return _wrap(np.ones(shape, dt), requires_grad)


def full_like(input, fill_value, *, dtype=None,  # noqa: A002
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype."""
    shape, dt = _like("full_like", input, dtype)
    return full(shape, fill_value, dtype=dt, requires_grad=requires_grad)


def rand_like(input, *, generator=None, rng=None, dtype=None,  # noqa: A002
              requires_grad: bool = False) -> Tensor:
    """U[0, 1) samples of ``input``'s shape and (floating-point) dtype."""
    shape, dt = _like("rand_like", input, dtype)
    return rand(shape, generator=generator, rng=rng, dtype=dt, requires_grad=requires_grad)


def randn_like(input, *, generator=None, rng=None, dtype=None,  # noqa: A002
               requires_grad: bool = False) -> Tensor:
    """N(0, 1) samples of ``input``'s shape and (floating-point) dtype."""
    shape, dt = _like("randn_like", input, dtype)
    return randn(shape, generator=generator, rng=rng, dtype=dt, requires_grad=requires_grad)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A Tensor sharing ``ndarray``'s memory (changes to one show in the other), keeping its
    dtype, as ``torch.from_numpy``. :func:`badak.tensor` copies instead."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._make(_as_data(ndarray), False)


def cat(tensors: Sequence, dim: int = 0) -> Tensor:
    """Join tensors along the existing axis ``dim`` (PyTorch's ``torch.cat``)."""
    from badak.engine.ops.join import concatenate

    return concatenate(tensors, axis=dim)


def stack(tensors: Sequence, dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim`` (``axis`` is NumPy's name for it)."""
    from badak.engine.ops.join import stack as join_stack

    if axis is not None and dim != 0:
        raise TypeError(f"stack: pass dim (PyTorch) or axis (NumPy), not both; received "
                        f"dim={dim} and axis={axis}")
    return join_stack(tensors, axis=dim if axis is None else axis)
