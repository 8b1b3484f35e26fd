"""badak (밑바닥, "from the very bottom"): neural networks from first principles on NumPy.

The engine: :class:`Tensor` values recorded into a computational graph of :class:`Function`
nodes, each with a local forward and backward, and :meth:`Tensor.backward` applying the chain rule
from the output back to the leaves. Layers (:mod:`badak.nn`), optimizers (:mod:`badak.optim`),
training (:func:`fit`), data, the lecture's explanations (:mod:`badak.lecture`) and the
interfaces (:mod:`badak.interfaces`: the command line, the playground, scikit-learn, ONNX) are
loaded on first use, so that ``import badak`` stays fast.
"""

from __future__ import annotations

import importlib

from badak import _moved
from badak.engine import functional
from badak.engine.autograd import (
    Function,
    GraphFreedError,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
)
from badak.engine.factories import (
    arange,
    cat,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    stack,
    zeros,
    zeros_like,
)
from badak.engine.gradcheck import GradcheckError, gradcheck, numerical_grad
from badak.engine.ops import clip, concatenate, matmul, where
from badak.engine.random import manual_seed
from badak.engine.tensor import Tensor, tensor

# old import paths of moved modules (badak.tensor, badak.perceptron, badak.cli, ...) stay as
# aliases of the new ones: one finder on sys.meta_path, the table in badak/_moved.py
_moved.install()

__version__ = "0.1.0"

# name -> (module, attribute or None for the module itself), imported on first access
_LAZY = {
    "engine": ("badak.engine", None),
    # the engine's modules under their old attribute names (badak.tensor and badak.gradcheck
    # are the functions)
    "autograd": ("badak.engine.autograd", None),
    "ops": ("badak.engine.ops", None),
    "factories": ("badak.engine.factories", None),
    "backend": ("badak.engine.backend", None),
    "random": ("badak.engine.random", None),
    "nn": ("badak.nn", None),
    "optim": ("badak.optim", None),
    "datasets": ("badak.datasets", None),
    "data": ("badak.data", None),
    "metrics": ("badak.metrics", None),
    "training": ("badak.training", None),
    "fit": ("badak.training", "fit"),
    "compile": ("badak.replay", "compile"),
    "cross_validate": ("badak.training", "cross_validate"),
    "History": ("badak.training", "History"),
    "EarlyStopping": ("badak.training", "EarlyStopping"),
    "ModelCheckpoint": ("badak.training", "ModelCheckpoint"),
    "save": ("badak.persistence", "save"),
    "load": ("badak.persistence", "load"),
    "save_checkpoint": ("badak.persistence", "save_checkpoint"),
    "load_checkpoint": ("badak.persistence", "load_checkpoint"),
    "perceptron": ("badak.lecture.perceptron", None),
    "gd": ("badak.lecture.gd", None),
    "explain": ("badak.lecture.explain", None),
    "viz": ("badak.lecture.viz", None),
    "diagnose": ("badak.lecture.diagnose", None),
    "plots": ("badak.lecture.plots", None),
    "atlas": ("badak.lecture.atlas", None),
    "expr": ("badak.lecture.expr", None),
    "sklearn": ("badak.interfaces.sklearn", None),
    "onnx": ("badak.interfaces.onnx", None),
    "interop": ("badak.interfaces.interop", None),
    "i18n": ("badak.i18n", None),
    "lecture": ("badak.lecture", None),
    "interfaces": ("badak.interfaces", None),
}


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'badak' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = [
    "Function", "GradcheckError", "GraphFreedError", "Tensor", "clip", "concatenate",
    "enable_grad", "functional", "grad", "gradcheck", "is_grad_enabled", "manual_seed",
    "no_grad", "numerical_grad", "stack", "tensor", "where",
    # PyTorch's factories and joins (badak.engine.factories)
    "arange", "cat", "empty", "eye", "from_numpy", "full", "full_like", "linspace", "matmul",
    "ones", "ones_like", "rand", "rand_like", "randint", "randn", "randn_like", "zeros",
    "zeros_like",
]
