"""fit: the training loop. Shuffle, cut into mini-batches, and for each batch run the five steps
that every neural network library repeats::

    prediction = model(x_batch)              # forward: build the graph
    loss = loss_fn(prediction, y_batch)      # one number to make smaller
    (zero the gradients) loss.backward()     # chain rule, from the loss back to every weight
    (clip the gradients)
    optimizer.step()                         # move every weight against its gradient

After each epoch: record the loss and metrics in a :class:`History`, score the validation data,
print a line, let the callbacks look (and perhaps stop training).

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
from collections.abc import Sequence

import numpy as np

from badak._validation import check_bool, check_positive, check_positive_int
from badak.autograd import Function
from badak.i18n import N_
from badak.i18n.localized import Localized, Phrase, joined
from badak.random import as_generator
from badak.tensor import Tensor
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


def _resolve_optimizer(optimizer, params: list, lr):
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


def _check_validation_data(validation_data):
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        kind = f"a {type(validation_data).__name__}"
        if isinstance(validation_data, (tuple, list)):
            kind += f" of length {len(validation_data)}"
        raise ValueError(f"validation_data must be a pair (x_val, y_val); received {kind}")
    return check_inputs(*validation_data, x_name="validation_data[0]",
                        y_name="validation_data[1]")


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


def _diverged(params, backup, epoch, epochs, step, steps, loss, optimizer) -> DivergenceError:
    """Put the last finite weights back and build the error to raise."""
    for p, saved in zip(params, backup):
        p.data[...] = saved
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


def _badak_made(obj) -> bool:
    """Whether ``obj`` (a module, a loss function or loss module) is one of badak's own, whose
    Python does nothing but build ops (so that a replay of the ops is the whole of it)."""
    module = obj.__module__ if isinstance(obj, types.FunctionType) else type(obj).__module__
    return module == "badak" or module.startswith("badak.")


class _NonFiniteLoss(Exception):
    """Raised by :class:`_Finite` before the backward pass and the update of a compiled step."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.value = value


