"""badak models to PyTorch and back: the same layers, the same weights, the same outputs.

A learner who outgrows badak can take a trained model to PyTorch (``to_torch``), and a small
PyTorch model can be brought into badak to be taken apart (``from_torch``). The layers map one to
one; the only difference is the weight layout:

- badak (the lecture, *Deep Learning from Scratch*): W has shape (in, out) and y = x @ W + b;
- PyTorch (``torch.nn.Linear``): W has shape (out, in) and y = x @ W.T + b.

So every Linear (and Maxout) weight is transposed on the way, and nothing else changes. Step and
Maxout, which PyTorch lacks, become the small modules of
:mod:`badak.interfaces.interop.torch_modules`.
Module names are kept ('0', '1', ... in a Sequential), so the state dicts have the same keys on
both sides (:func:`state_dict_to_torch`, :func:`state_dict_from_torch`).

Only exactly these classes are converted; any other module (a convolution, a custom layer, even a
subclass of a supported class, whose ``forward`` may differ) is refused with its name and place.

Source: PyTorch's ``torch/nn/modules/linear.py`` (the (out, in) layout) and ``activation.py``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping

import numpy as np

import badak.interfaces.interop.torch_modules as tm
from badak import nn
from badak.engine.backend import to_numpy
from badak.interfaces.interop.torch_modules import torch

__all__ = ["from_torch", "state_dict_from_torch", "state_dict_to_torch", "to_torch"]

_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


def _tensor(array: np.ndarray, dtype) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(to_numpy(array))).to(dtype)


def _torch_dtype(model) -> torch.dtype:
    dtypes = {np.dtype(p.data.dtype) for p in model.parameters()}
    if len(dtypes) > 1:
        raise ValueError(f"the model's parameters have several dtypes ({sorted(map(str, dtypes))})"
                         f"; convert it first with model.to('float32')")
    dt = dtypes.pop() if dtypes else np.dtype(np.float32)
    if dt not in _DTYPES:
        raise TypeError(f"the model's parameters are {dt}; only float32 and float64 convert")
    return _DTYPES[dt]


# ---------------------------------------------------------------- badak -> PyTorch
def _linear_to_torch(layer: nn.Linear, dtype) -> torch.nn.Module:
    out = torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None,
                          dtype=dtype)
    with torch.no_grad():
        out.weight.copy_(_tensor(layer.weight.data.T, dtype))  # (in, out) -> (out, in)
        if layer.bias is not None:
            out.bias.copy_(_tensor(layer.bias.data, dtype))
    return out


def _maxout_to_torch(layer: nn.Maxout, dtype) -> torch.nn.Module:
    out = tm.Maxout(layer.in_features, layer.out_features, layer.pieces, dtype=dtype)
    with torch.no_grad():
        out.weight.copy_(_tensor(layer.weight.data.T, dtype))  # (in, out*k) -> (out*k, in)
        out.bias.copy_(_tensor(layer.bias.data, dtype))
    return out


def _prelu_to_torch(layer: nn.PReLU, dtype) -> torch.nn.Module:
    out = torch.nn.PReLU(layer.num_parameters, init=layer.init, dtype=dtype)
    with torch.no_grad():
        out.weight.copy_(_tensor(layer.weight.data, dtype))  # the learned slope, (C,)
    return out


def _sequential_to_torch(model: nn.Sequential, dtype, path: str) -> torch.nn.Module:
    layers = {name: _to_torch(layer, dtype, f"{path}.{name}" if path else name)
              for name, layer in model.named_children()}
    return torch.nn.Sequential(OrderedDict(layers))


_TO_TORCH: dict[type, Callable] = {
    nn.Linear: _linear_to_torch,
    nn.Maxout: _maxout_to_torch,
    nn.PReLU: _prelu_to_torch,
    nn.Step: lambda m, dt: tm.Step(),
    nn.Sigmoid: lambda m, dt: torch.nn.Sigmoid(),
    nn.Tanh: lambda m, dt: torch.nn.Tanh(),
    nn.ReLU: lambda m, dt: torch.nn.ReLU(),
    nn.LeakyReLU: lambda m, dt: torch.nn.LeakyReLU(m.negative_slope),
    nn.ELU: lambda m, dt: torch.nn.ELU(m.alpha),
    nn.Softmax: lambda m, dt: torch.nn.Softmax(dim=m.axis),
    nn.Dropout: lambda m, dt: torch.nn.Dropout(m.p),
    nn.Identity: lambda m, dt: torch.nn.Identity(),
}


def _to_torch(module, dtype, path: str) -> torch.nn.Module:
    if type(module) in (nn.Sequential, nn.MLP):
        out = _sequential_to_torch(module, dtype, path)
    elif type(module) in _TO_TORCH:
        out = _TO_TORCH[type(module)](module, dtype)
    else:
        where = f" (layer {path!r} of the model)" if path else ""
        known = ", ".join(["Sequential", "MLP"] + [c.__name__ for c in _TO_TORCH])
        raise TypeError(f"to_torch cannot convert the badak module {type(module).__name__}"
                        f"{where}: only {known} are supported (exactly these classes: a "
                        f"subclass may compute something else)")
    out.train(module.training)
    return out


def to_torch(model: nn.Module) -> torch.nn.Module:
    """Return a PyTorch module that computes what the badak ``model`` computes.

    A Sequential or MLP becomes a ``torch.nn.Sequential`` with the same layer names; Linear
    becomes ``torch.nn.Linear`` with the weight transposed to PyTorch's (out, in) layout; each
    activation its PyTorch twin (Step and Maxout the modules of
    :mod:`badak.interfaces.interop.torch_modules`); Dropout ``torch.nn.Dropout`` with the same p.
    The parameters are copies in the model's dtype (float32 or float64), and each module keeps the
    training or evaluation mode of its badak counterpart.

    Raises
    ------
    TypeError
        If the model holds a module that cannot be converted (named, with its place).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    return _to_torch(model, _torch_dtype(model), "")


