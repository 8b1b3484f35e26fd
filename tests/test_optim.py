"""Tests of badak.optim: each update rule worked by hand, convergence, in-place updates, saving
and restoring, argument checks, the factory and gradient clipping."""

from __future__ import annotations

import json

import numpy as np
import pytest

import badak
from badak.optim import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Optimizer,
    RMSprop,
    clip_grad_norm_,
    clip_grad_value_,
    get_optimizer,
)

EPS = 1e-7  # the default eps of AdaGrad, RMSprop and Adam


def _param(values) -> badak.Tensor:
    """A float64 parameter, so that hand-worked numbers can be checked to 1e-6 and beyond."""
    return badak.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def _step(opt: Optimizer, *grads) -> None:
    """Give each parameter of ``opt`` the gradient ``grads[i]`` and take one step."""
    for p, g in zip(opt.params, grads):
        p.grad = badak.tensor(np.array(g, dtype=p.dtype))
    opt.step()


# Every optimizer, configured so that it converges on the quadratic below within 300 steps.
CONFIGS = {
    "sgd": (SGD, {"lr": 0.05}),
    "momentum": (SGD, {"lr": 0.02, "momentum": 0.9}),
    "nesterov": (SGD, {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    "weight_decay": (SGD, {"lr": 0.05, "momentum": 0.5, "weight_decay": 1e-3}),
    "adagrad": (AdaGrad, {"lr": 0.5}),
    "rmsprop": (RMSprop, {"lr": 0.03}),
    "adam": (Adam, {"lr": 0.05}),
}


# ---------------------------------------------------------------- update rules, by hand

def test_sgd_one_step():
    # theta = theta - lr g = [1, -2] - 0.1 [0.5, -1] = [0.95, -1.9]
    w = _param([1.0, -2.0])
    opt = SGD([w], lr=0.1)
    _step(opt, [0.5, -1.0])
    np.testing.assert_allclose(w.data, [0.95, -1.9], rtol=1e-6)
    assert opt.state[0] == {}   # plain SGD keeps no buffer
    assert opt.step_count == 1


def test_momentum_two_steps_builds_velocity():
    # lr = 0.1, mu = 0.9, theta0 = [1, -1]
    # step 1, g = [2, 0.5]:  v = 0.9*0 + g = [2, 0.5];           theta = [1 - 0.2, -1 - 0.05]
    #                                                                  = [0.8, -1.05]
    # step 2, g = [1, -1]:   v = 0.9*[2, 0.5] + [1, -1] = [2.8, -0.55]
    #                        theta = [0.8 - 0.28, -1.05 + 0.055] = [0.52, -0.995]
    w = _param([1.0, -1.0])
    opt = SGD([w], lr=0.1, momentum=0.9)
    _step(opt, [2.0, 0.5])
    np.testing.assert_allclose(opt.state[0]["velocity"], [2.0, 0.5], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.8, -1.05], rtol=1e-6)
    _step(opt, [1.0, -1.0])
    np.testing.assert_allclose(opt.state[0]["velocity"], [2.8, -0.55], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.52, -0.995], rtol=1e-6)
    # The book's velocity (v <- 0.9 v - lr g; theta <- theta + v) is -lr times this one:
    # step 1: [-0.2, -0.05]; step 2: 0.9*[-0.2, -0.05] - 0.1*[1, -1] = [-0.28, 0.055].
    np.testing.assert_allclose(-0.1 * opt.state[0]["velocity"], [-0.28, 0.055], rtol=1e-6)


def test_nesterov_two_steps():
    # lr = 0.1, mu = 0.9, theta0 = 1
    # step 1, g = 2: v = 2;               theta = 1 - 0.1 (2 + 0.9*2) = 1 - 0.38 = 0.62
    # step 2, g = 1: v = 0.9*2 + 1 = 2.8; theta = 0.62 - 0.1 (1 + 0.9*2.8) = 0.62 - 0.352 = 0.268
    w = _param([1.0])
    opt = SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    _step(opt, [2.0])
    np.testing.assert_allclose(w.data, [0.62], rtol=1e-6)
    _step(opt, [1.0])
    np.testing.assert_allclose(opt.state[0]["velocity"], [2.8], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.268], rtol=1e-6)


