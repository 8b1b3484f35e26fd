"""badak (밑바닥, "from the very bottom"): neural networks from first principles on NumPy.

The engine: :class:`Tensor` values recorded into a computational graph of :class:`Function`
nodes, each with a local forward and backward, and :meth:`Tensor.backward` applying the chain rule
from the output back to the leaves.
"""

from badak import functional
from badak.autograd import Function, GraphFreedError, enable_grad, grad, is_grad_enabled, no_grad
from badak.gradcheck import GradcheckError, gradcheck, numerical_grad
from badak.ops import clip, concatenate, stack, where
from badak.random import manual_seed
from badak.tensor import Tensor, tensor

__version__ = "0.1.0"

__all__ = [
    "Function", "GradcheckError", "GraphFreedError", "Tensor", "clip", "concatenate",
    "enable_grad", "functional", "grad", "gradcheck", "is_grad_enabled", "manual_seed", "no_grad",
    "numerical_grad", "stack", "tensor", "where",
]
