"""Tests of badak.lecture.diagnose: gradient norms, vanishing gradients, dead and saturated
units."""

import numpy as np
import pytest

import badak
import badak.nn as nn
from badak.lecture import diagnose


@pytest.fixture
def batch():
    return np.random.default_rng(0).standard_normal((32, 5)).astype(np.float32)


def test_gradient_norms_match_the_weight_gradients(batch):
    model = nn.MLP([5, 4, 1], rng=0)
    loss = (model(batch) ** 2).mean()
    loss.backward()
    norms = diagnose.gradient_norms(model)
    assert [name for name, _ in norms] == ["0 (Linear)", "2 (Linear)"]
    for (_, value), layer in zip(norms, [model[0], model[2]]):
        assert value == pytest.approx(np.sqrt((layer.weight.grad.data.astype(float) ** 2).sum()))


def test_gradient_norms_before_backward_is_an_error():
    with pytest.raises(ValueError, match=r"0 \(Linear\) has no gradient yet.*backward"):
        diagnose.gradient_norms(nn.MLP([3, 2, 1], rng=0))


@pytest.mark.parametrize("model", [nn.ReLU(), nn.Sequential(nn.Tanh())])
def test_gradient_norms_of_a_model_without_weights_is_an_error(model):
    with pytest.raises(ValueError, match="no layers with a weight matrix"):
        diagnose.gradient_norms(model)


def test_gradient_norms_needs_a_module():
    with pytest.raises(TypeError, match="badak.nn.Module"):
        diagnose.gradient_norms("model")


def test_sigmoid_gradients_vanish_toward_the_input_and_relu_ones_do_not():
    sigmoid = [v for _, v in diagnose.vanishing_gradients("sigmoid", depth=10)]
    relu = [v for _, v in diagnose.vanishing_gradients("relu", depth=10)]
    assert len(sigmoid) == len(relu) == 10
    # Each sigmoid layer multiplies the gradient by sigma' <= 0.25: over 9 layers, < 1e-4.
    assert sigmoid[0] < 1e-4 * sigmoid[-1]
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:]))  # shrinking toward the input
    assert relu[0] > 1e-1 * relu[-1]


def test_vanishing_gradients_is_reproducible_and_checks_its_arguments():
    assert diagnose.vanishing_gradients("tanh", depth=3, width=8, batch=4, rng=1) == \
        diagnose.vanishing_gradients("tanh", depth=3, width=8, batch=4, rng=1)
    with pytest.raises(ValueError, match="depth must be at least 2"):
        diagnose.vanishing_gradients(depth=1)
    with pytest.raises(ValueError, match="width"):
        diagnose.vanishing_gradients(width=0)
    with pytest.raises(ValueError, match="activation"):
        diagnose.vanishing_gradients("sigmoidd")


def test_layer_outputs_walks_nested_sequentials_and_restores_the_mode(batch):
    model = nn.Sequential(nn.MLP([5, 3, 2], rng=0), nn.Dropout(0.5), nn.Sigmoid())
    outputs = diagnose.layer_outputs(model, batch)
    assert [name for name, _, _ in outputs] == \
        ["0.0 (Linear)", "0.1 (ReLU)", "0.2 (Linear)", "1 (Dropout)", "2 (Sigmoid)"]
    assert outputs[-1][2].shape == (32, 2)
    # Evaluation mode: dropout passes its input through unchanged.
    np.testing.assert_array_equal(outputs[3][2], outputs[2][2])
    assert model.training
    with pytest.raises(TypeError, match="Sequential"):
        diagnose.layer_outputs(nn.Linear(5, 1, rng=0), batch)


def test_a_relu_layer_with_a_large_negative_bias_is_reported_all_dead(batch):
    model = nn.MLP([5, 8, 6, 1], rng=0)
    model[2].bias.data[:] = -1000.0  # the second hidden layer's inputs are all negative
    report = diagnose.dead_units(model, batch)
    first, second = report.layers
    assert (second.name, second.units, second.flagged) == ("3 (ReLU)", 6, 6)
    assert second.unit_fraction == 1.0 and second.output_fraction == 1.0
    assert first.flagged == 0
    assert report.overall == pytest.approx(6 / 14)
    assert report.samples == 32
    text = str(report)
    assert "3 (ReLU)" in text and "100.0%" in text
    assert report.to_markdown().startswith("| layer | units | dead |")


