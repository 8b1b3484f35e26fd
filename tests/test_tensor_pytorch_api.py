"""PyTorch's Tensor API beside NumPy's: elementwise comparisons, dtype casts, dim/keepdim
reductions, max(dim) -> (values, indices), views and shape methods, factories, hooks, and the
gradients of ``a ** b`` at 0. Every new op with a gradient goes through gradcheck (and second
derivatives, as tests/test_ops.py does)."""

import numpy as np
import pytest
from tests.helpers import check_op

import badak
from badak import tensor


# ----------------------------------------------------------------- comparisons and casts
@pytest.mark.parametrize("op, expected", [
    (lambda a, b: a == b, [True, False, False]),
    (lambda a, b: a != b, [False, True, True]),
    (lambda a, b: a < b, [False, True, False]),
    (lambda a, b: a <= b, [True, True, False]),
    (lambda a, b: a > b, [False, False, True]),
    (lambda a, b: a >= b, [True, False, True]),
    (lambda a, b: a == 2.0, [False, True, False]),
    (lambda a, b: a.ne(b), [False, True, True]),
])
def test_comparisons_are_elementwise_boolean_tensors(op, expected):
    a, b = tensor([1.0, 2.0, 5.0], requires_grad=True), tensor([1.0, 3.0, 4.0])
    out = op(a, b)
    assert isinstance(out, badak.Tensor) and out.dtype == np.bool_ and not out.requires_grad
    assert out.tolist() == expected


def test_tensors_stay_usable_in_sets_and_dicts():
    a, b = tensor([1.0]), tensor([1.0])
    assert len({a, b}) == 2 and {a: 1, b: 2}[b] == 2


@pytest.mark.parametrize("method, dtype", [
    ("float", np.float32), ("double", np.float64), ("long", np.int64), ("int", np.int32),
    ("bool", np.bool_),
])
def test_dtype_casts(method, dtype):
    out = getattr(tensor([0.0, 1.5, -2.0]), method)()
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.data, np.array([0.0, 1.5, -2.0]).astype(dtype))


def test_float_cast_is_differentiable():
    x = tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x.float() * 3).sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [3.0, 3.0]


# ----------------------------------------------------------------- reductions
X = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])


@pytest.mark.parametrize("name, kwargs, expected", [
    ("sum", {"dim": 1}, X.sum(axis=1)),
    ("sum", {"dim": 0, "keepdim": True}, X.sum(axis=0, keepdims=True)),
    ("sum", {"axis": 1, "keepdims": True}, X.sum(axis=1, keepdims=True)),
    ("mean", {"dim": (0, 1)}, X.mean()),
    ("mean", {"dim": -1}, X.mean(axis=-1)),
    ("amax", {"dim": 1}, X.max(axis=1)),
    ("amin", {"dim": 0, "keepdim": True}, X.min(axis=0, keepdims=True)),
    ("var", {"dim": 1}, X.var(axis=1, ddof=1)),
    ("var", {"dim": 1, "unbiased": False}, X.var(axis=1)),
    ("std", {}, X.std(ddof=1)),
    ("std", {"dim": 0, "correction": 0, "keepdim": True}, X.std(axis=0, keepdims=True)),
    ("norm", {}, np.linalg.norm(X)),
    ("norm", {"dim": 1}, np.linalg.norm(X, axis=1)),
    ("norm", {"p": 1, "dim": 0}, np.abs(X).sum(axis=0)),
    ("norm", {"p": float("inf")}, np.abs(X).max()),
    ("norm", {"p": 3}, (np.abs(X) ** 3).sum() ** (1 / 3)),
    ("argmax", {"dim": 1}, X.argmax(axis=1)),
    ("argmin", {"dim": 0, "keepdim": True}, X.argmin(axis=0)[None]),
    ("argmax", {}, X.argmax()),
])
def test_reductions_take_dim_and_keepdim(name, kwargs, expected):
    out = getattr(tensor(X), name)(**kwargs)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_max_and_min_with_dim_return_values_and_indices():
    x = tensor(np.array([[1.0, 5.0, 5.0], [4.0, 2.0, 6.0]]), requires_grad=True)
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 6.0] and indices.tolist() == [1, 2]
    assert indices.dtype == np.int64 and type(x.max(1)).__name__ == "max"
    assert x.max(1).values.tolist() == [5.0, 6.0]
    values.sum().backward()  # the gradient goes to the element at indices (first of ties)
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    low = x.min(0, keepdim=True)
    assert low.values.shape == (1, 3) and low.indices.tolist() == [[0, 1, 0]]
    assert isinstance(x.max(), badak.Tensor) and x.max().item() == 6.0
    assert x.max(axis=1).tolist() == [5.0, 6.0]  # NumPy's keyword: a Tensor


