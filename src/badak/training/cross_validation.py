"""K-fold cross-validation of a model-building function: the Boston housing notebook in one call.

With few samples (404 houses) one validation split is too noisy to choose a model by. K-fold
cross-validation trains K fresh models, each validating on a different K-th of the data and
training on the rest, and averages their curves. The notebook's protocol::

    result = badak.cross_validate(lambda rng: badak.nn.MLP([13, 64, 64, 1], rng=rng),
                                  x_train, y_train, folds=4, epochs=100, batch_size=1,
                                  loss='mse', optimizer='rmsprop', metrics=('mae',), rng=0)
    result.final['val_mae']                  # each fold's last validation MAE
    result.mean_curves['val_mae']            # the averaged curve the notebook plots

Folds are contiguous blocks of rows (``badak.data.KFold``), as in the notebook.

The folds are independent, so ``n_jobs=2`` trains them in parallel through joblib (processes on
this machine, or the workers of a Dask or Ray cluster under ``joblib.parallel_config``). Each
fold's generator is spawned from the seed before any fold runs, so fold ``i`` sees the same random
numbers whichever process trains it, and the results are identical to ``n_jobs=1``.

Source: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), section 4.3.3 (K-fold
validation), 4.3.4 (averaging the per-fold MAE histories).
"""

from __future__ import annotations

import inspect
import math
import os
import threading
from collections.abc import Callable, Sequence

import numpy as np

from badak._validation import check_bool, check_positive_int
from badak.engine.random import as_generator
from badak.training._inputs import check_pair
from badak.training.fit import fit
from badak.training.history import History
from badak.training.parallel import check_n_jobs, run_tasks

__all__ = ["CVResult", "cross_validate"]


class CVResult:
    """The outcome of :func:`cross_validate`.

    Attributes
    ----------
    histories : list of History
        One per fold, in fold order.
    models : list of Module
        The trained model of each fold.
    mean_curves : dict of str to list of float
        For each key of the histories (``'loss'``, ``'mae'``, ``'val_loss'``, ``'val_mae'``), the
        per-epoch mean over the folds. If early stopping made folds run for different numbers of
        epochs, the curves are as long as the shortest fold.
    final : dict of str to list of float
        For each key, the value of each fold's last epoch.
    """

    def __init__(self, histories: list[History], models: list) -> None:
        self.histories = histories
        self.models = models
        keys = list(histories[0].history)
        length = min(len(h) for h in histories)
        self.mean_curves = {k: np.mean([h.history[k][:length] for h in histories], axis=0).tolist()
                            for k in keys}
        self.final = {k: [h.history[k][-1] for h in histories] for k in keys}

    def mean(self, key: str) -> float:
        """Mean over the folds of ``key``'s final value."""
        return float(np.mean(self.final[key]))

    def std(self, key: str) -> float:
        """Standard deviation (ddof=0) over the folds of ``key``'s final value."""
        return float(np.std(self.final[key]))

    def summary(self) -> str:
        """A small table: each key's final value per fold, mean and std."""
        lines = [f"{len(self.histories)}-fold cross-validation, "
                 f"{len(self.histories[0])} epochs per fold"]
        width = max(len(k) for k in self.final)
        for key, values in self.final.items():
            folds = "  ".join(f"{v:.4f}" for v in values)
            lines.append(f"  {key:<{width}}  mean {self.mean(key):.4f} ± {self.std(key):.4f}"
                         f"   folds: {folds}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CVResult(folds={len(self.histories)}, final={self.final})"


def _takes_rng(build_model: Callable) -> bool:
    """Whether ``build_model`` accepts one positional argument (the fold's generator)."""
    try:
        signature = inspect.signature(build_model)
    except (TypeError, ValueError):
        return True
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
             inspect.Parameter.VAR_POSITIONAL)
    return any(p.kind in kinds for p in signature.parameters.values())


