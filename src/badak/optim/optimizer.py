"""The base class of every optimizer: what all of them share, none of the update rules.

An optimizer holds a list of parameters (tensors with ``requires_grad=True``) and, after
``loss.backward()`` has filled their ``.grad``, moves each one a little against its gradient::

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()

Each subclass writes its rule in :meth:`Optimizer._update`, which sees plain arrays: the
parameter's values ``p`` (changed in place), its gradient ``g`` and a dict of the buffers the rule
keeps for that parameter (velocity, running averages), created the first time they are needed.
The base class does the rest: it checks the parameters and the hyperparameters, clips gradients,
skips parameters without a gradient, counts steps and saves and restores its state.

In place means the very same ``ndarray`` object is overwritten, so a view of a parameter or a
reference to its ``.data`` stays valid after a step, and the dtype never changes: a float32 model
stays float32 (hyperparameters are cast to the parameter's dtype before they touch it).

Sources: PyTorch's ``torch/optim/optimizer.py`` (``step``/``zero_grad``/``state_dict`` and
hyperparameters checked in ``__init__``); Keras' ``keras/src/optimizers/base_optimizer.py``
(``clipnorm``/``clipvalue`` applied before the update, one step counter); Saito, *Deep Learning from
Scratch*, ch. 6 (the optimizers as small classes with an ``update`` method).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from badak._validation import check_number, check_positive, check_positive_int
from badak.autograd import no_grad
from badak.backend import xp
from badak.optim.clip import clip_grad_norm_, clip_grad_value_
from badak.optim.flat import FlatLayout
from badak.tensor import Tensor


class Optimizer:
    """Base class of the optimizers: holds the parameters, the hyperparameters and the state.

    Subclasses pass their hyperparameters (a dict, in the order they should be shown) to
    ``__init__``, extend :meth:`_check_hyperparameters` with the checks of their own ones, list the
    names of their per-parameter buffers in ``state_names`` and write the update in
    :meth:`_update`.

    Parameters
    ----------
    params : iterable of Tensor
        The tensors to optimize, e.g. ``model.parameters()``. Each must require grad; a tensor that
        appears more than once is kept once (it would otherwise be updated twice per step).
    hyperparameters : dict
        Name -> value, including ``lr``, ``clipnorm`` and ``clipvalue``.

    Attributes
    ----------
    params : list of Tensor
        The parameters, in the order given (duplicates removed). State keys use these indices.
    state : list of dict
        ``state[i]`` maps a buffer name (e.g. ``'velocity'``) to an array shaped like
        ``params[i]``; empty until the first step that updates ``params[i]``.
    step_count : int
        How many times :meth:`step` has been called.
    lr : float
        The learning rate; can be set between steps (checked to be > 0).
    """

    state_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Tensor], hyperparameters: dict[str, object]):
        self.params = _param_list(params)
        self._hyperparameter_names = tuple(hyperparameters)
        self._set_hyperparameters(hyperparameters)
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.step_count = 0
        self._flat: FlatLayout | None = None

    # ------------------------------------------------------------------ hyperparameters
    @property
    def lr(self) -> float:
        """The learning rate (step size)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("lr", value)

    @property
    def hyperparameters(self) -> dict[str, object]:
        """The hyperparameters as a JSON-able dict (floats, bools and None)."""
        return {name: getattr(self, name) for name in self._hyperparameter_names}

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        """Return the checked values of ``hp`` or raise naming the bad one.

        Subclasses call ``super()._check_hyperparameters(hp)`` and add their own.
        """
        checked = {"lr": check_positive("lr", hp["lr"])}
        for name in ("clipnorm", "clipvalue"):
            value = hp[name]
            checked[name] = None if value is None else check_number(
                name, value, low=0.0, low_inclusive=False)
        if checked["clipnorm"] is not None and checked["clipvalue"] is not None:
            raise ValueError(f"set at most one of clipnorm and clipvalue; received "
                             f"clipnorm={checked['clipnorm']}, clipvalue={checked['clipvalue']}")
        return checked

    def _set_hyperparameters(self, hp: dict[str, object]) -> None:
        checked = self._check_hyperparameters(hp)
        for name in self._hyperparameter_names:
            setattr(self, name, checked[name])

    # ------------------------------------------------------------------ the step
    def zero_grad(self) -> None:
        """Forget the gradients: set every parameter's ``.grad`` to None."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient, in place.

        Gradients are first clipped (``clipvalue``, or ``clipnorm`` over all parameters together;
        see :mod:`badak.optim.clip`). Parameters whose ``.grad`` is None are skipped, and their
        buffers are left as they are.
        """
        if self.clipvalue is not None or self.clipnorm is not None:
            with no_grad():
                if self.clipvalue is not None:
                    clip_grad_value_(self.params, self.clipvalue)
                if self.clipnorm is not None:
                    clip_grad_norm_(self.params, self.clipnorm)
        self.step_count += 1
        if self._step_flat():
            return
        update, state = self._update, self.state
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            a = p.data
            ga = g.data if type(g) is Tensor else None
            if ga is None or ga.shape != a.shape or ga.dtype != a.dtype:
                ga = self._grad_array(i, p)
            update(a, ga, state[i])

    def _step_flat(self) -> bool:
        """Update all parameters in one vectorised call when the model is small (see
        :mod:`badak.optim.flat`); return False to take the per-parameter path instead."""
        params = self.params
        layout = self._flat
        if layout is None or not layout.valid_for(params, self.state):
            layout = self._flat = FlatLayout(params, self.state)
        if not layout.ok:  # a large model: decided once per layout, not per gradient
            return False
        for p in params:
            if p.grad is None or p.grad.data.shape != p.data.shape:
                return False
        layout.step(self._update)
        return True

    def _grad_array(self, i: int, p: Tensor) -> np.ndarray:
        """The gradient of ``params[i]`` as an array of the parameter's shape and dtype."""
        g = p.grad.data if isinstance(p.grad, Tensor) else xp.asarray(p.grad)
        if g.shape != p.data.shape:
            raise ValueError(f"params[{i}].grad must have the parameter's shape {p.data.shape}; "
                             f"received a gradient of shape {g.shape}")
        if g.dtype != p.data.dtype:
            g = g.astype(p.data.dtype)
        return g

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        """Change ``p`` in place using its gradient ``g`` and its buffers ``state``."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    @staticmethod
    def _buffer(state: dict[str, np.ndarray], name: str, p: np.ndarray) -> np.ndarray:
        """Return ``state[name]``, creating it as zeros shaped like ``p`` on first use."""
        buf = state.get(name)
        if buf is None:
            buf = state[name] = xp.zeros_like(p)
        return buf

    # ------------------------------------------------------------------ saving and restoring
    def state_dict(self) -> dict[str, object]:
        """Return everything needed to continue training exactly where it stopped.

        Returns
        -------
        dict
            ``{"class": name, "hyperparameters": {...}, "state": {"<index>.<buffer>": ndarray},
            "step_count": int, "num_params": int}``. Arrays are copies; everything but the arrays
            is JSON-able.
        """
        state = {f"{i}.{name}": buf.copy()
                 for i, buffers in enumerate(self.state) for name, buf in buffers.items()}
        return {"class": type(self).__name__, "hyperparameters": self.hyperparameters,
                "state": state, "step_count": self.step_count, "num_params": len(self.params)}

    def load_state_dict(self, state_dict: dict[str, object]) -> None:
        """Restore hyperparameters, buffers and step count saved by :meth:`state_dict`.

        Everything is checked before anything changes, so a bad state dict leaves the optimizer
        as it was. Buffers are copied and cast to their parameter's dtype.

        Raises
        ------
        TypeError
            If ``state_dict`` is not a dict.
        ValueError
            If it is for another optimizer class, for a different number of parameters, has
            missing or unexpected keys or hyperparameters, or holds a buffer of the wrong shape.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict made by Optimizer.state_dict(); received "
                            f"{type(state_dict).__name__}")
        name = type(self).__name__
        missing = [k for k in ("class", "hyperparameters", "state", "step_count")
                   if k not in state_dict]
        if missing:
            raise ValueError(f"state_dict is missing the key(s) {missing}; expected the dict "
                             f"returned by {name}.state_dict()")
        if state_dict["class"] != name:
            raise ValueError(f"state_dict was saved from a {state_dict['class']} optimizer; it "
                             f"cannot be loaded into a {name}")
        n = len(self.params)
        if "num_params" in state_dict and state_dict["num_params"] != n:
            raise ValueError(f"state_dict was saved for {state_dict['num_params']} parameters; "
                             f"this optimizer has {n}")

        for key in ("hyperparameters", "state"):
            if not isinstance(state_dict[key], dict):
                raise TypeError(f"state_dict[{key!r}] must be a dict; received "
                                f"{type(state_dict[key]).__name__}")
        hp = dict(state_dict["hyperparameters"])
        expected = set(self._hyperparameter_names)
        if set(hp) != expected:
            missing, unexpected = sorted(expected - set(hp)), sorted(set(hp) - expected)
            raise ValueError(f"state_dict hyperparameters must be {sorted(expected)}; missing "
                             f"{missing}, unexpected {unexpected}")
        checked_hp = self._check_hyperparameters(hp)
        step_count = check_positive_int("step_count", state_dict["step_count"], allow_zero=True)

        new_state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        for key, value in state_dict["state"].items():
            index, _, buffer = str(key).partition(".")
            if not index.isdigit() or buffer not in self.state_names:
                raise ValueError(f"state key {key!r} is not '<param index>.<buffer>' with a "
                                 f"buffer among {list(self.state_names)}")
            i = int(index)
            if i >= n:
                raise ValueError(f"state key {key!r} refers to parameter {i}, but this "
                                 f"optimizer has {n} parameters (indices 0 to {n - 1})")
            p = self.params[i].data
            arr = xp.asarray(value)
            if arr.shape != p.shape:
                raise ValueError(f"state[{key!r}] must have the shape of params[{i}] {p.shape}; "
                                 f"received shape {arr.shape}")
            new_state[i][buffer] = arr.astype(p.dtype, copy=True)

        for hp_name in self._hyperparameter_names:
            setattr(self, hp_name, checked_hp[hp_name])
        self.state = new_state
        self.step_count = step_count

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        n = len(self.params)
        return (f"{type(self).__name__}({hp}; {n} parameter{'' if n == 1 else 's'}, "
                f"step {self.step_count})")


