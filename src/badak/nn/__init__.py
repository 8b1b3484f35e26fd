"""badak.nn: layers and models built from parameters and the ops of :mod:`badak.engine.functional`.

A :class:`Module` owns :class:`Parameter` s and sub-modules; :class:`Linear` is the affine layer
of *Deep Learning from Scratch*, :class:`Sequential` chains layers, :class:`MLP` builds a whole
fully connected network from a list of sizes; :class:`ModuleList` and :class:`ModuleDict` hold
sub-modules for a model with its own ``forward``. Activations and losses are modules too. Every
module can be described as JSON (:func:`module_to_config`) and rebuilt
(:func:`module_from_config`).
"""

from badak.nn import init
from badak.nn.activation import (
    ACTIVATIONS,
    ELU,
    Identity,
    LeakyReLU,
    PReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    get_activation,
)
from badak.nn.container import ModuleDict, ModuleList, Sequential
from badak.nn.dropout import Dropout
from badak.nn.flatten import Flatten
from badak.nn.init import INITIALIZERS
from badak.nn.linear import Linear
from badak.nn.loss import (
    LOSSES,
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    get_loss,
)
from badak.nn.maxout import Maxout
from badak.nn.mlp import MLP
from badak.nn.module import IncompatibleKeys, Module, RemovableHandle
from badak.nn.parameter import Parameter
from badak.nn.registry import (
    MODULES,
    get_module_class,
    module_from_config,
    module_to_config,
    register_module,
)

__all__ = [
    "ACTIVATIONS", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "ELU", "Flatten",
    "HuberLoss", "INITIALIZERS", "Identity", "IncompatibleKeys", "L1Loss", "LOSSES", "LeakyReLU",
    "Linear", "MLP", "MODULES", "MSELoss", "Maxout", "Module", "ModuleDict", "ModuleList",
    "NLLLoss", "PReLU", "Parameter", "ReLU", "RemovableHandle", "Sequential", "Sigmoid",
    "SmoothL1Loss", "Softmax", "Step", "Tanh", "get_activation", "get_loss", "get_module_class",
    "init", "module_from_config", "module_to_config", "register_module",
]
