"""K-fold cross-validation with contiguous folds, exactly as in the Keras Boston housing notebook.

With ``k`` folds over ``n`` samples, each fold holds ``num_val = n // k`` samples: fold ``i``
validates on rows ``[i * num_val, (i + 1) * num_val)`` and trains on all the others. This is the
slicing of F. Chollet's notebook::

    num_val_samples = len(train_data) // k
    val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
    partial_train_data = np.concatenate([train_data[:i * num_val_samples],
                                         train_data[(i + 1) * num_val_samples:]], axis=0)

When ``k`` does not divide ``n``, the last ``n % k`` rows are never validated on: they stay in
every training part. (scikit-learn's ``KFold`` instead makes the first ``n % k`` folds one row
larger.)

Sources: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), section 4.3 (Boston housing,
K-fold validation); scikit-learn, ``sklearn/model_selection/_split.py`` (``KFold``).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np

from badak._validation import check_bool
from badak.engine.random import as_generator

__all__ = ["KFold"]


class KFold:
    """Split sample indices into ``n_splits`` contiguous folds for cross-validation.

    Parameters
    ----------
    n_splits : int, default=4
        Number of folds, at least 2 (and at most the number of samples, checked in ``split``).
    shuffle : bool, default=False
        If False, folds are contiguous blocks of rows in their given order, as in the Keras
        notebook. If True, the rows are first permuted with ``rng``, then cut into blocks the same
        way.
    rng : None, int or numpy.random.Generator, default=None
        Source of the permutation; an int seeds a generator that belongs to this object, so each
        call to ``split`` draws a new permutation and two ``KFold`` objects built with the same
        seed give the same sequence of splits. Ignored when ``shuffle=False``.

    Raises
    ------
    TypeError
        If ``n_splits`` is not an integer, ``shuffle`` not a bool, or ``rng`` of a wrong type.
    ValueError
        If ``n_splits`` is less than 2.

    Examples
    --------
    >>> import numpy as np
    >>> for train_idx, val_idx in KFold(n_splits=3).split(np.zeros(7)):
    ...     print(train_idx.tolist(), val_idx.tolist())
    [2, 3, 4, 5, 6] [0, 1]
    [0, 1, 4, 5, 6] [2, 3]
    [0, 1, 2, 3, 6] [4, 5]
    """

    def __init__(self, n_splits: int = 4, shuffle: bool = False,
                 rng: int | np.random.Generator | None = None) -> None:
        if isinstance(n_splits, bool) or not isinstance(n_splits, numbers.Integral):
            raise TypeError(f"n_splits must be an integer >= 2; received n_splits={n_splits!r} "
                            f"(type {type(n_splits).__name__})")
        if n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2; received n_splits={n_splits}")
        self.n_splits = int(n_splits)
        self.shuffle = check_bool("shuffle", shuffle)
        self._rng = as_generator(rng)

    def get_n_splits(self) -> int:
        """Return the number of folds, ``n_splits``."""
        return self.n_splits

    def split(self, x) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train_idx, val_idx)`` for each fold.

        Parameters
        ----------
        x : array_like
            The data (only its length, the size of its first axis, is used).

        Yields
        ------
        train_idx : numpy.ndarray of int
            Indices of the training rows of this fold, ``n - n // n_splits`` of them.
        val_idx : numpy.ndarray of int
            Indices of the validation rows of this fold, ``n // n_splits`` of them.

        Raises
        ------
        ValueError
            If ``x`` is 0-d or has fewer samples than ``n_splits``.
        """
        x = np.asarray(x)
        if x.ndim == 0:
            raise ValueError("x must be at least 1-D, with samples along the first axis; "
                             "received a 0-d array")
        n = len(x)
        if self.n_splits > n:
            raise ValueError(f"n_splits must be at most the number of samples; received "
                             f"n_splits={self.n_splits} for x with {n} samples")
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        num_val = n // self.n_splits
        for i in range(self.n_splits):
            val_idx = order[i * num_val:(i + 1) * num_val]                  # (num_val,)
            train_idx = np.concatenate([order[:i * num_val],
                                        order[(i + 1) * num_val:]])        # (n - num_val,)
            yield train_idx, val_idx

    def __repr__(self) -> str:
        return f"KFold(n_splits={self.n_splits}, shuffle={self.shuffle})"
