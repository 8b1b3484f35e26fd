"""Which layers of a Sequential run as one fused node, and how that run is called.

A run is a stretch of ``Linear`` layers, each followed by at most one elementwise activation
(``ReLU``, ``Sigmoid``, ``Tanh``, ``LeakyReLU`` or ``Identity``), whose sizes chain. A run of two
or more modules becomes one :class:`~badak.functional.linear_stack.LinearStack` node, with the
same arithmetic as the separate nodes (identical results) and a fraction of their bookkeeping:
the lecture's Boston MLP ``Linear, ReLU, Linear, ReLU, Linear`` is one node instead of five.

Only the exact classes are fused: a subclass may override ``forward``, so it runs as itself.
Anything else (dropout, softmax, PReLU, maxout, a nested model) runs as its own module, and a run
falls back to its modules one by one whenever the fused node cannot take the input as it is
(a batch that is not 2-D, parameters of different dtypes, a weight replaced by one of another
shape), so the layers' own checks and messages apply.
"""

from __future__ import annotations

from functools import partial

from badak.functional.activations import LeakyReLU as LeakyReLUNode
from badak.functional.activations import ReLU as ReLUNode
from badak.functional.activations import Sigmoid as SigmoidNode
from badak.functional.activations import Tanh as TanhNode
from badak.functional.linear_stack import LinearStack, StackLayout
from badak.nn.activation import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from badak.nn.linear import Linear, as_layer_input
from badak.nn.module import Module
from badak.tensor import Tensor

_NODES = {ReLU: ReLUNode, Sigmoid: SigmoidNode, Tanh: TanhNode, Identity: None}


class FusedRun:
    """Calls a run of Linear layers and their activations as one ``LinearStack`` node."""

    __slots__ = ("modules", "linears", "activations", "shapes", "layout", "_key")

    def __init__(self, linears: list[Linear], activations: list[Module | None]):
        self.linears = linears
        self.activations = activations
        self.modules = [m for pair in zip(linears, activations) for m in pair if m is not None]
        self.shapes = [((lin.in_features, lin.out_features), (lin.out_features,))
                       for lin in linears]
        self.layout: StackLayout | None = None
        self._key: list | None = None

    def __call__(self, x):
        first = self.linears[0]
        dtype = first.weight.data.dtype
        if type(x) is not Tensor or x.data.dtype != dtype:
            x = as_layer_input(x, dtype, first.in_features, first)
        if x.data.ndim != 2 or x.data.shape[1] != first.in_features:
            return self.unfused(x)
        args = [x]
        key = []  # what the layout depends on: which layers have a bias, the leaky slopes
        for lin, act, (w_shape, b_shape) in zip(self.linears, self.activations, self.shapes):
            w, b = lin.weight, lin.bias
            wd = w.data
            if wd.dtype != dtype or wd.shape != w_shape:
                return self.unfused(x)
            args.append(w)
            if b is None:
                key.append(None)
            else:
                bd = b.data
                if bd.dtype != dtype or bd.shape != b_shape:
                    return self.unfused(x)
                args.append(b)
                key.append(True)
            if type(act) is LeakyReLU:
                key.append(act.negative_slope)
        if key != self._key:
            self._key, self.layout = key, self._layout()
        return LinearStack(self.layout)(*args)  # (N, in) -> (N, out)

    def _layout(self) -> StackLayout:
        makers = []
        for act in self.activations:
            if act is None:
                makers.append(None)
            elif type(act) is LeakyReLU:
                makers.append(partial(LeakyReLUNode, act.negative_slope))
            else:
                makers.append(_NODES[type(act)])
        return StackLayout([lin.bias is not None for lin in self.linears], makers)

    def unfused(self, x):
        for m in self.modules:
            x = m(x)
        return x


def plan(layers: list[Module]) -> list:
    """Return the calls that run ``layers`` in order: modules, and FusedRuns for runs of them."""
    steps: list = []
    i, n = 0, len(layers)
    while i < n:
        linears: list[Linear] = []
        activations: list[Module | None] = []
        j = i
        while j < n and type(layers[j]) is Linear and \
                (not linears or layers[j].in_features == linears[-1].out_features):
            linears.append(layers[j])
            j += 1
            act = None
            if j < n and (type(layers[j]) in _NODES or type(layers[j]) is LeakyReLU):
                act = layers[j]
                j += 1
            activations.append(act)
        if j - i >= 2:
            steps.append(FusedRun(linears, activations))
            i = j
        else:
            steps.append(layers[i])
            i += 1
    return steps
