"""The activation atlas: badak's backward derivatives match the textbook formulas."""

import matplotlib
import numpy as np
import pytest

from badak.lecture import atlas

matplotlib.use("Agg")

X = np.array([-3.0, -0.5, 0.25, 2.0])
SIG = 1 / (1 + np.exp(-X))
FORMULAS = {
    "step": (np.where(X > 0, 1.0, 0.0), np.zeros(4)),
    "sigmoid": (SIG, SIG * (1 - SIG)),
    "tanh": (np.tanh(X), 1 - np.tanh(X) ** 2),
    "relu": (np.maximum(X, 0), (X > 0).astype(float)),
    "leaky_relu": (np.where(X > 0, X, 0.01 * X), np.where(X > 0, 1, 0.01)),
    "prelu": (np.where(X > 0, X, 0.25 * X), np.where(X > 0, 1, 0.25)),
    "elu": (np.where(X > 0, X, np.expm1(X)), np.where(X > 0, 1, np.exp(X))),
    # the atlas' pieces are x and 0.5 - 0.5x (unlike PReLU's shape; issue 14)
    "maxout": (np.maximum(X, 0.5 - 0.5 * X), np.where(X > 1 / 3, 1, -0.5)),
}


@pytest.mark.parametrize("name", atlas.names())
def test_backward_derivative_matches_formula(name):
    y, dy = atlas.evaluate(name, X)
    np.testing.assert_allclose(y, FORMULAS[name][0], rtol=1e-12)
    np.testing.assert_allclose(dy, FORMULAS[name][1], rtol=1e-12)


def test_every_lecture_activation_is_in_the_atlas():
    assert atlas.names() == ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu",
                             "maxout"]


def test_tables():
    text = atlas.table()
    md = atlas.table("markdown")
    for name in atlas.names():
        assert name in text and f"| {name} |" in md
    assert "zero-centred" in text and "dying units" in md
    with pytest.raises(ValueError, match="format must be one of"):
        atlas.table("html")


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="received name='swish'"):
        atlas.evaluate("swish", X)


def test_plot_writes_a_picture(tmp_path):
    path = tmp_path / "atlas.png"
    fig = atlas.plot(path=path)
    assert len(fig.axes) == 8 and path.stat().st_size > 10_000
