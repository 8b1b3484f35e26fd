"""Use a trained model: ``predict`` its outputs and ``evaluate`` its loss and metrics on data.

Both run the model in eval mode (dropout off) without recording a graph, in chunks of rows so that
memory stays bounded, and put the model back in the mode it was in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from badak._validation import check_positive_int
from badak.autograd import no_grad
from badak.tensor import Tensor
from badak.training._inputs import (
    as_sample_array,
    check_features,
    check_pair,
    model_dtype,
    prepare_targets,
    resolve_loss,
    resolve_metrics,
)

__all__ = ["evaluate", "predict"]


def forward_in_chunks(model, x: np.ndarray, chunk: int) -> np.ndarray:
    """Outputs of ``model`` on the rows of ``x`` (already of the model's dtype), ``chunk`` rows
    at a time, in eval mode and without a graph; the model's mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            parts = [model(Tensor._make(x[i:i + chunk], False)).data
                     for i in range(0, len(x), chunk)]             # each (chunk, ...)
    finally:
        model.train(was_training)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)  # (N, ...)


def score(model, x: np.ndarray, y: np.ndarray, loss_fn: Callable | None,
          metric_fns: dict[str, Callable], chunk: int, prefix: str = "") -> dict[str, float]:
    """Loss (mean over all rows) and metrics of prepared arrays, keys prefixed with ``prefix``."""
    out = forward_in_chunks(model, x, chunk)
    logs: dict[str, float] = {}
    if loss_fn is not None:
        with no_grad():
            logs[prefix + "loss"] = float(loss_fn(Tensor._make(out, False), y).data)
    for name, fn in metric_fns.items():
        logs[prefix + name] = fn(y, out)
    return logs


def predict(model, x, batch_size: int = 1024) -> np.ndarray:
    """Return the model's outputs for the rows of ``x``, as a NumPy array.

    Parameters
    ----------
    model : Module
    x : array_like or Tensor of shape (N, ...)
    batch_size : int, default=1024
        Rows per forward pass (the result does not depend on it, up to rounding).
    """
    x = as_sample_array("x", x)
    batch_size = check_positive_int("batch_size", batch_size)
    check_features(model, x)
    return forward_in_chunks(model, x.astype(model_dtype(model), copy=False), batch_size)


def evaluate(model, x, y, loss=None, metrics=(), batch_size: int = 1024) -> dict[str, float]:
    """Return the loss and metrics of ``model`` on ``(x, y)``.

    Parameters
    ----------
    model : Module
    x, y : array_like or Tensor
        Inputs and targets, as for :func:`badak.fit` (y of shape (N,) is reshaped to (N, 1) for
        a model with one output).
    loss : str, loss module, callable or None, default=None
        If given, ``'loss'`` is in the result: the mean over all rows.
    metrics : sequence of str, default=()
        Names among ``badak.metrics.METRICS``.
    batch_size : int, default=1024
        Rows per forward pass.

    Returns
    -------
    dict of str to float
        ``{'loss': ..., 'mae': ...}``.

    Examples
    --------
    >>> evaluate(model, x_test, y_test, metrics=('mae',))   # doctest: +SKIP
    {'mae': 2.49}
    """
    x, y = check_pair(x, y)
    batch_size = check_positive_int("batch_size", batch_size)
    loss_fn, _, is_ce = resolve_loss(loss) if loss is not None else (None, None, False)
    metric_fns = resolve_metrics(metrics)
    check_features(model, x)
    dtype = model_dtype(model)
    x = x.astype(dtype, copy=False)
    if loss_fn is None and "accuracy" in metric_fns and y.dtype.kind != "f":
        is_ce = True                                   # labels: keep them integers
    y, _ = prepare_targets(model, loss_fn, is_ce, x, y, dtype)
    return score(model, x, y, loss_fn, metric_fns, batch_size)
