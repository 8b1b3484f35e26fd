"""Adam: momentum and RMSprop together, with a correction for their start at zero.

The first moment ``m`` (a moving average of gradients) plays the role of momentum's velocity; the
second moment ``v`` (a moving average of squared gradients) scales each weight's step as in
RMSprop. Both start at 0 and so are too small in the first steps; dividing by ``1 - beta^t``
corrects that bias.

Sources: Kingma and Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015), Algorithm 1 and
the efficient form just before its section 2.1; Keras' ``keras/src/optimizers/adam.py`` (that
form, ``epsilon`` not bias-corrected, and the defaults ``lr=0.001``, ``beta_1=0.9``,
``beta_2=0.999``, ``epsilon=1e-7``); Saito, *Deep Learning from Scratch*, ch. 6.1.6 (``Adam``, the
same form).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from badak._validation import check_number, check_positive
from badak.engine.backend import xp
from badak.engine.tensor import Tensor
from badak.optim.optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam, with Keras' exact update and defaults.

    At step :math:`t = 1, 2, \dots` (``step_count``):

    .. math::

        m_t &= \beta_1\, m_{t-1} + (1 - \beta_1)\, g_t, \quad m_0 = 0 \\
        v_t &= \beta_2\, v_{t-1} + (1 - \beta_2)\, g_t \odot g_t, \quad v_0 = 0 \\
        \eta_t &= \eta\, \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}} \\
        \theta_t &= \theta_{t-1} - \eta_t\, \frac{m_t}{\sqrt{v_t} + \epsilon}

    This is the paper's "efficient" form, used by Keras and by the book: the bias corrections
    are folded into the step size :math:`\eta_t`, and :math:`\epsilon` (Keras' "epsilon hat") is
    added to the uncorrected :math:`\sqrt{v_t}`. PyTorch instead adds :math:`\epsilon` to
    :math:`\sqrt{\hat v_t} = \sqrt{v_t / (1 - \beta_2^t)}`; the two differ only through
    :math:`\epsilon`.

    :math:`t` counts calls to :meth:`step` (one counter for all parameters, as in Keras), so a
    parameter skipped in some steps (no gradient) is corrected as if it had been updated.

    Parameters
    ----------
    params : iterable of Tensor
        The parameters to optimize, e.g. ``model.parameters()``.
    lr : float, default=1e-3
        The learning rate :math:`\eta`, >= 0 (Keras' and the paper's default).
    beta1 : float, default=0.9
        Decay of the first moment :math:`\beta_1`, in [0, 1) (Keras' ``beta_1``).
    beta2 : float, default=0.999
        Decay of the second moment :math:`\beta_2`, in [0, 1) (Keras' ``beta_2``).
    eps : float, default=1e-7
        :math:`\epsilon` > 0 (Keras' default; the paper and PyTorch use 1e-8).
    weight_decay : float, default=0.0
        L2 penalty :math:`\lambda` >= 0 added to the gradient,
        :math:`g \leftarrow g + \lambda\theta` (PyTorch's coupled weight decay; for the
        decoupled form use :class:`~badak.optim.AdamW`).
    clipnorm, clipvalue : float or None, default=None
        Clip the gradients before each step (see :mod:`badak.optim.clip`); at most one.

    Notes
    -----
    Buffers in ``state[i]``: ``m`` (:math:`m`) and ``v`` (:math:`v`).
    """

    state_names = ("m", "v")
    elementwise = True

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-7, weight_decay: float = 0.0, *,
                 clipnorm: float | None = None, clipvalue: float | None = None):
        super().__init__(params, {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
                                  "weight_decay": weight_decay, "clipnorm": clipnorm,
                                  "clipvalue": clipvalue})

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        checked = super()._check_hyperparameters(hp)
        checked.update(self._check_betas(hp))
        checked["eps"] = check_positive("eps", hp["eps"])
        checked["weight_decay"] = check_number("weight_decay", hp["weight_decay"], low=0.0)
        return checked

    def _check_betas(self, hp: dict[str, object]) -> dict[str, object]:
        """The checked decays of the two moments (Keras' names: ``beta1``, ``beta2``)."""
        return {name: check_number(name, hp[name], low=0.0, high=1.0, high_inclusive=False)
                for name in ("beta1", "beta2")}

    def _moments(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], b1: float,
                 b2: float) -> tuple[np.ndarray, np.ndarray]:
        """Update the moments ``m`` and ``v`` of ``state`` with the gradient ``g``, in place."""
        dtype = p.dtype.type
        m = self._buffer(state, "m", p)
        v = self._buffer(state, "v", p)
        m *= dtype(b1)                       # m = b1 m + (1 - b1) g, in place
        m += dtype(1.0 - b1) * g
        v *= dtype(b2)                       # v = b2 v + (1 - b2) g^2, in place
        v += dtype(1.0 - b2) * (g * g)
        return m, v

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        dtype = p.dtype.type
        if self.weight_decay:  # coupled L2: a new array, .grad itself is left untouched
            g = g + dtype(self.weight_decay) * p
        t = self.step_count
        b1, b2 = self.beta1, self.beta2
        m, v = self._moments(p, g, state, b1, b2)
        lr_t = self.lr * math.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)  # in float64, then cast
        step = xp.sqrt(v)                    # lr_t m / (sqrt(v) + eps), in one temporary
        step += dtype(self.eps)
        xp.divide(m, step, out=step)
        step *= dtype(lr_t)
        p -= step
