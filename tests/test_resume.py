"""Resuming ``fit`` from a ModelCheckpoint file (issue 7): same weights, bit for bit.

A run that saves a checkpoint after every epoch is stopped after epoch k (here by a callback that
raises, as a crash would; at the end, a real process killed with SIGKILL). Loading the
file, restoring the optimizer's state and the generator that shuffles the batches and draws the
dropout masks, and calling ``fit(..., initial_epoch=ckpt.epoch)`` must end with exactly the weights,
and the losses, of the run that was never interrupted.
"""

import os
import random
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from badak import nn, optim
from badak.persistence import load, load_checkpoint
from badak.training import Callback, ModelCheckpoint, fit
from helpers import run_and_kill

EPOCHS = 8


class Crash(Exception):
    pass


class CrashAfter(Callback):
    """Raise after ``epoch`` epochs are done, at the start of the next (whose index, counted
    from 0 as in Keras, is ``epoch``): the checkpoint of ``epoch`` epochs is on disk."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_begin(self, epoch):
        if epoch == self.epoch:
            raise Crash(epoch)


def data():
    g = np.random.default_rng(0)
    x = g.normal(size=(60, 3))
    return x, np.sin(x).sum(axis=1)


def train(path, callbacks=(), ckpt=None):
    """The run: a fresh one (ckpt None) or one resumed from ``ckpt``."""
    x, y = data()
    if ckpt is None:
        rng = np.random.default_rng(1234)  # initial weights, dropout masks and shuffling
        model = nn.MLP([3, 16, 16, 1], activation="tanh", dropout=0.2, rng=rng)
        optimizer = optim.Adam(model.parameters(), lr=1e-2)
        start = 0
    else:
        model, rng = ckpt.model, ckpt.generator()
        for m in model.modules():  # the masks come from the restored generator again
            if isinstance(m, nn.Dropout):
                m.rng = rng
        optimizer = ckpt.restore_optimizer(optim.Adam(model.parameters(), lr=1e-2))
        start = ckpt.epoch
    history = fit(model, x, y, optimizer=optimizer, epochs=EPOCHS, batch_size=16, rng=rng,
                  verbose=0, initial_epoch=start,
                  callbacks=[ModelCheckpoint(path, monitor="loss"), *callbacks])
    return model, optimizer, history


@pytest.mark.parametrize("stop_after", [1, 5, EPOCHS - 1])
def test_resumed_fit_ends_with_the_weights_of_an_uninterrupted_run(tmp_path, stop_after):
    model, optimizer, history = train(tmp_path / "straight.npz")

    path = tmp_path / "run.npz"
    with pytest.raises(Crash):
        train(path, callbacks=[CrashAfter(stop_after)])
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == stop_after
    # not trivially: the checkpoint's weights are not yet the final ones
    assert not np.array_equal(ckpt.model.state_dict()["0.weight"], model.state_dict()["0.weight"])

    resumed, resumed_optimizer, rest = train(path, ckpt=ckpt)
    expected = model.state_dict()
    got = resumed.state_dict()
    assert list(got) == list(expected)
    for name in expected:
        assert np.array_equal(got[name], expected[name]), name
    assert resumed_optimizer.step_count == optimizer.step_count == EPOCHS * 4   # 60 rows / 16
    # the resumed History numbers its epochs on and its losses are the straight run's
    assert rest.epoch == list(range(stop_after, EPOCHS))          # from 0, as in Keras
    assert rest.history["loss"] == history.history["loss"][stop_after:]
    assert rest.params["initial_epoch"] == stop_after
    # and the checkpoint it kept writing is the final state
    assert load_checkpoint(path).epoch == EPOCHS


def test_without_the_restored_generator_the_run_differs(tmp_path):
    """The generator matters: resuming with a fresh seed gives other weights (so the test above
    checks something)."""
    model, _, _ = train(tmp_path / "straight.npz")
    path = tmp_path / "run.npz"
    with pytest.raises(Crash):
        train(path, callbacks=[CrashAfter(3)])
    ckpt = load_checkpoint(path)
    x, y = data()
    other = ckpt.model
    opt = ckpt.restore_optimizer(optim.Adam(other.parameters(), lr=1e-2))
    fit(other, x, y, optimizer=opt, epochs=EPOCHS, batch_size=16, rng=99, verbose=0,
        initial_epoch=3)
    assert not np.array_equal(other.state_dict()["0.weight"], model.state_dict()["0.weight"])


def test_initial_epoch_equal_to_epochs_trains_nothing():
    x, y = data()
    model = nn.MLP([3, 4, 1], rng=0)
    before = model.state_dict()
    history = fit(model, x, y, epochs=3, initial_epoch=3, verbose=0)
    assert len(history) == 0 and history.epoch == []
    assert all(np.array_equal(v, model.state_dict()[k]) for k, v in before.items())


@pytest.mark.parametrize("initial_epoch, error, message", [
    (-1, ValueError, r"initial_epoch must be a non-negative integer; received initial_epoch=-1"),
    (4, ValueError, r"initial_epoch must be at most epochs=3 .*received initial_epoch=4"),
    (1.0, TypeError, r"initial_epoch must be a non-negative integer; received initial_epoch=1.0"),
])
def test_bad_initial_epoch(initial_epoch, error, message):
    x, y = data()
    with pytest.raises(error, match=message):
        fit(nn.MLP([3, 4, 1], rng=0), x, y, epochs=3, initial_epoch=initial_epoch, verbose=0)


# ---------------------------------------------------------------- a real kill -9, through fit
SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    from badak import nn, optim
    from badak.persistence import load_checkpoint, save
    from badak.training import ModelCheckpoint, fit

    mode, checkpoint, final, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    g = np.random.default_rng(0)
    x = g.normal(size=(128, 3))
    y = np.sin(x).sum(axis=1)
    if mode == "fresh":
        rng = np.random.default_rng(1234)
        model = nn.MLP([3, 32, 32, 1], activation="tanh", dropout=0.1, rng=rng)
        optimizer, start = optim.Adam(model.parameters(), lr=1e-2), 0
    else:
        ckpt = load_checkpoint(checkpoint)
        model, rng, start = ckpt.model, ckpt.generator(), ckpt.epoch
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.rng = rng
        optimizer = ckpt.restore_optimizer(optim.Adam(model.parameters(), lr=1e-2))
    began = time.perf_counter()
    fit(model, x, y, optimizer=optimizer, epochs=epochs, batch_size=16, rng=rng, verbose=0,
        initial_epoch=start, callbacks=[ModelCheckpoint(checkpoint, monitor="loss")])
    save(model, final)
    print(f"{time.perf_counter() - began:.4f}")
""")
KILL_EPOCHS = 120


