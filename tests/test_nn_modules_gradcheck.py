"""Every module's gradients, for its input and for each of its parameters, against central
differences (badak.gradcheck, float64 modules made with Module.to)."""

from __future__ import annotations

import numpy as np
import pytest

import badak
from badak import nn


def functional_call(module, names, tensors, *inputs):
    """Call ``module`` with the parameters ``names`` replaced by ``tensors`` (then restored), so
    that gradcheck's own copies of the parameters are the ones in the graph."""
    mods = dict(module.named_modules())
    saved = []
    for name, t in zip(names, tensors):
        mod_name, _, leaf = name.rpartition(".")
        owner = mods[mod_name]
        saved.append((owner, leaf, owner._parameters[leaf]))
        owner._parameters[leaf] = t
    try:
        return module(*inputs)
    finally:
        for owner, leaf, p in saved:
            owner._parameters[leaf] = p


def check_module(module, x_shape, seed=0):
    module.to("float64")
    rng = np.random.default_rng(seed)
    x = badak.tensor(rng.standard_normal(x_shape), requires_grad=True)
    named = list(module.named_parameters())
    names = [name for name, _ in named]
    # Check at a generic point: random biases too, so that no unit sits exactly on a kink.
    inputs = [x] + [badak.tensor(p.data + 0.1 * rng.standard_normal(p.shape), requires_grad=True)
                    for _, p in named]

    def fn(x, *ps):
        return functional_call(module, names, ps, x)

    assert badak.gradcheck(fn, inputs)


MODULE_CASES = {
    "linear": (lambda: nn.Linear(4, 3, rng=0), (5, 4)),
    "linear_no_bias": (lambda: nn.Linear(4, 3, bias=False, rng=0), (5, 4)),
    "linear_3d_input": (lambda: nn.Linear(4, 3, rng=0), (2, 5, 4)),
    "maxout": (lambda: nn.Maxout(4, 3, pieces=3, rng=0), (5, 4)),
    "prelu_shared": (lambda: nn.PReLU(), (5, 4)),
    "prelu_per_feature": (lambda: nn.PReLU(num_parameters=4, init=0.1), (5, 4)),
    "step": (nn.Step, (5, 4)),
    "sigmoid": (nn.Sigmoid, (5, 4)),
    "tanh": (nn.Tanh, (5, 4)),
    "relu": (nn.ReLU, (5, 4)),
    "leaky_relu": (lambda: nn.LeakyReLU(0.2), (5, 4)),
    "elu": (lambda: nn.ELU(0.7), (5, 4)),
    "softmax": (nn.Softmax, (5, 4)),
    "softmax_axis0": (lambda: nn.Softmax(axis=0), (5, 4)),
    "identity": (nn.Identity, (5, 4)),
    "dropout_eval": (lambda: nn.Dropout(0.3).eval(), (5, 4)),
    "sequential": (lambda: nn.Sequential(nn.Linear(4, 6, rng=0), nn.Tanh(),
                                         nn.Linear(6, 2, rng=1)), (5, 4)),
    "mlp_output_sigmoid": (lambda: nn.MLP([4, 5, 2], "elu", output_activation="sigmoid",
                                          rng=0), (3, 4)),
}


@pytest.mark.parametrize("case", list(MODULE_CASES))
def test_module_gradients(case):
    factory, shape = MODULE_CASES[case]
    check_module(factory(), shape)


@pytest.mark.parametrize("activation", list(nn.ACTIVATIONS))
def test_mlp_gradients_for_every_activation(activation):
    check_module(nn.MLP([3, 5, 4, 2], activation, rng=0), (4, 3))


def test_dropout_gradient_in_training_with_a_fixed_mask():
    drop = nn.Dropout(0.4)
    x = badak.tensor(np.random.default_rng(0).standard_normal((6, 5)), requires_grad=True)

    def fn(x):
        drop.rng = np.random.default_rng(7)  # the same mask at every evaluation
        return drop(x)

    assert badak.gradcheck(fn, [x])
    # The gradient is the mask scaled by 1/(1 - p): 0 or 1/0.6.
    fn(x).sum().backward()
    assert set(np.round(np.unique(x.grad.data), 6)) <= {0.0, round(1 / 0.6, 6)}


LABELS = np.array([0, 2, 1, 2, 0])

LOSS_CASES = {
    "mse": (nn.MSELoss, lambda r: r.standard_normal((5, 3))),
    "l1": (nn.L1Loss, lambda r: r.standard_normal((5, 3))),
    "cross_entropy_labels": (nn.CrossEntropyLoss, lambda r: LABELS),
    "cross_entropy_one_hot": (nn.CrossEntropyLoss, lambda r: np.eye(3)[LABELS]),
    "bce": (nn.BCEWithLogitsLoss, lambda r: (r.random((5, 3)) > 0.5).astype(float)),
}


@pytest.mark.parametrize("case", list(LOSS_CASES))
def test_loss_module_gradients(case):
    cls, make_target = LOSS_CASES[case]
    rng = np.random.default_rng(1)
    pred = badak.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    target = make_target(rng)
    loss = cls()
    assert badak.gradcheck(lambda p: loss(p, target), [pred])


def test_every_badak_module_class_is_gradchecked():
    covered = {type(m) for factory, _ in MODULE_CASES.values() for m in factory().modules()}
    covered |= {nn.Dropout} | {cls for cls, _ in LOSS_CASES.values()}
    # gradchecked with every option in test_pytorch_idioms_nn_optim.py::test_loss_passes_gradcheck
    covered |= {nn.NLLLoss, nn.BCELoss, nn.HuberLoss, nn.SmoothL1Loss}
    # containers without a forward of their own, and Flatten (gradchecked in
    # test_nn_containers_hooks.py::test_flatten_and_softmax_dim)
    covered |= {nn.ModuleList, nn.ModuleDict, nn.Flatten}
    covered |= {type(m) for a in nn.ACTIVATIONS for m in nn.MLP([3, 5, 4, 2], a).modules()}
    ours = {cls for cls in nn.MODULES.values() if cls.__module__.startswith("badak.nn")}
    assert ours - covered == set()
