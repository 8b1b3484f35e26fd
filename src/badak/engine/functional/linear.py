"""The fully connected (affine) layer as one fused node: y = x @ W + b.

W has shape (in, out) as in *Deep Learning from Scratch* (the Affine layer), so a batch of rows
x (N, in) maps to (N, out). One node instead of matmul + add halves the graph bookkeeping.
Backward: dx = g @ Wᵀ, dW = xᵀ @ g, db = Σ_N g.
"""

from __future__ import annotations

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.ops import reshape
from badak.engine.tensor import Tensor, as_tensor


class Linear(Function):
    # Products use xp.dot: for 2-D arrays it is the same product as @, but it hands transposed
    # operands to BLAS without falling back to NumPy's slow loop (x.T @ g with N = 1 is ~10x
    # slower through matmul than through dot; see BENCHMARKS.md).
    def forward(self, x, w, b=None):
        y = xp.dot(x, w)  # (N, in) @ (in, out) -> (N, out)
        if b is not None:
            if b.dtype == y.dtype:
                y += b  # (N, out) + (out,), in place on the fresh product
            else:
                y = y + b
        return y

    def backward(self, gy):
        need = self.needs_input_grad
        xs = self.saved_inputs()  # x, W (and b): arrays, or Tensors under create_graph
        dot = self.prims.dot  # np.dot on arrays (badak.matmul on Tensors)
        gx = dot(gy, xs[1].T) if need[0] else None  # (N, out) @ (out, in) -> (N, in)
        gw = dot(xs[0].T, gy) if need[1] else None  # (in, N) @ (N, out) -> (in, out)
        if len(need) == 2:
            return gx, gw
        return gx, gw, (gy.sum(0) if need[2] else None)  # (N, out) -> (out,)


def linear(x, weight, bias=None) -> Tensor:
    """Return ``x @ weight + bias`` as one node.

    Parameters
    ----------
    x : Tensor, shape (N, in) or (in,) or (..., in)
    weight : Tensor, shape (in, out)
    bias : Tensor, shape (out,), optional
    """
    w = weight if isinstance(weight, Tensor) else as_tensor(weight)
    x = x if isinstance(x, Tensor) else as_tensor(x, like=w)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (in, out); received shape {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"linear: x has {x.shape[-1] if x.ndim else 0} features on its last "
                         f"axis (shape {x.shape}) but weight expects {w.shape[0]} (weight shape "
                         f"{w.shape})")
    args = [x, w]
    if bias is not None:
        b = bias if isinstance(bias, Tensor) else as_tensor(bias, like=w)
        if b.shape != (w.shape[1],):
            raise ValueError(f"linear: bias must have shape ({w.shape[1]},) to match weight "
                             f"{w.shape}; received shape {b.shape}")
        args.append(b)
    if x.ndim == 2:
        return Linear()(*args)
    lead = x.shape[:-1]
    args[0] = reshape(x, (-1, w.shape[0]))
    return reshape(Linear()(*args), lead + (w.shape[1],))
