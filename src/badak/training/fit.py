"""fit: the training loop, written as small named steps.

Shuffle, cut into mini-batches, and for each batch run the five lines that every neural network
library repeats. They are :func:`_train_step`, word for word::

    prediction = model(*x)          # 1. forward: build the graph
    loss = loss_fn(prediction, y)   # 2. loss: one number to make smaller
    optimizer.zero_grad()           # 3. zero grad: forget the last step's gradients
    loss.backward()                 # 4. backward: chain rule, from the loss back to every weight
    optimizer.step()                # 5. step: move every weight against its gradient

After each epoch: record the loss and metrics in a :class:`History`, score the validation data,
step the learning-rate scheduler, print a line, let the callbacks look (and perhaps stop
training).

How to read this file: :func:`_train_step` (the five lines), then :func:`fit`, whose body names
each stage; each stage is a helper below it, in the order ``fit`` calls them:

- checking the arguments: ``_check_model``, ``_check_counts``, ``_check_clipping``,
  ``_check_callbacks``, ``_prepare_data`` (weights, the validation split, the dtype, the
  targets), ``_resolve_optimizer``, ``_check_scheduler``, ``load_resume``;
- the parts of one step: ``_BatchLoss`` (the loss of a batch, with sample weights, stopped when
  not finite), ``_FitOptimizer`` (zero grad for every weight; clipping, then the optimizer's
  step) and ``_step_function`` (the five lines on a batch's arrays, through
  :func:`badak.compile` by default);
- one epoch: ``_train_epoch`` (shuffle, the batches, the running loss and metrics),
  ``_LastFiniteWeights`` and ``_non_finite_loss`` (a diverging run gets its last finite weights
  back), ``_validate``, ``_step_scheduler``.

What the numbers mean (Keras' conventions):

- ``loss`` of an epoch is the mean of the batch losses weighted by batch size, each computed
  *before* that batch's update: the running average Keras prints, not the loss of the final
  weights.
- training metrics (``mae``, ``accuracy``, ...) are computed the same way, from the predictions
  each batch got during its forward pass, in train mode (dropout on). They are collected into
  one array and the metric is computed once per epoch on it, which gives exactly Keras' running
  value for means (mse, mae, accuracy) and for rmse and r2 (whose Keras metrics accumulate sums).
- ``val_loss`` and ``val_<metric>`` are computed after the epoch, with the final weights, in eval
  mode and without a graph.

Sources: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), sections 3.6 and 4.3 (the
training loop and ``model.fit``); Keras, ``keras/src/trainers/trainer.py`` and
``keras/src/trainers/epoch_iterator.py``; S. Saito, "Deep Learning from Scratch" (2016), §4.5
(the mini-batch training loop, written out).
"""

from __future__ import annotations

import math
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from badak._validation import check_bool, check_positive, check_positive_int
from badak.engine.autograd import Function
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor
from badak.i18n import N_
from badak.i18n.localized import Localized, Phrase, joined
from badak.optim.clip import clip_gradients_
from badak.training._fit_options import (
    check_overflow,
    check_scheduler,
    load_resume,
    scheduler_monitor,
    split_validation,
)
from badak.training._inputs import (
    check_features,
    check_inputs,
    model_dtype,
    prepare_targets,
    resolve_loss,
    resolve_metrics,
)
from badak.training._weights import (
    check_class_weight,
    check_sample_weight,
    per_sample_loss,
    weighted_loss,
)
from badak.training.callbacks import Callback, FitLoop
from badak.training.evaluate import FIT_LOSS, score
from badak.training.history import History
from badak.training.progress import Progress

__all__ = ["DivergenceError", "fit"]

VALIDATION_CHUNK = 4096  # rows per forward pass when scoring validation data


class DivergenceError(Localized, ValueError):
    """The training loss became NaN or infinite.

    Attributes
    ----------
    epoch : int
        The epoch in which it happened, counted from 1 as printed ("epoch 3/5"); callbacks and
        the History count the same epoch from 0 (2), as Keras does.
    step : int
        The step (from 1) within that epoch; 0 when the weights were found non-finite after the
        epoch's last step.
    loss : float
        The offending loss value.

    ``message`` may be an ``N_`` template filled with the dict ``fields``, so that
    ``error.in_language('ko')`` says it in Korean too (:mod:`badak.i18n.localized`).
    """

    def __init__(self, message: str, epoch: int, step: int, loss: float,
                 fields: dict | None = None) -> None:
        super().__init__(self._keep(message, fields or {}))
        self.epoch = epoch
        self.step = step
        self.loss = loss


