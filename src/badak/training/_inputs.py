"""Check and prepare what ``fit`` and ``evaluate`` are given, before any step runs.

Every mistake a learner can make with the data (x and y of different lengths, NaN in x, no rows,
13 features for a model that expects 12, float labels for a cross-entropy loss, y of shape (N,)
against an output (N, 1)) is caught here, up front, with a message that names the argument, what
was expected and what was received, instead of surfacing thousands of steps later.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from badak._validation import check_finite_array
from badak.engine.autograd import no_grad
from badak.engine.tensor import Tensor
from badak.nn.edges import first_layer

__all__ = ["KERAS_METRIC_NAMES", "as_inputs", "as_sample_array", "check_inputs", "check_pair",
           "first_layer", "is_multi_input", "model_dtype", "prepare_targets", "resolve_loss",
           "resolve_metrics"]

KERAS_METRIC_NAMES = {
    "acc": "accuracy", "categorical_accuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy", "mean_absolute_error": "mae",
    "mean_squared_error": "mse", "root_mean_squared_error": "rmse",
}
"""Keras' metric names and the badak metric each means; the history key is the name given."""


def as_sample_array(name: str, a) -> np.ndarray:
    """``a`` (array_like or Tensor) as a NumPy array of numbers with samples on axis 0."""
    if isinstance(a, Tensor):
        a = a.data
    try:
        a = np.asarray(a)
    except (TypeError, ValueError) as err:
        if "inhomogeneous" in str(err):
            raise ValueError(f"{name} must be a rectangular array of numbers (every row the same "
                             f"length); received a ragged {type(a).__name__}") from err
        raise ValueError(f"{name} must be an array of numbers; received {type(a).__name__} "
                         f"that NumPy cannot convert ({err})") from err
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers (bool, int or float); received "
                         f"an array of dtype {a.dtype}")
    if a.ndim == 0:
        raise ValueError(f"{name} must be at least 1-D, with samples along the first axis; "
                         f"received a 0-d array ({a!r})")
    check_finite_array(name, a)
    return a


