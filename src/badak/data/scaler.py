"""Standardize features to zero mean and unit variance, column by column.

For each feature column ``j``, ``transform`` computes ``(x[:, j] - mean_[j]) / scale_[j]`` with the
mean and standard deviation of the data given to ``fit``. The standard deviation uses ``ddof=0``
(divide by ``n``), like the Keras notebook's ``train_data.std(axis=0)`` and scikit-learn. Fit on
the training data only and reuse the same statistics for validation and test data, so that no
information leaks from them.

Sources: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), section 4.3.2 (feature-wise
normalization of Boston housing); scikit-learn, ``sklearn/preprocessing/_data.py``
(``StandardScaler``, constant features get scale 1).
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_finite_array
from badak.engine.backend import xp

__all__ = ["StandardScaler"]


class StandardScaler:
    """Remove each feature's mean and divide by its standard deviation.

    The constructor takes no arguments; ``fit`` learns the statistics.

    Attributes
    ----------
    mean_ : numpy.ndarray of shape (n_features,), float64
        Mean of each feature in the data given to ``fit``.
    scale_ : numpy.ndarray of shape (n_features,), float64
        Standard deviation (``ddof=0``) of each feature, except that a constant feature (all
        values equal) gets 1.0, so that it maps to 0 instead of dividing by zero. It is computed
        on each column divided by its largest magnitude, so that any finite column scales:
        values near 1e300 (whose squares overflow) and near 1e-169 (whose squares underflow)
        alike, as in scikit-learn.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 10.0], [3.0, 10.0]])
    >>> scaler = StandardScaler().fit(x)
    >>> scaler.mean_, scaler.scale_
    (array([ 2., 10.]), array([1., 1.]))
    >>> scaler.transform(x)
    array([[-1.,  0.],
           [ 1.,  0.]])
    """

    def fit(self, x) -> StandardScaler:
        """Learn the mean and standard deviation of each column of ``x``.

        Parameters
        ----------
        x : array_like of shape (n_samples, n_features)
            Training data, finite numbers, at least one row.

        Returns
        -------
        StandardScaler
            ``self``, so that ``StandardScaler().fit(x)`` reads naturally.

        Raises
        ------
        ValueError
            If ``x`` is not 2-D, has no rows or holds NaN or inf.
        """
        x = self._as_2d(x)
        if len(x) == 0:
            raise ValueError("x must have at least one row (sample); received shape "
                             f"{x.shape}")
        # Each column is divided by a power of two near its largest magnitude first, so that
        # squaring it inside the standard deviation neither overflows (values near 1e300 would
        # give inf, and their column would be zeroed) nor underflows (values near 1e-169 square
        # to 0). A power of two scales exactly: ordinary data give the same bits as without.
        _, exponent = np.frexp(xp.abs(x).max(axis=0))              # (n_features,)
        peak = np.ldexp(1.0, exponent - 1)                         # max |x| / 2 < peak <= max |x|
        scaled = x / peak                                          # (n, f), |values| < 2
        constant = x.max(axis=0) == x.min(axis=0)                  # exact test, no tolerance
        # a constant column's mean is its value exactly, so that it maps to exactly 0
        self.mean_ = xp.where(constant, x[0], scaled.mean(axis=0) * peak)   # (n_features,)
        std = scaled.std(axis=0) * peak                            # (n_features,), ddof=0
        self.scale_ = xp.where(constant, 1.0, std)                 # (n_features,)
        self.n_features_in_ = x.shape[1]
        return self

    def transform(self, x) -> np.ndarray:
        """Return ``(x - mean_) / scale_`` as a new float64 array of the shape of ``x``.

        Raises
        ------
        ValueError
            If the scaler is not fitted, or ``x`` is not 2-D, has a different number of features
            than in ``fit`` or holds NaN or inf.
        """
        x = self._check_fitted_input(x)
        return (x - self.mean_) / self.scale_    # (n, f) - (f,) -> (n, f)

    def fit_transform(self, x) -> np.ndarray:
        """Fit to ``x``, then return ``x`` transformed; the same as ``fit(x).transform(x)``."""
        return self.fit(x).transform(x)

    def inverse_transform(self, x) -> np.ndarray:
        """Undo ``transform``: return ``x * scale_ + mean_`` as a new float64 array.

        Raises
        ------
        ValueError
            As ``transform``.
        """
        x = self._check_fitted_input(x)
        return x * self.scale_ + self.mean_      # (n, f) * (f,) + (f,) -> (n, f)

    @staticmethod
    def _as_2d(x) -> np.ndarray:
        """Return ``x`` as a finite float64 array of shape (n_samples, n_features), or raise."""
        try:
            x = xp.asarray(x, dtype=xp.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"x must be an array of real numbers; received {type(x).__name__} "
                            f"that cannot be converted to float64 ({err})") from err
        if x.ndim != 2:
            hint = " (use x.reshape(-1, 1) for a single feature)" if x.ndim == 1 else ""
            raise ValueError(f"x must be a 2-D array of shape (n_samples, n_features); received "
                             f"an array of shape {x.shape}{hint}")
        check_finite_array("x", x)
        return x

    def _check_fitted_input(self, x) -> np.ndarray:
        """Check that ``fit`` was called and that ``x`` has the features it saw."""
        if not hasattr(self, "mean_"):
            raise ValueError("This StandardScaler is not fitted yet; call fit(x) with the "
                             "training data before transform or inverse_transform")
        x = self._as_2d(x)
        if x.shape[1] != self.n_features_in_:
            raise ValueError(f"x must have {self.n_features_in_} features (columns), as seen in "
                             f"fit; received x with {x.shape[1]} features (shape {x.shape})")
        return x

    def __repr__(self) -> str:
        return "StandardScaler()"
