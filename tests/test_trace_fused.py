"""``trace`` and ``draw_graph`` show the layers of an MLP even though ``Sequential`` runs them
as one fused ``LinearStack`` node (issue 14): a1 = x·W1 + b1, z1 = h(a1), ..., with the numbers
the separate nodes give, and without changing the graph."""

import numpy as np
import pytest

import badak
import badak.functional as F
import badak.nn as nn
from badak.functional.linear_stack import LinearStack
from badak.lecture.explain import trace
from badak.lecture.viz import draw_graph

X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.3, 0.2]], dtype=np.float32)
Y = np.array([0, 1, 1])


def _loss(model, x=X, requires_grad=False):
    x = badak.tensor(x, requires_grad=requires_grad)
    return F.cross_entropy(model(x), Y), x


def _mlp(activation, fuse, bias=True):
    if bias:
        model = nn.MLP([2, 3, 4, 2], activation=activation, rng=0)
    else:
        model = nn.Sequential(nn.Linear(2, 3, bias=False, rng=0), nn.Tanh(),
                              nn.Linear(3, 2, bias=False, rng=1))
    model.fuse = fuse
    return model


def _same(a, b):
    if a is None or isinstance(a, str):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)     # the same numbers, to the bit


def _assert_same_trace(fused, eager):
    assert [s.op for s in fused.steps] == [s.op for s in eager.steps]
    for s, t in zip(fused.steps, eager.steps):
        assert s.output.label == t.output.label and s.symbol == t.symbol
        _same(s.output.value, t.output.value)
        _same(s.upstream, t.upstream)
        assert [i.tensor.label for i in s.inputs] == [i.tensor.label for i in t.inputs]
        for i, j in zip(s.inputs, t.inputs):
            _same(i.tensor.value, j.tensor.value)
            _same(i.local, j.local)
            _same(i.passed, j.passed)
    assert fused.to_text() == eager.to_text()


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_a_fused_mlp_is_traced_layer_by_layer_as_without_fusion(activation):
    fused_model = _mlp(activation, fuse=True)
    loss, _ = _loss(fused_model)
    assert any(isinstance(fn, LinearStack) for fn in _creators(loss))   # really fused
    fused = trace(loss, names=fused_model)
    eager_model = _mlp(activation, fuse=False)
    eager = trace(_loss(eager_model)[0], names=eager_model)
    _assert_same_trace(fused, eager)
    ops = [(s.op, s.output.label, [i.tensor.label for i in s.inputs]) for s in fused.steps]
    h = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "leaky_relu": "LeakyReLU"}
    assert ops[1:] == [("Linear", "a3", ["z2", "W3", "b3"]), (h[activation], "z2", ["a2"]),
                       ("Linear", "a2", ["z1", "W2", "b2"]), (h[activation], "z1", ["a1"]),
                       ("Linear", "a1", ["c1", "W1", "b1"])]
    # a1 = x·W1 + b1 and z1 = h(a1), the lecture's equations, hold for the shown numbers
    w1, b1 = fused_model[0].weight.data, fused_model[0].bias.data
    a1 = fused.steps[-1].output.value
    np.testing.assert_allclose(a1, X @ w1 + b1, rtol=1e-6)
    z1 = fused.steps[-2].output.value
    expected = {"relu": np.maximum(a1, 0), "tanh": np.tanh(a1),
                "sigmoid": 1 / (1 + np.exp(-a1)),
                "leaky_relu": np.where(a1 > 0, a1, 0.01 * a1)}[activation]
    np.testing.assert_allclose(z1, expected, rtol=1e-6)


def _creators(t):
    seen, stack = [], [t.creator]
    while stack:
        fn = stack.pop()
        if fn is not None and fn not in seen:
            seen.append(fn)
            stack.extend(x.creator for x in fn.inputs)
    return seen


def test_without_bias_with_an_input_that_needs_a_gradient():
    fused_model, eager_model = _mlp("tanh", True, bias=False), _mlp("tanh", False, bias=False)
    fused_loss, xf = _loss(fused_model, requires_grad=True)
    eager_loss, xe = _loss(eager_model, requires_grad=True)
    xf.name = xe.name = "x"
    fused, eager = trace(fused_loss, names=fused_model), trace(eager_loss, names=eager_model)
    _assert_same_trace(fused, eager)
    _same(fused.grad("x"), eager.grad("x"))
    assert [i.tensor.label for i in fused.steps[-1].inputs] == ["x", "W1"]


def test_draw_graph_of_a_fused_mlp_is_that_of_its_layers():
    fused_model, eager_model = _mlp("relu", True), _mlp("relu", False)
    fused = draw_graph(_loss(fused_model)[0], names=fused_model)
    eager = draw_graph(_loss(eager_model)[0], names=eager_model)
    assert fused.dot == eager.dot and fused.svg == eager.svg
    assert "Linear+ReLU" not in fused.dot and fused.dot.count("<B>Linear</B>") == 3


def test_unnamed_values_inside_the_node_are_labelled_after_it():
    loss, _ = _loss(_mlp("relu", True))
    tr = trace(loss)
    node = tr.steps[1].output.label                 # the fused node's output, e.g. t6
    labels = [s.output.label for s in tr.steps[1:]]
    assert labels == [node, f"{node}:z2", f"{node}:a2", f"{node}:z1", f"{node}:a1"]
    eager = trace(_loss(_mlp("relu", False))[0])
    for (rec, g), (rec2, g2) in zip(tr.leaf_grads, eager.leaf_grads):
        _same(rec.value, rec2.value)
        _same(g, g2)


def test_tracing_a_fused_node_changes_nothing():
    model = _mlp("sigmoid", True)
    loss, _ = _loss(model)
    trace(loss, names=model)
    assert all(p.grad is None for p in model.parameters())
    loss.backward()                                  # the graph is still there
    reference = _mlp("sigmoid", True)
    ref_loss, _ = _loss(reference)
    ref_loss.backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        _same(p.grad.data, q.grad.data)