def check_pair(x, y, x_name: str = "x", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Both as arrays of the same, non-zero length, finite."""
    x = as_sample_array(x_name, x)
    y = as_sample_array(y_name, y)
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have the same number of samples (length "
                         f"of the first axis); received {x_name} with {len(x)} and {y_name} with "
                         f"{len(y)} samples")
    if len(x) == 0:
        raise ValueError(f"{x_name} must hold at least one sample; received an empty data set "
                         f"({x_name} of shape {x.shape})")
    return x, y


def is_multi_input(x) -> bool:
    """True for a list or tuple of arrays (or Tensors): one array per input of the model, as
    Keras reads ``fit(model, [x1, x2], y)``. A list of lists (or of numbers) is one array."""
    return isinstance(x, (list, tuple)) and len(x) > 0 and \
        all(isinstance(a, (np.ndarray, Tensor)) for a in x)


def as_inputs(name: str, x) -> list[np.ndarray]:
    """The model's inputs as a list of arrays: ``[x]``, or ``[x1, x2, ...]`` for several."""
    if not is_multi_input(x):
        return [as_sample_array(name, x)]
    xs = [as_sample_array(f"{name}[{i}]", a) for i, a in enumerate(x)]
    lengths = [len(a) for a in xs]
    if len(set(lengths)) > 1:
        raise ValueError(f"the inputs in {name} must have the same number of samples; received "
                         f"lengths {lengths}")
    return xs


def check_inputs(x, y, x_name: str = "x", y_name: str = "y"
                 ) -> tuple[list[np.ndarray], np.ndarray]:
    """Like :func:`check_pair`, for one input or a list of inputs: ``([x1, ...], y)``."""
    if not is_multi_input(x):
        x, y = check_pair(x, y, x_name, y_name)
        return [x], y
    xs = as_inputs(x_name, x)
    check_pair(xs[0], y, f"{x_name}[0]", y_name)
    return xs, as_sample_array(y_name, y)


def model_dtype(model) -> np.dtype:
    """The floating dtype of the model's parameters (float32 unless built otherwise)."""
    for p in model.parameters():
        return p.dtype
    raise ValueError(f"model must have parameters to train; received {type(model).__name__} "
                     f"with none")


def check_features(model, x: np.ndarray, name: str = "x") -> None:
    """Raise if ``x`` has not the number of features the model's first layer expects."""
    layer = first_layer(model)
    if layer is None:
        return
    expected = layer.in_features
    if x.ndim == 1:
        hint = " (use x.reshape(-1, 1) for one feature)" if expected == 1 else ""
        raise ValueError(f"{name} must be 2-D (n_samples, {expected}) for this model, which takes "
                         f"{expected} input features; received a 1-D array of shape "
                         f"{x.shape}{hint}")
    if x.shape[-1] != expected:
        raise ValueError(f"{name} must have {expected} features (columns), the in_features of "
                         f"this {type(layer).__name__}; received {name} of shape {x.shape} with "
                         f"{x.shape[-1]} features")


def resolve_loss(loss) -> tuple[Callable, str, bool]:
    """Return ``(loss_fn, name, is_cross_entropy)`` for a name, a loss module or a callable."""
    from badak import nn

    if isinstance(loss, str):
        fn = nn.get_loss(loss)                 # ValueError listing the names
        name = loss
    elif callable(loss):
        fn = loss
        name = type(loss).__name__ if isinstance(loss, nn.Module) else \
            getattr(loss, "__name__", type(loss).__name__)
    else:
        raise ValueError(f"loss must be a loss name such as 'mse' or 'cross_entropy', a loss "
                         f"module or a callable (prediction, target) -> Tensor; received "
                         f"loss={loss!r}")
    return fn, name, isinstance(fn, nn.CrossEntropyLoss)


def _custom_metric(name: str, fn: Callable) -> Callable[[np.ndarray, np.ndarray], float]:
    """Wrap a user's ``fn(y_true, y_pred)``: an array result (per-sample values, as a Keras
    metric function returns) is averaged, as Keras does."""

    def metric(y_true: np.ndarray, y_pred: np.ndarray) -> float:
        value = fn(y_true, y_pred)
        if isinstance(value, Tensor):
            value = value.data
        array = np.asarray(value)
        if array.dtype.kind not in "biuf" or array.size == 0:
            raise TypeError(f"metric {name!r} must return a number or an array of numbers; "
                            f"returned {type(value).__name__} {value!r:.60}")
        return float(array.mean())

    metric.__name__ = name
    return metric


def resolve_metrics(metrics) -> dict[str, Callable]:
    """Names or callables -> ``{history key: metric function}``.

    A name is one of ``badak.metrics.METRICS`` or a Keras name (:data:`KERAS_METRIC_NAMES`,
    e.g. ``'acc'``, ``'mean_absolute_error'``), and is the history key as given, as in Keras. A
    callable ``fn(y_true, y_pred) -> number`` (NumPy arrays in) is keyed by its ``__name__``.
    ``'mae'`` alone is accepted as well as ``('mae',)``.
    """
    from badak.metrics import METRICS

    if metrics is None:
        return {}
    if isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    try:
        items = list(metrics)
    except TypeError:
        raise ValueError(f"metrics must be a sequence of metric names such as ('mae',) or "
                         f"callables (y_true, y_pred) -> float; received metrics={metrics!r}") \
            from None
    out: dict[str, Callable] = {}
    for item in items:
        if isinstance(item, str):
            name = item
            fn = METRICS.get(KERAS_METRIC_NAMES.get(item, item))
            if fn is None:
                ours = ", ".join(repr(k) for k in METRICS)
                keras = ", ".join(repr(k) for k in KERAS_METRIC_NAMES)
                raise ValueError(f"metric must be one of {{{ours}}}, one of Keras' names "
                                 f"{{{keras}}}, or a callable (y_true, y_pred) -> float; "
                                 f"received metric={item!r}")
        elif callable(item):
            name = getattr(item, "__name__", type(item).__name__)
            fn = _custom_metric(name, item)
        else:
            raise ValueError(f"metrics must hold metric names such as 'mae' or callables "
                             f"(y_true, y_pred) -> float; received {item!r}")
        if name in out or name == "loss" or name.startswith("val_"):
            raise ValueError(f"metrics must have distinct names, other than 'loss' and not "
                             f"starting with 'val_' (they are history keys); received "
                             f"{name!r} {'twice' if name in out else ''}".rstrip())
        out[name] = fn
    return out


def _check_target_range(loss_fn, is_ce: bool, y: np.ndarray, out: Tensor, y_name: str) -> None:
    """Raise if a class label does not exist in the output layer, or a BCE target is not in
    [0, 1]: checked on every row now, not when the batch holding it comes up mid-training."""
    from badak import nn

    if is_ce and y.dtype.kind in "iu" and y.ndim == 1 and out.ndim == 2:
        classes = out.shape[1]
        bad = np.flatnonzero((y < 0) | (y >= classes))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{y_name} must hold class labels in [0, {classes - 1}]: the model's "
                             f"output layer has {classes} units, one per class; received labels "
                             f"from {y.min()} to {y.max()} ({y_name}[{i}]={y[i]}, {bad.size} "
                             f"out of range)")
    if isinstance(loss_fn, nn.BCEWithLogitsLoss) and y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"{y_name} must hold targets in [0, 1] (the class 0 or 1, or a "
                         f"probability) for binary cross-entropy; received values from "
                         f"{y.min()} to {y.max()}")


