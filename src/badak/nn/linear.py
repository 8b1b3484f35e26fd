"""Linear: the fully connected (affine) layer y = x W + b.

W has shape (in_features, out_features), as in the Affine layer of *Deep Learning from Scratch*
(§5.6), so a batch of rows x (N, in) maps to (N, out) with one matrix product. The weights are
drawn by an initialiser from :mod:`badak.nn.init` (He by default), the bias starts at zero.
``reset_parameters`` draws them again, apart from ``__init__``, as in PyTorch's
``torch/nn/modules/linear.py``.
"""

from __future__ import annotations

import numpy as np

import badak.engine.functional as F
from badak._validation import check_bool, check_positive_int
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor, tensor
from badak.nn.init import check_init, initialize
from badak.nn.module import Module
from badak.nn.parameter import Parameter
from badak.nn.registry import config_int, register_module


def as_layer_input(x, dtype: np.dtype, in_features: int, layer: Module) -> Tensor:
    """Return ``x`` as a Tensor of the layer's ``dtype``, checking the feature axis.

    Arrays and lists are converted (a float64 NumPy batch fed to a float32 layer becomes
    float32); a Tensor of another dtype is cast with a differentiable ``astype``.
    """
    if not isinstance(x, Tensor):
        x = tensor(x)
    if x.dtype != dtype:
        x = x.astype(dtype)
    if x.ndim == 0 or x.shape[-1] != in_features:
        name = f"{type(layer).__name__}({layer.in_features} -> {layer.out_features})"
        raise ValueError(f"{name} expects inputs with {in_features} features on the last axis; "
                         f"received shape {x.shape}")
    return x


@register_module
class Linear(Module):
    """Fully connected layer: ``y = x @ weight + bias``.

    Parameters
    ----------
    in_features : int
        Size of each input row.
    out_features : int
        Size of each output row.
    bias : bool, default=True
        Learn an additive bias b (out_features,).
    init : {'he', 'xavier', 'normal', 'glorot_uniform'}, default='he'
        How the weights are drawn (see :mod:`badak.nn.init`).
    rng : None, int or numpy.random.Generator
        Source of the initial weights (badak's default generator when None).

    Attributes
    ----------
    weight : Parameter, shape (in_features, out_features)
    bias : Parameter, shape (out_features,), or None

    Examples
    --------
    >>> import badak
    >>> layer = badak.nn.Linear(13, 64, rng=0)
    >>> layer(badak.tensor([[0.0] * 13])).shape
    (1, 64)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str = "he", rng=None) -> None:
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        use_bias = check_bool("bias", bias)
        self.init = check_init(init)
        self.weight = Parameter(np.zeros((self.in_features, self.out_features), np.float32))
        if use_bias:
            self.bias = Parameter(np.zeros(self.out_features, np.float32))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(as_generator(rng))

    def reset_parameters(self, rng=None) -> None:
        """Draw new weights with the layer's initialiser and set the bias to zero."""
        w = initialize(self.init, (self.in_features, self.out_features), as_generator(rng))
        self.weight.data = w.astype(self.weight.dtype)
        if self.bias is not None:
            self.bias.data = np.zeros(self.out_features, dtype=self.bias.dtype)

    def forward(self, x) -> Tensor:
        x = as_layer_input(x, self.weight.data.dtype, self.in_features, self)
        return F.linear(x, self.weight, self.bias)  # (N, in) @ (in, out) + (out,) -> (N, out)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, init={self.init!r}")

    @classmethod
    def parameter_count(cls, config) -> int:
        """Parameter values a config builds, read without building (see the registry)."""
        n_in, n_out = config_int(config, "in_features"), config_int(config, "out_features")
        return n_in * n_out + (n_out if config.get("bias", True) else 0)

    def get_config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "bias": self.bias is not None, "init": self.init}
