"""Callbacks: code that ``fit`` runs at the start and end of training and after every epoch.

A callback sees the training loop through ``self.loop`` (the model, the optimizer, the history so
far) and may end training early by setting ``self.loop.stop_training = True``. Two are provided:

- :class:`EarlyStopping` stops when a monitored value (``val_loss`` by default) has not improved
  for ``patience`` epochs, and puts back the weights of the best epoch;
- :class:`ModelCheckpoint` saves the model (and the optimizer's state) to a file after each epoch,
  or only when the monitored value improves.

Epochs are counted from 0, as in Keras: the hooks of the epoch that ``fit`` prints as
"Epoch 1/10" receive ``epoch=0``, and ``best_epoch``, ``stopped_epoch`` count the same way.
``ModelCheckpoint`` fills ``{epoch}`` in a file name with ``epoch + 1`` (the epochs completed),
as Keras does. There are no per-batch hooks: ``fit`` runs
tens of thousands of steps per run (batch size 1 on Boston housing) and keeps each one lean.

Sources: Keras, ``keras/src/callbacks/early_stopping.py`` and ``model_checkpoint.py`` (the
arguments ``monitor``, ``patience``, ``min_delta``, ``mode``, ``restore_best_weights``,
``save_best_only`` and their meaning); L. Prechelt, "Early Stopping — But When?" (1998).
"""

from __future__ import annotations

import math
import os
from typing import Any

from badak._validation import check_bool, check_choice, check_number, check_positive_int
from badak.training.history import resolve_mode

__all__ = ["Callback", "EarlyStopping", "FitLoop", "ModelCheckpoint"]


class FitLoop:
    """What a callback may see and steer of a running ``fit``.

    Attributes
    ----------
    model : Module
    optimizer : Optimizer
    history : History
        The epochs completed so far.
    params : dict
        The run's settings (``epochs``, ``batch_size``, ``samples``, ``steps``, ...).
    rng : numpy.random.Generator
        The generator that shuffles the batches.
    stop_training : bool
        Set it to True to end training after the current epoch.
    """

    def __init__(self, model, optimizer, history, params: dict[str, Any], rng) -> None:
        self.model = model
        self.optimizer = optimizer
        self.history = history
        self.params = params
        self.rng = rng
        self.stop_training = False


