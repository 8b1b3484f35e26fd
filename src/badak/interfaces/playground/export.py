"""The badak Python code that rebuilds a playground setup: the same data, network and training."""

from __future__ import annotations

from badak.interfaces.playground.config import Config

__all__ = ["python_code"]


def python_code(c: Config, epochs: int = 100) -> str:
    """Return a runnable script for the setup ``c`` (the data set regenerated with its seed)."""
    data = ("x, y, task = parse_csv(open('your.csv', 'rb').read())" if c.dataset == "csv"
            else f"x, y, task = make_dataset({c.dataset!r}, n={c.points}, "
                 f"noise={c.noise / 100!r}, rng=rng)")
    loss = "nn.BCEWithLogitsLoss()" if c.dataset not in ("reg-plane", "reg-gauss") \
        else "nn.MSELoss()"
    penalty = ""
    if c.reg != "none" and c.regrate > 0:
        term = "badak.engine.ops.absolute(p).sum()" if c.reg == "l1" else "(p * p).sum() * 0.5"
        penalty = (f"\n        for layer in model:  # the weight matrices\n"
                   f"            if type(layer).__name__ in ('Linear', 'Maxout'):\n"
                   f"                p = layer.weight\n"
                   f"                loss = loss + {term} * {c.regrate!r}")
    sizes = f"[len(features), {''.join(f'{h}, ' for h in c.hidden)}1]"
    return f'''"""Rebuilds the badak playground setup: {c.dataset}, hidden {list(c.hidden)},
{c.activation}, {c.optimizer} (lr={c.lr:g}). Run: python playground.py"""
import numpy as np

import badak
from badak import nn
from badak.optim import get_optimizer
from badak.interfaces.playground.data import feature_matrix, make_dataset, parse_csv

rng = np.random.default_rng({c.seed})
{data}
order = rng.permutation(len(x))
n_train = max(1, round(len(x) * {c.ratio} / 100))
train, test = order[:n_train], order[n_train:]
features = {list(c.features)!r}
x_train, y_train = feature_matrix(x[train], features), y[train].astype(np.float32)[:, None]
x_test, y_test = feature_matrix(x[test], features), y[test].astype(np.float32)[:, None]

model = nn.MLP({sizes}, activation={c.activation!r}, rng=rng)
loss_fn = {loss}
optimizer = get_optimizer({c.optimizer!r}, model.parameters(), lr={c.lr!r})

for epoch in range({epochs}):
    perm = rng.permutation(len(x_train))
    for start in range(0, len(x_train), {c.batch}):
        idx = perm[start:start + {c.batch}]
        loss = loss_fn(model(badak.tensor(x_train[idx])), badak.tensor(y_train[idx])){penalty}
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with badak.no_grad():
        train_loss = loss_fn(model(badak.tensor(x_train)), badak.tensor(y_train)).item()
        test_loss = loss_fn(model(badak.tensor(x_test)), badak.tensor(y_test)).item()
    print(f"epoch {{epoch + 1}}: training loss {{train_loss:.4f}}, test loss {{test_loss:.4f}}")

badak.save(model, "playground-model.npz")
'''
