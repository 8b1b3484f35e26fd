"""Parameter: a tensor that a module learns.

A :class:`Parameter` is an ordinary :class:`~badak.Tensor` (every op and operator works on it)
with two promises: it always requires a gradient, and it is floating point. Assigning one to an
attribute of a :class:`~badak.nn.Module` registers it, which is how ``model.parameters()`` finds
the weights an optimizer should update (the idea of PyTorch's ``nn.Parameter``).

Python numbers and integer arrays become float32; a float64 array stays float64.
"""

from __future__ import annotations

import numpy as np

from badak.engine.tensor import Tensor


class Parameter(Tensor):
    """A learnable tensor: always ``requires_grad=True``, always floating point.

    Parameters
    ----------
    data : array-like or Tensor
        The initial values; copied, so the caller's array is never changed by training.
    dtype : dtype-like, optional
        A floating-point dtype. By default float arrays keep their dtype and everything else
        becomes float32.

    Examples
    --------
    >>> import badak
    >>> w = badak.nn.Parameter([[1.0, 2.0]])
    >>> w.requires_grad, str(w.dtype)
    (True, 'float32')
    """

    __slots__ = ()

    def __init__(self, data, dtype=None):
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"dtype must be a floating-point dtype for a Parameter; received "
                            f"dtype={np.dtype(dtype)}")
        super().__init__(data, requires_grad=False, dtype=dtype)
        if self.data.dtype.kind != "f":
            self.data = self.data.astype(np.float32)
        elif isinstance(data, np.ndarray) and np.shares_memory(self.data, data):
            self.data = self.data.copy()
        self.requires_grad = True

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
