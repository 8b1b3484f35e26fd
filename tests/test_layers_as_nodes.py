"""Every layer is its own graph node (the hand-fused Linear stack is gone), and the speed it
bought comes from ``badak.compile`` instead: a compiled MLP step gives eager's numbers to the bit,
for every activation, dtype and batch size, with each layer still visible to traces.

(These tests replace those of the fused ``LinearStack`` node: fused-vs-layer-by-layer became
replay-vs-eager.)
"""

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import nn, optim
from helpers import check_op

ACTS = ["relu", "sigmoid", "tanh", "leaky_relu", "identity"]


def _train(model, opt, batches, compiled):
    def train_step(x, labels):
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, labels)
        loss.backward()
        opt.step()
        return loss, out

    step = badak.compile(train_step) if compiled else train_step
    seen = []
    for x, labels in batches:
        loss, out = step(x, labels)
        seen.append((loss.data.copy(), out.data.copy(),
                     [None if p.grad is None else p.grad.data.copy()
                      for p in model.parameters()]))
    return seen, step


def _batches(n, batch, dtype, seed=1, features=5, classes=3):
    rng = np.random.default_rng(seed)
    return [(badak.tensor(rng.standard_normal((batch, features)).astype(dtype)),
             rng.integers(0, classes, batch)) for _ in range(n)]


def _assert_same(eager, compiled, dtype):
    for (l1, o1, g1), (l2, o2, g2) in zip(eager, compiled):
        assert np.array_equal(l1, l2) and np.array_equal(o1, o2)
        assert o2.dtype == np.dtype(dtype)
        for a, b in zip(g1, g2):
            assert (a is None) == (b is None)
            if a is not None:
                assert a.dtype == np.dtype(dtype)
                assert np.array_equal(a, b)


@pytest.mark.parametrize("activation", ACTS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch", [1, 7])
def test_compiled_mlp_matches_eager_to_the_bit(activation, dtype, batch):
    runs = []
    for compiled in (False, True):
        model = nn.MLP([5, 8, 6, 3], activation=activation, rng=0).to(dtype)
        opt = optim.SGD(model.parameters(), lr=0.1)
        runs.append(_train(model, opt, _batches(5, batch, dtype), compiled))
        if compiled:
            assert runs[-1][1].replays == 3
            out = model(np.ones((2, 5), dtype))
            assert type(out.creator).__name__ == "Linear"  # each layer its own node
    _assert_same(runs[0][0], runs[1][0], dtype)


def test_frozen_layers_get_no_gradient_and_the_rest_match():
    runs = []
    for compiled in (False, True):
        model = nn.MLP([5, 6, 6, 3], rng=0)
        for p in model[0].parameters():
            p.requires_grad = False
        opt = optim.SGD(model.parameters(), lr=0.1)
        runs.append(_train(model, opt, _batches(5, 4, "float32"), compiled))
    assert runs[1][1].replays == 3
    assert runs[1][0][-1][2][0] is None and runs[1][0][-1][2][1] is None
    _assert_same(runs[0][0], runs[1][0], "float32")


def test_layers_without_bias_and_linear_after_linear():
    runs = []
    for compiled in (False, True):
        model = nn.Sequential(nn.Linear(5, 4, bias=False, rng=0), nn.Linear(4, 3, rng=1),
                              nn.ReLU())
        opt = optim.SGD(model.parameters(), lr=0.1)
        runs.append(_train(model, opt, _batches(5, 4, "float32"), compiled))
    assert runs[1][1].replays == 3
    _assert_same(runs[0][0], runs[1][0], "float32")


def test_the_fuse_setting_is_gone_with_a_clear_error():
    model = nn.MLP([3, 4, 2], rng=0)
    with pytest.raises(AttributeError, match=r"Sequential.fuse was removed.*badak.compile"):
        model.fuse = False
    with pytest.raises(AttributeError):
        model.fuse  # noqa: B018 - reading it fails too: no silently ignored option


def test_every_layer_is_a_node_of_the_graph():
    model = nn.MLP([4, 6, 6, 2], dropout=0.5, output_activation="softmax", rng=0)
    out = model(np.ones((2, 4), np.float32))
    kinds, fn = [], out.creator
    while fn is not None:
        kinds.append(type(fn).__name__)
        fn = fn.inputs[0].creator
    assert kinds == ["Softmax", "Linear", "Dropout", "ReLU", "Linear", "Dropout", "ReLU",
                     "Linear"]


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu", None])
def test_linear_stack_gradients_and_second_derivatives(activation):
    def fn(x, w1, b1, w2, b2):
        return F.linear_stack(x, [w1, w2], [b1, b2], [activation, "tanh"],
                              negative_slope=0.2)

    second = activation != "relu"  # ReLU's second derivative is 0 almost everywhere
    check_op([(3, 4), (4, 5), (5,), (5, 2), (2,)], fn, second=second)


def test_linear_stack_is_the_composition_of_its_layers():
    rng = np.random.default_rng(0)
    x = badak.tensor(rng.standard_normal((3, 4)).astype(np.float32))
    w1, w2 = (badak.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
              for s in ((4, 5), (5, 2)))
    b1 = badak.tensor(np.zeros(5, np.float32), requires_grad=True)
    y = F.linear_stack(x, [w1, w2], [b1, None], ["leaky_relu", None], negative_slope=0.3)
    expected = F.linear(F.leaky_relu(F.linear(x, w1, b1), 0.3), w2)
    assert np.array_equal(y.data, expected.data)
    assert type(y.creator).__name__ == "Linear"


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


def test_a_changed_leaky_slope_is_used_at_the_next_replay():
    runs = []
    for compiled in (False, True):
        model = nn.Sequential(nn.Linear(5, 4, rng=0), nn.LeakyReLU(0.1), nn.Linear(4, 3, rng=1))
        opt = optim.SGD(model.parameters(), lr=0.1)
        first = _train(model, opt, _batches(4, 3, "float32"), compiled)
        model[1].negative_slope = 0.5
        second = _train(model, opt, _batches(4, 3, "float32", seed=2), compiled)
        runs.append(first[0] + second[0])
    _assert_same(runs[0], runs[1], "float32")


def test_a_replaced_weight_is_used_by_the_next_step():
    runs = []
    for compiled in (False, True):
        model = nn.MLP([5, 4, 3], rng=0)
        opt = optim.SGD(model.parameters(), lr=0.1)
        first, step = _train(model, opt, _batches(4, 3, "float32"), compiled)
        model[0].weight.data = np.ones((5, 4), np.float32)  # same shape and dtype: read live
        second, _ = _train(model, opt, _batches(4, 3, "float32", seed=2), compiled)
        runs.append(first + second)
    _assert_same(runs[0], runs[1], "float32")