def test_weight_decay_adds_lambda_theta_and_leaves_grad_alone():
    # g' = g + wd theta = 0.5 + 0.1*1 = 0.6;  theta = 1 - 0.1*0.6 = 0.94
    w = _param([1.0])
    opt = SGD([w], lr=0.1, weight_decay=0.1)
    _step(opt, [0.5])
    np.testing.assert_allclose(w.data, [0.94], rtol=1e-6)
    np.testing.assert_array_equal(w.grad.data, [0.5])


def test_adagrad_two_steps_shrinks_the_step():
    # lr = 0.1, eps = 1e-7, theta0 = [1, -1]
    # step 1, g = [0.5, -2]: h = [0.25, 4], sqrt(h) = [0.5, 2]
    #   theta = [1 - 0.1*0.5/(0.5 + eps), -1 + 0.1*2/(2 + eps)]
    #         = [1 - 0.09999998, -1 + 0.099999995] = [0.90000002, -0.900000005]
    # step 2, g = [0.5, 1]: h = [0.5, 5], sqrt(h) = [0.70710678, 2.23606798]
    #   theta = [0.90000002 - 0.070710668, -0.900000005 - 0.044721358]
    #         = [0.82928935, -0.94472136]  (the same gradient 0.5 now moves theta less)
    w = _param([1.0, -1.0])
    opt = AdaGrad([w], lr=0.1)
    _step(opt, [0.5, -2.0])
    np.testing.assert_allclose(opt.state[0]["sum_squares"], [0.25, 4.0], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.90000002, -0.900000005], rtol=1e-6)
    _step(opt, [0.5, 1.0])
    np.testing.assert_allclose(w.data, [0.8292893519, -0.9447213625], rtol=1e-6)


def test_rmsprop_matches_keras_documented_example():
    # Keras' RMSprop docstring: lr = 0.1, var = 10, loss = var^2 / 2, so g = var = 10.
    # v = 0.9*0 + 0.1*10^2 = 10;  var = 10 - 0.1*10/sqrt(10 + eps) = 10 - 0.31622776 = 9.68377224
    # (Keras prints 9.683772)
    var = _param([10.0])
    opt = RMSprop([var], lr=0.1)
    loss = (var * var).sum() * 0.5
    loss.backward()
    opt.step()
    np.testing.assert_allclose(opt.state[0]["mean_square"], [10.0], rtol=1e-6)
    np.testing.assert_allclose(var.data, [9.683772235564302], rtol=1e-6)


def test_rmsprop_eps_sits_inside_the_root_as_in_keras():
    # A tiny gradient shows where eps goes. lr = 0.01, g = 1e-4, theta0 = 0:
    # v = 0.1 * 1e-8 = 1e-9
    # Keras:   step = 0.01*1e-4 / sqrt(1e-9 + 1e-7)  = 1e-6 / 3.17805e-4 = 0.0031465839
    # outside: step = 0.01*1e-4 / (sqrt(1e-9) + 1e-7) = 1e-6 / 3.17228e-5 = 0.0315230918
    w = _param([0.0])
    opt = RMSprop([w], lr=0.01)
    _step(opt, [1e-4])
    np.testing.assert_allclose(w.data, [-0.003146583877637764], rtol=1e-6)


def test_adam_two_steps():
    # lr = 0.1, beta1 = 0.9, beta2 = 0.999, eps = 1e-7, theta0 = 1
    # step 1, g = 2: m = 0.1*2 = 0.2;  v = 0.001*4 = 0.004
    #   lr_1 = 0.1 sqrt(1 - 0.999) / (1 - 0.9) = 0.031622777
    #   theta = 1 - 0.031622777 * 0.2 / (0.063245553 + eps) = 1 - 0.09999984 = 0.90000016
    #   (the first Adam step is about lr in size, whatever the size of g)
    # step 2, g = 1: m = 0.9*0.2 + 0.1*1 = 0.28;  v = 0.999*0.004 + 0.001*1 = 0.004996
    #   lr_2 = 0.1 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 * 0.044710178 / 0.19 = 0.023531673
    #   theta = 0.90000016 - 0.023531673 * 0.28 / (0.070682388 + eps)
    #         = 0.90000016 - 0.09321783 = 0.80678233
    w = _param([1.0])
    opt = Adam([w], lr=0.1)
    _step(opt, [2.0])
    np.testing.assert_allclose(opt.state[0]["m"], [0.2], rtol=1e-6)
    np.testing.assert_allclose(opt.state[0]["v"], [0.004], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.900000158113633], rtol=1e-6)
    _step(opt, [1.0])
    np.testing.assert_allclose(opt.state[0]["m"], [0.28], rtol=1e-6)
    np.testing.assert_allclose(opt.state[0]["v"], [0.004996], rtol=1e-6)
    np.testing.assert_allclose(w.data, [0.8067823261151786], rtol=1e-6)


