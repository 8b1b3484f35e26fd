"""Module: the base class of layers and models.

A module owns parameters and sub-modules. Assigning a :class:`Parameter` or a :class:`Module` to
an attribute registers it (in ``_parameters`` or ``_modules``, in assignment order), so that
``parameters()`` can walk the whole model, ``state_dict()`` can copy its weights by name
(``'0.weight'``), ``train()``/``eval()`` can switch every layer, and ``repr()`` can print the
model as a tree. ``model(x)`` calls ``forward(x)``, which builds the graph out of ops, and runs
the forward hooks around it. Buffers (:meth:`Module.register_buffer`) are arrays that belong to
the model's state (saved, loaded, converted by ``to``) but are not trained.

Design after PyTorch's ``torch.nn.Module`` (registration in ``__setattr__``, ``extra_repr``,
``state_dict``) and Keras' ``get_config``/``from_config`` (the architecture as JSON).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from badak._validation import check_bool
from badak.engine.tensor import Tensor
from badak.nn.parameter import Parameter


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (only non-empty when strict=False)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods; :meth:`remove` takes the hook away."""

    _ids = itertools.count()

    def __init__(self, hooks: dict) -> None:
        self.hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        """Remove the hook (removing it twice does nothing)."""
        self.hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


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

    settings_version = 0
    """Counts assignments of plain attributes (a dropout's ``p``, a slope, ``training``) on this
    module, so that whatever keeps work made with the old settings (``badak.compile``'s
    recordings) can tell they changed with one comparison. Not a setting: a cache key."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_forward_hooks", {})
        object.__setattr__(self, "_forward_pre_hooks", {})
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
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = None if value is None else _as_buffer(name, value)
            self.__dict__[name] = self._buffers[name]
        else:
            object.__setattr__(self, name, value)
            self.__dict__["settings_version"] = self.__dict__.get("settings_version", 0) + 1

    def _forget(self, name: str) -> None:
        self.__dict__.pop(name, None)
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self.__dict__.get("_buffers", {}).pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
            self.__dict__.pop(name, None)
        elif name in self._modules:
            del self._modules[name]
            self.__dict__.pop(name, None)
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent.discard(name)
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

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: state of the module that is not trained (a running
        mean, a mask, a counter), reachable as ``self.<name>``.

        A persistent buffer is part of :meth:`state_dict` (so ``badak.save``/``badak.load``
        keep it); ``persistent=False`` keeps it out. ``to(dtype)`` converts floating-point
        buffers with the parameters. Assigning ``self.<name> = array`` replaces the buffer.

        Parameters
        ----------
        name : str
            The attribute name (no dots, not already an attribute).
        tensor : Tensor, array-like or None
            The values (stored as a Tensor that does not require grad); None reserves the name.
        persistent : bool, default=True
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError(f"cannot register a buffer before Module.__init__() is called; "
                                 f"call super().__init__() first in {type(self).__name__}"
                                 f".__init__")
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(f"name must be a non-empty string without '.'; received "
                             f"name={name!r}")
        if name not in self._buffers and (name in self.__dict__ or name in self._parameters
                                          or name in self._modules or hasattr(type(self), name)):
            raise KeyError(f"attribute {name!r} already exists in {type(self).__name__}; a "
                           f"buffer needs a new name")
        persistent = check_bool("persistent", persistent)
        value = None if tensor is None else _as_buffer(name, tensor)
        self._buffers[name] = value
        self.__dict__[name] = value
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Yield ``(dotted name, buffer)`` for every buffer of the model."""
        for mod_name, m in self.named_modules(prefix):
            for name, b in m._buffers.items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self) -> Iterator[Tensor]:
        """Yield every buffer of the model."""
        for _, b in self.named_buffers():
            yield b

    # ------------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward; a non-None result replaces the
        inputs (a tuple, or one value). Returns a handle whose ``remove()`` takes it away.
        """
        return self._add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward; a non-None result replaces
        the output. Returns a handle whose ``remove()`` takes it away."""
        return self._add_hook(self._forward_hooks, hook)

    def _add_hook(self, hooks: dict, hook) -> RemovableHandle:
        if not callable(hook):
            raise TypeError(f"hook must be callable; received {type(hook).__name__}")
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn(m)`` on every sub-module (children first) and then on ``self``, e.g. to
        initialise weights: ``model.apply(init_weights)``. Returns ``self``."""
        if not callable(fn):
            raise TypeError(f"fn must be callable (it receives each module); received "
                            f"{type(fn).__name__}")
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of parameter values (each shared parameter once); with
        ``trainable_only``, only those that require grad."""
        trainable_only = check_bool("trainable_only", trainable_only)
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    def summary(self, input_shape: tuple[int | None, ...] | None = None,
                dtype="float32") -> str:
        """A Keras-like table of the layers, their output shapes and parameter counts.

        Parameters
        ----------
        input_shape : tuple of int, optional
            The shape of one batch, e.g. ``(1, 13)``, or Keras' ``(None, 13)`` for any batch
            size (the table then writes None for it); a batch of zeros is run through the model
            (in eval mode, no graph kept) to record each layer's output shape. Without it the
            output shapes are left out.
        dtype : str, default='float32'
            The dtype of that batch.

        Returns
        -------
        str
            The table; ``print(model.summary((1, 13)))``.
        """
        from badak.nn.summary import summary

        return summary(self, input_shape, dtype)

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
            yield from m._own_parameters(mod_name, seen)

    def _own_parameters(self, prefix: str, seen: set[int]) -> Iterator[tuple[str, Parameter]]:
        """This module's own parameters not yet in ``seen`` (ids; added to it), named under
        ``prefix`` (shared by :meth:`named_parameters` and :meth:`state_dict`)."""
        for name, p in self._parameters.items():
            if p is None or id(p) in seen:
                continue
            seen.add(id(p))
            yield (f"{prefix}.{name}" if prefix else name), p

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
        for b in self.buffers():
            if b.data.dtype.kind == "f":
                b.data = b.data.astype(dt)
        return self

    # ------------------------------------------------------------------ weights
    def state_dict(self) -> dict[str, np.ndarray]:
        """Return ``{dotted name: copy of the array}`` for every parameter and persistent buffer,
        in model order (each module's parameters, then its buffers, as in PyTorch)."""
        return {name: np.array(t.data, copy=True) for name, t in self._state_items()}

    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        for mod_name, m in self.named_modules():
            yield from m._own_parameters(mod_name, seen)
            for b_name, b in m._buffers.items():
                if b is not None and b_name not in m._non_persistent:
                    yield (f"{mod_name}.{b_name}" if mod_name else b_name), b

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
        own = dict(self._state_items())
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
                what = "parameter" if isinstance(p, Parameter) else "buffer"
                raise ValueError(f"load_state_dict: shape mismatch for {name!r}: the model's "
                                 f"{what} has shape {p.shape}; received shape {arr.shape}")
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
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

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
        from badak.interfaces.display import module_html

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


def _as_buffer(name: str, value) -> Tensor:
    """``value`` as a Tensor that does not require grad (a copy of an array, a tensor as is)."""
    if isinstance(value, Parameter):
        raise TypeError(f"cannot use a Parameter as the buffer {name!r}: a buffer is not "
                        f"trained; register it with register_parameter instead")
    if isinstance(value, Tensor):
        return value
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"buffer {name!r} must be a Tensor or an array of numbers; received "
                        f"{type(value).__name__} of dtype {arr.dtype}")
    return Tensor(np.array(arr, copy=True), requires_grad=False)
