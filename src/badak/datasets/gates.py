"""Truth tables of two-input logic gates: the first problems a perceptron is tried on.

AND, OR and NAND are linearly separable, so a single perceptron learns them; XOR is not, which is
why it needs a hidden layer (Minsky and Papert, 1969).

Sources: F. Rosenblatt, "The perceptron" (1958); M. Minsky and S. Papert, "Perceptrons" (1969);
S. Saito, "Deep Learning from Scratch" (2016), ch. 2.
"""

from __future__ import annotations

import numpy as np

__all__ = ["logic_gate"]

# Outputs for the inputs 00, 01, 10, 11, in that order.
_TRUTH_TABLES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the four input rows of a two-input gate and its outputs.

    Parameters
    ----------
    name : {'and', 'or', 'nand', 'xor'}
        The gate, case-insensitive (``'XOR'`` works too).

    Returns
    -------
    x : numpy.ndarray of shape (4, 2), float64
        The rows ``[0, 0], [0, 1], [1, 0], [1, 1]``.
    y : numpy.ndarray of shape (4,), int64
        The gate's output for each row.

    Raises
    ------
    ValueError
        If ``name`` is not one of the gates above.

    Examples
    --------
    >>> x, y = logic_gate("xor")
    >>> y
    array([0, 1, 1, 0])
    """
    if not isinstance(name, str) or name.lower() not in _TRUTH_TABLES:
        listed = ", ".join(repr(k) for k in _TRUTH_TABLES)
        raise ValueError(f"name must be one of {{{listed}}} (case-insensitive); "
                         f"received name={name!r}")
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)   # (4, 2)
    y = np.array(_TRUTH_TABLES[name.lower()], dtype=np.int64)           # (4,)
    return x, y