@pytest.mark.parametrize("fn", [
    lambda x: x.max(dim=1).values, lambda x: x.min(0, keepdim=True).values,
    lambda x: x.var(dim=1), lambda x: x.std(), lambda x: x.norm(), lambda x: x.norm(dim=0),
    lambda x: x.norm(p=3, dim=1), lambda x: x.amax(dim=1),
])
def test_new_reductions_pass_gradcheck(fn):
    check_op([(3, 4)], fn, second=True)


def test_norm_gradient_at_zero_is_zero_as_in_pytorch():
    x = tensor([0.0, 0.0], requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.sum(dim=0, axis=0), TypeError, "sum: pass dim \\(PyTorch\\) or axis"),
    (lambda t: t.mean(out=np.zeros(2)), TypeError, "mean: out= is not supported"),
    (lambda t: t.max(dim=2), ValueError, "max: dim must be an int in \\[-2, 1\\]"),
    (lambda t: t.argmax(dim=5), IndexError, "argmax: dim must be an int"),
    (lambda t: t.var(dim=0, correction=2), ValueError, "var: needs more than correction=2"),
    (lambda t: t.var(unbiased="yes"), TypeError, "var: unbiased must be a bool"),
    (lambda t: t.norm(p=0), ValueError, "norm: p must be a positive number"),
    (lambda t: t.sum(keepdim="no"), TypeError, "keepdim must be a bool"),
])
def test_bad_reduction_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call(tensor(np.ones((2, 3))))


# ----------------------------------------------------------------- shape
@pytest.mark.parametrize("fn, expected_shape", [
    (lambda x: x.view(6, 4), (6, 4)),
    (lambda x: x.view(-1), (24,)),
    (lambda x: x.flatten(), (24,)),
    (lambda x: x.flatten(1), (2, 12)),
    (lambda x: x.flatten(0, 1), (6, 4)),
    (lambda x: x.unflatten(2, (2, 2)), (2, 3, 2, 2)),
    (lambda x: x.unflatten(1, (-1, 1)), (2, 3, 1, 4)),
    (lambda x: x.unsqueeze(0), (1, 2, 3, 4)),
    (lambda x: x.unsqueeze(-1), (2, 3, 4, 1)),
    (lambda x: x.unsqueeze(1).squeeze(), (2, 3, 4)),
    (lambda x: x.unsqueeze(1).squeeze(1), (2, 3, 4)),
    (lambda x: x.squeeze(0), (2, 3, 4)),
    (lambda x: x.permute(2, 0, 1), (4, 2, 3)),
    (lambda x: x.permute((1, 2, 0)), (3, 4, 2)),
    (lambda x: x.transpose(0, 2), (4, 3, 2)),
    (lambda x: x.transpose(-1, 1), (2, 4, 3)),
    (lambda x: x[:, :1].expand(2, 5, 4), (2, 5, 4)),
    (lambda x: x[:, :1].expand(-1, 3, -1), (2, 3, 4)),
    (lambda x: x.repeat(1, 2, 1), (2, 6, 4)),
    (lambda x: x.repeat(2, 1, 1, 3), (2, 2, 3, 12)),
    (lambda x: x.clone(), (2, 3, 4)),
    (lambda x: x.transpose(0, 1).contiguous(), (3, 2, 4)),
])
def test_shape_methods_match_numpy_and_pass_gradcheck(fn, expected_shape):
    a = np.arange(24.0).reshape(2, 3, 4)
    assert fn(tensor(a)).shape == expected_shape
    check_op([(2, 3, 4)], fn, second=True)


