"""``trace`` and ``draw_graph`` show the layers of an MLP one step each: a1 = x·W1 + b1,
z1 = h(a1), ..., the lecture's equations with the model's numbers; and training the model with
a compiled (replayed) step changes neither the trace nor the picture: traces always run eagerly,
and a model trained by replay holds eager's weights to the bit. (These tests used to compare
the hand-fused ``LinearStack`` node with the layers run one by one.)"""

import numpy as np
import pytest

import badak
import badak.functional as F
import badak.nn as nn
from badak import optim
from badak.lecture.explain import trace
from badak.lecture.viz import draw_graph

X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.3, 0.2]], dtype=np.float32)
Y = np.array([0, 1, 1])


def _loss(model, x=X, requires_grad=False):
    x = badak.tensor(x, requires_grad=requires_grad)
    return F.cross_entropy(model(x), Y), x


def _mlp(activation, trained=None, bias=True):
    """A small MLP; trained for a few steps eagerly (``trained=False``) or by a compiled step
    (``trained=True``), or not at all (None)."""
    if bias:
        model = nn.MLP([2, 3, 4, 2], activation=activation, rng=0)
    else:
        model = nn.Sequential(nn.Linear(2, 3, bias=False, rng=0), nn.Tanh(),
                              nn.Linear(3, 2, bias=False, rng=1))
    if trained is not None:
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)

        def train_step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        step = badak.compile(train_step) if trained else train_step
        rng = np.random.default_rng(3)
        for _ in range(5):
            step(badak.tensor(rng.standard_normal((3, 2)).astype(np.float32)), Y)
        if trained:
            assert step.replays == 3
    return model


def _same(a, b):
    if a is None or isinstance(a, str):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)     # the same numbers, to the bit


def _assert_same_trace(replayed, eager):
    assert [s.op for s in replayed.steps] == [s.op for s in eager.steps]
    for s, t in zip(replayed.steps, eager.steps):
        assert s.output.label == t.output.label and s.symbol == t.symbol
        _same(s.output.value, t.output.value)
        _same(s.upstream, t.upstream)
        assert [i.tensor.label for i in s.inputs] == [i.tensor.label for i in t.inputs]
        for i, j in zip(s.inputs, t.inputs):
            _same(i.tensor.value, j.tensor.value)
            _same(i.local, j.local)
            _same(i.passed, j.passed)
    assert replayed.to_text() == eager.to_text()


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_an_mlp_is_traced_layer_by_layer_after_replayed_training(activation):
    model = _mlp(activation, trained=True)
    tr = trace(_loss(model)[0], names=model)
    eager_model = _mlp(activation, trained=False)
    _assert_same_trace(tr, trace(_loss(eager_model)[0], names=eager_model))
    ops = [(s.op, s.output.label, [i.tensor.label for i in s.inputs]) for s in tr.steps]
    h = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "leaky_relu": "LeakyReLU"}
    assert ops[1:] == [("Linear", "a3", ["z2", "W3", "b3"]), (h[activation], "z2", ["a2"]),
                       ("Linear", "a2", ["z1", "W2", "b2"]), (h[activation], "z1", ["a1"]),
                       ("Linear", "a1", ["c1", "W1", "b1"])]
    # a1 = x·W1 + b1 and z1 = h(a1), the lecture's equations, hold for the shown numbers
    w1, b1 = model[0].weight.data, model[0].bias.data
    a1 = tr.steps[-1].output.value
    np.testing.assert_allclose(a1, X @ w1 + b1, rtol=1e-6)
    z1 = tr.steps[-2].output.value
    expected = {"relu": np.maximum(a1, 0), "tanh": np.tanh(a1),
                "sigmoid": 1 / (1 + np.exp(-a1)),
                "leaky_relu": np.where(a1 > 0, a1, 0.01 * a1)}[activation]
    np.testing.assert_allclose(z1, expected, rtol=1e-6)


def test_without_bias_with_an_input_that_needs_a_gradient():
    replayed_model = _mlp("tanh", True, bias=False)
    eager_model = _mlp("tanh", False, bias=False)
    replayed_loss, xr = _loss(replayed_model, requires_grad=True)
    eager_loss, xe = _loss(eager_model, requires_grad=True)
    xr.name = xe.name = "x"
    replayed = trace(replayed_loss, names=replayed_model)
    eager = trace(eager_loss, names=eager_model)
    _assert_same_trace(replayed, eager)
    _same(replayed.grad("x"), eager.grad("x"))
    assert [i.tensor.label for i in replayed.steps[-1].inputs] == ["x", "W1"]


def test_draw_graph_shows_every_layer():
    replayed_model, eager_model = _mlp("relu", True), _mlp("relu", False)
    replayed = draw_graph(_loss(replayed_model)[0], names=replayed_model)
    eager = draw_graph(_loss(eager_model)[0], names=eager_model)
    assert replayed.dot == eager.dot and replayed.svg == eager.svg
    assert replayed.dot.count("<B>Linear</B>") == 3 and replayed.dot.count("<B>ReLU</B>") == 2


def test_unnamed_values_are_labelled_one_per_layer():
    loss, _ = _loss(_mlp("relu"))
    tr = trace(loss)
    labels = [s.output.label for s in tr.steps]
    assert len(labels) == 6 and len(set(labels)) == 6  # loss, 3 Linear, 2 ReLU
    eager = trace(_loss(_mlp("relu"))[0])
    for (rec, g), (rec2, g2) in zip(tr.leaf_grads, eager.leaf_grads):
        _same(rec.value, rec2.value)
        _same(g, g2)


def test_tracing_changes_nothing():
    model = _mlp("sigmoid", True)
    model.zero_grad()
    loss, _ = _loss(model)
    trace(loss, names=model)
    assert all(p.grad is None for p in model.parameters())
    loss.backward()                                  # the graph is still there
    reference = _mlp("sigmoid", False)
    reference.zero_grad()
    ref_loss, _ = _loss(reference)
    ref_loss.backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        _same(p.grad.data, q.grad.data)
