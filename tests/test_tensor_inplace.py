"""In-place changes as in PyTorch: the same Tensor and array are changed, a leaf that requires
grad is protected outside no_grad, recorded in-place ops give right gradients, and a change that
a recorded graph still needs makes backward raise (version counters). Also Tensors as NumPy
operands (``p.data -= lr * p.grad``, ``np.exp(t)``)."""

import re

import numpy as np
import pytest

import badak
from badak import tensor

LEAF = re.escape("a leaf Variable that requires grad is being used in an in-place operation.")
VERSION = "one of the variables needed for gradient computation has been modified by an " \
          "inplace operation"


@pytest.mark.parametrize("op, expected", [
    (lambda w: w.__isub__(0.5), [0.5, 1.5]),
    (lambda w: w.__iadd__(tensor([1.0, 1.0])), [2.0, 3.0]),
    (lambda w: w.__imul__(2), [2.0, 4.0]),
    (lambda w: w.__itruediv__(2), [0.5, 1.0]),
    (lambda w: w.add_(tensor([1.0, 1.0]), alpha=2), [3.0, 4.0]),
    (lambda w: w.sub_(1), [0.0, 1.0]),
    (lambda w: w.mul_(3), [3.0, 6.0]),
    (lambda w: w.div_(4), [0.25, 0.5]),
    (lambda w: w.zero_(), [0.0, 0.0]),
    (lambda w: w.fill_(7), [7.0, 7.0]),
    (lambda w: w.clamp_(min=1.5), [1.5, 2.0]),
    (lambda w: w.copy_(tensor([5.0, 6.0])), [5.0, 6.0]),
    (lambda w: w.copy_(np.array(9.0)), [9.0, 9.0]),
])
def test_in_place_ops_change_the_same_tensor_and_array(op, expected):
    w = tensor([1.0, 2.0], requires_grad=True)
    arr = w.data
    with badak.no_grad():
        out = op(w)
    assert out is w and w.data is arr and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.data, expected)
    assert w._version == 1


def test_augmented_assignment_keeps_the_loop_variable_bound_to_the_parameter():
    # The Deep-Learning-from-Scratch / PyTorch-tutorial update: it used to rebind p only.
    params = [tensor([1.0, 2.0], requires_grad=True), tensor([3.0], requires_grad=True)]
    before = [p for p in params]
    loss = (params[0] ** 2).sum() + (params[1] * 2).sum()
    loss.backward()
    with badak.no_grad():
        for p in params:
            p -= 0.1 * p.grad
    assert all(p is q for p, q in zip(params, before))
    np.testing.assert_allclose(params[0].data, [0.8, 1.6])
    np.testing.assert_allclose(params[1].data, [2.8])


@pytest.mark.parametrize("op", [
    lambda w: w.__iadd__(1), lambda w: w.__isub__(1), lambda w: w.__imul__(2),
    lambda w: w.__itruediv__(2), lambda w: w.zero_(), lambda w: w.fill_(1),
    lambda w: w.clamp_(0, 1), lambda w: w.copy_(tensor([1.0, 1.0])),
    lambda w: w.uniform_(rng=0), lambda w: w.normal_(rng=0), lambda w: w.__setitem__(0, 5.0),
])
def test_in_place_on_a_leaf_that_requires_grad_outside_no_grad_is_refused(op):
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=LEAF):
        op(w)
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # unchanged
    assert w._version == 0


def test_leaf_error_message_in_full():
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        w += 1
    assert str(info.value) == (
        "a leaf Variable that requires grad is being used in an in-place operation. (add_ on a "
        "tensor of shape (2,): change parameters under `with badak.no_grad():`)")


def test_changing_a_saved_input_makes_backward_raise_with_the_versions():
    w = tensor([1.0, 2.0], requires_grad=True)
    x = tensor([3.0, 4.0])
    y = (w * x).sum()
    x += 1  # x does not require grad: allowed, but Mul saved it for w's gradient
    with pytest.raises(RuntimeError) as info:
        y.backward()
    assert str(info.value) == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: input 1 of <Mul> (a tensor of shape (2,), dtype float32) is at version 1; "
        "expected version 0 instead. Change it after backward(), or use the out-of-place form "
        "(x = x + y) or clone()")


def test_updating_a_parameter_between_forward_and_backward_is_caught():
    w = tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = tensor([[1.0, -1.0]])
    loss = badak.functional.linear(x, w).sum()
    with badak.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError, match=VERSION):
        loss.backward()


def test_a_view_shares_the_version_counter_of_its_base():
    w = tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = tensor([[1.0, 2.0], [3.0, 4.0]])
    y = (w * x).sum()
    with badak.no_grad():
        x[0].mul_(10)  # through a view: x changes, and so does its version
    assert x._version == 1 and x.data[0, 0] == 10
    with pytest.raises(RuntimeError, match=VERSION):
        y.backward()


def test_setitem_through_a_slice_writes_into_the_base():
    x = tensor([[1.0, 2.0], [3.0, 4.0]])
    arr = x.data
    x[:, 0] += 10
    x[1] = tensor([7.0, 8.0])
    np.testing.assert_array_equal(arr, [[11.0, 2.0], [7.0, 8.0]])
    assert x.data is arr


