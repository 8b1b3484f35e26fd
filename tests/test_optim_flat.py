"""The flat (one vectorised update) path of a replayed step: for a rule declared elementwise,
``badak.compile`` runs the update once over a small group's parameters laid end to end; the
results are exactly the per-parameter path's (eager), parameter arrays stay in place, and it
survives replaced arrays, restored state and parameters without gradients. The optimizers
themselves always update one parameter at a time."""

import numpy as np
import pytest

import badak
from badak import nn, optim, replay


def _train(opt_name, steps, compiled, seed=0, model=None, opt=None, step=None):
    model = model or nn.MLP([5, 8, 3], activation="tanh", rng=seed)
    opt = opt or optim.get_optimizer(opt_name, model.parameters())
    rng = np.random.default_rng(seed)
    arrays = [p.data for p in model.parameters()]
    if step is not None:  # go on with this (compiled) step
        for _ in range(steps):
            step(badak.tensor(rng.standard_normal((16, 5)).astype(np.float32)),
                 rng.integers(0, 3, 16))
        return model, opt, arrays, step

    def train_step(x, y):
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(model(x), y)
        loss.backward()
        opt.step()
        return loss

    step = badak.compile(train_step) if compiled else train_step
    for _ in range(steps):
        step(badak.tensor(rng.standard_normal((16, 5)).astype(np.float32)),
             rng.integers(0, 3, 16))
    return model, opt, arrays, step


def _flat_steps(step):
    """The flat steps the replays of ``step`` use."""
    return [v for e in step._entries.values() if e.plan is not None
            for v in e.plan.run.__globals__.values() if isinstance(v, replay._FlatStep)]


@pytest.mark.parametrize("name", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_flat_path_equals_per_parameter_path_bit_for_bit(name):
    flat_model, flat_opt, arrays, step = _train(name, 6, compiled=True)
    assert step.replays == 4
    (flat,) = _flat_steps(step)
    assert flat.layouts[0] is not None and flat.layouts[0].ok  # one layout per group
    loop_model, loop_opt, _, _ = _train(name, 6, compiled=False)
    for a, b in zip(flat_model.parameters(), loop_model.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    for sa, sb in zip(flat_opt.state, loop_opt.state):
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_array_equal(sa[key], sb[key])
    # parameters were updated in place: the arrays are the ones the model started with
    assert all(p.data is a for p, a in zip(flat_model.parameters(), arrays))
    saved, expected = flat_opt.state_dict()["state"], loop_opt.state_dict()["state"]
    assert saved.keys() == expected.keys()
    for key in saved:
        np.testing.assert_array_equal(saved[key], expected[key])


def test_large_groups_and_rules_not_declared_elementwise_take_the_per_parameter_path(
        monkeypatch):
    monkeypatch.setattr(replay, "FLAT_LIMIT", 10)
    _, _, _, step = _train("sgd", 4, compiled=True)
    assert step.replays == 2 and _flat_steps(step) == []


def test_state_dict_round_trip_and_replaced_arrays_rebuild_the_layout():
    model, opt, _, step = _train("adam", 5, compiled=True)
    saved = opt.state_dict()
    twin = nn.MLP([5, 8, 3], activation="tanh", rng=1)
    twin.load_state_dict(model.state_dict())  # replaces the parameter arrays
    twin_opt = optim.Adam(twin.parameters())
    twin_opt.load_state_dict(saved)
    _train("adam", 4, compiled=True, seed=3, step=step)
    _train("adam", 4, compiled=False, seed=3, model=twin, opt=twin_opt)
    for a, b in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    # a replaced array (same shape and dtype: the recording still applies) is picked up, not
    # overwritten with the flat copy of the old one
    for m in (model, twin):
        m[0].reset_parameters(rng=3)
    _train("adam", 4, compiled=True, seed=4, step=step)
    _train("adam", 4, compiled=False, seed=4, model=twin, opt=twin_opt)
    for a, b in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    assert step.replays == 11


def test_a_buffer_replaced_by_hand_is_used():
    runs = []
    for compiled in (False, True):
        model, opt, _, step = _train("momentum", 4, compiled)
        opt.state[0]["velocity"] = np.ones_like(opt.state[0]["velocity"])
        _train("momentum", 4, compiled, seed=1, step=step)
        if compiled:
            assert step.replays == 6
        runs.append([p.data.copy() for p in model.parameters()])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_parameters_without_gradients_take_the_per_parameter_path():
    model, opt, _, _ = _train("momentum", 4, compiled=True)
    before = model[2].weight.data.copy()
    x = badak.tensor(np.ones((2, 5), np.float32))

    @badak.compile
    def first_layer_only(x):
        opt.zero_grad()
        loss = model[0](x).sum()  # only the first layer gets gradients
        loss.backward()
        opt.step()
        return loss

    for _ in range(4):
        first_layer_only(x)
    np.testing.assert_array_equal(model[2].weight.data, before)
