"""Stack the samples of a data set into one batch: PyTorch's ``default_collate``, on NumPy.

A batch has the structure of one sample, with a new first axis of length B:

- arrays of shape S -> one array of shape (B, *S); badak Tensors -> one Tensor (no graph);
- numbers -> an array of shape (B,) (Python ints int64, floats float64, bools bool; NumPy
  scalars keep their dtype);
- strings -> a list of B strings;
- tuples, lists and dicts -> a tuple, list or dict of batches, element by element (PyTorch
  gives a list for tuple samples; unpacking ``xb, yb = batch`` reads the same).

Every sample must have the structure of the first one (the same tuple length, dict keys, array
shapes); the error names the two samples that differ.

Source: PyTorch, ``torch/utils/data/_utils/collate.py`` (``default_collate``).
"""

from __future__ import annotations

import numbers

import numpy as np

from badak.engine.tensor import Tensor

__all__ = ["collate"]


def _kind(value) -> str | None:
    """The collation rule for ``value``, or None when it has none."""
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, np.ndarray):
        return "array" if value.dtype.kind in "biufc" else None
    if isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, np.ndarray):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (tuple, list, dict)):
        return type(value).__name__
    return None


def _describe(value) -> str:
    kind = _kind(value)
    if kind in ("Tensor", "array"):
        return f"{'a Tensor' if kind == 'Tensor' else 'an array'} of shape {value.shape}"
    if kind in ("tuple", "list"):
        return f"a {kind} of {len(value)}"
    if kind == "dict":
        return f"a dict with keys {list(value)}"
    if kind == "number":
        return f"a number ({type(value).__name__})"
    return f"a {type(value).__name__}"


def _same_structure(a, b) -> bool:
    kind = _kind(a)
    if kind != _kind(b):
        return False
    if kind in ("Tensor", "array"):
        return a.shape == b.shape
    if kind in ("tuple", "list"):
        return len(a) == len(b)
    if kind == "dict":
        return list(a) == list(b)
    return True


def collate(samples: list, indices: list[int], path: str = ""):
    """Batch ``samples`` (those of ``dataset[i]`` for ``i`` in ``indices``, named in errors).

    Raises
    ------
    TypeError
        If a sample holds something that cannot be batched (None, an object, an array of
        Python objects).
    ValueError
        If the samples do not all have the structure of the first one.
    """
    first = samples[0]
    kind = _kind(first)
    if kind is None:
        raise TypeError(f"DataLoader: samples must be made of NumPy arrays, numbers, strings, "
                        f"badak Tensors and tuples, lists or dicts of them; "
                        f"dataset[{indices[0]}]{path} is {_describe(first)}")
    for sample, i in zip(samples[1:], indices[1:]):
        if not _same_structure(first, sample):
            raise ValueError(f"DataLoader: samples must all have the same structure to be "
                             f"batched; dataset[{indices[0]}]{path} is {_describe(first)} but "
                             f"dataset[{i}]{path} is {_describe(sample)}")
    if kind == "array":
        return np.stack(samples)                                       # (B, *S)
    if kind == "Tensor":
        return Tensor._make(np.stack([s.data for s in samples]), False)  # (B, *S)
    if kind == "number":
        return np.asarray(samples)                                     # (B,)
    if kind == "str":
        return list(samples)
    if kind == "dict":
        return {key: collate([s[key] for s in samples], indices, f"{path}[{key!r}]")
                for key in first}
    columns = [collate(list(column), indices, f"{path}[{j}]")
               for j, column in enumerate(zip(*samples))]
    return tuple(columns) if kind == "tuple" else columns
