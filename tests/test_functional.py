"""Activations and losses: values against NumPy formulas, gradients against central differences,
second derivatives, and extreme inputs (|x| = 1e4) without overflow, warnings or NaN."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import badak
import badak.functional as F
from badak import tensor
from helpers import check_op


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ACTIVATIONS = [
    ("sigmoid", F.sigmoid, np_sigmoid),
    ("tanh", F.tanh, np.tanh),
    ("relu", F.relu, lambda x: np.maximum(x, 0)),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    ("elu", lambda x: F.elu(x, 1.5), lambda x: np.where(x > 0, x, 1.5 * (np.exp(x) - 1))),
    ("softmax", F.softmax, np_softmax),
    ("softmax0", lambda x: F.softmax(x, axis=0), lambda x: np_softmax(x, 0)),
    ("log_softmax", F.log_softmax, lambda x: np.log(np_softmax(x))),
    ("maxout", lambda x: F.maxout(x, 2), lambda x: x.reshape(3, 3, 2).max(-1)),
]


@pytest.mark.parametrize("name, f, npf", ACTIVATIONS)
def test_activation_values_and_gradients(name, f, npf):
    check_op([(3, 6)], f, npf, second=name not in ("relu", "leaky_relu", "maxout"))


@pytest.mark.parametrize("name, f, npf", ACTIVATIONS)
def test_activation_float32(name, f, npf):
    x = np.random.default_rng(1).uniform(-3, 3, (3, 6)).astype(np.float32)
    y = f(tensor(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, npf(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_step_outputs_zero_one_and_passes_zero_gradient():
    x = tensor([-2.0, 0.0, 0.5, 3.0], requires_grad=True)
    y = F.step(x)
    np.testing.assert_array_equal(y.data, [0, 0, 1, 1])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(4))


def test_sigmoid_derivative_is_s_times_one_minus_s():
    x = tensor(np.linspace(-4, 4, 9), requires_grad=True)
    s = F.sigmoid(x)
    s.sum().backward()
    np.testing.assert_allclose(x.grad.data, s.data * (1 - s.data))


def test_tanh_derivative_is_one_minus_square():
    x = tensor(np.linspace(-3, 3, 7), requires_grad=True)
    y = F.tanh(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 1 - y.data ** 2)


@pytest.mark.parametrize("weight_shape", [(1,), (4,)])
def test_prelu_gradient_reaches_the_slope(weight_shape):
    check_op([(5, 4), weight_shape], F.prelu,
             lambda x, w: np.where(x > 0, x, x * w.reshape(-1)), second=False)


def test_prelu_weight_mismatch():
    with pytest.raises(ValueError, match="channels on axis 1"):
        F.prelu(tensor(np.ones((2, 3))), tensor(np.ones(4)))


def test_maxout_needs_a_multiple_of_pieces():
    with pytest.raises(ValueError, match="multiple of pieces=4"):
        F.maxout(tensor(np.ones((2, 6))), 4)


@pytest.mark.parametrize("name, f, npf", [a for a in ACTIVATIONS if a[0] in ("sigmoid", "tanh",
                                                                            "elu")])
def test_elementwise_activation_second_derivative_matches_formula(name, f, npf):
    x0 = np.array([-1.3, -0.2, 0.4, 1.7])
    x = tensor(x0, requires_grad=True)
    (g,) = badak.grad(f(x).sum(), x, create_graph=True)
    (gg,) = badak.grad(g.sum(), x)
    h = 1e-4
    num = (npf(x0 + h) - 2 * npf(x0) + npf(x0 - h)) / h ** 2
    np.testing.assert_allclose(gg.data, num, rtol=1e-3, atol=1e-4)


# ------------------------------------------------------------------ losses
def test_mse_and_l1_values_and_gradients():
    check_op([(4, 3), (4, 3)], F.mse_loss, lambda a, b: np.mean((a - b) ** 2), second=True)
    check_op([(4, 3), (4, 3)], F.l1_loss, lambda a, b: np.mean(np.abs(a - b)))


def test_mse_shape_mismatch_has_a_hint():
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\).*reshape"):
        F.mse_loss(tensor(np.ones((4, 1))), np.ones(4))


def np_cross_entropy(x, labels):
    logp = np.log(np_softmax(x))
    return -logp[np.arange(len(labels)), labels].mean()


def test_cross_entropy_with_labels_and_one_hot():
    labels = np.array([0, 2, 1, 2])
    check_op([(4, 3)], lambda x: F.cross_entropy(x, labels), lambda x: np_cross_entropy(x, labels),
             second=True)
    onehot = np.eye(3)[labels]
    check_op([(4, 3)], lambda x: F.cross_entropy(x, onehot),
             lambda x: np_cross_entropy(x, labels), second=True)


def test_cross_entropy_gradient_is_softmax_minus_target_over_n():
    x = tensor(np.random.default_rng(0).normal(size=(5, 4)), requires_grad=True)
    labels = np.array([3, 0, 1, 1, 2])
    F.cross_entropy(x, labels).backward()
    np.testing.assert_allclose(x.grad.data, (np_softmax(x.data) - np.eye(4)[labels]) / 5)


@pytest.mark.parametrize("target, match", [
    (np.array([0, 3]), r"\[0, 2\]"),
    (np.array([0, -1]), r"\[0, 2\]"),
    (np.array([0, 1, 2]), "3 labels"),
    (np.array([0.0, 1.0]), "integers"),
    (np.ones((2, 4)), r"\(2, 3\)"),
])
def test_cross_entropy_bad_targets(target, match):
    with pytest.raises((ValueError, TypeError), match=match):
        F.cross_entropy(tensor(np.ones((2, 3))), target)


def test_bce_with_logits():
    t = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    check_op([(2, 3)], lambda x: F.binary_cross_entropy_with_logits(x, t),
             lambda x: np.mean(-t * np.log(np_sigmoid(x)) - (1 - t) * np.log(1 - np_sigmoid(x))),
             second=True)


def test_linear_is_one_node_and_matches_matmul_plus_bias():
    check_op([(5, 3), (3, 4), (4,)], F.linear, lambda x, w, b: x @ w + b, second=True)
    check_op([(3, 4)], lambda w: F.linear(np.ones((2, 3)), w), lambda w: np.ones((2, 3)) @ w)
    y = F.linear(tensor(np.ones((2, 3)), requires_grad=True), tensor(np.ones((3, 4))))
    assert y.creator.name == "Linear"
    assert F.linear(tensor(np.ones(3)), tensor(np.ones((3, 4)))).shape == (4,)
    assert F.linear(tensor(np.ones((2, 5, 3))), tensor(np.ones((3, 4)))).shape == (2, 5, 4)


def test_linear_shape_errors():
    with pytest.raises(ValueError, match=r"x has 5 features.*expects 3"):
        F.linear(tensor(np.ones((2, 5))), tensor(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        F.linear(tensor(np.ones((2, 3))), tensor(np.ones((3, 4))), tensor(np.ones(3)))


# ------------------------------------------------------------------ dropout
def test_dropout_train_and_eval():
    x = tensor(np.ones((1000, 10)), requires_grad=True)
    y = F.dropout(x, 0.3, training=True, rng=np.random.default_rng(0))
    kept = y.data != 0
    assert 0.65 < kept.mean() < 0.75
    np.testing.assert_allclose(y.data[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, kept / 0.7)
    assert F.dropout(x, 0.3, training=False) is x


def test_dropout_is_reproducible_with_a_seed_and_validates_p():
    x = tensor(np.ones(50))
    a = F.dropout(x, 0.5, True, rng=3).data
    b = F.dropout(x, 0.5, True, rng=3).data
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="p must be in the range"):
        F.dropout(x, 1.0, True)


# ------------------------------------------------------------------ extremes
EXTREME_FUNCS = {
    "step": F.step, "sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
    "leaky_relu": F.leaky_relu, "elu": F.elu, "softmax": F.softmax,
    "log_softmax": F.log_softmax, "maxout": lambda x: F.maxout(x, 2),
    "prelu": lambda x: F.prelu(x, tensor([0.25], dtype=x.dtype)),
    "mse": lambda x: F.mse_loss(x, x.data[::-1].copy()),
    "l1": lambda x: F.l1_loss(x, np.zeros_like(x.data)),
    "cross_entropy": lambda x: F.cross_entropy(x.reshape(2, 2), np.array([0, 1])),
    "bce": lambda x: F.binary_cross_entropy_with_logits(x, np.array([1, 0, 1, 0], x.dtype)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(EXTREME_FUNCS))
def test_extreme_inputs_stay_finite_without_warnings(name, dtype):
    x = tensor(np.array([-1e4, 1e4, -1e4, 1e4], dtype=dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            y = EXTREME_FUNCS[name](x)
            y.sum().backward()
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_and_softmax_property(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = F.sigmoid(tensor(x)).data
        p = F.softmax(tensor(x)).data
    assert ((s >= 0) & (s <= 1)).all()
    assert np.isclose(p.sum(), 1.0)
