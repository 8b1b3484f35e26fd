"""PyTorch's in-place initialisers (``nn.init.xavier_uniform_`` and the rest), for badak's layout.

Each function overwrites the values of a tensor in place (``model[0].weight``) and returns it;
the random ones draw from ``generator`` (a ``numpy.random.Generator`` or a seed; None uses
badak's default generator, see :func:`badak.manual_seed`). The formulas are PyTorch's
(``torch/nn/init.py``), with one difference that matters: badak's weights are (in, out), so
**fan_in is ``shape[0]`` and fan_out is ``shape[1]``** (PyTorch's ``nn.Linear`` weight is
(out, in) and PyTorch reads them the other way round). The bound or standard deviation of a
badak (in, out) weight is therefore the same as that of the PyTorch (out, in) weight of the same
layer.

- ``xavier_uniform_``: U(-a, a), a = gain·√(6 / (fan_in + fan_out)); ``xavier_normal_``:
  N(0, std²), std = gain·√(2 / (fan_in + fan_out)) (Glorot and Bengio 2010).
- ``kaiming_uniform_``: U(-b, b), b = gain·√(3 / fan); ``kaiming_normal_``: std = gain / √fan,
  with fan = fan_in (``mode='fan_in'``) or fan_out, gain = :func:`calculate_gain` (He et al.
  2015).
"""

from __future__ import annotations

import math

import numpy as np

from badak._validation import check_choice, check_number
from badak.engine.random import as_generator
from badak.engine.tensor import Tensor

_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "conv1d": 1.0, "conv2d": 1.0,
          "conv3d": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation (PyTorch's table): 1 for linear and sigmoid, 5/3
    for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU (slope ``param``, default 0.01),
    3/4 for SELU."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_number("param", param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    return _GAINS[check_choice("nonlinearity", nonlinearity, [*_GAINS, "leaky_relu"])]


def _target(tensor, name: str = "tensor") -> np.ndarray:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name} must be a badak Tensor (e.g. layer.weight); received "
                        f"{type(tensor).__name__}")
    if tensor.data.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating-point tensor; received dtype "
                        f"{tensor.data.dtype}")
    return tensor.data


def calculate_fan_in_and_fan_out(tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a badak weight (in, out): ``(shape[0], shape[1])``."""
    a = _target(tensor)
    if a.ndim != 2:
        raise ValueError(f"fan in and fan out can only be computed for a 2-D weight (in, out); "
                         f"received a tensor of shape {a.shape}")
    return int(a.shape[0]), int(a.shape[1])


def _fill(tensor, values) -> Tensor:
    a = tensor.data
    a[...] = np.asarray(values, dtype=a.dtype)  # in place: the array keeps its identity
    return tensor


def zeros_(tensor) -> Tensor:
    """Fill ``tensor`` with 0, in place; returns it."""
    _target(tensor)
    return _fill(tensor, 0.0)


def ones_(tensor) -> Tensor:
    """Fill ``tensor`` with 1, in place; returns it."""
    _target(tensor)
    return _fill(tensor, 1.0)


def constant_(tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``, in place; returns it."""
    _target(tensor)
    return _fill(tensor, check_number("val", val))


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with U(a, b) draws (a <= b), in place; returns it."""
    arr = _target(tensor)
    a, b = check_number("a", a), check_number("b", b)
    if a > b:
        raise ValueError(f"uniform_ needs a <= b; received a={a}, b={b}")
    return _fill(tensor, as_generator(generator, "generator").uniform(a, b, size=arr.shape))


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with N(mean, std²) draws (std >= 0), in place; returns it."""
    arr = _target(tensor)
    mean, std = check_number("mean", mean), check_number("std", std, low=0.0)
    return _fill(tensor, as_generator(generator, "generator").normal(mean, std, size=arr.shape))


def xavier_uniform_(tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot uniform: U(-a, a), a = gain·√(6 / (fan_in + fan_out)), in place."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = check_number("gain", gain, low=0.0) * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot normal: N(0, std²), std = gain·√(2 / (fan_in + fan_out)), in place."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = check_number("gain", gain, low=0.0) * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity) -> float:
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if check_choice("mode", mode, ("fan_in", "fan_out")) == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He uniform: U(-b, b), b = gain·√(3 / fan), in place (``a``: the leaky-ReLU slope)."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He normal: N(0, std²), std = gain / √fan, in place (``a``: the leaky-ReLU slope)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


__all__ = ["calculate_fan_in_and_fan_out", "calculate_gain", "constant_", "kaiming_normal_",
           "kaiming_uniform_", "normal_", "ones_", "uniform_", "xavier_normal_",
           "xavier_uniform_", "zeros_"]