class _Finite(Function):
    """y = loss, raising _NonFiniteLoss when it is NaN or infinite. A graph node, so that a
    replayed step (``badak.compile``) makes the check too, before its backward and its update;
    its backward passes the gradient on unchanged."""

    def forward(self, loss):
        value = float(loss)  # () scalar
        if not math.isfinite(value):
            raise _NonFiniteLoss(value)
        return loss

    def backward(self, gy):
        return gy


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
    # ---- check everything before the first step
    from badak.nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak.nn.Module, such as badak.nn.MLP([13, 64, 1]); "
                        f"received model of type {type(model).__name__}")
    xs, y = check_inputs(x, y)
    epochs = check_positive_int("epochs", epochs)
    initial_epoch = check_positive_int("initial_epoch", initial_epoch, allow_zero=True)
    if initial_epoch > epochs:
        raise ValueError(f"initial_epoch must be at most epochs={epochs} (the epochs already "
                         f"done, when resuming); received initial_epoch={initial_epoch}")
    batch_size = check_positive_int("batch_size", batch_size)
    shuffle = check_bool("shuffle", shuffle)
    compile = check_bool("compile", compile)  # noqa: A001
    if clipnorm is not None:
        clipnorm = check_positive("clipnorm", clipnorm)
    if clipvalue is not None:
        clipvalue = check_positive("clipvalue", clipvalue)
    callbacks = list(callbacks)
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be badak.training.Callback instances; received "
                            f"{type(cb).__name__} at callbacks[{i}]")
    loss_fn, loss_name, is_ce = resolve_loss(loss)
    metric_fns = resolve_metrics(metrics)
    gen = as_generator(rng)

    dtype = model_dtype(model)
    for i, a in enumerate(xs):
        check_overflow(f"x[{i}]" if len(xs) > 1 else "x", a, dtype)
    check_overflow("y", y, dtype)

    # ---- weights and the validation split (the last rows, before any shuffling)
    if sample_weight is not None and class_weight is not None:
        raise ValueError("sample_weight and class_weight cannot both be given; multiply the "
                         "class weights into sample_weight instead")
    weights = None
    if sample_weight is not None:
        weights = check_sample_weight(sample_weight, len(y))
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

    # ---- the data, cast to the model's dtype
    if len(xs) == 1:
        check_features(model, xs[0])
    xs = [a.astype(dtype, copy=False) for a in xs]
    y, out_shape = prepare_targets(model, loss_fn, is_ce, xs, y, dtype)
    val = _check_validation_data(validation_data)
    if val is not None:
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
    params = list(model.parameters())
    opt = _resolve_optimizer(optimizer, params, lr)
    if clipnorm is not None or clipvalue is not None:
        from badak.optim import clip_grad_norm_, clip_grad_value_
    keys = ["loss", *metric_fns]
    keys += [f"val_{k}" for k in keys] if val is not None else []
    monitor = None
    if scheduler is not None:
        check_scheduler(scheduler, opt)
        monitor = scheduler_monitor(scheduler, keys, val is not None)
    ckpt = None
    if resume_from is not None:                 # the last check: it loads into the model
        ckpt = load_resume(resume_from, model, opt, initial_epoch, epochs)
        initial_epoch = ckpt.epoch
        if ckpt.rng_state is not None:
            gen = ckpt.generator()
    n = len(y)
    steps = math.ceil(n / batch_size)
    progress = Progress(verbose, epochs, steps)

    history = History({"epochs": epochs, "initial_epoch": initial_epoch,
                       "batch_size": batch_size, "samples": n,
                       "steps": steps, "loss": loss_name, "optimizer": type(opt).__name__,
                       "metrics": list(metric_fns), "shuffle": shuffle,
                       "validation_samples": 0 if val is None else len(y_val)})
    if ckpt is not None:
        history.extend(ckpt.history)
    loop = FitLoop(model, opt, history, history.params, gen)
    # everything whose .grad must be cleared before each backward, each once
    to_zero = list({id(p): p for p in [*params, *getattr(opt, "params", [])]}.values())
    backup = [p.data.copy() for p in params]     # the last weights whose loss was finite
    # training predictions of the epoch, for the metrics (Keras' running values)
    preds = np.empty((n, *out_shape), dtype=dtype) if metric_fns else None
    model.__dict__[FIT_LOSS] = loss              # for evaluate(); not a registered submodule

    compile = compile and _badak_made(loss_fn) and all(map(_badak_made, model.modules()))
    if compile:
        from badak.replay import compile as compile_step

        def train_step(*batch):                 # one recorded step: forward to update
            n_x = len(xs)
            out = model(*[Tensor._make(a, False) for a in batch[:n_x]])   # (B, ...) forward
            if weights is None:
                batch_loss = loss_fn(out, batch[n_x])                     # () scalar
            else:
                batch_loss = weighted_loss(per_sample, out, batch[n_x], batch[n_x + 1])
            batch_loss = _Finite()(batch_loss)  # stops the step here when not finite
            for p in to_zero:
                p.zero_grad()
            batch_loss.backward()
            if clipnorm is not None:
                clip_grad_norm_(params, clipnorm)
            if clipvalue is not None:
                clip_grad_value_(params, clipvalue)
            opt.step()
            return batch_loss, out

        compiled = compile_step(train_step)
        pending = [p.data.copy() for p in params]  # the weights before the step now running

    was_training = model.training
    for cb in callbacks:
        cb.set_loop(loop)
        cb.on_train_begin()
    try:
        for epoch in range(initial_epoch, epochs):      # counted from 0, as in Keras
            start_time = time.perf_counter()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            progress.epoch_begin(epoch + 1)
            model.train()
            order = gen.permutation(n) if shuffle else None
            # one copy per epoch; batches are views
            xe = xs if order is None else [a[order] for a in xs]
            ye = y if order is None else y[order]
            we = weights if order is None or weights is None else weights[order]
            epoch_lr = getattr(opt, "lr", None)
            total = 0.0
            for step in range(steps):
                lo = step * batch_size
                hi = min(lo + batch_size, n)
                if compile:
                    for p, saved in zip(params, pending):
                        np.copyto(saved, p.data)
                    batch = [a[lo:hi] for a in xe] + [ye[lo:hi]]
                    try:
                        batch_loss, out = compiled(*batch,
                                                   *([] if we is None else [we[lo:hi]]))
                    except _NonFiniteLoss as e:         # raised before backward and update
                        value = e.value
                        if epoch == 0 and step == 0 and _overflow_likely(value, xs, y, dtype):
                            raise _overflowed(epoch + 1, epochs, steps, value, xs, y,
                                              dtype) from None
                        raise _diverged(params, backup, epoch + 1, epochs, step + 1, steps,
                                        value, opt) from None
                    value = float(batch_loss.data)
                    backup, pending = pending, backup    # the weights of a finite loss
                    total += value * (hi - lo)
                    if preds is not None:
                        preds[lo:hi] = out.data
                    if progress.per_step and (step + 1) % progress.every == 0:
                        progress.step(step + 1)
                    continue
                out = model(*[Tensor._make(a[lo:hi], False) for a in xe])   # (B, ...) forward
                if we is None:
                    batch_loss = loss_fn(out, ye[lo:hi])                    # () scalar
                else:
                    batch_loss = weighted_loss(per_sample, out, ye[lo:hi], we[lo:hi])
                value = float(batch_loss.data)
                if not math.isfinite(value):
                    if epoch == 0 and step == 0 and _overflow_likely(value, xs, y, dtype):
                        raise _overflowed(epoch + 1, epochs, steps, value, xs, y, dtype)
                    raise _diverged(params, backup, epoch + 1, epochs, step + 1, steps, value,
                                    opt)
                for p, saved in zip(params, backup):
                    np.copyto(saved, p.data)
                total += value * (hi - lo)
                if preds is not None:
                    preds[lo:hi] = out.data
                for p in to_zero:
                    p.grad = None
                batch_loss.backward()
                if clipnorm is not None:
                    clip_grad_norm_(params, clipnorm)
                if clipvalue is not None:
                    clip_grad_value_(params, clipvalue)
                opt.step()
                if progress.per_step and (step + 1) % progress.every == 0:
                    progress.step(step + 1)
            # an update after the last finite loss may have broken the weights: check once
            if not all(np.isfinite(p.data).all() for p in params):
                raise _diverged(params, backup, epoch + 1, epochs, 0, steps, math.nan, opt)

            logs = {"loss": total / n}
            for name, fn in metric_fns.items():
                logs[name] = fn(ye, preds)
            if val is not None:
                logs.update(score(model, x_val, y_val, loss_fn, metric_fns, VALIDATION_CHUNK,
                                  prefix="val_", weights=val_weights))
                model.train()
            if scheduler is not None:
                if epoch_lr is not None:
                    logs["lr"] = float(epoch_lr)          # the rate this epoch trained with
                if monitor is None:
                    scheduler.step()
                else:
                    scheduler.step(logs[monitor])
            seconds = time.perf_counter() - start_time
            history.append(epoch, logs, seconds)
            progress.epoch_end(epoch + 1, logs, seconds)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if loop.stop_training:
                history.stopped_early = epoch + 1 < epochs
                break
        for cb in callbacks:
            cb.on_train_end()
    finally:
        progress.close()
        model.train(was_training)
    return history