# ---------------------------------------------------------------- behaviour shared by all

@pytest.mark.parametrize("name", list(CONFIGS))
def test_minimizes_an_ill_conditioned_quadratic(name):
    # f(w) = 1/2 sum a_i (w_i - c_i)^2 with curvatures 1 and 10; minimum at c.
    cls, kwargs = CONFIGS[name]
    a, c = badak.tensor(np.array([1.0, 10.0])), badak.tensor(np.array([3.0, -2.0]))
    w = _param([0.0, 0.0])
    opt = cls([w], **kwargs)
    for _ in range(300):
        opt.zero_grad()
        loss = (a * (w - c) ** 2).sum() * 0.5
        loss.backward()
        opt.step()
    tol = 1e-2 if name == "weight_decay" else 1e-4   # decay pulls the minimum towards 0 a little
    np.testing.assert_allclose(w.data, [3.0, -2.0], atol=tol)
    assert opt.step_count == 300


@pytest.mark.parametrize("name", list(CONFIGS))
def test_updates_in_place_and_keeps_float32(name):
    cls, kwargs = CONFIGS[name]
    w = badak.tensor(np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32), requires_grad=True)
    data, view = w.data, w.data[0]
    before = w.data.copy()
    opt = cls([w], **kwargs)
    for _ in range(2):
        w.grad = badak.tensor(np.array([[0.1, -0.2], [0.3, 0.4]], dtype=np.float32))
        opt.step()
    assert w.data is data                       # the same ndarray object was overwritten
    assert w.data.dtype == np.float32           # no promotion to float64
    assert not np.array_equal(w.data, before)
    np.testing.assert_array_equal(view, w.data[0])   # views see the update
    assert all(buf.dtype == np.float32 for buf in opt.state[0].values())


def test_float64_gradient_of_a_float32_parameter_is_cast():
    w = badak.tensor(np.array([1.0], dtype=np.float32), requires_grad=True)
    opt = SGD([w], lr=0.5)
    w.grad = badak.tensor(np.array([1.0]))       # float64
    opt.step()
    assert w.data.dtype == np.float32
    np.testing.assert_array_equal(w.data, [0.5])


def test_skips_parameters_without_gradient_and_zero_grad_clears():
    w1, w2 = _param([1.0]), _param([1.0])
    opt = SGD([w1, w2], lr=0.1, momentum=0.9)
    w1.grad = badak.tensor(np.array([1.0]))
    opt.step()
    np.testing.assert_allclose(w1.data, [0.9])
    np.testing.assert_array_equal(w2.data, [1.0])
    assert "velocity" in opt.state[0] and opt.state[1] == {}
    opt.zero_grad()
    assert w1.grad is None and w2.grad is None


def test_gradient_of_the_wrong_shape_raises():
    w = _param([1.0, 2.0])
    opt = SGD([w])
    w.grad = badak.tensor(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"params\[0\]\.grad must have .*\(2,\).*\(3,\)"):
        opt.step()


def test_lr_can_be_changed_between_steps_and_is_checked():
    w = _param([1.0])
    opt = SGD([w], lr=0.1)
    opt.lr = 0.5
    _step(opt, [1.0])
    np.testing.assert_allclose(w.data, [0.5])
    assert opt.hyperparameters["lr"] == 0.5
    with pytest.raises(ValueError, match=r"lr must be >= 0\.0; received lr=-1\.0"):
        opt.lr = -1.0


