"""Iterate over a data set in mini-batches, optionally in a new random order every epoch.

``DataLoader(x, y, batch_size=32, shuffle=True, rng=0)`` is the loop ``for xb, yb in loader:``
of every training script. It holds no model and no autograd: it only slices NumPy arrays.

Sources: PyTorch, ``torch/utils/data/dataloader.py`` (``DataLoader``, ``drop_last``); Keras,
``Model.fit(batch_size=..., shuffle=True)``; S. Saito, "Deep Learning from Scratch" (2016), ch. 4
(mini-batch learning).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from badak._validation import check_bool, check_positive_int
from badak.data._arrays import as_sample_arrays
from badak.random import as_generator

__all__ = ["DataLoader"]


class DataLoader:
    """Mini-batches of one or more arrays that share their first dimension.

    Parameters
    ----------
    *arrays : array_like
        One or more arrays (anything ``numpy.asarray`` accepts) with the samples along the first
        axis, all of the same length, e.g. ``x`` of shape (n, 13) and ``y`` of shape (n,).
    batch_size : int, default=32
        Number of samples per batch. The last batch is smaller when ``batch_size`` does not divide
        the number of samples, unless ``drop_last=True``.
    shuffle : bool, default=False
        If True, every pass over the data (every ``for`` loop over the loader) uses a new random
        order, drawn from ``rng``.
    drop_last : bool, default=False
        If True, drop the last, incomplete batch.
    rng : None, int or numpy.random.Generator, default=None
        Source of the shuffling orders. An int seeds a generator that belongs to the loader, so
        two loaders built with the same seed give the same sequence of epochs. A ``Generator``
        is used as is (its state is shared with the caller). Ignored when ``shuffle=False``.

    Attributes
    ----------
    arrays : tuple of numpy.ndarray
        The arrays, converted with ``numpy.asarray`` (not copied when they already are arrays).
    n_samples : int
        The common length of the arrays.

    Raises
    ------
    ValueError
        If no array is given, the arrays are empty, ragged or differ in length, or
        ``batch_size`` is not positive.
    TypeError
        If an array does not hold numbers, ``batch_size`` is not an integer, ``shuffle`` or
        ``drop_last`` not a bool, or ``rng`` of a wrong type.

    Notes
    -----
    Iterating yields a tuple ``(xb, yb, ...)`` with one batch per array when two or more arrays
    were given, and the bare batch when only one was. Batches are new arrays (fancy-indexed
    copies), so changing one does not change the data set.

    Examples
    --------
    >>> import numpy as np
    >>> x, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader(x, y, batch_size=2)
    >>> len(loader)
    3
    >>> [yb.tolist() for _, yb in loader]
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, *arrays, batch_size: int = 32, shuffle: bool = False,
                 drop_last: bool = False, rng: int | np.random.Generator | None = None) -> None:
        self.arrays = as_sample_arrays(arrays, "DataLoader", numbers_only=True)
        self.n_samples = len(self.arrays[0])
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.shuffle = check_bool("shuffle", shuffle)
        self.drop_last = check_bool("drop_last", drop_last)
        self._rng = as_generator(rng)

    def __len__(self) -> int:
        """Number of batches in one epoch."""
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def __iter__(self) -> Iterator:
        """Yield the batches of one epoch, in a fresh random order when ``shuffle=True``."""
        if self.shuffle:
            order = self._rng.permutation(self.n_samples)   # a new order every epoch
        else:
            order = np.arange(self.n_samples)
        for b in range(len(self)):
            idx = order[b * self.batch_size:(b + 1) * self.batch_size]   # (batch,)
            batch = tuple(a[idx] for a in self.arrays)   # each (batch, ...)
            yield batch if len(batch) > 1 else batch[0]

    def __repr__(self) -> str:
        shapes = ", ".join(str(a.shape) for a in self.arrays)
        return (f"DataLoader(shapes=[{shapes}], batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