def _python(*args):
    done = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_fit_killed_with_sigkill_resumes_to_identical_weights(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    seconds = _python(script, "fresh", tmp_path / "straight.npz", tmp_path / "straight-final.npz",
                      KILL_EPOCHS)
    expected = load(tmp_path / "straight-final.npz").state_dict()

    checkpoint, final = tmp_path / "run.npz", tmp_path / "run-final.npz"
    moments = random.Random(os.urandom(8))
    delay = moments.uniform(0.0, 0.5 * seconds)
    for _ in range(4):             # should a fast machine finish first, try again sooner
        returncode = run_and_kill([script, "fresh", checkpoint, final, KILL_EPOCHS],
                                  checkpoint.exists, delay)
        if returncode == -signal.SIGKILL:
            break
        checkpoint.unlink()
        final.unlink()
        delay /= 4
    assert returncode == -signal.SIGKILL, "four runs ended before they could be killed"
    killed_at = load_checkpoint(checkpoint).epoch      # the file under the name always loads
    assert 1 <= killed_at <= KILL_EPOCHS
    final.unlink(missing_ok=True)                      # in case the kill came after the end
    _python(script, "resume", checkpoint, final, KILL_EPOCHS)
    resumed = load(final).state_dict()
    for name in expected:
        assert np.array_equal(resumed[name], expected[name]), \
            f"{name} differs after a kill {delay:.3f} s after the first checkpoint (epoch " \
            f"{killed_at} of {KILL_EPOCHS})"
