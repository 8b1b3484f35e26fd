"""The reference experiment's definition: the Keras model and the final protocol."""

import numpy as np

from badak import nn
from badak.lecture.reference import boston_final, build_boston_model


def test_boston_model_is_the_notebooks():
    model = build_boston_model(rng=0)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(13, 64), (64, 64), (64, 1)]
    assert all(m.init == "glorot_uniform" for m in linears)
    assert sum(isinstance(m, nn.ReLU) for m in model) == 2
    assert all(not m.bias.data.any() for m in linears)
    again = build_boston_model(rng=0)
    for a, b in zip(model.parameters(), again.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_output_bias_option():
    assert build_boston_model(rng=0, output_bias=22.5)[-1].bias.data[0] == 22.5


def test_final_protocol_runs_and_is_reproducible():
    _, mae = boston_final(seed=3, epochs=2, batch_size=64)
    _, again = boston_final(seed=3, epochs=2, batch_size=64)
    assert np.isfinite(mae) and 0 < mae < 10 and mae == again
