"""RMSprop: AdaGrad with a memory that fades, so the steps do not shrink to nothing.

Instead of summing all past squared gradients, keep an exponential moving average of them: old
gradients are forgotten at rate ``1 - rho``, and the step is divided by the root of this mean
square.

Sources: Hinton, Srivastava and Swersky, *Neural Networks for Machine Learning*, lecture 6e
(2012); Keras' ``keras/src/optimizers/rmsprop.py`` (the exact rule, ``epsilon`` inside the root,
and the defaults ``lr=0.001``, ``rho=0.9``, ``epsilon=1e-7``); Saito, *Deep Learning from Scratch*,
ch. 6.1.5 (``RMSprop``, with ``decay_rate=0.99`` and ``1e-7`` added outside the root).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from badak._validation import check_number, check_positive
from badak.engine.backend import xp
from badak.engine.tensor import Tensor
from badak.optim.optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop, with Keras' exact update and defaults.

    .. math::

        v_t &= \rho\, v_{t-1} + (1 - \rho)\, g_t \odot g_t, \quad v_0 = 0 \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t + \epsilon}}

    :math:`\epsilon` sits inside the square root, as in Keras (both ``tf.keras`` and Keras 3), so
    the largest possible step multiplier is :math:`\eta / \sqrt{\epsilon}` (about
    :math:`3162\,\eta` for :math:`\epsilon = 10^{-7}`). The book and PyTorch add :math:`\epsilon`
    after the root instead, :math:`\eta\, g / (\sqrt{v} + \epsilon)`; the two agree once
    :math:`v \gg \epsilon`.

    Parameters
    ----------
    params : iterable of Tensor
        The parameters to optimize, e.g. ``model.parameters()``.
    lr : float, default=1e-3
        The learning rate :math:`\eta`, >= 0 (Keras' default).
    rho : float, default=0.9
        Decay of the moving average :math:`\rho`, in [0, 1) (Keras' default).
    eps : float, default=1e-7
        :math:`\epsilon` > 0 (Keras' default).
    weight_decay : float, default=0.0
        L2 penalty :math:`\lambda` >= 0 added to the gradient,
        :math:`g \leftarrow g + \lambda\theta` (PyTorch's coupled weight decay; for the
        decoupled form use :class:`~badak.optim.AdamW`).
    clipnorm, clipvalue : float or None, default=None
        Clip the gradients before each step (see :mod:`badak.optim.clip`); at most one.

    Notes
    -----
    Buffer in ``state[i]``: ``mean_square`` (:math:`v`).
    """

    state_names = ("mean_square",)
    elementwise = True

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, rho: float = 0.9,
                 eps: float = 1e-7, weight_decay: float = 0.0, *,
                 clipnorm: float | None = None, clipvalue: float | None = None):
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps,
                                  "weight_decay": weight_decay, "clipnorm": clipnorm,
                                  "clipvalue": clipvalue})

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        checked = super()._check_hyperparameters(hp)
        checked["rho"] = check_number("rho", hp["rho"], low=0.0, high=1.0, high_inclusive=False)
        checked["eps"] = check_positive("eps", hp["eps"])
        checked["weight_decay"] = check_number("weight_decay", hp["weight_decay"], low=0.0)
        return checked

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        dtype = p.dtype.type
        if self.weight_decay:  # coupled L2: a new array, .grad itself is left untouched
            g = g + dtype(self.weight_decay) * p
        v = self._buffer(state, "mean_square", p)
        v *= dtype(self.rho)                 # v = rho v + (1 - rho) g^2, in place
        v += dtype(1.0 - self.rho) * (g * g)
        step = v + dtype(self.eps)           # lr g / sqrt(v + eps), in one temporary
        xp.sqrt(step, out=step)
        xp.divide(g, step, out=step)
        step *= dtype(self.lr)
        p -= step
