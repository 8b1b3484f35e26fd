"""ModuleList, ModuleDict, Sequential from an OrderedDict, forward hooks (and the fused runs they
must bypass), apply, Flatten, Softmax(dim), the in-place initialisers and model.summary()."""

from collections import OrderedDict

import numpy as np
import pytest

import badak
from badak import nn


def _mlp():
    return nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1), nn.Tanh())


def test_hooks_on_layers_inside_a_sequential():
    model = _mlp()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    plain = model(x).data
    seen = []
    h1 = model[1].register_forward_hook(lambda m, args, out: seen.append(out.data.copy()))
    h2 = model[0].register_forward_pre_hook(lambda m, args: seen.append(np.array(args[0])))
    np.testing.assert_array_equal(model(x).data, plain)
    assert len(seen) == 2
    np.testing.assert_array_equal(seen[0], x)                              # the input of layer 0
    np.testing.assert_array_equal(seen[1], np.maximum(x @ model[0].weight.data
                                                      + model[0].bias.data, 0))
    # a hook may replace the output; removing it restores the old result
    h3 = model[3].register_forward_hook(lambda m, args, out: out * 0)
    assert not model(x).data.any()
    for h in (h1, h2, h3):
        h.remove()
    h1.remove()  # twice: nothing happens
    seen.clear()
    np.testing.assert_array_equal(model(x).data, plain)
    assert seen == []


def test_pre_hook_may_replace_the_input_and_handles_work_as_context_managers():
    lin = nn.Linear(2, 1, rng=0)
    with lin.register_forward_pre_hook(lambda m, args: badak.tensor(np.zeros((1, 2), np.float32))):
        np.testing.assert_allclose(lin(np.ones((1, 2), np.float32)).data, lin.bias.data[None])
    assert not lin._forward_pre_hooks


def test_apply_visits_children_first_then_self():
    model = _mlp()
    order = []
    assert model.apply(lambda m: order.append(type(m).__name__)) is model
    assert order == ["Linear", "ReLU", "Linear", "Tanh", "Sequential"]

    def init(m):
        if type(m) is nn.Linear:
            nn.init.zeros_(m.bias)
            nn.init.constant_(m.weight, 0.5)

    model.apply(init)
    assert (model[2].weight.data == 0.5).all() and not model[0].bias.data.any()


def test_module_list_and_dict_behave_like_pytorchs():
    layers = nn.ModuleList([nn.Linear(2, 2, rng=0)])
    layers.append(nn.ReLU()).extend([nn.Linear(2, 1, rng=1)])
    assert len(layers) == 3 and type(layers[-1]) is nn.Linear and len(layers[1:]) == 2
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                         "2.bias"]
    heads = nn.ModuleDict({"a": nn.Linear(2, 1, rng=0)})
    heads["b"] = nn.Tanh()
    assert list(heads) == ["a", "b"] and "b" in heads and heads.keys() == ["a", "b"]
    del heads["b"]
    assert len(heads) == 1
    for container in (layers, nn.ModuleDict({"x": nn.Linear(2, 3, rng=0), "y": nn.ReLU()}),
                      nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2, rng=0)),
                                                 ("act", nn.ReLU())]))):
        twin = nn.module_from_config(nn.module_to_config(container))
        assert repr(twin) == repr(container)
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2, rng=0)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and named.fc is named[0]


def test_flatten_and_softmax_dim():
    x = badak.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    badak.gradcheck(lambda a: (nn.Flatten()(a) ** 2).sum(), [x])
    s = nn.Softmax(dim=1)(badak.tensor(np.zeros((2, 3, 4))))
    np.testing.assert_allclose(s.data.sum(axis=1), np.ones((2, 4)))
    assert nn.Softmax(dim=0).axis == 0 and nn.Softmax(axis=2).dim == 2 and nn.Softmax().dim == -1


def test_summary_and_parameter_count():
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3, rng=0), nn.ReLU(), nn.Linear(3, 2, rng=1))
    model[3].bias.requires_grad = False
    text = model.summary((2, 2, 2))
    lines = text.splitlines()
    assert lines[0] == "Model: Sequential"
    assert lines[2].split() == ["Layer", "Type", "Output", "shape", "Param", "#"]
    assert lines[4].split() == ["0", "Flatten", "(2,", "4)", "0"]
    assert lines[5].split() == ["1", "Linear", "(2,", "3)", "15"]
    assert "Total params: 23" in text and "Trainable params: 21" in text
    assert "Non-trainable params: 2" in text
    assert model.num_parameters() == 23 and model.num_parameters(trainable_only=True) == 21
    assert "Output shape" not in model.summary()
    assert model.training  # summary ran it in eval mode and put it back


