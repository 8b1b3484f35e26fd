"""Every primitive op: forward against NumPy, gradients against central differences, including
broadcasting, batches and second derivatives for the elementwise ops."""

import numpy as np
import pytest

import badak
from badak import tensor
from helpers import check_op

BINARY_SHAPES = [((3,), (3,)), ((4, 3), (3,)), ((4, 1), (1, 5)), ((2, 3, 4), (4,)), ((), (2, 2)),
                 ((5, 1, 3), (1, 4, 1))]


@pytest.mark.parametrize("shapes", BINARY_SHAPES)
@pytest.mark.parametrize("name, f, npf", [
    ("add", lambda a, b: a + b, np.add),
    ("sub", lambda a, b: a - b, np.subtract),
    ("mul", lambda a, b: a * b, np.multiply),
    ("div", lambda a, b: a / b, np.divide),
    ("pow", lambda a, b: a ** b, np.power),
])
def test_binary_ops(shapes, name, f, npf):
    check_op(shapes, f, npf, positive=name in ("div", "pow"), second=True)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("name, f, npf, positive", [
    ("neg", lambda x: -x, np.negative, False),
    ("exp", lambda x: x.exp(), np.exp, False),
    ("log", lambda x: x.log(), np.log, True),
    ("sqrt", lambda x: x.sqrt(), np.sqrt, True),
    ("abs", lambda x: abs(x), np.abs, True),
    ("pow3", lambda x: x ** 3, lambda x: x ** 3, False),
    ("pow_half", lambda x: x ** 0.5, lambda x: x ** 0.5, True),
    ("rpow", lambda x: 2 ** x, lambda x: 2 ** x, False),
    ("scalar_arith", lambda x: (3 - x) / 2 + 1 * x - 4 / (x * x + 1), None, False),
])
def test_unary_ops(shape, name, f, npf, positive):
    check_op([shape], f, npf, positive=positive, second=True)


@pytest.mark.parametrize("a, b", [((3, 4), (4, 5)), ((1, 4), (4, 1)), ((2, 3, 4), (4, 2)),
                                  ((2, 3, 4), (2, 4, 5)), ((4,), (4, 3)), ((3, 4), (4,)),
                                  ((4,), (4,))])
def test_matmul(a, b):
    check_op([a, b], lambda x, y: x @ y, np.matmul, second=True)


def test_matmul_shape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 6\)"):
        tensor(np.ones((3, 4))) @ tensor(np.ones((5, 6)))


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_reductions(axis, keepdims, name):
    check_op([(3, 4, 2)], lambda x: getattr(x, name)(axis=axis, keepdims=keepdims),
             lambda x: getattr(np, name)(x, axis=axis, keepdims=keepdims), second=name in
             ("sum", "mean"))


def test_max_splits_gradient_among_ties():
    x = tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 0.5])


def test_bad_axis_is_named():
    with pytest.raises(ValueError, match="axis=5"):
        tensor(np.ones((2, 2))).sum(axis=5)


@pytest.mark.parametrize("f, npf", [
    (lambda x: x.reshape(4, 4), lambda x: x.reshape(4, 4)),
    (lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
    (lambda x: x.transpose(), lambda x: x.transpose()),
    (lambda x: x.transpose(1, 0, 2), lambda x: x.transpose(1, 0, 2)),
    (lambda x: x.T, lambda x: x.T),
    (lambda x: x[1], lambda x: x[1]),
    (lambda x: x[:, 1:3], lambda x: x[:, 1:3]),
    (lambda x: x[..., -1], lambda x: x[..., -1]),
    (lambda x: x[np.array([0, 0, 1])], lambda x: x[np.array([0, 0, 1])]),
    (lambda x: x[np.array([0, 1, 1]), np.array([2, 2, 3])],
     lambda x: x[np.array([0, 1, 1]), np.array([2, 2, 3])]),
    (lambda x: x.broadcast_to((3, 2, 4, 2)), lambda x: np.broadcast_to(x, (3, 2, 4, 2))),
    (lambda x: x.clip(-0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7)),
])
def test_shape_and_indexing_ops(f, npf):
    check_op([(2, 4, 2)], f, npf, second=True)


def test_indexing_with_repeated_indices_scatter_adds():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, 1.0])


def test_concatenate_stack_where():
    check_op([(2, 3), (4, 3)], lambda a, b: badak.concatenate([a, b], axis=0),
             lambda a, b: np.concatenate([a, b]), second=True)
    check_op([(2, 3), (2, 3)], lambda a, b: badak.stack([a, b], axis=1),
             lambda a, b: np.stack([a, b], axis=1), second=True)
    cond = np.array([[True, False, True]])
    check_op([(2, 3), (3,)], lambda a, b: badak.where(cond, a, b),
             lambda a, b: np.where(cond, a, b), second=True)


def test_clip_function_and_errors():
    np.testing.assert_allclose(badak.clip(tensor([-2.0, 0.5, 3.0]), -1, 1).data, [-1, 0.5, 1])
    with pytest.raises(ValueError, match="min <= max"):
        badak.clip(tensor([1.0]), 2, 1)


@pytest.mark.parametrize("bad, match", [
    (lambda: tensor(np.ones(6)).reshape(4, 2), r"shape \(6,\).*\(4, 2\)"),
    (lambda: badak.concatenate([tensor(np.ones((2, 3))), tensor(np.ones((2, 4)))]),
     "tensors\\[1\\]"),
    (lambda: badak.stack([tensor(np.ones(2)), tensor(np.ones(3))]), "same shape"),
    (lambda: badak.concatenate([]), "at least one"),
    (lambda: tensor(np.ones(3))[5], "out of range"),
    (lambda: badak.where(np.ones(2), tensor([1.0, 2.0]), 0.0), "boolean"),
])
def test_shape_errors(bad, match):
    with pytest.raises((ValueError, IndexError, TypeError), match=match):
        bad()


def test_float64_stays_float64_through_ops_and_gradients():
    x = tensor(np.ones((2, 3)), requires_grad=True)
    y = ((x * 2).exp() @ tensor(np.ones((3, 1)))).sum()
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float64