def test_dead_units_counts_a_unit_dead_only_if_zero_for_every_sample():
    model = nn.Sequential(nn.ReLU())
    x = np.array([[-1.0, 2.0, -3.0], [-1.0, -2.0, 0.0]])  # unit 0 and unit 2 dead, unit 1 alive
    report = diagnose.dead_units(model, x)
    (layer,) = report.layers
    assert (layer.flagged, layer.units) == (2, 3)
    assert layer.output_fraction == pytest.approx(5 / 6)


def test_saturation_of_sigmoid_and_tanh_units():
    model = nn.Sequential(nn.Sigmoid(), nn.Tanh())
    # sigmoid(±10) is 4.5e-5 / 0.99995: saturated; sigmoid(0) = 0.5 is not.
    x = np.array([[10.0, -10.0, 0.0], [10.0, 0.0, 0.0]])
    report = diagnose.saturated_units(model, x)
    sig, tanh = report.layers
    assert (sig.name, sig.flagged) == ("0 (Sigmoid)", 1)  # only unit 0 is saturated on both rows
    assert sig.output_fraction == pytest.approx(3 / 6)
    # tanh of sigmoid outputs in (0, 1) never exceeds tanh(1) = 0.76: nothing saturated.
    assert (tanh.name, tanh.flagged, tanh.output_fraction) == ("1 (Tanh)", 0, 0.0)
    strict = diagnose.saturated_units(nn.Sequential(nn.Tanh()), np.array([[3.0, 2.0]]),
                                      threshold=0.98)
    assert strict.layers[0].flagged == 1  # tanh 3 = 0.995 > 0.98, tanh 2 = 0.964 is not


def test_large_weights_saturate_a_sigmoid_network(batch):
    model = nn.MLP([5, 16, 1], activation="sigmoid", rng=0)
    calm = diagnose.saturated_units(model, batch).output_fraction
    model[0].weight.data *= 100.0
    assert diagnose.saturated_units(model, batch).output_fraction > 0.8 > calm


@pytest.mark.parametrize("threshold", [0.5, 1.0, 2.0])
def test_saturated_units_checks_the_threshold(threshold, batch):
    with pytest.raises(ValueError, match="threshold"):
        diagnose.saturated_units(nn.MLP([5, 2], rng=0), batch, threshold=threshold)


@pytest.mark.parametrize("check, kind", [(diagnose.dead_units, "ReLU"),
                                         (diagnose.saturated_units, "Sigmoid, Tanh")])
def test_a_model_without_the_inspected_layers_is_an_error(check, kind, batch):
    with pytest.raises(ValueError, match=f"no {kind} layers"):
        check(nn.Sequential(nn.Linear(5, 2, rng=0)), batch)


def test_plots_are_written(tmp_path, batch):
    pytest.importorskip("matplotlib")
    path = tmp_path / "norms.png"
    fig = diagnose.plot_gradient_norms(
        {"sigmoid": diagnose.vanishing_gradients("sigmoid", depth=4, width=8, batch=4),
         "plain": [1.0, 0.1, 0.01]}, path=path)
    assert path.stat().st_size > 0
    assert fig.axes[0].get_yscale() == "log"
    model = nn.MLP([5, 4, 1], rng=0)
    health = tmp_path / "health.png"
    diagnose.plot_unit_health(diagnose.dead_units(model, batch), path=health)
    assert health.stat().st_size > 0
    with pytest.raises(ValueError, match="finite non-negative"):
        diagnose.plot_gradient_norms({"bad": [1.0, float("nan")]})
    with pytest.raises(ValueError, match="UnitReport"):
        diagnose.plot_unit_health({})


def test_lazy_export():
    assert badak.diagnose is diagnose