def test_versions_recorded_after_a_change_allow_the_next_step():
    w = tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):  # each step builds a new graph after the previous update
        loss = (w * w).sum()
        loss.backward()
        with badak.no_grad():
            w -= 0.25 * w.grad
        w.grad = None
    np.testing.assert_allclose(w.data, [0.125, 0.25])


def test_in_place_on_a_non_leaf_is_recorded():
    x = tensor([1.0, 2.0], requires_grad=True)
    v = tensor([3.0, 4.0], requires_grad=True)
    h = x * 2
    h += v          # Add(old h, v)
    h *= v          # Mul(old h, v): the old value is kept for v's gradient
    h.sum().backward()
    # h = (2x + v) * v: dh/dx = 2v, dh/dv = 2x + 2v
    np.testing.assert_allclose(x.grad.data, [6.0, 8.0])
    np.testing.assert_allclose(v.grad.data, [8.0, 12.0])
    assert h.creator.name == "Mul" and not h.is_leaf


def test_in_place_on_an_output_keeps_its_creators_value():
    # PyTorch raises here (exp saved its output); badak keeps a copy for Exp: still right.
    x = tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    y += 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([0.5, 1.0]), rtol=1e-6)


def test_in_place_under_no_grad_on_an_output_keeps_its_creators_value():
    x = tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    with badak.no_grad():
        y.zero_()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([0.5, 1.0]), rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda x: x.clone().mul_(x),
    lambda x: x.clone().div_(x + 3),
    lambda x: x.clone().add_(x, alpha=-2.5),
    lambda x: x.clone().clamp_(-0.5, 0.5),
    lambda x: x.clone().copy_(x * x),
    lambda x: x.clone().fill_(2.0) * x,
])
def test_recorded_in_place_ops_pass_gradcheck(make):
    x = tensor(np.array([0.3, -0.7, 1.2]), requires_grad=True)
    assert badak.gradcheck(make, [x])


def test_recorded_setitem_passes_gradcheck():
    def f(x, v):
        y = x * 1
        y[1:3] = v
        return y * y
    x = tensor(np.array([0.3, -0.7, 1.2, 2.0]), requires_grad=True)
    v = tensor(np.array([0.5, -1.5]), requires_grad=True)
    assert badak.gradcheck(f, [x, v])


def test_in_place_on_a_view_in_a_graph_is_refused():
    x = tensor([[1.0, 2.0]], requires_grad=True)
    h = x * 2
    v = h.reshape(2)
    with pytest.raises(RuntimeError) as info:
        v += x.reshape(2)
    assert str(info.value) == (
        "add_: this tensor shares its memory with another tensor (a view made by indexing, "
        "reshape, transpose, expand or detach), and an in-place change of a view cannot be "
        "recorded in the graph; use the out-of-place form (y = y + x) or clone() first")


def test_in_place_on_an_expanded_tensor_is_refused():
    e = tensor([[1.0, 2.0]]).expand(3, 2)
    with pytest.raises(RuntimeError) as info:
        e.add_(1)
    assert str(info.value) == (
        "add_: unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location (it was made by expand or broadcast_to). Please clone() the "
        "tensor before performing the operation.")


@pytest.mark.parametrize("op, message", [
    (lambda t: t.__iadd__(0.5), "add_: result type float64 can't be cast to the desired output "
                                "type int64"),
    (lambda t: t.__itruediv__(2), "div_: result type float64 can't be cast to the desired "
                                  "output type int64"),
])
def test_in_place_that_would_change_the_dtype_kind_is_refused(op, message):
    t = tensor(np.array([1, 2]))
    with pytest.raises(RuntimeError, match=re.escape(message)):
        op(t)


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.fill_("a"), TypeError, "fill_: value must be a number; received str 'a'"),
    (lambda t: t.fill_(tensor([1.0, 2.0])), ValueError, "fill_: value must be a number or a "
                                                        "one-element tensor"),
    (lambda t: t.clamp_(), ValueError, "clamp_ needs min or max"),
    (lambda t: t.clamp_(2, 1), ValueError, "clamp_ needs min <= max; received min=2, max=1"),
    (lambda t: t.copy_(tensor([1.0, 2.0, 3.0])), ValueError, r"copy_: src of shape \(3,\) "
                                                              r"cannot be broadcast"),
    (lambda t: t.add_("x"), TypeError, "add_: other must be a Tensor, an array or a number"),
    (lambda t: t.add_(1, alpha="2"), TypeError, "add_: alpha must be a number"),
    (lambda t: t.uniform_(2, 1), ValueError, "uniform_: expects a <= b"),
    (lambda t: t.normal_(std=-1), ValueError, "std must be >= 0.0"),
    (lambda t: t.uniform_(generator=0, rng=0), TypeError, "pass generator or rng, not both"),
    (lambda t: t.uniform_(rng="seed"), TypeError, "rng must be None, a non-negative integer"),
    (lambda t: t.__setitem__(5, 1.0), IndexError, "index 5 is out of range"),
])
def test_bad_in_place_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call(tensor([1.0, 2.0]))


