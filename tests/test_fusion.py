"""The fused Linear-stack node and Sequential's fusion of Linear/activation runs.

Fusion must not change a single bit: every test compares a fused model with the same model run
layer by layer (``fuse = False``), values and gradients with ``np.array_equal``.
"""

import copy
import pickle

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import nn
from badak.functional.linear_stack import LinearStack
from helpers import check_op

ACTS = ["relu", "sigmoid", "tanh", "leaky_relu", "identity"]


def grads_of(model, x, labels, fuse):
    model.fuse = fuse
    model.zero_grad()
    out = model(x)
    loss = F.cross_entropy(out, labels)
    loss.backward()
    return out, loss, [p.grad.data.copy() for p in model.parameters()]


@pytest.mark.parametrize("activation", ACTS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch", [1, 7])
def test_fused_mlp_matches_layer_by_layer_to_the_bit(activation, dtype, batch):
    model = nn.MLP([5, 8, 6, 3], activation=activation, rng=0).to(dtype)
    rng = np.random.default_rng(1)
    x = badak.tensor(rng.standard_normal((batch, 5)).astype(dtype))
    labels = rng.integers(0, 3, batch)
    out_f, loss_f, g_f = grads_of(model, x, labels, True)
    out_u, loss_u, g_u = grads_of(model, x, labels, False)
    assert type(out_f.creator) is LinearStack
    assert type(out_u.creator).__name__ == "Linear"
    assert out_f.dtype == np.dtype(dtype)
    assert np.array_equal(out_f.data, out_u.data)
    assert np.array_equal(loss_f.data, loss_u.data)
    for a, b in zip(g_f, g_u):
        assert a.dtype == np.dtype(dtype)
        assert np.array_equal(a, b)


def test_the_fused_node_is_named_after_its_layers():
    model = nn.MLP([4, 3, 2], rng=0)
    out = model(np.ones((2, 4), np.float32))
    assert out.creator.name == "Linear+ReLU+Linear"


def test_input_gradient_and_input_from_another_node():
    model = nn.MLP([4, 5, 2], activation="tanh", rng=0).to("float64")
    x0 = np.random.default_rng(0).standard_normal((3, 4))
    grads = []
    for fuse in (True, False):
        model.fuse = fuse
        x = badak.tensor(x0, requires_grad=True)
        y = model(x * 2.0)  # the fused node's input is itself computed
        (y * y).sum().backward()
        grads.append(x.grad.data)
    assert np.array_equal(grads[0], grads[1])


def test_frozen_layers_get_no_gradient_and_the_rest_match():
    model = nn.MLP([4, 5, 5, 2], rng=0)
    for p in model[0].parameters():
        p.requires_grad = False
    x = badak.tensor(np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32))
    labels = np.array([0, 1, 1])
    results = []
    for fuse in (True, False):
        model.fuse = fuse
        model.zero_grad()
        F.cross_entropy(model(x), labels).backward()
        results.append([None if p.grad is None else p.grad.data for p in model.parameters()])
    assert results[0][0] is None and results[0][1] is None
    for a, b in zip(results[0][2:], results[1][2:]):
        assert np.array_equal(a, b)


def test_layers_without_bias_and_linear_after_linear():
    model = nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.Linear(4, 2, rng=1), nn.ReLU())
    x = badak.tensor(np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32))
    labels = np.array([1, 0])
    out_f, _, g_f = grads_of(model, x, labels, True)
    out_u, _, g_u = grads_of(model, x, labels, False)
    assert out_f.creator.name == "Linear+Linear+ReLU"
    assert len(g_f) == 3
    for a, b in zip(g_f, g_u):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu", None])
def test_linear_stack_gradients_and_second_derivatives(activation):
    def fn(x, w1, b1, w2, b2):
        return F.linear_stack(x, [w1, w2], [b1, b2], [activation, "tanh"],
                              negative_slope=0.2)

    second = activation != "relu"  # ReLU's second derivative is 0 almost everywhere
    check_op([(3, 4), (4, 5), (5,), (5, 2), (2,)], fn, second=second)


def test_second_derivatives_match_layer_by_layer():
    model = nn.MLP([3, 4, 2], activation="sigmoid", rng=0).to("float64")
    x0 = np.random.default_rng(0).standard_normal((2, 3))
    results = []
    for fuse in (True, False):
        model.fuse = fuse
        x = badak.tensor(x0, requires_grad=True)
        y = model(x).sum()
        (gx,) = badak.grad(y, x, create_graph=True)
        (ggx,) = badak.grad((gx * gx).sum(), x)
        results.append(ggx.data)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12, atol=1e-12)


def test_retain_graph_gives_the_same_gradients_twice():
    model = nn.MLP([3, 4, 2], rng=0)
    x = badak.tensor(np.ones((2, 3), np.float32))
    loss = F.cross_entropy(model(x), [0, 1])
    loss.backward(retain_graph=True)
    first = [p.grad.data.copy() for p in model.parameters()]
    loss.backward()
    for p, g in zip(model.parameters(), first):
        np.testing.assert_allclose(p.grad.data, 2 * g, rtol=1e-6)
    with pytest.raises(badak.autograd.GraphFreedError):
        loss.backward()


def test_runs_stop_at_layers_that_are_not_fused():
    model = nn.MLP([4, 6, 6, 2], dropout=0.5, output_activation="softmax", rng=0)
    model(np.ones((2, 4), np.float32))
    kinds = [type(s).__name__ for s in model._plan]
    assert kinds == ["FusedRun", "Dropout", "FusedRun", "Dropout", "Linear", "Softmax"]