def test_transpose_two_dims_is_pytorchs_swap_and_values_match():
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(tensor(a).transpose(0, 2).data, np.swapaxes(a, 0, 2))
    np.testing.assert_array_equal(tensor(a).permute(2, 0, 1).data, a.transpose(2, 0, 1))
    np.testing.assert_array_equal(tensor(a).repeat(1, 2, 1).data, np.tile(a, (1, 2, 1)))
    m = tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.t().data, m.data.T)
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)


def test_clone_has_its_own_memory_and_contiguous_keeps_contiguous_tensors():
    x = tensor([1.0, 2.0])
    c = x.clone()
    c += 1
    assert x.tolist() == [1.0, 2.0] and x.contiguous() is x


def test_size_dim_numel():
    x = tensor(np.zeros((2, 3)))
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.size == 6 and x.dim() == 2 and x.numel() == 6  # NumPy's x.size still works
    assert tensor(1.0).item() == 1.0 and x.tolist() == [[0.0] * 3] * 2
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        x.size(2)


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.flatten(1, 0), ValueError, "flatten: start_dim must not come after end_dim"),
    (lambda t: t.unflatten(1, (2, 2)), ValueError, "unflatten: sizes \\(2, 2\\) do not "
                                                   "multiply to the length 3"),
    (lambda t: t.unflatten(1, 3), TypeError, "unflatten: sizes must be a tuple of ints"),
    (lambda t: t.unsqueeze(3), IndexError, "unsqueeze: dim must be an int in \\[-3, 2\\]"),
    (lambda t: t.squeeze(4), ValueError, "squeeze: dim must be an int"),
    (lambda t: t.expand(3, 3), ValueError, "broadcast_to: cannot broadcast shape \\(2, 3\\)"),
    (lambda t: t.expand(3), ValueError, "expand: sizes must be at least 2 ints"),
    (lambda t: t.repeat(2), ValueError, "repeat: sizes must be at least 2 non-negative ints"),
    (lambda t: t.t().t().reshape(1, 2, 3).t(), ValueError, "t\\(\\) expects a tensor with at "
                                                          "most 2 axes"),
    (lambda t: t.permute(0, 0), ValueError, "transpose: axes must be a permutation"),
])
def test_bad_shape_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call(tensor(np.ones((2, 3))))


def test_softmax_and_log_softmax_take_dim():
    import badak.nn.functional as F

    x = tensor(np.array([[1.0, 2.0], [3.0, 5.0]]))
    np.testing.assert_allclose(F.softmax(x, dim=0).data.sum(axis=0), [1.0, 1.0])
    np.testing.assert_allclose(F.softmax(x, 0).data, F.softmax(x, axis=0).data)
    np.testing.assert_allclose(F.log_softmax(x, dim=1).data,
                               np.log(F.softmax(x, axis=1).data), rtol=1e-12)
    with pytest.raises(TypeError, match="softmax: pass dim \\(PyTorch\\) or axis"):
        F.softmax(x, dim=0, axis=0)
    assert F.cross_entropy is badak.functional.cross_entropy


