"""The registry of module classes: architectures as JSON, rebuilt without pickle.

``module_to_config(model)`` describes a model as ``{"class": "Linear", "config": {...}}`` (the
class name and its constructor arguments; containers nest their layers the same way), and
``module_from_config`` builds it again by looking the class name up here. Only registered classes
can be rebuilt, so loading a model file never runs arbitrary code. Every badak layer is
registered; decorate your own modules with :func:`register_module` (the idea of Keras'
``register_keras_serializable``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badak.nn.module import Module

MODULES: dict[str, type[Module]] = {}
"""Registered module classes by class name."""


def register_module(cls: type[Module]) -> type[Module]:
    """Class decorator: make ``cls`` rebuildable by :func:`module_from_config`.

    Re-registering a class of the same module and name (a re-run notebook cell) replaces it;
    a different class with a name already taken raises ValueError.
    """
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(f"register_module expects a subclass of badak.nn.Module; received "
                        f"{cls!r}")
    name = cls.__name__
    old = MODULES.get(name)
    if old is not None and old is not cls and \
            (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise ValueError(f"a module class named {name!r} is already registered "
                         f"({old.__module__}.{old.__qualname__}); rename {cls.__module__}."
                         f"{cls.__qualname__}")
    MODULES[name] = cls
    return cls


def get_module_class(name: str) -> type[Module]:
    """Return the registered class called ``name``, or raise ValueError listing them."""
    if not isinstance(name, str) or name not in MODULES:
        raise ValueError(f"class must be the name of a registered module, one of "
                         f"{sorted(MODULES)}; received class={name!r}. Decorate custom modules "
                         f"with @badak.nn.register_module")
    return MODULES[name]


def module_to_config(module: Module) -> dict[str, Any]:
    """Return ``{"class": name, "config": module.get_config()}``: the architecture as JSON."""
    if not isinstance(module, Module):
        raise TypeError(f"module must be a badak.nn.Module; received {type(module).__name__}")
    name = type(module).__name__
    if MODULES.get(name) is not type(module):
        raise ValueError(f"{name} is not registered, so it could not be rebuilt from its "
                         f"config; decorate the class with @badak.nn.register_module")
    return {"class": name, "config": module.get_config()}


def module_from_config(config: Mapping[str, Any]) -> Module:
    """Build a module from :func:`module_to_config`'s dict (with fresh weights).

    Raises
    ------
    ValueError
        If the dict lacks "class" or "config", names an unregistered class, or holds arguments
        the class does not take.
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict {{'class': name, 'config': {{...}}}}; received "
                        f"{type(config).__name__}")
    missing = [k for k in ("class", "config") if k not in config]
    extra = [k for k in config if k not in ("class", "config")]
    if missing or extra:
        raise ValueError(f"config must have exactly the keys 'class' and 'config'; received "
                         f"keys {list(config)}")
    cls = get_module_class(config["class"])
    return cls.from_config(config["config"])


def config_int(config: Mapping[str, Any], key: str, default: int = 0) -> int:
    """``config[key]`` if it is a positive int, else 0: for :meth:`parameter_count` hooks, which
    must not fail on a malformed config (the constructor reports bad values when it is built)."""
    value = config.get(key, default)
    return value if type(value) is int and value > 0 else 0


def _holds_modules(value) -> bool:
    """Whether a config value holds nested module configs (a container's layers)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if "class" in item and "config" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def declared_parameter_count(config: Mapping[str, Any]) -> int:
    """How many parameter values building ``config`` (``module_to_config``'s dict) allocates.

    Read from the config, without building the model: a module class that owns parameters
    declares its count with a classmethod ``parameter_count(config) -> int`` (``Linear``,
    ``Maxout``, ``PReLU``, ``MLP`` do); a container (a config holding nested module configs)
    counts its layers; any other registered class is built on its own and its parameters counted
    (define ``parameter_count`` on a custom module with large parameters, so that a forged file
    cannot make badak allocate them). Unknown class names count 0 (building them fails anyway).
    The walk is not recursive, so a deeply nested forgery cannot exhaust the stack.
    """
    total, stack = 0, [config]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, Mapping):
            continue
        cls, args = MODULES.get(value.get("class")), value.get("config")
        if cls is None or not isinstance(args, Mapping) or set(value) != {"class", "config"}:
            stack.extend(value.values())
            continue
        hook = getattr(cls, "parameter_count", None)
        if hook is not None:
            total += hook(args)
        elif _holds_modules(args):
            stack.extend(args.values())
        else:
            total += sum(p.size for p in cls.from_config(args).parameters())
    return total
