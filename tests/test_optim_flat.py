"""The flat (one vectorised update) path of small models gives exactly the per-parameter
results, keeps parameter arrays in place, and survives replaced arrays and restored state."""

import numpy as np
import pytest

import badak
from badak import nn, optim
from badak.optim import flat


def _train(opt_name, steps, flat_limit, monkeypatch, seed=0):
    monkeypatch.setattr(flat, "FLAT_LIMIT", flat_limit)
    model = nn.MLP([5, 8, 3], activation="tanh", rng=seed)
    opt = optim.get_optimizer(opt_name, model.parameters())
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((16, 5)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    arrays = [p.data for p in model.parameters()]
    for _ in range(steps):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, opt, arrays


@pytest.mark.parametrize("name", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_flat_path_equals_per_parameter_path_bit_for_bit(name, monkeypatch):
    flat_model, flat_opt, arrays = _train(name, 5, 1 << 16, monkeypatch)
    assert flat_opt._flat[0] is not None and flat_opt._flat[0].ok  # one layout per group
    loop_model, loop_opt, _ = _train(name, 5, 0, monkeypatch)
    assert loop_opt._flat[0] is None or not loop_opt._flat[0].ok
    for a, b in zip(flat_model.parameters(), loop_model.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    for sa, sb in zip(flat_opt.state, loop_opt.state):
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_array_equal(sa[key], sb[key])
    # parameters were updated in place: the arrays are the ones the model started with
    assert all(p.data is a for p, a in zip(flat_model.parameters(), arrays))


def test_state_dict_round_trip_and_replaced_arrays_rebuild_the_layout(monkeypatch):
    model, opt, _ = _train("adam", 3, 1 << 16, monkeypatch)
    saved = opt.state_dict()
    twin = nn.MLP([5, 8, 3], activation="tanh", rng=1)
    twin.load_state_dict(model.state_dict())  # replaces the parameter arrays
    twin_opt = optim.Adam(twin.parameters())
    twin_opt.load_state_dict(saved)
    x = np.ones((4, 5), np.float32)
    for m, o in ((model, opt), (twin, twin_opt)):
        loss = (m(x) ** 2).mean()
        o.zero_grad()
        loss.backward()
        o.step()
    for a, b in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    model[0].reset_parameters(rng=3)  # a replaced array must be picked up, not overwritten
    new_weight = model[0].weight.data.copy()
    loss = (model(x) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    grad = model[0].weight.grad.data.copy()
    opt.step()
    assert np.abs(model[0].weight.data - new_weight).max() < 0.01
    assert not np.allclose(model[0].weight.data, new_weight) or not grad.any()


def test_parameters_without_gradients_take_the_per_parameter_path(monkeypatch):
    model, opt, _ = _train("momentum", 2, 1 << 16, monkeypatch)
    before = model[2].weight.data.copy()
    x = badak.tensor(np.ones((2, 5), np.float32))
    loss = model[0](x).sum()  # only the first layer gets gradients
    opt.zero_grad()
    loss.backward()
    opt.step()
    np.testing.assert_array_equal(model[2].weight.data, before)
