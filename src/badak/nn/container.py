"""Containers: Sequential (layers applied one after another), ModuleList and ModuleDict.

The model of a feed-forward network: ``Sequential(Linear(13, 64), ReLU(), Linear(64, 1))``.
Its layers are registered under the names '0', '1', ..., so parameters are named '0.weight' and
the model prints as a numbered list; ``Sequential(OrderedDict([("fc", Linear(13, 64)), ...]))``
names them. :class:`ModuleList` and :class:`ModuleDict` hold sub-modules for a model that writes
its own ``forward`` (PyTorch's ``nn.Sequential``, ``nn.ModuleList``, ``nn.ModuleDict``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

from badak.nn.module import Module
from badak.nn.registry import module_from_config, module_to_config, register_module


class _Numbered(Module):
    """What Sequential and ModuleList share: sub-modules numbered '0', '1', ... in order,
    reached by ``len``, iteration and an index or a slice. ``_noun`` names one of them in errors;
    ``_sliced`` builds the container that a slice returns."""

    _noun = "module"

    def _append(self, module: Module):
        if not isinstance(module, Module):
            raise TypeError(f"{self._noun} {len(self._modules)} must be a badak.nn.Module; "
                            f"received {type(module).__name__} {module!r}")
        setattr(self, str(len(self._modules)), module)
        return self

    def _sliced(self, modules: list[Module]) -> Module:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return self._sliced(items[index])
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int or a slice; received {type(index).__name__}")
        if not -len(items) <= index < len(items):
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of "
                             f"{len(items)} {self._noun}s")
        return items[index]


@register_module
class Sequential(_Numbered):
    """A chain of modules: ``forward(x) = layers[-1](... layers[1](layers[0](x)))``.

    Parameters
    ----------
    *layers : Module, or one OrderedDict of name -> Module
        The layers, in order (named '0', '1', ...; or by the dict's names). More can be added
        with :meth:`append`.

    Notes
    -----
    Each layer runs as itself, one graph node per op, so :func:`badak.explain.trace` and
    :func:`badak.viz.draw_graph` show every layer. The ``fuse`` attribute of earlier releases
    (Linear/activation stretches run as one hand-fused node) is gone: assigning it raises
    AttributeError. For speed, wrap the training step in :func:`badak.compile`.

    Examples
    --------
    >>> import badak.nn as nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=0))
    >>> len(model), type(model[1]).__name__
    (3, 'ReLU')
    """

    _noun = "layer"

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                _check_name(name, "layer")
                if not isinstance(layer, Module):
                    raise TypeError(f"layer {name!r} must be a badak.nn.Module; received "
                                    f"{type(layer).__name__} {layer!r}")
                setattr(self, name, layer)
            return
        for layer in layers:
            self.append(layer)

    def __setattr__(self, name: str, value) -> None:
        if name == "fuse":  # removed: an option that silently did nothing would be worse
            raise AttributeError("Sequential.fuse was removed: every layer now runs as its own "
                                 "node; for speed wrap the training step in badak.compile "
                                 "(fit does so by default)")
        super().__setattr__(name, value)

    def append(self, layer: Module) -> Sequential:
        """Add ``layer`` at the end; returns ``self``."""
        return self._append(layer)

    def _sliced(self, layers: list[Module]) -> Sequential:
        return Sequential(*layers)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def get_config(self) -> dict:
        if any(name != str(i) for i, name in enumerate(self._modules)):
            return {"layers": [module_to_config(layer) for layer in self._modules.values()],
                    "names": list(self._modules)}
        return {"layers": [module_to_config(layer) for layer in self._modules.values()]}

    @classmethod
    def from_config(cls, config) -> Sequential:
        if not isinstance(config, dict) or set(config) - {"names"} != {"layers"} or \
                not isinstance(config["layers"], list):
            raise ValueError(f"config for {cls.__name__} must be {{'layers': [layer configs]}}; "
                             f"received {config!r}")
        layers = [module_from_config(c) for c in config["layers"]]
        if "names" in config:
            names = config["names"]
            if not isinstance(names, list) or len(names) != len(layers):
                raise ValueError(f"config 'names' of {cls.__name__} must list one name per "
                                 f"layer; received {names!r}")
            return cls(OrderedDict(zip(names, layers)))
        return cls(*layers)


def _check_name(name, what: str) -> str:
    if not isinstance(name, str) or not name or "." in name:
        raise ValueError(f"{what} names must be non-empty strings without '.'; received "
                         f"{name!r}")
    return name


@register_module
class ModuleList(_Numbered):
    """A list of modules, registered as sub-modules '0', '1', ... (PyTorch's ``ModuleList``).

    Holding layers in a plain Python list would hide them from ``parameters()``, the optimizer
    and ``state_dict``; a ModuleList registers them. It has no ``forward``: the model that owns
    it decides how to call them.

    Parameters
    ----------
    modules : iterable of Module, optional
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns ``self``."""
        return self._append(module)

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns ``self``."""
        if isinstance(modules, Module) or not isinstance(modules, Iterable):
            raise TypeError(f"modules must be an iterable of modules; received "
                            f"{type(modules).__name__}")
        for m in modules:
            self.append(m)
        return self

    def _sliced(self, modules: list[Module]) -> ModuleList:
        return ModuleList(modules)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward: call its modules in your own "
                                  "model's forward (for layer in self.layers: x = layer(x))")

    def get_config(self) -> dict:
        return {"modules": [module_to_config(m) for m in self._modules.values()]}

    @classmethod
    def from_config(cls, config) -> ModuleList:
        if not isinstance(config, dict) or set(config) != {"modules"} or \
                not isinstance(config["modules"], list):
            raise ValueError(f"config for {cls.__name__} must be {{'modules': [module "
                             f"configs]}}; received {config!r}")
        return cls([module_from_config(c) for c in config["modules"]])


