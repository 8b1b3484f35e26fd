"""Loss functions as fused nodes: one node each, with a hand-derived backward.

- ``mse_loss``: mean of (a - t)²; d/da = 2(a - t)/n.
- ``l1_loss``: mean of |a - t|; d/da = sign(a - t)/n.
- ``cross_entropy``: log-softmax and negative log-likelihood fused; d/dlogits = (softmax - t)/N,
  the famous "output minus target" of *Deep Learning from Scratch* §5.6.3.
- ``binary_cross_entropy_with_logits``: max(x, 0) - x·t + ln(1 + e^-|x|), stable for any x;
  d/dx = (σ(x) - t)/n.

Shapes must match exactly: a silent broadcast of (N, 1) against (N,) would compute an N×N loss.
"""

from __future__ import annotations

import numpy as np

from badak.autograd import Function
from badak.backend import xp
from badak.functional.activations import _float_input, log_softmax, sigmoid
from badak.tensor import Tensor, as_tensor


def _pair(input, target, op: str):
    input = input if type(input) is Tensor and input.data.dtype.kind == "f" else \
        _float_input(input)
    if isinstance(target, xp.ndarray) and target.dtype == input.data.dtype:
        target = Tensor._make(target, False)  # an array of the right dtype (fit's batches)
    else:
        target = as_tensor(target, like=input)
        if target.dtype != input.dtype:
            target = target.astype(input.dtype)
    if input.shape != target.shape:
        hint = ""
        if input.ndim == target.ndim + 1 and input.shape[-1] == 1:
            hint = " (reshape the target with target.reshape(-1, 1))"
        raise ValueError(f"{op}: input and target must have the same shape; received input "
                         f"{input.shape} and target {target.shape}{hint}")
    if input.size == 0:
        raise ValueError(f"{op}: input is empty (shape {input.shape})")
    return input, target


class MSELoss(Function):
    def forward(self, a, t):
        self.diff = a - t  # (...)
        return xp.asarray((self.diff * self.diff).sum() / a.size, dtype=a.dtype)  # () scalar

    def backward(self, gy):
        diff = self.input(0) - self.input(1) if isinstance(gy, Tensor) else self.diff
        ga = gy * (2.0 / diff.size) * diff if isinstance(gy, Tensor) else \
            (gy * (2.0 / diff.size)).astype(diff.dtype) * diff
        need_a, need_t = self.needs_input_grad
        return (ga if need_a else None), (-ga if need_t else None)


class L1Loss(Function):
    def forward(self, a, t):
        self.sign = xp.sign(a - t)  # (...)
        return xp.asarray(xp.abs(a - t).mean(), dtype=a.dtype)

    def backward(self, gy):
        scale = 1.0 / self.sign.size
        ga = gy * scale * self.sign if isinstance(gy, Tensor) else \
            (gy * scale).astype(self.sign.dtype) * self.sign
        need_a, need_t = self.needs_input_grad
        return (ga if need_a else None), (-ga if need_t else None)


class CrossEntropy(Function):
    """Softmax cross-entropy over logits (N, C) with targets as class labels (N,) or
    probabilities / one-hot rows (N, C)."""

    def __init__(self, labels=None):
        self.labels = labels  # int array (N,), or None when the target is given as (N, C)

    def forward(self, x, t=None):
        shifted = x - x.max(axis=1, keepdims=True)  # (N, C), largest score 0 in each row
        n = x.shape[0]
        if self.labels is None:
            logsum = xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
            logp = shifted - logsum  # (N, C) log-softmax
            self.p = xp.exp(logp)  # (N, C) softmax, kept for backward
            self.logp = logp  # d loss / d t = -logp / N: from logp, as p may underflow to 0
            return xp.asarray(-(t * logp).sum() / n, dtype=x.dtype)
        e = xp.exp(shifted)  # (N, C) in (0, 1]
        total = e.sum(axis=1, keepdims=True)  # (N, 1), at least 1: no overflow, no log(0)
        e /= total
        self.p = e  # (N, C) softmax, kept for backward
        self.rows = xp.arange(n)
        # -log softmax at the label = log Σ e^shifted - shifted[label], row by row: (N,)
        nll = xp.log(total).reshape(n) - shifted[self.rows, self.labels]
        return xp.asarray(nll.sum() / n, dtype=x.dtype)

    def _target(self, like):
        if self.labels is not None:
            onehot = xp.zeros(like.shape, dtype=like.dtype)
            onehot[xp.arange(like.shape[0]), self.labels] = 1
            return onehot
        return self.input(1)

    def backward(self, gy):
        n = self.p.shape[0]
        need = self.needs_input_grad
        if isinstance(gy, Tensor):
            from badak.functional.activations import softmax

            p = softmax(self.inputs[0], axis=1)
            t = self._target(self.p) if self.labels is not None else self.input(1)
            gx = (p - t) * (gy / n)
            gt = -log_softmax(self.inputs[0], axis=1) * (gy / n) if len(need) > 1 and need[1] \
                else None
        else:
            if self.labels is not None:
                gx = self.p.copy()
                gx[self.rows, self.labels] -= 1  # softmax - one-hot
                if n != 1 or float(gy) != 1.0:  # (one sample, backward from 1: no scaling)
                    gx *= gy / n  # gy has the loss's dtype (the engine casts gradients)
            else:
                gx = (self.p - self.inputs[1].data) * (gy / n)
            gt = None
            if len(need) > 1 and need[1]:
                gt = -self.logp * (gy / n)
        if len(need) == 1:
            return gx if need[0] else None
        return (gx if need[0] else None), gt


