"""Learning-rate schedules: change each parameter group's ``lr`` as training goes on.

A scheduler wraps an optimizer and, each time its :meth:`~LRScheduler.step` is called (once per
epoch, usually), writes a new learning rate into every ``optimizer.param_groups[i]["lr"]``::

    opt = badak.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = badak.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)
        sched.step()

    badak.fit(model, x, y, optimizer=opt, scheduler=sched)   # fit calls step() once per epoch

The names, arguments, defaults and formulas are PyTorch's (``torch/optim/lr_scheduler.py``). The
schedules are computed from their closed forms (PyTorch's ``_get_closed_form_lr``) from the
group's ``initial_lr``, the same numbers as PyTorch's step-by-step forms; a learning rate changed
by hand between steps is overwritten at the next step (ReduceLROnPlateau, which only ever
multiplies the current rate, keeps it).

``requires_metric`` tells a training loop how to call :meth:`step`: ``scheduler.step()`` for the
schedules of epochs, ``scheduler.step(value)`` (e.g. the validation loss) for
:class:`ReduceLROnPlateau`.

Sources: PyTorch's ``torch/optim/lr_scheduler.py``; Loshchilov and Hutter, "SGDR: Stochastic
Gradient Descent with Warm Restarts" (ICLR 2017) for the cosine schedule; Smith and Topin,
"Super-Convergence" (2017) for the one-cycle policy.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections.abc import Callable, Iterable

from badak._validation import check_bool, check_choice, check_number, check_positive_int
from badak.optim.optimizer import Optimizer


def _check_optimizer(optimizer) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a badak.optim.Optimizer; received "
                        f"{type(optimizer).__name__}")
    return optimizer


def _per_group(name: str, value, n: int) -> list[float]:
    """``value`` (one number >= 0, or a list of ``n``) as one number per parameter group."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must be one number or a list of {n} (one per parameter "
                             f"group); received a list of {len(value)}")
        return [check_number(f"{name}[{i}]", v, low=0.0) for i, v in enumerate(value)]
    return [check_number(name, value, low=0.0)] * n


def _check_last_epoch(last_epoch) -> int:
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, numbers.Integral) or \
            last_epoch < -1:
        raise ValueError(f"last_epoch must be an integer >= -1 (-1: start a new schedule); "
                         f"received last_epoch={last_epoch!r}")
    return int(last_epoch)


