"""Sample and class weights: how much each sample counts in the training loss (Keras' meaning).

With weights ``w`` the loss of a batch of B samples is ``L = (1/B) Σᵢ wᵢ·lᵢ``, where ``lᵢ`` is the
loss of sample i alone (for mse, the mean of its squared errors over the outputs). It is divided by
B, not by Σ wᵢ: Keras' reduction ``"sum_over_batch_size"``. Weights all 1 give the usual loss.

``class_weight={0: 1.0, 1: 5.0}`` is a shortcut for ``sample_weight = class_weight[yᵢ]``: a rare
class counts five times as much.

The built-in losses are mean reductions of one fused node each; the per-sample losses here are
written with Tensor operations instead, so that every sample's loss can be scaled before the sum.
A custom loss callable gives only a scalar, so it cannot be weighted: it is refused with a message.

Sources: Keras, ``keras/src/losses/loss.py`` (``reduce_weighted_values``) and
``keras/src/trainers/data_adapters/data_adapter_utils.py`` (``class_weight_to_sample_weights``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from badak.engine.tensor import Tensor

__all__ = ["check_class_weight", "check_sample_weight", "per_sample_loss", "weighted_loss"]


def check_sample_weight(sample_weight, n: int) -> np.ndarray:
    """``sample_weight`` as a float64 array of shape (n,) of finite numbers >= 0, or raise."""
    if isinstance(sample_weight, Tensor):
        sample_weight = sample_weight.data
    try:
        w = np.asarray(sample_weight)
    except (TypeError, ValueError):
        w = np.asarray(None)
    if w.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must be a 1-D array of numbers, one weight per sample; "
                         f"received {type(sample_weight).__name__} of dtype {w.dtype}")
    if w.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), one weight per sample of x; "
                         f"received shape {w.shape}")
    w = w.astype(np.float64)
    if not np.isfinite(w).all() or (w < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise ValueError(f"sample_weight must hold finite numbers >= 0; received "
                         f"sample_weight[{bad}]={w[bad]}")
    return w


def _labels_for_class_weight(y: np.ndarray) -> np.ndarray:
    """Class index of each row: integer labels (N,) or (N, 1), one-hot rows (N, C) (argmax),
    or 0/1 floats for a binary output."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)                                   # one-hot (N, C) -> (N,)
    if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
        raise ValueError(f"class_weight needs class labels y of shape (N,), (N, 1) or one-hot "
                         f"(N, C); received y of shape {y.shape}")
    labels = y.reshape(len(y))
    if labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels)):
        raise ValueError("class_weight needs class labels in y (integers, or 0.0/1.0 for a "
                         "binary output); received y holding non-integer values such as "
                         f"{labels[labels != np.round(labels)][0]}")
    return labels.astype(np.int64)


def check_class_weight(class_weight, y: np.ndarray) -> np.ndarray:
    """The per-sample weights ``class_weight[y_i]`` of shape (N,), float64, or raise.

    As Keras, ``class_weight`` must be a dict whose keys are the classes 0, 1, ..., K-1.
    """
    if not isinstance(class_weight, dict) or not class_weight:
        raise ValueError(f"class_weight must be a non-empty dict {{class index: weight}}, e.g. "
                         f"{{0: 1.0, 1: 5.0}}; received class_weight={class_weight!r}")
    keys = sorted(class_weight, key=lambda k: (not isinstance(k, numbers.Integral), str(k)))
    if any(isinstance(k, bool) or not isinstance(k, numbers.Integral) for k in keys) or \
            sorted(int(k) for k in keys) != list(range(len(keys))):
        raise ValueError(f"class_weight must have the keys 0 to K-1, one per class (as Keras "
                         f"requires); received keys {list(class_weight)}")
    table = np.empty(len(keys), dtype=np.float64)
    for k, v in class_weight.items():
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v < 0:
            raise ValueError(f"class_weight values must be finite numbers >= 0; received "
                             f"class_weight[{k!r}]={v!r}")
        table[int(k)] = float(v)
    labels = _labels_for_class_weight(y)
    bad = np.flatnonzero((labels < 0) | (labels >= len(table)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"class_weight has weights for the classes 0 to {len(table) - 1}; "
                         f"received y with class {labels[i]} (y[{i}])")
    return table[labels]                                           # (N,)


def _mse(out: Tensor, t: Tensor) -> Tensor:
    d = out - t                                                    # (B, ...)
    return (d * d).reshape(len(out), -1).mean(axis=1)              # (B,)


def _l1(out: Tensor, t: Tensor) -> Tensor:
    return abs(out - t).reshape(len(out), -1).mean(axis=1)         # (B,)


def _cross_entropy(out: Tensor, t: Tensor) -> Tensor:
    import badak.engine.functional as F

    logp = F.log_softmax(out, axis=1)                              # (B, C)
    if t.ndim == 1:                                                # labels (B,) -> one-hot (B, C)
        onehot = np.zeros(out.shape, dtype=out.dtype)
        onehot[np.arange(len(out)), t.data.astype(np.int64)] = 1
        t = Tensor._make(onehot, False)
    return -(logp * t).sum(axis=1)                                 # (B,)


def _bce_with_logits(out: Tensor, t: Tensor) -> Tensor:
    import badak.engine.functional as F

    # max(x, 0) - x·t + ln(1 + e^-|x|): the stable form of the fused loss
    per = F.relu(out) - out * t + (1.0 + (-abs(out)).exp()).log()  # (B, ...)
    return per.reshape(len(out), -1).mean(axis=1)                  # (B,)


def per_sample_loss(loss_fn) -> Callable[[Tensor, Tensor], Tensor]:
    """The function ``(out, target) -> (B,) losses`` matching the built-in ``loss_fn``."""
    from badak import nn

    for cls, fn in ((nn.MSELoss, _mse), (nn.L1Loss, _l1), (nn.CrossEntropyLoss, _cross_entropy),
                    (nn.BCEWithLogitsLoss, _bce_with_logits)):
        if type(loss_fn) is cls:
            return fn
    raise ValueError(f"sample_weight and class_weight need a loss whose per-sample values badak "
                     f"knows: 'mse', 'l1' (or 'mae'), 'cross_entropy', 'bce' or their modules; "
                     f"received loss={loss_fn!r}, which gives one number per batch")


def weighted_loss(per_sample: Callable, out: Tensor, target: np.ndarray,
                  weights: np.ndarray) -> Tensor:
    """``(1/B) Σᵢ wᵢ·lᵢ`` over the batch (Keras' ``sum_over_batch_size``)."""
    losses = per_sample(out, Tensor._make(target, False))          # (B,)
    w = Tensor._make(weights.astype(out.dtype, copy=False), False)  # (B,)
    return (losses * w).sum() / len(weights)                       # ()