# ----------------------------------------------------------------- factories
@pytest.mark.parametrize("make, shape, dtype, values", [
    (lambda: badak.zeros(2, 3), (2, 3), np.float32, np.zeros((2, 3))),
    (lambda: badak.ones((2,)), (2,), np.float32, np.ones(2)),
    (lambda: badak.full((2, 2), 7.0), (2, 2), np.float32, np.full((2, 2), 7.0)),
    (lambda: badak.full((2,), 3), (2,), np.int64, [3, 3]),
    (lambda: badak.eye(2, 3), (2, 3), np.float32, np.eye(2, 3)),
    (lambda: badak.arange(4), (4,), np.int64, [0, 1, 2, 3]),
    (lambda: badak.arange(1, 2, 0.25), (4,), np.float32, [1.0, 1.25, 1.5, 1.75]),
    (lambda: badak.linspace(0, 1, 5), (5,), np.float32, [0, 0.25, 0.5, 0.75, 1.0]),
    (lambda: badak.zeros(3, dtype="float64"), (3,), np.float64, np.zeros(3)),
    (lambda: badak.empty(2, 3), (2, 3), np.float32, None),
    (lambda: badak.rand(2, 3, generator=0), (2, 3), np.float32,
     np.random.default_rng(0).random((2, 3))),
    (lambda: badak.randn(4, rng=np.random.default_rng(1)), (4,), np.float32,
     np.random.default_rng(1).standard_normal(4)),
    (lambda: badak.randint(0, 10, (3,), generator=2), (3,), np.int64,
     np.random.default_rng(2).integers(0, 10, (3,))),
    (lambda: badak.randint(5, (2, 2), rng=3), (2, 2), np.int64,
     np.random.default_rng(3).integers(0, 5, (2, 2))),
    (lambda: badak.zeros_like(badak.ones(2, dtype="float64")), (2,), np.float64, [0, 0]),
    (lambda: badak.ones_like(badak.zeros(2)), (2,), np.float32, [1, 1]),
    (lambda: badak.full_like(badak.zeros(2), 4), (2,), np.float32, [4, 4]),
    (lambda: badak.rand_like(badak.zeros(2), generator=0), (2,), np.float32,
     np.random.default_rng(0).random(2)),
    (lambda: badak.randn_like(badak.zeros(2), rng=0), (2,), np.float32,
     np.random.default_rng(0).standard_normal(2)),
    (lambda: badak.cat([badak.ones(1, 2), badak.zeros(2, 2)], dim=0), (3, 2), np.float32,
     [[1, 1], [0, 0], [0, 0]]),
    (lambda: badak.stack([badak.ones(2), badak.zeros(2)], dim=1), (2, 2), np.float32,
     [[1, 0], [1, 0]]),
    (lambda: badak.where(badak.arange(3) > 0, badak.ones(3), badak.zeros(3)), (3,), np.float32,
     [0, 1, 1]),
    (lambda: badak.matmul(badak.ones(2, 3), badak.ones(3)), (2,), np.float32, [3, 3]),
])
def test_factories(make, shape, dtype, values):
    t = make()
    assert t.shape == shape and t.dtype == dtype
    if values is not None:
        np.testing.assert_allclose(t.data, np.asarray(values).astype(dtype), rtol=1e-6)