def _train_step(model, loss_fn, optimizer, x, y):
    """One step of gradient descent on one mini-batch: the lecture's five lines, in order.

    ``x`` is the list of the batch's input tensors (one per model input), ``y`` the targets as
    ``loss_fn`` takes them. Returns the loss (a scalar Tensor) and the prediction, which ``fit``
    adds to the epoch's running loss and metrics.
    """
    prediction = model(*x)          # 1. forward: build the graph
    loss = loss_fn(prediction, y)   # 2. loss: one number to make smaller
    optimizer.zero_grad()           # 3. zero grad: forget the last step's gradients
    loss.backward()                 # 4. backward: chain rule, from the loss back to every weight
    optimizer.step()                # 5. step: move every weight against its gradient
    return loss, prediction


# A diverging run is reported once, as a DivergenceError naming the epoch and step, instead of as
# a stream of NumPy overflow warnings on the way there.
@np.errstate(over="ignore", invalid="ignore")
def fit(model, x, y, loss="mse", optimizer="rmsprop", epochs: int = 1, batch_size: int = 32,
        validation_data: tuple | None = None, metrics: Sequence = (), shuffle: bool = True,
        rng=None, callbacks: Sequence[Callback] = (), verbose: int = 1,
        clipnorm: float | None = None, clipvalue: float | None = None,
        lr: float | None = None, initial_epoch: int = 0, validation_split: float = 0.0,
        sample_weight=None, class_weight: dict | None = None, scheduler=None,
        resume_from=None, compile: bool = True) -> History:  # noqa: A002 - torch's name
    """Train ``model`` on ``(x, y)`` with mini-batch gradient descent; return its History.

    Parameters
    ----------
    model : Module
        The network; trained in place. It is in train mode during the epochs, in eval mode while
        the validation data is scored, and back in the mode it was in when ``fit`` returns.
        ``fit`` sets its attribute ``fit_loss`` to ``loss``, which :func:`badak.evaluate` then
        reports by default.
    x : array_like or Tensor of shape (N, n_features), or a list of them
        Inputs, finite numbers; cast to the model's parameter dtype (float32) once, up front.
        A list (or tuple) of arrays ``[x1, x2]`` feeds a model with several inputs, called as
        ``model(x1_batch, x2_batch)`` (Keras' convention; a list of lists is one array).
    y : array_like or Tensor of shape (N,) or (N, k)
        Targets. For cross-entropy, integer class labels (N,) (or one-hot rows (N, C)). For the
        other losses y is cast to float, and y of shape (N,) for a model with one output is
        reshaped to (N, 1), as Keras does.
    loss : str, loss module or callable, default='mse'
        'mse', 'l1' (or 'mae'), 'cross_entropy', 'bce', a ``badak.nn`` loss module, or any
        callable ``(prediction, target) -> scalar Tensor``.
    optimizer : str, Optimizer or callable, default='rmsprop'
        A name for :func:`badak.optim.get_optimizer` ('sgd', 'momentum', 'adagrad', 'rmsprop',
        'adam'), an Optimizer built on ``model.parameters()``, or a factory
        ``params -> Optimizer``.
    epochs : int, default=1
        Passes over the training data.
    batch_size : int, default=32
        Samples per gradient step; the last batch of an epoch may be smaller.
    validation_data : (x_val, y_val), optional
        Scored after every epoch: ``val_loss`` and ``val_<metric>``.
    metrics : sequence of str or callable, default=()
        Names among 'mse', 'rmse', 'mae', 'r2', 'accuracy' or Keras' names for them ('acc',
        'mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error',
        'categorical_accuracy', 'sparse_categorical_accuracy'), or callables
        ``fn(y_true, y_pred) -> float`` on NumPy arrays (an array result is averaged). The
        history key is the name as given, or the callable's ``__name__``, as in Keras.
    shuffle : bool, default=True
        Draw a new order of the samples each epoch.
    rng : None, int or numpy.random.Generator
        Source of the shuffling (badak's default generator when None): the same seed and the same
        initial weights give the same History, to the last digit.
    callbacks : sequence of Callback, default=()
        E.g. ``EarlyStopping``, ``ModelCheckpoint``. Their hooks get the epoch counted from 0,
        as in Keras.
    verbose : {0, 1, 2}, default=1
        0 silent; 1 a progress bar on a terminal, otherwise one line per epoch; 2 one line per
        epoch.
    clipnorm, clipvalue : float, optional
        Clip the gradients before each step: their global L2 norm to at most ``clipnorm``
        (:func:`badak.optim.clip_grad_norm_`), each element to ``[-clipvalue, clipvalue]``
        (:func:`badak.optim.clip_grad_value_`).
    lr : float, optional
        Learning rate, when ``optimizer`` is a name (default: that optimizer's default).
    initial_epoch : int, default=0
        The number of epochs already done (Keras' argument): training runs the epochs
        ``initial_epoch`` to ``epochs - 1``, counted from 0, and numbered so in the History and
        by the callbacks. ``resume_from`` sets it from a checkpoint.
    validation_split : float in [0, 1), default=0.0
        Hold out the *last* ``validation_split`` fraction of ``x`` and ``y`` (and of
        ``sample_weight``) for validation, taken before any shuffling, as Keras does: rows
        ``[:floor(N * (1 - validation_split))]`` train. Not together with ``validation_data``.
    sample_weight : array_like of shape (N,), optional
        Weights >= 0 of the samples in the loss: a batch's loss is ``(1/B) Σ wᵢ·lᵢ`` (Keras'
        reduction), for the built-in losses. The validation loss of ``validation_split`` rows is
        weighted with their weights, as in Keras.
    class_weight : dict, optional
        ``{class: weight}`` for the classes 0 to K-1: sample i weighs ``class_weight[yᵢ]`` in the
        training loss (not in validation). Not together with ``sample_weight``.
    scheduler : learning-rate scheduler, optional
        Stepped once after every epoch: ``scheduler.step(value)`` when its ``requires_metric``
        is True (``value`` is the logged value named by its ``monitor`` attribute, by default
        ``val_loss`` with validation data, else ``loss``), else ``scheduler.step()``. Built on
        the optimizer passed as ``optimizer=``. The learning rate of every epoch is recorded in
        the History under ``'lr'``, as Keras does.
    resume_from : str or os.PathLike, optional
        A checkpoint written by :class:`ModelCheckpoint` (with its default
        ``save_optimizer=True``): the model's weights and the optimizer's state are loaded from
        it, the shuffling generator is put in its saved state (``rng`` is then not used),
        training starts at the checkpoint's epoch, and the returned History holds the earlier
        epochs too (their ``epoch_times`` are NaN). The run ends with the weights an
        uninterrupted run would have had, bit for bit (for a model with dropout, its layers must
        also draw from a restored generator, see Examples). The optimizer's learning rate comes
        back with its state; a ``scheduler``'s own state (its epoch count) is not in the file:
        build it as it stood at the checkpoint's epoch.
    compile : bool, default=True
        Run the training step through :func:`badak.compile`: each batch shape is run eagerly
        twice while it is recorded, then replayed without building the graph, with the same
        numbers, bit for bit. False runs every step eagerly (the path to read, or to compare
        with). Only a model made of badak's own modules with one of badak's losses is replayed:
        the Python of a module or loss you wrote might do more than its ops (count calls, keep
        a value), which a replay would skip, so such a model trains eagerly. Whatever the
        recording cannot replay runs eagerly by itself.

    Returns
    -------
    History
        Per-epoch ``loss``, metrics and their ``val_`` twins (and ``lr`` with a scheduler), epoch
        times and the settings.

    Raises
    ------
    ValueError
        For bad input, each message naming the argument: x and y of different lengths, NaN or
        inf in them, values too large for the model's float32, no samples, a feature count the
        model does not take, targets that do not fit the output or the loss, epochs or
        batch_size not positive, unknown loss, optimizer or metric names, lr <= 0, initial_epoch
        negative or greater than epochs, a bad validation_split, sample_weight or class_weight,
        a scheduler built on another optimizer, a checkpoint that does not fit the model.
    TypeError
        If ``model`` is not a ``badak.nn.Module``, a count or flag has the wrong type, or the
        scheduler has no ``step`` method.
    DivergenceError
        (a ValueError) If a batch loss becomes NaN or infinite. The model then holds the last
        weights that gave a finite loss: a copy of the weights is taken at every step whose loss
        is finite, just before the update, and put back. The optimizer's state is not rolled back.
        A loss that is not finite at the very first step, before any update, is reported as an
        overflow of the data, which no learning rate can cure.

    Examples
    --------
    >>> import badak
    >>> (x, y), _ = badak.datasets.load_boston()
    >>> x = badak.data.StandardScaler().fit_transform(x)
    >>> model = badak.nn.MLP([13, 64, 64, 1], rng=0)
    >>> history = badak.fit(model, x, y, loss='mse', optimizer='rmsprop', epochs=5,
    ...                     batch_size=16, metrics=('mae',), validation_split=0.2, rng=0,
    ...                     verbose=0)
    >>> len(history.history['val_mae']), history.epoch
    (5, [0, 1, 2, 3, 4])

    Resuming: a run that saved a checkpoint after every epoch with
    ``ModelCheckpoint("run.npz")`` and was stopped continues from the file in one call, with the
    model, the optimizer's state and the shuffling generator as they were::

        badak.fit(model, x, y, optimizer="rmsprop", epochs=5, batch_size=16,
                  resume_from="run.npz")

    A model with dropout must draw its masks from the shuffling generator too
    (``MLP(..., dropout=0.2, rng=gen)`` and ``fit(..., rng=gen)``); resume such a run by hand:
    ``ckpt = badak.load_checkpoint("run.npz")``, set ``layer.rng`` of each Dropout layer to
    ``gen = ckpt.generator()``, and call ``fit(ckpt.model, ..., optimizer=
    ckpt.restore_optimizer(opt), rng=gen, initial_epoch=ckpt.epoch)``.
    """
    # ---- 1. check every argument before the first step (in this order: the first bad one is
    #         the one reported)
    _check_model(model)
    xs, y = check_inputs(x, y)
    epochs, initial_epoch, batch_size = _check_counts(epochs, initial_epoch, batch_size)
    shuffle = check_bool("shuffle", shuffle)
    compile = check_bool("compile", compile)  # noqa: A001
    clipnorm, clipvalue = _check_clipping(clipnorm, clipvalue)
    callbacks = _check_callbacks(callbacks)
    loss_fn, loss_name, is_ce = resolve_loss(loss)
    metric_fns = resolve_metrics(metrics)
    gen = as_generator(rng)
    data = _prepare_data(model, xs, y, loss_fn, is_ce, validation_data, validation_split,
                         sample_weight, class_weight)
    params = list(model.parameters())
    opt = _resolve_optimizer(optimizer, params, lr)
    monitor = _check_scheduler(scheduler, opt, metric_fns, data.val is not None)
    ckpt = None
    if resume_from is not None:                 # the last check: it loads into the model
        ckpt = load_resume(resume_from, model, opt, initial_epoch, epochs)
        initial_epoch = ckpt.epoch
        gen = gen if ckpt.rng_state is None else ckpt.generator()

    # ---- 2. the parts of the loop
    steps = math.ceil(len(data.y) / batch_size)
    history = _new_history(epochs, initial_epoch, batch_size, steps, loss_name, opt, metric_fns,
                           shuffle, data, ckpt)
    step = _step_function(model, loss_fn, data.per_sample,
                          _FitOptimizer(opt, params, clipnorm, clipvalue), len(data.xs), compile)
    run = _Run(model, opt, step, data, loss_fn, metric_fns, batch_size, epochs, steps,
               _LastFiniteWeights(params), Progress(verbose, epochs, steps))
    loop = FitLoop(model, opt, history, history.params, gen)
    model.__dict__[FIT_LOSS] = loss              # for evaluate(); not a registered submodule

    # ---- 3. the epochs
    was_training = model.training
    for cb in callbacks:
        cb.set_loop(loop)
        cb.on_train_begin()
    try:
        for epoch in range(initial_epoch, epochs):      # counted from 0, as in Keras
            start_time = time.perf_counter()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            run.progress.epoch_begin(epoch + 1)
            epoch_lr = getattr(opt, "lr", None)           # the rate this epoch trains with
            logs = _train_epoch(run, epoch, gen if shuffle else None)
            logs.update(_validate(run))
            _step_scheduler(scheduler, monitor, logs, epoch_lr)
            seconds = time.perf_counter() - start_time
            history.append(epoch, logs, seconds)
            run.progress.epoch_end(epoch + 1, logs, seconds)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if loop.stop_training:
                history.stopped_early = epoch + 1 < epochs
                break
        for cb in callbacks:
            cb.on_train_end()
    finally:
        run.progress.close()
        model.train(was_training)
    return history


