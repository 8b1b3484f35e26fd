"""fit(..., compile=True), the default, trains bit-identical to compile=False (every step eager)."""

import numpy as np
import pytest

import badak
from badak import nn
from badak.training.fit import DivergenceError


def _data(n=70, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    y = rng.normal(size=(n,)).astype(np.float32)
    return x, y, rng.integers(0, 3, n)


def _model(out):
    return nn.Sequential(nn.Linear(5, 8, rng=0), nn.Tanh(), nn.Dropout(0.2, rng=3),
                         nn.Linear(8, out, rng=1))


def _both(out, *args, **kwargs):
    runs = []
    for compile in (False, True):
        model = _model(out)
        history = badak.fit(model, *args, rng=0, verbose=0, compile=compile, **kwargs)
        runs.append((history, [p.data.copy() for p in model.parameters()]))
    (h0, w0), (h1, w1) = runs
    assert h0.history == h1.history
    for a, b in zip(w0, w1):
        np.testing.assert_array_equal(a, b)
    return h1


@pytest.mark.parametrize("case", ["mse", "cross_entropy", "sample_weight", "class_weight",
                                  "clipnorm_adam", "clipvalue_validation"])
def test_fit_compiled_is_bit_identical_to_eager(case):
    x, y, labels = _data()
    kw = dict(epochs=4, batch_size=16)  # 70 samples: a last batch of 6
    if case == "mse":
        _both(1, x, y, loss="mse", **kw)
    elif case == "cross_entropy":
        _both(3, x, labels, loss="cross_entropy", **kw)
    elif case == "sample_weight":
        _both(1, x, y, loss="mse", sample_weight=np.linspace(0, 1, 70), **kw)
    elif case == "class_weight":  # computed with NumPy in the loss: eager by itself, same numbers
        _both(3, x, labels, loss="cross_entropy", class_weight={0: 1.0, 1: 2.0, 2: 0.5}, **kw)
    elif case == "clipnorm_adam":
        _both(1, x, y, loss="mse", optimizer="adam", clipnorm=0.1, **kw)
    else:
        _both(1, x, y, loss="l1", clipvalue=0.01, validation_split=0.2, metrics=["mae"], **kw)


def test_fit_replays_by_default(monkeypatch):
    import badak.replay

    made = []
    real = badak.replay.compile

    def spy(step, **kwargs):
        made.append(real(step, **kwargs))
        return made[-1]

    monkeypatch.setattr(badak.replay, "compile", spy)
    x, y, _ = _data()
    badak.fit(_model(1), x, y, epochs=3, batch_size=16, verbose=0)
    assert made and made[0].replays == 15 - 4  # 5 steps an epoch; 2 shapes, 2 recordings each
    badak.fit(_model(1), x, y, epochs=3, batch_size=16, verbose=0, compile=False)
    assert len(made) == 1


def test_fit_compiled_divergence_restores_the_same_weights():
    x, y, _ = _data()
    y = y * 100  # with lr=1.0: inf at epoch 6, step 2 (a replayed step)
    errors, weights = [], []
    for compile in (False, True):
        model = _model(1)
        with pytest.raises(DivergenceError) as err:
            badak.fit(model, x, y, optimizer="sgd", lr=1.0, epochs=20, batch_size=16, rng=0,
                      verbose=0, compile=compile)
        errors.append(str(err.value))
        weights.append([p.data.copy() for p in model.parameters()])
    assert errors[0] == errors[1] and "epoch 6/20, step 2/5" in errors[0]
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_fit_compile_must_be_a_bool():
    x, y, _ = _data()
    with pytest.raises(TypeError, match="compile"):
        badak.fit(_model(1), x, y, verbose=0, compile="yes")


def test_fit_trains_a_custom_loss_or_module_eagerly(monkeypatch):
    # their Python might do more than their ops (here: count calls), which a replay would skip
    import badak.replay

    made = []
    monkeypatch.setattr(badak.replay, "compile", lambda step, **kw: made.append(step))
    calls = []

    def counting_mse(prediction, target):
        calls.append(1)
        return badak.functional.mse_loss(prediction, target)

    x, y, _ = _data()
    badak.fit(_model(1), x, y, loss=counting_mse, epochs=2, batch_size=16, verbose=0)
    assert made == [] and len(calls) == 2 * 5 + 1  # (+1: fit's check of the output shape)

    class Twice(nn.Module):
        def forward(self, x):
            return x * 2.0

    model = nn.Sequential(nn.Linear(5, 1, rng=0), Twice())
    badak.fit(model, x, y, epochs=1, verbose=0)
    assert made == []


def test_fit_compiled_memory_stays_flat():
    import gc
    import tracemalloc

    from badak.training import Callback

    class Memory(Callback):
        def __init__(self):
            self.at = {}

        def on_epoch_end(self, epoch, logs):
            if epoch + 1 in (20, 200):
                gc.collect()  # (empties CPython's free lists, which fill up to a bound)
                self.at[epoch + 1] = tracemalloc.get_traced_memory()[0]

    g = np.random.default_rng(0)
    x = g.normal(size=(64, 4))
    y = np.sin(x).sum(axis=1)
    model = nn.MLP([4, 32, 32, 1], activation="tanh", dropout=0.1, rng=1)
    memory = Memory()
    tracemalloc.start()
    try:
        badak.fit(model, x, y, optimizer="adam", epochs=200, batch_size=16, rng=2,
                  callbacks=[memory], verbose=0)
    finally:
        tracemalloc.stop()
    assert memory.at[200] - memory.at[20] < 64 * 1024  # the History: about 20 KB
