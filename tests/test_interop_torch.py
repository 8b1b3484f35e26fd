"""badak.interfaces.interop: badak models to PyTorch and back, with the same weights and outputs
(1e-5), state dicts both ways, and what cannot be converted refused by name."""

import importlib
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (.ci/run installs "
                                            "torch==2.13.0, CPU build)")

from badak import nn  # noqa: E402
from badak.interfaces.interop import (  # noqa: E402
    from_torch,
    state_dict_from_torch,
    state_dict_to_torch,
    to_torch,
)


def prelu_per_feature():
    layer = nn.PReLU(5)
    layer.weight.data = np.array([0.1, -0.3, 0.25, 2.0, 0.0], np.float32)
    return layer


CASES = {
    "Linear": lambda: nn.Linear(5, 3, rng=0),
    "Linear without bias": lambda: nn.Linear(5, 3, bias=False, rng=0),
    "Step": lambda: nn.Sequential(nn.Step()),
    "PReLU per feature": lambda: nn.Sequential(prelu_per_feature()),
    "Maxout": lambda: nn.Maxout(5, 3, pieces=3, rng=1),
    "Softmax over the batch": lambda: nn.Sequential(nn.Softmax(axis=0)),
    "Sequential of everything": lambda: nn.Sequential(
        nn.Linear(5, 6, rng=0), nn.Step(), nn.Linear(6, 5, rng=1), prelu_per_feature(),
        nn.Maxout(5, 4, pieces=2, rng=2), nn.ELU(0.7), nn.Linear(4, 4, rng=3),
        nn.LeakyReLU(0.2), nn.Sequential(nn.Linear(4, 4, rng=4), nn.Tanh(), nn.Dropout(0.3)),
        nn.Sigmoid(), nn.Identity(), nn.Linear(4, 3, rng=5), nn.ReLU(), nn.Softmax()),
    **{f"MLP {act}": (lambda act=act: nn.MLP([5, 8, 8, 2], activation=act, rng=0))
       for act in ("step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout")},
    "MLP dropout softmax": lambda: nn.MLP([5, 8, 3], dropout=0.5, output_activation="softmax",
                                          rng=0),
}


def inputs(batch, dtype, seed=0):
    x = np.random.default_rng(seed).normal(scale=3.0, size=(batch, 5)).astype(dtype)
    x[0] = 0.0  # step's value at 0
    return x


def torch_out(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(CASES))
def test_to_torch_and_back_compute_the_same(case, dtype):
    model = CASES[case]().to(dtype).eval()
    converted = to_torch(model)
    assert not converted.training
    back = from_torch(converted)
    for batch in (1, 7, 64):
        x = inputs(batch, dtype, seed=batch)
        expected = model(x).data
        got = torch_out(converted, x)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5, err_msg=f"batch {batch}")
        np.testing.assert_array_equal(back(x).data, expected)
    assert back.state_dict().keys() == model.state_dict().keys()
    for name, value in model.state_dict().items():
        assert back.state_dict()[name].dtype == value.dtype
        np.testing.assert_array_equal(back.state_dict()[name], value, err_msg=name)


def test_the_weights_are_transposed_to_pytorch_s_layout():
    model = nn.MLP([13, 64, 1], rng=0)
    converted = to_torch(model)
    assert isinstance(converted, torch.nn.Sequential)
    assert isinstance(converted[0], torch.nn.Linear) and converted[0].weight.shape == (64, 13)
    np.testing.assert_array_equal(converted[0].weight.detach().numpy(), model[0].weight.data.T)
    assert list(converted.state_dict()) == list(model.state_dict())


def test_a_pytorch_model_comes_to_badak():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ELU(0.5), torch.nn.Linear(16, 8),
                                 torch.nn.PReLU(8, init=0.1), torch.nn.Linear(8, 3),
                                 torch.nn.Softmax(dim=1)).eval()
    model = from_torch(module)
    assert [type(m).__name__ for m in model] == ["Linear", "ELU", "Linear", "PReLU", "Linear",
                                                 "Softmax"]
    x = inputs(64, "float32")
    np.testing.assert_allclose(model(x).data, torch_out(module, x), rtol=0, atol=1e-5)


def test_the_gradients_agree_too():
    # one MSE backward on each side: the same gradients, transposed for the weights
    model = nn.Sequential(nn.Linear(5, 6, rng=0), nn.Tanh(), nn.Maxout(6, 3, rng=1),
                          nn.Linear(3, 1, rng=2)).to("float64")
    converted = to_torch(model)
    x, y = inputs(7, "float64"), np.random.default_rng(1).normal(size=(7, 1))
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    torch_loss = torch.nn.functional.mse_loss(converted(torch.from_numpy(x)), torch.from_numpy(y))
    torch_loss.backward()
    assert torch_loss.item() == pytest.approx(float(loss.data), abs=1e-12)
    for (name, p), q in zip(model.named_parameters(), converted.parameters()):
        g = q.grad.numpy()
        np.testing.assert_allclose(g.T if g.ndim == 2 else g, p.grad.data, atol=1e-10,
                                   err_msg=name)


