"""Feeding data to a model: mini-batches, train/test splits, K-fold splits and scaling.

- ``DataLoader``: iterate over arrays in (shuffled) mini-batches.
- ``train_test_split``: hold out a random test part, as scikit-learn.
- ``KFold``: contiguous K-fold cross-validation, as the Keras Boston housing notebook.
- ``StandardScaler``: feature-wise standardization fitted on training data.

All of them work on NumPy arrays (or anything ``numpy.asarray`` accepts) and draw random numbers
only from the ``rng`` they are given.
"""

from badak.data.kfold import KFold
from badak.data.loader import DataLoader
from badak.data.scaler import StandardScaler
from badak.data.split import train_test_split

__all__ = ["DataLoader", "KFold", "StandardScaler", "train_test_split"]
