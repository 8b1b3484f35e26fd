"""scikit-learn's L2 penalty ``alpha``, as a loss module that adds it to the data loss.

scikit-learn's MLPs minimise, on each batch of n samples,

    L = data_loss + (alpha / (2 n)) Σ_layers ||W||²       (weights only, not the biases)

so the gradient of a weight matrix gains ``(alpha / n) W``, and ``loss_curve_`` reports L with
the penalty in it (``_multilayer_perceptron.py``, ``_backprop``). Writing the penalty into the
loss lets badak's autograd produce that gradient; :func:`badak.fit` sees an ordinary loss module.

The regressor's ``'squared_error'`` is scikit-learn's half squared error,
``(1 / (2 n k)) Σ (y - t)²`` over every element, which the ``scale`` of 0.5 gives.
"""

from __future__ import annotations

from badak.engine.tensor import Tensor
from badak.nn import CrossEntropyLoss, Module

__all__ = ["PenalizedCrossEntropy", "PenalizedLoss"]


def _l2(weights, alpha: float, n: int):
    """(alpha / (2 n)) Σ ||W||², a scalar Tensor; None when alpha is 0."""
    if alpha == 0.0:
        return None
    total = None
    for w in weights:
        square = (w ** 2).sum()                              # () = Σ_ij W_ij²
        total = square if total is None else total + square
    return total * (0.5 * alpha / n)


class PenalizedLoss(Module):
    """``scale * base(prediction, target) + (alpha / (2 n)) Σ ||W||²``."""

    def __init__(self, base: Module, weights: list[Tensor], alpha: float, scale: float = 1.0):
        super().__init__()
        self.base = base
        self._weights = list(weights)   # the model's, not this module's parameters
        self.alpha = float(alpha)
        self.scale = float(scale)

    def forward(self, prediction, target) -> Tensor:
        loss = self.base(prediction, target)                 # ()
        if self.scale != 1.0:
            loss = loss * self.scale
        penalty = _l2(self._weights, self.alpha, len(target))
        return loss if penalty is None else loss + penalty


class PenalizedCrossEntropy(CrossEntropyLoss):
    """Softmax cross-entropy plus ``(alpha / (2 n)) Σ ||W||²`` (a CrossEntropyLoss, so that
    :func:`badak.fit` keeps integer class labels)."""

    def __init__(self, weights: list[Tensor], alpha: float):
        super().__init__()
        self._weights = list(weights)
        self.alpha = float(alpha)

    def forward(self, prediction, target) -> Tensor:
        loss = super().forward(prediction, target)           # ()
        penalty = _l2(self._weights, self.alpha, len(target))
        return loss if penalty is None else loss + penalty
