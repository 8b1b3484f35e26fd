"""Divergence in ``fit`` (issue 7), exactly: it stops at once, says where, and keeps the last
finite weights.

The loss is made NaN at a chosen step (a loss that counts its calls), so the test knows which
step was the last good one. "The last finite weights" are, as fit documents, the weights of the last
step whose loss was finite: those that step's loss was computed with, before its update (the update
that followed led to the NaN). The reference is the same run stopped by an ordinary exception at
that step's loss, before its update. The case of a real overflow (lr far too large) is in
tests/test_training.py.
"""

import math

import numpy as np
import pytest

import badak.functional as F
from badak import nn, optim
from badak.training import Callback, DivergenceError, fit

N, BATCH, EPOCHS = 40, 16, 5          # 3 steps an epoch: 16, 16, 8


class Stop(Exception):
    pass


class Sabotaged:
    """MSE, except that call ``at`` (call 1 is fit's probe of the shapes) returns NaN, or raises
    Stop when ``stop`` is set."""

    def __init__(self, at, stop=False):
        self.at, self.stop, self.calls = at, stop, 0

    def __call__(self, prediction, target):
        self.calls += 1
        loss = F.mse_loss(prediction, target)
        if self.calls == self.at:
            if self.stop:
                raise Stop
            return loss * float("nan")
        return loss


class Epochs(Callback):
    def __init__(self):
        self.ended, self.train_ended = [], False

    def on_epoch_end(self, epoch, logs):
        self.ended.append(epoch)

    def on_train_end(self):
        self.train_ended = True


def run(loss, optimizer_class=optim.SGD):
    g = np.random.default_rng(0)
    x = g.normal(size=(N, 3))
    y = x.sum(axis=1)
    model = nn.MLP([3, 8, 1], rng=1)
    optimizer = optimizer_class(model.parameters(), lr=0.05)
    epochs = Epochs()
    try:
        fit(model, x, y, loss=loss, optimizer=optimizer, epochs=EPOCHS, batch_size=BATCH,
            rng=2, callbacks=[epochs], verbose=0)
    except (DivergenceError, Stop) as e:
        return model, optimizer, epochs, e
    raise AssertionError("fit did not stop")


@pytest.mark.parametrize("global_step, epoch, step", [(1, 1, 1), (3, 1, 3), (7, 3, 1), (11, 4, 2)])
def test_nan_loss_stops_at_once_names_epoch_and_step_and_keeps_last_finite_weights(
        global_step, epoch, step):
    model, optimizer, epochs, err = run(Sabotaged(global_step + 1))
    assert isinstance(err, DivergenceError) and isinstance(err, ValueError)
    assert (err.epoch, err.step) == (epoch, step) and math.isnan(err.loss)
    message = str(err)
    assert f"at epoch {epoch}/{EPOCHS}, step {step}/3" in message
    assert "smaller learning rate than lr=0.05" in message
    assert "clipnorm" in message and "clipvalue" in message
    assert "last finite weights" in message
    # stopped at once: no update in the bad step, no epoch ended after it, no on_train_end
    assert optimizer.step_count == global_step - 1
    assert epochs.ended == list(range(epoch - 1)) and not epochs.train_ended   # from 0
    # the weights are exactly those of the last step with a finite loss, before its update (the
    # same run stopped at that loss; for the very first step, the initial weights)
    reference, _, _, stop = run(Sabotaged(global_step, stop=True))
    assert isinstance(stop, Stop)
    for (name, got), want in zip(model.state_dict().items(), reference.state_dict().values()):
        assert np.array_equal(got, want), name
        assert np.isfinite(got).all()
    assert model.training                   # the mode fit found it in


class BreaksAt(optim.SGD):
    """SGD whose update number ``at`` writes inf into the first weight matrix: the loss before
    it was finite, the weights after it are not."""

    at = 3 * EPOCHS                          # the very last step of the run

    def step(self):
        super().step()
        if self.step_count == self.at:
            self.params[0].data[0, 0] = np.inf


def test_non_finite_weights_after_the_last_step_are_caught_and_rolled_back():
    model, optimizer, epochs, err = run(lambda p, t: F.mse_loss(p, t), BreaksAt)
    assert isinstance(err, DivergenceError)
    assert (err.epoch, err.step) == (EPOCHS, 0)
    assert f"at epoch {EPOCHS}/{EPOCHS}, the weights after step 3/3" in str(err)
    assert "smaller learning rate" in str(err)
    assert epochs.ended == list(range(EPOCHS - 1)) and not epochs.train_ended   # from 0
    # rolled back to the weights before the breaking update
    reference, _, _, stop = run(Sabotaged(3 * EPOCHS + 1, stop=True))
    assert isinstance(stop, Stop)
    for got, want in zip(model.state_dict().values(), reference.state_dict().values()):
        assert np.array_equal(got, want)
