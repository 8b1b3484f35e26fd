"""The fully connected (affine) layer as one fused node: y = x @ W + b.

W has shape (in, out) as in *Deep Learning from Scratch* (the Affine layer), so a batch of rows
x (N, in) maps to (N, out). One node instead of matmul + add halves the graph bookkeeping.
Backward: dx = g @ Wᵀ, dW = xᵀ @ g, db = Σ_N g.
"""

from __future__ import annotations

from badak.autograd import Function
from badak.ops import reshape
from badak.ops._poly import sum_, swap_last
from badak.tensor import Tensor, as_tensor


class Linear(Function):
    def forward(self, x, w, b=None):
        y = x @ w  # (N, in) @ (in, out) -> (N, out)
        if b is not None:
            if b.dtype == y.dtype:
                y += b  # (N, out) + (out,), in place on the fresh product
            else:
                y = y + b
        return y

    def backward(self, gy):
        need = self.needs_input_grad
        x, w = self.input(0), self.input(1)
        gx = gy @ swap_last(w) if need[0] else None  # (N, out) @ (out, in) -> (N, in)
        gw = swap_last(x) @ gy if need[1] else None  # (in, N) @ (N, out) -> (in, out)
        if len(need) == 3:
            gb = sum_(gy, 0) if need[2] else None  # (N, out) -> (out,)
            return gx, gw, gb
        return gx, gw


def linear(x, weight, bias=None) -> Tensor:
    """Return ``x @ weight + bias`` as one node.

    Parameters
    ----------
    x : Tensor, shape (N, in) or (in,) or (..., in)
    weight : Tensor, shape (in, out)
    bias : Tensor, shape (out,), optional
    """
    w = as_tensor(weight)
    x = as_tensor(x, like=w)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (in, out); received shape {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"linear: x has {x.shape[-1] if x.ndim else 0} features on its last "
                         f"axis (shape {x.shape}) but weight expects {w.shape[0]} (weight shape "
                         f"{w.shape})")
    args = [x, w]
    if bias is not None:
        b = as_tensor(bias, like=w)
        if b.shape != (w.shape[1],):
            raise ValueError(f"linear: bias must have shape ({w.shape[1]},) to match weight "
                             f"{w.shape}; received shape {b.shape}")
        args.append(b)
    if x.ndim == 2:
        return Linear()(*args)
    lead = x.shape[:-1]
    args[0] = reshape(x, (-1, w.shape[0]))
    return reshape(Linear()(*args), lead + (w.shape[1],))
