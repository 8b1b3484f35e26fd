"""Use a trained model: ``predict`` its outputs and ``evaluate`` its loss and metrics on data.

Both run the model in eval mode (dropout off) without recording a graph, in chunks of rows so that
memory stays bounded, and put the model back in the mode it was in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from badak._validation import check_positive_int
from badak.engine.autograd import no_grad
from badak.engine.tensor import Tensor
from badak.training._inputs import (
    as_inputs,
    check_features,
    check_inputs,
    model_dtype,
    prepare_targets,
    resolve_loss,
    resolve_metrics,
)
from badak.training._weights import per_sample_loss, weighted_loss

__all__ = ["evaluate", "predict"]

FIT_LOSS = "fit_loss"
"""The attribute ``fit`` sets on a model: the loss it was trained with, used by ``evaluate``."""


def forward_in_chunks(model, x: list[np.ndarray], chunk: int) -> np.ndarray:
    """Outputs of ``model`` on the rows of the inputs ``x`` (a list of arrays of the model's
    dtype, one per input), ``chunk`` rows at a time, in eval mode and without a graph; the model's
    mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            parts = [model(*[Tensor._make(a[i:i + chunk], False) for a in x]).data
                     for i in range(0, len(x[0]), chunk)]          # each (chunk, ...)
    finally:
        model.train(was_training)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)  # (N, ...)


def score(model, x: list[np.ndarray], y: np.ndarray, loss_fn: Callable | None,
          metric_fns: dict[str, Callable], chunk: int, prefix: str = "",
          weights: np.ndarray | None = None) -> dict[str, float]:
    """Loss (mean over all rows, weighted by ``weights`` if given) and metrics of prepared
    arrays, keys prefixed with ``prefix``."""
    out = forward_in_chunks(model, x, chunk)
    logs: dict[str, float] = {}
    if loss_fn is not None:
        with no_grad():
            prediction = Tensor._make(out, False)
            if weights is None:
                value = loss_fn(prediction, y)
            else:
                value = weighted_loss(per_sample_loss(loss_fn), prediction, y, weights)
            logs[prefix + "loss"] = float(value.data)
    for name, fn in metric_fns.items():
        logs[prefix + name] = fn(y, out)
    return logs


def predict(model, x, batch_size: int = 1024) -> np.ndarray:
    """Return the model's outputs for the rows of ``x``, as a NumPy array.

    Parameters
    ----------
    model : Module
    x : array_like or Tensor of shape (N, ...), or a list of them
        The inputs; a list of arrays ``[x1, x2]`` for a model called as ``model(x1, x2)``.
    batch_size : int, default=1024
        Rows per forward pass (the result does not depend on it, up to rounding).
    """
    xs = as_inputs("x", x)
    batch_size = check_positive_int("batch_size", batch_size)
    if len(xs) == 1:
        check_features(model, xs[0])
    dtype = model_dtype(model)
    return forward_in_chunks(model, [a.astype(dtype, copy=False) for a in xs], batch_size)


def evaluate(model, x, y, loss=None, metrics=(), batch_size: int = 1024) -> dict[str, float]:
    """Return the loss and metrics of ``model`` on ``(x, y)``.

    Parameters
    ----------
    model : Module
    x, y : array_like or Tensor
        Inputs and targets, as for :func:`badak.fit` (y of shape (N,) is reshaped to (N, 1) for
        a model with one output; x a list ``[x1, x2]`` for a model with two inputs).
    loss : str, loss module, callable or None, default=None
        ``'loss'`` in the result is the mean over all rows of this loss. When None, the loss the
        model was last trained with by :func:`badak.fit` (its ``fit_loss`` attribute), as
        Keras' ``evaluate`` reports the compiled loss; a model never trained by ``fit`` then
        needs ``loss=`` or ``metrics=``.
    metrics : sequence of str, default=()
        Names among ``badak.metrics.METRICS``.
    batch_size : int, default=1024
        Rows per forward pass.

    Returns
    -------
    dict of str to float
        ``{'loss': ..., 'mae': ...}``.

    Raises
    ------
    ValueError
        For bad data (as :func:`badak.fit`), and when there is nothing to report: no ``loss``,
        no ``metrics`` and a model that ``fit`` never trained.

    Examples
    --------
    >>> evaluate(model, x_test, y_test, metrics=('mae',))   # doctest: +SKIP
    {'loss': 11.3, 'mae': 2.49}
    """
    from badak.metrics import accuracy

    xs, y = check_inputs(x, y)
    batch_size = check_positive_int("batch_size", batch_size)
    metric_fns = resolve_metrics(metrics)
    if loss is None:
        loss = getattr(model, FIT_LOSS, None)
        if loss is None and not metric_fns:
            raise ValueError(f"evaluate needs loss= (e.g. loss='mse') or metrics= (e.g. "
                             f"metrics=('mae',)): this {type(model).__name__} was not trained "
                             f"with badak.fit, so there is no training loss to report")
    loss_fn, _, is_ce = resolve_loss(loss) if loss is not None else (None, None, False)
    if len(xs) == 1:
        check_features(model, xs[0])
    dtype = model_dtype(model)
    xs = [a.astype(dtype, copy=False) for a in xs]
    if loss_fn is None and accuracy in metric_fns.values() and y.dtype.kind != "f":
        is_ce = True                                   # labels: keep them integers
    y, _ = prepare_targets(model, loss_fn, is_ce, xs, y, dtype)
    return score(model, xs, y, loss_fn, metric_fns, batch_size)