def test_repr_shows_the_hyperparameters():
    opt = Adam([_param([1.0])], lr=0.01)
    assert repr(opt) == ("Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-07, weight_decay=0.0, "
                         "clipnorm=None, clipvalue=None; 1 parameter, step 0)")


# ---------------------------------------------------------------- state_dict

def _run(opt: Optimizer, grads_per_step) -> None:
    for grads in grads_per_step:
        _step(opt, *grads)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_state_dict_round_trip_continues_identically(name):
    cls, kwargs = CONFIGS[name]
    rng = np.random.default_rng(0)
    shapes = [(3, 2), (2,)]
    grads = [[rng.standard_normal(s) for s in shapes] for _ in range(6)]
    params_a = [_param(rng.standard_normal(s)) for s in shapes]
    opt_a = cls(params_a, **kwargs)
    _run(opt_a, grads[:3])

    sd = opt_a.state_dict()
    json.dumps({k: v for k, v in sd.items() if k != "state"})   # all but the arrays is JSON
    assert sd["step_count"] == 3 and sd["class"] == cls.__name__ and sd["num_params"] == 2
    params_b = [_param(p.data.copy()) for p in params_a]
    opt_b = cls(params_b, lr=0.123)              # a different lr, overwritten by the load
    opt_b.load_state_dict(sd)
    assert opt_b.hyperparameters == opt_a.hyperparameters

    _run(opt_a, grads[3:])
    _run(opt_b, grads[3:])
    for pa, pb in zip(params_a, params_b):
        np.testing.assert_array_equal(pa.data, pb.data)   # bit for bit
    assert opt_b.step_count == opt_a.step_count == 6


def test_state_dict_holds_copies():
    w = _param([1.0])
    opt = SGD([w], lr=0.1, momentum=0.9)
    _step(opt, [1.0])
    sd = opt.state_dict()
    _step(opt, [1.0])
    np.testing.assert_array_equal(sd["state"]["0.velocity"], [1.0])
    opt2 = SGD([_param([1.0])], momentum=0.9)
    opt2.load_state_dict(sd)
    sd["state"]["0.velocity"][0] = 99.0
    np.testing.assert_array_equal(opt2.state[0]["velocity"], [1.0])


def _momentum_state_dict():
    opt = SGD([_param([1.0, 2.0]), _param([3.0])], lr=0.1, momentum=0.9)
    _step(opt, [1.0, 1.0], [1.0])
    return opt.state_dict()


def _replace(sd, **changes):
    sd = dict(sd)
    sd.update(changes)
    return sd


BAD_STATE_DICTS = [
    ("not a dict", lambda sd: [sd], TypeError, "state_dict must be a dict"),
    ("missing key", lambda sd: {k: v for k, v in sd.items() if k != "state"}, ValueError,
     r"missing the key\(s\) \['state'\]"),
    ("wrong class", lambda sd: _replace(sd, **{"class": "Adam"}), ValueError,
     "saved from a Adam optimizer; it cannot be loaded into a SGD"),
    ("wrong number of params", lambda sd: _replace(sd, num_params=3), ValueError,
     "saved for 3 parameters; this optimizer has 2"),
    ("index out of range", lambda sd: _replace(sd, state={"5.velocity": np.zeros(1)}),
     ValueError, "refers to parameter 5, but this optimizer has 2"),
    ("wrong shape", lambda sd: _replace(sd, state={"0.velocity": np.zeros(3)}), ValueError,
     r"must have the shape of params\[0\] \(2,\); received shape \(3,\)"),
    ("unknown buffer", lambda sd: _replace(sd, state={"0.m": np.zeros(2)}), ValueError,
     r"'0\.m' is not '<param index>\.<buffer>' with a buffer among \['velocity'\]"),
    ("missing hyperparameter", lambda sd: _replace(sd, hyperparameters={"lr": 0.1}), ValueError,
     "missing .*'momentum'"),
    ("bad hyperparameter", lambda sd: _replace(sd, hyperparameters={
        **sd["hyperparameters"], "momentum": 1.5}), ValueError, "momentum must be in the range"),
    ("state not a dict", lambda sd: _replace(sd, state=[]), TypeError,
     r"state_dict\['state'\] must be a dict; received list"),
    ("negative step_count", lambda sd: _replace(sd, step_count=-1), ValueError,
     "step_count must be a non-negative integer"),
]


