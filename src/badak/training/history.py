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

__all__ = ["History"]


class History:
    """Per-epoch losses and metrics of one call to ``fit``.

    Attributes
    ----------
    history : dict of str to list of float
        ``'loss'``, then one key per metric (``'mae'``), then ``'val_loss'`` and ``'val_<metric>'``
        when validation data was given; each list holds one value per completed epoch.
    epoch : list of int
        The epoch numbers, counted from 1 as printed (``[1, 2, ..., n]``; from
        ``initial_epoch + 1`` for a resumed run).
    epoch_times : list of float
        Wall-clock seconds of each epoch, validation included.
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

    def best(self, monitor: str = "val_loss", mode: str = "min") -> tuple[int, float]:
        """Return ``(epoch, value)`` of the best epoch for ``monitor`` (NaN values never win)."""
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be one of {{'min', 'max'}}; received mode={mode!r}")
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
