"""Write a badak model as an ONNX file, for ONNX Runtime, other frameworks and other languages.

ONNX describes a network as a graph of standard operators (MatMul, Add, Relu, ...) with the
weights stored inside the file. Each badak layer becomes the operators that compute exactly what
its ``forward`` computes in evaluation mode:

=============  =====================================================================
badak          ONNX
=============  =====================================================================
Linear         MatMul(x, W) then Add(b): W is stored as badak keeps it, (in, out)
Maxout         MatMul, Add, Reshape (..., out, pieces), ReduceMax over the pieces:
               the ``pieces`` consecutive units of a group share one output
Step           Cast(Greater(x, 0)): 1 where x > 0, and 0 at x = 0, as in badak
Sigmoid, Tanh  Sigmoid, Tanh
ReLU           Relu
LeakyReLU      Where(Greater(x, 0), x, Mul(x, negative_slope))
PReLU          Where(Greater(x, 0), x, Mul(x, slope)): the learned slope, shape (1,) or
               (channels, 1, ...) so that it applies along axis 1 as badak's does
ELU            Where(Greater(x, 0), x, alpha * (Exp(Min(x, 0)) - 1))
Softmax        Softmax(axis)

(LeakyReLU, PReLU and ELU are written with elementary operators because ONNX Runtime implements
its LeakyRelu, PRelu and Elu operators for float32 only; the values are the same.)
Dropout        Identity (an exported model is used for inference: evaluation mode)
Identity       Identity
Sequential     the layers in order (MLP is a Sequential)
=============  =====================================================================

A module of another class (a loss, a custom layer, even a subclass of a supported layer, whose
``forward`` may differ) is refused with its name, rather than exported as something else.

Sources: the ONNX operator specification (onnx.ai/onnx/operators); the ``onnx.helper`` API.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from badak.engine.backend import to_numpy

OPSET = 21
"""The ONNX operator set the files are written with (ONNX 1.16, 2024; ONNX Runtime >= 1.18)."""

__all__ = ["OPSET", "SUPPORTED", "export"]


def _onnx():
    try:
        import onnx  # the third-party package (imports are absolute), not badak.interfaces.onnx
    except ImportError:
        raise ImportError("badak.interfaces.onnx needs the onnx package; install it with "
                          "`pip install 'badak[onnx]'` (onnx and onnxruntime)") from None
    return onnx


class _Graph:
    """The nodes and weights of the graph being written, with fresh tensor names."""

    def __init__(self, onnx, dtype: np.dtype) -> None:
        self.onnx = onnx
        self.dtype = dtype
        self.elem_type = onnx.helper.np_dtype_to_tensor_dtype(dtype)
        self.nodes: list = []
        self.initializers: list = []
        self.count = 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, hint: str, array) -> str:
        """Store ``array`` in the file as a weight; return its name."""
        name = self.name(hint)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], hint: str, **attributes) -> str:
        """Add one operator; return the name of its output."""
        out = self.name(hint)
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [out], name=out, **attributes))
        return out


# ---------------------------------------------------------------- one converter per layer
def _affine(g: _Graph, x: str, layer, hint: str) -> str:
    w = g.constant(f"{hint}.weight", to_numpy(layer.weight.data).astype(g.dtype))
    y = g.node("MatMul", [x, w], f"{hint}.matmul")  # (N, in) @ (in, out) -> (N, out)
    if layer.bias is None:
        return y
    b = g.constant(f"{hint}.bias", to_numpy(layer.bias.data).astype(g.dtype))
    return g.node("Add", [y, b], f"{hint}.add")  # (N, out) + (out,) -> (N, out)


def _linear(g, x, layer, hint, ndim):
    return _affine(g, x, layer, hint)


def _maxout(g, x, layer, hint, ndim):
    z = _affine(g, x, layer, hint)  # (N, out * pieces)
    # 0 copies the input's size on that axis: (..., out * pieces) -> (..., out, pieces)
    shape = g.constant(f"{hint}.shape",
                       np.array([0] * (ndim - 1) + [layer.out_features, layer.pieces], np.int64))
    grouped = g.node("Reshape", [z, shape], f"{hint}.groups")
    axes = g.constant(f"{hint}.axes", np.array([-1], np.int64))
    return g.node("ReduceMax", [grouped, axes], f"{hint}.max", keepdims=0)  # (..., out)


def _step(g, x, layer, hint, ndim):
    zero = g.constant(f"{hint}.zero", np.zeros((), g.dtype))
    positive = g.node("Greater", [x, zero], f"{hint}.positive")  # x > 0: 0 at x = 0
    return g.node("Cast", [positive], hint, to=g.elem_type)


def _prelu(g, x, layer, hint, ndim):
    slope = to_numpy(layer.weight.data).astype(g.dtype)
    if slope.size != 1:  # one slope per channel, the channel axis being axis 1
        slope = slope.reshape((slope.size,) + (1,) * (ndim - 2))
    return _where_positive(g, x, slope, hint)


def _leaky_relu(g, x, layer, hint, ndim):
    return _where_positive(g, x, np.asarray(layer.negative_slope, g.dtype), hint)


def _elu(g, x, layer, hint, ndim):
    # where(x > 0, x, alpha * (exp(min(x, 0)) - 1)), as badak computes it (ONNX Runtime
    # implements the Elu operator for float32 only)
    zero = g.constant(f"{hint}.zero", np.zeros((), g.dtype))
    one = g.constant(f"{hint}.one", np.ones((), g.dtype))
    alpha = g.constant(f"{hint}.alpha", np.asarray(layer.alpha, g.dtype))
    exp = g.node("Exp", [g.node("Min", [x, zero], f"{hint}.nonpositive")], f"{hint}.exp")
    negative = g.node("Mul", [alpha, g.node("Sub", [exp, one], f"{hint}.expm1")],
                      f"{hint}.negative")
    positive = g.node("Greater", [x, zero], f"{hint}.positive")
    return g.node("Where", [positive, x, negative], hint)


def _where_positive(g, x, slope, hint):
    # where(x > 0, x, x * slope), as badak computes (P)ReLU. ONNX's PRelu and LeakyRelu
    # operators compute the same, but ONNX Runtime implements them for float32 only.
    zero = g.constant(f"{hint}.zero", np.zeros((), g.dtype))
    positive = g.node("Greater", [x, zero], f"{hint}.positive")
    scaled = g.node("Mul", [x, g.constant(f"{hint}.weight", slope)], f"{hint}.scaled")
    return g.node("Where", [positive, x, scaled], hint)


def _simple(op: str, **attributes_of) -> Callable:
    def convert(g, x, layer, hint, ndim):
        attributes = {key: get(layer) for key, get in attributes_of.items()}
        return g.node(op, [x], hint, **attributes)
    return convert


def _sequential(g, x, model, path, ndim):
    for name, layer in model.named_children():
        x = _convert(g, x, layer, f"{path}.{name}" if path else name, ndim)
    return x


def _converters() -> dict[type, Callable]:
    from badak import nn

    return {
        nn.Sequential: _sequential,
        nn.MLP: _sequential,
        nn.Linear: _linear,
        nn.Maxout: _maxout,
        nn.Step: _step,
        nn.Sigmoid: _simple("Sigmoid"),
        nn.Tanh: _simple("Tanh"),
        nn.ReLU: _simple("Relu"),
        nn.LeakyReLU: _leaky_relu,
        nn.PReLU: _prelu,
        nn.ELU: _elu,
        nn.Softmax: _simple("Softmax", axis=lambda m: int(m.axis)),
        nn.Dropout: _simple("Identity"),
        nn.Identity: _simple("Identity"),
    }


SUPPORTED: tuple[str, ...] = ("Sequential", "MLP", "Linear", "Maxout", "Step", "Sigmoid", "Tanh",
                              "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Dropout",
                              "Identity")
"""The badak module classes :func:`export` can write."""


def _convert(g: _Graph, x: str, module, path: str, ndim: int) -> str:
    """Add the nodes of ``module`` (at the dotted ``path`` in the model, '' for the model)."""
    convert = _converters().get(type(module))
    if convert is None:
        where = f" (layer {path!r} of the model)" if path else ""
        raise TypeError(f"badak.interfaces.onnx.export cannot export the module "
                        f"{type(module).__name__}{where}: only {', '.join(SUPPORTED)} are "
                        f"supported (exactly these classes: a subclass may compute something "
                        f"else)")
    if convert is _sequential:
        return convert(g, x, module, path, ndim)
    return convert(g, x, module, path or type(module).__name__.lower(), ndim)


# ---------------------------------------------------------------- arguments
def _check_input_shape(input_shape) -> tuple:
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence) \
            or len(input_shape) < 2:
        raise TypeError(f"input_shape must be a tuple (batch, features, ...) such as "
                        f"(None, 13), with None for a batch of any size; received "
                        f"input_shape={input_shape!r}")
    shape = tuple(input_shape)
    for i, n in enumerate(shape):
        if i == 0 and n is None:
            continue
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            expected = "None or a positive integer" if i == 0 else "a positive integer"
            raise ValueError(f"input_shape[{i}] must be {expected} (only the batch axis, the "
                             f"first, may be None); received input_shape={input_shape!r}")
    return tuple(None if n is None else int(n) for n in shape)


def _model_dtype(model, dtype) -> np.dtype:
    dtypes = {p.data.dtype for p in model.parameters()}
    if dtype is not None:
        dt = np.dtype(dtype)
        if dt not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64; received dtype={dt}")
        return dt
    if len(dtypes) > 1:
        raise ValueError(f"the model's parameters have several dtypes ({sorted(map(str, dtypes))})"
                         f"; convert it with model.to('float32') or pass dtype=")
    dt = dtypes.pop() if dtypes else np.dtype(np.float32)
    if dt not in (np.float32, np.float64):
        raise TypeError(f"the model's parameters are {dt}; ONNX export supports float32 and "
                        f"float64")
    return dt


def _check_path(path) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or os.PathLike); received "
                        f"path={path!r} (type {type(path).__name__})")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"path must be a file to write, not a directory; received "
                                f"path={path!r}")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"the directory of path does not exist: {parent!r} (received "
                                f"path={path!r}); create it first")
    return path


def export(model, path, input_shape: Sequence[int | None], dtype=None,
           opset: int = OPSET) -> None:
    """Write ``model`` to ``path`` as an ONNX model that computes what ``model.eval()`` computes.

    Parameters
    ----------
    model : badak.nn.Module
        A Sequential or MLP (or a single layer) of the classes in :data:`SUPPORTED`.
    path : str or os.PathLike
        The file to write (conventionally ``*.onnx``); its directory must exist.
    input_shape : tuple
        The shape of one input, ``(None, n_features)``: None makes the batch axis dynamic (any
        batch size), an integer fixes it. More axes are allowed (``(None, 4, n_features)``): the
        layers act on the last one, as in badak.
    dtype : {'float32', 'float64'}, optional
        The element type of the file's weights, input and output; by default the model's
        (float32 unless it was converted with ``model.to('float64')``).
    opset : int, default=OPSET
        The ONNX operator set version (18 or later: ReduceMax takes its axes as an input).

    Raises
    ------
    TypeError
        If ``model`` holds a module that cannot be exported (named, with its place in the model),
        or an argument has the wrong type.
    ValueError
        If ``input_shape`` does not fit the model (checked by running the model on zeros of that
        shape), or is malformed.
    FileNotFoundError, IsADirectoryError
        If ``path``'s directory does not exist, or ``path`` is a directory.
    ImportError
        If the onnx package is not installed (``pip install 'badak[onnx]'``).

    Examples
    --------
    >>> import badak, badak.interfaces.onnx                          # doctest: +SKIP
    >>> model = badak.nn.MLP([13, 64, 64, 1], rng=0)                 # doctest: +SKIP
    >>> badak.interfaces.onnx.export(model, "boston.onnx", input_shape=(None, 13))  # doctest: +SKIP
    """
    from badak.engine.autograd import no_grad
    from badak.nn import Module

    onnx = _onnx()
    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    shape = _check_input_shape(input_shape)
    if isinstance(opset, bool) or not isinstance(opset, int) or opset < 18:
        raise ValueError(f"opset must be an integer >= 18; received opset={opset!r}")
    dt = _model_dtype(model, dtype)
    path = _check_path(path)
    graph = _Graph(onnx, dt)
    output = _convert(graph, "input", model, "", len(shape))  # refuses unknown modules first

    # Does the shape fit? Run the model (in evaluation mode) on zeros of that shape.
    probe = np.zeros((1 if shape[0] is None else shape[0],) + shape[1:], dt)
    was_training = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        with no_grad():
            out = model(probe)
    except (ValueError, TypeError) as error:
        raise ValueError(f"input_shape={tuple(input_shape)!r} does not fit the model: "
                         f"{error}") from error
    finally:
        for m, mode in was_training:
            object.__setattr__(m, "training", mode)
    out_shape = (shape[0],) + tuple(out.shape[1:])

    h = onnx.helper
    batch = ["batch" if n is None else n for n in shape[:1]]
    graph.nodes.append(h.make_node("Identity", [output], ["output"], name="output"))
    onnx_graph = h.make_graph(
        graph.nodes, f"badak_{type(model).__name__}",
        [h.make_tensor_value_info("input", graph.elem_type, batch + list(shape[1:]))],
        [h.make_tensor_value_info("output", graph.elem_type, batch + list(out_shape[1:]))],
        graph.initializers)
    onnx_model = h.make_model_gen_version(onnx_graph, producer_name="badak",
                                          opset_imports=[h.make_opsetid("", opset)])
    onnx_model.doc_string = (f"badak model {type(model).__name__}, exported by "
                             f"badak.interfaces.onnx.export")
    onnx.checker.check_model(onnx_model, full_check=True)
    onnx.save(onnx_model, path)
