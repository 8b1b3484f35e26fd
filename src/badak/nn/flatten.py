"""Flatten: join some axes of the input into one, e.g. images (N, 28, 28) into rows (N, 784).

PyTorch's ``nn.Flatten(start_dim=1, end_dim=-1)``: the batch axis stays, the rest is joined, so
that a :class:`~badak.nn.Linear` layer can follow. Only a reshape: no parameters, and the gradient
is reshaped back.
"""

from __future__ import annotations

import numbers

from badak.engine.tensor import Tensor, as_tensor
from badak.nn.module import Module
from badak.nn.registry import register_module


@register_module
class Flatten(Module):
    """Join the axes ``start_dim`` to ``end_dim`` (inclusive) into one.

    Parameters
    ----------
    start_dim : int, default=1
    end_dim : int, default=-1
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        for name, value in (("start_dim", start_dim), ("end_dim", end_dim)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{name} must be an integer; received {name}={value!r}")
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x) -> Tensor:
        x = x if isinstance(x, Tensor) else as_tensor(x)
        shape = x.shape
        nd = len(shape)
        start = self.start_dim + nd if self.start_dim < 0 else self.start_dim
        end = self.end_dim + nd if self.end_dim < 0 else self.end_dim
        if not (0 <= start < max(nd, 1) and 0 <= end < max(nd, 1)) or start > end:
            raise ValueError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does "
                             f"not fit an input of shape {shape} ({nd} axes)")
        return x.reshape(shape[:start] + (-1,) + shape[end + 1:])  # (N, a, b) -> (N, a*b)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

    def get_config(self) -> dict:
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}