@pytest.mark.parametrize(("case", "corrupt", "exc", "match"), BAD_STATE_DICTS,
                         ids=[c[0] for c in BAD_STATE_DICTS])
def test_load_state_dict_rejects_bad_input_and_changes_nothing(case, corrupt, exc, match):
    opt = SGD([_param([0.0, 0.0]), _param([0.0])], lr=0.5)
    with pytest.raises(exc, match=match):
        opt.load_state_dict(corrupt(_momentum_state_dict()))
    assert opt.lr == 0.5 and opt.momentum == 0.0 and opt.step_count == 0
    assert opt.state == [{}, {}]


def test_load_state_dict_without_num_params_still_works():
    sd = _momentum_state_dict()
    del sd["num_params"]
    opt = SGD([_param([0.0, 0.0]), _param([0.0])])
    opt.load_state_dict(sd)
    assert opt.momentum == 0.9 and opt.step_count == 1


# ---------------------------------------------------------------- argument checks

BAD_HYPERPARAMETERS = [
    (SGD, {"lr": -0.1}, ValueError, r"lr must be >= 0\.0; received lr=-0\.1"),
    (SGD, {"lr": "0.1"}, TypeError, r"lr must be a real number; received lr='0\.1'"),
    (SGD, {"lr": float("nan")}, ValueError, "lr must be a finite number"),
    (SGD, {"momentum": 1.0}, ValueError, r"momentum must be in the range \[0\.0, 1\.0\)"),
    (SGD, {"momentum": -0.1}, ValueError, "received momentum=-0.1"),
    (SGD, {"nesterov": True}, ValueError, "nesterov=True requires momentum > 0"),
    (SGD, {"nesterov": "yes", "momentum": 0.9}, TypeError, "nesterov must be a bool"),
    (SGD, {"weight_decay": -1e-4}, ValueError, r"weight_decay must be >= 0\.0"),
    (AdaGrad, {"lr": -1.0}, ValueError, "received lr=-1.0"),
    (AdaGrad, {"eps": 0.0}, ValueError, r"eps must be > 0\.0; received eps=0\.0"),
    (RMSprop, {"rho": 1.0}, ValueError, r"rho must be in the range \[0\.0, 1\.0\)"),
    (RMSprop, {"rho": -0.5}, ValueError, "received rho=-0.5"),
    (RMSprop, {"eps": -1e-7}, ValueError, "received eps=-1e-07"),
    (Adam, {"beta1": 1.0}, ValueError, r"beta1 must be in the range \[0\.0, 1\.0\)"),
    (Adam, {"beta2": -0.1}, ValueError, "received beta2=-0.1"),
    (Adam, {"beta2": 1.5}, ValueError, "received beta2=1.5"),
    (Adam, {"eps": 0.0}, ValueError, "received eps=0.0"),
    (Adam, {"clipnorm": 0.0}, ValueError, r"clipnorm must be > 0\.0; received clipnorm=0\.0"),
    (SGD, {"clipvalue": -1.0}, ValueError, r"clipvalue must be > 0\.0; received clipvalue=-1"),
    (RMSprop, {"clipnorm": 1.0, "clipvalue": 1.0}, ValueError,
     "set at most one of clipnorm and clipvalue"),
]


@pytest.mark.parametrize(("cls", "kwargs", "exc", "match"), BAD_HYPERPARAMETERS,
                         ids=[f"{c.__name__}-{k}" for c, k, _, _ in BAD_HYPERPARAMETERS])