def test_summary_takes_keras_none_batch():
    model = nn.MLP([13, 64, 1], rng=0)
    lines = model.summary((None, 13)).splitlines()
    assert lines[4].split() == ["0", "Linear", "(None,", "64)", "896"]
    assert lines[-1] == "Input shape: (None, 13) -> output shape: (None, 1)"


BAD = [
    ("buffer name with a dot", lambda: nn.Linear(2, 2).register_buffer("a.b", np.zeros(1)),
     ValueError, r"name must be a non-empty string without '\.'; received name='a\.b'"),
    ("buffer name taken", lambda: nn.Linear(2, 2).register_buffer("weight", np.zeros(1)),
     KeyError, r"attribute 'weight' already exists in Linear; a buffer needs a new name"),
    ("buffer a parameter", lambda: nn.Linear(2, 2).register_buffer(
        "p", nn.Parameter(np.zeros(1))), TypeError, r"cannot use a Parameter as the buffer 'p'"),
    ("buffer strings", lambda: nn.Linear(2, 2).register_buffer("s", ["x"]), TypeError,
     r"buffer 's' must be a Tensor or an array of numbers; received list of dtype <U1"),
    ("hook not callable", lambda: nn.ReLU().register_forward_hook(3), TypeError,
     r"hook must be callable; received int"),
    ("apply not callable", lambda: nn.ReLU().apply("init"), TypeError,
     r"fn must be callable \(it receives each module\); received str"),
    ("module list item", lambda: nn.ModuleList([nn.ReLU(), 3]), TypeError,
     r"module 1 must be a badak.nn.Module; received int"),
    ("module list forward", lambda: nn.ModuleList([nn.ReLU()])(1), NotImplementedError,
     r"ModuleList has no forward"),
    ("module dict key", lambda: nn.ModuleDict({"a.b": nn.ReLU()}), ValueError,
     r"module names must be non-empty strings without '\.'; received 'a\.b'"),
    ("module dict missing", lambda: nn.ModuleDict({"a": nn.ReLU()})["b"], KeyError,
     r"no module named 'b'; the keys are \['a'\]"),
    ("sequential dict value", lambda: nn.Sequential(OrderedDict([("fc", 3)])), TypeError,
     r"layer 'fc' must be a badak.nn.Module; received int"),
    ("flatten dims", lambda: nn.Flatten(2)(np.ones((2, 3))), ValueError,
     r"Flatten\(start_dim=2, end_dim=-1\) does not fit an input of shape \(2, 3\) \(2 axes\)"),
    ("softmax dim and axis", lambda: nn.Softmax(dim=1, axis=0), ValueError,
     r"give dim or axis, not both; received dim=1, axis=0"),
    ("softmax dim float", lambda: nn.Softmax(dim=1.0), TypeError,
     r"dim must be an integer; received dim=1\.0"),
    ("init fans 1-D", lambda: nn.init.xavier_uniform_(nn.Linear(2, 2).bias), ValueError,
     r"fan in and fan out can only be computed for a 2-D weight \(in, out\); received a tensor "
     r"of shape \(2,\)"),
    ("init an array", lambda: nn.init.zeros_(np.zeros(2)), TypeError,
     r"tensor must be a badak Tensor \(e\.g\. layer\.weight\); received ndarray"),
    ("init mode", lambda: nn.init.kaiming_normal_(nn.Linear(2, 2).weight, mode="in"),
     ValueError, r"mode must be one of \{'fan_in', 'fan_out'\}; received mode='in'"),
    ("init nonlinearity", lambda: nn.init.calculate_gain("gelu"), ValueError,
     r"nonlinearity must be one of \{.*'relu'.*\}; received nonlinearity='gelu'"),
    ("uniform a > b", lambda: nn.init.uniform_(nn.Linear(2, 2).weight, 1.0, 0.0), ValueError,
     r"uniform_ needs a <= b; received a=1\.0, b=0\.0"),
    ("normal std", lambda: nn.init.normal_(nn.Linear(2, 2).weight, std=-1), ValueError,
     r"std must be >= 0\.0; received std=-1\.0"),
    ("num_parameters flag", lambda: nn.Linear(2, 2).num_parameters("yes"), TypeError,
     r"trainable_only must be a bool \(True or False\); received trainable_only='yes'"),
    ("summary shape", lambda: nn.Linear(2, 2).summary((0, 2)), ValueError,
     r"input_shape must be a tuple of positive integers, the shape of a batch such as "
     r"\(1, 13\) or \(None, 13\); received input_shape=\(0, 2\)"),
    ("summary shape None inside", lambda: nn.Linear(2, 2).summary((1, None)), ValueError,
     r"received input_shape=\(1, None\)"),
]


@pytest.mark.parametrize(("case", "make", "exc", "match"), BAD, ids=[c[0] for c in BAD])
def test_bad_arguments_are_refused(case, make, exc, match):
    with pytest.raises(exc, match=match):
        make()
