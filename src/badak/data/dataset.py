"""Data sets as PyTorch defines them: anything with ``len(ds)`` and ``ds[i]`` (one sample).

- :class:`Dataset`: the base class to subclass; write ``__len__`` and ``__getitem__``.
- :class:`TensorDataset`: wrap arrays (or Tensors) of the same length; ``ds[i]`` is the tuple
  of their i-th rows.
- :class:`Subset`: the samples of a data set at some indices (what :func:`random_split` gives).

A :class:`badak.data.DataLoader` batches any of them, or any object with ``__len__`` and
``__getitem__``.

Source: PyTorch, ``torch/utils/data/dataset.py`` (``Dataset``, ``TensorDataset``, ``Subset``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from badak.engine.tensor import Tensor

__all__ = ["Dataset", "Subset", "TensorDataset"]


class Dataset:
    """A data set of samples, read one at a time by index.

    Subclass it and write ``__len__`` (the number of samples) and ``__getitem__(i)`` (sample
    ``i``, for ``0 <= i < len(self)``: an array, a number, a Tensor, or a tuple or dict of
    them, the same structure for every sample).

    Examples
    --------
    >>> import numpy as np
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return np.array([float(i)]), i * i
    >>> Squares()[3]
    (array([3.]), 9)
    """

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, index), "
                                  f"returning one sample")

    def __repr__(self) -> str:
        try:
            return f"{type(self).__name__}(n_samples={len(self)})"
        except TypeError:
            return f"{type(self).__name__}()"


class TensorDataset(Dataset):
    """Samples made of the i-th rows of arrays that share their first dimension.

    Parameters
    ----------
    *tensors : numpy.ndarray, Tensor or array_like
        One or more arrays with the samples along the first axis, all of the same length.
        NumPy arrays and Tensors are kept as they are (not copied); other array_likes are
        converted with ``numpy.asarray``.

    Raises
    ------
    ValueError
        If no array is given, one is 0-d, or their lengths differ (PyTorch raises an
        AssertionError "Size mismatch between tensors").

    Examples
    --------
    >>> import numpy as np
    >>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1][0]
    (3, array([2, 3]))
    """

    def __init__(self, *tensors) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one array; received none")
        held = []
        for i, t in enumerate(tensors):
            if not isinstance(t, (np.ndarray, Tensor)):
                t = np.asarray(t)
            if t.ndim == 0:
                raise ValueError(f"tensors must be at least 1-D, with samples along the first "
                                 f"axis; received a 0-d array as tensors[{i}]")
            held.append(t)
        lengths = [len(t) for t in held]
        if len(set(lengths)) > 1:
            raise ValueError(f"tensors must all have the same length (first dimension); "
                             f"received lengths {lengths} in TensorDataset")
        self.tensors = tuple(held)

    def __len__(self) -> int:
        return len(self.tensors[0])

    def __getitem__(self, index) -> tuple:
        return tuple(t[index] for t in self.tensors)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``: ``subset[i]`` is ``dataset[indices[i]]``.

    Attributes
    ----------
    dataset : Dataset
    indices : list of int
    """

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int):
        return self.dataset[self.indices[index]]
