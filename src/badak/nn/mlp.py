"""MLP: a multi-layer perceptron built from a list of layer sizes.

``MLP([13, 64, 64, 1])`` is the Boston housing network of the lecture (Keras:
``Dense(64, relu), Dense(64, relu), Dense(1)``): a Linear layer between each pair of sizes, the
activation after every hidden layer, optional dropout after each hidden activation, and an
optional output activation. The result is an ordinary :class:`~badak.nn.Sequential`, so it prints,
trains and saves like any other model.

The default initialisation follows the activation (Saito §6.2): He for the ReLU family (relu,
leaky_relu, prelu, elu, maxout), Xavier otherwise (sigmoid, tanh, ...).
"""

from __future__ import annotations

from collections.abc import Sequence

from badak._validation import check_number, check_positive_int
from badak.engine.random import as_generator
from badak.nn.activation import ACTIVATIONS
from badak.nn.container import Sequential
from badak.nn.dropout import Dropout
from badak.nn.init import check_init
from badak.nn.linear import Linear
from badak.nn.maxout import Maxout
from badak.nn.module import Module
from badak.nn.registry import MODULES, config_int, register_module

RELU_LIKE = ("relu", "leaky_relu", "prelu", "elu", "maxout")
"""Activations whose MLP layers default to He initialisation (the rest default to Xavier)."""


def _resolve_activation(value, argname: str) -> tuple[str, type[Module]]:
    """Return (name for the config, module class) for an activation name or class."""
    if isinstance(value, str):
        if value in ACTIVATIONS:
            return value, ACTIVATIONS[value]
        if value in MODULES:  # a registered class name, e.g. a custom activation
            return value, MODULES[value]
        listed = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"{argname} must be one of {{{listed}}} or a Module class; received "
                         f"{argname}={value!r}")
    if isinstance(value, type) and issubclass(value, Module):
        for name, cls in ACTIVATIONS.items():
            if cls is value:
                return name, cls
        return value.__name__, value
    if isinstance(value, Module):
        raise TypeError(f"{argname} must be a name or a Module class, not an instance: an MLP "
                        f"makes a new activation for each layer; received {argname}={value!r}")
    raise TypeError(f"{argname} must be a name (one of {list(ACTIVATIONS)}) or a Module class; "
                    f"received {argname}={value!r} (type {type(value).__name__})")


def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer sizes such as [13, 64, 64, 1]; received "
                        f"sizes={sizes!r} (type {type(sizes).__name__})")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two sizes (inputs and outputs), such as "
                         f"[13, 64, 1]; received sizes={list(sizes)!r}")
    return [check_positive_int(f"sizes[{i}]", n) for i, n in enumerate(sizes)]


@register_module
class MLP(Sequential):
    """A fully connected network: Linear layers of the given sizes with activations between.

    Parameters
    ----------
    sizes : list of int
        Input size, hidden sizes, output size, e.g. ``[13, 64, 64, 1]``.
    activation : str or Module class, default='relu'
        The hidden activation, a key of :data:`badak.nn.ACTIVATIONS`. With ``'maxout'`` each
        hidden layer is a :class:`~badak.nn.Maxout` layer (2 pieces); with ``'prelu'`` each hidden
        layer gets its own learnable slope.
    output_activation : str or Module class, optional
        Applied after the last layer (None: raw outputs, what the losses expect).
    dropout : float in [0, 1), default=0.0
        If positive, a :class:`~badak.nn.Dropout` follows each hidden activation.
    init : {'he', 'xavier', 'normal', 'glorot_uniform'}, optional
        Weight initialisation of every layer; by default 'he' for the ReLU family and 'xavier'
        otherwise.
    rng : None, int or numpy.random.Generator
        Source of the initial weights and of the dropout masks. The same seed gives the same
        weights.

    Examples
    --------
    >>> import badak
    >>> model = badak.nn.MLP([13, 64, 64, 1], rng=0)
    >>> [type(m).__name__ for m in model]
    ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
    """

    def __init__(self, sizes: Sequence[int], activation="relu", output_activation=None,
                 dropout: float = 0.0, init: str | None = None, rng=None) -> None:
        super().__init__()
        sizes = _check_sizes(sizes)
        act_name, act_cls = _resolve_activation(activation, "activation")
        out_name, out_cls = (None, None) if output_activation is None else \
            _resolve_activation(output_activation, "output_activation")
        if out_cls is Maxout:
            raise ValueError("output_activation must not be 'maxout' (it is a layer with its "
                             "own size); use activation='maxout' for the hidden layers")
        p = check_number("dropout", dropout, low=0.0, high=1.0, high_inclusive=False)
        if init is None:
            init = "he" if act_name in RELU_LIKE else "xavier"
        init = check_init(init)
        gen = as_generator(rng)

        self.sizes = sizes
        self.activation = act_name
        self.output_activation = out_name
        self.dropout = p
        self.init = init
        self.in_features = sizes[0]
        self.out_features = sizes[-1]

        n_layers = len(sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            if i == n_layers - 1:  # the output layer
                Sequential.append(self, Linear(n_in, n_out, init=init, rng=gen))
                if out_cls is not None:
                    Sequential.append(self, out_cls())
                continue
            if act_cls is Maxout:
                Sequential.append(self, Maxout(n_in, n_out, pieces=2, init=init, rng=gen))
            else:
                Sequential.append(self, Linear(n_in, n_out, init=init, rng=gen))
                Sequential.append(self, act_cls())
            if p > 0:
                Sequential.append(self, Dropout(p, rng=None if rng is None else gen))

    def append(self, layer: Module) -> Sequential:
        raise TypeError("an MLP's layers are fixed by its sizes; to add a layer build "
                        "Sequential(mlp, layer) instead")

    @classmethod
    def parameter_count(cls, config) -> int:
        """Parameter values a config builds, read without building (see the registry): each
        layer's weights and biases (two pieces for Maxout), one slope per hidden PReLU."""
        sizes = config.get("sizes")
        sizes = [config_int({"n": n}, "n") for n in sizes] if isinstance(sizes, list) else []
        pieces = 2 if config.get("activation") == "maxout" else 1
        total = sum((a + 1) * b * pieces for a, b in zip(sizes[:-1], sizes[1:]))
        return total + (len(sizes) - 2 if config.get("activation") == "prelu" else 0)

    def get_config(self) -> dict:
        return {"sizes": list(self.sizes), "activation": self.activation,
                "output_activation": self.output_activation, "dropout": self.dropout,
                "init": self.init}

    @classmethod
    def from_config(cls, config) -> MLP:
        # Constructor arguments, not a list of layers: skip Sequential's version.
        return super(Sequential, cls).from_config(config)
