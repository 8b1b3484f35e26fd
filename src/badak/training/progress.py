"""What ``fit`` prints while it trains.

- ``verbose=0``: nothing.
- ``verbose=1``: a tqdm progress bar per epoch when the output is a terminal (and tqdm is
  installed), otherwise one line per epoch, so that logs and notebooks saved to files stay short.
- ``verbose=2``: one line per epoch, always.

A line reads ``Epoch 3/100 - 0.21s - loss: 12.3456 - mae: 2.5432 - val_loss: ...`` (Keras' format).
tqdm is imported only when a bar is drawn; it is an optional dependency.
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["Progress", "format_logs"]


def format_logs(logs: dict[str, float]) -> str:
    """``'loss: 1.2346 - mae: 0.9000'``: each value with 4 decimals (or 4 significant digits)."""
    parts = []
    for key, value in logs.items():
        text = f"{value:.4f}" if 1e-3 <= abs(value) < 1e5 else f"{value:.4g}"
        parts.append(f"{key}: {text}")
    return " - ".join(parts)


class Progress:
    """Report epochs (and, with a bar, steps) to ``stream``.

    Parameters
    ----------
    verbose : {0, 1, 2}
        See the module docstring.
    epochs, steps : int
        Number of epochs, and of steps per epoch.
    stream : file-like, default=None
        Where to write; None means ``sys.stdout`` at the time of the call.

    Attributes
    ----------
    per_step : bool
        True when a bar is drawn: only then does ``fit`` call :meth:`step`, so that silent or
        line-per-epoch runs pay nothing per step.
    """

    def __init__(self, verbose: int, epochs: int, steps: int, stream: TextIO | None = None):
        if isinstance(verbose, bool) or verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be one of {{0, 1, 2}}; received verbose={verbose!r}")
        self.verbose = verbose
        self.epochs = epochs
        self.steps = steps
        self.stream = sys.stdout if stream is None else stream
        self._tqdm = self._bar_class() if verbose == 1 else None
        self.per_step = self._tqdm is not None
        # update the bar about 100 times per epoch at most: a tqdm call per step would cost more
        # than a small model's step
        self.every = max(1, steps // 100)
        self._bar = None

    def _bar_class(self):
        isatty = getattr(self.stream, "isatty", None)
        if isatty is None or not isatty():
            return None
        try:
            from tqdm import tqdm
        except ImportError:            # optional dependency: fall back to lines
            return None
        return tqdm

    def epoch_begin(self, epoch: int) -> None:
        if self._tqdm is not None:
            self._bar = self._tqdm(total=self.steps, desc=f"Epoch {epoch}/{self.epochs}",
                                   unit="step", file=self.stream, leave=True)

    def step(self, done: int) -> None:
        """Called with the number of steps done in this epoch, every ``self.every`` steps."""
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def epoch_end(self, epoch: int, logs: dict[str, float], seconds: float) -> None:
        if self.verbose == 0:
            return
        if self._bar is not None:
            self._bar.update(self.steps - self._bar.n)
            self._bar.set_postfix_str(format_logs(logs), refresh=True)
            self._bar.close()
            self._bar = None
            return
        print(f"Epoch {epoch}/{self.epochs} - {seconds:.2f}s - {format_logs(logs)}",
              file=self.stream, flush=True)

    def close(self) -> None:
        """Close a bar left open by an exception."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
