"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

Plain SGD is the rule of the lecture's chapter 4, ``W <- W - lr * dL/dW``. Momentum (chapter 6)
adds a velocity that keeps rolling in the direction of past gradients, which damps zig-zagging
across a narrow valley and speeds up travel along it.

Sources: PyTorch's ``torch/optim/sgd.py`` (the form of the rule, ``nesterov``, ``weight_decay``);
Saito, *Deep Learning from Scratch*, ch. 6.1 (``SGD``, ``Momentum``); Keras' ``SGD`` (default
``lr=0.01``); Sutskever et al., "On the importance of initialization and momentum in deep
learning" (ICML 2013).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from badak._validation import check_bool, check_number
from badak.engine.tensor import Tensor
from badak.optim.optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum.

    With gradient :math:`g_t` of parameter :math:`\theta`, learning rate :math:`\eta`, momentum
    :math:`\mu` and weight decay :math:`\lambda`:

    .. math::

        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}
            && \text{(only if } \lambda > 0\text{)} \\
        v_t &= \mu\, v_{t-1} + g_t,\quad v_0 = 0
            && \text{(only if } \mu > 0\text{; else } v_t = g_t\text{)} \\
        \theta_t &= \theta_{t-1} - \eta\, v_t
            && \text{(standard)} \\
        \theta_t &= \theta_{t-1} - \eta\,(g_t + \mu\, v_t)
            && \text{(Nesterov)}

    This is PyTorch's form. The book (and Keras) write momentum as :math:`v \leftarrow \alpha v -
    \eta g`, :math:`\theta \leftarrow \theta + v`; the two are the same rule, with the book's
    velocity equal to :math:`-\eta` times this one, as long as :math:`\eta` is not changed during
    training (if it is, this form applies the new rate to the whole velocity at once).

    Parameters
    ----------
    params : iterable of Tensor
        The parameters to optimize, e.g. ``model.parameters()``.
    lr : float, default=0.01
        The learning rate :math:`\eta`, >= 0 (0.01 is Keras' default; 0 freezes the step).
    momentum : float, default=0.0
        The momentum factor :math:`\mu`, in [0, 1) (the book's :math:`\alpha`, often 0.9).
    nesterov : bool, default=False
        Use Nesterov momentum: look ahead along the velocity. Needs ``momentum > 0``.
    weight_decay : float, default=0.0
        L2 penalty :math:`\lambda` >= 0, added to the gradient as :math:`\lambda\theta` (the
        gradient of :math:`\tfrac{\lambda}{2}\|\theta\|^2`).
    clipnorm, clipvalue : float or None, default=None
        Clip the gradients before each step (see :mod:`badak.optim.clip`); at most one.

    Notes
    -----
    Buffer in ``state[i]``: ``velocity`` (:math:`v`), created at the first step when
    ``momentum > 0``.
    """

    state_names = ("velocity",)
    elementwise = True

    def __init__(self, params: Iterable[Tensor], lr: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0, *,
                 clipnorm: float | None = None, clipvalue: float | None = None):
        super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov,
                                  "weight_decay": weight_decay, "clipnorm": clipnorm,
                                  "clipvalue": clipvalue})

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        checked = super()._check_hyperparameters(hp)
        checked["momentum"] = check_number("momentum", hp["momentum"], low=0.0, high=1.0,
                                           high_inclusive=False)
        checked["nesterov"] = check_bool("nesterov", hp["nesterov"])
        checked["weight_decay"] = check_number("weight_decay", hp["weight_decay"], low=0.0)
        if checked["nesterov"] and checked["momentum"] == 0.0:
            raise ValueError("nesterov=True requires momentum > 0; received momentum=0.0")
        return checked

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if self.momentum == 0.0 and self.weight_decay == 0.0:  # the lecture's rule
            # A Python float meets the array in the array's dtype (NumPy casts the scalar
            # first), the same numbers as dtype(lr) * g without making the scalar each time.
            p -= self.lr * g  # in place: p keeps its identity
            return
        dtype = p.dtype.type
        lr = dtype(self.lr)
        if self.weight_decay > 0.0:
            g = g + dtype(self.weight_decay) * p  # a new array: .grad itself is left untouched
        if self.momentum == 0.0:
            p -= lr * g
            return
        mu = dtype(self.momentum)
        v = self._buffer(state, "velocity", p)
        v *= mu                              # v = mu v + g, in place
        v += g
        if self.nesterov:
            step = mu * v                    # g + mu v
            step += g
            step *= lr
            p -= step
        else:
            p -= lr * v
