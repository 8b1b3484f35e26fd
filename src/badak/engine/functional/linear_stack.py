"""A stack of fully connected layers and their activations, written as one call.

``linear_stack(x, [W1, W2], [b1, b2], ["relu", None])`` is ``linear(relu(linear(x, W1, b1)), W2,
b2)``: each layer and each activation is its own graph node, as if written out by hand, so
traces and graph pictures show every layer. (Earlier releases ran the stack as one hand-fused
node with its own backward; the speed it bought now comes from :func:`badak.compile`, which
replays a whole training step.)
"""

from __future__ import annotations

from collections.abc import Sequence

from badak.engine.functional.activations import leaky_relu, relu, sigmoid, tanh
from badak.engine.functional.linear import linear
from badak.engine.tensor import Tensor, as_tensor

_ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh}


def linear_stack(x, weights: Sequence, biases: Sequence, activations: Sequence[str | None],
                 negative_slope: float = 0.01) -> Tensor:
    """Return ``act_k(... act_1(x @ W_1 + b_1) ... @ W_k + b_k)``, one node per layer and
    activation.

    Parameters
    ----------
    x : Tensor, shape (N, in)
    weights : sequence of Tensor
        ``weights[i]`` has shape (in_i, out_i), with ``in_{i+1} == out_i``.
    biases : sequence of Tensor or None
        One per layer, shape (out_i,), or None for a layer without bias.
    activations : sequence of {'relu', 'sigmoid', 'tanh', 'leaky_relu', 'identity', None}
        The activation after each layer (None or 'identity': none).
    negative_slope : float, default=0.01
        The slope of 'leaky_relu' for negative inputs.

    Raises
    ------
    ValueError, TypeError
        For lists of different lengths, shapes that do not chain, mixed dtypes or an unknown
        activation (all checked before anything is computed).

    Examples
    --------
    >>> import numpy as np, badak
    >>> import badak.engine.functional as F
    >>> w1, w2 = badak.tensor(np.ones((2, 3)), requires_grad=True), badak.tensor(np.ones((3, 1)))
    >>> F.linear_stack(badak.tensor([[1.0, -2.0]]), [w1, w2], [None, None], ["relu", None])
    tensor([[0.]])
    """
    weights, biases, activations = list(weights), list(biases), list(activations)
    if not weights:
        raise ValueError("linear_stack: weights must hold at least one weight; received none")
    if not len(weights) == len(biases) == len(activations):
        raise ValueError(f"linear_stack: weights, biases and activations must have one entry per "
                         f"layer; received {len(weights)}, {len(biases)} and {len(activations)}")
    ws = [w if isinstance(w, Tensor) else as_tensor(w) for w in weights]
    x = x if isinstance(x, Tensor) else as_tensor(x, like=ws[0])
    if x.ndim != 2:
        raise ValueError(f"linear_stack: x must be 2-D (N, in); received shape {x.shape}")
    bs, acts = [], []
    width = x.shape[1]
    for i, (w, b, act) in enumerate(zip(ws, biases, activations)):
        if w.ndim != 2 or w.shape[0] != width:
            raise ValueError(f"linear_stack: weights[{i}] must have shape ({width}, out) to take "
                             f"{'x' if i == 0 else f'layer {i - 1}'}'s {width} features; "
                             f"received shape {w.shape}")
        if w.dtype != x.dtype:
            raise TypeError(f"linear_stack: weights[{i}] must have x's dtype {x.dtype}; "
                            f"received {w.dtype}")
        if b is not None:
            b = b if isinstance(b, Tensor) else as_tensor(b, like=w)
            if b.shape != (w.shape[1],) or b.dtype != x.dtype:
                raise ValueError(f"linear_stack: biases[{i}] must have shape ({w.shape[1]},) and "
                                 f"dtype {x.dtype}; received shape {b.shape}, dtype {b.dtype}")
        bs.append(b)
        if act is None or act == "identity":
            acts.append(None)
        elif act == "leaky_relu":
            slope = float(negative_slope)
            acts.append(lambda z, slope=slope: leaky_relu(z, slope))
        elif act in _ACTIVATIONS:
            acts.append(_ACTIVATIONS[act])
        else:
            raise ValueError(f"linear_stack: activations[{i}] must be one of 'relu', 'sigmoid', "
                             f"'tanh', 'leaky_relu', 'identity' or None; received {act!r}")
        width = w.shape[1]
    for w, b, act in zip(ws, bs, acts):
        x = linear(x, w, b)  # (N, in) @ (in, out) + (out,) -> (N, out)
        if act is not None:
            x = act(x)
    return x
