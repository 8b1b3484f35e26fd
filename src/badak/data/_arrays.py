"""Check the arrays handed to the loader and the splitter: at least one, all of the same length.

Anything ``numpy.asarray`` accepts (lists, tuples, arrays) is turned into an array whose first
axis indexes the samples.
"""

from __future__ import annotations

import numpy as np


def as_sample_arrays(arrays: tuple, owner: str) -> tuple[np.ndarray, ...]:
    """Return ``arrays`` as NumPy arrays with one common, non-zero length.

    Parameters
    ----------
    arrays : tuple
        The positional arguments given to ``owner``.
    owner : str
        The caller's name (``'DataLoader'``, ``'train_test_split'``), used in error messages.

    Raises
    ------
    ValueError
        If no array is given, an array is 0-d, the lengths differ or the length is zero.
    """
    if len(arrays) == 0:
        raise ValueError(f"{owner} needs at least one array; received none")
    out = tuple(np.asarray(a) for a in arrays)
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
