"""Run an ONNX file with ONNX Runtime: check an export, or use a model without badak.

``badak.interfaces.onnx.run('boston.onnx', x)`` is what a user of the exported file would write with
``onnxruntime.InferenceSession`` directly; it adds the checks and messages of the rest of badak.

Source: ONNX Runtime's Python API (``onnxruntime.InferenceSession``).
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["load", "run"]


def load(path):
    """Read and check the ONNX model at ``path``; return it (an ``onnx.ModelProto``).

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is not an ONNX model (naming the file and what the parser said).
    """
    from badak.interfaces.onnx.export import _onnx

    onnx = _onnx()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or os.PathLike); received "
                        f"path={path!r} (type {type(path).__name__})")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no ONNX file at path={path!r}")
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model)
    except Exception as error:  # protobuf's DecodeError, onnx's ValidationError, ...
        raise ValueError(f"{path!r} is not a valid ONNX model: {type(error).__name__}: "
                         f"{error}".rstrip(": ")) from error
    if not model.graph.node:
        raise ValueError(f"{path!r} is not a valid ONNX model: it holds no graph")
    return model


def run(path, x) -> np.ndarray:
    """Compute the ONNX model at ``path`` on the batch ``x`` with ONNX Runtime (on the CPU).

    Parameters
    ----------
    path : str or os.PathLike
        An ONNX file, e.g. written by :func:`badak.interfaces.onnx.export`.
    x : array_like
        The input batch; converted to the model's input dtype.

    Returns
    -------
    numpy.ndarray
        The model's (first) output.

    Raises
    ------
    ValueError
        If the file is not ONNX, or ``x``'s shape does not match the model's input.
    ImportError
        If onnxruntime is not installed (``pip install 'badak[onnx]'``).
    """
    model = load(path)
    try:
        import onnxruntime
    except ImportError:
        raise ImportError("badak.interfaces.onnx.run needs onnxruntime; install it with "
                          "`pip install 'badak[onnx]'`") from None
    from badak.interfaces.onnx.export import _onnx

    onnx = _onnx()
    declared = model.graph.input[0]
    dtype = onnx.helper.tensor_dtype_to_np_dtype(declared.type.tensor_type.elem_type)
    dims = [d.dim_value if d.HasField("dim_value") else None
            for d in declared.type.tensor_type.shape.dim]
    x = np.asarray(x, dtype=dtype)
    if x.ndim != len(dims) or any(d is not None and d != n for d, n in zip(dims, x.shape)):
        shown = tuple(d if d is not None else "batch" for d in dims)
        raise ValueError(f"x must have shape {shown} for the model in {os.fspath(path)!r}; "
                         f"received x of shape {x.shape}")
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    return session.run(None, {declared.name: x})[0]
