"""A stack of fully connected layers and their activations as one fused node.

An MLP such as 784-256-128-10 is five nodes when each layer is its own node: Linear, ReLU, Linear,
ReLU, Linear. At small batches the graph's bookkeeping for each node (making it, visiting it in
backward, freeing it) costs about as much as its arithmetic, so this node runs the whole stack:
forward is layer after layer, backward walks the layers in reverse inside one node. The arithmetic
is exactly that of the separate nodes, in the same order, so results are identical to the bit:

- Linear, forward ``z = h @ W + b``; backward ``dW = hᵀ @ g``, ``db = Σ_N g``, ``dh = g @ Wᵀ``.
- The activation after it, by its own node's code (:mod:`badak.functional.activations`): the saved
  output of sigmoid and tanh, the leaky-ReLU slope. ReLU, the common case, is written out here
  (its mask, then ``max(z, 0)`` and, in backward, the product with the mask, in place on arrays
  the node made itself: the same numbers without the copies).

:class:`badak.nn.Sequential` uses it for runs of ``Linear`` and ``ReLU``/``Sigmoid``/``Tanh``/
``LeakyReLU``/``Identity`` layers (see :mod:`badak.nn.fusion`). Traces and graph pictures
(:mod:`badak.explain`, :mod:`badak.viz`) still show every layer as its own step, from what the node
saves in ``forward``; ``model.fuse = False`` makes them real nodes. Recorded backward passes
(``create_graph=True``) rebuild the stack from the separate nodes, so higher derivatives work too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from badak.autograd import Function
from badak.backend import xp
from badak.functional.activations import LeakyReLU, ReLU, Sigmoid, Tanh
from badak.functional.linear import Linear
from badak.tensor import Tensor, as_tensor

ActivationMaker = Callable[[], Function] | None
"""Makes a fresh activation node (whose ``forward``/``backward`` run on arrays), or None."""

_MAKERS: dict[str, Callable[[], Function]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


class StackLayout:
    """Which layers of a stack have a bias and which activation follows each.

    ``has_bias[i]``: whether layer i has a bias; ``makers[i]``: makes its activation node (None
    for none); ``starts[i]``: the index of layer i's weight among the node's inputs
    ``x, W1, [b1], W2, [b2], ...``. Made once and shared by the nodes of every step.
    """

    __slots__ = ("has_bias", "makers", "starts")

    def __init__(self, has_bias: Sequence[bool], makers: Sequence[ActivationMaker]):
        self.has_bias = tuple(has_bias)
        self.makers = tuple(makers)
        starts, i = [], 1
        for b in self.has_bias:
            starts.append(i)
            i += 2 if b else 1
        self.starts = tuple(starts)

    def __repr__(self) -> str:
        return f"StackLayout(has_bias={self.has_bias}, makers={self.makers})"


class LinearStack(Function):
    """Linear layers, each followed by an optional elementwise activation, as one node.

    Inputs: ``x, W1, [b1], W2, [b2], ...`` as described by ``layout``.
    """

    __slots__ = ("layout",)  # kept after backward frees the node: it names the node

    def __init__(self, layout: StackLayout):
        self.layout = layout

    @property
    def name(self) -> str:
        parts = []
        for make in self.layout.makers:
            parts.append("Linear")
            if make is not None:
                parts.append(type(make()).__name__)
        return "+".join(parts)

    def forward(self, x, *params):
        hs, acts = [], []  # the input of each layer; its activation node, ReLU's mask or None
        h, i = x, 0
        for has_bias, make in zip(self.layout.has_bias, self.layout.makers):
            hs.append(h)
            w = params[i]
            h = xp.dot(h, w)  # (N, in) @ (in, out) -> (N, out)
            if has_bias:
                h += params[i + 1]  # (N, out) + (out,), in place on the fresh product
                i += 2
            else:
                i += 1
            if make is None:
                acts.append(None)
                continue
            if make is ReLU:  # ReLU's node, written in place on the fresh pre-activation
                mask = h > 0
                acts.append(mask)
                xp.maximum(h, 0, out=h)
                continue
            act = make()
            h = act.forward(h)  # (N, out) -> (N, out)
            act.y = h  # what output() returns to sigmoid's and tanh's backward
            acts.append(act)
        self.hs, self.acts = hs, acts
        return h

    def backward(self, gy):
        if self.create_graph:
            return self._recorded_backward(gy)
        need = self.needs_input_grad
        grads = [None] * len(need)
        lowest = need.index(True)  # no gradient is needed below this input
        inputs, hs, acts = self.inputs, self.hs, self.acts
        has_bias, starts = self.layout.has_bias, self.layout.starts
        g = gy  # (N, out) of the current layer
        for layer in range(len(acts) - 1, -1, -1):
            act = acts[layer]
            if act is None:
                pass
            elif isinstance(act, Function):
                g = act.backward(g)  # (N, out): the upstream gradient times the local one
            elif g is gy:
                g = g * act  # (N, out) * ReLU's mask (N, out)
            else:
                xp.multiply(g, act, out=g)  # the same, in place on our own array
            i = starts[layer]
            if need[i]:
                grads[i] = xp.dot(hs[layer].T, g)  # (in, N) @ (N, out) -> (in, out)
            if has_bias[layer] and need[i + 1]:
                grads[i + 1] = g.sum(0)  # (N, out) -> (out,)
            if lowest >= i:  # nothing below this layer needs a gradient
                break
            g = xp.dot(g, inputs[i].data.T)  # (N, out) @ (out, in) -> (N, in)
            if i == 1:
                grads[0] = g
        return tuple(grads)

    def _recorded_backward(self, gy):
        # Rebuild the stack from the separate nodes (recording, as grad mode is on here) and run
        # their own recorded backward in reverse: exact, and differentiable again.
        inputs, layout = self.inputs, self.layout
        starts = layout.starts
        nodes = []
        h = inputs[0]
        for layer, make in enumerate(layout.makers):
            i = starts[layer]
            args = (h, inputs[i], inputs[i + 1]) if layout.has_bias[layer] else (h, inputs[i])
            h = Linear()(*args)
            lin = h.creator
            act = None
            if make is not None:
                act = make()
                h = act(h)
                act = h.creator
            nodes.append((lin, act))
        grads = [None] * len(inputs)
        g = gy
        for layer in range(len(nodes) - 1, -1, -1):
            lin, act = nodes[layer]
            if act is not None:
                act.create_graph = True
                g = act.backward(g)
            if lin is None:  # nothing needed a gradient: the node was not recorded
                break
            lin.create_graph = True
            gs = lin.backward(g)
            i = starts[layer]
            grads[i] = gs[1]
            if layout.has_bias[layer]:
                grads[i + 1] = gs[2]
            g = gs[0]
            if g is None:
                break
        grads[0] = g if self.needs_input_grad[0] else None
        return tuple(grads)


def linear_stack(x, weights: Sequence, biases: Sequence, activations: Sequence[str | None],
                 negative_slope: float = 0.01) -> Tensor:
    """Return ``act_k(... act_1(x @ W_1 + b_1) ... @ W_k + b_k)`` as one graph node.

    The same values and gradients as the separate :func:`~badak.functional.linear` and activation
    nodes (to the bit), with a fraction of the graph's bookkeeping.

    Parameters
    ----------
    x : Tensor, shape (N, in)
    weights : sequence of Tensor
        ``weights[i]`` has shape (in_i, out_i), with ``in_{i+1} == out_i``.
    biases : sequence of Tensor or None
        One per layer, shape (out_i,), or None for a layer without bias.
    activations : sequence of {'relu', 'sigmoid', 'tanh', 'leaky_relu', None}
        The activation after each layer (None: none).
    negative_slope : float, default=0.01
        The slope of 'leaky_relu' for negative inputs.

    Examples
    --------
    >>> import numpy as np, badak
    >>> import badak.functional as F
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
    makers: list[ActivationMaker] = []
    args = [x]
    width = x.shape[1]
    for i, (w, b, act) in enumerate(zip(ws, biases, activations)):
        if w.ndim != 2 or w.shape[0] != width:
            raise ValueError(f"linear_stack: weights[{i}] must have shape ({width}, out) to take "
                             f"{'x' if i == 0 else f'layer {i - 1}'}'s {width} features; "
                             f"received shape {w.shape}")
        if w.dtype != x.dtype:
            raise TypeError(f"linear_stack: weights[{i}] must have x's dtype {x.dtype}; "
                            f"received {w.dtype}")
        args.append(w)
        if b is not None:
            b = b if isinstance(b, Tensor) else as_tensor(b, like=w)
            if b.shape != (w.shape[1],) or b.dtype != x.dtype:
                raise ValueError(f"linear_stack: biases[{i}] must have shape ({w.shape[1]},) and "
                                 f"dtype {x.dtype}; received shape {b.shape}, dtype {b.dtype}")
            args.append(b)
        if act is None or act == "identity":
            makers.append(None)
        elif act == "leaky_relu":
            slope = float(negative_slope)
            makers.append(lambda slope=slope: LeakyReLU(slope))
        elif act in _MAKERS:
            makers.append(_MAKERS[act])
        else:
            raise ValueError(f"linear_stack: activations[{i}] must be one of 'relu', 'sigmoid', "
                             f"'tanh', 'leaky_relu', 'identity' or None; received {act!r}")
        width = w.shape[1]
    return LinearStack(StackLayout([b is not None for b in biases], makers))(*args)
