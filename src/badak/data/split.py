"""Hold out part of a data set for testing: ``train_test_split``, as in scikit-learn.

Sources: scikit-learn, ``sklearn/model_selection/_split.py`` (``train_test_split``,
``_validate_shuffle_split``: a float ``test_size`` is rounded up with ``ceil``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from badak._validation import check_bool
from badak.data._arrays import as_sample_arrays
from badak.engine.random import as_generator

__all__ = ["train_test_split"]


def _n_test(test_size, n: int) -> int:
    """Return the number of test rows for ``test_size`` out of ``n``, or raise naming it."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a float in (0, 1) or an int in [1, n - 1]; received "
                        f"test_size={test_size!r} (type {type(test_size).__name__})")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n - 1:
            raise ValueError(f"test_size must be an int in [1, {n - 1}] (n - 1 for n={n} "
                             f"samples); received test_size={n_test}")
        return n_test
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a float in the open range (0, 1); received "
                         f"test_size={test_size}")
    n_test = math.ceil(test_size * n)
    if n_test > n - 1:
        raise ValueError(f"test_size={test_size} leaves no training sample out of n={n}; "
                         f"it must give at most {n - 1} test samples")
    return n_test


def train_test_split(*arrays, test_size: float | int = 0.25, shuffle: bool = True,
                     rng: int | np.random.Generator | None = None) -> list[np.ndarray]:
    """Split arrays into random training and test parts.

    Parameters
    ----------
    *arrays : array_like
        One or more arrays (anything ``numpy.asarray`` accepts) with the samples along the first
        axis, all of the same length ``n``.
    test_size : float or int, default=0.25
        A float in (0, 1) is the fraction of samples held out, rounded up
        (``ceil(test_size * n)``); an int in [1, n - 1] is the number of samples held out. At
        least one sample is always left for training.
    shuffle : bool, default=True
        If True, rows are drawn at random (a permutation from ``rng``); if False, the first
        ``n - n_test`` rows are for training and the last ``n_test`` for testing.
    rng : None, int or numpy.random.Generator, default=None
        Source of the permutation; an int is a seed. Ignored when ``shuffle=False``.

    Returns
    -------
    list of numpy.ndarray
        ``[a_train, a_test, b_train, b_test, ...]``: two arrays per input, in scikit-learn's
        order. They are new arrays.

    Raises
    ------
    ValueError
        If no array is given, the arrays are empty or differ in length, or ``test_size`` is out
        of range.
    TypeError
        If ``test_size`` is not a number, ``shuffle`` not a bool, or ``rng`` of a wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> x, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, shuffle=False)
    >>> y_train.tolist(), y_test.tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    arrays = as_sample_arrays(arrays, "train_test_split")
    n = len(arrays[0])
    n_test = _n_test(test_size, n)
    n_train = n - n_test
    shuffle = check_bool("shuffle", shuffle)

    if shuffle:
        order = as_generator(rng).permutation(n)
        train_idx, test_idx = order[n_test:], order[:n_test]   # as scikit-learn's ShuffleSplit
    else:
        train_idx, test_idx = np.arange(n_train), np.arange(n_train, n)

    out = []
    for a in arrays:
        out += [a[train_idx], a[test_idx]]
    return out