def test_a_subclass_of_linear_runs_as_itself():
    class Doubled(nn.Linear):
        def forward(self, x):
            return super().forward(x) * 2.0

    model = nn.Sequential(Doubled(3, 2, rng=0), nn.ReLU())
    out = model(np.ones((1, 3), np.float32))
    assert type(out.creator).__name__ == "ReLU"


def test_the_plan_follows_changes_to_the_layers():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU())
    x = np.ones((2, 3), np.float32)
    assert model(x).shape == (2, 4)
    model.append(nn.Linear(4, 1, rng=0))
    assert model(x).shape == (2, 1)
    assert model(x).creator.name == "Linear+ReLU+Linear"
    setattr(model, "1", nn.Tanh())
    assert model(x).creator.name == "Linear+Tanh+Linear"
    delattr(model, "2")
    assert model(x).shape == (2, 4)


@pytest.mark.parametrize("case", ["3-D input", "float64 bias", "bad weight shape"])
def test_what_the_fused_node_cannot_take_runs_layer_by_layer(case):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    x = np.ones((2, 3), np.float32)
    if case == "3-D input":
        x = np.ones((5, 2, 3), np.float32)
        assert model(x).shape == (5, 2, 2)
        assert model(x).creator.name == "Reshape"
        return
    if case == "float64 bias":
        model[0].bias.data = model[0].bias.data.astype(np.float64)
        out = model(x)
        assert type(out.creator).__name__ == "Linear"
        model.fuse = False
        assert np.array_equal(out.data, model(x).data)
        return
    model[2].weight.data = np.ones((5, 2), np.float32)
    with pytest.raises(ValueError):
        model(x)  # the layers' own check (or NumPy's) speaks, as without fusion


def test_copies_and_pickles_of_a_planned_model_use_their_own_layers():
    model = nn.MLP([3, 4, 2], rng=0)
    x = np.ones((1, 3), np.float32)
    before = model(x).data.copy()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        clone[0].weight.data[...] = 0.0
        assert np.array_equal(model(x).data, before)
        assert not np.array_equal(clone(x).data, before)


def test_trace_of_a_fused_model_shows_its_layers_though_the_graph_has_one_node():
    # (issue 14: the trace used to show the fused node itself, "Linear+ReLU+Linear"; it now
    # shows the layers inside it, see tests/test_trace_fused.py)
    from badak.lecture.explain import trace

    model = nn.MLP([3, 4, 2], rng=0)
    loss = F.cross_entropy(model(np.ones((1, 3), np.float32)), [1])
    assert loss.creator.inputs[0].creator.name == "Linear+ReLU+Linear"   # one node
    ops = [step.op for step in trace(loss).steps]
    assert ops == ["CrossEntropy", "Linear", "ReLU", "Linear"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"weights": []}, ValueError, "at least one weight"),
    ({"biases": [None]}, ValueError, "one entry per layer"),
    ({"activations": ["relu", "swish"]}, ValueError, r"activations\[1\].*'swish'"),
    ({"weights": [np.ones((3, 4)), np.ones((5, 2))]}, ValueError, r"weights\[1\].*\(4, out\)"),
    ({"biases": [np.ones(3), None]}, ValueError, r"biases\[0\] must have shape \(4,\)"),
])
def test_linear_stack_rejects_bad_arguments(kwargs, error, match):
    args = {"weights": [np.ones((3, 4)), np.ones((4, 2))], "biases": [None, None],
            "activations": ["relu", None]}
    args.update(kwargs)
    x = badak.tensor(np.ones((2, 3)))
    with pytest.raises(error, match=match):
        F.linear_stack(x, **args)


def test_linear_stack_rejects_mixed_dtypes_and_non_2d_input():
    w = [badak.tensor(np.ones((3, 2), np.float32))]
    with pytest.raises(TypeError, match=r"weights\[0\] must have x's dtype float64"):
        F.linear_stack(badak.tensor(np.ones((2, 3))), w, [None], [None])
    with pytest.raises(ValueError, match=r"x must be 2-D \(N, in\); received shape \(3,\)"):
        F.linear_stack(badak.tensor(np.ones(3, np.float32)), w, [None], [None])


def test_a_changed_leaky_slope_is_used_at_the_next_call():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.LeakyReLU(0.1), nn.Linear(4, 2, rng=1))
    x = badak.tensor(-np.ones((2, 3), np.float32))
    model(x)
    model[1].negative_slope = 0.5
    fused = model(x).data
    model.fuse = False
    assert np.array_equal(fused, model(x).data)


def test_a_replaced_weight_array_is_checked_again():
    model = nn.MLP([3, 4, 2], rng=0)
    x = np.ones((1, 3), np.float32)
    assert model(x).creator.name == "Linear+ReLU+Linear"
    model[0].weight.data = np.ones((3, 4), np.float64)  # another dtype: layer by layer
    assert type(model(x).creator).__name__ == "Linear"
    model[0].weight.data = np.ones((3, 4), np.float32)
    assert model(x).creator.name == "Linear+ReLU+Linear"


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_training_fused_and_layer_by_layer_gives_the_same_weights(activation):
    from badak import optim

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 6)).astype(np.float32)
    labels = rng.integers(0, 3, 40)
    weights = []
    for fuse in (True, False):
        model = nn.MLP([6, 8, 8, 3], activation=activation, rng=1)
        model.fuse = fuse
        opt = optim.Adam(model.parameters(), lr=0.01)
        for step in range(6):
            batch = slice(step * 5, step * 5 + 5 + step)  # batch sizes 5 to 10
            opt.zero_grad()
            F.cross_entropy(model(x[batch]), labels[batch]).backward()
            opt.step()
        weights.append([p.data.copy() for p in model.parameters()])
    for a, b in zip(*weights):
        assert np.array_equal(a, b)