def test_random_in_place_fills_use_the_given_generator():
    a = badak.zeros(3).uniform_(-1, 1, generator=np.random.default_rng(5))
    b = badak.zeros(3).uniform_(-1, 1, rng=5)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_allclose(a.data, np.random.default_rng(5).uniform(-1, 1, 3)
                               .astype(np.float32))
    n = badak.zeros(2, 2).normal_(1.0, 0.5, rng=1)
    np.testing.assert_allclose(n.data, np.random.default_rng(1).normal(1.0, 0.5, (2, 2))
                               .astype(np.float32))


def test_parameter_init_under_no_grad():
    w = badak.nn.Parameter(np.zeros((2, 3)))
    with badak.no_grad():
        w.normal_(0, 0.01, rng=0)
    assert w.data.std() > 0 and w.is_leaf


# ----------------------------------------------------------------- NumPy operands
def test_p_data_minus_equals_updates_the_array_in_place():
    p = tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    arr = p.data
    p.data -= 0.25 * p.grad
    assert p.data is arr and isinstance(p.data, np.ndarray)
    np.testing.assert_allclose(arr, [0.5, 1.0])


def test_numpy_functions_on_tensors_return_tensors():
    t = tensor([1.0, 2.0, 3.0])
    for value in (np.exp(t), np.mean(t), np.sum(t), np.max(t), np.sqrt(t), np.maximum(t, 2)):
        assert isinstance(value, badak.Tensor)
    np.testing.assert_allclose(np.exp(t).data, np.exp([1.0, 2.0, 3.0]), rtol=1e-6)
    assert np.mean(t).item() == 2.0 and np.sum(t, axis=0).item() == 6.0
    assert (np.asarray(t) is t.data) and np.array(t, dtype=np.float64).dtype == np.float64


def test_numpy_ops_badak_has_are_recorded():
    w = tensor([1.0, 2.0], requires_grad=True)
    np.exp(w).sum().backward()
    np.testing.assert_allclose(w.grad.data, np.exp([1.0, 2.0]), rtol=1e-6)
    y = np.array([1.0, 1.0]) - w
    assert y.creator is not None


def test_numpy_ops_that_would_drop_a_gradient_are_refused():
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad: "
                                           "np.maximum would drop its gradient"):
        np.maximum(w, 0)
    with badak.no_grad():
        assert isinstance(np.maximum(w, 0), badak.Tensor)


def test_numpy_out_tensor_is_an_in_place_change():
    t = tensor([1.0, 2.0])
    arr = t.data
    np.add(t, 1, out=t)
    assert t.data is arr and t._version == 1
    np.testing.assert_array_equal(arr, [2.0, 3.0])
    w = tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=LEAF):
        np.add(w, 1, out=w)


def test_tensor_copies_an_array_and_from_numpy_shares_it():
    a = np.zeros(3)
    t = badak.tensor(a)
    a[0] = 5
    assert t.data[0] == 0
    s = badak.from_numpy(a)
    s += 1
    np.testing.assert_array_equal(a, [6.0, 1.0, 1.0])
    assert s.dtype == np.float64
    with pytest.raises(TypeError, match=r"from_numpy: expected np.ndarray \(got list\)"):
        badak.from_numpy([1.0])


def test_power_in_place_and_in_place_matmul():
    t = tensor([2.0, 3.0])
    arr = t.data
    t **= 2
    assert t.data is arr and t.tolist() == [4.0, 9.0]
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.pow_(3)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]
    with pytest.raises(RuntimeError, match="In-place matmul is not supported"):
        m = tensor([[1.0]])
        m @= tensor([[2.0]])


def test_numpy_reductions_on_tensors_keep_numpys_defaults():
    t = tensor(np.array([[1.0, 2.0], [3.0, 7.0]]))
    assert np.std(t).item() == pytest.approx(np.std(t.data))  # ddof=0, NumPy's default
    assert t.std().item() == pytest.approx(np.std(t.data, ddof=1))  # correction=1, PyTorch's
    np.testing.assert_allclose(np.var(t, axis=0).data, np.var(t.data, axis=0))
    assert np.argmax(t).item() == 3 and np.argmin(t, axis=1).tolist() == [0, 0]


@pytest.mark.parametrize("record", [False, True])
def test_in_place_with_an_operand_that_does_not_broadcast_is_refused(record):
    t = tensor([1.0, 2.0])
    other = tensor(np.ones((3, 2)), requires_grad=record)
    with pytest.raises(ValueError, match=r"add_: .*shape \(2,\)"):
        t += other
    assert t.tolist() == [1.0, 2.0] and t._version == 0


def test_nodes_store_versions_only_when_an_input_was_ever_changed():
    w = tensor([1.0, 2.0], requires_grad=True)
    x = tensor([3.0, 4.0])
    assert (w * x).creator._versions is None  # the common case stores nothing
    with badak.no_grad():
        x += 1
    assert (w * x).creator._versions == (0, 1)