def test_bad_hyperparameter_raises_naming_it(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls([_param([1.0])], **kwargs)


def test_defaults_are_keras_and_book_values():
    p = [_param([1.0])]
    assert SGD(p).hyperparameters == {"lr": 0.01, "momentum": 0.0, "nesterov": False,
                                      "weight_decay": 0.0, "clipnorm": None, "clipvalue": None}
    assert (AdaGrad(p).lr, AdaGrad(p).eps) == (0.01, 1e-7)
    assert (RMSprop(p).lr, RMSprop(p).rho, RMSprop(p).eps) == (1e-3, 0.9, 1e-7)
    adam = Adam(p)
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (1e-3, 0.9, 0.999, 1e-7)


BAD_PARAMS = [
    ("empty", lambda: [], ValueError,
     "params must contain at least one tensor; received an empty iterable"),
    ("empty generator", lambda: iter(()), ValueError, "received an empty iterable"),
    ("not iterable", lambda: 3, TypeError, "params must be an iterable of tensors.*received int"),
    ("single tensor", lambda: _param([1.0]), TypeError, r"single Tensor\. Wrap it in a list"),
    ("a dict", lambda: {"w": _param([1.0])}, TypeError, "received a dict"),
    ("an ndarray element", lambda: [_param([1.0]), np.zeros(2)], TypeError,
     r"params\[1\] must be a Tensor; received ndarray"),
    ("named pairs", lambda: [("w", _param([1.0]))], TypeError,
     r"params\[0\] must be a Tensor; received tuple \(named_parameters"),
]


@pytest.mark.parametrize(("case", "make", "exc", "match"), BAD_PARAMS,
                         ids=[c[0] for c in BAD_PARAMS])
def test_bad_params_raise(case, make, exc, match):
    with pytest.raises(exc, match=match):
        SGD(make())


def test_duplicate_parameters_are_kept_once():
    w, b = _param([1.0]), _param([2.0])
    opt = SGD([w, b, w], lr=0.1)
    assert len(opt.params) == 2 and opt.params[0] is w and opt.params[1] is b
    _step(opt, [1.0], [1.0])
    np.testing.assert_allclose(w.data, [0.9])   # updated once, not twice


def test_accepts_a_generator():
    ws = [_param([1.0]), _param([2.0])]
    opt = Adam(p for p in ws)
    assert opt.params == ws


# ---------------------------------------------------------------- get_optimizer

@pytest.mark.parametrize(("name", "cls", "lr", "extra"), [
    ("sgd", SGD, 0.01, {"momentum": 0.0}),
    ("momentum", SGD, 0.01, {"momentum": 0.9}),
    ("adagrad", AdaGrad, 0.01, {}),
    ("rmsprop", RMSprop, 1e-3, {"rho": 0.9}),
    ("adam", Adam, 1e-3, {"beta1": 0.9}),
])
def test_get_optimizer_by_name_uses_its_defaults(name, cls, lr, extra):
    opt = get_optimizer(name, [_param([1.0])])
    assert type(opt) is cls and opt.lr == lr
    for k, v in extra.items():
        assert getattr(opt, k) == v
    assert OPTIMIZERS[name] is cls


def test_get_optimizer_overrides_and_classes():
    p = [_param([1.0])]
    opt = get_optimizer("Momentum", p, lr=0.5, nesterov=True)
    assert (opt.lr, opt.momentum, opt.nesterov) == (0.5, 0.9, True)
    assert get_optimizer("momentum", p, momentum=0.5).momentum == 0.5
    opt = get_optimizer(Adam, p, lr=0.02, beta2=0.99)
    assert type(opt) is Adam and (opt.lr, opt.beta2) == (0.02, 0.99)
    assert get_optimizer(RMSprop, p).lr == 1e-3


def test_get_optimizer_rejects_unknown_names_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"one of \{'sgd', 'momentum', 'adagrad', 'rmsprop', "
                                         r"'adam', 'adamw'\} .*received optimizer='lion'"):
        get_optimizer("lion", [_param([1.0])])
    with pytest.raises(TypeError, match="Optimizer instance is used as it is"):
        get_optimizer(SGD([_param([1.0])]), [_param([1.0])])
    with pytest.raises(TypeError, match="received int"):
        get_optimizer(3, [_param([1.0])])


# ---------------------------------------------------------------- clipping

