"""Loss functions as fused nodes: one node each, with a hand-derived backward.

- ``mse_loss``: mean of (a - t)²; d/da = 2(a - t)/n.
- ``l1_loss``: mean of |a - t|; d/da = sign(a - t)/n.
- ``cross_entropy``: log-softmax and negative log-likelihood fused; d/dlogits = (softmax - t)/N,
  the famous "output minus target" of *Deep Learning from Scratch* §5.6.3.
- ``binary_cross_entropy_with_logits``: max(x, 0) - x·t + ln(1 + e^-|x|), stable for any x;
  d/dx = (σ(x) - t)/n.
- ``nll_loss``: -w[y]·x[y] on log-probabilities; ``binary_cross_entropy`` on probabilities;
  ``huber_loss`` and ``smooth_l1_loss``: quadratic near 0, linear beyond ``delta``/``beta``.

Every loss takes PyTorch's ``reduction`` ('mean', 'sum' or 'none': one loss per element, or per
sample for the cross-entropies), and the cross-entropies PyTorch's ``weight`` (per class),
``ignore_index`` and ``label_smoothing``. With class labels, the cross-entropy's mean is weighted:
Σ wᵧₙ·lₙ / Σ wᵧₙ over the samples not ignored (PyTorch's definition). With probability targets
(N, C) it is -Σ_c w_c·t_nc·log softmax(x)_nc averaged over the N rows, whatever the rows sum to;
its gradient is softmax(x)·Σ_c w_c t_nc - w·t per row (the textbook "output minus target" is the
case where each row sums to 1).

Shapes must match exactly: a silent broadcast of (N, 1) against (N,) would compute an N×N loss.
Sources: PyTorch's ``torch/nn/functional.py`` and ``torch/nn/modules/loss.py`` (names, arguments,
defaults and formulas).
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_choice, check_number
from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.functional.activations import _float_input, log_softmax, sigmoid, softmax
from badak.engine.tensor import Tensor, as_tensor


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


def _sub(a, t):
    return a - t


class MSELoss(Function):
    """l = Σ (a - t)² / n; local gradients 2(a - t)/n and -2(a - t)/n."""

    def forward(self, a, t):
        self.diff = a - t  # (...)
        return xp.asarray((self.diff * self.diff).sum() / a.size, dtype=a.dtype)  # () scalar

    def backward(self, gy):
        diff = self.saved(self.diff, _sub)  # (...): a - t
        ga = (gy * (2.0 / self.diff.size)).astype(self.y.dtype) * diff  # () * (...) -> (...)
        need_a, need_t = self.needs_input_grad
        return (ga if need_a else None), (-ga if need_t else None)


class L1Loss(Function):
    """l = Σ |a - t| / n; local gradients sign(a - t)/n and -sign(a - t)/n."""

    def forward(self, a, t):
        self.sign = xp.sign(a - t)  # (...)
        return xp.asarray(xp.abs(a - t).mean(), dtype=a.dtype)

    def backward(self, gy):
        ga = (gy * (1.0 / self.sign.size)).astype(self.y.dtype) * self.sign  # (...)
        need_a, need_t = self.needs_input_grad
        return (ga if need_a else None), (-ga if need_t else None)


def _softmax_rows(x, t=None):
    return softmax(x, axis=1)


def _log_softmax_rows(x, t=None):
    return log_softmax(x, axis=1)


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
        self.delta = None  # softmax - one-hot (made from p by the first backward)
        self.rows = xp.arange(n)
        # -log softmax at the label = log Σ e^shifted - shifted[label], row by row: (N,)
        nll = xp.log(total).reshape(n) - shifted[self.rows, self.labels]
        return xp.asarray(nll.sum() / n, dtype=x.dtype)

    def _onehot(self, x):
        onehot = xp.zeros(x.shape, dtype=x.dtype)  # (N, C)
        onehot[xp.arange(x.shape[0]), self.labels] = 1
        return onehot

    def _p_minus_onehot(self, x):
        return softmax(x, axis=1) - self._onehot(x.data)

    def backward(self, gy):
        n = self.p.shape[0]
        need = self.needs_input_grad
        scale = gy / n  # () in the loss's dtype (the engine casts gradients)
        if self.labels is not None:  # (N, C): softmax - one-hot, made from p in place once
            if self.delta is None:
                self.delta = self.p
                self.delta[self.rows, self.labels] -= 1
            return self.saved(self.delta, self._p_minus_onehot) * scale if need[0] else None
        p, t = self.saved(self.p, _softmax_rows), self.input(1)  # (N, C) each
        gx = (p * t.sum(axis=1, keepdims=True) - t) * scale if need[0] else None  # p Σ_c t - t
        gt = -self.saved(self.logp, _log_softmax_rows) * scale if need[1] else None
        return gx, gt


def _sigmoid_of(x, t):
    return sigmoid(x)


class BCEWithLogits(Function):
    def forward(self, x, t):
        self.x = x
        e = xp.exp(-xp.abs(x))  # (...) in (0, 1]: never overflows
        loss = xp.maximum(x, 0) - x * t + xp.log1p(e)  # stable for any x
        self.s = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))  # σ(x), kept for backward
        return xp.asarray(loss.mean(), dtype=x.dtype)

    def backward(self, gy):
        n = self.x.size
        need_x, need_t = self.needs_input_grad
        scale = (gy / n).astype(self.y.dtype)  # ()
        x, t = self.saved_inputs()  # (...) each
        gx = (self.saved(self.s, _sigmoid_of) - t) * scale if need_x else None  # (σ(x) - t)/n
        gt = -x * scale if need_t else None
        return gx, gt


REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> str:
    return check_choice("reduction", reduction, REDUCTIONS)


def _reduce(per: np.ndarray, reduction: str, divisor: float, dtype) -> np.ndarray:
    if reduction == "none":
        return per.astype(dtype, copy=False)
    total = per.sum()
    return xp.asarray(total / divisor if reduction == "mean" else total, dtype=dtype)


def _upstream(gy, reduction: str, divisor: float, shape) -> np.ndarray:
    """The upstream gradient of each per-element (or per-sample) loss, broadcastable to
    ``shape``: gy/divisor for 'mean', gy for 'sum', gy itself for 'none'."""
    if reduction == "none":
        return gy
    return xp.asarray(gy / divisor if reduction == "mean" else gy)


class Elementwise(Function):
    """A loss computed element by element, l = f(a, t), then reduced.

    Subclasses implement ``_terms(a, t) -> (loss, dloss/da, dloss/dt)`` on arrays; ``weight`` (an
    array broadcast against the elements, or None) multiplies each element's loss.
    """

    name = "loss"

    @property
    def first_order_only(self) -> str:  # backward on arrays only: no second derivative
        return self.name

    def __init__(self, reduction: str, weight=None):
        self.reduction = reduction
        self.weight = weight

    def forward(self, a, t):
        per, self.da, self.dt = self._terms(a, t)  # (...) each
        if self.weight is not None:
            per = per * self.weight
        return _reduce(per, self.reduction, per.size, a.dtype)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.da.size, self.da.shape)
        if self.weight is not None:
            g = g * self.weight
        dtype = self.da.dtype
        need_a, need_t = self.needs_input_grad
        ga = (g * self.da).astype(dtype, copy=False) if need_a else None
        gt = (g * self.dt).astype(dtype, copy=False) if need_t and self.dt is not None else None
        return ga, gt


class MSEElementwise(Elementwise):
    name = "mse_loss"

    def _terms(self, a, t):
        d = a - t
        return d * d, 2 * d, -2 * d


class L1Elementwise(Elementwise):
    name = "l1_loss"

    def _terms(self, a, t):
        sign = xp.sign(a - t)
        return xp.abs(a - t), sign, -sign


class Huber(Elementwise):
    """0.5 d² where |d| < delta, delta (|d| - 0.5 delta) beyond; d = a - t."""

    name = "huber_loss"

    def __init__(self, reduction: str, delta: float):
        super().__init__(reduction)
        self.delta = delta

    def _terms(self, a, t):
        d = a - t
        small = xp.abs(d) < self.delta
        loss = xp.where(small, 0.5 * d * d, self.delta * (xp.abs(d) - 0.5 * self.delta))
        grad = xp.clip(d, -self.delta, self.delta)  # d inside, ±delta outside
        return loss, grad, -grad


class SmoothL1(Elementwise):
    """0.5 d²/beta where |d| < beta, |d| - 0.5 beta beyond (plain |d| for beta = 0)."""

    name = "smooth_l1_loss"

    def __init__(self, reduction: str, beta: float):
        super().__init__(reduction)
        self.beta = beta

    def _terms(self, a, t):
        d = a - t
        if self.beta == 0.0:
            return xp.abs(d), xp.sign(d), -xp.sign(d)
        small = xp.abs(d) < self.beta
        loss = xp.where(small, 0.5 * d * d / self.beta, xp.abs(d) - 0.5 * self.beta)
        grad = xp.where(small, d / self.beta, xp.sign(d))
        return loss, grad, -grad


class BCE(Elementwise):
    """-(t log p + (1 - t) log(1 - p)) on probabilities p, each log clamped at -100 (PyTorch)."""

    name = "binary_cross_entropy"

    def _terms(self, p, t):
        log_p = xp.maximum(xp.log(p), -100.0)
        log_q = xp.maximum(xp.log1p(-p), -100.0)
        loss = -(t * log_p + (1 - t) * log_q)
        grad = (p - t) / xp.maximum(p * (1 - p), 1e-12)  # PyTorch's clamp of the denominator
        return loss, grad, log_q - log_p


class BCEWithLogitsElementwise(Elementwise):
    """(1 - t) x + (1 + (pw - 1) t) ln(1 + e^-x), written stably; pw = pos_weight (or 1)."""

    name = "binary_cross_entropy_with_logits"

    def __init__(self, reduction: str, weight=None, pos_weight=None):
        super().__init__(reduction, weight)
        self.pos_weight = pos_weight

    def _terms(self, x, t):
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)  # ln(1 + e^-x)
        e = xp.exp(-xp.abs(x))
        s = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))  # sigmoid(x)
        if self.pos_weight is None:
            return (1 - t) * x + softplus_neg, s - t, -x
        pw = self.pos_weight
        c = 1 + (pw - 1) * t
        loss = (1 - t) * x + c * softplus_neg
        grad = c * s - pw * t       # d/dx: (1 - t) - c (1 - s)
        return loss, grad, -x - (pw - 1) * softplus_neg


class SoftmaxCrossEntropy(Function):
    """Cross-entropy on logits (N, C) as l_n = -Σ_c A_nc log softmax(x)_nc, reduced.

    ``A`` folds in the targets, the class weights and the label smoothing: for class labels it is
    given (``coef``, a constant); for probability targets t it is w (1 - ε) t + w ε / C, built from
    the second input so that t gets its gradient too. ∂l_n/∂x_n = softmax(x_n) Σ_c A_nc - A_n.
    """

    first_order_only = ("cross_entropy with weight, ignore_index, label_smoothing, reduction "
                        "other than 'mean' or probability targets")

    def __init__(self, reduction: str, divisor: float, coef=None, weight=None,
                 smoothing: float = 0.0):
        self.reduction = reduction
        self.divisor = divisor    # what 'mean' divides by
        self.coef = coef          # (N, C) for class labels, else None
        self.weight = weight      # (C,) or None (probability targets)
        self.smoothing = smoothing

    def _coef(self, t):
        c = t.shape[1]
        w = 1.0 if self.weight is None else self.weight
        a = t * (1.0 - self.smoothing) + self.smoothing / c if self.smoothing else t
        return a * w if self.weight is not None else a

    def forward(self, x, t=None):
        shifted = x - x.max(axis=1, keepdims=True)  # (N, C), largest score 0 in each row
        logsum = xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
        self.logp = shifted - logsum  # (N, C) log-softmax
        self.p = xp.exp(self.logp)  # (N, C) softmax
        self.a = self.coef if t is None else self._coef(t)  # (N, C)
        per = -(self.a * self.logp).sum(axis=1)  # (N,)
        return _reduce(per, self.reduction, self.divisor, x.dtype)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.divisor, None)
        g = g.reshape(-1, 1) if self.reduction == "none" else g  # (N, 1) or scalar
        dtype = self.p.dtype
        need = self.needs_input_grad
        gx = None
        if need[0]:
            gx = ((self.p * self.a.sum(axis=1, keepdims=True) - self.a) * g).astype(dtype)
        if len(need) == 1:
            return gx
        gt = None
        if need[1]:  # ∂l/∂t = -logp · w (1 - ε)
            scale = (1.0 - self.smoothing) * (1.0 if self.weight is None else self.weight)
            gt = (-self.logp * scale * g).astype(dtype)
        return gx, gt


class NLL(Function):
    """l_n = -w[y_n] x[n, y_n] on log-probabilities x (N, C); ignored samples give 0."""

    first_order_only = "nll_loss"

    def __init__(self, labels, keep, w_rows, reduction: str, divisor: float):
        self.labels, self.keep, self.w_rows = labels, keep, w_rows  # (N,) each
        self.reduction, self.divisor = reduction, divisor

    def forward(self, x):
        rows = xp.arange(x.shape[0])
        self.shape = x.shape
        per = xp.where(self.keep, -self.w_rows * x[rows, xp.where(self.keep, self.labels, 0)],
                       0.0)  # (N,)
        return _reduce(per, self.reduction, self.divisor, x.dtype)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.divisor, None)
        gx = xp.zeros(self.shape, dtype=gy.dtype if hasattr(gy, "dtype") else float)
        rows = xp.arange(self.shape[0])[self.keep]
        gn = g[self.keep] if self.reduction == "none" else g
        gx[rows, self.labels[self.keep]] = -self.w_rows[self.keep] * gn
        return gx



def _class_weight(weight, c: int, like, op: str):
    if weight is None:
        return None
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=like.dtype)
    if w.shape != (c,):
        raise ValueError(f"{op}: weight must have one entry per class, shape ({c},); received "
                         f"shape {w.shape}")
    return w


def _elementwise_weight(weight, shape, like, name: str, op: str):
    if weight is None:
        return None
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=like.dtype)
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(f"{op}: {name} must broadcast against the input's shape {shape}; "
                         f"received shape {w.shape}") from None
    if np.broadcast_shapes(w.shape, shape) != tuple(shape):
        raise ValueError(f"{op}: {name} must broadcast against the input's shape {shape} "
                         f"without enlarging it; received shape {w.shape}")
    return w


def mse_loss(input, target, reduction: str = "mean") -> Tensor:
    """Mean squared error, (a - t)², reduced by ``reduction`` ('mean' over every element,
    'sum', or 'none'). Shapes must match."""
    if reduction == "mean" or _check_reduction(reduction) == "mean":
        return MSELoss()(*_pair(input, target, "mse_loss"))
    return MSEElementwise(reduction)(*_pair(input, target, "mse_loss"))


def l1_loss(input, target, reduction: str = "mean") -> Tensor:
    """Mean absolute error, |a - t|, reduced by ``reduction``. Shapes must match."""
    if reduction == "mean" or _check_reduction(reduction) == "mean":
        return L1Loss()(*_pair(input, target, "l1_loss"))
    return L1Elementwise(reduction)(*_pair(input, target, "l1_loss"))


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss: 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), with d = input -
    target (PyTorch's ``huber_loss``; Huber 1964). ``delta`` > 0."""
    reduction = _check_reduction(reduction)
    delta = check_number("delta", delta, low=0.0, low_inclusive=False)
    return Huber(reduction, delta)(*_pair(input, target, "huber_loss"))


