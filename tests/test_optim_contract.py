"""The optimizer contract: a custom ``_update`` sees one parameter at a time on every path
(a replayed ``badak.compile`` step included);
parameter groups, frozen parameters, ``lr=0``, weight decay everywhere and AdamW; the state dict
with groups, and the older format without them."""

import numpy as np
import pytest

import badak
from badak import nn
from badak.optim import SGD, AdaGrad, Adam, AdamW, Optimizer, RMSprop


def _param(values, dtype=np.float32):
    return badak.tensor(np.array(values, dtype=dtype), requires_grad=True)


def _grads(params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else badak.tensor(np.array(g, dtype=p.data.dtype))


class NormalizedStep(Optimizer):
    """Move each parameter by exactly ``lr`` along its own gradient: not elementwise."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr, "clipnorm": None, "clipvalue": None})

    def _update(self, p, g, state):
        p -= self.lr * g / np.linalg.norm(g)


class SignedSGD(SGD):
    """Overrides SGD's elementwise rule with one that is not: must not inherit the flat path
    (declared by SGD, which wrote the rule it overrides)."""

    def _update(self, p, g, state):
        p -= self.lr * g / np.abs(g).sum()


@pytest.mark.parametrize("cls", [NormalizedStep, SignedSGD])
def test_a_custom_update_sees_one_parameter_at_a_time(cls):
    # a small group (far below the flat path's limit) of four parameters
    params = [_param(np.ones(n)) for n in (3, 5, 2, 7)]
    grads = [np.arange(1.0, n + 1) for n in (3, 5, 2, 7)]
    seen = []
    opt = cls(params, lr=0.1)
    original = opt._update

    def spy(p, g, state):
        seen.append(p.shape)
        original(p, g, state)

    opt._update = spy
    _grads(params, grads)
    opt.step()
    assert seen == [(3,), (5,), (2,), (7,)]


def test_normalised_step_moves_every_parameter_by_exactly_lr():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1))
    before = [p.data.copy() for p in model.parameters()]
    opt = NormalizedStep(model.parameters(), lr=0.1)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    loss = (model(x) ** 2).mean()
    loss.backward()
    opt.step()
    moved = [float(np.linalg.norm(p.data - b)) for p, b in zip(model.parameters(), before)]
    np.testing.assert_allclose(moved, [0.1] * 4, rtol=1e-5)  # was 0.047, 0.033, 0.079, 0.022


@pytest.mark.parametrize("cls", [NormalizedStep, SignedSGD])
def test_a_custom_update_sees_one_parameter_at_a_time_under_replay(cls):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1))
    opt = cls(model.parameters(), lr=0.1)
    assert not opt.rule_is_elementwise()
    seen = []
    original = opt._update

    def spy(p, g, state):
        seen.append(p.shape)
        original(p, g, state)

    opt._update = spy

    @badak.compile
    def train_step(x):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    rng = np.random.default_rng(0)
    for _ in range(4):
        train_step(rng.standard_normal((5, 3)).astype(np.float32))
    assert train_step.replays == 2
    assert seen == [(3, 4), (4,), (4, 2), (2,)] * 4


def test_the_builtin_rules_are_declared_elementwise():
    for cls in (SGD, AdaGrad, RMSprop, Adam, AdamW):
        assert cls([_param([1.0])]).rule_is_elementwise()


def test_foreach_is_gone():
    # the flat path moved into badak.compile's replay; no silently ignored argument is left
    with pytest.raises(TypeError, match="foreach"):
        SGD([_param([1.0])], foreach=True)


# ---------------------------------------------------------------- parameter groups

def test_param_groups_with_per_group_lr_and_defaults():
    w, b, v = _param([1.0, 1.0]), _param([1.0]), _param([1.0])
    opt = SGD([{"params": [w, b], "lr": 0.1}, {"params": [v]}], lr=0.01, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]
    assert opt.param_groups[0]["params"] == [w, b] and opt.defaults["lr"] == 0.01
    _grads([w, b, v], [[1.0, 2.0], [1.0], [1.0]])
    opt.step()
    np.testing.assert_allclose(w.data, [0.9, 0.8])
    np.testing.assert_allclose(v.data, [0.99])
    assert opt.lr == 0.1                       # the first group's
    opt.lr = 0.2                               # changes the first group only
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.01]
    opt.param_groups[1]["lr"] = 0.0            # lr=0 is allowed and freezes the group
    _grads([w, b, v], [[0.0, 0.0], [0.0], [1.0]])
    opt.step()
    np.testing.assert_allclose(v.data, [0.99])


def test_add_param_group_and_its_state_dict():
    w, u = _param([1.0]), _param([2.0])
    opt = Adam([w], lr=0.1)
    opt.add_param_group({"params": u, "lr": 0.01, "weight_decay": 0.5})
    assert len(opt.param_groups) == 2 and opt.params == [w, u]
    _grads([w, u], [[1.0], [1.0]])
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][1] == {"params": [1], "lr": 0.01, "beta1": 0.9, "beta2": 0.999,
                                     "eps": 1e-7, "weight_decay": 0.5, "clipnorm": None,
                                     "clipvalue": None}
    twin = Adam([_param([1.0])], lr=0.5)
    twin.add_param_group({"params": [_param([2.0])]})
    twin.load_state_dict(sd)
    assert [g["lr"] for g in twin.param_groups] == [0.1, 0.01]
    assert twin.param_groups[1]["weight_decay"] == 0.5
    one = Adam([_param([1.0]), _param([2.0])])
    with pytest.raises(ValueError, match=r"state_dict\['param_groups'\] must be a list of 1 "
                                         r"groups like this optimizer's; received 2"):
        one.load_state_dict(sd)


def test_a_state_dict_without_groups_still_loads_into_one_group():
    w = _param([1.0])
    old = {"class": "Adam", "hyperparameters": {"lr": 0.2, "beta1": 0.9, "beta2": 0.999,
                                                "eps": 1e-7, "clipnorm": None,
                                                "clipvalue": None},
           "state": {"0.m": np.array([0.5], np.float32)}, "step_count": 3, "num_params": 1}
    opt = Adam([w])
    opt.load_state_dict(old)
    assert opt.lr == 0.2 and opt.weight_decay == 0.0 and opt.step_count == 3
    two = Adam([{"params": [_param([1.0])]}, {"params": [_param([1.0])]}])
    old["num_params"] = 2
    with pytest.raises(ValueError, match=r"state_dict has no 'param_groups' \(it was saved by a "
                                         r"badak without parameter groups, for one group\); "
                                         r"this optimizer has 2 groups"):
        two.load_state_dict(old)


def _shared():
    return _param([1.0])


BAD_GROUPS = [
    ("group not a dict", lambda: SGD([{"params": [_param([1.0])]}, 3]), TypeError,
     r"params must be all tensors or all parameter-group dicts; received params\[0\] a dict "
     r"and params\[1\] a int"),
    ("no params entry", lambda: SGD([{"lr": 0.1}]), ValueError,
     r"param_groups\[0\] must have a 'params' entry \(the tensors of the group\); received the "
     r"keys \['lr'\]"),
    ("unknown key", lambda: SGD([{"params": [_param([1.0])], "momentun": 0.9}]), ValueError,
     r"param_groups\[0\] has unknown key\(s\) \['momentun'\]; the keys of a SGD group are "
     r"\['params', 'lr', 'momentum', 'nesterov', 'weight_decay', 'clipnorm', 'clipvalue'\]"),
    ("bad group lr", lambda: SGD([{"params": [_param([1.0])]},
                                  {"params": [_param([1.0])], "lr": -1}]), ValueError,
     r"param_groups\[1\]: lr must be >= 0\.0; received lr=-1\.0"),
    ("empty group", lambda: SGD([{"params": []}]), ValueError,
     r"param_groups\[0\]\['params'\] must contain at least one tensor; received an empty "
     r"iterable"),
    ("not a tensor in a group", lambda: SGD([{"params": [np.ones(2)]}]), TypeError,
     r"param_groups\[0\]\['params'\]\[0\] must be a Tensor; received ndarray"),
    ("a set", lambda: SGD([{"params": {_param([1.0])}}]), TypeError,
     r"param_groups\[0\]\['params'\] must be an ordered iterable of tensors \(a list\); "
     r"received a set"),
    ("in two groups", lambda: (lambda w: SGD([{"params": [w]}, {"params": [w]}]))(_shared()),
     ValueError, r"some parameters appear in more than one parameter group: "
     r"param_groups\[1\]\['params'\]\[0\] \(shape \(1,\)\) is already in param_groups\[0\]"),
    ("add_param_group not a dict", lambda: SGD([_param([1.0])]).add_param_group([_param([1.0])]),
     TypeError, r"param_groups\[1\] must be a dict with a 'params' entry; received list"),
    ("negative lr", lambda: SGD([_param([1.0])], lr=-0.5), ValueError,
     r"lr must be >= 0\.0; received lr=-0\.5"),
    ("lr set negative", lambda: setattr(SGD([_param([1.0])]), "lr", -1), ValueError,
     r"lr must be >= 0\.0; received lr=-1\.0"),
    ("AdamW betas", lambda: AdamW([_param([1.0])], betas=0.9), TypeError,
     r"betas must be a pair \(beta1, beta2\); received betas=0\.9"),
    ("AdamW beta2", lambda: AdamW([_param([1.0])], betas=(0.9, 1.0)), ValueError,
     r"betas\[1\] must be in the range \[0\.0, 1\.0\); received betas\[1\]=1\.0"),
    ("Adam weight decay", lambda: Adam([_param([1.0])], weight_decay=-0.1), ValueError,
     r"weight_decay must be >= 0\.0; received weight_decay=-0\.1"),
]


@pytest.mark.parametrize(("case", "make", "exc", "match"), BAD_GROUPS,
                         ids=[c[0] for c in BAD_GROUPS])
def test_bad_groups_and_hyperparameters_are_refused(case, make, exc, match):
    with pytest.raises(exc, match=match):
        make()


# ---------------------------------------------------------------- frozen parameters

@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam, AdamW])
def test_frozen_and_gradless_parameters_are_skipped(cls):
    w, frozen, idle = _param([1.0, 2.0]), badak.tensor(np.array([5.0], np.float32)), _param([3.0])
    opt = cls([w, frozen, idle], lr=0.1)
    frozen.grad = badak.tensor(np.array([1.0], np.float32))  # a stale gradient: still skipped
    w.grad = badak.tensor(np.array([1.0, 1.0], np.float32))
    opt.step()
    assert frozen.data[0] == 5.0 and idle.data[0] == 3.0 and not np.allclose(w.data, [1, 2])
    assert opt.state[1] == {} and opt.state[2] == {}


# ---------------------------------------------------------------- weight decay

def test_coupled_weight_decay_on_every_optimizer_adds_lambda_theta_to_the_gradient():
    for cls in (SGD, AdaGrad, RMSprop, Adam):
        a, b = _param([2.0], np.float64), _param([2.0], np.float64)
        decayed, plain = cls([a], lr=0.1, weight_decay=0.5), cls([b], lr=0.1)
        a.grad = badak.tensor(np.array([1.0]))
        b.grad = badak.tensor(np.array([1.0 + 0.5 * 2.0]))  # g + lambda theta
        decayed.step()
        plain.step()
        np.testing.assert_allclose(a.data, b.data, err_msg=cls.__name__)


def test_adamw_first_step_by_hand():
    # theta = 1, g = 0.5, lr = 0.1, wd = 0.01: theta (1 - 0.001) = 0.999; m = 0.05, v = 0.00025;
    # m_hat = 0.5, sqrt(v_hat) = 0.5: step = 0.1 * 0.5 / (0.5 + 1e-8) = 0.1 - 2e-9
    w = _param([1.0], np.float64)
    opt = AdamW([w], lr=0.1)
    assert opt.hyperparameters == {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8,
                                   "weight_decay": 0.01, "clipnorm": None, "clipvalue": None}
    w.grad = badak.tensor(np.array([0.5]))
    opt.step()
    np.testing.assert_allclose(w.data, [0.999 - 0.1 * 0.5 / (0.5 + 1e-8)], rtol=1e-12)


def test_a_checkpoint_keeps_the_groups_and_adamw(tmp_path):
    from badak.persistence import load_checkpoint, save_checkpoint

    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    opt = AdamW([{"params": model[0].parameters(), "lr": 0.1},
                 {"params": model[2].parameters(), "weight_decay": 0.0}], lr=0.01)
    loss = (model(np.ones((4, 2), np.float32)) ** 2).mean()
    loss.backward()
    opt.step()
    save_checkpoint(tmp_path / "ckpt.npz", model, optimizer=opt, epoch=1)
    ckpt = load_checkpoint(tmp_path / "ckpt.npz")
    twin = AdamW([{"params": ckpt.model[0].parameters()},
                  {"params": ckpt.model[2].parameters()}], lr=0.5)
    ckpt.restore_optimizer(twin)
    assert [g["lr"] for g in twin.param_groups] == [0.1, 0.01]
    assert [g["weight_decay"] for g in twin.param_groups] == [0.01, 0.0]
    assert twin.param_groups[0]["betas"] == (0.9, 0.999) and twin.step_count == 1
