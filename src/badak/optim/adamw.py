"""AdamW: Adam with decoupled weight decay, exactly as PyTorch computes it.

With Adam, an L2 penalty added to the gradient (``weight_decay`` of :class:`~badak.optim.Adam`) is
divided by the same root of the second moment as the rest of the gradient, so weights with large
gradients are hardly decayed at all. Loshchilov and Hutter instead shrink the weights directly,
apart from the adaptive step: ``theta <- theta - lr * lambda * theta``, then the Adam step.

Sources: Loshchilov and Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019);
PyTorch's ``torch/optim/adamw.py`` (the update below, ``betas``, and the defaults ``lr=1e-3``,
``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=1e-2``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from badak._validation import check_number
from badak.engine.backend import xp
from badak.engine.tensor import Tensor
from badak.optim.adam import Adam
from badak.optim.optimizer import Optimizer


class AdamW(Adam):
    r"""AdamW with PyTorch's update, argument names and defaults.

    A subclass of :class:`~badak.optim.Adam` (as in PyTorch): the same moments and checks; the
    weight decay, the place of :math:`\epsilon` and the names of the hyperparameters differ.

    At step :math:`t = 1, 2, \dots` (``step_count``), with :math:`(\beta_1, \beta_2)` = ``betas``:

    .. math::

        \theta &\leftarrow \theta\,(1 - \eta\lambda) \\
        m_t &= \beta_1\, m_{t-1} + (1 - \beta_1)\, g_t, \quad m_0 = 0 \\
        v_t &= \beta_2\, v_{t-1} + (1 - \beta_2)\, g_t \odot g_t, \quad v_0 = 0 \\
        \theta_t &= \theta - \frac{\eta}{1 - \beta_1^{\,t}}\,
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^{\,t}} + \epsilon}

    :math:`\epsilon` is added to the bias-corrected root :math:`\sqrt{\hat v_t}` (PyTorch's form);
    badak's :class:`~badak.optim.Adam` follows Keras and adds it to :math:`\sqrt{v_t}`.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default=1e-3
        The learning rate :math:`\eta`, >= 0.
    betas : tuple of two floats, default=(0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default=1e-8
        :math:`\epsilon` > 0.
    weight_decay : float, default=1e-2
        The decoupled decay :math:`\lambda` >= 0.
    clipnorm, clipvalue : float or None, default=None
        Clip the gradients before each step (see :mod:`badak.optim.clip`); at most one.

    Notes
    -----
    Buffers in ``state[i]``: ``m`` (:math:`m`) and ``v`` (:math:`v`).
    """

    elementwise = True  # declared by the class that writes _update (see Optimizer)

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, *, clipnorm: float | None = None,
                 clipvalue: float | None = None):
        # Optimizer's __init__, not Adam's: the groups hold PyTorch's `betas`, not beta1/beta2
        Optimizer.__init__(self, params, {"lr": lr, "betas": betas, "eps": eps,
                                          "weight_decay": weight_decay, "clipnorm": clipnorm,
                                          "clipvalue": clipvalue})

    def _check_betas(self, hp: dict[str, object]) -> dict[str, object]:
        betas = hp["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2); received betas={betas!r}")
        return {"betas": tuple(check_number(f"betas[{i}]", b, low=0.0, high=1.0,
                                            high_inclusive=False) for i, b in enumerate(betas))}

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        dtype = p.dtype.type
        t = self.step_count
        b1, b2 = self.betas
        if self.weight_decay:
            p *= dtype(1.0 - self.lr * self.weight_decay)  # decoupled: theta (1 - lr lambda)
        m, v = self._moments(p, g, state, b1, b2)
        step = xp.sqrt(v)                    # sqrt(v) / sqrt(1 - b2^t) + eps
        step /= dtype(math.sqrt(1.0 - b2 ** t))
        step += dtype(self.eps)
        xp.divide(m, step, out=step)         # m / (...), times lr / (1 - b1^t)
        step *= dtype(self.lr / (1.0 - b1 ** t))
        p -= step