def _param_list(params: Iterable[Tensor]) -> list[Tensor]:
    """Check ``params`` and return it as a list of distinct tensors that require grad."""
    if isinstance(params, Tensor):
        raise TypeError("params must be an iterable of tensors, e.g. model.parameters(); "
                        "received a single Tensor. Wrap it in a list: [w]")
    if isinstance(params, dict):
        raise TypeError("params must be an iterable of tensors, e.g. model.parameters(); "
                        "received a dict (a state_dict holds copies, not the parameters)")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(f"params must be an iterable of tensors, e.g. model.parameters(); "
                        f"received {type(params).__name__}") from None
    if not items:
        raise ValueError("params must contain at least one tensor; received an empty iterable")
    out, seen = [], set()
    for i, p in enumerate(items):
        if not isinstance(p, Tensor):
            hint = (" (named_parameters() yields (name, tensor) pairs; pass parameters())"
                    if isinstance(p, tuple) else "")
            raise TypeError(f"params[{i}] must be a Tensor; received {type(p).__name__}{hint}")
        if not p.requires_grad:
            raise ValueError(f"params[{i}] must require grad (it is what the optimizer changes); "
                             f"received a tensor of shape {p.shape} with requires_grad=False")
        if p.data.dtype.kind != "f":
            raise TypeError(f"params[{i}] must be a floating-point tensor; received dtype "
                            f"{p.data.dtype}")
        if not p.data.flags.writeable:
            raise ValueError(f"params[{i}] must own writable data to be updated in place; "
                             f"received a read-only array of shape {p.shape}")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out