# ---------------------------------------------------------------------- 1. the checks
def _check_model(model) -> None:
    """Refuse a model that is not a :class:`badak.nn.Module`."""
    from badak.nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak.nn.Module, such as badak.nn.MLP([13, 64, 1]); "
                        f"received model of type {type(model).__name__}")


def _check_counts(epochs, initial_epoch, batch_size) -> tuple[int, int, int]:
    """Check ``epochs`` (>= 1), ``initial_epoch`` (0 to ``epochs``) and ``batch_size`` (>= 1)."""
    epochs = check_positive_int("epochs", epochs)
    initial_epoch = check_positive_int("initial_epoch", initial_epoch, allow_zero=True)
    if initial_epoch > epochs:
        raise ValueError(f"initial_epoch must be at most epochs={epochs} (the epochs already "
                         f"done, when resuming); received initial_epoch={initial_epoch}")
    return epochs, initial_epoch, check_positive_int("batch_size", batch_size)


def _check_clipping(clipnorm, clipvalue) -> tuple[float | None, float | None]:
    """Check fit's ``clipnorm`` and ``clipvalue`` (each None or > 0; both may be set)."""
    if clipnorm is not None:
        clipnorm = check_positive("clipnorm", clipnorm)
    if clipvalue is not None:
        clipvalue = check_positive("clipvalue", clipvalue)
    return clipnorm, clipvalue


