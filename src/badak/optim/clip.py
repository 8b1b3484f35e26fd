"""Gradient clipping: keep one bad batch from throwing the weights far away.

Two ways, both applied after ``loss.backward()`` and before ``optimizer.step()``:

- by norm (:func:`clip_grad_norm_`): treat all gradients as one long vector ``g`` and, if its
  length ``||g||_2`` exceeds ``max_norm``, shrink every gradient by the same factor
  ``max_norm / ||g||_2``. The direction of the step is kept, only its length is capped.
- by value (:func:`clip_grad_value_`): clip each element into ``[-clip_value, clip_value]``.
  Simpler, but it changes the direction of the step.

Every clipping option of the library goes through one function, :func:`clip_gradients_`: the
optimizers' ``clipnorm``/``clipvalue`` (Keras' options, applied in ``optimizer.step()``) and
``fit(..., clipnorm=, clipvalue=)`` call it, and it calls the two functions above, which hold
the arithmetic. (``badak.compile`` watches those two functions, so a recorded training step
replays its clipping too.)

Both replace each parameter's ``.grad`` with a new tensor rather than writing into the old array:
backward may hand the same array to several parameters (the gradient of ``x + y`` reaches ``x``
and ``y`` unchanged) or give a read-only broadcast view, and writing into it would clip twice or
fail.

Sources: PyTorch's ``torch/nn/utils/clip_grad.py`` (names, the global norm and its return value);
Keras' ``global_clipnorm``/``clipvalue`` (Keras' own ``clipnorm`` clips each tensor separately);
Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent neural networks" (2013).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from badak._validation import check_bool, check_positive
from badak.engine.autograd import no_grad
from badak.engine.backend import xp
from badak.engine.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_gradients_"]


def _with_grads(params: Tensor | Iterable[Tensor]) -> list[Tensor]:
    """The distinct tensors of ``params`` that have a gradient."""
    items = [params] if isinstance(params, Tensor) else list(params)
    out, seen = [], set()
    for i, p in enumerate(items):
        if not isinstance(p, Tensor):
            raise TypeError(f"params[{i}] must be a Tensor; received {type(p).__name__}")
        if p.grad is not None and id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


def _grad_data(p: Tensor):
    return p.grad.data if isinstance(p.grad, Tensor) else xp.asarray(p.grad)


def clip_grad_norm_(params: Tensor | Iterable[Tensor], max_norm: float, *,
                    error_if_nonfinite: bool = False) -> float:
    r"""Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    .. math::

        n = \sqrt{\textstyle\sum_{p} \sum_{j} g_{p,j}^2}, \qquad
        g_p \leftarrow g_p \cdot \frac{\text{max\_norm}}{n} \quad \text{if } n > \text{max\_norm}

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters whose ``.grad`` to clip; those without a gradient are ignored.
    max_norm : float
        The largest allowed norm, > 0.
    error_if_nonfinite : bool, default=False
        Raise ValueError when the norm is NaN or inf. Otherwise the gradients are left unchanged
        in that case (scaling would only turn them into NaN) and the norm is returned.

    Returns
    -------
    float
        The global norm ``n`` before clipping (0.0 when no parameter has a gradient).
    """
    max_norm = check_positive("max_norm", max_norm)
    check_bool("error_if_nonfinite", error_if_nonfinite)
    tensors = _with_grads(params)
    # Summed in float64: a float32 gradient of 1e20 would overflow when squared in float32.
    total = 0.0
    for p in tensors:
        total += float(xp.sum(xp.square(_grad_data(p), dtype=xp.float64)))
    norm = math.sqrt(total)
    if not math.isfinite(norm):
        if error_if_nonfinite:
            raise ValueError(f"the total norm of the gradients is {norm}, so they cannot be "
                             f"clipped; the loss has probably diverged (try a smaller lr)")
        return norm
    if norm > max_norm:
        for p in tensors:
            g = _grad_data(p)
            p.grad = Tensor._make(g * g.dtype.type(max_norm / norm), False)
    return norm


def clip_grad_value_(params: Tensor | Iterable[Tensor], clip_value: float) -> None:
    r"""Clip every gradient element into ``[-clip_value, clip_value]``.

    .. math::

        g_{p,j} \leftarrow \min(\max(g_{p,j}, -c), c)

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters whose ``.grad`` to clip; those without a gradient are ignored.
    clip_value : float
        The bound ``c``, > 0.
    """
    clip_value = check_positive("clip_value", clip_value)
    for p in _with_grads(params):
        g = _grad_data(p)
        c = g.dtype.type(clip_value)
        p.grad = Tensor._make(xp.clip(g, -c, c), False)


def clip_gradients_(params: Tensor | Iterable[Tensor], *, clipnorm: float | None = None,
                    clipvalue: float | None = None) -> None:
    """Clip the gradients of ``params`` as the options ``clipnorm`` and ``clipvalue`` say.

    The one place where the library's clipping options take effect: an optimizer built with
    ``clipnorm=`` or ``clipvalue=`` calls it at the start of ``step()`` (on each parameter
    group), and ``fit(..., clipnorm=, clipvalue=)`` calls it between ``loss.backward()`` and
    ``optimizer.step()``. With both set (only ``fit`` allows it), the global norm is clipped
    first, then each element, as Keras does.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters whose ``.grad`` to clip; frozen ones (``requires_grad=False``) and those
        without a gradient are left out, also from the global norm.
    clipnorm : float or None
        The largest global L2 norm (:func:`clip_grad_norm_`), > 0; None: no clipping by norm.
    clipvalue : float or None
        The bound of every element (:func:`clip_grad_value_`), > 0; None: no clipping by value.
    """
    live = [p for p in ([params] if isinstance(params, Tensor) else params)
            if not isinstance(p, Tensor) or p.requires_grad]
    with no_grad():
        if clipnorm is not None:
            clip_grad_norm_(live, clipnorm)
        if clipvalue is not None:
            clip_grad_value_(live, clipvalue)