def cross_validate(build_model: Callable, x, y, folds: int = 4, epochs: int = 100,
                   batch_size: int = 1, loss="mse", optimizer="rmsprop",
                   lr: float | None = None, metrics: Sequence[str] = ("mae",),
                   standardize: str | bool = "global", shuffle_folds: bool = False, rng=None,
                   verbose: int = 0, n_jobs: int | None = None) -> CVResult:
    """Train one fresh model per fold and collect the histories and their averages.

    Parameters
    ----------
    build_model : callable
        ``build_model(rng) -> Module``, called once per fold with that fold's own
        ``numpy.random.Generator`` (for the initial weights), so that every fold is reproducible;
        a function of no arguments is called as ``build_model()``.
    x, y : array_like
        All the training data; the folds are cut from it.
    folds : int, default=4
        Number of folds K (at least 2). Folds are contiguous blocks of ``len(x) // folds`` rows.
    epochs, batch_size, loss, lr, metrics
        As in :func:`badak.fit` (defaults: the notebook's 100 epochs at batch size 1, MSE and
        MAE).
    optimizer : str or callable, default='rmsprop'
        A name, or a factory ``params -> Optimizer``: each fold needs a fresh optimizer, so an
        Optimizer instance is refused.
    standardize : {'global', 'fold', False}, default='global'
        'global' standardizes x with the mean and std of all of ``x`` before cutting folds, as the
        notebook does (the validation fold's statistics then leak slightly into its scaling).
        'fold' fits a ``StandardScaler`` on each fold's training part only and applies it to
        its validation part: the stricter protocol. False leaves x as given. True means 'global'.
    shuffle_folds : bool, default=False
        Permute the rows (with ``rng``) before cutting folds.
    rng : None, int or numpy.random.Generator
        Master generator: one child generator per fold is drawn from it, used first to build the
        model and then to shuffle its batches.
    verbose : {0, 1, 2}, default=0
        Passed to ``fit``; with verbose > 0 a header line names each fold.
    n_jobs : int or None, default=None
        How many folds to train at once, with joblib (scikit-learn's convention): 1 trains them
        one after another in this process; 2 or more (-1: one per CPU) in parallel worker
        processes; None means 1 unless a ``joblib.parallel_config(backend=..., n_jobs=...)``
        block says otherwise (e.g. ``backend='dask'`` sends the folds to a Dask cluster). The
        results are identical to ``n_jobs=1``: every fold uses its own generator, spawned from
        ``rng`` before any fold starts. A model that draws from badak's *default* generator
        (``Dropout(rng=None)``) would differ between workers, so a parallel fold refuses it
        (ValueError): pass ``rng`` down to such layers. Anything but 1 needs joblib (installed
        with scikit-learn, or ``pip install badak[distributed]``).

    Returns
    -------
    CVResult
        ``histories``, ``models``, ``mean_curves``, ``final``, ``summary()``.
    """
    from badak.data import KFold, StandardScaler
    from badak.nn import Module
    from badak.optim import Optimizer

    if isinstance(build_model, Module) or not callable(build_model):
        note = " (a model, not a function)" if isinstance(build_model, Module) else ""
        raise TypeError(f"build_model must be a function rng -> Module that builds a fresh model "
                        f"for each fold (e.g. lambda rng: badak.nn.MLP([13, 64, 1], rng=rng)); "
                        f"received {type(build_model).__name__}{note}")
    x, y = check_pair(x, y)
    folds = check_positive_int("folds", folds)
    if folds < 2:
        raise ValueError(f"folds must be an integer >= 2; received folds={folds}")
    if folds > len(x):
        raise ValueError(f"folds must be at most the number of samples; received folds={folds} "
                         f"for {len(x)} samples")
    if isinstance(optimizer, Optimizer):
        raise ValueError("optimizer must be a name or a factory params -> Optimizer for "
                         "cross_validate: each fold trains a fresh model with a fresh optimizer; "
                         f"received an instance of {type(optimizer).__name__}")
    if standardize is True:
        standardize = "global"
    if standardize not in ("global", "fold", False, None):
        raise ValueError(f"standardize must be one of {{'global', 'fold', False}}; received "
                         f"standardize={standardize!r}")
    shuffle_folds = check_bool("shuffle_folds", shuffle_folds)
    n_jobs = check_n_jobs(n_jobs)
    master = as_generator(rng)
    fold_rngs = master.spawn(folds)
    if standardize == "global":
        x = StandardScaler().fit_transform(x)
    takes_rng = _takes_rng(build_model)

    splitter = KFold(n_splits=folds, shuffle=shuffle_folds, rng=master)
    tasks = []
    for i, (train_idx, val_idx) in enumerate(splitter.split(x)):
        x_train, x_val = x[train_idx], x[val_idx]
        if standardize == "fold":
            scaler = StandardScaler().fit(x_train)
            x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
        tasks.append(dict(index=i, folds=folds, build_model=build_model, takes_rng=takes_rng,
                          x_train=x_train, y_train=y[train_idx], x_val=x_val, y_val=y[val_idx],
                          fold_rng=fold_rngs[i], caller=_here(),
                          fit_kwargs=dict(loss=loss, optimizer=optimizer, epochs=epochs,
                                          batch_size=batch_size, metrics=metrics,
                                          verbose=verbose, lr=lr)))
    results = run_tasks(_run_fold, tasks, n_jobs)
    return CVResult([h for h, _ in results], [m for _, m in results])


def _here() -> tuple[int, int]:
    """(process id, thread id): where a function runs."""
    return os.getpid(), threading.get_ident()


def _check_own_generators(model, index: int) -> None:
    """Refuse a model that draws from badak's default generator in a parallel fold.

    A worker process has its own default generator (unseeded), and threads share one in an
    unpredictable order, so such a fold would silently differ from ``n_jobs=1``.
    """
    from badak.nn import Dropout

    for name, m in model.named_modules():
        if isinstance(m, Dropout) and m.rng is None:
            where = f"layer {name!r}" if name else "the model"
            raise ValueError(f"fold {index + 1} runs in parallel, but the Dropout at {where} "
                             f"draws its masks from badak's default generator (rng=None), which "
                             f"parallel workers do not share: the results would differ from "
                             f"n_jobs=1. Build it with the fold's generator, e.g. "
                             f"Dropout(p, rng=rng) in build_model(rng), or pass n_jobs=1")


def _run_fold(index: int, folds: int, build_model: Callable, takes_rng: bool, x_train, y_train,
              x_val, y_val, fold_rng, caller: tuple[int, int], fit_kwargs: dict):
    """Build and train the model of fold ``index``; return ``(history, model)``.

    A module-level function, so that joblib can send it to another process or a Dask worker.
    ``caller`` is where ``cross_validate`` runs, to tell whether this fold runs elsewhere.
    """
    from badak.nn import Module

    model = build_model(fold_rng) if takes_rng else build_model()
    if not isinstance(model, Module):
        raise TypeError(f"build_model must return a badak.nn.Module; received "
                        f"{type(model).__name__} from build_model")
    if _here() != caller:
        _check_own_generators(model, index)
    verbose = fit_kwargs["verbose"]
    if verbose:
        print(f"Fold {index + 1}/{folds}: {len(x_train)} training and {len(x_val)} "
              f"validation samples", flush=True)
    history = fit(model, x_train, y_train, validation_data=(x_val, y_val), rng=fold_rng,
                  **fit_kwargs)
    if verbose and not math.isnan(history.history["val_loss"][-1]):
        last = ", ".join(f"{k}={v:.4f}" for k, v in history.last().items())
        print(f"Fold {index + 1}/{folds} done: {last}", flush=True)
    return history, model
