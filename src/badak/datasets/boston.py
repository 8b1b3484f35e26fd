"""The Boston housing data set, split exactly as ``keras.datasets.boston_housing.load_data()``.

506 towns around Boston (Harrison & Rubinfeld, 1978), 13 features each, and the median value of
owner-occupied homes (MEDV, in $1000s) as the target. The CSV ships inside the package
(``data/boston_house_prices.csv``, from StatLib via the Python package ``boston`` 1.0.17); see
``data/README.md`` for provenance.

**Ethical note.** The feature ``B = 1000 (Bk - 0.63)^2`` encodes the proportion ``Bk`` of Black
residents under a racist assumption (that self-segregation raises house prices). scikit-learn
removed ``load_boston`` in 1.2 for this reason. badak ships the data only to reproduce the
lecture's reference experiment (Keras' Boston housing regression) to the digit.

Sources: D. Harrison and D. L. Rubinfeld, "Hedonic housing prices and the demand for clean air",
J. Environ. Economics & Management 5 (1978) 81-102; Keras, ``keras/src/datasets/boston_housing.py``
(seed 113, ``test_split=0.2``); scikit-learn 1.2 release notes (removal of ``load_boston``).
"""

from __future__ import annotations

import functools
from importlib.resources import files

import numpy as np

from badak._validation import check_choice

__all__ = ["BOSTON_FEATURES", "load_boston"]

BOSTON_FEATURES: tuple[str, ...] = (
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT",
)
"""The 13 feature names, in column order (the target, MEDV, is not among them)."""

_FILE = "boston_house_prices.csv"
_KERAS_SEED = 113          # keras.datasets.boston_housing.load_data(seed=113)
_KERAS_TEST_SPLIT = 0.2    # keras.datasets.boston_housing.load_data(test_split=0.2)


@functools.lru_cache(maxsize=1)
def _read_boston() -> tuple[np.ndarray, np.ndarray]:
    """Parse the vendored CSV once; return read-only ``x`` (506, 13) and ``y`` (506,) float64."""
    with (files(__package__) / "data" / _FILE).open("r", encoding="utf-8") as f:
        header = f.readline().strip().replace('"', "").split(",")
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    if tuple(header[:-1]) != BOSTON_FEATURES or header[-1] != "MEDV":
        raise RuntimeError(f"{_FILE} has an unexpected header: {header}")
    x = table[:, :-1]   # (506, 13)
    y = table[:, -1]    # (506,)
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y


def load_boston(split: str = "keras"):
    """Load the Boston housing data set.

    .. warning:: The feature ``B`` encodes the proportion of Black residents under a racist
       assumption; scikit-learn removed this data set in 1.2. badak ships it only to reproduce
       the lecture's reference experiment. See ``badak/datasets/data/README.md``.

    Parameters
    ----------
    split : {'keras', 'none'}, default='keras'
        ``'keras'`` reproduces ``keras.datasets.boston_housing.load_data()`` exactly: the 506 rows
        are shuffled with ``numpy.random.RandomState(113)``, the first ``int(506 * 0.8) = 404``
        become the training set and the last 102 the test set. ``'none'`` returns all 506 rows in
        file order.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test)) when ``split='keras'``
        ``x_train`` (404, 13), ``y_train`` (404,), ``x_test`` (102, 13), ``y_test`` (102,).
    (x, y) when ``split='none'``
        ``x`` (506, 13) and ``y`` (506,).

    All arrays are new float64 arrays that the caller may modify. The columns of ``x`` are named by
    ``BOSTON_FEATURES``; ``y`` is MEDV in $1000s (censored at 50.0).

    Raises
    ------
    ValueError
        If ``split`` is not one of the choices above.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_boston()
    >>> x_train.shape, x_test.shape
    ((404, 13), (102, 13))
    >>> y_train[:3]
    array([15.2, 42.3, 50. ])
    """
    check_choice("split", split, ["keras", "none"])
    x, y = _read_boston()
    if split == "none":
        return x.copy(), y.copy()

    # Keras' legacy shuffle: a RandomState of its own (not the global one), so results match.
    order = np.arange(len(x))
    np.random.RandomState(_KERAS_SEED).shuffle(order)
    x, y = x[order], y[order]               # fancy indexing copies: the cache stays untouched
    n_train = int(len(x) * (1 - _KERAS_TEST_SPLIT))   # 404
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
