"""Loss functions as modules: ``loss(prediction, target)`` gives a scalar Tensor to call
``backward()`` on.

Each wraps one fused loss of :mod:`badak.functional.losses` (where the formulas and gradients are
written out): mean squared error, mean absolute error, Huber and smooth L1 for regression,
softmax cross-entropy and negative log-likelihood for classes, binary cross-entropy (on logits or
on probabilities) for two classes. Names, arguments (``reduction``, ``weight``, ``ignore_index``,
``label_smoothing``, ``pos_weight``, ``delta``, ``beta``) and defaults are PyTorch's.
:func:`get_loss` finds one by the names used by ``fit`` (and by Keras: ``'mae'``,
``'categorical_crossentropy'``).
"""

from __future__ import annotations

import numpy as np

import badak.engine.functional as F
from badak._validation import check_choice, check_number
from badak.engine.functional.losses import REDUCTIONS
from badak.engine.tensor import Tensor
from badak.nn.module import Module
from badak.nn.registry import register_module


def _weights(name: str, value):
    """A per-class (or per-element) weight as a float64 array, or None; stored as given."""
    if value is None:
        return None
    arr = np.asarray(value.data if isinstance(value, Tensor) else value)
    if arr.dtype.kind not in "iuf" or arr.ndim == 0:
        raise TypeError(f"{name} must be an array of numbers (one per class) or None; received "
                        f"{name}={value!r}")
    return arr.astype(np.float64)


def _ignore_index(value) -> int:
    """The target value whose samples are left out (CrossEntropyLoss, NLLLoss), as an int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"ignore_index must be an integer; received ignore_index={value!r}")
    return int(value)


def _listed(arr):
    return None if arr is None else arr.tolist()


class _Loss(Module):
    """A loss module: checks its options when built, computes in :mod:`badak.functional`."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.get_config().items()
                         if v is not None and not (k == "reduction" and v == "mean"))

    def get_config(self) -> dict:
        return {"reduction": self.reduction}


@register_module
class MSELoss(_Loss):
    """Mean squared error: L = (1/n) Σ (yᵢ - tᵢ)², over every element (``reduction='sum'`` or
    ``'none'`` as in PyTorch)."""

    def forward(self, prediction, target) -> Tensor:
        return F.mse_loss(prediction, target, reduction=self.reduction)


@register_module
class L1Loss(_Loss):
    """Mean absolute error: L = (1/n) Σ |yᵢ - tᵢ|, over every element."""

    def forward(self, prediction, target) -> Tensor:
        return F.l1_loss(prediction, target, reduction=self.reduction)


@register_module
class HuberLoss(_Loss):
    """Huber loss: 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta) (PyTorch's)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = check_number("delta", delta, low=0.0, low_inclusive=False)

    def forward(self, prediction, target) -> Tensor:
        return F.huber_loss(prediction, target, reduction=self.reduction, delta=self.delta)

    def get_config(self) -> dict:
        return {"reduction": self.reduction, "delta": self.delta}


@register_module
class SmoothL1Loss(_Loss):
    """Smooth L1: 0.5 d²/beta where |d| < beta, else |d| - 0.5 beta (PyTorch's)."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = check_number("beta", beta, low=0.0)

    def forward(self, prediction, target) -> Tensor:
        return F.smooth_l1_loss(prediction, target, reduction=self.reduction, beta=self.beta)

    def get_config(self) -> dict:
        return {"reduction": self.reduction, "beta": self.beta}


@register_module
class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy: L = -(1/N) Σₙ log softmax(xₙ)[tₙ] (PyTorch's arguments).

    ``prediction`` are raw scores (N, C); ``target`` integer labels (N,) or probability rows
    (N, C). ``weight`` (C,), ``ignore_index``, ``reduction`` and ``label_smoothing`` as in
    :func:`badak.functional.cross_entropy`.
    """

    def __init__(self, weight=None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.weight = _weights("weight", weight)
        self.ignore_index = _ignore_index(ignore_index)
        self.label_smoothing = check_number("label_smoothing", label_smoothing, low=0.0,
                                            high=1.0)

    def forward(self, prediction, target) -> Tensor:
        return F.cross_entropy(prediction, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)

    def get_config(self) -> dict:
        config = {"weight": _listed(self.weight), "ignore_index": self.ignore_index,
                  "reduction": self.reduction, "label_smoothing": self.label_smoothing}
        return {k: v for k, v in config.items()
                if v != {"weight": None, "ignore_index": -100, "reduction": "mean",
                         "label_smoothing": 0.0}[k]}


@register_module
class NLLLoss(_Loss):
    """Negative log-likelihood on log-probabilities (N, C): L = -Σ w[yₙ] x[n, yₙ] / Σ w[yₙ]."""

    def __init__(self, weight=None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = _weights("weight", weight)
        self.ignore_index = _ignore_index(ignore_index)

    def forward(self, prediction, target) -> Tensor:
        return F.nll_loss(prediction, target, weight=self.weight,
                          ignore_index=self.ignore_index, reduction=self.reduction)

    def get_config(self) -> dict:
        return {"weight": _listed(self.weight), "ignore_index": self.ignore_index,
                "reduction": self.reduction}


@register_module
class BCELoss(_Loss):
    """Binary cross-entropy on probabilities in [0, 1]: -w (t log p + (1 - t) log(1 - p))."""

    def __init__(self, weight=None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = _weights("weight", weight)

    def forward(self, prediction, target) -> Tensor:
        return F.binary_cross_entropy(prediction, target, weight=self.weight,
                                      reduction=self.reduction)

    def get_config(self) -> dict:
        return {"weight": _listed(self.weight), "reduction": self.reduction}


@register_module
class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on raw scores: L = -(1/n) Σ [t log σ(x) + (1 - t) log(1 - σ(x))],
    computed stably without forming σ(x); ``weight`` and ``pos_weight`` as in PyTorch."""

    def __init__(self, weight=None, reduction: str = "mean", pos_weight=None) -> None:
        super().__init__(reduction)
        self.weight = _weights("weight", weight)
        self.pos_weight = _weights("pos_weight", pos_weight)

    def forward(self, prediction, target) -> Tensor:
        return F.binary_cross_entropy_with_logits(prediction, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)

    def get_config(self) -> dict:
        config = {"weight": _listed(self.weight), "reduction": self.reduction,
                  "pos_weight": _listed(self.pos_weight)}
        return {k: v for k, v in config.items()
                if v != {"weight": None, "reduction": "mean", "pos_weight": None}[k]}


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
