"""Dropout (Srivastava et al. 2014), inverted: during training each unit is kept with probability
1 - p and scaled by 1/(1 - p), so that nothing changes at evaluation time.

Composed exactly as x * mask, with the mask a constant of the graph: the gradient flows to the
kept units only, scaled the same way.
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_number
from badak.functional.activations import _float_input
from badak.ops import mul
from badak.random import as_generator
from badak.tensor import Tensor


def dropout(x, p: float = 0.5, training: bool = True, rng=None) -> Tensor:
    """Zero each element with probability ``p`` during training, scaling the rest by 1/(1-p).

    Parameters
    ----------
    x : Tensor
    p : float in [0, 1)
        The probability of dropping a unit.
    training : bool
        When False (evaluation), ``x`` is returned unchanged.
    rng : numpy.random.Generator or int, optional
        Source of the random mask (badak's default generator when None; see
        :func:`badak.manual_seed`). Modules pass their own.
    """
    p = check_number("p", p, low=0.0, high=1.0, high_inclusive=False)
    x = _float_input(x)
    if not training or p == 0.0:
        return x
    gen = as_generator(rng)
    keep = gen.random(x.shape, dtype=np.float64) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p))
    return mul(x, mask)
