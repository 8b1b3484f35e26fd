"""The engine: the lecture's graph examples, ordering, freeing, long chains, higher derivatives."""

import numpy as np
import pytest

import badak
from badak import tensor


def test_apple_example_values_and_gradients():
    # Saito §5.4: 2 apples at 100 each, tax 1.1 -> 220; d total/d price = 2.2, /d count = 110,
    # /d tax = 200.
    price = tensor(100.0, requires_grad=True)
    count = tensor(2.0, requires_grad=True)
    tax = tensor(1.1, requires_grad=True)
    total = price * count * tax
    total.backward()
    assert total.item() == pytest.approx(220.0)
    assert price.grad.item() == pytest.approx(2.2)
    assert count.grad.item() == pytest.approx(110.0)
    assert tax.grad.item() == pytest.approx(200.0)


def test_square_of_sum_gradient():
    # z = (x + y)^2 -> dz/dx = dz/dy = 2(x + y)
    x = tensor(3.0, requires_grad=True, dtype="float64")
    y = tensor(-1.25, requires_grad=True, dtype="float64")
    z = (x + y) ** 2
    z.backward()
    assert x.grad.item() == pytest.approx(2 * (3.0 - 1.25))
    assert y.grad.item() == pytest.approx(2 * (3.0 - 1.25))


def test_add_node_passes_upstream_gradient_unchanged():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    upstream = np.array([0.5, -7.0], dtype=np.float32)
    (a + b).backward(upstream)
    np.testing.assert_array_equal(a.grad.data, upstream)
    np.testing.assert_array_equal(b.grad.data, upstream)


def test_multiply_node_swaps_its_inputs():
    a = tensor([1.5, 2.0], requires_grad=True)
    b = tensor([3.0, -4.0], requires_grad=True)
    upstream = np.array([2.0, 10.0], dtype=np.float32)
    (a * b).backward(upstream)
    np.testing.assert_allclose(a.grad.data, upstream * b.data)
    np.testing.assert_allclose(b.grad.data, upstream * a.data)


def test_value_used_twice_accumulates_before_passing_on():
    # y = x*x + x*x through a shared intermediate: the shared node must receive its whole
    # gradient before it passes it on.
    x = tensor(3.0, requires_grad=True, dtype="float64")
    a = x * 2
    y = a * a + a  # dy/da = 2a + 1 = 13, dy/dx = 26
    y.backward()
    assert x.grad.item() == pytest.approx(26.0)


def test_diamond_graph():
    x = tensor(2.0, requires_grad=True, dtype="float64")
    a = x.exp()
    b = a * x
    c = a + b  # c = e^x + x e^x -> dc/dx = e^x + e^x + x e^x
    c.backward()
    assert x.grad.item() == pytest.approx(np.exp(2) * (2 + 2))


def test_long_chain_is_not_recursive():
    x = tensor(1.0, requires_grad=True, dtype="float64")
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000)


def test_graph_is_freed_and_second_backward_raises():
    x = tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(badak.GraphFreedError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x = tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(8.0)


def test_backward_on_non_scalar_without_gradient_says_so():
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar.*shape \(2,\)"):
        (x * 2).backward()


def test_gradient_of_wrong_shape_is_refused():
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_without_requires_grad_raises():
    with pytest.raises(RuntimeError, match="requires grad"):
        tensor(1.0).backward()


@pytest.mark.parametrize(
    "f, d1, d2, d3",
    [
        (lambda x: x ** 3, lambda x: 3 * x ** 2, lambda x: 6 * x, lambda x: 6.0),
        (lambda x: x.exp(), np.exp, np.exp, np.exp),
        (lambda x: x.log(), lambda x: 1 / x, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3),
        (lambda x: badak.functional.tanh(x), lambda x: 1 - np.tanh(x) ** 2,
         lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
         lambda x: -2 * (1 - np.tanh(x) ** 2) ** 2 + 4 * np.tanh(x) ** 2 * (1 - np.tanh(x) ** 2)),
    ],
)
def test_higher_derivatives(f, d1, d2, d3):
    x0 = 0.7
    x = tensor(x0, requires_grad=True, dtype="float64")
    (g1,) = badak.grad(f(x), x, create_graph=True)
    (g2,) = badak.grad(g1, x, create_graph=True)
    (g3,) = badak.grad(g2, x)
    assert g1.item() == pytest.approx(d1(x0))
    assert g2.item() == pytest.approx(d2(x0))
    assert g3.item() == pytest.approx(d3(x0))


def test_second_derivative_of_cube_at_two_is_twelve():
    x = tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.item() == pytest.approx(12.0)
    x.grad = None
    gx.backward()
    assert x.grad.item() == pytest.approx(12.0)


def test_no_grad_records_nothing():
    x = tensor(1.0, requires_grad=True)
    with badak.no_grad():
        y = x * 2
    assert not y.requires_grad and y.creator is None
    assert badak.is_grad_enabled()


def test_no_grad_as_decorator_and_enable_grad_inside():
    x = tensor(1.0, requires_grad=True)

    @badak.no_grad()
    def f():
        with badak.enable_grad():
            inner = x * 2
        return x * 2, inner

    outer, inner = f()
    assert not outer.requires_grad and inner.requires_grad


def test_grad_function_leaves_dot_grad_alone_and_reaches_intermediates():
    x = tensor(3.0, requires_grad=True)
    h = x * x
    y = h * 2
    gx, gh = badak.grad(y, [x, h])
    assert gx.item() == pytest.approx(12.0) and gh.item() == pytest.approx(2.0)
    assert x.grad is None


def test_grad_unused_input():
    x = tensor(1.0, requires_grad=True)
    z = tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        badak.grad(x * 2, [x, z])
    assert badak.grad(x * 2, [x, z], allow_unused=True)[1] is None


def test_retain_grad_on_intermediate():
    x = tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    h.sum().backward()
    np.testing.assert_allclose(h.grad.data, [1.0, 1.0])