def test_factories_make_leaves_that_require_grad():
    w = badak.randn(2, 3, rng=0, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    assert badak.zeros(2, requires_grad=True).requires_grad


@pytest.mark.parametrize("call, error, message", [
    (lambda: badak.zeros(2, -1), ValueError, "zeros: size must be non-negative ints"),
    (lambda: badak.ones(2.5), ValueError, "ones: size must be non-negative ints"),
    (lambda: badak.zeros(2, dtype="str"), TypeError, "zeros: dtype must be a boolean, integer"),
    (lambda: badak.full((2,), "x"), TypeError, "full: fill_value must be a number"),
    (lambda: badak.arange(0, 5, 0), ValueError, "arange: step must be nonzero"),
    (lambda: badak.arange("5"), TypeError, "arange: end must be a number"),
    (lambda: badak.linspace("0", 1, 3), TypeError, "linspace: start must be a number"),
    (lambda: badak.linspace(0, 1, -3), ValueError, "linspace: size must be non-negative"),
    (lambda: badak.eye(-1), ValueError, "eye: size must be non-negative ints"),
    (lambda: badak.randint(3, 3, (2,)), ValueError, "randint: needs low < high"),
    (lambda: badak.randint(3), TypeError, "randint: size is required"),
    (lambda: badak.rand(2, generator=0, rng=0), TypeError, "rand: pass generator or rng"),
    (lambda: badak.randn(2, rng=1.5), TypeError, "rng must be None, a non-negative integer"),
    (lambda: badak.zeros_like(np.zeros(2)), TypeError, "zeros_like: input must be a Tensor"),
    (lambda: badak.zeros(2, requires_grad="yes"), TypeError, "requires_grad must be a bool"),
    (lambda: badak.stack([badak.ones(1)], dim=1, axis=0), TypeError, "stack: pass dim"),
])
def test_bad_factory_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------- hooks
def test_hook_sees_and_can_replace_a_leaf_gradient():
    w = tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = w.register_hook(lambda g: seen.append(g.tolist()))
    h2 = w.register_hook(lambda g: g * 10)
    (w * w).sum().backward()
    assert seen == [[2.0, 4.0]] and w.grad.tolist() == [20.0, 40.0]
    h.remove()
    h2.remove()
    w.grad = None
    (w * w).sum().backward()
    assert seen == [[2.0, 4.0]] and w.grad.tolist() == [2.0, 4.0]


def test_leaf_hook_gets_the_total_gradient_once():
    w = tensor([1.0], requires_grad=True)
    calls = []
    w.register_hook(lambda g: calls.append(g.item()))
    (w * 2 + w * 3).sum().backward()
    assert calls == [5.0]


def test_hook_on_a_non_leaf_changes_what_flows_back():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 0 + 1)  # replace dL/dy by ones
    (y * y).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_bad_hooks():
    with pytest.raises(TypeError, match="hook must be callable"):
        tensor([1.0], requires_grad=True).register_hook(3)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        tensor([1.0]).register_hook(print)
    w = tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: tensor([1.0]))
    with pytest.raises(RuntimeError, match=r"returned a gradient of shape \(1,\); expected "
                                           r"shape \(2,\)"):
        (w * w).sum().backward()


# ----------------------------------------------------------------- powers at 0 (issue 12 row 13)
@pytest.mark.parametrize("a, b, grad_a, grad_b", [  # from PyTorch 2.13 (torch.pow backward)
    (0.0, 0.0, 0.0, 0.0),
    (0.0, 2.0, 0.0, 0.0),
    (0.0, 0.5, np.inf, 0.0),
    (2.0, 0.0, 0.0, np.log(2.0)),
    (0.0, -1.0, -np.inf, -np.inf),
    (3.0, 2.0, 6.0, 9 * np.log(3.0)),
])
def test_power_gradients_at_zero_match_pytorch(a, b, grad_a, grad_b):
    x = tensor(np.array(a), requires_grad=True)
    y = tensor(np.array(b), requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (x ** y).backward()
    np.testing.assert_allclose([x.grad.item(), y.grad.item()], [grad_a, grad_b])


@pytest.mark.parametrize("c, expected", [(0, 0.0), (0.0, 0.0), (1, 1.0), (2, 0.0),
                                         (0.5, np.inf), (-1, -np.inf)])
def test_power_with_a_constant_exponent_at_zero_matches_pytorch(c, expected):
    x = tensor(np.array(0.0), requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (x ** c).backward()
    assert x.grad.item() == expected


def test_x_to_the_zero_has_gradient_zero_in_the_graph_command():
    # badak graph "x**0" --var x=0 printed a NaN gradient
    from badak.lecture.expr import parse

    x = tensor(0.0, requires_grad=True)
    parse("x**0").evaluate(x=x).backward()
    assert x.grad.item() == 0.0


def test_power_second_derivative_with_zero_exponent():
    check_op([(3,)], lambda x: x ** 0 + x ** 2, second=True)
