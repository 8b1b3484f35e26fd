"""The two activations of the lecture that PyTorch lacks, written as PyTorch modules.

:func:`badak.interfaces.interop.to_torch` puts these in the ``torch.nn.Sequential`` it builds where
a badak model has a step or a Maxout layer, so that the PyTorch model computes exactly what the
badak one does; :func:`badak.interfaces.interop.from_torch` turns them back into badak's layers.

- :class:`Step`: 1 where x > 0, else 0 (so 0 at x = 0). Its gradient is 0 everywhere, as in
  badak (``torch.heaviside`` has no gradient at all, which would stop ``backward()``).
- :class:`Maxout`: ``weight`` (out·pieces, in) in PyTorch's layout, ``bias`` (out·pieces,); the
  ``pieces`` consecutive units of each group give one output, their maximum.
"""

from __future__ import annotations

try:
    import torch
except ImportError:
    raise ImportError("badak.interfaces.interop's PyTorch bridge needs PyTorch, which is not "
                      "installed; install it with `pip install torch` (CPU build: "
                      "`pip install torch "
                      "--index-url https://download.pytorch.org/whl/cpu`)") from None

__all__ = ["Maxout", "Step"]


class _StepFunction(torch.autograd.Function):
    """Heaviside step with a zero gradient (not 'no gradient')."""

    @staticmethod
    def forward(ctx, x):
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return torch.zeros_like(grad_output)


class Step(torch.nn.Module):
    """Heaviside step: 1 where x > 0, else 0; gradient 0 (badak's ``nn.Step``)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _StepFunction.apply(x)


class Maxout(torch.nn.Module):
    """Maxout (Goodfellow et al. 2013): a linear map to ``out_features * pieces`` units, then the
    maximum of each group of ``pieces`` consecutive units (badak's ``nn.Maxout``).

    Attributes
    ----------
    weight : torch.nn.Parameter, shape (out_features * pieces, in_features)
        PyTorch's layout: the transpose of badak's (in, out·pieces).
    bias : torch.nn.Parameter, shape (out_features * pieces,)
    """

    def __init__(self, in_features: int, out_features: int, pieces: int = 2,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        width = out_features * pieces
        self.weight = torch.nn.Parameter(torch.zeros(width, in_features, dtype=dtype))
        self.bias = torch.nn.Parameter(torch.zeros(width, dtype=dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = torch.nn.functional.linear(x, self.weight, self.bias)  # (N, in) -> (N, out*k)
        groups = z.unflatten(-1, (self.out_features, self.pieces))  # (N, out, k)
        return groups.amax(dim=-1)  # (N, out)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")
