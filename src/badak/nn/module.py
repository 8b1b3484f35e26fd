"""Module: the base class of layers and models.

A module owns parameters and sub-modules. Assigning a :class:`Parameter` or a :class:`Module` to
an attribute registers it (in ``_parameters`` or ``_modules``, in assignment order), so that
``parameters()`` can walk the whole model, ``state_dict()`` can copy its weights by name
(``'0.weight'``), ``train()``/``eval()`` can switch every layer, and ``repr()`` can print the
model as a tree. ``model(x)`` calls ``forward(x)``, which builds the graph out of ops.

Design after PyTorch's ``torch.nn.Module`` (registration in ``__setattr__``, ``extra_repr``,
``state_dict``) and Keras' ``get_config``/``from_config`` (the architecture as JSON).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from badak._validation import check_bool
from badak.nn.parameter import Parameter
from badak.tensor import Tensor


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (only non-empty when strict=False)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _indent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first."""
    lines = text.split("\n")
    return lines[0] + "".join("\n" + " " * spaces + line for line in lines[1:])


class Module:
    """Base class of every layer, loss and model.

    Subclasses call ``super().__init__()`` first, assign their parameters and sub-modules as
    attributes, and implement :meth:`forward`. To be saved and rebuilt from JSON they also
    implement :meth:`get_config` (their constructor arguments) and are decorated with
    :func:`badak.nn.register_module`.

    Attributes
    ----------
    training : bool
        True in training mode (dropout active), False after :meth:`eval`.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        if isinstance(value, (Parameter, Module)) and params is None:
            raise AttributeError(f"cannot assign {type(value).__name__} {name!r} before "
                                 f"Module.__init__() is called; call super().__init__() first "
                                 f"in {type(self).__name__}.__init__")
        # Registered values are also kept as plain attributes, so that reading ``self.weight``
        # in forward is an ordinary attribute lookup (no trip through __getattr__).
        # Replacing a parameter by a parameter (a module by a module) keeps its place in the
        # order of parameters() and of a Sequential's layers.
        if isinstance(value, Parameter):
            if name not in params:
                self._forget(name)
            params[name] = value
            self.__dict__[name] = value
        elif isinstance(value, Module):
            if name not in modules:
                self._forget(name)
            modules[name] = value
            self.__dict__[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to {name!r}: it is a "
                                f"parameter of {type(self).__name__}, so it must be a "
                                f"badak.nn.Parameter or None. To change its values in place "
                                f"use {name}.data[...] = new_values")
            params[name] = None
            self.__dict__[name] = None
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to {name!r}: it is a "
                                f"sub-module of {type(self).__name__}, so it must be a Module "
                                f"or None")
            modules[name] = None
            self.__dict__[name] = None
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        self.__dict__.pop(name, None)
        self._parameters.pop(name, None)
        self._modules.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
            self.__dict__.pop(name, None)
        elif name in self._modules:
            del self._modules[name]
            self.__dict__.pop(name, None)
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or a placeholder None, e.g. for ``bias=False``) under ``name``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"param must be a badak.nn.Parameter or None; received "
                            f"{type(param).__name__}")
        self._forget(name)
        self._parameters[name] = param
        self.__dict__[name] = param

    # ------------------------------------------------------------------ traversal
    def children(self) -> Iterator[Module]:
        """Yield the direct sub-modules."""
        for _, m in self.named_children():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct sub-modules, in registration order."""
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted name, module)`` for this module (name ``''``) and all below it,
        parents before children; a module used twice is yielded once."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            kids = [(f"{name}.{k}" if name else k, c) for k, c in m.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        """Yield this module and every module below it (each once)."""
        for _, m in self.named_modules():
            yield m

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted name, parameter)``, e.g. ``('0.weight', W)``; a shared parameter is
        yielded once, under the first name it is found by."""
        seen: set[int] = set()
        for mod_name, m in self.named_modules():
            for p_name, p in m._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_name}.{p_name}" if mod_name else p_name), p

    def parameters(self) -> Iterator[Parameter]:
        """Yield every parameter of the model once (what an optimizer updates)."""
        for _, p in self.named_parameters():
            yield p

    # ------------------------------------------------------------------ modes and grads
    def zero_grad(self) -> None:
        """Forget the gradients of all parameters (``p.grad = None``)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on this module and all below it.

        Only some layers behave differently (:class:`~badak.nn.Dropout` is off in evaluation).
        Returns ``self``, so that ``model.eval()`` can be chained.
        """
        mode = check_bool("mode", mode)
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (same as ``train(False)``); returns ``self``."""
        return self.train(False)

    def to(self, dtype) -> Module:
        """Convert every parameter to the floating-point ``dtype`` in place; returns ``self``.

        ``model.to('float64')`` gives a model for gradient checking. Gradients are dropped.
        """
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"dtype must be a floating-point dtype; received dtype={dt}")
        for p in self.parameters():
            p.data = p.data.astype(dt)
            p.grad = None
        return self

    # ------------------------------------------------------------------ weights
    def state_dict(self) -> dict[str, np.ndarray]:
        """Return ``{dotted name: copy of the parameter's array}``, in model order."""
        return {name: np.array(p.data, copy=True) for name, p in self.named_parameters()}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True
                        ) -> IncompatibleKeys:
        """Copy the arrays of ``state_dict`` into the parameters of the same names.

        Everything is checked before anything is copied, so a failed load changes nothing.

        Parameters
        ----------
        state_dict : mapping of str to array-like
            As returned by :meth:`state_dict`.
        strict : bool, default=True
            Require the keys to match the model's parameter names exactly.

        Returns
        -------
        IncompatibleKeys
            The missing and unexpected keys (empty lists when ``strict``).

        Raises
        ------
        ValueError
            For missing or unexpected keys (when strict), and for a shape or dtype that does not
            match the parameter's.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping of parameter names to arrays; "
                            f"received {type(state_dict).__name__}")
        strict = check_bool("strict", strict)
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing key(s) {missing}")
            if unexpected:
                parts.append(f"unexpected key(s) {unexpected}")
            raise ValueError(f"load_state_dict: the state dict does not match "
                             f"{type(self).__name__}: {' and '.join(parts)}; the model's keys "
                             f"are {list(own)}")
        arrays = {}
        for name, p in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            arr = np.asarray(value.data if isinstance(value, Tensor) else value)
            if arr.shape != p.shape:
                raise ValueError(f"load_state_dict: shape mismatch for {name!r}: the model's "
                                 f"parameter has shape {p.shape}; received shape {arr.shape}")
            if arr.dtype != p.dtype:
                raise ValueError(f"load_state_dict: dtype mismatch for {name!r}: the model's "
                                 f"parameter is {p.dtype}; received {arr.dtype}. Convert the "
                                 f"model first with model.to({str(arr.dtype)!r}) or the arrays "
                                 f"with .astype({str(p.dtype)!r})")
            arrays[name] = arr
        for name, arr in arrays.items():
            own[name].data = np.array(arr, copy=True)
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        """Compute the output from the inputs (implemented by every subclass)."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (its settings)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, m in self._modules.items():
            lines.append(f"({name}): " + _indent(repr(m), 2))
        head = type(self).__name__ + "("
        if not self._modules:
            return head + extra + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def _repr_html_(self) -> str:
        """Jupyter's view: a table of the layers and their parameter counts."""
        from badak.display import module_html

        return module_html(self)

    # ------------------------------------------------------------------ configs
    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as a JSON-able dict (never the rng or weights)."""
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Module:
        """Build a module from :meth:`get_config`'s dict (fresh weights; load them after)."""
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a dict of constructor arguments; received "
                            f"{type(config).__name__}")
        params = inspect.signature(cls.__init__).parameters
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        allowed = [n for n, p in params.items() if n != "self" and
                   p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        unknown = [k for k in config if k not in allowed]
        if unknown and not takes_kwargs:
            raise ValueError(f"config for {cls.__name__} has unexpected key(s) {unknown}; "
                             f"{cls.__name__} accepts {allowed}")
        return cls(**config)