@register_module
class ModuleDict(Module):
    """A dict of modules, registered under their keys (PyTorch's ``ModuleDict``); insertion
    order is kept.

    Parameters
    ----------
    modules : mapping of str to Module, optional
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def update(self, modules: Mapping[str, Module]) -> None:
        """Add (or replace) the modules of ``modules`` under their keys."""
        if not isinstance(modules, Mapping):
            raise TypeError(f"modules must be a mapping of names to modules; received "
                            f"{type(modules).__name__}")
        for name, m in modules.items():
            self[name] = m

    def __setitem__(self, name: str, module: Module) -> None:
        _check_name(name, "module")
        if not isinstance(module, Module):
            raise TypeError(f"module {name!r} must be a badak.nn.Module; received "
                            f"{type(module).__name__}")
        setattr(self, name, module)

    def __getitem__(self, name: str) -> Module:
        if name not in self._modules:
            raise KeyError(f"no module named {name!r}; the keys are {list(self._modules)}")
        return self._modules[name]

    def __delitem__(self, name: str) -> None:
        self[name]  # noqa: B018  (KeyError with the keys)
        delattr(self, name)

    def __contains__(self, name) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def keys(self):
        return list(self._modules)

    def values(self):
        return list(self._modules.values())

    def items(self):
        return list(self._modules.items())

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward: call its modules in your own "
                                  "model's forward (self.heads['a'](x))")

    def get_config(self) -> dict:
        return {"modules": {k: module_to_config(m) for k, m in self._modules.items()}}

    @classmethod
    def from_config(cls, config) -> ModuleDict:
        if not isinstance(config, dict) or set(config) != {"modules"} or \
                not isinstance(config["modules"], dict):
            raise ValueError(f"config for {cls.__name__} must be {{'modules': {{name: module "
                             f"config}}}}; received {config!r}")
        return cls({k: module_from_config(c) for k, c in config["modules"].items()})
