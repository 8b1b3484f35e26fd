"""Check the arrays handed to the loader and the splitter: at least one, all of the same length.

Anything ``numpy.asarray`` accepts (lists, tuples, arrays) is turned into an array whose first
axis indexes the samples.
"""

from __future__ import annotations

import numpy as np


def _as_array(a, i: int, owner: str, numbers_only: bool) -> np.ndarray:
    try:
        a = np.asarray(a)
    except ValueError as e:                       # a ragged nested list
        raise ValueError(f"arrays must be rectangular (every row the same length); received a "
                         f"ragged {type(a).__name__} as array {i} of {owner}") from e
    if a.dtype.kind == "O" or (numbers_only and a.dtype.kind not in "biuf"):
        expected = "numbers (bool, int or float)" if numbers_only else \
            "numbers or strings, not Python objects"
        raise TypeError(f"arrays must hold {expected}; received an array of dtype {a.dtype} as "
                        f"array {i} of {owner}")
    return a


def as_sample_arrays(arrays: tuple, owner: str, numbers_only: bool = False
                     ) -> tuple[np.ndarray, ...]:
    """Return ``arrays`` as NumPy arrays with one common, non-zero length.

    Parameters
    ----------
    arrays : tuple
        The positional arguments given to ``owner``.
    owner : str
        The caller's name (``'DataLoader'``, ``'train_test_split'``), used in error messages.
    numbers_only : bool, default=False
        Refuse strings too (object arrays, such as ragged lists or ``None`` cells, are always
        refused).

    Raises
    ------
    ValueError
        If no array is given, an array is ragged or 0-d, the lengths differ or the length is zero.
    TypeError
        If an array holds Python objects (or strings, with ``numbers_only``).
    """
    if len(arrays) == 0:
        raise ValueError(f"{owner} needs at least one array; received none")
    out = tuple(_as_array(a, i, owner, numbers_only) for i, a in enumerate(arrays))
    for i, a in enumerate(out):
        if a.ndim == 0:
            raise ValueError(f"arrays must be at least 1-D, with samples along the first axis; "
                             f"received a 0-d array as array {i} of {owner}")
    lengths = [len(a) for a in out]
    if len(set(lengths)) > 1:
        raise ValueError(f"arrays must all have the same length (first dimension); received "
                         f"lengths {lengths} in {owner}")
    if lengths[0] == 0:
        raise ValueError(f"arrays must not be empty; received arrays of length 0 in {owner}")
    return out
