"""Dropout (Srivastava et al. 2014; Saito §6.4.3) as a layer that knows train from eval mode.

In training mode each input is zeroed with probability p and the survivors are scaled by
1/(1 - p) ("inverted" dropout), so in evaluation mode (``model.eval()``) the layer passes its
input through unchanged. The mode is the module's own ``training`` flag, never a global.
"""

from __future__ import annotations

import badak.engine.functional as F
from badak._validation import check_number
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor
from badak.nn.module import Module
from badak.nn.registry import register_module


@register_module
class Dropout(Module):
    """Randomly zero inputs with probability ``p`` during training.

    Parameters
    ----------
    p : float in [0, 1), default=0.5
        Probability of dropping each element.
    rng : None, int or numpy.random.Generator
        Source of the masks. None draws from badak's default generator at each call, so
        :func:`badak.manual_seed` makes runs repeatable.

    Attributes
    ----------
    rng : numpy.random.Generator or None
        The layer's own generator (None: badak's default).
    """

    def __init__(self, p: float = 0.5, rng=None) -> None:
        super().__init__()
        self.p = check_number("p", p, low=0.0, high=1.0, high_inclusive=False)
        self.rng = None if rng is None else as_generator(rng)

    def forward(self, x) -> Tensor:
        # training: x * mask / (1 - p), mask ~ Bernoulli(1 - p); evaluation: x
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"

    def get_config(self) -> dict:
        return {"p": self.p}
