"""The record of a training run: one value per epoch for the loss and every metric.

``fit`` returns a :class:`History`, as Keras' ``model.fit`` does. ``history.history['val_mae']``
is the list of validation MAEs, epoch by epoch: the curves of the Boston housing notebook are
drawn from it.

Source: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), section 4.3.4 (plotting
``history.history['val_mae']`` averaged over the folds).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["History", "resolve_mode"]

MAXIMIZED = ("accuracy", "acc", "r2")
"""Metric names whose larger values are better (with or without the ``val_`` prefix), as are
Keras' ``categorical_accuracy`` and every other name ending in ``_accuracy``."""


def resolve_mode(monitor: str, mode: str = "auto") -> str:
    """Return 'min' or 'max' for ``monitor``: 'auto' means 'max' for accuracy-like values and
    r2 (:data:`MAXIMIZED`), 'min' for losses and errors. Shared by :meth:`History.best`,
    ``EarlyStopping`` and ``ModelCheckpoint``, so that they agree on what "best" means."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be one of {{'auto', 'min', 'max'}}; received mode={mode!r}")
    if mode != "auto":
        return mode
    name = monitor[4:] if monitor.startswith("val_") else monitor
    return "max" if name in MAXIMIZED or name.endswith("_accuracy") else "min"


class History:
    """Per-epoch losses and metrics of one call to ``fit``.

    Attributes
    ----------
    history : dict of str to list of float
        ``'loss'``, then one key per metric (``'mae'``), then ``'val_loss'`` and ``'val_<metric>'``
        when validation data was given; each list holds one value per completed epoch.
    epoch : list of int
        The epoch indices, counted from 0 as in Keras (``[0, 1, ..., n - 1]``; the epoch printed
        "Epoch 1/n" is 0). A run resumed at ``initial_epoch`` continues the numbering.
    epoch_times : list of float
        Wall-clock seconds of each epoch, validation included (NaN for the epochs a resumed run
        took over from its checkpoint).
    params : dict
        The run's settings: ``epochs``, ``initial_epoch``, ``batch_size``, ``samples``,
        ``steps`` (per epoch), ``metrics``, ``loss``, ``optimizer``, ``shuffle``.
    stopped_early : bool
        True when a callback ended training before ``params['epochs']``.
    """

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.epoch_times: list[float] = []
        self.params: dict[str, Any] = dict(params or {})
        self.stopped_early = False

    def append(self, epoch: int, logs: dict[str, float], seconds: float) -> None:
        """Record the values ``logs`` of epoch ``epoch`` (used by ``fit``)."""
        self.epoch.append(int(epoch))
        self.epoch_times.append(float(seconds))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def extend(self, history: dict[str, list[float]]) -> None:
        """Take over the epochs of an earlier run (a checkpoint's ``history``), numbered on
        from this History's last epoch; their times are unknown (NaN)."""
        lengths = {len(values) for values in history.values()}
        if len(lengths) > 1:
            raise ValueError(f"history must hold one value per epoch for every key; received "
                             f"lists of lengths { {k: len(v) for k, v in history.items()} }")
        count = lengths.pop() if lengths else 0
        start = self.epoch[-1] + 1 if self.epoch else 0
        self.epoch += list(range(start, start + count))
        self.epoch_times += [math.nan] * count
        for key, values in history.items():
            self.history.setdefault(key, []).extend(float(v) for v in values)

    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"History has no key {key!r}; its keys are "
                           f"{list(self.history)}") from None

    def keys(self):
        """The recorded quantities, ``'loss'`` first."""
        return self.history.keys()

    def __len__(self) -> int:
        """Number of completed epochs."""
        return len(self.epoch)

    def last(self) -> dict[str, float]:
        """The values of the last completed epoch, as a dict."""
        return {key: values[-1] for key, values in self.history.items() if values}

    def best(self, monitor: str = "val_loss", mode: str = "auto") -> tuple[int, float]:
        """Return ``(epoch, value)`` of the best epoch for ``monitor`` (NaN values never win).

        ``mode='auto'`` (the default) picks the largest value for accuracy-like metrics and r2
        and the smallest for losses and errors, as ``EarlyStopping`` does; 'min' or 'max' force
        the direction.
        """
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a str such as 'val_loss'; received "
                            f"monitor={monitor!r}")
        mode = resolve_mode(monitor, mode)
        values = self[monitor]
        sign = 1.0 if mode == "min" else -1.0
        candidates = [(sign * v, i) for i, v in enumerate(values) if math.isfinite(v)]
        if not candidates:
            raise ValueError(f"{monitor} has no finite value to choose the best epoch from")
        _, i = min(candidates)
        return self.epoch[i], values[i]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy: ``history``, ``epoch``, ``epoch_times``, ``params``."""
        return {"history": {k: list(v) for k, v in self.history.items()},
                "epoch": list(self.epoch), "epoch_times": list(self.epoch_times),
                "params": dict(self.params), "stopped_early": self.stopped_early}

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v:.4g}" for k, v in self.last().items())
        return f"History(epochs={len(self)}{', ' if last else ''}{last})"

    def _repr_html_(self) -> str:
        """Jupyter's view: the curves (with matplotlib) and a table of the epochs."""
        from badak.interfaces.display import history_html

        return history_html(self)

    def _repr_png_(self) -> bytes | None:
        """The curves as PNG (None without matplotlib or before the first epoch)."""
        from badak.interfaces.display import history_png

        return history_png(self)
