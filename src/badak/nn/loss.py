"""Loss functions as modules: ``loss(prediction, target)`` gives a scalar Tensor to call
``backward()`` on.

Each wraps one fused loss of :mod:`badak.functional.losses` (where the formulas and gradients are
written out): mean squared error and mean absolute error for regression, softmax cross-entropy
for classes, binary cross-entropy on logits for two classes. :func:`get_loss` finds one by the
names used by ``fit`` (and by Keras: ``'mae'``, ``'categorical_crossentropy'``).
"""

from __future__ import annotations

import badak.functional as F
from badak.nn.module import Module
from badak.nn.registry import register_module
from badak.tensor import Tensor


@register_module
class MSELoss(Module):
    """Mean squared error: L = (1/n) Σ (yᵢ - tᵢ)², over every element."""

    def forward(self, prediction, target) -> Tensor:
        return F.mse_loss(prediction, target)


@register_module
class L1Loss(Module):
    """Mean absolute error: L = (1/n) Σ |yᵢ - tᵢ|, over every element."""

    def forward(self, prediction, target) -> Tensor:
        return F.l1_loss(prediction, target)


@register_module
class CrossEntropyLoss(Module):
    """Softmax cross-entropy: L = -(1/N) Σₙ log softmax(xₙ)[tₙ].

    ``prediction`` are raw scores (N, C); ``target`` integer labels (N,) or one-hot rows (N, C).
    """

    def forward(self, prediction, target) -> Tensor:
        return F.cross_entropy(prediction, target)


@register_module
class BCEWithLogitsLoss(Module):
    """Binary cross-entropy on raw scores: L = -(1/n) Σ [t log σ(x) + (1 - t) log(1 - σ(x))],
    computed stably without forming σ(x)."""

    def forward(self, prediction, target) -> Tensor:
        return F.binary_cross_entropy_with_logits(prediction, target)


LOSSES: dict[str, type[Module]] = {
    "mse": MSELoss,
    "l1": L1Loss,
    "cross_entropy": CrossEntropyLoss,
    "bce": BCEWithLogitsLoss,
}
"""Loss module classes by name."""

ALIASES: dict[str, str] = {
    "mae": "l1",
    "mean_squared_error": "mse",
    "mean_absolute_error": "l1",
    "categorical_crossentropy": "cross_entropy",
    "sparse_categorical_crossentropy": "cross_entropy",
    "binary_crossentropy": "bce",
}
"""Other accepted names (Keras') for the losses of :data:`LOSSES`."""


def get_loss(name) -> Module:
    """Return a new loss module for ``name`` (a key of :data:`LOSSES` or :data:`ALIASES`); a
    Module is returned as is.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if isinstance(name, Module):
        return name
    key = ALIASES.get(name, name) if isinstance(name, str) else name
    if not isinstance(key, str) or key not in LOSSES:
        listed = ", ".join(repr(k) for k in [*LOSSES, *ALIASES])
        raise ValueError(f"loss must be one of {{{listed}}}; received loss={name!r}")
    return LOSSES[key]()
