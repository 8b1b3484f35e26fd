"""No leaks (issue 7): memory stays flat over a long training run, and backward frees the graph.

A 200-epoch ``fit`` (800 steps) is measured with ``tracemalloc`` (which sees NumPy's array
buffers too) after epoch 20 and after epoch 200. What may grow is the History: a few floats per
epoch. Every step builds a graph (the layers' outputs, the masks, the saved inputs); if one graph
per step stayed alive, the growth would be hundreds of kilobytes: a control run that keeps only
each step's prediction tensor alive shows the measurement sees that. The garbage collector is
switched off during the measured run, so "freed" means freed by reference counting, at once,
not by an eventual collection of reference cycles.
"""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import nn
from badak.autograd import graph_nodes, no_grad
from badak.training import Callback, fit

EPOCHS, FIRST = 200, 20
BOUND = 64 * 1024          # bytes of growth allowed between epoch 20 and 200 (History: ~20 KB)


class Memory(Callback):
    """Traced memory after epochs FIRST and EPOCHS."""

    def __init__(self):
        self.at = {}

    def on_epoch_end(self, epoch, logs):
        if epoch + 1 in (FIRST, EPOCHS):         # hooks count epochs from 0, as in Keras
            self.at[epoch + 1] = tracemalloc.get_traced_memory()[0]

    @property
    def growth(self):
        return self.at[EPOCHS] - self.at[FIRST]


class KeepPredictions:
    """An MSE loss that (wrongly) keeps every prediction it sees: a leak of one small tensor
    (16 x 1 floats) per step."""

    def __init__(self):
        self.kept = []

    def __call__(self, prediction, target):
        self.kept.append(prediction)
        return F.mse_loss(prediction, target)


def growth_over_training(loss):
    g = np.random.default_rng(0)
    x = g.normal(size=(64, 4))
    y = np.sin(x).sum(axis=1)
    model = nn.MLP([4, 32, 32, 1], activation="tanh", dropout=0.1, rng=1)
    memory = Memory()
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        fit(model, x, y, loss=loss, optimizer="adam", epochs=EPOCHS, batch_size=16,
            metrics=("mae",), validation_data=(x[:16], y[:16]), rng=2, callbacks=[memory],
            verbose=0, compile=False)  # the eager engine's graphs (replay: test_compile*.py)
    finally:
        tracemalloc.stop()
        gc.enable()
    return memory.growth


def test_memory_stays_flat_over_200_epochs():
    growth = growth_over_training("mse")
    assert growth < BOUND, f"traced memory grew by {growth} bytes from epoch {FIRST} to {EPOCHS}"


def test_the_measurement_sees_a_small_leak():
    leaky = KeepPredictions()
    growth = growth_over_training(leaky)
    # 4 steps and one validation pass an epoch, and fit's probes of the two target shapes
    assert len(leaky.kept) == EPOCHS * (4 + 1) + 2
    leaked = (EPOCHS - FIRST) * (4 + 1)
    assert growth > BOUND, f"a leak of {leaked} tensors went unseen ({growth} bytes)"


def _graph():
    g = np.random.default_rng(0)
    model = nn.MLP([4, 8, 8, 1], activation="relu", dropout=0.2, rng=1)
    x = badak.tensor(g.normal(size=(5, 4)).astype(np.float32))
    y = g.normal(size=(5, 1)).astype(np.float32)
    hidden = model[0](x)
    loss = F.mse_loss(model[1:](hidden), y)             # the rest of the layers
    return model, hidden, loss


def test_backward_frees_the_graph_even_while_the_loss_is_kept():
    gc.disable()            # freed by reference counting, not by a later collection
    try:
        model, hidden, loss = _graph()
        nodes = [fn for fn in graph_nodes(loss.creator) if fn is not loss.creator]
        assert len(nodes) >= 5                          # linear, relu, dropout, linear, ...
        node_refs = [weakref.ref(fn) for fn in nodes]
        hidden_ref = weakref.ref(hidden)
        del nodes, hidden
        # the graph is alive as long as the loss holds it and backward has not run
        assert all(r() is not None for r in node_refs) and hidden_ref() is not None
        loss.backward()
        assert all(r() is None for r in node_refs), [r() for r in node_refs if r() is not None]
        assert hidden_ref() is None                     # the intermediate activation too
        assert loss.creator.inputs == ()                # the root keeps nothing it saved
        assert all(p.grad is not None for p in model.parameters())
    finally:
        gc.enable()


def test_retain_graph_keeps_it_until_the_loss_goes():
    gc.disable()
    try:
        _, hidden, loss = _graph()
        ref = weakref.ref(hidden.creator)
        del hidden
        loss.backward(retain_graph=True)
        assert ref() is not None
        del loss
        assert ref() is None
    finally:
        gc.enable()


def test_no_graph_is_built_under_no_grad():
    model = nn.MLP([4, 8, 1], rng=0)
    with no_grad():
        out = model(np.ones((2, 4), dtype=np.float32))
    assert out.creator is None and not out.requires_grad


@pytest.mark.parametrize("steps", [50])
def test_steps_by_hand_leave_no_graph_behind(steps):
    """The loop of tests/test_interrupted_training.py, by hand: after each step nothing of the
    step's graph is reachable from the model."""
    model = nn.MLP([4, 16, 1], rng=0)
    opt = badak.optim.SGD(model.parameters(), lr=0.01)
    x = np.ones((8, 4), dtype=np.float32)
    y = np.zeros((8, 1), dtype=np.float32)
    refs = []
    gc.disable()
    try:
        for _ in range(steps):
            opt.zero_grad()
            out = model(x)
            refs.append(weakref.ref(out.creator))
            F.mse_loss(out, y).backward()
            opt.step()
            del out
        assert all(r() is None for r in refs)
        assert all(p.grad.creator is None for p in model.parameters())
    finally:
        gc.enable()
