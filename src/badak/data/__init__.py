"""Feeding data to a model: mini-batches, train/test splits, K-fold splits and scaling.

- ``DataLoader``: iterate over arrays, or over a data set, in (shuffled) mini-batches.
- ``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``: data sets as PyTorch defines
  them (``len(ds)`` and ``ds[i]``), and random parts of one.
- ``train_test_split``: hold out a random test part, as scikit-learn.
- ``KFold``: contiguous K-fold cross-validation, as the Keras Boston housing notebook.
- ``StandardScaler``: feature-wise standardization fitted on training data.

All of them work on NumPy arrays (or anything ``numpy.asarray`` accepts) and draw random numbers
only from the ``rng`` they are given.
"""

from badak.data.dataset import Dataset, Subset, TensorDataset
from badak.data.kfold import KFold
from badak.data.loader import DataLoader
from badak.data.random_split import random_split
from badak.data.scaler import StandardScaler
from badak.data.split import train_test_split

__all__ = ["DataLoader", "Dataset", "KFold", "StandardScaler", "Subset", "TensorDataset",
           "random_split", "train_test_split"]
