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
from operator import is_

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

    __slots__ = ("modules", "linears", "activations", "shapes", "layout", "_key", "_slopes")

    def __init__(self, linears: list[Linear], activations: list[Module | None]):
        self.linears = linears
        self.activations = activations
        self.modules = [m for pair in zip(linears, activations) for m in pair if m is not None]
        self.shapes = [((lin.in_features, lin.out_features), (lin.out_features,))
                       for lin in linears]
        self.layout: StackLayout | None = None
        self._key: list | None = None  # the parameter arrays the layout was made for
        self._slopes: list[float] = []  # the leaky-ReLU slopes it was made with

    def __call__(self, x):
        first = self.linears[0]
        dtype = first.weight.data.dtype
        if type(x) is not Tensor or x.data.dtype != dtype:
            x = as_layer_input(x, dtype, first.in_features, first)
        if x.data.ndim != 2 or x.data.shape[1] != first.in_features:
            return self.unfused(x)
        params = []
        for lin in self.linears:
            params.append(lin.weight)
            if lin.bias is not None:
                params.append(lin.bias)
        arrays = [p.data for p in params]
        # The parameters (and their arrays) checked last time need no second look.
        if self._key is None or len(arrays) != len(self._key) or \
                not all(map(is_, arrays, self._key)):
            if not self._check(dtype):
                return self.unfused(x)
            self._key, self.layout = arrays, self._layout()
        if self._slopes and self._slopes != self._leaky_slopes():
            self.layout = self._layout()
        return LinearStack(self.layout)(x, *params)  # (N, in) -> (N, out)

    def _check(self, dtype) -> bool:
        """True when every parameter has the dtype and the shape the fused node expects."""
        for lin, (w_shape, b_shape) in zip(self.linears, self.shapes):
            w, b = lin.weight.data, lin.bias
            if w.dtype != dtype or w.shape != w_shape:
                return False
            if b is not None and (b.data.dtype != dtype or b.data.shape != b_shape):
                return False
        return True

    def _layout(self) -> StackLayout:
        makers = []
        for act in self.activations:
            if act is None:
                makers.append(None)
            elif type(act) is LeakyReLU:
                makers.append(partial(LeakyReLUNode, act.negative_slope))
            else:
                makers.append(_NODES[type(act)])
        self._slopes = self._leaky_slopes()
        return StackLayout([lin.bias is not None for lin in self.linears], makers)

    def _leaky_slopes(self) -> list[float]:
        return [act.negative_slope for act in self.activations if type(act) is LeakyReLU]

    def unfused(self, x):
        for m in self.modules:
            x = m(x)
        return x


def _free(m: Module) -> bool:
    """True when ``m`` has no forward hooks: a hooked module must run its own forward."""
    return not (m._forward_hooks or m._forward_pre_hooks)


def plan(layers: list[Module]) -> list:
    """Return the calls that run ``layers`` in order: modules, and FusedRuns for runs of them.

    A module with a forward hook is never fused, so its hooks see its real inputs and output.
    """
    steps: list = []
    i, n = 0, len(layers)
    while i < n:
        linears: list[Linear] = []
        activations: list[Module | None] = []
        j = i
        while j < n and type(layers[j]) is Linear and _free(layers[j]) and \
                (not linears or layers[j].in_features == linears[-1].out_features):
            linears.append(layers[j])
            j += 1
            act = None
            if j < n and (type(layers[j]) in _NODES or type(layers[j]) is LeakyReLU) and \
                    _free(layers[j]):
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
