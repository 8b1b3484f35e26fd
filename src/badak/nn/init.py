"""Initial weights: how the numbers in a fresh layer are drawn.

If every weight starts equal, every unit of a layer computes the same thing and receives the same
gradient, so they stay equal forever: the weights must be random. Their scale matters too. Saito
(*Deep Learning from Scratch* §6.2) shows the activations of a 5-layer network: with std 1 the
sigmoid outputs pile up at 0 and 1 (vanishing gradients), with std 0.01 they all sit at 0.5 (no
expressiveness). Scaling by the number of inputs n keeps them spread:

- ``'normal'``: N(0, 0.01²), the book's first attempt.
- ``'xavier'``: N(0, 1/n), the book's Xavier (Glorot & Bengio 2010) for sigmoid and tanh.
  Note: this is the book's simplified form, std = √(1/n_in); Glorot's own normal form uses
  √(2/(n_in + n_out)).
- ``'he'``: N(0, 2/n), He et al. 2015, for ReLU (which zeroes half its inputs).
- ``'glorot_uniform'``: U(-l, l) with l = √(6/(n_in + n_out)), Keras' default for Dense layers,
  useful to reproduce Keras experiments.

Every function takes the weight's shape (fan_in, fan_out) and a ``numpy.random.Generator`` and
returns a float64 array; layers cast it to their dtype. Biases start at zero.

PyTorch's in-place initialisers are here too (from :mod:`badak.nn.init_inplace`):
``zeros_``, ``ones_``, ``constant_``, ``uniform_``, ``normal_``, ``xavier_uniform_``,
``xavier_normal_``, ``kaiming_uniform_``, ``kaiming_normal_`` and ``calculate_gain``; they take a
tensor (``nn.init.xavier_uniform_(layer.weight, generator=0)``) and read fan_in = shape[0],
fan_out = shape[1] from badak's (in, out) layout.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from badak._validation import check_choice
from badak.engine.random import as_generator
from badak.nn.init_inplace import (  # noqa: F401  (PyTorch's names, as nn.init.<name>)
    calculate_fan_in_and_fan_out,
    calculate_gain,
    constant_,
    kaiming_normal_,
    kaiming_uniform_,
    normal_,
    ones_,
    uniform_,
    xavier_normal_,
    xavier_uniform_,
    zeros_,
)


def _fans(shape: tuple[int, int]) -> tuple[int, int]:
    if len(shape) != 2:
        raise ValueError(f"shape must be (fan_in, fan_out); received shape={shape}")
    return int(shape[0]), int(shape[1])


def normal(shape: tuple[int, int], rng=None, std: float = 0.01) -> np.ndarray:
    """Return N(0, std²) weights, std = 0.01 by default (Saito §6.2.1)."""
    return as_generator(rng).normal(0.0, std, size=shape)


def xavier(shape: tuple[int, int], rng=None) -> np.ndarray:
    """Return N(0, 1/n_in) weights: std = √(1/n_in), the book's Xavier initialisation."""
    fan_in, _ = _fans(shape)
    return as_generator(rng).normal(0.0, np.sqrt(1.0 / fan_in), size=shape)


def he(shape: tuple[int, int], rng=None) -> np.ndarray:
    """Return N(0, 2/n_in) weights: std = √(2/n_in), He initialisation for ReLU."""
    fan_in, _ = _fans(shape)
    return as_generator(rng).normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


def glorot_uniform(shape: tuple[int, int], rng=None) -> np.ndarray:
    """Return U(-l, l) weights with l = √(6/(n_in + n_out)) (Keras' default)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return as_generator(rng).uniform(-limit, limit, size=shape)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "normal": normal,
    "xavier": xavier,
    "he": he,
    "glorot_uniform": glorot_uniform,
}
"""Initialiser functions by name."""


def check_init(init: str, name: str = "init") -> str:
    """Return ``init`` if it names an initialiser; otherwise raise ValueError listing them."""
    return check_choice(name, init, INITIALIZERS)


def initialize(init: str, shape: tuple[int, int], rng=None) -> np.ndarray:
    """Return a float64 array of ``shape`` drawn by the initialiser called ``init``."""
    return INITIALIZERS[check_init(init)](shape, rng)
