"""Optimizers: the rules that turn gradients into parameter updates.

:class:`SGD` (with momentum and Nesterov), :class:`AdaGrad`, :class:`RMSprop`, :class:`Adam` and
:class:`AdamW`, each a small subclass of :class:`Optimizer` whose docstring writes its rule as
math; gradient clipping (:func:`clip_grad_norm_`, :func:`clip_grad_value_`); :func:`get_optimizer`
to build one by name; learning-rate schedules in :mod:`badak.optim.lr_scheduler`. Sources: Saito,
*Deep Learning from Scratch*, ch. 6; PyTorch's ``torch.optim``; Keras' ``keras.optimizers`` (whose
rules and defaults RMSprop and Adam reproduce).
"""

from badak.optim import lr_scheduler
from badak.optim.adagrad import AdaGrad
from badak.optim.adam import Adam
from badak.optim.adamw import AdamW
from badak.optim.clip import clip_grad_norm_, clip_grad_value_
from badak.optim.factory import DEFAULT_KWARGS, OPTIMIZERS, get_optimizer
from badak.optim.optimizer import Optimizer
from badak.optim.rmsprop import RMSprop
from badak.optim.sgd import SGD

__all__ = [
    "DEFAULT_KWARGS", "OPTIMIZERS", "AdaGrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD",
    "clip_grad_norm_", "clip_grad_value_", "get_optimizer", "lr_scheduler",
]
