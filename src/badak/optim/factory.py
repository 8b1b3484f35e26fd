"""Optimizers by name: ``get_optimizer('adam', model.parameters())``.

The names are the ones Keras' ``compile(optimizer='rmsprop')`` and the lecture use; ``'momentum'``
is SGD with momentum 0.9, the book's ``Momentum``. Each name comes with the learning rate its
source uses by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from badak.engine.tensor import Tensor
from badak.optim.adagrad import AdaGrad
from badak.optim.adam import Adam
from badak.optim.adamw import AdamW
from badak.optim.optimizer import Optimizer
from badak.optim.rmsprop import RMSprop
from badak.optim.sgd import SGD

OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}
"""Name -> optimizer class. ``'momentum'`` is :class:`SGD` built with ``momentum=0.9``."""

DEFAULT_KWARGS: dict[str, dict[str, float]] = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "momentum": 0.9},
    "adagrad": {"lr": 0.01},
    "rmsprop": {"lr": 1e-3},
    "adam": {"lr": 1e-3},
    "adamw": {"lr": 1e-3},
}
"""Name -> the keyword arguments :func:`get_optimizer` uses unless told otherwise."""


def get_optimizer(name: str | type[Optimizer], params: Iterable[Tensor], lr: float | None = None,
                  **kwargs) -> Optimizer:
    """Build an optimizer from its name (or class).

    Parameters
    ----------
    name : {'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'} or Optimizer subclass
        Which optimizer (case-insensitive). ``'momentum'`` is SGD with ``momentum=0.9``.
    params : iterable of Tensor
        The parameters to optimize, e.g. ``model.parameters()``.
    lr : float, optional
        The learning rate. None uses the default of that name: 0.01 for 'sgd', 'momentum' and
        'adagrad', 0.001 for 'rmsprop', 'adam' and 'adamw' (for a class: the class's default).
    **kwargs
        Other hyperparameters of that optimizer (override the name's defaults).

    Returns
    -------
    Optimizer

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    TypeError
        If ``name`` is neither a string nor an Optimizer subclass.
    """
    if isinstance(name, type) and issubclass(name, Optimizer):
        cls, defaults = name, {}
    elif isinstance(name, str):
        key = name.lower()
        if key not in OPTIMIZERS:
            listed = ", ".join(repr(k) for k in OPTIMIZERS)
            raise ValueError(f"optimizer must be one of {{{listed}}} or an Optimizer class; "
                             f"received optimizer={name!r}")
        cls, defaults = OPTIMIZERS[key], DEFAULT_KWARGS[key]
    else:
        hint = (" (an Optimizer instance is used as it is; it needs no factory)"
                if isinstance(name, Optimizer) else "")
        raise TypeError(f"optimizer must be a name or an Optimizer class; received "
                        f"{type(name).__name__}{hint}")
    options = {**defaults, **kwargs}
    if lr is not None:
        options["lr"] = lr
    return cls(params, **options)
