"""``model.summary()``: a Keras-like table of the layers, their output shapes and parameters.

Each leaf layer (one without sub-modules) is one row. Given an input shape, a batch of zeros is
run through the model once, with a forward hook on every row's layer to record the shape of what
it returns; the model is in eval mode and no graph is kept, and both are restored after.

Sources: Keras' ``Model.summary()`` (the table); PyTorch's forward hooks (how shapes are
recorded).
"""

from __future__ import annotations

import numpy as np

from badak.engine.autograd import no_grad
from badak.engine.tensor import Tensor


def _shape_of(out, any_batch: bool = False) -> str:
    """The shape of a layer's output; ``any_batch`` writes its first axis as None (Keras)."""
    if isinstance(out, Tensor):
        shape = tuple(out.shape)
        return str((None,) + shape[1:] if any_batch and shape else shape)
    if isinstance(out, (tuple, list)):
        return ", ".join(_shape_of(o, any_batch) for o in out)
    return type(out).__name__


def _positive_int(d) -> bool:
    return not isinstance(d, bool) and isinstance(d, (int, np.integer)) and d >= 1


def summary(model, input_shape=None, dtype="float32") -> str:
    """Return the summary table of ``model`` (see :meth:`badak.nn.Module.summary`)."""
    rows = [(name, m) for name, m in model.named_modules() if name and not m._modules]
    if not rows:
        rows = [("", model)]
    shapes: dict[int, str] = {}
    if input_shape is not None:
        if not isinstance(input_shape, (tuple, list)) or not input_shape or not (
                input_shape[0] is None or _positive_int(input_shape[0])) or not all(
                map(_positive_int, input_shape[1:])):
            raise ValueError(f"input_shape must be a tuple of positive integers, the shape of a "
                             f"batch such as (1, 13) or (None, 13); received "
                             f"input_shape={input_shape!r}")
        any_batch = input_shape[0] is None              # Keras' (None, 13): run a batch of 1
        run_shape = ((1,) if any_batch else (input_shape[0],)) + tuple(input_shape[1:])

        def record(mod, args, out):
            shapes[id(mod)] = _shape_of(out, any_batch)

        handles = [m.register_forward_hook(record) for _, m in rows]
        was_training = model.training
        try:
            model.eval()
            with no_grad():
                out = model(Tensor(np.zeros(run_shape, dtype=np.dtype(dtype))))
        finally:
            for h in handles:
                h.remove()
            model.train(was_training)
        output_shape = _shape_of(out, any_batch)
    table = []
    for name, m in rows:
        count = sum(p.size for p in m._parameters.values() if p is not None)
        row = [name or type(m).__name__, type(m).__name__]
        if input_shape is not None:
            row.append(shapes.get(id(m), "(not called)"))
        row.append(f"{count:,}")
        table.append(row)
    head = ["Layer", "Type"] + (["Output shape"] if input_shape is not None else []) + \
        ["Param #"]
    widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]

    def line(cells):
        return "  ".join(c.rjust(w) if i == len(cells) - 1 else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    rule = "=" * len(line(head))
    lines = [f"Model: {type(model).__name__}", rule, line(head), "-" * len(rule)]
    lines += [line(r) for r in table]
    total = model.num_parameters()
    trainable = model.num_parameters(trainable_only=True)
    lines += [rule, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}"]
    if input_shape is not None:
        lines.append(f"Input shape: {tuple(input_shape)} -> output shape: {output_shape}")
    return "\n".join(lines)
