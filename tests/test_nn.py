"""badak.nn: parameters, module registration, layers, MLP, configs, state dicts, errors, and
an MLP that learns XOR."""

from __future__ import annotations

import json

import numpy as np
import pytest

import badak
from badak import nn

# ---------------------------------------------------------------------------- Parameter


def test_parameter_is_a_float_tensor_that_requires_grad():
    p = nn.Parameter([[1.0, 2.0]])
    assert isinstance(p, badak.Tensor)
    assert p.requires_grad and p.dtype == np.float32 and p.is_leaf
    assert nn.Parameter(np.array([1, 2])).dtype == np.float32  # integers become float32
    assert nn.Parameter(np.zeros(3)).dtype == np.float64  # float64 is kept
    assert nn.Parameter([1.0], dtype="float64").dtype == np.float64
    q = p * 2 + 1  # every op works, and gives an ordinary tensor
    assert type(q) is badak.Tensor and q.data.tolist() == [[3.0, 5.0]]


def test_parameter_copies_its_array():
    a = np.zeros(3, dtype=np.float32)
    p = nn.Parameter(a)
    p.data += 1
    assert a.tolist() == [0.0, 0.0, 0.0]


def test_parameter_repr():
    assert repr(nn.Parameter([1.0, 2.0])) == \
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)"


# ---------------------------------------------------------------------------- Module


