"""The base class of every optimizer: what all of them share, none of the update rules.

An optimizer holds a list of parameters (tensors with ``requires_grad=True``) and, after
``loss.backward()`` has filled their ``.grad``, moves each one a little against its gradient::

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()

Each subclass writes its rule in :meth:`Optimizer._update`, which sees plain arrays: ONE
parameter's values ``p`` (changed in place), its gradient ``g`` and a dict of the buffers the rule
keeps for that parameter (velocity, running averages), created the first time they are needed.
While ``_update`` runs, ``self.lr`` and the other hyperparameters are those of the parameter's
group. The base class does the rest: it checks the parameters and the hyperparameters, clips
gradients, skips parameters without a gradient (or that do not require one), counts steps and
saves and restores its state.

Parameter groups (PyTorch's ``param_groups``): ``params`` may be a list of dicts, each with its
own ``"params"`` and any hyperparameters that differ from the defaults given as arguments::

    SGD([{"params": model[0].parameters(), "lr": 0.1}, {"params": model[2].parameters()}],
        lr=0.01, momentum=0.9)

``optimizer.param_groups`` is that list of dicts, completed with the defaults; a learning-rate
scheduler changes ``group["lr"]``. ``optimizer.lr`` (and every other hyperparameter read as an
attribute) is the FIRST group's value, and assigning it changes the first group only.

A rule whose update treats every number on its own declares it with the class attribute
``elementwise = True`` (all the built-in rules do). The optimizer itself still calls ``_update``
once per parameter; code that would rather run the rule once over all the parameters of a
group laid end to end checks :meth:`Optimizer.rule_is_elementwise` first. A subclass that
overrides ``_update`` without declaring it elementwise always gets one parameter at a time.

In place means the very same ``ndarray`` object is overwritten, so a view of a parameter or a
reference to its ``.data`` stays valid after a step, and the dtype never changes: a float32 model
stays float32 (hyperparameters are cast to the parameter's dtype before they touch it).

Sources: PyTorch's ``torch/optim/optimizer.py`` (``step``/``zero_grad``/``state_dict`` and
hyperparameters checked in ``__init__``); Keras' ``keras/src/optimizers/base_optimizer.py``
(``clipnorm``/``clipvalue`` applied before the update, one step counter); Saito, *Deep Learning from
Scratch*, ch. 6 (the optimizers as small classes with an ``update`` method).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from badak._validation import check_number, check_positive_int
from badak.engine.backend import xp
from badak.engine.tensor import Tensor
from badak.optim.clip import clip_gradients_


class Optimizer:
    """Base class of the optimizers: holds the parameter groups, the hyperparameters and the state.

    Subclasses pass their hyperparameters (a dict, in the order they should be shown) to
    ``__init__``, extend :meth:`_check_hyperparameters` with the checks of their own ones, list the
    names of their per-parameter buffers in ``state_names`` and write the update in
    :meth:`_update`, which always receives one parameter.

    Parameters
    ----------
    params : iterable of Tensor, or iterable of dict
        The tensors to optimize, e.g. ``model.parameters()``; or parameter groups, dicts with a
        ``"params"`` entry and optional per-group hyperparameters. A tensor that appears more than
        once in a group is kept once; one that appears in two groups is refused. Tensors that do
        not require grad (frozen) are kept and skipped at each step, as in PyTorch.
    hyperparameters : dict
        Name -> default value, including ``lr``, ``clipnorm`` and ``clipvalue``.

    Attributes
    ----------
    param_groups : list of dict
        ``{"params": [Tensor, ...], "lr": ..., ...}`` per group (PyTorch's layout). Changing a
        group's hyperparameter between steps takes effect at the next step.
    defaults : dict
        The hyperparameters given as arguments (used for keys a group leaves out).
    params : list of Tensor
        All parameters, group after group. State keys use these indices.
    state : list of dict
        ``state[i]`` maps a buffer name (e.g. ``'velocity'``) to an array shaped like
        ``params[i]``; empty until the first step that updates ``params[i]``.
    step_count : int
        How many times :meth:`step` has been called.
    lr : float
        The first group's learning rate (>= 0); assigning it changes the first group only.
    """

    state_names: tuple[str, ...] = ()
    elementwise: bool = False
    """True for a rule whose ``_update`` treats every number on its own (no norm, no reshape), so
    that it may run on all the parameters of a group concatenated. Declared by the class that
    defines ``_update``; a subclass overriding ``_update`` must declare it again."""

    _GROUP_EXTRA_KEYS = ("name", "initial_lr")  # keys PyTorch code stores in groups

    def __init__(self, params: Iterable[Tensor] | Iterable[dict],
                 hyperparameters: dict[str, object]):
        d = self.__dict__  # hyperparameter names are routed to the groups by __setattr__
        d["_hyperparameter_names"] = tuple(hyperparameters)
        d["defaults"] = self._check_hyperparameters(dict(hyperparameters))
        self.param_groups: list[dict] = []
        self.params: list[Tensor] = []
        self.state: list[dict[str, np.ndarray]] = []
        self.step_count = 0
        self._group_index: list[list[int]] = []  # flat indices of each group's parameters
        groups, as_dicts = _group_list(params)
        for group in groups:
            self._add_group(group, named=as_dicts)

    # ------------------------------------------------------------------ hyperparameters
    def __getattr__(self, name: str):
        # Only reached when normal lookup fails: a hyperparameter read outside step() is the
        # first group's (inside step() the current group's values are ordinary attributes).
        d = self.__dict__
        if name in d.get("_hyperparameter_names", ()) and d.get("param_groups"):
            return d["param_groups"][0][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        if name in d.get("_hyperparameter_names", ()) and d.get("param_groups"):
            group = d["param_groups"][0]
            merged = {k: group[k] for k in self._hyperparameter_names}
            merged[name] = value
            group[name] = self._check_hyperparameters(merged)[name]
            return
        object.__setattr__(self, name, value)

    @property
    def hyperparameters(self) -> dict[str, object]:
        """The first group's hyperparameters as a JSON-able dict (floats, bools, lists, None)."""
        group = self.param_groups[0]
        return {name: _jsonable(group[name]) for name in self._hyperparameter_names}

    def _check_hyperparameters(self, hp: dict[str, object]) -> dict[str, object]:
        """Return the checked values of ``hp`` or raise naming the bad one.

        Subclasses call ``super()._check_hyperparameters(hp)`` and add their own.
        """
        checked = {"lr": check_number("lr", hp["lr"], low=0.0)}
        for name in ("clipnorm", "clipvalue"):
            value = hp[name]
            checked[name] = None if value is None else check_number(
                name, value, low=0.0, low_inclusive=False)
        if checked["clipnorm"] is not None and checked["clipvalue"] is not None:
            raise ValueError(f"set at most one of clipnorm and clipvalue; received "
                             f"clipnorm={checked['clipnorm']}, clipvalue={checked['clipvalue']}")
        return checked

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters, e.g. a layer unfrozen during fine-tuning (PyTorch's name).

        Parameters
        ----------
        param_group : dict
            ``{"params": tensors, <hyperparameter>: value, ...}``; hyperparameters left out take
            the optimizer's defaults.

        Raises
        ------
        TypeError, ValueError
            For a group that is not a dict, has no ``"params"``, an unknown key, a bad
            hyperparameter or a parameter already in another group.
        """
        self._add_group(param_group, named=True)

    def _add_group(self, param_group, named: bool) -> None:
        k = len(self.param_groups)
        where = f"param_groups[{k}]"
        if not isinstance(param_group, dict):
            raise TypeError(f"{where} must be a dict with a 'params' entry; received "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{where} must have a 'params' entry (the tensors of the group); "
                             f"received the keys {sorted(map(str, param_group))}")
        known = ("params", *self._hyperparameter_names, *self._GROUP_EXTRA_KEYS)
        unknown = [key for key in param_group if key not in known]
        if unknown:
            raise ValueError(f"{where} has unknown key(s) {unknown}; the keys of a "
                             f"{type(self).__name__} group are {list(known[:-2])}")
        params = param_group["params"]
        prefix = f"{where}['params']" if named else "params"
        params = _param_list([params] if named and isinstance(params, Tensor) else params,
                             prefix)
        hp = {**self.defaults,
              **{key: v for key, v in param_group.items() if key in self._hyperparameter_names}}
        try:
            checked = self._check_hyperparameters(hp)
        except (TypeError, ValueError) as e:
            if not named:
                raise
            raise type(e)(f"{where}: {e}") from None
        ours = {id(p): i for i, p in enumerate(self.params)}
        for j, p in enumerate(params):
            if id(p) in ours:
                raise ValueError(f"some parameters appear in more than one parameter group: "
                                 f"{prefix}[{j}] (shape {p.shape}) is already in "
                                 f"{self._where(ours[id(p)])}")
        group = {"params": params, **{n: checked[n] for n in self._hyperparameter_names}}
        group.update({key: param_group[key] for key in self._GROUP_EXTRA_KEYS
                      if key in param_group})
        start = len(self.params)
        self.params.extend(params)
        self.state.extend({} for _ in params)
        self._group_index.append(list(range(start, start + len(params))))
        self.param_groups.append(group)

    def _where(self, i: int) -> str:
        for k, index in enumerate(self._group_index):
            if i in index:
                return f"param_groups[{k}]"
        return "another group"

    # ------------------------------------------------------------------ the step
    def zero_grad(self) -> None:
        """Forget the gradients: set every parameter's ``.grad`` to None."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that requires grad and has a gradient, in place.

        Group by group: the group's gradients are first clipped (``clipvalue``, or ``clipnorm``
        over the group's parameters together; see :mod:`badak.optim.clip`), then each parameter
        is updated with the group's hyperparameters. Parameters whose ``.grad`` is None or that
        do not require grad are skipped, and their buffers are left as they are.
        """
        self._step_groups(self._step_each)

    def _step_groups(self, update_group: Callable[[int, list[Tensor]], None]) -> None:
        """Count the step, then for each group ``k``: make its hyperparameters ``self.<name>``
        (as ``_update`` reads them), clip its gradients, and call ``update_group(k, params)``
        (:meth:`_step_each` for :meth:`step`)."""
        d = self.__dict__  # (straight into __dict__: no trip through __setattr__)
        d["step_count"] += 1
        names = d["_hyperparameter_names"]
        try:
            for k, group in enumerate(self.param_groups):
                for name in names:  # the group's values, read by _update as self.<name>
                    d[name] = group[name]
                params = group["params"]
                if d["clipvalue"] is not None or d["clipnorm"] is not None:
                    clip_gradients_(params, clipnorm=d["clipnorm"], clipvalue=d["clipvalue"])
                update_group(k, params)
        finally:
            for name in names:
                d.pop(name, None)

    def _step_each(self, k: int, params: list[Tensor]) -> None:
        """The per-parameter path: ``_update`` once for each parameter of group ``k``."""
        update, state = self._update, self.state
        for i, p in zip(self._group_index[k], params):
            g = p.grad
            if g is None or not p.requires_grad:
                continue
            a = p.data
            ga = g.data if type(g) is Tensor else None
            if ga is None or ga.shape != a.shape or ga.dtype != a.dtype:
                ga = self._grad_array(i, p)
            update(a, ga, state[i])

    def rule_is_elementwise(self) -> bool:
        """True when the class that defines ``_update`` declares ``elementwise = True``: the
        rule may then run on all the parameters of a group concatenated, with the same
        numbers."""
        for cls in type(self).__mro__:
            if "_update" in cls.__dict__:
                return bool(cls.__dict__.get("elementwise", False))
        return False

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
        """Change ``p`` (one parameter's array) in place using its gradient ``g`` and its buffers
        ``state``; ``self.lr`` etc. are the parameter's group's hyperparameters."""
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
            ``{"class": name, "hyperparameters": {first group's}, "param_groups": [{"params":
            [indices], <hyperparameters>}], "state": {"<index>.<buffer>": ndarray},
            "step_count": int, "num_params": int}``. Arrays are copies; everything but the
            arrays is JSON-able.
        """
        state = {f"{i}.{name}": buf.copy()
                 for i, buffers in enumerate(self.state) for name, buf in buffers.items()}
        groups = []
        for index, group in zip(self._group_index, self.param_groups):
            saved = {key: _jsonable(v) for key, v in group.items() if key != "params"}
            groups.append({"params": list(index), **saved})
        return {"class": type(self).__name__, "hyperparameters": self.hyperparameters,
                "param_groups": groups, "state": state, "step_count": self.step_count,
                "num_params": len(self.params)}

    def load_state_dict(self, state_dict: dict[str, object]) -> None:
        """Restore the groups' hyperparameters, the buffers and the step count saved by
        :meth:`state_dict`.

        Everything is checked before anything changes, so a bad state dict leaves the optimizer
        as it was. Buffers are copied and cast to their parameter's dtype. A state dict saved
        before parameter groups existed (no ``"param_groups"``) loads into an optimizer with one
        group.

        Raises
        ------
        TypeError
            If ``state_dict`` is not a dict.
        ValueError
            If it is for another optimizer class, for a different number of parameters or
            groups, has missing or unexpected keys or hyperparameters, or holds a buffer of the
            wrong shape.
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
        saved_groups = state_dict.get("param_groups")
        first = dict(state_dict["hyperparameters"])  # the first group's, in both formats
        if saved_groups is None:  # saved before groups existed: one group
            if len(self.param_groups) != 1:
                raise ValueError(f"state_dict has no 'param_groups' (it was saved by a badak "
                                 f"without parameter groups, for one group); this optimizer "
                                 f"has {len(self.param_groups)} groups")
            if "weight_decay" in self._hyperparameter_names:  # came with the groups: off before
                first.setdefault("weight_decay", 0.0)
            saved_groups = [{"params": self._group_index[0], **first}]
        self._checked_group_values(first)
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            got = len(saved_groups) if isinstance(saved_groups, list) else \
                type(saved_groups).__name__
            raise ValueError(f"state_dict['param_groups'] must be a list of "
                             f"{len(self.param_groups)} groups like this optimizer's; "
                             f"received {got}")
        new_groups = []
        for k, (saved, index) in enumerate(zip(saved_groups, self._group_index)):
            if not isinstance(saved, dict) or list(saved.get("params", ())) != index:
                raise ValueError(f"state_dict['param_groups'][{k}] must hold the parameters "
                                 f"{index} like this optimizer's group {k}; received "
                                 f"{saved.get('params') if isinstance(saved, dict) else saved!r}")
            checked = self._checked_group_values(
                {key: v for key, v in saved.items()
                 if key != "params" and key not in self._GROUP_EXTRA_KEYS})
            extra = {key: saved[key] for key in self._GROUP_EXTRA_KEYS if key in saved}
            new_groups.append({**{n: checked[n] for n in self._hyperparameter_names}, **extra})
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

        for group, values in zip(self.param_groups, new_groups):
            group.update(values)
        self.state = new_state
        self.step_count = step_count

    def _checked_group_values(self, hp: dict) -> dict:
        """``hp`` checked to hold exactly this optimizer's hyperparameters, with valid values."""
        expected = set(self._hyperparameter_names)
        if set(hp) != expected:
            missing, unexpected = sorted(expected - set(hp)), sorted(set(hp) - expected)
            raise ValueError(f"state_dict hyperparameters must be {sorted(expected)}; "
                             f"missing {missing}, unexpected {unexpected}")
        return self._check_hyperparameters(hp)

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        n = len(self.params)
        groups = len(self.param_groups)
        more = f", {groups} groups" if groups > 1 else ""
        return (f"{type(self).__name__}({hp}; {n} parameter{'' if n == 1 else 's'}{more}, "
                f"step {self.step_count})")


def _jsonable(value):
    """Tuples (Adam's ``betas``) as lists, so that a state dict is plain JSON."""
    return list(value) if isinstance(value, tuple) else value


def _group_list(params) -> tuple[list[dict], bool]:
    """Return ``(groups, given_as_dicts)``: the parameter groups ``params`` describes."""
    if isinstance(params, Tensor):
        raise TypeError("params must be an iterable of tensors, e.g. model.parameters(); "
                        "received a single Tensor. Wrap it in a list: [w]")
    if isinstance(params, dict):
        raise TypeError("params must be an iterable of tensors, e.g. model.parameters(), or a "
                        "list of parameter-group dicts; received a dict (a state_dict holds "
                        "copies, not the parameters; wrap a group in a list: [group])")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(f"params must be an iterable of tensors, e.g. model.parameters(); "
                        f"received {type(params).__name__}") from None
    if not items:
        raise ValueError("params must contain at least one tensor; received an empty iterable")
    dicts = [isinstance(item, dict) for item in items]
    if all(dicts):
        return items, True
    if any(dicts):
        i = dicts.index(not dicts[0])
        raise TypeError(f"params must be all tensors or all parameter-group dicts; received "
                        f"params[0] a {type(items[0]).__name__} and params[{i}] a "
                        f"{type(items[i]).__name__}")
    return [{"params": items}], False


def _param_list(params, where: str = "params") -> list[Tensor]:
    """Check ``params`` and return it as a list of distinct floating-point tensors."""
    if isinstance(params, (set, frozenset)):
        raise TypeError(f"{where} must be an ordered iterable of tensors (a list); received a "
                        f"set, whose order changes from run to run")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(f"{where} must be an iterable of tensors, e.g. model.parameters(); "
                        f"received {type(params).__name__}") from None
    if not items:
        raise ValueError(f"{where} must contain at least one tensor; received an empty "
                         f"iterable")
    out, seen = [], set()
    for i, p in enumerate(items):
        if not isinstance(p, Tensor):
            hint = (" (named_parameters() yields (name, tensor) pairs; pass parameters())"
                    if isinstance(p, tuple) else "")
            raise TypeError(f"{where}[{i}] must be a Tensor; received {type(p).__name__}{hint}")
        if p.data.dtype.kind != "f":
            raise TypeError(f"{where}[{i}] must be a floating-point tensor; received dtype "
                            f"{p.data.dtype}")
        if not p.data.flags.writeable:
            raise ValueError(f"{where}[{i}] must own writable data to be updated in place; "
                             f"received a read-only array of shape {p.shape}")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out
