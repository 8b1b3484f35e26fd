"""badak.functional: activations, losses, the linear layer (and a stack of layers) and
dropout as graph nodes.

Users write ``import badak.engine.functional as F``.
"""

from badak.engine.functional.activations import (
    elu,
    leaky_relu,
    log_softmax,
    maxout,
    prelu,
    relu,
    sigmoid,
    softmax,
    step,
    tanh,
)
from badak.engine.functional.dropout import dropout
from badak.engine.functional.linear import linear
from badak.engine.functional.linear_stack import linear_stack
from badak.engine.functional.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout",
    "elu", "huber_loss", "l1_loss", "leaky_relu", "linear", "linear_stack", "log_softmax",
    "maxout", "mse_loss", "nll_loss", "prelu", "relu", "sigmoid", "smooth_l1_loss", "softmax",
    "step", "tanh",
]