class BCEWithLogits(Function):
    def forward(self, x, t):
        self.x, self.t = x, t
        loss = xp.maximum(x, 0) - x * t + xp.log1p(xp.exp(-xp.abs(x)))  # stable for any x
        return xp.asarray(loss.mean(), dtype=x.dtype)

    def backward(self, gy):
        n = self.x.size
        need_x, need_t = self.needs_input_grad
        if isinstance(gy, Tensor):
            x, t = self.inputs
            gx = (sigmoid(x) - t) * (gy / n) if need_x else None
            gt = -x * (gy / n) if need_t else None
            return gx, gt
        scale = (gy / n).astype(self.x.dtype)
        e = xp.exp(-xp.abs(self.x))
        s = xp.where(self.x >= 0, 1 / (1 + e), e / (1 + e))
        gx = (s - self.t) * scale if need_x else None
        gt = -self.x * scale if need_t else None
        return gx, gt


def mse_loss(input, target) -> Tensor:
    """Mean squared error, mean over every element. Shapes must match."""
    return MSELoss()(*_pair(input, target, "mse_loss"))


def l1_loss(input, target) -> Tensor:
    """Mean absolute error, mean over every element. Shapes must match."""
    return L1Loss()(*_pair(input, target, "l1_loss"))


def cross_entropy(logits, target) -> Tensor:
    """Softmax cross-entropy, mean over the batch.

    Parameters
    ----------
    logits : Tensor, shape (N, C)
        Unnormalised scores.
    target : array-like
        Integer class labels, shape (N,), each in [0, C); or one-hot / probability rows (N, C).
    """
    x = logits if type(logits) is Tensor and logits.data.dtype.kind == "f" else \
        _float_input(logits)
    if x.data.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be 2-D (N, C); received shape {x.shape}")
    n, c = x.data.shape
    if n == 0:
        raise ValueError("cross_entropy: logits is empty (0 rows)")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind in "iub" and t.ndim == 1:
        if t.shape[0] != n:
            raise ValueError(f"cross_entropy: target has {t.shape[0]} labels but logits has {n} "
                             f"rows")
        # One comparison finds labels < 0 and >= c alike: negative ints become huge unsigned.
        big = t.view(np.uint64).max() if t.dtype == np.int64 else \
            t.astype(np.uint64, copy=False).max()
        if big >= c:
            raise ValueError(f"cross_entropy: target labels must be in [0, {c - 1}] for {c} "
                             f"classes; received labels from {t.min()} to {t.max()}")
        return CrossEntropy(t.astype(np.intp, copy=False))(x)
    if t.dtype.kind == "f" and t.ndim == 1:
        raise TypeError("cross_entropy: class labels must be integers; received a float array of "
                        "shape (N,). Convert with y.astype(int), or pass one-hot rows (N, C)")
    target_t = as_tensor(target, like=x)
    if target_t.shape != x.shape:
        raise ValueError(f"cross_entropy: target must be integer labels (N,) or rows (N, C) "
                         f"matching logits {x.shape}; received shape {target_t.shape}")
    if target_t.dtype != x.dtype:
        target_t = target_t.astype(x.dtype)
    return CrossEntropy(None)(x, target_t)


def binary_cross_entropy_with_logits(logits, target) -> Tensor:
    """Binary cross-entropy on raw scores (sigmoid fused in), mean over every element."""
    return BCEWithLogits()(*_pair(logits, target, "binary_cross_entropy_with_logits"))


__all__ = ["binary_cross_entropy_with_logits", "cross_entropy", "l1_loss", "mse_loss"]