class Callback:
    """Base class: override the hooks you need; each does nothing by default."""

    loop: FitLoop | None = None

    def set_loop(self, loop: FitLoop) -> None:
        """Called by ``fit`` before ``on_train_begin``."""
        self.loop = loop

    @property
    def model(self):
        """The model being trained."""
        return None if self.loop is None else self.loop.model

    def on_train_begin(self) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, epoch: int) -> None:
        """Before epoch ``epoch`` (counted from 0, as in Keras)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        """After epoch ``epoch`` (from 0); ``logs`` holds its loss, metrics and val_ values."""

    def on_train_end(self) -> None:
        """After the last epoch (also after an early stop, not after an exception)."""


def _resolve_mode(monitor: str, mode: str) -> str:
    """'auto' means 'max' for accuracy-like and r2 values, 'min' for losses and errors."""
    check_choice("mode", mode, ("auto", "min", "max"))
    return resolve_mode(monitor, mode)


def _improved(value: float, best: float, mode: str, min_delta: float) -> bool:
    """True if ``value`` beats ``best`` by more than ``min_delta`` (NaN never improves)."""
    if not math.isfinite(value):
        return False
    if mode == "min":
        return value < best - min_delta
    return value > best + min_delta


def _monitored(monitor: str, logs: dict[str, float], owner: str) -> float:
    if monitor not in logs:
        hint = " (pass validation_data to fit, or monitor 'loss')" \
            if monitor.startswith("val_") else ""
        raise ValueError(f"monitor of {owner} must be one of the logged values {list(logs)}; "
                         f"received monitor={monitor!r}{hint}")
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    After each epoch the value ``v = logs[monitor]`` is compared with the best so far. It
    improves when ``v < best - min_delta`` (mode 'min') or ``v > best + min_delta`` (mode 'max').
    After ``patience`` epochs in a row without improvement, training stops.

    Parameters
    ----------
    monitor : str, default='val_loss'
        A key of the epoch logs: ``'loss'``, ``'val_loss'``, ``'val_mae'``, ...
    patience : int, default=10
        Number of epochs without improvement to tolerate (0 stops at the first one).
    min_delta : float, default=0.0
        The smallest change that counts as an improvement.
    mode : {'auto', 'min', 'max'}, default='auto'
        'auto' maximises accuracy and r2 and minimises everything else.
    restore_best_weights : bool, default=True
        If True, the model gets the weights of the best epoch back when training ends (whether
        or not it stopped early), so it is the model whose validation score was reported as
        best. The history still shows every epoch that ran.

    Attributes
    ----------
    best : float
        The best value seen.
    best_epoch : int or None
        The epoch (from 0, as in Keras) that reached it.
    stopped_epoch : int or None
        The epoch (from 0) after which training stopped, or None if it ran to the end.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 10, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a str such as 'val_loss'; received "
                            f"monitor={monitor!r}")
        self.monitor = monitor
        self.patience = check_positive_int("patience", patience, allow_zero=True)
        self.min_delta = abs(check_number("min_delta", min_delta, low=0.0))
        self.mode = _resolve_mode(monitor, mode)
        self.restore_best_weights = check_bool("restore_best_weights", restore_best_weights)
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.best_weights: dict | None = None
        self.stopped_epoch: int | None = None
        self.wait = 0

    def on_train_begin(self) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        value = _monitored(self.monitor, logs, "EarlyStopping")
        if _improved(value, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()     # copies
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.loop.stop_training = True

    def on_train_end(self) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r}, "
                f"restore_best_weights={self.restore_best_weights})")


class ModelCheckpoint(Callback):
    """Save the model (and optionally the optimizer's state) after each epoch.

    The file is written by :func:`badak.persistence.save_checkpoint`: a NumPy ``.npz`` with the
    architecture as JSON, written atomically, never pickled. It holds the epoch (from 1: the
    epochs completed), the optimizer's step count, the state of the generator that shuffles the
    batches (at the epoch boundary), the history so far and, as metadata, this epoch's logs.
    Resume training with ``fit(model, x, y, ..., resume_from=path)``: the run then ends with the
    weights it would have had if it had never stopped (see :func:`badak.fit`).

    Parameters
    ----------
    path : str or os.PathLike
        Where to write. It may contain fields filled in with the epoch and the logs, e.g.
        ``'ckpt-{epoch:03d}-{val_loss:.3f}.npz'`` (``epoch`` is the number of epochs completed,
        from 1, as in Keras); without fields the file is overwritten.
    monitor : str, default='val_loss'
        The value that decides what is "best" when ``save_best_only`` is True.
    save_best_only : bool, default=False
        If True, save only after epochs that improve ``monitor``.
    save_optimizer : bool, default=True
        If True, the optimizer's state (moments, step count) goes into the file too, so that
        training can resume exactly where it stopped.
    mode : {'auto', 'min', 'max'}, default='auto'
        As in :class:`EarlyStopping`.

    Attributes
    ----------
    saved : list of str
        The paths written, in order.
    best : float
        The best monitored value (when ``save_best_only``).
    """

    def __init__(self, path, monitor: str = "val_loss", save_best_only: bool = False,
                 save_optimizer: bool = True, mode: str = "auto") -> None:
        try:
            self.path = os.fspath(path)
        except TypeError:
            raise TypeError(f"path must be a str or os.PathLike; received path={path!r}") \
                from None
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a str such as 'val_loss'; received "
                            f"monitor={monitor!r}")
        self.monitor = monitor
        self.save_best_only = check_bool("save_best_only", save_best_only)
        self.save_optimizer = check_bool("save_optimizer", save_optimizer)
        self.mode = _resolve_mode(monitor, mode)
        self.saved: list[str] = []
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_train_begin(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only:
            value = _monitored(self.monitor, logs, "ModelCheckpoint")
            if not _improved(value, self.best, self.mode, 0.0):
                return
            self.best = value
        done = epoch + 1                                 # epochs completed
        path = self.path.format(epoch=done, **logs) if "{" in self.path else self.path
        from badak.persistence import save_checkpoint  # lazy: only when a file is written

        loop = self.loop
        optimizer = loop.optimizer if self.save_optimizer else None
        save_checkpoint(path, loop.model, optimizer, done,
                        step=getattr(loop.optimizer, "step_count", 0), rng=loop.rng,
                        history=loop.history.history,
                        metadata={"logs": {k: float(v) for k, v in logs.items()},
                                  "monitor": self.monitor})
        self.saved.append(path)

    def __repr__(self) -> str:
        return (f"ModelCheckpoint({self.path!r}, monitor={self.monitor!r}, "
                f"save_best_only={self.save_best_only}, save_optimizer={self.save_optimizer})")
