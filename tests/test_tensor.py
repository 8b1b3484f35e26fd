"""Tensor creation, dtypes, conversion, repr and the clear errors for bad data."""

import numpy as np
import pytest

import badak
from badak import tensor


def test_python_floats_become_float32():
    assert tensor(1.5).dtype == np.float32
    assert tensor([1.0, 2.0]).dtype == np.float32
    assert tensor([[1.0], [2.0]], dtype="float64").dtype == np.float64


def test_arrays_keep_their_dtype():
    assert tensor(np.zeros(3)).dtype == np.float64
    assert tensor(np.arange(3)).dtype.kind == "i"


def test_scalar_operands_keep_float32():
    x = tensor([1.0, 2.0])
    for y in (x + 1.5, 2.0 * x, x / 3, 1 - x, x ** 2, 2 ** x):
        assert y.dtype == np.float32


def test_attributes():
    x = tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert x.shape == (1, 3) and x.ndim == 2 and x.size == 3 and x.requires_grad
    assert isinstance(x.numpy(), np.ndarray)
    assert tensor(4.0).item() == 4.0
    d = (x * 2).detach()
    assert d.creator is None and not d.requires_grad


def test_item_on_many_elements_is_refused():
    with pytest.raises(ValueError, match="exactly one element"):
        tensor([1.0, 2.0]).item()


def test_repr_is_readable():
    x = tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert "grad_fn=<Mul>" in repr(x * 2)
    assert "dtype=float64" in repr(tensor(np.ones(2)))


@pytest.mark.parametrize("bad, kind", [
    ("abc", "str"),
    (np.array(["a", "b"]), "ndarray"),
    (np.array([object(), 1], dtype=object), "ndarray"),
    ([1 + 2j], "list"),
])
def test_non_numeric_data_raises_type_error_naming_the_type(bad, kind):
    with pytest.raises(TypeError, match=kind):
        tensor(bad)


def test_ragged_list_raises_value_error():
    with pytest.raises(ValueError, match="ragged"):
        tensor([[1.0, 2.0], [3.0]])


def test_requires_grad_on_integers_is_refused():
    with pytest.raises(TypeError, match="floating-point"):
        tensor([1, 2], requires_grad=True)


def test_numpy_array_on_the_left_defers_to_tensor():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, badak.Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])


def test_comparisons_give_boolean_tensors():
    x = tensor([1.0, -1.0])
    assert (x > 0).data.tolist() == [True, False]
    assert x.eq(1.0).data.tolist() == [True, False]