def smooth_l1_loss(input, target, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1: 0.5 d²/beta where |d| < beta, else |d| - 0.5 beta (PyTorch's
    ``smooth_l1_loss``; Girshick, Fast R-CNN 2015). ``beta`` >= 0 (0 gives the L1 loss)."""
    reduction = _check_reduction(reduction)
    beta = check_number("beta", beta, low=0.0)
    return SmoothL1(reduction, beta)(*_pair(input, target, "smooth_l1_loss"))


def binary_cross_entropy(input, target, weight=None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities in [0, 1] (after a sigmoid):
    -w (t log p + (1 - t) log(1 - p)), each log clamped at -100 as in PyTorch.

    Prefer :func:`binary_cross_entropy_with_logits` on raw scores: it never takes log(0).
    """
    reduction = _check_reduction(reduction)
    p, t = _pair(input, target, "binary_cross_entropy")
    if p.data.min() < 0 or p.data.max() > 1 or np.isnan(p.data).any():
        raise ValueError(f"binary_cross_entropy: all elements of input must be probabilities "
                         f"in [0, 1]; received values from {p.data.min()} to {p.data.max()}. "
                         f"Apply a sigmoid first, or use binary_cross_entropy_with_logits")
    w = _elementwise_weight(weight, p.shape, p.data, "weight", "binary_cross_entropy")
    return BCE(reduction, w)(p, t)


def binary_cross_entropy_with_logits(logits, target, weight=None, reduction: str = "mean",
                                     pos_weight=None) -> Tensor:
    """Binary cross-entropy on raw scores (sigmoid fused in), computed stably for any score.

    ``weight`` multiplies each element's loss; ``pos_weight`` (per class, broadcast over the last
    axis) multiplies the positive term, -pw t log σ(x) - (1 - t) log(1 - σ(x)) (PyTorch's).
    """
    x, t = _pair(logits, target, "binary_cross_entropy_with_logits")
    if weight is None and pos_weight is None and reduction == "mean":
        return BCEWithLogits()(x, t)
    reduction = _check_reduction(reduction)
    w = _elementwise_weight(weight, x.shape, x.data, "weight", "binary_cross_entropy_with_logits")
    pw = _elementwise_weight(pos_weight, x.shape, x.data, "pos_weight",
                             "binary_cross_entropy_with_logits")
    return BCEWithLogitsElementwise(reduction, w, pw)(x, t)


def _labels(t: np.ndarray, n: int, c: int, ignore_index: int, op: str) -> np.ndarray:
    if t.shape[0] != n:
        what = "logits" if op == "cross_entropy" else "the input"
        raise ValueError(f"{op}: target has {t.shape[0]} labels but {what} has {n} rows")
    keep = t != ignore_index
    bad = keep & ((t < 0) | (t >= c))
    if bad.any():
        kept = t[keep]
        raise ValueError(f"{op}: target labels must be in [0, {c - 1}] for {c} classes; "
                         f"received labels from {kept.min()} to {kept.max()}")
    return keep


def cross_entropy(logits, target, weight=None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy (PyTorch's ``cross_entropy``, its arguments and formulas).

    Parameters
    ----------
    logits : Tensor, shape (N, C)
        Unnormalised scores.
    target : array-like
        Integer class labels, shape (N,), each in [0, C) or equal to ``ignore_index``; or
        probability rows (N, C) (any non-negative rows: they need not sum to 1).
    weight : array-like of shape (C,), optional
        A weight per class.
    ignore_index : int, default=-100
        A label whose samples count for nothing (labels only).
    reduction : {'mean', 'sum', 'none'}, default='mean'
        With labels, 'mean' is the weighted mean Σ w[yₙ] lₙ / Σ w[yₙ] over the samples not
        ignored; with probability rows, the sum over rows divided by N.
    label_smoothing : float, default=0.0
        ε in [0, 1]: the target becomes (1 - ε) target + ε / C.
    """
    x = logits if type(logits) is Tensor and logits.data.dtype.kind == "f" else \
        _float_input(logits)
    # the defaults (the training loop's call) need no checking: fit's step stays as fast
    plain = weight is None and reduction == "mean" and label_smoothing == 0.0 and \
        type(label_smoothing) in (float, int) and type(ignore_index) is int
    smoothing = 0.0
    if not plain:
        reduction = _check_reduction(reduction)
        smoothing = check_number("label_smoothing", label_smoothing, low=0.0, high=1.0)
        if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
            raise TypeError(f"ignore_index must be an integer; received ignore_index="
                            f"{ignore_index!r}")
    if x.data.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be 2-D (N, C); received shape {x.shape}")
    n, c = x.data.shape
    if n == 0:
        raise ValueError("cross_entropy: logits is empty (0 rows)")
    w = _class_weight(weight, c, x.data, "cross_entropy")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind in "iub" and t.ndim == 1:
        if plain and t.shape[0] == n:
            # One comparison finds labels < 0 and >= c alike: negative ints become huge
            # unsigned. Any such label (ignored or wrong) takes the general path below.
            big = t.view(np.uint64).max() if t.dtype == np.int64 else \
                t.astype(np.uint64, copy=False).max()
            if big < c:
                return CrossEntropy(t.astype(np.intp, copy=False))(x)
        keep = _labels(t, n, c, ignore_index, "cross_entropy")
        labels = np.where(keep, t, 0).astype(np.intp)
        wc = np.ones(c, x.data.dtype) if w is None else w
        coef = np.zeros((n, c), x.data.dtype)  # A: (1 - ε) w[y] at y, plus ε w / C everywhere
        coef[np.arange(n), labels] = (1.0 - smoothing) * wc[labels]
        coef += smoothing / c * wc
        coef[~keep] = 0.0
        divisor = float((wc[labels] * keep).sum())
        return SoftmaxCrossEntropy(reduction, divisor, coef=coef)(x)
    if t.dtype.kind == "f" and t.ndim == 1:
        raise TypeError("cross_entropy: class labels must be integers; received a float array of "
                        "shape (N,). Convert with y.astype(int), or pass one-hot rows (N, C)")
    target_t = as_tensor(target, like=x)
    if target_t.shape != x.shape:
        raise ValueError(f"cross_entropy: target must be integer labels (N,) or rows (N, C) "
                         f"matching logits {x.shape}; received shape {target_t.shape}")
    if ignore_index != -100:
        raise ValueError(f"cross_entropy: ignore_index applies to class labels only; received "
                         f"ignore_index={ignore_index} with probability targets {target_t.shape}")
    if target_t.dtype != x.dtype:
        target_t = target_t.astype(x.dtype)
    if plain:
        return CrossEntropy(None)(x, target_t)
    return SoftmaxCrossEntropy(reduction, float(n), weight=w, smoothing=smoothing)(x, target_t)


def nll_loss(input, target, weight=None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood on log-probabilities (N, C) (e.g. after ``log_softmax``):
    lₙ = -w[yₙ] input[n, yₙ]; 'mean' is Σ lₙ / Σ w[yₙ] over the samples not ignored
    (PyTorch's ``nll_loss``)."""
    x = input if type(input) is Tensor and input.data.dtype.kind == "f" else _float_input(input)
    reduction = _check_reduction(reduction)
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"ignore_index must be an integer; received ignore_index="
                        f"{ignore_index!r}")
    if x.data.ndim != 2:
        raise ValueError(f"nll_loss: input must be 2-D (N, C); received shape {x.shape}")
    n, c = x.data.shape
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu" or t.ndim != 1:
        raise TypeError(f"nll_loss: target must be integer class labels of shape (N,); "
                        f"received dtype {t.dtype} and shape {t.shape}")
    keep = _labels(t, n, c, ignore_index, "nll_loss")
    labels = np.where(keep, t, 0).astype(np.intp)
    w = _class_weight(weight, c, x.data, "nll_loss")
    w_rows = (np.ones(n, x.data.dtype) if w is None else w[labels]) * keep
    return NLL(labels, keep, w_rows.astype(x.data.dtype), reduction, float(w_rows.sum()))(x)


__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
           "huber_loss", "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss"]