class LRScheduler:
    """Base class: a schedule of learning rates, one per parameter group.

    Subclasses implement :meth:`get_lr`, the learning rates at epoch ``self.last_epoch`` from
    ``self.base_lrs``.

    Parameters
    ----------
    optimizer : Optimizer
        Whose groups' ``lr`` the schedule sets.
    last_epoch : int, default=-1
        The index of the last epoch done; -1 starts a new schedule (and records every group's
        ``lr`` as its ``initial_lr``). To resume, give the epoch reached: every group must then
        have its ``initial_lr`` (restored with the optimizer's state dict).

    Attributes
    ----------
    requires_metric : bool
        False: :meth:`step` takes no argument (True only for :class:`ReduceLROnPlateau`).
    base_lrs : list of float
        Each group's ``initial_lr``.
    last_epoch : int
        How many times :meth:`step` has been called since epoch 0.
    """

    requires_metric: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = _check_optimizer(optimizer)
        last_epoch = _check_last_epoch(last_epoch)
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming an optimizer (last_epoch={last_epoch}); "
                                   f"restore the optimizer's state_dict first")
        self.base_lrs: list[float] = [float(group["initial_lr"]) for group in groups]
        self.last_epoch = last_epoch
        self.step()  # epoch 0 (or the next one when resuming), as PyTorch does

    def get_lr(self) -> list[float]:
        """The learning rate of each group at epoch ``self.last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr")

    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the optimizer's groups."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last :meth:`step`, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (and functions), as plain data."""
        return {key: (list(value) if isinstance(value, list) else value)
                for key, value in self.__dict__.items() if key not in self._not_saved}

    _not_saved: tuple[str, ...] = ("optimizer",)

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a schedule saved by :meth:`state_dict` (same class and settings).

        Raises
        ------
        TypeError
            If ``state_dict`` is not a dict.
        ValueError
            If its keys are not this scheduler's.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict made by {type(self).__name__}."
                            f"state_dict(); received {type(state_dict).__name__}")
        own = set(self.state_dict())
        if set(state_dict) != own:
            missing, unexpected = sorted(own - set(state_dict)), sorted(set(state_dict) - own)
            raise ValueError(f"state_dict does not match {type(self).__name__}: missing "
                             f"{missing}, unexpected {unexpected}")
        self.__dict__.update({key: (list(v) if isinstance(v, list) else v)
                              for key, v in state_dict.items()})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.get_last_lr()})"


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs:
    :math:`\eta_t = \eta_0\, \gamma^{\lfloor t / \text{step\_size} \rfloor}`.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Epochs between two decays, >= 1.
    gamma : float, default=0.1
        The factor, > 0.
    last_epoch : int, default=-1
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = check_positive_int("step_size", step_size)
        self.gamma = check_number("gamma", gamma, low=0.0, low_inclusive=False)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        k = self.last_epoch // self.step_size
        return [base * self.gamma ** k for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` at each milestone epoch:
    :math:`\eta_t = \eta_0\, \gamma^{\#\{m \in \text{milestones} : m \le t\}}`.

    Parameters
    ----------
    optimizer : Optimizer
    milestones : list of int
        Epochs (>= 0) at which to decay; a milestone listed twice decays twice (as in PyTorch).
    gamma : float, default=0.1
        The factor, > 0.
    last_epoch : int, default=-1
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            raise TypeError(f"milestones must be a list of epochs (integers >= 0); received "
                            f"milestones={milestones!r}")
        self.milestones = sorted(check_positive_int(f"milestones[{i}]", m, allow_zero=True)
                                 for i, m in enumerate(milestones))
        self.gamma = check_number("gamma", gamma, low=0.0, low_inclusive=False)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        k = bisect_right(self.milestones, self.last_epoch)
        return [base * self.gamma ** k for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every epoch: :math:`\eta_t = \eta_0\,\gamma^t`.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The factor, > 0.
    last_epoch : int, default=-1
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_number("gamma", gamma, low=0.0, low_inclusive=False)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Half a cosine from the initial rate down to ``eta_min`` over ``T_max`` epochs:

    .. math::

        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
            \left(1 + \cos\frac{\pi t}{T_{max}}\right)

    (and back up after ``T_max``, as the cosine continues; PyTorch's closed form).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        The number of epochs of the descent, >= 1.
    eta_min : float, default=0.0
        The lowest rate, >= 0.
    last_epoch : int, default=-1
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        self.T_max = check_positive_int("T_max", T_max)
        self.eta_min = check_number("eta_min", eta_min, low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        c = (1.0 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2.0
        return [self.eta_min + (base - self.eta_min) * c for base in self.base_lrs]


class LambdaLR(LRScheduler):
    r"""The initial rate times a function of the epoch: :math:`\eta_t = \eta_0\,
    \lambda(t)`, e.g. a linear warm-up ``lambda epoch: min(1.0, (epoch + 1) / 5)``.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``epoch -> factor``; one function for every group, or one per group.
    last_epoch : int, default=-1

    Notes
    -----
    :meth:`state_dict` leaves the functions out (they cannot be saved as data); build the
    scheduler with the same functions before loading.
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list,
                 last_epoch: int = -1) -> None:
        n = len(_check_optimizer(optimizer).param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"lr_lambda must be one function or a list of {n} (one per "
                                 f"parameter group); received a list of {len(lr_lambda)}")
            lambdas = list(lr_lambda)
        else:
            lambdas = [lr_lambda] * n
        for i, f in enumerate(lambdas):
            if not callable(f):
                raise TypeError(f"lr_lambda must be a function of the epoch (or a list of "
                                f"them); received {type(f).__name__} for group {i}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        out = []
        for i, (f, base) in enumerate(zip(self.lr_lambdas, self.base_lrs)):
            factor = f(self.last_epoch)
            if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or \
                    not math.isfinite(factor):
                raise ValueError(f"lr_lambda must return a finite number; group {i}'s "
                                 f"function returned {factor!r} at epoch {self.last_epoch}")
            out.append(base * float(factor))
        return out


class OneCycleLR(LRScheduler):
    r"""The one-cycle policy: warm up to ``max_lr``, then anneal far below the start, with the
    momentum moving the other way. Stepped once per BATCH in PyTorch (``total_steps`` in all);
    ``badak.fit`` steps a scheduler once per epoch, so with fit give ``total_steps=epochs``.

    From ``initial_lr = max_lr / div_factor`` up to ``max_lr`` over the first
    ``pct_start * total_steps - 1`` steps, then down to ``initial_lr / final_div_factor`` at step
    ``total_steps - 1`` (with ``three_phase``: up, back down to ``initial_lr``, then down to the
    minimum). Each phase is a half cosine, :math:`a_{end} + \tfrac12(a_{start} - a_{end})
    (1 + \cos \pi p)`, or a straight line (``anneal_strategy='linear'``).

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        The peak rate (per group).
    total_steps : int, optional
        The number of steps of the cycle; or give ``epochs`` and ``steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
    pct_start : float, default=0.3
        The fraction of the cycle spent increasing the rate, in [0, 1].
    anneal_strategy : {'cos', 'linear'}, default='cos'
    cycle_momentum : bool, default=True
        Move the momentum (SGD's ``momentum``, AdamW's ``betas[0]``, Adam's ``beta1``) between
        ``max_momentum`` and ``base_momentum`` inversely to the rate.
    base_momentum, max_momentum : float, default=0.85, 0.95
    div_factor : float, default=25.0
    final_div_factor : float, default=1e4
    three_phase : bool, default=False
    last_epoch : int, default=-1
        The index of the last BATCH done.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float = 0.85, max_momentum: float = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1) -> None:
        groups = _check_optimizer(optimizer).param_groups
        if total_steps is not None:
            self.total_steps = check_positive_int("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (check_positive_int("epochs", epochs)
                                * check_positive_int("steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"You must define either total_steps OR (epochs AND "
                             f"steps_per_epoch); received total_steps={total_steps}, "
                             f"epochs={epochs}, steps_per_epoch={steps_per_epoch}")
        pct_start = check_number("pct_start", pct_start, low=0.0, high=1.0)
        self.anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
        self.cycle_momentum = check_bool("cycle_momentum", cycle_momentum)
        self.three_phase = check_bool("three_phase", three_phase)
        div_factor = check_number("div_factor", div_factor, low=0.0, low_inclusive=False)
        final_div_factor = check_number("final_div_factor", final_div_factor, low=0.0,
                                        low_inclusive=False)
        max_lrs = _per_group("max_lr", max_lr, len(groups))
        n = self.total_steps
        if self.three_phase:
            ends = [pct_start * n - 1, 2 * pct_start * n - 2, n - 1]
        else:
            ends = [pct_start * n - 1, n - 1]
        self._phase_ends = [float(e) for e in ends]
        self.max_lrs = max_lrs
        self.initial_lrs = [m / div_factor for m in max_lrs]
        self.min_lrs = [lr / final_div_factor for lr in self.initial_lrs]
        self._momentum_key = None
        if self.cycle_momentum:
            names = optimizer._hyperparameter_names
            key = next((k for k in ("momentum", "betas", "beta1") if k in names), None)
            if key is None:
                raise ValueError(f"optimizer must support momentum or beta1 with the "
                                 f"cycle_momentum option enabled; {type(optimizer).__name__} has "
                                 f"none (pass cycle_momentum=False)")
            self._momentum_key = key
            self.base_momentums = _per_group("base_momentum", base_momentum, len(groups))
            self.max_momentums = _per_group("max_momentum", max_momentum, len(groups))
        if _check_last_epoch(last_epoch) == -1:
            for group, lr, m in zip(groups, self.initial_lrs,
                                    getattr(self, "max_momentums", [None] * len(groups))):
                group["initial_lr"] = lr
                if m is not None:
                    self._set_momentum(group, m)
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict, m: float) -> None:
        key = self._momentum_key
        if key == "betas":
            group["betas"] = (m, group["betas"][1])
        else:
            group[key] = m

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps "
                             f"is {self.total_steps}")
        lrs = []
        groups = self.optimizer.param_groups
        for i, group in enumerate(groups):
            lr_points = [self.initial_lrs[i], self.max_lrs[i], self.min_lrs[i]]
            if self.three_phase:
                lr_path = [(lr_points[0], lr_points[1]), (lr_points[1], lr_points[0]),
                           (lr_points[0], lr_points[2])]
            else:
                lr_path = [(lr_points[0], lr_points[1]), (lr_points[1], lr_points[2])]
            if self.cycle_momentum:
                lo, hi = self.base_momentums[i], self.max_momentums[i]
                m_path = [(hi, lo), (lo, hi), (hi, hi)] if self.three_phase else \
                    [(hi, lo), (lo, hi)]
            start = 0.0
            for k, end in enumerate(self._phase_ends):
                if step <= end or k == len(self._phase_ends) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(self._anneal(*lr_path[k], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(*m_path[k], pct))
                    break
                start = end
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Divide the learning rate when a metric (the validation loss, say) stops improving.

    ``step(value)`` counts the epochs since the best value; after more than ``patience`` of
    them, every group's rate is multiplied by ``factor`` (not below ``min_lr``; a change smaller
    than ``eps`` is skipped), then ``cooldown`` epochs pass before counting again. A value is an
    improvement when it beats the best by more than ``threshold``: relatively
    (``threshold_mode='rel'``: ``value < best * (1 - threshold)`` in mode 'min') or absolutely
    (``'abs'``: ``value < best - threshold``).

    Parameters
    ----------
    optimizer : Optimizer
    mode : {'min', 'max'}, default='min'
        Whether the metric should go down (a loss) or up (an accuracy).
    factor : float, default=0.1
        In (0, 1).
    patience : int, default=10
        Epochs without improvement tolerated, >= 0.
    threshold : float, default=1e-4
        >= 0.
    threshold_mode : {'rel', 'abs'}, default='rel'
    cooldown : int, default=0
        Epochs to wait after a reduction, >= 0.
    min_lr : float or list of float, default=0.0
        The lowest rate (per group), >= 0.
    eps : float, default=1e-8
        >= 0.

    Attributes
    ----------
    requires_metric : bool
        True: call ``step(value)`` with the monitored value.
    """

    requires_metric: bool = True

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0.0, eps: float = 1e-8) -> None:
        groups = _check_optimizer(optimizer).param_groups
        self.optimizer = optimizer
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_number("factor", factor, low=0.0, high=1.0, low_inclusive=False,
                                   high_inclusive=False)
        self.patience = check_positive_int("patience", patience, allow_zero=True)
        self.threshold = check_number("threshold", threshold, low=0.0)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_positive_int("cooldown", cooldown, allow_zero=True)
        self.min_lrs = _per_group("min_lr", min_lr, len(groups))
        self.eps = check_number("eps", eps, low=0.0)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in groups]

    def _is_better(self, a: float) -> bool:
        best, th = self.best, self.threshold
        if self.mode == "min":
            return a < best * (1.0 - th) if self.threshold_mode == "rel" else a < best - th
        return a > best * (th + 1.0) if self.threshold_mode == "rel" else a > best + th

    def step(self, metrics: float) -> None:  # type: ignore[override]
        """Record this epoch's value of the monitored metric; reduce the rates if it stalled."""
        value = metrics.item() if hasattr(metrics, "item") else metrics
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"metrics must be a real number (e.g. the validation loss); "
                            f"received metrics={metrics!r} (type {type(metrics).__name__})")
        current = float(value)  # NaN is never an improvement: a bad epoch, as in PyTorch
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, low)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> list[float]:
        return self.get_last_lr()


__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "MultiStepLR",
           "OneCycleLR", "ReduceLROnPlateau", "StepLR"]
