"""Activation functions as modules, and the table of them by name.

Each module wraps one function of :mod:`badak.functional` (where the formulas and local gradients
are written out), so that an activation can sit in a :class:`~badak.nn.Sequential` and be named
in an :class:`~badak.nn.MLP`: step, sigmoid, tanh, ReLU, leaky ReLU, PReLU (a learnable slope, He
et al. 2015), ELU, Maxout (a layer of its own, :mod:`badak.nn.maxout`), softmax and identity.
Sources: Saito, *Deep Learning from Scratch* ch. 3 and 5.
"""

from __future__ import annotations

import numbers

import numpy as np

import badak.engine.functional as F
from badak._validation import check_number, check_positive_int
from badak.engine.tensor import Tensor, tensor
from badak.nn.maxout import Maxout
from badak.nn.module import Module
from badak.nn.parameter import Parameter
from badak.nn.registry import config_int, register_module


@register_module
class Step(Module):
    """Heaviside step: 1 where x > 0, else 0 (the perceptron's activation; no gradient flows)."""

    def forward(self, x) -> Tensor:
        return F.step(x)


@register_module
class Sigmoid(Module):
    """σ(x) = 1 / (1 + e⁻ˣ), σ' = σ(1 - σ)."""

    def forward(self, x) -> Tensor:
        return F.sigmoid(x)


@register_module
class Tanh(Module):
    """tanh x, with derivative 1 - tanh² x."""

    def forward(self, x) -> Tensor:
        return F.tanh(x)


@register_module
class ReLU(Module):
    """max(0, x): gradient 1 where x > 0, else 0."""

    def forward(self, x) -> Tensor:
        return F.relu(x)


@register_module
class LeakyReLU(Module):
    """x for x > 0, ``negative_slope``·x otherwise.

    Parameters
    ----------
    negative_slope : float, default=0.01
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_number("negative_slope", negative_slope)

    def forward(self, x) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"

    def get_config(self) -> dict:
        return {"negative_slope": self.negative_slope}


@register_module
class PReLU(Module):
    """Parametric ReLU: x for x > 0, a·x otherwise, with the slope a learned.

    Parameters
    ----------
    num_parameters : int, default=1
        1 (one slope shared by all features) or the number of features (axis 1).
    init : float, default=0.25
        The initial slope (He et al. 2015).

    Attributes
    ----------
    weight : Parameter, shape (num_parameters,)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        self.num_parameters = check_positive_int("num_parameters", num_parameters)
        self.init = check_number("init", init)
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=np.float32))

    def reset_parameters(self, rng=None) -> None:
        """Set every slope back to ``init`` (``rng`` is accepted for symmetry and unused)."""
        self.weight.data = np.full(self.num_parameters, self.init, dtype=self.weight.dtype)

    def forward(self, x) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}, init={self.init}"

    @classmethod
    def parameter_count(cls, config) -> int:
        """Parameter values a config builds, read without building (see the registry)."""
        return config_int(config, "num_parameters", 1)

    def get_config(self) -> dict:
        return {"num_parameters": self.num_parameters, "init": self.init}


@register_module
class ELU(Module):
    """x for x > 0, α(eˣ - 1) otherwise.

    Parameters
    ----------
    alpha : float >= 0, default=1.0
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_number("alpha", alpha, low=0.0)

    def forward(self, x) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"

    def get_config(self) -> dict:
        return {"alpha": self.alpha}


@register_module
class Softmax(Module):
    """Softmax along ``dim`` (or ``axis``; default -1): e^(xᵢ) / Σⱼ e^(xⱼ), rows of
    probabilities. ``Softmax(dim=1)`` as in PyTorch.

    For training a classifier use raw scores with :class:`~badak.nn.CrossEntropyLoss`, which
    applies the softmax itself.
    """

    def __init__(self, dim: int | None = None, axis: int | None = None) -> None:
        # ``dim`` is PyTorch's name, ``axis`` NumPy's (and badak's first); either, default -1
        super().__init__()
        if dim is not None and axis is not None and dim != axis:
            raise ValueError(f"give dim or axis, not both; received dim={dim!r}, axis={axis!r}")
        axis = dim if dim is not None else (-1 if axis is None else axis)
        name = "dim" if dim is not None else "axis"
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"{name} must be an integer; received {name}={axis!r} "
                            f"(type {type(axis).__name__})")
        self.axis = int(axis)

    @property
    def dim(self) -> int:
        """The axis of the softmax (PyTorch's name for :attr:`axis`)."""
        return self.axis

    def forward(self, x) -> Tensor:
        return F.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"

    def get_config(self) -> dict:
        return {"axis": self.axis}


@register_module
class Identity(Module):
    """Returns its input unchanged (the 'linear' activation of a regression output)."""

    def forward(self, x) -> Tensor:
        return x if isinstance(x, Tensor) else tensor(x)


ACTIVATIONS: dict[str, type[Module]] = {
    "step": Step,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "prelu": PReLU,
    "elu": ELU,
    "maxout": Maxout,
    "softmax": Softmax,
    "identity": Identity,
}
"""Activation module classes by name."""


def get_activation(name, **kwargs) -> Module:
    """Return a new activation module.

    Parameters
    ----------
    name : str, Module subclass or Module
        A key of :data:`ACTIVATIONS` (``'relu'``, ``'tanh'``, ...), a module class (instantiated
        with ``kwargs``) or a module (returned as is).
    **kwargs
        Constructor arguments, e.g. ``negative_slope=0.2``; ``'maxout'`` needs
        ``in_features`` and ``out_features``.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if isinstance(name, Module):
        return name
    if isinstance(name, type) and issubclass(name, Module):
        return name(**kwargs)
    if not isinstance(name, str) or name not in ACTIVATIONS:
        listed = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"activation must be one of {{{listed}}}; received activation={name!r}")
    if name == "maxout" and not {"in_features", "out_features"} <= set(kwargs):
        raise ValueError("activation 'maxout' is a layer with weights: pass in_features and "
                         "out_features, e.g. get_activation('maxout', in_features=64, "
                         "out_features=32)")
    return ACTIVATIONS[name](**kwargs)
