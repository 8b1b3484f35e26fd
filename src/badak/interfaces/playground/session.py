"""One browser tab's playground: its data, its network, its optimizer and its history.

:class:`Session` is what the server keeps per tab. It builds an MLP with badak, trains it
epoch by epoch with mini-batches (BCE on a sigmoid output for classification, MSE for
regression, plus an optional L1/L2 penalty on the weights), and describes its state for the
page: the losses, the output over a grid (the decision boundary), every neuron's output over a
coarser grid, and the weights. Settings that do not change the network (learning rate,
optimizer, batch size, regularisation) are applied in place: training goes on from the same
weights. :meth:`Session.sample_graph` traces one sample's forward pass and loss with
:func:`badak.lecture.explain.trace`, for the page to step through.
"""

from __future__ import annotations

import base64
import threading
import time

import numpy as np

import badak
from badak.interfaces.playground.config import Config, ConfigError
from badak.interfaces.playground.data import FEATURES, feature_matrix, make_dataset
from badak.interfaces.playground.graphdata import graph_payload
from badak.lecture.explain import trace
from badak.nn import MLP, BCEWithLogitsLoss, MSELoss
from badak.optim import get_optimizer

__all__ = ["DivergedError", "Session"]

GRID = 48  # the decision boundary's resolution
NEURON_GRID = 16  # each neuron's little map
MAX_BUDGET_S = 0.5  # the longest one /train request may train


class DivergedError(ValueError):
    """The loss became inf or NaN: the learning rate is too large."""


def _grid(n: int) -> np.ndarray:
    t = np.linspace(-6, 6, n)
    a, b = np.meshgrid(t, t[::-1])  # row 0 at the top (x2 = 6)
    return np.stack([a.ravel(), b.ravel()], axis=1)


def _bytes(values: np.ndarray, low: float, high: float) -> str:
    """Quantise values in [low, high] to 0..255 and base64 them (small frames for the page)."""
    with np.errstate(invalid="ignore"):
        q = np.clip((np.nan_to_num(values) - low) / (high - low), 0, 1) * 255
    return base64.b64encode(np.round(q).astype(np.uint8).tobytes()).decode("ascii")