def test_clip_grad_norm_scales_all_gradients_together():
    # grads [3, 4] and [12]: global norm sqrt(9 + 16 + 144) = 13; max_norm 6.5 halves them all.
    a, b = _param([0.0, 0.0]), _param([0.0])
    a.grad, b.grad = badak.tensor(np.array([3.0, 4.0])), badak.tensor(np.array([12.0]))
    norm = clip_grad_norm_([a, b], 6.5)
    assert isinstance(norm, float) and norm == 13.0
    np.testing.assert_allclose(a.grad.data, [1.5, 2.0], rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, [6.0], rtol=1e-12)
    # Already short enough: unchanged, and the norm is still reported.
    assert clip_grad_norm_([a, b], 100.0) == pytest.approx(6.5)
    np.testing.assert_allclose(a.grad.data, [1.5, 2.0], rtol=1e-12)


def test_clip_grad_norm_float32_single_tensor_and_missing_grads():
    w = badak.tensor(np.full(4, 1e20, dtype=np.float32), requires_grad=True)
    w.grad = badak.tensor(np.full(4, 1e20, dtype=np.float32))  # squares overflow float32
    no_grad = _param([1.0])
    norm = clip_grad_norm_([w, no_grad], 1.0)
    assert norm == pytest.approx(2e20, rel=1e-6)
    assert w.grad.dtype == np.float32 and no_grad.grad is None
    np.testing.assert_allclose(w.grad.data, [0.5] * 4, rtol=1e-6)
    assert clip_grad_norm_(no_grad, 1.0) == 0.0


def test_clip_grad_norm_does_not_double_clip_shared_gradient_arrays():
    # The backward of x + y hands the same gradient array to x and y.
    x, y = _param([3.0, 0.0]), _param([0.0, 4.0])
    (x + y).backward(badak.tensor(np.array([3.0, 4.0])))
    norm = clip_grad_norm_([x, y], 5.0)
    assert norm == pytest.approx(np.sqrt(50.0))
    np.testing.assert_allclose(x.grad.data, np.array([3.0, 4.0]) / np.sqrt(2.0), rtol=1e-12)
    np.testing.assert_allclose(y.grad.data, np.array([3.0, 4.0]) / np.sqrt(2.0), rtol=1e-12)


def test_clip_grad_norm_nonfinite():
    w = _param([1.0, 1.0])
    w.grad = badak.tensor(np.array([np.inf, 1.0]))
    assert clip_grad_norm_([w], 1.0) == np.inf
    np.testing.assert_array_equal(w.grad.data, [np.inf, 1.0])   # left alone, not turned to NaN
    with pytest.raises(ValueError, match="total norm of the gradients is inf"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clips_each_element():
    w = badak.tensor(np.zeros(4, dtype=np.float32), requires_grad=True)
    w.grad = badak.tensor(np.array([-3.0, 0.5, 2.0, -0.25], dtype=np.float32))
    clip_grad_value_([w], 1.0)
    np.testing.assert_array_equal(w.grad.data, [-1.0, 0.5, 1.0, -0.25])
    assert w.grad.dtype == np.float32


@pytest.mark.parametrize(("fn", "name"), [(clip_grad_norm_, "max_norm"),
                                          (clip_grad_value_, "clip_value")])
def test_clip_functions_check_their_arguments(fn, name):
    w = _param([1.0])
    with pytest.raises(ValueError, match=rf"{name} must be > 0\.0; received {name}=0\.0"):
        fn([w], 0.0)
    with pytest.raises(TypeError, match=r"params\[0\] must be a Tensor; received list"):
        fn([[1.0]], 1.0)


def test_optimizer_clipnorm_and_clipvalue_apply_before_the_step():
    # clipnorm: g = [3, 4] (norm 5) becomes [0.6, 0.8]; with lr = 1 theta moves by exactly that.
    w = _param([0.0, 0.0])
    _step(SGD([w], lr=1.0, clipnorm=1.0), [3.0, 4.0])
    np.testing.assert_allclose(w.data, [-0.6, -0.8], rtol=1e-12)
    # clipvalue: g = [3, -0.5] becomes [1, -0.5].
    w = _param([0.0, 0.0])
    _step(SGD([w], lr=1.0, clipvalue=1.0), [3.0, -0.5])
    np.testing.assert_allclose(w.data, [-1.0, 0.5], rtol=1e-12)
