"""Matrix product node: Y = A @ B; dL/dA = dL/dY @ Bᵀ, dL/dB = Aᵀ @ dL/dY."""

from __future__ import annotations

from badak.engine.autograd import Function
from badak.engine.ops.prims import ARRAYS
from badak.engine.tensor import Tensor, as_tensor


class MatMul(Function):
    """Y = A @ B for A (..., n, k) and B (..., k, m); 1-D operands are promoted by ``matmul``."""

    def forward(self, a, b):
        return ARRAYS.matmul(a, b)  # (..., n, k) @ (..., k, m) -> (..., n, m)

    def backward(self, gy):
        need_a, need_b = self.needs_input_grad
        a, b = self.saved_inputs()
        P = self.prims
        ga = P.matmul(gy, P.matrix_transpose(b)) if need_a else None  # (.., n, m) @ (.., m, k)
        gb = P.matmul(P.matrix_transpose(a), gy) if need_b else None  # (.., k, n) @ (.., n, m)
        return ga, gb


def matmul(a, b) -> Tensor:
    """Return the matrix product ``a @ b``.

    Both operands need at least one axis; 1-D operands are treated as a row (left) or a column
    (right) vector, as in NumPy. Raises ValueError naming both shapes when they do not fit.
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs operands with at least one axis; received shapes "
                         f"{a.shape} and {b.shape} (use * for scalars)")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last axis "
                         f"of the first ({k_a}) must equal the "
                         f"{'only' if b.ndim == 1 else 'second-to-last'} axis of the second "
                         f"({k_b})")
    if a.ndim == 1 or b.ndim == 1:
        from badak.engine.ops.shape import reshape

        a2 = reshape(a, (1, k_a)) if a.ndim == 1 else a
        b2 = reshape(b, (k_b, 1)) if b.ndim == 1 else b
        y = MatMul()(a2, b2)
        shape = y.shape[:-2] + (() if a.ndim == 1 else y.shape[-2:-1]) + \
            (() if b.ndim == 1 else y.shape[-1:])
        return reshape(y, shape)
    return MatMul()(a, b)
