"""The optional parts of ``fit`` that Keras and PyTorch users reach for, checked before any step:

- ``validation_split``: hold out the *last* fraction of the data, before any shuffling (Keras);
- a learning-rate ``scheduler`` stepped once per epoch (PyTorch's ``scheduler.step()``);
- ``resume_from``: continue a run from a checkpoint file in one call;
- the float32 overflow check: data finite in float64 but too large for the model's dtype.

Sources: Keras, ``keras/src/trainers/data_adapters/data_adapter_utils.py``
(``train_validation_split``: ``split_at = floor(n * (1 - validation_split))``); PyTorch,
``torch/optim/lr_scheduler.py`` (``step()``, ``ReduceLROnPlateau.step(metrics)``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_overflow", "check_scheduler", "load_resume", "scheduler_monitor",
           "split_validation"]


def split_validation(validation_split, n: int) -> int:
    """Return ``split_at``: rows ``[:split_at]`` train, ``[split_at:]`` validate (Keras)."""
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) \
            or not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be a float in [0, 1), the fraction of the data "
                         f"(its last rows) held out for validation; received "
                         f"validation_split={validation_split!r}")
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if validation_split > 0 and (split_at == 0 or split_at == n):
        raise ValueError(f"validation_split={validation_split} of {n} samples leaves "
                         f"{'no training' if split_at == 0 else 'no validation'} sample; "
                         f"use a fraction that keeps at least one of each")
    return split_at


def check_overflow(name: str, a: np.ndarray, dtype) -> None:
    """Raise if ``a`` (finite) holds values that become inf when cast to ``dtype``."""
    if a.dtype.kind != "f" or np.dtype(dtype).itemsize >= a.dtype.itemsize:
        return
    largest = float(np.finfo(dtype).max)
    big = float(np.abs(a).max()) if a.size else 0.0
    if big > largest:
        raise ValueError(f"{name} holds values too large for the model's dtype "
                         f"{np.dtype(dtype).name} (largest finite {largest:.4g}): |{name}| "
                         f"reaches {big:.4g}, which would become inf. No learning rate can help "
                         f"with that: rescale {name} (e.g. badak.data.StandardScaler, or divide "
                         f"by a constant)")


def check_scheduler(scheduler, optimizer) -> None:
    """Refuse what is not a scheduler, or one built on another optimizer."""
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"scheduler must be a learning-rate scheduler with a step() method, "
                        f"such as badak.optim.lr_scheduler.StepLR(optimizer, step_size=10); "
                        f"received {type(scheduler).__name__} without step()")
    requires = getattr(scheduler, "requires_metric", False)
    if not isinstance(requires, bool):
        raise TypeError(f"scheduler.requires_metric must be a bool; received "
                        f"{type(requires).__name__} on {type(scheduler).__name__}")
    own = getattr(scheduler, "optimizer", None)
    if own is not None and own is not optimizer:
        raise ValueError(f"scheduler must be built on the optimizer fit trains with; received "
                         f"a {type(scheduler).__name__} of another optimizer. Build the "
                         f"optimizer first and pass it to both: opt = badak.optim.SGD("
                         f"model.parameters(), lr=0.1); fit(..., optimizer=opt, "
                         f"scheduler=StepLR(opt, 10))")


def scheduler_monitor(scheduler, keys: list[str], has_validation: bool) -> str | None:
    """The logged value a metric-driven scheduler steps on, checked against the logs' keys:
    its ``monitor`` attribute if it has one, else ``val_loss`` with validation data, else
    ``loss``. None for a scheduler that steps without a value."""
    if not scheduler.requires_metric:
        return None
    monitor = getattr(scheduler, "monitor", None)
    if monitor is None:
        return "val_loss" if has_validation else "loss"
    if monitor not in keys:
        hint = " (pass validation_data or validation_split to fit)" \
            if isinstance(monitor, str) and monitor.startswith("val_") else ""
        raise ValueError(f"scheduler.monitor must be one of the logged values {keys}; received "
                         f"monitor={monitor!r}{hint}")
    return monitor


def load_resume(resume_from, model, optimizer, initial_epoch: int, epochs: int):
    """Load the checkpoint ``resume_from`` into ``model`` and ``optimizer`` (in place) and
    return it (its ``.epoch``, ``.history`` and generator state serve the rest of fit)."""
    import os

    from badak.persistence import load_checkpoint

    try:
        path = os.fspath(resume_from)
    except TypeError:
        raise TypeError(f"resume_from must be the path (str or os.PathLike) of a checkpoint "
                        f"written by ModelCheckpoint or save_checkpoint; received "
                        f"resume_from={resume_from!r}") from None
    if initial_epoch:
        raise ValueError(f"initial_epoch and resume_from cannot both be given: resume_from "
                         f"starts at the epoch stored in the checkpoint; received "
                         f"initial_epoch={initial_epoch}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"resume_from must be the path of a checkpoint file written by "
                                f"ModelCheckpoint; received resume_from={path!r}, which does "
                                f"not exist")
    ckpt = load_checkpoint(path)
    if ckpt.epoch > epochs:
        raise ValueError(f"epochs must be at least the {ckpt.epoch} epochs already done in "
                         f"resume_from={path!r}; received epochs={epochs}")
    if ckpt.optimizer_state is None:
        raise ValueError(f"resume_from={path!r} holds no optimizer state (it was saved with "
                         f"save_optimizer=False), so the run could not go on as it would have; "
                         f"save checkpoints with ModelCheckpoint(path, save_optimizer=True)")
    try:
        model.load_state_dict(ckpt.model.state_dict())
        optimizer.load_state_dict(ckpt.optimizer_state)
    except ValueError as err:
        raise ValueError(f"resume_from={path!r} does not fit this model and optimizer: {err}") \
            from err
    return ckpt
