"""Metrics: numbers that say how good a model's predictions are, computed on NumPy arrays.

A metric compares targets ``y_true`` with predictions ``y_pred`` and returns one float. Unlike a
loss it is not differentiated, so it may be anything a person wants to read: the mean absolute
error in the target's own unit (thousands of dollars for Boston housing), or the fraction of
digits classified correctly.

- ``mse``:  (1/n) Σ (y - ŷ)²
- ``rmse``: √mse, in the target's unit
- ``mae``:  (1/n) Σ |y - ŷ|, in the target's unit
- ``r2``:   1 - Σ (y - ŷ)² / Σ (y - ȳ)², the coefficient of determination (1 is perfect, 0 is no
  better than predicting the mean)
- ``accuracy``: the fraction of samples whose predicted class equals the true one

Sources: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), section 4.3 (MAE for Boston
housing); scikit-learn, ``sklearn/metrics/_regression.py`` (``r2_score``: a constant target gives
1.0 for a perfect prediction, 0.0 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from badak._validation import check_finite_array

__all__ = ["METRICS", "accuracy", "get_metric", "mae", "mse", "r2", "rmse"]


def _as_numbers(name: str, a, dtype=None) -> np.ndarray:
    """``a`` as an array of numbers, or a ValueError naming ``name``.

    Targets (``y_true``) must be finite: NaN there is a mistake in the data. Predictions may be
    NaN or infinite (a diverged model's): the metric is then NaN or infinite, which says so.
    """
    try:
        a = np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be an array of numbers; received {type(a).__name__} that "
                         f"cannot be converted ({e})") from None
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers; received an array of dtype "
                         f"{a.dtype}")
    if name == "y_true":
        check_finite_array(name, a)
    return a


def _regression_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Return both as float64 arrays of one shape; (N,) against (N, 1) is accepted."""
    y_true = _as_numbers("y_true", y_true, np.float64)
    y_pred = _as_numbers("y_pred", y_pred, np.float64)
    if y_true.ndim == 0 or y_pred.ndim == 0:
        raise ValueError(f"y_true and y_pred must be at least 1-D; received shapes "
                         f"{y_true.shape} and {y_pred.shape}")
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size and y_true.size > 0 and \
                y_true.reshape(len(y_true), -1).shape == y_pred.reshape(len(y_pred), -1).shape:
            y_true = y_true.reshape(y_pred.shape)       # (N,) against (N, 1)
        else:
            raise ValueError(f"y_true and y_pred must have the same shape; received y_true "
                             f"{y_true.shape} and y_pred {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("y_true must not be empty; received an array of shape "
                         f"{y_true.shape}")
    return y_true, y_pred


def mse(y_true, y_pred) -> float:
    """Mean squared error, ``(1/n) Σ (y - ŷ)²`` over every element.

    Parameters
    ----------
    y_true, y_pred : array_like of the same shape
        Targets and predictions; shapes (N,) and (N, 1) may be mixed.

    Examples
    --------
    >>> mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])   # (0 + 1 + 4) / 3
    1.6666666666666667
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, ``√mse``: an error in the target's own unit."""
    return float(np.sqrt(mse(y_true, y_pred)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error, ``(1/n) Σ |y - ŷ|`` over every element.

    Examples
    --------
    >>> mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])   # (0 + 1 + 2) / 3
    1.0
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def r2(y_true, y_pred) -> float:
    """Coefficient of determination, ``1 - Σ (y - ŷ)² / Σ (y - ȳ)²``.

    With several output columns the score of each column is computed and averaged (scikit-learn's
    ``multioutput='uniform_average'``). A constant target column scores 1.0 if predicted exactly
    and 0.0 otherwise (there is no variance to explain).

    Examples
    --------
    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])    # 1 - 1 / 2
    0.5
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    y_true = y_true.reshape(len(y_true), -1)                     # (N, k)
    y_pred = y_pred.reshape(len(y_pred), -1)                     # (N, k)
    ss_res = ((y_true - y_pred) ** 2).sum(axis=0)                # (k,)
    ss_tot = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)   # (k,)
    constant = ss_tot == 0
    scores = np.where(constant, np.where(ss_res == 0, 1.0, 0.0),
                      1.0 - ss_res / np.where(constant, 1.0, ss_tot))
    return float(scores.mean())


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples whose predicted class equals the true class.

    Parameters
    ----------
    y_true : array_like
        Integer class labels of shape (N,) (or (N, 1)), or one-hot rows of shape (N, C).
    y_pred : array_like
        One of:

        - logits or probabilities of shape (N, C) with C >= 2: the class is the argmax of a row;
        - scores of shape (N,) or (N, 1) holding floats: a binary classifier's logits, class 1
          where the score is > 0 (a logit of 0 is a probability of 0.5);
        - integer labels of shape (N,) or (N, 1).

    Examples
    --------
    >>> accuracy([0, 2, 1], [[2.0, 1.0, 0.0], [0.1, 0.2, 0.3], [5.0, 0.0, 0.0]])
    0.6666666666666666
    >>> accuracy([1, 0, 1], [0.7, -1.2, -0.1])    # binary logits: classes 1, 0, 0
    0.6666666666666666
    """
    y_true = _as_numbers("y_true", y_true)
    y_pred = _as_numbers("y_pred", y_pred)
    if y_true.ndim == 0 or y_pred.ndim == 0:
        raise ValueError(f"y_true and y_pred must be at least 1-D; received shapes "
                         f"{y_true.shape} and {y_pred.shape}")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred must have the same length; received "
                         f"{len(y_true)} and {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("y_true must not be empty; received an array of length 0")
    if y_true.ndim == 2 and y_true.shape[1] > 1:
        labels = y_true.argmax(axis=1)                           # one-hot (N, C) -> (N,)
    else:
        labels = y_true.reshape(len(y_true))                     # (N,) or (N, 1) -> (N,)
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        predicted = y_pred.argmax(axis=1)                        # (N, C) -> (N,)
    elif y_pred.dtype.kind == "f":
        predicted = (y_pred.reshape(len(y_pred)) > 0).astype(np.int64)   # binary logits
    else:
        predicted = y_pred.reshape(len(y_pred))                  # labels
    return float(np.mean(predicted == labels))


METRICS: dict[str, Callable[..., float]] = {
    "mse": mse, "rmse": rmse, "mae": mae, "r2": r2, "accuracy": accuracy,
}


def get_metric(name: str) -> Callable[..., float]:
    """Return the metric function called ``name`` (one of ``METRICS``).

    Raises
    ------
    ValueError
        If ``name`` is not a known metric; the message lists the choices.
    """
    if not isinstance(name, str) or name not in METRICS:
        listed = ", ".join(repr(k) for k in METRICS)
        raise ValueError(f"metric must be one of {{{listed}}}; received metric={name!r}")
    return METRICS[name]
