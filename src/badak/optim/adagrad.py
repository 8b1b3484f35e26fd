"""AdaGrad: a learning rate per weight that shrinks as that weight's gradients add up.

Weights that have already moved a lot (large past gradients) take smaller steps from now on;
rarely updated weights keep larger ones. Because the sum of squares only grows, the steps shrink
towards zero over a long run (RMSprop fixes this by forgetting old gradients).

Sources: Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
Optimization" (JMLR 2011); Saito, *Deep Learning from Scratch*, ch. 6.1.5 (``AdaGrad``, whose
rule, ``lr=0.01`` and ``1e-7`` are used here).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from badak._validation import check_number, check_positive
from badak.engine.backend import xp
from badak.engine.tensor import Tensor
from badak.optim.optimizer import Optimizer


class AdaGrad(Optimizer):
    r"""AdaGrad: divide each step by the root of the sum of that weight's squared gradients.

    .. math::

        h_t &= h_{t-1} + g_t \odot g_t, \quad h_0 = 0 \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{h_t} + \epsilon}

    This is the book's rule. Keras' ``Adagrad`` differs: it starts :math:`h` at 0.1 and puts
    :math:`\epsilon` inside the root, :math:`\eta\, g / \sqrt{h + \epsilon}`.

    Parameters
    ----------
    params : iterable of Tensor
        The parameters to optimize, e.g. ``model.parameters()``.
    lr : float, default=0.01
        The learning rate :math:`\eta`, >= 0 (the book's default).
    eps : float, default=1e-7
        :math:`\epsilon` > 0, keeps the division finite while :math:`h` is 0 (the book's value,
        also Keras' epsilon).
    weight_decay : float, default=0.0
        L2 penalty :math:`\lambda` >= 0 added to the gradient,
        :math:`g \leftarrow g + \lambda\theta` (PyTorch's coupled weight decay; for the
        decoupled form use :class:`~badak.optim.AdamW`).
    clipnorm, clipvalue : float or None, default=None
        Clip the gradients before each step (see :mod:`badak.optim.clip`); at most one.

    Notes
    -----
    Buffer in ``state[i]``: ``sum_squares`` (:math:`h`).
    """

    state_names = ("sum_squares",)
    elementwise = True

    def __init__(self, params: Iterable[Tensor], lr: float = 0.01, eps: float = 1e-7,
                 weight_decay: float = 0.0, *, clipnorm: float | None = None,
                 clipvalue: float | None = None):
        super().__init__(params, {"lr": lr, "eps": eps, "weight_decay": weight_decay,
                                  "clipnorm": clipnorm, "clipvalue": clipvalue})

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        checked = super()._check_hyperparameters(hp)
        checked["eps"] = check_positive("eps", hp["eps"])
        checked["weight_decay"] = check_number("weight_decay", hp["weight_decay"], low=0.0)
        return checked

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        dtype = p.dtype.type
        if self.weight_decay:  # coupled L2: a new array, .grad itself is left untouched
            g = g + dtype(self.weight_decay) * p
        h = self._buffer(state, "sum_squares", p)
        h += g * g                           # h = h + g^2
        step = xp.sqrt(h)                    # lr g / (sqrt(h) + eps), in one temporary
        step += dtype(self.eps)
        xp.divide(g, step, out=step)
        step *= dtype(self.lr)
        p -= step
