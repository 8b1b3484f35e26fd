"""The playground's data sets: the lecture's 2-D problems, regression sets and the user's CSV.

Every set is two features in the square [-6, 6]² (TensorFlow Playground's domain) with a label:
0/1 for classification, a number in [-1, 1] for regression. Classification sets come from
:mod:`badak.datasets.toy` (circle, XOR, Gaussian, spiral, moons) rescaled to the square, or
from a function boundary (label 1 above the curve x2 = f(x1): sine, cubic, |x|).

Sources: D. Smilkov, S. Carter, "TensorFlow Playground" (https://playground.tensorflow.org,
its dataset.ts: the [-6, 6] domain and the regression sets).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from badak.datasets import toy

__all__ = ["CLASSIFICATION", "DATASETS", "REGRESSION", "FEATURES", "make_dataset",
           "parse_csv", "feature_matrix", "MAX_CSV_BYTES", "MAX_CSV_ROWS"]

DOMAIN = 6.0
CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "moons", "sine", "cubic", "abs")
REGRESSION = ("reg-plane", "reg-gauss")
DATASETS = CLASSIFICATION + REGRESSION + ("csv",)
FEATURES = {  # name -> (label, function of x1, x2)
    "x1": ("x₁", lambda a, b: a),
    "x2": ("x₂", lambda a, b: b),
    "x1sq": ("x₁²", lambda a, b: a * a),
    "x2sq": ("x₂²", lambda a, b: b * b),
    "x1x2": ("x₁x₂", lambda a, b: a * b),
    "sinx1": ("sin x₁", lambda a, b: np.sin(a)),
    "sinx2": ("sin x₂", lambda a, b: np.sin(b)),
}
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5000


def _fit_square(x: np.ndarray) -> np.ndarray:
    """Scale points so that the largest |coordinate| is 5 (inside the [-6, 6] square)."""
    m = float(np.abs(x).max()) or 1.0
    return x * (5.0 / m)


def _boundary(n: int, noise: float, rng: np.random.Generator, f) -> tuple:
    x = rng.uniform(-5, 5, size=(n, 2))
    y = (x[:, 1] > f(x[:, 0])).astype(np.float64)
    return np.clip(x + noise * 5.0 * rng.standard_normal(x.shape), -DOMAIN, DOMAIN), y


def make_dataset(name: str, n: int, noise: float, rng: np.random.Generator):
    """Return (x of shape (n, 2), y of shape (n,), task) with task 'classification' or
    'regression'. ``noise`` is a fraction in [0, 0.5] of the data's spread."""
    if name == "circle":
        x, y = toy.make_circles(n, noise=noise * 0.5, rng=rng)
    elif name == "xor":
        x, y = toy.make_xor(n, noise=noise * 0.5, rng=rng)
    elif name == "gauss":
        x, y = toy.make_gaussian(n, noise=noise * 0.5, rng=rng)
    elif name == "spiral":
        x, y = toy.make_spiral(n, noise=noise * 0.5, rng=rng)
    elif name == "moons":
        x, y = toy.make_moons(n, noise=noise * 0.5, rng=rng)
    elif name == "sine":
        return (*_boundary(n, noise, rng, lambda a: 3 * np.sin(a)), "classification")
    elif name == "cubic":
        return (*_boundary(n, noise, rng, lambda a: a ** 3 / 25 - a / 2), "classification")
    elif name == "abs":
        return (*_boundary(n, noise, rng, lambda a: np.abs(a) * 0.9 - 2), "classification")
    elif name == "reg-plane":
        x = rng.uniform(-5, 5, size=(n, 2))
        y = (x[:, 0] + x[:, 1]) / 10 + noise * rng.standard_normal(n)
        return x, np.clip(y, -1, 1), "regression"
    elif name == "reg-gauss":
        x = rng.uniform(-5, 5, size=(n, 2))
        centres = np.array([[-3, 2.5], [0, 2.5], [3, 2.5], [-3, -2.5], [0, -2.5], [3, -2.5]])
        signs = np.array([1, -1, 1, -1, 1, -1])
        d = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
        y = (signs[None] * np.exp(-d / 2)).sum(1) + noise * rng.standard_normal(n)
        return x, np.clip(y, -1, 1), "regression"
    else:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; received {name!r}")
    return _fit_square(np.asarray(x, np.float64)), np.asarray(y, np.float64).ravel(), \
        "classification"


def parse_csv(data: bytes) -> tuple[np.ndarray, np.ndarray, str]:
    """Read a CSV of two numeric features and a label (header optional).

    Labels that are all 0/1 make a classification set, anything else a regression set
    (scaled to [-1, 1]). Features are rescaled into the square. Errors say the row.
    """
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the CSV file is too large: {len(data)} bytes; at most "
                         f"{MAX_CSV_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the CSV file is not UTF-8 text") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError("the CSV file is empty; expected rows 'x1,x2,label'")
    try:
        [float(c) for c in rows[0]]
    except ValueError:
        rows = rows[1:]  # a header
    if len(rows) < 4:
        raise ValueError(f"the CSV file needs at least 4 data rows; received {len(rows)}")
    if len(rows) > MAX_CSV_ROWS:
        raise ValueError(f"the CSV file has {len(rows)} rows; at most {MAX_CSV_ROWS}")
    values = np.empty((len(rows), 3))
    for i, r in enumerate(rows, start=1):
        if len(r) != 3:
            raise ValueError(f"CSV row {i} has {len(r)} columns; expected 3 (x1, x2, label)")
        try:
            values[i - 1] = [float(c) for c in r]
        except ValueError:
            raise ValueError(f"CSV row {i} has a value that is not a number: {r!r}") from None
    if not np.isfinite(values).all():
        raise ValueError("the CSV file contains inf or NaN")
    x, y = values[:, :2], values[:, 2]
    x = _fit_square(x - x.mean(0))
    if set(np.unique(y)) <= {0.0, 1.0}:
        return x, y, "classification"
    span = float(np.abs(y - y.mean()).max()) or 1.0
    return x, (y - y.mean()) / span, "regression"


def feature_matrix(x: np.ndarray, features: list[str]) -> np.ndarray:
    """The network's inputs: the chosen features of the points x of shape (n, 2)."""
    a, b = x[:, 0], x[:, 1]
    return np.stack([FEATURES[f][1](a, b) for f in features], axis=1).astype(np.float32)