# ---------------------------------------------------------------- PyTorch -> badak
def _array(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().copy()


def _linear_from_torch(layer: torch.nn.Linear, path: str) -> nn.Module:
    out = nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None)
    out.weight.data = _array(layer.weight).T.copy()  # (out, in) -> (in, out)
    if layer.bias is not None:
        out.bias.data = _array(layer.bias)
    return out


def _maxout_from_torch(layer: tm.Maxout, path: str) -> nn.Module:
    out = nn.Maxout(layer.in_features, layer.out_features, pieces=layer.pieces)
    out.weight.data = _array(layer.weight).T.copy()  # (out*k, in) -> (in, out*k)
    out.bias.data = _array(layer.bias)
    return out


def _prelu_from_torch(layer: torch.nn.PReLU, path: str) -> nn.Module:
    slope = _array(layer.weight)
    out = nn.PReLU(layer.num_parameters, init=float(slope.flat[0]))
    out.weight.data = slope
    return out


def _softmax_from_torch(layer: torch.nn.Softmax, path: str) -> nn.Module:
    if layer.dim is None:
        raise ValueError(f"from_torch: the torch.nn.Softmax at {path!r} has dim=None (PyTorch "
                         f"then guesses the axis); build it with an explicit dim, e.g. "
                         f"Softmax(dim=-1)")
    return nn.Softmax(axis=layer.dim)


_FROM_TORCH: dict[type, Callable] = {
    torch.nn.Linear: _linear_from_torch,
    tm.Maxout: _maxout_from_torch,
    torch.nn.PReLU: _prelu_from_torch,
    torch.nn.Softmax: _softmax_from_torch,
    tm.Step: lambda m, path: nn.Step(),
    torch.nn.Sigmoid: lambda m, path: nn.Sigmoid(),
    torch.nn.Tanh: lambda m, path: nn.Tanh(),
    torch.nn.ReLU: lambda m, path: nn.ReLU(),
    torch.nn.LeakyReLU: lambda m, path: nn.LeakyReLU(m.negative_slope),
    torch.nn.ELU: lambda m, path: nn.ELU(m.alpha),
    torch.nn.Dropout: lambda m, path: nn.Dropout(m.p),
    torch.nn.Identity: lambda m, path: nn.Identity(),
}


