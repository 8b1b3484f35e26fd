"""Maxout (Goodfellow et al. 2013): a linear layer whose units come in groups, each group giving
its maximum.

Maxout(in, out, pieces=k) computes z = x W + b with W (in, out·k), then yᵢ = max(z_{ik}, ...,
z_{ik+k-1}). A maximum of k linear functions is a convex piecewise-linear function, so the layer
learns its own activation (ReLU is the maximum of x and 0, the case k = 2 with one piece fixed
at zero). It has k times the weights of a Linear layer of the same size.
"""

from __future__ import annotations

import numpy as np

import badak.engine.functional as F
from badak._validation import check_positive_int
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor
from badak.nn.init import check_init, initialize
from badak.nn.linear import as_layer_input
from badak.nn.module import Module
from badak.nn.parameter import Parameter
from badak.nn.registry import config_int, register_module


@register_module
class Maxout(Module):
    """Maxout layer: a linear map to ``out_features * pieces`` units, then the max of each group.

    Parameters
    ----------
    in_features, out_features : int
        Input and output sizes.
    pieces : int, default=2
        Linear pieces per output unit.
    init : {'he', 'xavier', 'normal', 'glorot_uniform'}, default='he'
    rng : None, int or numpy.random.Generator

    Attributes
    ----------
    weight : Parameter, shape (in_features, out_features * pieces)
    bias : Parameter, shape (out_features * pieces,)
    """

    def __init__(self, in_features: int, out_features: int, pieces: int = 2, init: str = "he",
                 rng=None) -> None:
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        self.pieces = check_positive_int("pieces", pieces)
        self.init = check_init(init)
        width = self.out_features * self.pieces
        self.weight = Parameter(np.zeros((self.in_features, width), np.float32))
        self.bias = Parameter(np.zeros(width, np.float32))
        self.reset_parameters(as_generator(rng))

    def reset_parameters(self, rng=None) -> None:
        """Draw new weights with the layer's initialiser and set the bias to zero."""
        shape = (self.in_features, self.out_features * self.pieces)
        self.weight.data = initialize(self.init, shape, as_generator(rng)).astype(self.weight.dtype)
        self.bias.data = np.zeros(shape[1], dtype=self.bias.dtype)

    def forward(self, x) -> Tensor:
        x = as_layer_input(x, self.weight.data.dtype, self.in_features, self)
        z = F.linear(x, self.weight, self.bias)  # (N, in) @ (in, out*k) -> (N, out*k)
        return F.maxout(z, self.pieces)  # (N, out*k) -> (N, out)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}, init={self.init!r}")

    @classmethod
    def parameter_count(cls, config) -> int:
        """Parameter values a config builds, read without building (see the registry)."""
        width = config_int(config, "out_features") * config_int(config, "pieces", 2)
        return (config_int(config, "in_features") + 1) * width

    def get_config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "pieces": self.pieces, "init": self.init}