def prepare_targets(model, loss_fn, is_ce: bool, x, y: np.ndarray, dtype,
                    y_name: str = "y") -> tuple[np.ndarray, tuple[int, ...]]:
    """Cast ``y`` for the loss and check it against one probe forward pass.

    For cross-entropy, integer labels stay integers and one-hot rows become ``dtype``. For any
    other loss ``y`` becomes ``dtype``, and a target of shape (N,) for a model whose output is
    (N, 1) is reshaped to (N, 1), as Keras does, so that the loss does not broadcast (N,)
    against (N, 1) into an N x N matrix.

    The probe runs the model on the first sample in eval mode without recording a graph, and the
    loss on that output: a shape or label mismatch is reported now, naming ``y``.

    Returns
    -------
    y : numpy.ndarray
        The prepared targets.
    out_shape : tuple of int
        The shape of one sample's output, e.g. ``(1,)`` or ``(10,)``.
    """
    if is_ce:
        if y.dtype.kind == "f" and y.ndim == 1:
            raise ValueError(f"{y_name} must hold integer class labels for a cross-entropy loss; "
                             f"received floats of dtype {y.dtype} (use {y_name}.astype(int))")
        if y.dtype.kind != "f":
            y = y.astype(np.int64, copy=False)
        else:
            y = y.astype(dtype, copy=False)
    else:
        y = y.astype(dtype, copy=False)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            xs = x if isinstance(x, list) else [x]            # one array per input
            out = model(*[Tensor._make(a[:1], False) for a in xs])
            if not is_ce and y.ndim == 1 and out.shape == (1, 1):
                y = y.reshape(-1, 1)                      # (N,) -> (N, 1), as Keras does
            _check_target_range(loss_fn, is_ce, y, out, y_name)
            try:
                if loss_fn is not None:
                    loss_fn(out, y[:1])
            except (ValueError, TypeError) as err:
                raise ValueError(f"{y_name} does not fit the model's output and the loss: "
                                 f"{y_name} has shape {y.shape} (dtype {y.dtype}) and the model "
                                 f"gives outputs of shape (N,) + {tuple(out.shape[1:])}; the "
                                 f"loss said: {err}") from err
    finally:
        model.train(was_training)
    return y, tuple(out.shape[1:])