def _check_callbacks(callbacks) -> list[Callback]:
    """The callbacks as a list, each checked to be a :class:`Callback`."""
    callbacks = list(callbacks)
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be badak.training.Callback instances; received "
                            f"{type(cb).__name__} at callbacks[{i}]")
    return callbacks


@dataclass
class _Data:
    """The training data as the steps use it, checked and cast to the model's dtype."""

    xs: list[np.ndarray]          # the inputs, one array (N, ...) per model input
    y: np.ndarray                 # the targets, shaped for the loss
    weights: np.ndarray | None    # (N,) sample weights of the loss, or None
    per_sample: Callable | None   # the loss per sample, when there are weights
    out_shape: tuple              # the shape of one prediction
    dtype: np.dtype               # the model's parameter dtype
    val: tuple | None             # (x_val list, y_val, val_weights or None), or None


def _prepare_data(model, xs, y, loss_fn, is_ce, validation_data, validation_split,
                  sample_weight, class_weight) -> _Data:
    """Check the data against the model and the loss, weigh it, hold out the validation rows
    (the last ``validation_split`` of them, before any shuffling, as Keras does) and cast it to
    the model's dtype."""
    dtype = model_dtype(model)
    for i, a in enumerate(xs):
        check_overflow(f"x[{i}]" if len(xs) > 1 else "x", a, dtype)
    check_overflow("y", y, dtype)
    if sample_weight is not None and class_weight is not None:
        raise ValueError("sample_weight and class_weight cannot both be given; multiply the "
                         "class weights into sample_weight instead")
    weights = None if sample_weight is None else check_sample_weight(sample_weight, len(y))
    split_at = split_validation(validation_split, len(y))
    val_weights = None
    if validation_split > 0:
        if validation_data is not None:
            raise ValueError("validation_data and validation_split cannot both be given; "
                             "validation_split holds out the last rows of x and y, "
                             "validation_data brings its own")
        validation_data = ([a[split_at:] for a in xs], y[split_at:])
        xs, y = [a[:split_at] for a in xs], y[:split_at]
        if weights is not None:
            weights, val_weights = weights[:split_at], weights[split_at:]
    if class_weight is not None:
        weights = check_class_weight(class_weight, y)
    per_sample = per_sample_loss(loss_fn) if weights is not None else None
    if len(xs) == 1:
        check_features(model, xs[0])
    xs = [a.astype(dtype, copy=False) for a in xs]
    y, out_shape = prepare_targets(model, loss_fn, is_ce, xs, y, dtype)
    val = _prepare_validation(model, validation_data, loss_fn, is_ce, dtype)
    if val is not None:
        val = (*val, val_weights)
    return _Data(xs, y, weights, per_sample, out_shape, dtype, val)