class Session:
    """A playground tab (see the module docstring)."""

    def __init__(self, config: Config, csv_data=None):
        self.lock = threading.Lock()
        self.last_used = time.monotonic()
        self.csv_data = csv_data  # (x, y, task) of an uploaded CSV
        self.config = config
        self.build()

    # -- building ----------------------------------------------------------------------------
    def build(self) -> None:
        c = self.config
        rng = np.random.default_rng(c.seed)
        if c.dataset == "csv":
            if self.csv_data is None:
                raise ConfigError("dataset=csv needs an uploaded CSV file first (x1,x2,label)")
            x, y, task = self.csv_data
        else:
            x, y, task = make_dataset(c.dataset, c.points, c.noise / 100, rng)
        order = rng.permutation(len(x))
        n_train = max(1, int(round(len(x) * c.ratio / 100)))
        tr, te = order[:n_train], order[n_train:]
        self.task = task
        self.points = x
        self.labels = y
        self.train_idx, self.test_idx = tr, te
        self.x_train = feature_matrix(x[tr], list(c.features))
        self.y_train = y[tr].astype(np.float32)[:, None]
        self.x_test = feature_matrix(x[te], list(c.features))
        self.y_test = y[te].astype(np.float32)[:, None]
        self.rng = rng
        self.model = MLP([len(c.features), *c.hidden, 1], activation=c.activation, rng=rng)
        self.loss_fn = BCEWithLogitsLoss() if task == "classification" else MSELoss()
        self.epoch = 0
        self.history: list[tuple[int, float, float]] = []
        self.optimizer = None
        self.apply_training_settings()
        self.history.append((0, *self.losses()))
        self.grid = feature_matrix(_grid(GRID), list(c.features))
        self.neuron_grid = feature_matrix(_grid(NEURON_GRID), list(c.features))

    def apply_training_settings(self) -> None:
        """Make the optimizer for the current settings, keeping the weights (no reset)."""
        c = self.config
        if self.optimizer is not None and self._optimizer_name == c.optimizer:
            self.optimizer.lr = c.lr  # the same optimizer keeps its state (momentum, moments)
            return
        self.optimizer = get_optimizer(c.optimizer, self.model.parameters(), lr=c.lr)
        self._optimizer_name = c.optimizer

    def update(self, config: Config) -> bool:
        """Apply new settings; return True when the network had to be rebuilt."""
        old = self.config
        self.config = config
        if config.structure() != old.structure():
            try:
                self.build()
            except ValueError:
                self.config = old
                raise
            return True
        self.apply_training_settings()
        return False

    def reset(self) -> None:
        self.build()

    # -- training ----------------------------------------------------------------------------
    def _penalty(self):
        c = self.config
        if c.reg == "none" or c.regrate == 0:
            return None
        total = None
        for layer in self._weight_layers():
            p = layer.weight
            term = badak.engine.ops.absolute(p).sum() if c.reg == "l1" else (p * p).sum() * 0.5
            total = term if total is None else total + term
        return None if total is None else total * c.regrate

    def _weight_layers(self) -> list:
        """The Linear and Maxout layers: the ones with a weight matrix (edges of the page)."""
        return [m for m in self.model if type(m).__name__ in ("Linear", "Maxout")]

    def train_epoch(self) -> None:
        c = self.config
        n = len(self.x_train)
        order = self.rng.permutation(n)
        for start in range(0, n, c.batch):
            idx = order[start:start + c.batch]
            out = self.model(badak.tensor(self.x_train[idx]))
            loss = self.loss_fn(out, badak.tensor(self.y_train[idx]))
            penalty = self._penalty()
            if penalty is not None:
                loss = loss + penalty
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        self.epoch += 1
        train, test = self.losses()
        self.history.append((self.epoch, train, test))
        if len(self.history) > 2000:  # keep the curve bounded: every other old point
            self.history = self.history[:1000:2] + self.history[1000:]
        if not (np.isfinite(train) and np.isfinite(test)):
            raise DivergedError(f"training diverged at epoch {self.epoch} (the loss is "
                                f"{train}); lower the learning rate (lr={c.lr:g}) and reset")

    def train(self, epochs: int | None = None, budget_s: float = 0.05) -> int:
        """Train ``epochs`` epochs, or as many as fit in ``budget_s`` seconds (at least one)."""
        budget_s = min(max(budget_s, 0.0), MAX_BUDGET_S)
        start = time.perf_counter()
        done = 0
        with np.errstate(all="ignore"):
            while True:
                self.train_epoch()
                done += 1
                if epochs is not None and done >= epochs:
                    break
                if epochs is None and time.perf_counter() - start >= budget_s:
                    break
                if time.perf_counter() - start >= MAX_BUDGET_S:
                    break
        return done

    def _predict(self, x: np.ndarray) -> np.ndarray:
        with badak.no_grad():
            return self.model(badak.tensor(x)).data[:, 0].astype(np.float64)

    def _loss(self, x, y) -> float:
        if len(x) == 0:
            return float("nan")
        with badak.no_grad(), np.errstate(all="ignore"):
            return float(self.loss_fn(self.model(badak.tensor(x)), badak.tensor(y)).item())

    def losses(self) -> tuple[float, float]:
        return self._loss(self.x_train, self.y_train), self._loss(self.x_test, self.y_test)

    # -- what the page draws -----------------------------------------------------------------
    def _output_range(self, z: np.ndarray) -> np.ndarray:
        """Classification: σ(z) mapped to [-1, 1]; regression: the value itself."""
        if self.task == "classification":
            with np.errstate(over="ignore"):
                return 2.0 / (1.0 + np.exp(-z)) - 1.0
        return z

    def neuron_maps(self) -> list[list[str]]:
        """Every hidden neuron's output over the small grid, layer by layer (quantised)."""
        maps = []
        x = badak.tensor(self.neuron_grid)
        with badak.no_grad(), np.errstate(all="ignore"):
            for layer in self.model:
                x = layer(x)
                if type(layer).__name__ not in ("Linear",):
                    a = x.data
                    maps.append([_bytes(np.tanh(a[:, j]), -1, 1) for j in range(a.shape[1])])
        inputs = [_bytes(np.tanh(self.neuron_grid[:, j] / 6 * 2), -1, 1)
                  for j in range(self.neuron_grid.shape[1])]
        return [inputs] + maps

    def weights(self) -> list[dict]:
        """Each layer's weights (in, out) and biases (out,); Maxout shows its larger piece."""
        layers = []
        for layer in self._weight_layers():
            W, b = layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)
            pieces = getattr(layer, "pieces", 1)
            if pieces > 1:
                W = W.reshape(W.shape[0], -1, pieces)
                pick = np.abs(W).argmax(-1)
                W = np.take_along_axis(W, pick[..., None], -1)[..., 0]
                b = b.reshape(-1, pieces).max(-1)
            layers.append({"W": np.round(W, 5).tolist(), "b": np.round(b, 5).tolist()})
        return layers

    def state(self, neurons: bool = True, data: bool = False, since: int | None = None) -> dict:
        """What the page needs for one frame: the loss history after epoch ``since`` (all of
        the last 400 epochs when None), the output grid, the weights, the neurons' maps."""
        z = self._predict(self.grid)
        train, test = self.history[-1][1:]
        out = {"epoch": self.epoch, "train_loss": _finite(train), "test_loss": _finite(test),
               "history": [[e, _finite(a), _finite(b)] for e, a, b in self.history[-400:]
                           if since is None or e > since],
               "grid": GRID, "boundary": _bytes(self._output_range(z), -1, 1),
               "task": self.task, "weights": self.weights(),
               "config": self.config.to_dict()}
        if neurons:
            out["neuron_grid"] = NEURON_GRID
            out["neurons"] = self.neuron_maps()
        if data:
            out["train"] = _points(self.points[self.train_idx], self.labels[self.train_idx])
            out["test"] = _points(self.points[self.test_idx], self.labels[self.test_idx])
            out["features"] = [FEATURES[f][0] for f in self.config.features]
        return out

    # -- one sample's graph ------------------------------------------------------------------
    def sample_graph(self, which: str, index: int) -> dict:
        """Trace the forward pass and loss of one training or test point (see module doc)."""
        idx = self.train_idx if which == "train" else self.test_idx
        if not 0 <= index < len(idx):
            raise ConfigError(f"index must be in [0, {len(idx) - 1}] for the {which} points; "
                              f"received index={index}")
        xs = self.x_train if which == "train" else self.x_test
        ys = self.y_train if which == "train" else self.y_test
        x = badak.tensor(xs[index:index + 1])
        x.name = "x"
        target = badak.tensor(ys[index:index + 1])
        target.name = "target"
        with np.errstate(all="ignore"):
            out = self.model(x)
            loss = self.loss_fn(out, target)
        loss.name = "L"
        tr = trace(loss, names=self.model, max_elements=6)
        point = self.points[idx[index]]
        return {**graph_payload(tr), "loss": float(loss.item()),
                "point": [float(point[0]), float(point[1])], "label": float(ys[index, 0])}


def _finite(v: float):
    return float(v) if np.isfinite(v) else None


def _points(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    return np.round(np.column_stack([x, y]), 4).tolist()
