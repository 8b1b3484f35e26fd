"""Split a data set into random, non-overlapping parts: ``random_split``, as in PyTorch.

Sources: PyTorch, ``torch/utils/data/dataset.py`` (``random_split``: fractions are floored, then
the remainder is handed out one sample at a time, round-robin from the first part).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from badak.data.dataset import Subset
from badak.engine.random import as_generator

__all__ = ["random_split"]


def _lengths(lengths, n: int) -> list[int]:
    """The sizes of the parts: ``lengths`` as given (ints summing to n), or fractions (summing
    to 1) turned into sizes as PyTorch does."""
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence) or not lengths:
        raise ValueError(f"lengths must be a non-empty list of sizes (ints summing to "
                         f"len(dataset)={n}) or of fractions (summing to 1); received "
                         f"lengths={lengths!r}")
    for i, v in enumerate(lengths):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ValueError(f"lengths must hold ints or fractions; received lengths[{i}]={v!r}")
    if all(isinstance(v, numbers.Integral) for v in lengths):
        sizes = [int(v) for v in lengths]
        if any(v < 0 for v in sizes) or sum(sizes) != n:
            raise ValueError(f"lengths must be sizes >= 0 that sum to len(dataset)={n}; "
                             f"received lengths={sizes} (sum {sum(sizes)})")
        return sizes
    fractions = [float(v) for v in lengths]
    for i, f in enumerate(fractions):
        if not 0.0 <= f <= 1.0:
            raise ValueError(f"lengths must be fractions in [0, 1] when they are floats; "
                             f"received lengths[{i}]={f}")
    if not (math.isclose(sum(fractions), 1.0) and sum(fractions) <= 1.0):
        raise ValueError(f"lengths as fractions must sum to 1; received lengths={fractions} "
                         f"(sum {sum(fractions)})")
    sizes = [int(math.floor(n * f)) for f in fractions]
    for i in range(n - sum(sizes)):                 # the remainder, round-robin
        sizes[i % len(sizes)] += 1
    return sizes


def random_split(dataset, lengths: Sequence[int | float], rng=None,
                 generator=None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random :class:`Subset` s of the given lengths.

    Parameters
    ----------
    dataset : Dataset
        Anything with ``__len__`` and ``__getitem__``.
    lengths : sequence of int or of float
        The sizes of the parts (ints summing to ``len(dataset)``), or fractions summing to 1:
        each part gets ``floor(len(dataset) * fraction)`` samples, and the samples left over go
        one each to the parts in turn, from the first (PyTorch's rule: 7 samples split
        ``[0.2, 0.2, 0.6]`` give sizes ``[2, 1, 4]``).
    rng : None, int or numpy.random.Generator, default=None
        Source of the permutation (badak's default generator when None); an int is a seed.
    generator : int or numpy.random.Generator, optional
        PyTorch's name for ``rng``; give one or the other. (The same seed does not give the same
        split as PyTorch: the generators differ; the sizes are the same.)

    Returns
    -------
    list of Subset

    Raises
    ------
    ValueError
        If ``lengths`` do not sum to ``len(dataset)`` (or to 1), or hold negative values.
    TypeError
        If ``dataset`` has no length, or ``rng`` and ``generator`` are both given.

    Examples
    --------
    >>> import numpy as np
    >>> from badak.data import TensorDataset
    >>> train, test = random_split(TensorDataset(np.arange(10)), [0.8, 0.2], rng=0)
    >>> len(train), len(test)
    (8, 2)
    """
    if rng is not None and generator is not None:
        raise TypeError("rng and generator are the same argument (badak's name and PyTorch's); "
                        "give only one")
    try:
        n = len(dataset)
    except TypeError:
        raise TypeError(f"dataset must have __len__ (the number of samples) and __getitem__; "
                        f"received {type(dataset).__name__} without __len__") from None
    sizes = _lengths(lengths, n)
    gen = as_generator(generator if generator is not None else rng,
                       "generator" if generator is not None else "rng")
    order = gen.permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, order[lo:hi].tolist()) for lo, hi in zip(bounds[:-1], bounds[1:])]
