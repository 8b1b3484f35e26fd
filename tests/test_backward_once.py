"""Each backward is written once, for arrays and (under create_graph) for Tensors.

Second derivatives of every activation, loss and op whose backward uses the primitives
(badak.ops.prims) or a value saved by forward (Function.saved), checked against central
differences; and the engine's other concerns (hooks, retain_grad, inputs=, explain's order)
together with create_graph.
"""

from __future__ import annotations

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import ops
from badak.autograd import graph_nodes, run_backward
from helpers import check_op

LABELS = np.array([2, 0, 1, 2])


@pytest.mark.parametrize("name, fn", [
    ("sigmoid", F.sigmoid),
    ("tanh", F.tanh),
    ("relu", F.relu),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1)),
    ("elu", F.elu),
    ("softmax", lambda x: F.softmax(x, dim=1)),
    ("log_softmax", lambda x: F.log_softmax(x, dim=0)),
])
def test_second_derivative_of_each_activation(name, fn):
    check_op([(4, 3)], fn, second=True)


def test_second_derivative_of_prelu_in_x_and_the_slopes():
    check_op([(4, 3), (3,)], F.prelu, second=True)


@pytest.mark.parametrize("name, fn, shapes", [
    ("mse_loss", F.mse_loss, [(4, 3), (4, 3)]),
    ("l1_loss", F.l1_loss, [(4, 3), (4, 3)]),
    ("cross_entropy labels", lambda x: F.cross_entropy(x, LABELS), [(4, 3)]),
    ("cross_entropy one row", lambda x: F.cross_entropy(x, LABELS[:1]), [(1, 3)]),
    ("cross_entropy probabilities", F.cross_entropy, [(4, 3), (4, 3)]),
    ("bce_with_logits", F.binary_cross_entropy_with_logits, [(4, 3), (4, 3)]),
])
def test_second_derivative_of_each_loss(name, fn, shapes):
    check_op(shapes, fn, second=True, low=0.1 if "probabilities" in name else -2.0)


@pytest.mark.parametrize("name, fn, shapes", [
    ("linear", F.linear, [(4, 3), (3, 2), (2,)]),
    ("matmul batched", ops.matmul, [(2, 4, 3), (3, 2)]),
    ("where", lambda a, b: ops.where(np.array([True, False, True]), a, b), [(2, 3), (3,)]),
    ("power", lambda a, b: a ** b, [(2, 3), (2, 3)]),
    ("norm", lambda a: ops.norm(a, dim=1), [(2, 3)]),
    ("getitem", lambda a: a[np.array([0, 0, 1])], [(3, 2)]),
    ("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [(2, 3), (2, 1)]),
    ("broadcast and sum_to", lambda a: ops.sum_to(ops.broadcast_to(a, (2, 3)) ** 2, (1, 3)),
     [(1, 3)]),
    ("transpose", lambda a: ops.transpose(a, (1, 2, 0)) ** 2, [(2, 3, 4)]),
    ("repeat", lambda a: ops.repeat(a, (2, 1)) ** 2, [(2, 3)]),
    ("max", lambda a: ops.reduce_max(a ** 2, axis=0), [(4, 3)]),
])
def test_second_derivative_of_ops_whose_backward_uses_the_primitives(name, fn, shapes):
    check_op(shapes, fn, second=True, positive=name == "power")


def test_a_tensor_hook_acts_on_the_recorded_gradient_too():
    x = badak.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 3)  # a Tensor under create_graph: still recorded
    (g,) = badak.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.data, 3 * 2 * x.data)
    (gg,) = badak.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, [6.0, 6.0])


def test_a_leaf_hook_and_retain_grad_with_create_graph():
    x = badak.tensor(np.array([1.0, -2.0]), requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(type(g)) or g * 2)
    h = x ** 3
    h.retain_grad()
    loss = (h * 2).sum()
    loss.backward(create_graph=True)
    assert seen == [badak.Tensor]
    np.testing.assert_allclose(x.grad.data, 2 * 2 * 3 * x.data ** 2)  # doubled by the hook
    np.testing.assert_allclose(h.grad.data, [2.0, 2.0])
    (gg,) = badak.grad(x.grad.sum(), x)
    np.testing.assert_allclose(gg.data, 2 * (2 * 2 * 6 * x.data))  # the hook doubles it again


def test_first_order_only_nodes_refuse_create_graph_and_work_without():
    x = badak.tensor(np.zeros((2, 3)), requires_grad=True)
    with pytest.raises(NotImplementedError, match="nll_loss has no second derivative"):
        badak.grad(F.nll_loss(x, np.array([0, 1])), [x], create_graph=True)
    with pytest.raises(NotImplementedError, match="cross_entropy with weight"):
        badak.grad(F.cross_entropy(x, np.array([0, 1]), weight=np.ones(3)), [x],
                   create_graph=True)
    (g,) = badak.grad(F.nll_loss(x, np.array([0, 1])), [x])
    np.testing.assert_allclose(g.data, [[-0.5, 0, 0], [0, -0.5, 0]])


def test_explain_and_backward_walk_the_same_order():
    x = badak.tensor(np.ones((2, 3)), requires_grad=True)
    w = badak.tensor(np.ones((3, 2)), requires_grad=True)
    loss = F.mse_loss(F.relu(F.linear(x, w)) + F.sigmoid(x @ w), np.zeros((2, 2)))
    nodes = graph_nodes(loss.creator)
    visited = []
    run_backward(loss, np.ones((), np.float32), retain_graph=True, create_graph=False,
                 inputs=[x, w], hook=lambda fn, gy, gxs: visited.append(fn))
    assert visited == nodes
    assert badak.explain.trace(loss).steps[0].op == nodes[0].name


def test_saved_values_are_not_changed_by_a_retained_second_backward():
    x = badak.tensor(np.array([[1.0, 2.0, 0.5]]), requires_grad=True)
    loss = F.cross_entropy(x, np.array([1]))
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    x.grad.data[:] = 0.0  # the gradient array handed out is not the one the node keeps
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, first)


def test_nodes_of_one_generation_run_in_the_order_they_were_reached():
    """Ties in generation are broken by the order the nodes were reached, not by memory
    addresses, so backward's order and explain's numbering are the same at every run."""
    a, b, c, d = (badak.tensor(float(i), requires_grad=True) for i in range(1, 5))
    for t, name in zip((a, b, c, d), "abcd"):
        t.name = name
    y = (a * b) + (c * d).exp()  # Add reaches a*b (generation 0) before exp (generation 1)
    steps = badak.explain.trace(y).steps
    assert [s.op for s in steps] == ["Add", "Exp", "Mul", "Mul"]
    assert [i.tensor.label for i in steps[2].inputs] == ["a", "b"]
    assert [i.tensor.label for i in steps[3].inputs] == ["c", "d"]
