"""Iterate over a data set in mini-batches, optionally in a new random order every epoch.

``DataLoader(x, y, batch_size=32, shuffle=True, rng=0)`` is the loop ``for xb, yb in loader:``
of every training script. It holds no model and no autograd: it only slices NumPy arrays.
``DataLoader(dataset, batch_size=32, shuffle=True)`` does the same over a data set in PyTorch's
sense (anything with ``__len__`` and ``__getitem__``, such as a :class:`TensorDataset`): it reads
the samples one by one and stacks them into batches (:func:`badak.data.collate.collate`).

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
from badak.data.collate import collate
from badak.data.dataset import Dataset
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor

__all__ = ["DataLoader"]


def _is_dataset(obj) -> bool:
    """A data set in PyTorch's sense, rather than an array_like: a :class:`Dataset`, or an
    object with ``__getitem__`` that is not an array, a Tensor, a list, a tuple or a str."""
    if isinstance(obj, Dataset):
        return True
    if isinstance(obj, (np.ndarray, np.generic, Tensor, list, tuple, str, bytes, dict)):
        return False
    return hasattr(type(obj), "__getitem__")


def _is_list_of_samples(obj) -> bool:
    """A list of tuples or dicts that is not a table of numbers, e.g. ``[(x0, y0), (x1, y1)]``
    with arrays inside: PyTorch users hand such a list to a DataLoader as a data set. (A list of
    tuples of numbers, ``[(1, 2), (3, 4)]``, stays a 2-D array, as before.)"""
    if not isinstance(obj, list) or not obj or \
            not all(isinstance(s, (tuple, dict)) for s in obj):
        return False
    try:
        return np.asarray(obj).dtype.kind not in "biuf"
    except (TypeError, ValueError):                     # ragged: arrays inside the tuples
        return True


def _dataset_length(dataset) -> int:
    if not hasattr(type(dataset), "__len__"):
        raise TypeError(f"dataset must have __len__ (the number of samples) and __getitem__ "
                        f"(one sample by index); received {type(dataset).__name__} without "
                        f"__len__")
    n = len(dataset)
    if n == 0:
        raise ValueError(f"dataset must hold at least one sample; received an empty "
                         f"{type(dataset).__name__} (len 0)")
    return n


class DataLoader:
    """Mini-batches of one or more arrays that share their first dimension, or of a data set.

    Parameters
    ----------
    *arrays : array_like, or one data set
        One or more arrays (anything ``numpy.asarray`` accepts) with the samples along the first
        axis, all of the same length, e.g. ``x`` of shape (n, 13) and ``y`` of shape (n,).
        Or a single data set in PyTorch's sense: a :class:`Dataset` (such as
        :class:`TensorDataset` or a :class:`Subset`) or any object with ``__len__`` and
        ``__getitem__``. A list is read as an array, as before, unless it is a list of samples
        (tuples or dicts) that do not form a table of numbers, such as ``[(x0, y0), (x1, y1)]``
        with arrays inside: that is a data set, as in PyTorch.
    batch_size : int, optional
        Number of samples per batch: 32 by default for arrays, 1 for a data set (PyTorch's
        default). The last batch is smaller when ``batch_size`` does not divide the number of
        samples, unless ``drop_last=True``.
    shuffle : bool, default=False
        If True, every pass over the data (every ``for`` loop over the loader) uses a new random
        order, drawn from ``rng``.
    drop_last : bool, default=False
        If True, drop the last, incomplete batch.
    rng : None, int or numpy.random.Generator, default=None
        Source of the shuffling orders. An int seeds a generator that belongs to the loader, so
        two loaders built with the same seed give the same sequence of epochs. A ``Generator``
        is used as is (its state is shared with the caller). Ignored when ``shuffle=False``.
    generator : int or numpy.random.Generator, optional
        PyTorch's name for ``rng``; give one or the other.

    Attributes
    ----------
    arrays : tuple of numpy.ndarray or None
        The arrays, converted with ``numpy.asarray`` (not copied when they already are arrays);
        None for a data set.
    dataset : object or None
        The data set, when one was given.
    n_samples : int
        The common length of the arrays, or ``len(dataset)``.

    Raises
    ------
    ValueError
        If no array is given, the arrays or the data set are empty, the arrays ragged or of
        different lengths, or ``batch_size`` is not positive; while iterating, if the samples of
        a data set differ in structure.
    TypeError
        If an array does not hold numbers, a data set has no ``__len__``, ``batch_size`` is not
        an integer, ``shuffle`` or ``drop_last`` not a bool, ``rng`` of a wrong type or given
        with ``generator``; while iterating, if a sample holds what cannot be batched (None, an
        object).
    RuntimeError
        While iterating, if ``dataset[i]`` raises: the message names ``i`` and the error.

    Notes
    -----
    Iterating yields a tuple ``(xb, yb, ...)`` with one batch per array when two or more arrays
    were given, and the bare batch when only one was. Batches are new arrays (fancy-indexed
    copies), so changing one does not change the data set. Over a data set, a batch has the
    structure of a sample (see :mod:`badak.data.collate`): ``(xb, yb)`` for a
    :class:`TensorDataset` of two arrays.

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

    def __init__(self, *arrays, batch_size: int | None = None, shuffle: bool = False,
                 drop_last: bool = False, rng: int | np.random.Generator | None = None,
                 generator: int | np.random.Generator | None = None) -> None:
        if len(arrays) == 1 and (_is_dataset(arrays[0]) or _is_list_of_samples(arrays[0])):
            self.dataset, self.arrays = arrays[0], None
            self.n_samples = _dataset_length(self.dataset)
            default_batch = 1                                  # PyTorch's default
        else:
            self.dataset = None
            self.arrays = as_sample_arrays(arrays, "DataLoader", numbers_only=True)
            self.n_samples = len(self.arrays[0])
            default_batch = 32
        self.batch_size = default_batch if batch_size is None else \
            check_positive_int("batch_size", batch_size)
        self.shuffle = check_bool("shuffle", shuffle)
        self.drop_last = check_bool("drop_last", drop_last)
        if rng is not None and generator is not None:
            raise TypeError("rng and generator are the same argument (badak's name and "
                            "PyTorch's); give only one")
        self._rng = as_generator(generator if generator is not None else rng,
                                 "generator" if generator is not None else "rng")

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
            if self.dataset is not None:
                yield self._collate(idx.tolist())
                continue
            batch = tuple(a[idx] for a in self.arrays)   # each (batch, ...)
            yield batch if len(batch) > 1 else batch[0]

    def _collate(self, indices: list[int]):
        """Read ``dataset[i]`` for each index and stack the samples into one batch."""
        samples = []
        for i in indices:
            try:
                samples.append(self.dataset[i])
            except Exception as err:
                raise RuntimeError(f"DataLoader: dataset[{i}] raised {type(err).__name__}: "
                                   f"{err} ({type(self.dataset).__name__} has "
                                   f"len {self.n_samples})") from err
        return collate(samples, indices)

    def __repr__(self) -> str:
        if self.dataset is not None:
            return (f"DataLoader({type(self.dataset).__name__}(n_samples={self.n_samples}), "
                    f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                    f"drop_last={self.drop_last})")
        shapes = ", ".join(str(a.shape) for a in self.arrays)
        return (f"DataLoader(shapes=[{shapes}], batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