class Affine2(nn.Module):
    """Two parameters and one sub-module, for the registration tests."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.ones((2, 2)))
        self.inner = nn.Linear(2, 2, rng=0)
        self.b = nn.Parameter(np.zeros(2))
        self.note = "plain attribute"

    def forward(self, x):
        return self.inner(x @ self.w + self.b)


def test_registration_in_assignment_order():
    m = Affine2()
    assert list(m._parameters) == ["w", "b"]
    assert list(m._modules) == ["inner"]
    assert [n for n, _ in m.named_parameters()] == ["w", "b", "inner.weight", "inner.bias"]
    assert [n for n, _ in m.named_modules()] == ["", "inner"]
    assert list(m.children()) == [m.inner]
    assert "note" in m.__dict__ and "w" in dir(m)


def test_reassign_and_delete():
    m = Affine2()
    m.w = nn.Linear(1, 1)  # a parameter name becomes a sub-module
    assert "w" not in m._parameters and "w" in m._modules
    m.w = nn.Parameter([1.0])  # and back
    assert "w" in m._parameters and "w" not in m._modules
    m.note = nn.Parameter([2.0])  # a plain attribute becomes a parameter
    assert "note" in m._parameters and m.note is m._parameters["note"]
    assert m.note.data.tolist() == [2.0]
    del m.b
    assert "b" not in m._parameters
    with pytest.raises(AttributeError, match="has no attribute 'b'"):
        m.b  # noqa: B018
    m.w = None  # a placeholder, skipped by parameters()
    assert m.w is None and "w" not in dict(m.named_parameters())
    del m.inner
    assert list(m._modules) == []


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    m = Affine2()
    with pytest.raises(TypeError, match="'w': it is a parameter of Affine2"):
        m.w = badak.tensor([1.0])
    with pytest.raises(TypeError, match="'inner': it is a sub-module"):
        m.inner = 3


def test_assigning_before_init_names_the_fix():
    class Forgetful(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first"):
        Forgetful()


def test_shared_parameters_and_modules_are_yielded_once():
    a = nn.Linear(3, 3, rng=0)
    b = nn.Linear(3, 3, rng=1)
    b.weight = a.weight  # tied weights
    model = nn.Sequential(a, b, a)  # and a module used twice
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    assert len(list(model.parameters())) == 3
    assert len(list(model.modules())) == 3  # the Sequential, a and b


def test_train_eval_are_recursive_and_return_self():
    model = nn.MLP([2, 4, 1], dropout=0.5)
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())


def test_zero_grad_sets_grads_to_none():
    model = nn.MLP([2, 3, 1], rng=0)
    model(np.ones((4, 2))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_to_converts_parameters():
    model = nn.MLP([2, 3, 1], rng=0)
    before = model.state_dict()
    assert model.to("float64") is model
    assert all(p.dtype == np.float64 for p in model.parameters())
    np.testing.assert_array_equal(model[0].weight.data, before["0.weight"])
    assert model(np.ones((1, 2))).dtype == np.float64  # inputs follow the layer's dtype


def test_forward_must_be_implemented():
    with pytest.raises(NotImplementedError, match="Module must implement forward"):
        nn.Module()(1)


# ---------------------------------------------------------------------------- state dicts


def test_state_dict_round_trip_and_copies():
    a = nn.MLP([3, 4, 2], rng=0)
    b = nn.MLP([3, 4, 2], rng=1)
    sd = a.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    sd["0.bias"][:] = 9.0  # a copy: the model is unchanged
    assert not np.any(a[0].bias.data == 9.0)
    result = b.load_state_dict(sd)
    assert result == nn.IncompatibleKeys([], [])
    np.testing.assert_array_equal(b[0].bias.data, 9.0)
    sd["0.bias"][:] = 1.0  # load copied too
    np.testing.assert_array_equal(b[0].bias.data, 9.0)
    np.testing.assert_array_equal(b[2].weight.data, a[2].weight.data)


def test_load_state_dict_errors_name_the_keys():
    model = nn.MLP([3, 4, 2], rng=0)
    sd = model.state_dict()
    missing = {k: v for k, v in sd.items() if k != "2.bias"}
    with pytest.raises(ValueError, match=r"missing key\(s\) \['2.bias'\]"):
        model.load_state_dict(missing)
    with pytest.raises(ValueError, match=r"unexpected key\(s\) \['4.weight'\]"):
        model.load_state_dict({**sd, "4.weight": np.zeros(1)})
    with pytest.raises(ValueError, match=r"shape mismatch for '0.weight'.*\(3, 4\); received "
                                         r"shape \(4, 3\)"):
        model.load_state_dict({**sd, "0.weight": np.zeros((4, 3), np.float32)})
    with pytest.raises(ValueError, match=r"dtype mismatch for '0.bias'.*float32; received "
                                         r"float64.*model.to\('float64'\)"):
        model.load_state_dict({**sd, "0.bias": np.zeros(4)})
    with pytest.raises(TypeError, match="state_dict must be a mapping"):
        model.load_state_dict([1, 2])


def test_failed_load_changes_nothing_and_non_strict_reports():
    model = nn.MLP([3, 4, 2], rng=0)
    before = model.state_dict()
    bad = {k: np.ones_like(v) for k, v in before.items()}
    bad["2.bias"] = np.ones(5, np.float32)
    with pytest.raises(ValueError, match="shape mismatch"):
        model.load_state_dict(bad)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    partial = {"0.bias": np.ones(4, np.float32), "extra": np.zeros(1)}
    result = model.load_state_dict(partial, strict=False)
    assert result.missing_keys == ["0.weight", "2.weight", "2.bias"]
    assert result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model[0].bias.data, 1.0)


# ---------------------------------------------------------------------------- repr


def test_mlp_repr_reads_like_pytorch():
    model = nn.MLP([13, 64, 64, 1], rng=0)
    assert repr(model) == (
        "MLP(\n"
        "  (0): Linear(in_features=13, out_features=64, bias=True, init='he')\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=64, out_features=64, bias=True, init='he')\n"
        "  (3): ReLU()\n"
        "  (4): Linear(in_features=64, out_features=1, bias=True, init='he')\n"
        ")")


def test_nested_repr_is_indented():
    model = nn.Sequential(nn.Linear(2, 3, bias=False, init="xavier"),
                          nn.Sequential(nn.LeakyReLU(0.2), nn.Dropout(0.25)), nn.Softmax())
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=False, init='xavier')\n"
        "  (1): Sequential(\n"
        "    (0): LeakyReLU(negative_slope=0.2)\n"
        "    (1): Dropout(p=0.25)\n"
        "  )\n"
        "  (2): Softmax(axis=-1)\n"
        ")")


# ---------------------------------------------------------------------------- configs

CONFIG_CASES = {
    "Linear": lambda: nn.Linear(3, 2, bias=False, init="glorot_uniform", rng=0),
    "Sequential": lambda: nn.Sequential(nn.Linear(3, 4, rng=0), nn.PReLU(4, 0.1),
                                        nn.Sequential(nn.Linear(4, 2, rng=1))),
    "MLP": lambda: nn.MLP([3, 5, 2], "tanh", output_activation="softmax", dropout=0.2, rng=0),
    "Maxout": lambda: nn.Maxout(3, 2, pieces=4, init="xavier", rng=0),
    "Dropout": lambda: nn.Dropout(0.3, rng=0),
    "Step": nn.Step,
    "Sigmoid": nn.Sigmoid,
    "Tanh": nn.Tanh,
    "ReLU": nn.ReLU,
    "LeakyReLU": lambda: nn.LeakyReLU(0.3),
    "PReLU": lambda: nn.PReLU(3, init=0.5),
    "ELU": lambda: nn.ELU(0.5),
    "Softmax": lambda: nn.Softmax(axis=0),
    "Identity": nn.Identity,
    "MSELoss": nn.MSELoss,
    "L1Loss": nn.L1Loss,
    "CrossEntropyLoss": nn.CrossEntropyLoss,
    "BCEWithLogitsLoss": nn.BCEWithLogitsLoss,
    "NLLLoss": lambda: nn.NLLLoss(weight=[1.0, 2.0], ignore_index=0),
    "BCELoss": lambda: nn.BCELoss(reduction="sum"),
    "HuberLoss": lambda: nn.HuberLoss(delta=0.5),
    "SmoothL1Loss": lambda: nn.SmoothL1Loss(beta=2.0, reduction="none"),
    "ModuleList": lambda: nn.ModuleList([nn.Linear(2, 3, rng=0), nn.ReLU()]),
    "ModuleDict": lambda: nn.ModuleDict({"a": nn.Linear(2, 3, rng=0), "b": nn.Tanh()}),
    "Flatten": lambda: nn.Flatten(0, 1),
}


def test_config_cases_cover_every_badak_module():
    ours = {name for name, cls in nn.MODULES.items() if cls.__module__.startswith("badak.nn")}
    assert ours == set(CONFIG_CASES)


@pytest.mark.parametrize("name", list(CONFIG_CASES))
def test_config_round_trip(name):
    module = CONFIG_CASES[name]()
    config = nn.module_to_config(module)
    assert config["class"] == name
    config = json.loads(json.dumps(config))  # JSON-able
    rebuilt = nn.module_from_config(config)
    assert type(rebuilt) is type(module)
    assert nn.module_to_config(rebuilt) == config
    assert repr(rebuilt) == repr(module)
    rebuilt.load_state_dict(module.state_dict())
    if "Loss" not in name and name not in ("ModuleList", "ModuleDict"):  # (no forward)
        x = np.random.default_rng(0).standard_normal((4, 3))
        module.eval()
        rebuilt.eval()
        np.testing.assert_array_equal(rebuilt(x).data, module(x).data)


def test_sequential_config_nests_layers():
    config = nn.module_to_config(nn.Sequential(nn.Linear(2, 1, rng=0), nn.Sigmoid()))
    assert config == {"class": "Sequential", "config": {"layers": [
        {"class": "Linear", "config": {"in_features": 2, "out_features": 1, "bias": True,
                                       "init": "he"}},
        {"class": "Sigmoid", "config": {}}]}}


def test_module_from_config_errors():
    with pytest.raises(ValueError, match="class must be the name of a registered module.*"
                                         "received class='Conv2d'"):
        nn.module_from_config({"class": "Conv2d", "config": {}})
    with pytest.raises(ValueError, match="exactly the keys 'class' and 'config'"):
        nn.module_from_config({"class": "Linear"})
    with pytest.raises(ValueError, match=r"config for Linear has unexpected key\(s\) \['units'\]"):
        nn.module_from_config({"class": "Linear", "config": {"in_features": 2, "units": 3}})
    with pytest.raises(ValueError, match="config for Sequential must be"):
        nn.module_from_config({"class": "Sequential", "config": {"layer": []}})
    with pytest.raises(TypeError, match="config must be a dict"):
        nn.module_from_config("Linear")


def test_custom_modules_register_and_round_trip():
    class Scale(nn.Module):
        def __init__(self, factor: float = 2.0):
            super().__init__()
            self.factor = factor

        def forward(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    with pytest.raises(ValueError, match="Scale is not registered"):
        nn.module_to_config(Scale())
    try:
        nn.register_module(Scale)
        rebuilt = nn.module_from_config(nn.module_to_config(Scale(3.0)))
        assert rebuilt.factor == 3.0
        # a custom activation can be named in an MLP by its class
        mlp = nn.MLP([2, 3, 1], activation=Scale, rng=0)
        assert mlp.get_config()["activation"] == "Scale"
        assert type(nn.module_from_config(nn.module_to_config(mlp))[1]) is Scale

        class Linear(nn.Module):  # a different class under a taken name
            pass

        with pytest.raises(ValueError, match="named 'Linear' is already registered"):
            nn.register_module(Linear)
    finally:
        nn.MODULES.pop("Scale", None)
    with pytest.raises(TypeError, match="register_module expects a subclass"):
        nn.register_module(int)


# ---------------------------------------------------------------------------- Linear


def test_linear_forward_hand_worked():
    layer = nn.Linear(3, 2)
    layer.load_state_dict({"weight": np.array([[1, 2], [3, 4], [5, 6]], np.float32),
                           "bias": np.array([0.5, -1.0], np.float32)})
    # [1, 0, -1] @ W = [1 - 5, 2 - 6] = [-4, -4]; + b = [-3.5, -5]
    y = layer(badak.tensor([[1.0, 0.0, -1.0]]))
    assert y.data.tolist() == [[-3.5, -5.0]]


def test_linear_shapes_dtype_and_bias():
    layer = nn.Linear(13, 64, rng=0)
    assert layer.weight.shape == (13, 64) and layer.bias.shape == (64,)
    assert layer.in_features == 13 and layer.out_features == 64
    assert np.all(layer.bias.data == 0)
    y = layer(np.random.default_rng(0).standard_normal((5, 13)))  # float64 numpy input
    assert y.dtype == np.float32 and y.shape == (5, 64)
    assert layer(np.ones((2, 7, 13))).shape == (2, 7, 64)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert [n for n, _ in nn.Linear(3, 2, bias=False).named_parameters()] == ["weight"]


def test_linear_wrong_feature_count_names_expected_and_received():
    layer = nn.Linear(13, 64)
    with pytest.raises(ValueError, match=r"^Linear\(13 -> 64\) expects inputs with 13 features "
                                         r"on the last axis; received shape \(5, 12\)$"):
        layer(np.zeros((5, 12)))
    with pytest.raises(ValueError, match=r"Maxout\(4 -> 2\) expects inputs with 4 features"):
        nn.Maxout(4, 2)(np.zeros((5, 3)))


def test_same_seed_same_weights_and_reset_parameters():
    a, b, c = nn.Linear(5, 4, rng=7), nn.Linear(5, 4, rng=7), nn.Linear(5, 4, rng=8)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, c.weight.data)
    a.bias.data += 1
    a.reset_parameters(rng=8)
    np.testing.assert_array_equal(a.weight.data, c.weight.data)
    np.testing.assert_array_equal(a.bias.data, 0.0)
    badak.manual_seed(3)
    d = nn.Linear(5, 4)
    badak.manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(5, 4).weight.data, d.weight.data)


@pytest.mark.parametrize("init, std", [
    ("normal", 0.01),
    ("xavier", np.sqrt(1 / 1000)),  # the book's Xavier: 1/sqrt(n)
    ("he", np.sqrt(2 / 1000)),
    ("glorot_uniform", np.sqrt(6 / 1500) / np.sqrt(3)),  # U(-l, l) has std l/sqrt(3)
])
def test_initialiser_scales(init, std):
    w = nn.Linear(1000, 500, init=init, rng=0).weight.data
    assert abs(w.mean()) < 0.01 * std * 10
    assert w.std() == pytest.approx(std, rel=0.01)
    if init == "glorot_uniform":
        assert np.abs(w).max() <= np.sqrt(6 / 1500)


def test_unknown_initialiser_lists_choices():
    with pytest.raises(ValueError, match=r"init must be one of \{'normal', 'xavier', 'he', "
                                         r"'glorot_uniform'\}; received init='lecun'"):
        nn.init.initialize("lecun", (2, 2))


# ---------------------------------------------------------------------------- activations


def test_activation_table_and_get_activation():
    assert list(nn.ACTIVATIONS) == ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu",
                                    "elu", "maxout", "softmax", "identity"]
    assert isinstance(nn.get_activation("relu"), nn.ReLU)
    assert nn.get_activation("leaky_relu", negative_slope=0.2).negative_slope == 0.2
    assert nn.get_activation("maxout", in_features=4, out_features=2).out_features == 2
    assert isinstance(nn.get_activation(nn.Tanh), nn.Tanh)
    relu = nn.ReLU()
    assert nn.get_activation(relu) is relu
    with pytest.raises(ValueError, match="activation must be one of .*received activation='rlu'"):
        nn.get_activation("rlu")
    with pytest.raises(ValueError, match="pass in_features and out_features"):
        nn.get_activation("maxout")


@pytest.mark.parametrize("module, expected", [
    (nn.Step(), [0.0, 0.0, 1.0]),
    (nn.ReLU(), [0.0, 0.0, 2.0]),
    (nn.LeakyReLU(0.1), [-0.1, 0.0, 2.0]),
    (nn.PReLU(init=0.25), [-0.25, 0.0, 2.0]),
    (nn.Identity(), [-1.0, 0.0, 2.0]),
    (nn.Tanh(), np.tanh([-1.0, 0.0, 2.0]).tolist()),
    (nn.Sigmoid(), (1 / (1 + np.exp([1.0, 0.0, -2.0]))).tolist()),
    (nn.ELU(1.0), [np.exp(-1.0) - 1, 0.0, 2.0]),
])
def test_activation_values(module, expected):
    np.testing.assert_allclose(module(badak.tensor([-1.0, 0.0, 2.0])).data, expected, rtol=1e-6)


def test_softmax_rows_sum_to_one_and_maxout_takes_group_maxima():
    p = nn.Softmax()(badak.tensor([[0.0, np.log(3.0)]]))
    np.testing.assert_allclose(p.data, [[0.25, 0.75]], rtol=1e-6)
    m = nn.Maxout(1, 2, pieces=2)
    m.load_state_dict({"weight": np.array([[1.0, -1.0, 2.0, 0.5]], np.float32),
                       "bias": np.zeros(4, np.float32)})
    # x = 3: pieces (3, -3) -> 3 and (6, 1.5) -> 6; x = -2: (-2, 2) -> 2 and (-4, -1) -> -1
    assert m(np.array([[3.0], [-2.0]])).data.tolist() == [[3.0, 6.0], [2.0, -1.0]]


def test_prelu_slope_is_learned():
    act = nn.PReLU()
    y = act(badak.tensor([-2.0, 3.0])).sum()
    y.backward()
    assert act.weight.grad.data.tolist() == [-2.0]  # d(a·x)/da = x for the negative input


# ---------------------------------------------------------------------------- Dropout


def test_dropout_train_and_eval():
    drop = nn.Dropout(0.3, rng=0)
    x = np.ones((1000, 100), dtype=np.float32)
    y = drop(x).data
    assert np.mean(y == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.7], rtol=1e-6)  # inverted scaling
    drop.eval()
    np.testing.assert_array_equal(drop(x).data, x)


def test_dropout_repeatable_from_its_rng_or_manual_seed():
    x = np.ones((10, 10))
    np.testing.assert_array_equal(nn.Dropout(rng=5)(x).data, nn.Dropout(rng=5)(x).data)
    drop = nn.Dropout()
    assert drop.rng is None  # draws from badak's default generator at call time
    badak.manual_seed(11)
    first = drop(x).data
    badak.manual_seed(11)
    np.testing.assert_array_equal(drop(x).data, first)


# ---------------------------------------------------------------------------- MLP


def layer_names(model):
    return [type(m).__name__ for m in model]


@pytest.mark.parametrize("kwargs, names", [
    ({}, ["Linear", "ReLU", "Linear", "ReLU", "Linear"]),
    ({"activation": "tanh", "output_activation": "sigmoid"},
     ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]),
    ({"dropout": 0.5}, ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]),
    ({"activation": "maxout"}, ["Maxout", "Maxout", "Linear"]),
    ({"activation": "maxout", "dropout": 0.1}, ["Maxout", "Dropout", "Maxout", "Dropout",
                                                "Linear"]),
    ({"activation": nn.ELU}, ["Linear", "ELU", "Linear", "ELU", "Linear"]),
])
def test_mlp_structure(kwargs, names):
    model = nn.MLP([13, 64, 64, 1], rng=0, **kwargs)
    assert layer_names(model) == names
    assert model.in_features == 13 and model.out_features == 1
    assert model(np.zeros((2, 13))).shape == (2, 1)


def test_mlp_prelu_has_a_slope_per_hidden_layer():
    model = nn.MLP([4, 8, 8, 2], "prelu", rng=0)
    slopes = [m.weight for m in model if isinstance(m, nn.PReLU)]
    assert len(slopes) == 2 and slopes[0] is not slopes[1]
    assert [n for n, _ in model.named_parameters()][:3] == ["0.weight", "0.bias", "1.weight"]


def test_mlp_maxout_layers_have_two_pieces():
    model = nn.MLP([4, 8, 2], "maxout", rng=0)
    assert model[0].pieces == 2 and model[0].weight.shape == (4, 16)


@pytest.mark.parametrize("activation, init", [
    ("relu", "he"), ("leaky_relu", "he"), ("prelu", "he"), ("elu", "he"), ("maxout", "he"),
    ("sigmoid", "xavier"), ("tanh", "xavier"), ("identity", "xavier"),
])
def test_mlp_default_init_follows_the_activation(activation, init):
    model = nn.MLP([3, 4, 1], activation)
    assert model.init == init and model[0].init == init and model[-1].init == init


def test_mlp_same_seed_same_weights():
    a = nn.MLP([13, 64, 64, 1], rng=42).state_dict()
    b = nn.MLP([13, 64, 64, 1], rng=42).state_dict()
    c = nn.MLP([13, 64, 64, 1], rng=43).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["0.weight"], c["0.weight"])
    gen = np.random.default_rng(0)  # a shared generator advances: two different models
    assert not np.array_equal(nn.MLP([2, 3, 1], rng=gen)[0].weight.data,
                              nn.MLP([2, 3, 1], rng=gen)[0].weight.data)


def test_mlp_layers_are_fixed():
    with pytest.raises(TypeError, match=r"build Sequential\(mlp, layer\)"):
        nn.MLP([2, 1]).append(nn.ReLU())


def test_sequential_indexing_and_append():
    seq = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
    assert len(seq) == 2 and isinstance(seq[-1], nn.ReLU)
    assert seq.append(nn.Linear(3, 1, rng=0)) is seq
    assert layer_names(seq) == ["Linear", "ReLU", "Linear"]
    head = seq[:2]
    assert type(head) is nn.Sequential and head[0] is seq[0]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    with pytest.raises(TypeError, match="index must be an int or a slice"):
        seq["0"]


# ---------------------------------------------------------------------------- losses


@pytest.mark.parametrize("name, cls", [
    ("mse", nn.MSELoss), ("mean_squared_error", nn.MSELoss), ("l1", nn.L1Loss),
    ("mae", nn.L1Loss), ("cross_entropy", nn.CrossEntropyLoss),
    ("categorical_crossentropy", nn.CrossEntropyLoss), ("bce", nn.BCEWithLogitsLoss),
    ("binary_crossentropy", nn.BCEWithLogitsLoss),
])
def test_get_loss_names(name, cls):
    assert type(nn.get_loss(name)) is cls


def test_get_loss_unknown_and_passthrough():
    with pytest.raises(ValueError, match="loss must be one of .*received loss='hinge'"):
        nn.get_loss("hinge")
    loss = nn.MSELoss()
    assert nn.get_loss(loss) is loss


@pytest.mark.parametrize("loss, prediction, target, expected", [
    (nn.MSELoss(), [1.0, 2.0], [0.0, 0.0], 2.5),  # (1² + 2²) / 2
    (nn.L1Loss(), [1.0, -2.0], [0.0, 0.0], 1.5),  # (1 + 2) / 2
    (nn.CrossEntropyLoss(), [[0.0, 0.0]], np.array([0]), np.log(2)),  # -ln(1/2)
    (nn.BCEWithLogitsLoss(), [0.0], [1.0], np.log(2)),  # -ln σ(0)
])
def test_loss_values_hand_worked(loss, prediction, target, expected):
    assert loss(badak.tensor(prediction), target).item() == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------------------- bad arguments

BAD_ARGUMENTS = [
    (lambda: nn.Linear(0, 3), ValueError, "in_features must be a positive integer; received "
                                          "in_features=0"),
    (lambda: nn.Linear(2.5, 3), TypeError, "in_features must be a positive integer"),
    (lambda: nn.Linear(True, 3), TypeError, "in_features must be a positive integer"),
    (lambda: nn.Linear(2, -1), ValueError, "out_features must be a positive integer"),
    (lambda: nn.Linear(2, 3, bias="yes"), TypeError, "bias must be a bool"),
    (lambda: nn.Linear(2, 3, init="glorot"), ValueError, "init must be one of"),
    (lambda: nn.Linear(2, 3, rng="seed"), TypeError, "rng must be None, a non-negative integer"),
    (lambda: nn.Maxout(2, 3, pieces=0), ValueError, "pieces must be a positive integer"),
    (lambda: nn.Maxout(0, 3), ValueError, "in_features must be a positive integer"),
    (lambda: nn.PReLU(num_parameters=0), ValueError, "num_parameters must be a positive"),
    (lambda: nn.PReLU(init="a"), TypeError, "init must be a real number"),
    (lambda: nn.LeakyReLU("a"), TypeError, "negative_slope must be a real number"),
    (lambda: nn.ELU(-1.0), ValueError, "alpha must be >= 0.0; received alpha=-1.0"),
    (lambda: nn.Softmax(axis=1.0), TypeError, "axis must be an integer; received axis=1.0"),
    (lambda: nn.Dropout(1.0), ValueError, r"p must be in the range \[0.0, 1.0\); received p=1.0"),
    (lambda: nn.Dropout(-0.1), ValueError, "p must be in the range"),
    (lambda: nn.Dropout("half"), TypeError, "p must be a real number"),
    (lambda: nn.MLP([13]), ValueError, "sizes must list at least two sizes"),
    (lambda: nn.MLP("13,1"), TypeError, "sizes must be a list of layer sizes"),
    (lambda: nn.MLP([13, 0, 1]), ValueError, r"sizes\[1\] must be a positive integer"),
    (lambda: nn.MLP([2, 1], activation="rlu"), ValueError,
     "activation must be one of .* received activation='rlu'"),
    (lambda: nn.MLP([2, 1], activation=nn.ReLU()), TypeError, "activation must be a name or a "
                                                              "Module class, not an instance"),
    (lambda: nn.MLP([2, 1], activation=3), TypeError, "activation must be a name"),
    (lambda: nn.MLP([2, 1], output_activation="maxout"), ValueError,
     "output_activation must not be 'maxout'"),
    (lambda: nn.MLP([2, 1], output_activation="soft"), ValueError,
     "output_activation must be one of"),
    (lambda: nn.MLP([2, 1], dropout=1.5), ValueError, "dropout must be in the range"),
    (lambda: nn.MLP([2, 1], init="uniform"), ValueError, "init must be one of"),
    (lambda: nn.MLP([2, 1], rng=-1), ValueError, "rng must be a non-negative integer seed"),
    (lambda: nn.Sequential(nn.ReLU(), "relu"), TypeError, "layer 1 must be a badak.nn.Module"),
    (lambda: nn.ReLU().train("yes"), TypeError, "mode must be a bool"),
    (lambda: nn.Linear(2, 1).to("int32"), TypeError, "dtype must be a floating-point dtype"),
    (lambda: nn.Linear(2, 1).load_state_dict({}, strict=1), TypeError, "strict must be a bool"),
    (lambda: nn.Parameter([1.0], dtype="int64"), TypeError, "dtype must be a floating-point"),
    (lambda: nn.Linear(2, 1).register_parameter("w", badak.tensor([1.0])), TypeError,
     "param must be a badak.nn.Parameter or None"),
]


@pytest.mark.parametrize("make, error, match", BAD_ARGUMENTS)
def test_bad_arguments_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ---------------------------------------------------------------------------- learning


def test_mlp_learns_xor():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    t = np.array([[0], [1], [1], [0]], dtype=np.float32)
    model = nn.MLP([2, 8, 1], "tanh", rng=0)
    loss_fn = nn.BCEWithLogitsLoss()
    lr = 0.5
    first = None
    for _ in range(300):  # full-batch gradient descent: p <- p - lr * dL/dp
        model.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        first = loss.item() if first is None else first
        with badak.no_grad():
            for p in model.parameters():
                p.data -= lr * p.grad.data
    predicted = (model(x).data > 0).astype(np.float32)  # logit > 0 <=> sigmoid > 0.5
    assert np.array_equal(predicted, t)
    assert loss.item() < 0.1 < first


def test_replacing_a_parameter_or_a_layer_keeps_its_place():
    layer = nn.Linear(3, 2, rng=0)
    layer.weight = nn.Parameter(np.zeros((3, 2), np.float32))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=0))
    setattr(model, "1", nn.Tanh())
    assert [type(m).__name__ for m in model] == ["Linear", "Tanh", "Linear"]