def test_step_passes_a_zero_gradient_in_pytorch():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = to_torch(nn.Sequential(nn.Step()))(x)
    assert y.tolist() == [0.0, 0.0, 1.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_training_mode_is_kept():
    model = nn.MLP([3, 4, 1], dropout=0.5, rng=0)
    assert to_torch(model)[2].training
    assert not from_torch(to_torch(model.eval()))[2].training


def test_state_dicts_both_ways():
    source = nn.MLP([5, 8, 2], activation="maxout", rng=0)
    target = to_torch(nn.MLP([5, 8, 2], activation="maxout", rng=1))
    target.load_state_dict(state_dict_to_torch(source))
    x = inputs(7, "float32")
    np.testing.assert_allclose(torch_out(target, x), source(x).data, rtol=0, atol=1e-5)

    torch.manual_seed(3)
    module = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    model = nn.MLP([5, 4, 2], rng=9)
    model.load_state_dict(state_dict_from_torch(module.state_dict(), model))
    np.testing.assert_allclose(model(x).data, torch_out(module, x), rtol=0, atol=1e-5)


# ---------------------------------------------------------------- bad input
class Doubler(nn.Module):
    def forward(self, x):
        return x * 2


class TorchReLUPlusOne(torch.nn.ReLU):
    def forward(self, x):
        return super().forward(x) + 1


@pytest.mark.parametrize("module, error, match", [
    (torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Conv1d(1, 1, 3)), TypeError,
     r"cannot convert the PyTorch module Conv1d \(layer '1' of the module\): badak has no such"),
    (torch.nn.Sequential(torch.nn.Sequential(torch.nn.Flatten())), TypeError,
     r"module Flatten \(layer '0.0' of the module\)"),
    (torch.nn.Sequential(TorchReLUPlusOne()), TypeError, "module TorchReLUPlusOne"),
    (torch.nn.GELU(), TypeError, "module GELU: badak has no such layer"),
    (torch.nn.Sequential(torch.nn.Softmax()), ValueError, r"Softmax at '0' has dim=None"),
    (torch.nn.Linear(2, 2).to(torch.float16), TypeError, "float32 or all float64"),
    (nn.Linear(2, 2), TypeError, "module must be a torch.nn.Module; received Linear"),
])
def test_from_torch_refuses_what_badak_lacks(module, error, match):
    with pytest.raises(error, match=match):
        from_torch(module)


@pytest.mark.parametrize("model, match", [
    (nn.Sequential(nn.Linear(2, 2), Doubler()), r"cannot convert the badak module Doubler "
                                                r"\(layer '1' of the model\)"),
    (nn.MSELoss(), "badak module MSELoss"),
])
def test_to_torch_refuses_unknown_badak_modules(model, match):
    with pytest.raises(TypeError, match=match):
        to_torch(model)
    with pytest.raises(TypeError, match="its PyTorch layout is unknown"):
        state_dict_to_torch(nn.Sequential(nn.Linear(2, 2), Doubler()))


def test_state_dict_from_torch_checks_keys_and_shapes():
    model = nn.MLP([5, 4, 2], rng=0)
    good = to_torch(model).state_dict()
    with pytest.raises(ValueError, match=r"missing keys \['2.bias'\], unexpected keys \['x'\]"):
        state_dict_from_torch({**{k: v for k, v in good.items() if k != "2.bias"}, "x": 1}, model)
    wrong = dict(good, **{"0.weight": good["0.weight"].T})  # badak's layout given by mistake
    with pytest.raises(ValueError, match=r"state_dict\['0.weight'\] has shape \(5, 4\); the "
                                         r"model needs \(4, 5\) in PyTorch's layout"):
        state_dict_from_torch(wrong, model)
    with pytest.raises(TypeError, match="state_dict must be a mapping"):
        state_dict_from_torch([1, 2], model)


def test_without_pytorch_the_error_says_how_to_install_it(monkeypatch):
    import badak.interfaces.interop

    for name in ("badak.interfaces.interop.pytorch", "badak.interfaces.interop.torch_modules"):
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="needs PyTorch, which is not installed; install it "
                                          "with `pip install torch`"):
        badak.interfaces.interop.to_torch  # noqa: B018
    with pytest.raises(ImportError, match="needs PyTorch"):
        importlib.import_module("badak.interfaces.interop.pytorch")
