"""Dropout (Srivastava et al. 2014), inverted: during training each unit is kept with probability
1 - p and scaled by 1/(1 - p), so that nothing changes at evaluation time.

One node, :class:`Dropout`, whose ``forward`` draws the mask from its generator and returns
x * mask; the gradient flows to the kept units only, scaled the same way (gy * mask). The mask is
drawn inside ``forward`` so that a replay of the node (:func:`badak.compile`) draws the next mask
from the same generator, exactly as eager execution does.
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_number
from badak.engine.autograd import Function
from badak.engine.functional.activations import _float_input
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor


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
    return Dropout(p, as_generator(rng))(x)


class Dropout(Function):
    """y = x * mask, the mask drawn in ``forward``: 0 with probability p, else 1/(1-p)."""

    def __init__(self, p: float, generator: np.random.Generator):
        self.p = p
        self.generator = generator

    def forward(self, x):
        keep = self.generator.random(x.shape, dtype=np.float64) >= self.p  # (...) bool
        self.mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.p))  # (...)
        return x * self.mask  # (...)

    def backward(self, gy):
        return gy * self.mask  # (...): only the kept units, scaled by 1/(1-p)