def _from_torch(module, path: str) -> nn.Module:
    if type(module) is torch.nn.Sequential:
        out = nn.Sequential()
        for name, layer in module.named_children():
            if not name.isdigit() or int(name) != len(out):
                raise ValueError(f"from_torch: badak's Sequential names its layers '0', '1', ...;"
                                 f" the torch.nn.Sequential at {path or 'the top'!r} has a layer "
                                 f"named {name!r}")
            out.append(_from_torch(layer, f"{path}.{name}" if path else name))
    elif type(module) in _FROM_TORCH:
        out = _FROM_TORCH[type(module)](module, path)
    else:
        where = f" (layer {path!r} of the module)" if path else ""
        known = ", ".join(["Sequential"] + [c.__name__ for c in _FROM_TORCH])
        raise TypeError(f"from_torch cannot convert the PyTorch module {type(module).__name__}"
                        f"{where}: badak has no such layer; supported: {known}")
    out.train(module.training)
    return out


def from_torch(module: torch.nn.Module) -> nn.Module:
    """Return a badak model that computes what the PyTorch ``module`` computes.

    The inverse of :func:`to_torch`: ``torch.nn.Sequential`` becomes :class:`badak.nn.Sequential`
    (layers named '0', '1', ...), ``torch.nn.Linear`` :class:`badak.nn.Linear` with the weight
    transposed to badak's (in, out) layout, and each activation its badak twin. The parameters
    are copies, in the module's dtype.

    Raises
    ------
    TypeError
        If the module holds a layer badak lacks (a convolution, a normalisation, ...), naming it
        and its place.
    """
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; received {type(module).__name__}")
    dtypes = {p.dtype for p in module.parameters()}
    if not dtypes <= set(_DTYPES.values()) or len(dtypes) > 1:
        raise TypeError(f"the module's parameters must all be float32 or all float64; received "
                        f"{sorted(map(str, dtypes))}")
    model = _from_torch(module, "")
    if dtypes == {torch.float64}:
        model.to("float64")
    return model


# ---------------------------------------------------------------- state dicts
def _transposed_keys(model: nn.Module) -> set[str]:
    """Names of the (in, out) weights of ``model``: the ones whose layout differs."""
    keys = set()
    for name, m in model.named_modules():
        if type(m) in (nn.Linear, nn.Maxout):
            keys.add(f"{name}.weight" if name else "weight")
        elif type(m) not in _TO_TORCH and type(m) not in (nn.Sequential, nn.MLP):
            raise TypeError(f"cannot convert the weights of the badak module {type(m).__name__}"
                            f" (layer {name!r} of the model): its PyTorch layout is unknown")
    return keys


def state_dict_to_torch(model: nn.Module) -> dict[str, torch.Tensor]:
    """Return ``model``'s weights as a PyTorch state dict: the same keys, Linear and Maxout weights
    transposed to (out, in), tensors in the model's dtype.

    ``torch_model.load_state_dict(state_dict_to_torch(model))`` loads them into ``to_torch``'s
    structure, or into a hand-written ``torch.nn.Sequential`` of the same layers.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    transposed = _transposed_keys(model)
    dtype = _torch_dtype(model)
    return {name: _tensor(p.T if name in transposed else p, dtype)
            for name, p in model.state_dict().items()}


def state_dict_from_torch(state_dict: Mapping[str, torch.Tensor], model: nn.Module
                          ) -> dict[str, np.ndarray]:
    """Return a PyTorch state dict as arrays for ``model.load_state_dict``.

    ``model`` says which entries are Linear or Maxout weights, stored (out, in) by PyTorch and
    transposed here to badak's (in, out); the keys must be the model's parameter names and the
    shapes must fit, or ValueError names the first key that does not.

    Examples
    --------
    >>> model.load_state_dict(state_dict_from_torch(torch_model.state_dict(), model))
    ... # doctest: +SKIP
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"state_dict must be a mapping of names to tensors (torch_model."
                        f"state_dict()); received {type(state_dict).__name__}")
    transposed = _transposed_keys(model)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    if missing or unexpected:
        raise ValueError(f"state_dict does not fit the model: missing keys {missing}, unexpected "
                         f"keys {unexpected}")
    out = {}
    for name, ours in expected.items():
        value = state_dict[name]
        array = _array(value) if isinstance(value, torch.Tensor) else np.asarray(value)
        if name in transposed:
            array = array.T
        if array.shape != ours.shape:
            torch_shape = ours.shape[::-1] if name in transposed else ours.shape
            raise ValueError(f"state_dict[{name!r}] has shape {tuple(np.shape(value))}; the model "
                             f"needs {torch_shape} in PyTorch's layout")
        out[name] = np.ascontiguousarray(array)
    return out
