"""Sequential: layers applied one after another, output of each the input of the next.

The model of a feed-forward network: ``Sequential(Linear(13, 64), ReLU(), Linear(64, 1))``.
Its layers are registered under the names '0', '1', ..., so parameters are named '0.weight' and
the model prints as a numbered list (PyTorch's ``nn.Sequential``).
"""

from __future__ import annotations

from collections.abc import Iterator

from badak.nn import fusion
from badak.nn.module import Module
from badak.nn.registry import module_from_config, module_to_config, register_module


@register_module
class Sequential(Module):
    """A chain of modules: ``forward(x) = layers[-1](... layers[1](layers[0](x)))``.

    Parameters
    ----------
    *layers : Module
        The layers, in order. More can be added with :meth:`append`.

    Attributes
    ----------
    fuse : bool, default=True
        Run each stretch of ``Linear`` layers and their ``ReLU``/``Sigmoid``/``Tanh``/
        ``LeakyReLU``/``Identity`` activations as one graph node (see :mod:`badak.nn.fusion`):
        the same numbers, less bookkeeping per step. Set ``model.fuse = False`` to see each layer
        as its own node in :func:`badak.explain.trace` and :func:`badak.viz.draw_graph`.

    Examples
    --------
    >>> import badak.nn as nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=0))
    >>> len(model), type(model[1]).__name__
    (3, 'ReLU')
    """

    fuse = True

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for layer in layers:
            self.append(layer)

    def __setattr__(self, name: str, value) -> None:
        super().__setattr__(name, value)
        self.__dict__["_plan"] = None  # the layers may have changed: plan the fusion again

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        self.__dict__["_plan"] = None

    def append(self, layer: Module) -> Sequential:
        """Add ``layer`` at the end; returns ``self``."""
        if not isinstance(layer, Module):
            raise TypeError(f"layer {len(self._modules)} must be a badak.nn.Module; received "
                            f"{type(layer).__name__} {layer!r}")
        setattr(self, str(len(self._modules)), layer)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __getitem__(self, index):
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int or a slice; received {type(index).__name__}")
        if not -len(layers) <= index < len(layers):
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of "
                             f"{len(layers)} layers")
        return layers[index]

    def forward(self, x):
        if not self.fuse:
            for layer in self._modules.values():
                x = layer(x)
            return x
        steps = self.__dict__.get("_plan")
        if steps is None:
            steps = self.__dict__["_plan"] = fusion.plan(list(self._modules.values()))
        for step in steps:
            x = step(x)
        return x

    def get_config(self) -> dict:
        return {"layers": [module_to_config(layer) for layer in self._modules.values()]}

    @classmethod
    def from_config(cls, config) -> Sequential:
        if not isinstance(config, dict) or set(config) != {"layers"} or \
                not isinstance(config["layers"], list):
            raise ValueError(f"config for {cls.__name__} must be {{'layers': [layer configs]}}; "
                             f"received {config!r}")
        return cls(*[module_from_config(c) for c in config["layers"]])