def _prepare_validation(model, validation_data, loss_fn, is_ce, dtype):
    """Check ``validation_data`` as the training data; return ``(x_val, y_val)`` or None."""
    val = _check_validation_data(validation_data)
    if val is None:
        return None
    x_val, y_val = val
    if len(x_val) == 1:
        check_features(model, x_val[0], "validation_data[0]")
    for i, a in enumerate(x_val):
        check_overflow(f"validation_data[0][{i}]" if len(x_val) > 1 else
                       "validation_data[0]", a, dtype)
    check_overflow("validation_data[1]", y_val, dtype)
    x_val = [a.astype(dtype, copy=False) for a in x_val]
    y_val, _ = prepare_targets(model, loss_fn, is_ce, x_val, y_val, dtype,
                               y_name="validation_data[1]")
    return x_val, y_val


def _check_validation_data(validation_data):
    """``validation_data`` as checked arrays ``(x_val list, y_val)``, or None."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        kind = f"a {type(validation_data).__name__}"
        if isinstance(validation_data, (tuple, list)):
            kind += f" of length {len(validation_data)}"
        raise ValueError(f"validation_data must be a pair (x_val, y_val); received {kind}")
    return check_inputs(*validation_data, x_name="validation_data[0]",
                        y_name="validation_data[1]")


def _resolve_optimizer(optimizer, params: list, lr):
    """The Optimizer to train with, from a name (with ``lr``), an instance or a factory."""
    from badak.optim import Optimizer, get_optimizer

    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError(f"lr is only used when optimizer is given by name; received lr={lr} "
                             f"with an optimizer instance ({type(optimizer).__name__}). Set its "
                             f"learning rate when building it, or assign optimizer.lr")
        ours = {id(p) for p in params}
        if not any(id(p) in ours for p in optimizer.params):
            raise ValueError("optimizer must be built on this model's parameters, e.g. "
                             "RMSprop(model.parameters()); received an optimizer that holds none "
                             "of them")
        return optimizer
    if isinstance(optimizer, str):
        if lr is not None:
            check_positive("lr", lr)
        return get_optimizer(optimizer, params, lr=lr)   # ValueError for unknown names
    if callable(optimizer):
        built = optimizer(params) if lr is None else optimizer(params, lr=lr)
        if not isinstance(built, Optimizer):
            raise TypeError(f"optimizer factory must return a badak.optim.Optimizer; received "
                            f"{type(built).__name__}")
        return built
    raise ValueError(f"optimizer must be a name such as 'rmsprop', a badak.optim.Optimizer or a "
                     f"factory params -> Optimizer; received optimizer={optimizer!r}")


def _check_scheduler(scheduler, optimizer, metric_fns, has_validation: bool) -> str | None:
    """Check the scheduler (None: no scheduler) and return the logged value it steps on (None
    for one that steps without a value)."""
    if scheduler is None:
        return None
    keys = ["loss", *metric_fns]
    keys += [f"val_{k}" for k in keys] if has_validation else []
    check_scheduler(scheduler, optimizer)
    return scheduler_monitor(scheduler, keys, has_validation)


# ---------------------------------------------------------------------- 2. the parts of a step
class _BatchLoss:
    """The loss of one mini-batch, as the training step calls it: ``loss_fn(prediction, y)``
    with ``y = (targets,)``, or with sample weights ``y = (targets, weights)`` and the loss
    ``(1/B) Σ wᵢ·lᵢ`` (Keras' reduction). A loss that is NaN or inf raises _NonFiniteLoss,
    which stops the step before its backward pass and update: in a step that ``badak.compile``
    replays, through a graph node (:class:`_Finite`, replayed with the step); eagerly, by
    reading the value (a node would cost each step a little)."""

    def __init__(self, loss_fn, per_sample, replayed: bool) -> None:
        self.loss_fn = loss_fn
        self.per_sample = per_sample   # None: no sample weights
        self.replayed = replayed

    def __call__(self, prediction, y):
        if self.per_sample is None:
            loss = self.loss_fn(prediction, *y)                        # () scalar
        else:
            loss = weighted_loss(self.per_sample, prediction, *y)      # () scalar
        if self.replayed:
            return _Finite()(loss)
        _check_finite(loss.data)
        return loss


def _check_finite(loss) -> None:
    """Raise _NonFiniteLoss when the loss (a scalar array) is NaN or infinite."""
    value = float(loss)  # () scalar
    if not math.isfinite(value):
        raise _NonFiniteLoss(value)


class _NonFiniteLoss(Exception):
    """Raised by :class:`_BatchLoss` before the backward pass and the update of a step."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.value = value


class _Finite(Function):
    """y = loss, raising _NonFiniteLoss when it is NaN or infinite. A graph node, so that a
    replayed step (``badak.compile``) makes the check too, before its backward and its update;
    its backward passes the gradient on unchanged."""

    def forward(self, loss):
        _check_finite(loss)  # () scalar
        return loss  # ()

    def backward(self, gy):
        return gy


class _FitOptimizer:
    """The optimizer as fit's training step sees it.

    ``zero_grad()`` forgets the gradient of every weight of the model and of the optimizer,
    each once (a weight of the model that the optimizer does not update would otherwise sum
    its gradients over the steps, and count them in ``clipnorm``'s norm). ``step()`` clips the
    gradients of the model's weights as fit's ``clipnorm`` and ``clipvalue`` say
    (:func:`badak.optim.clip.clip_gradients_`, the one place clipping happens), then calls the
    optimizer's own ``step()``. Callbacks see the optimizer itself.
    """

    def __init__(self, optimizer, params: list, clipnorm, clipvalue) -> None:
        self.optimizer = optimizer
        self.params = params
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.to_zero = list({id(p): p for p in [*params, *getattr(optimizer, "params", [])]}
                            .values())

    def zero_grad(self) -> None:
        for p in self.to_zero:
            p.zero_grad()

    def step(self) -> None:
        if self.clipnorm is not None or self.clipvalue is not None:
            clip_gradients_(self.params, clipnorm=self.clipnorm, clipvalue=self.clipvalue)
        self.optimizer.step()


def _step_function(model, loss_fn, per_sample, optimizer, n_inputs: int,
                   compile: bool):  # noqa: A002
    """The function ``fit`` calls on each mini-batch's arrays ``(*x, y[, w])``: it runs
    :func:`_train_step` with the batch's loss (:class:`_BatchLoss`) and returns its loss and
    prediction.

    With ``compile`` (and a model and loss that are all badak's own: the Python of a module or
    loss you wrote might do more than its ops, which a replay would skip) it goes through
    :func:`badak.compile`, which records the step for each batch shape and then replays it,
    bit-identical to eager.
    """
    compile = compile and _badak_made(loss_fn) and all(map(_badak_made, model.modules()))
    batch_loss = _BatchLoss(loss_fn, per_sample, replayed=compile)

    def step(*batch):
        x = [Tensor._make(a, False) for a in batch[:n_inputs]]   # (B, ...) inputs, no grad
        return _train_step(model, batch_loss, optimizer, x, batch[n_inputs:])

    if not compile:
        return step
    from badak.replay import compile as compile_step
    return compile_step(step)


def _badak_made(obj) -> bool:
    """Whether ``obj`` (a module, a loss function or loss module) is one of badak's own, whose
    Python does nothing but build ops (so that a replay of the ops is the whole of it)."""
    module = obj.__module__ if isinstance(obj, types.FunctionType) else type(obj).__module__
    return module == "badak" or module.startswith("badak.")


# ---------------------------------------------------------------------- 3. one epoch
class _LastFiniteWeights:
    """The weights before the last step whose loss was finite, given back when training
    diverges. Two buffers: ``save()`` copies the weights into the spare one before a step;
    ``keep()``, once the step's loss was finite, makes that copy the one ``restore()`` puts
    back."""

    def __init__(self, params: list) -> None:
        self.params = params
        self.backup = [p.data.copy() for p in params]    # the last weights of a finite loss
        self.pending = [p.data.copy() for p in params]   # the weights before the step running

    def save(self) -> None:
        for p, saved in zip(self.params, self.pending):
            np.copyto(saved, p.data)

    def keep(self) -> None:
        self.backup, self.pending = self.pending, self.backup

    def restore(self) -> None:
        for p, saved in zip(self.params, self.backup):
            p.data[...] = saved

    def all_finite(self) -> bool:
        return all(np.isfinite(p.data).all() for p in self.params)


@dataclass
class _Run:
    """What every epoch of one ``fit`` needs, gathered once the arguments are checked."""

    model: object
    optimizer: object            # the user's optimizer (for the divergence message)
    step: Callable               # (*x, y[, w]) -> (loss, prediction): see _step_function
    data: _Data
    loss_fn: Callable
    metric_fns: dict
    batch_size: int
    epochs: int
    steps: int                   # mini-batches per epoch
    weights: _LastFiniteWeights
    progress: Progress
    preds: np.ndarray | None = None   # the epoch's training predictions, for the metrics

    def __post_init__(self) -> None:
        if self.metric_fns:
            self.preds = np.empty((len(self.data.y), *self.data.out_shape), dtype=self.data.dtype)


def _train_epoch(run: _Run, epoch: int, gen) -> dict[str, float]:
    """Train one epoch: shuffle (when ``gen`` is given), run the step on every mini-batch, and
    return the logs ``loss`` and the training metrics (Keras' running values)."""
    run.model.train()
    xs, y, w = _shuffled(run.data, gen)
    n, total = len(y), 0.0
    for k in range(run.steps):
        lo, hi = k * run.batch_size, min((k + 1) * run.batch_size, len(y))
        batch = [a[lo:hi] for a in xs] + [y[lo:hi]] + ([] if w is None else [w[lo:hi]])
        run.weights.save()
        try:
            loss, prediction = run.step(*batch)
        except _NonFiniteLoss as e:         # raised before backward and update
            raise _non_finite_loss(run, e.value, epoch, k, xs, y) from None
        run.weights.keep()                  # its loss was finite
        total += float(loss.data) * (hi - lo)
        if run.preds is not None:
            run.preds[lo:hi] = prediction.data
        if run.progress.per_step and (k + 1) % run.progress.every == 0:
            run.progress.step(k + 1)
    # an update after the last finite loss may have broken the weights: check once
    if not run.weights.all_finite():
        run.weights.restore()
        raise _diverged(epoch + 1, run.epochs, 0, run.steps, math.nan, run.optimizer)
    logs = {"loss": total / n}
    for name, fn in run.metric_fns.items():
        logs[name] = fn(y, run.preds)
    return logs


def _shuffled(data: _Data, gen):
    """The epoch's ``(xs, y, weights)``: in a new order drawn from ``gen``, or as they are when
    ``gen`` is None. One copy per epoch; the batches are views into it."""
    if gen is None:
        return data.xs, data.y, data.weights
    order = gen.permutation(len(data.y))
    return ([a[order] for a in data.xs], data.y[order],
            None if data.weights is None else data.weights[order])


def _non_finite_loss(run: _Run, loss: float, epoch: int, k: int, xs, y) -> DivergenceError:
    """The error for a batch loss that is NaN or inf (step ``k`` of ``epoch``, from 0). At the
    very first step, before any update, with data that overflows the model's dtype, it blames
    the data; otherwise the model gets its last finite weights back and the run diverged."""
    if epoch == 0 and k == 0 and _overflow_likely(loss, xs, y, run.data.dtype):
        return _overflowed(epoch + 1, run.epochs, run.steps, loss, xs, y, run.data.dtype)
    run.weights.restore()
    return _diverged(epoch + 1, run.epochs, k + 1, run.steps, loss, run.optimizer)


def _overflow_likely(loss: float, xs, y, dtype) -> bool:
    """At the first step, before any update: an infinite loss, or a NaN with data so large that
    its square overflows ``dtype``, comes from the data, not from the learning rate."""
    if math.isinf(loss):
        return True
    limit = math.sqrt(float(np.finfo(dtype).max))
    return any(a.dtype.kind == "f" and a.size and float(np.abs(a).max()) > limit
               for a in [*xs, y])


def _overflowed(epoch, epochs, steps, loss, xs, y, dtype) -> DivergenceError:
    """The error for a loss that is not finite at the very first step, before any update: the
    data overflowed the model's dtype, and no learning rate can change that."""
    sizes = joined([Phrase(N_("|{name}| up to {largest:.4g}"), name=name,
                           largest=float(np.abs(a).max()))
                    for name, a in [*((f"x[{i}]" if len(xs) > 1 else "x", a)
                                      for i, a in enumerate(xs)), ("y", y)]
                    if a.dtype.kind == "f"])
    return DivergenceError(
        N_("the loss is {loss} at the first step, before any update, so no learning rate can "
           "help: the computation overflowed the model's dtype {dtype} (largest finite "
           "{largest:.4g}) on this data ({sizes}). Rescale the inputs and targets (e.g. "
           "badak.data.StandardScaler, or divide y by a constant)"),
        epoch, 1, loss, {"loss": loss, "dtype": np.dtype(dtype).name,
                         "largest": float(np.finfo(dtype).max), "sizes": sizes})


def _diverged(epoch, epochs, step, steps, loss, optimizer) -> DivergenceError:
    """The error for a run whose loss (or weights, ``step`` 0) stopped being finite; the
    caller has put the last finite weights back."""
    lr = getattr(optimizer, "lr", None)
    where = (Phrase(N_("step {step}/{steps}"), step=step, steps=steps) if step else
             Phrase(N_("the weights after step {steps}/{steps}"), steps=steps))
    than = Phrase(N_(" than lr={lr}"), lr=lr) if lr is not None else ""
    return DivergenceError(
        N_("training diverged: the loss became {loss} at epoch {epoch}/{epochs}, {where}. The "
           "model was given back its last finite weights (those of the last step whose loss was "
           "finite); the optimizer's state was not rolled back. Try a smaller learning "
           "rate{than}, or clip the gradients with fit(..., clipnorm=1.0) or clipvalue=..."),
        epoch, step, loss, {"loss": loss, "epoch": epoch, "epochs": epochs, "where": where,
                            "than": than})


# ---------------------------------------------------------------------- 4. after an epoch
def _validate(run: _Run) -> dict[str, float]:
    """Score the validation data with the epoch's final weights: ``val_loss`` and
    ``val_<metric>`` (in eval mode, without a graph; the model is back in train mode after)."""
    if run.data.val is None:
        return {}
    x_val, y_val, val_weights = run.data.val
    logs = score(run.model, x_val, y_val, run.loss_fn, run.metric_fns, VALIDATION_CHUNK,
                 prefix="val_", weights=val_weights)
    run.model.train()
    return logs


def _step_scheduler(scheduler, monitor: str | None, logs: dict, epoch_lr) -> None:
    """Log the rate the epoch trained with as ``lr`` and step the scheduler once (with the
    logged value ``monitor`` when it needs one). Nothing without a scheduler."""
    if scheduler is None:
        return
    if epoch_lr is not None:
        logs["lr"] = float(epoch_lr)
    if monitor is None:
        scheduler.step()
    else:
        scheduler.step(logs[monitor])


def _new_history(epochs, initial_epoch, batch_size, steps, loss_name, opt, metric_fns, shuffle,
                 data: _Data, ckpt) -> History:
    """An empty History with the run's settings (and the epochs of a resumed checkpoint)."""
    history = History({"epochs": epochs, "initial_epoch": initial_epoch,
                       "batch_size": batch_size, "samples": len(data.y),
                       "steps": steps, "loss": loss_name, "optimizer": type(opt).__name__,
                       "metrics": list(metric_fns), "shuffle": shuffle,
                       "validation_samples": 0 if data.val is None else len(data.val[1])})
    if ckpt is not None:
        history.extend(ckpt.history)
    return history
