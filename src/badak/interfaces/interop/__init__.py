"""badak.interfaces.interop: badak models to PyTorch and back.

- :func:`to_torch`, :func:`from_torch`: a ``torch.nn.Sequential`` with the same layers and weights
  (transposed between badak's (in, out) and PyTorch's (out, in) layout), and back.
- :func:`state_dict_to_torch`, :func:`state_dict_from_torch`: the weights alone, either way.

PyTorch is optional and imported only when one of these names is first used; without it they
raise ImportError saying how to install it. (ONNX export lives in :mod:`badak.interfaces.onnx`.)
"""

from __future__ import annotations

import importlib

__all__ = ["from_torch", "state_dict_from_torch", "state_dict_to_torch", "to_torch"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module("badak.interfaces.interop.pytorch"), name)
    raise AttributeError(f"module 'badak.interfaces.interop' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
