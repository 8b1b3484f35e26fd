"""Tests of badak.data: DataLoader, train_test_split, KFold and StandardScaler."""

from __future__ import annotations

import numpy as np
import pytest

from badak.data import DataLoader, KFold, StandardScaler, train_test_split
from badak.datasets import load_boston


def _xy(n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Rows that say their own index: x[i] = [2i, 2i + 1], y[i] = i."""
    return np.arange(2 * n).reshape(n, 2), np.arange(n)


# ---------------------------------------------------------------- DataLoader

@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("n", "batch_size"), [(10, 3), (10, 5), (10, 10), (10, 32), (1, 1)])
def test_loader_covers_every_sample_once_per_epoch(n, batch_size, shuffle):
    x, y = _xy(n)
    loader = DataLoader(x, y, batch_size=batch_size, shuffle=shuffle, rng=0)
    for _ in range(3):   # three epochs
        seen = []
        batches = list(loader)
        assert len(batches) == len(loader) == -(-n // batch_size)
        for xb, yb in batches:
            assert 1 <= len(yb) <= batch_size and len(xb) == len(yb)
            np.testing.assert_array_equal(xb, x[yb])   # rows stay paired
            seen += yb.tolist()
        assert sorted(seen) == list(range(n))
        if not shuffle:
            assert seen == list(range(n))


def test_loader_last_batch_is_smaller_and_drop_last_drops_it():
    x, y = _xy(10)
    sizes = [len(yb) for _, yb in DataLoader(x, y, batch_size=4)]
    assert sizes == [4, 4, 2]
    loader = DataLoader(x, y, batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [yb.tolist() for _, yb in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(x, batch_size=11, drop_last=True)) == 0


def test_loader_single_array_yields_bare_batches_and_accepts_lists():
    batches = list(DataLoader([[1, 2], [3, 4], [5, 6]], batch_size=2))
    assert isinstance(batches[0], np.ndarray)
    np.testing.assert_array_equal(batches[0], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(batches[1], [[5, 6]])
    x, y = _xy(4)
    assert all(isinstance(b, tuple) and len(b) == 3 for b in DataLoader(x, y, y, batch_size=2))


def test_loader_same_seed_same_epochs_new_order_each_epoch():
    x, y = _xy(50)

    def epochs(loader, k=3):
        return [np.concatenate([yb for _, yb in loader]).tolist() for _ in range(k)]

    a = epochs(DataLoader(x, y, batch_size=8, shuffle=True, rng=42))
    b = epochs(DataLoader(x, y, batch_size=8, shuffle=True, rng=42))
    c = epochs(DataLoader(x, y, batch_size=8, shuffle=True, rng=43))
    assert a == b
    assert a != c
    assert a[0] != a[1] != a[2]   # a new permutation each epoch
    assert a[0] != list(range(50))


def test_loader_batches_are_copies():
    x, y = _xy(6)
    for xb, _ in DataLoader(x, y, batch_size=3):
        xb[:] = -1
    assert x.min() == 0


@pytest.mark.parametrize(("args", "kwargs", "error", "pattern"), [
    ((), {}, ValueError, r"DataLoader needs at least one array; received none"),
    ((np.zeros(3), np.zeros(4)), {}, ValueError,
     r"arrays must all have the same length .*received lengths \[3, 4\]"),
    ((np.zeros((0, 2)),), {}, ValueError, r"arrays must not be empty; received .*length 0"),
    ((np.float64(1.0),), {}, ValueError, r"arrays must be at least 1-D.*received a 0-d array"),
    ((np.zeros(3),), {"batch_size": 0}, ValueError,
     r"batch_size must be a positive integer; received batch_size=0"),
    ((np.zeros(3),), {"batch_size": 2.0}, TypeError,
     r"batch_size must be a positive integer; received batch_size=2.0"),
    ((np.zeros(3),), {"shuffle": "yes"}, TypeError,
     r"shuffle must be a bool .*received shuffle='yes'"),
    ((np.zeros(3),), {"drop_last": 0}, TypeError,
     r"drop_last must be a bool .*received drop_last=0"),
    ((np.zeros(3),), {"rng": np.random.RandomState(0)}, TypeError, r"rng must be None, a"),
])
def test_loader_bad_arguments_are_named(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        DataLoader(*args, **kwargs)


def test_loader_repr():
    x, y = _xy(5)
    assert repr(DataLoader(x, y, batch_size=2)) == (
        "DataLoader(shapes=[(5, 2), (5,)], batch_size=2, shuffle=False, drop_last=False)")


# ---------------------------------------------------------------- train_test_split

@pytest.mark.parametrize(("test_size", "n_test"), [(0.25, 3), (0.2, 2), (0.5, 5), (1, 1), (9, 9),
                                                   (0.01, 1), (0.9, 9), (np.float32(0.5), 5)])
def test_split_sizes_order_and_partition(test_size, n_test):
    x, y = _xy(10)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=test_size, rng=0)
    assert len(y_test) == n_test and len(y_train) == 10 - n_test
    np.testing.assert_array_equal(x_train, x[y_train])   # pairs kept, sklearn's output order
    np.testing.assert_array_equal(x_test, x[y_test])
    assert sorted(y_train.tolist() + y_test.tolist()) == list(range(10))


def test_split_without_shuffle_keeps_file_order():
    x, y = _xy(10)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, shuffle=False)
    assert y_train.tolist() == list(range(7)) and y_test.tolist() == [7, 8, 9]


def test_split_is_seeded():
    x, y = _xy(100)
    a = train_test_split(x, y, rng=1)
    b = train_test_split(x, y, rng=1)
    c = train_test_split(x, y, rng=2)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])
    assert len(train_test_split([1, 2, 3, 4], test_size=1, rng=0)) == 2


@pytest.mark.parametrize(("args", "kwargs", "error", "pattern"), [
    ((), {}, ValueError, r"train_test_split needs at least one array; received none"),
    ((np.zeros(5), np.zeros(6)), {}, ValueError, r"received lengths \[5, 6\]"),
    ((np.zeros(5),), {"test_size": 0.0}, ValueError,
     r"test_size must be a float in the open range \(0, 1\); received test_size=0.0"),
    ((np.zeros(5),), {"test_size": 1.0}, ValueError, r"test_size=1.0"),
    ((np.zeros(5),), {"test_size": 0}, ValueError,
     r"test_size must be an int in \[1, 4\] .*received test_size=0"),
    ((np.zeros(5),), {"test_size": 5}, ValueError, r"received test_size=5"),
    ((np.zeros(5),), {"test_size": 0.99}, ValueError, r"test_size=0.99 leaves no training"),
    ((np.zeros(5),), {"test_size": "0.2"}, TypeError, r"test_size must be .*received "
                                                      r"test_size='0.2'"),
    ((np.zeros(5),), {"test_size": True}, TypeError, r"received test_size=True"),
    ((np.zeros(5),), {"shuffle": None}, TypeError, r"shuffle must be a bool"),
    ((np.zeros(5),), {"rng": "seed"}, TypeError, r"rng must be None"),
])
def test_split_bad_arguments_are_named(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        train_test_split(*args, **kwargs)


# ---------------------------------------------------------------- KFold

def test_kfold_matches_the_keras_notebook_on_boston():
    (train_data, train_targets), _ = load_boston()
    k = 4
    num_val_samples = len(train_data) // k   # 101
    folds = list(KFold(n_splits=k).split(train_data))
    assert len(folds) == KFold(k).get_n_splits() == 4
    for i, (train_idx, val_idx) in enumerate(folds):
        # The notebook's slicing, word for word.
        val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
        val_targets = train_targets[i * num_val_samples: (i + 1) * num_val_samples]
        partial_train_data = np.concatenate(
            [train_data[:i * num_val_samples], train_data[(i + 1) * num_val_samples:]], axis=0)
        partial_train_targets = np.concatenate(
            [train_targets[:i * num_val_samples], train_targets[(i + 1) * num_val_samples:]],
            axis=0)
        assert len(val_idx) == 101 and len(train_idx) == 303
        np.testing.assert_array_equal(train_data[val_idx], val_data)
        np.testing.assert_array_equal(train_targets[val_idx], val_targets)
        np.testing.assert_array_equal(train_data[train_idx], partial_train_data)
        np.testing.assert_array_equal(train_targets[train_idx], partial_train_targets)


def test_kfold_remainder_rows_always_stay_in_training():
    folds = list(KFold(n_splits=3).split(np.zeros(11)))   # num_val = 3, rows 9 and 10 left over
    assert [v.tolist() for _, v in folds] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    for train_idx, val_idx in folds:
        assert {9, 10} <= set(train_idx.tolist())
        assert sorted(train_idx.tolist() + val_idx.tolist()) == list(range(11))


def test_kfold_shuffle_is_seeded_and_partitions():
    def folds(seed):
        return [v.tolist() for _, v in KFold(4, shuffle=True, rng=seed).split(np.zeros(20))]

    assert folds(0) == folds(0) != folds(1)
    assert sorted(sum(folds(0), [])) == list(range(20))
    assert folds(0) != [v.tolist() for _, v in KFold(4).split(np.zeros(20))]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"n_splits": 1}, ValueError, r"n_splits must be an integer >= 2; received n_splits=1"),
    ({"n_splits": 0}, ValueError, r"n_splits must be an integer >= 2; received n_splits=0"),
    ({"n_splits": 4.0}, TypeError, r"n_splits must be an integer >= 2; received n_splits=4.0"),
    ({"shuffle": 1}, TypeError, r"shuffle must be a bool .*received shuffle=1"),
    ({"rng": 0.5}, TypeError, r"rng must be None, a non-negative integer seed"),
])
def test_kfold_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        KFold(**kwargs)


@pytest.mark.parametrize(("x", "pattern"), [
    (np.zeros(3), r"n_splits must be at most the number of samples; received n_splits=4 for x "
                  r"with 3 samples"),
    (np.float64(2.0), r"x must be at least 1-D"),
])
def test_kfold_split_bad_data_is_named(x, pattern):
    with pytest.raises(ValueError, match=pattern):
        next(KFold(4).split(x))


# ---------------------------------------------------------------- StandardScaler

def test_scaler_stats_match_the_notebook_and_round_trip():
    (train_data, _), (test_data, _) = load_boston()
    mean = train_data.mean(axis=0)   # the notebook's normalization
    std = train_data.std(axis=0)
    scaler = StandardScaler().fit(train_data)
    np.testing.assert_array_equal(scaler.mean_, mean)
    np.testing.assert_array_equal(scaler.scale_, std)
    assert scaler.n_features_in_ == 13
    z = scaler.transform(train_data)
    np.testing.assert_array_equal(z, (train_data - mean) / std)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(scaler.transform(test_data), (test_data - mean) / std)
    np.testing.assert_allclose(scaler.inverse_transform(z), train_data, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(StandardScaler().fit_transform(train_data), z)


def test_scaler_hand_worked_example_and_constant_column():
    # Column 0: mean 2, std sqrt(((1-2)^2 + (3-2)^2) / 2) = 1. Column 1 is constant: scale 1.
    x = [[1.0, 10.0], [3.0, 10.0]]
    scaler = StandardScaler()
    z = scaler.fit_transform(x)
    np.testing.assert_array_equal(scaler.mean_, [2.0, 10.0])
    np.testing.assert_array_equal(scaler.scale_, [1.0, 1.0])
    np.testing.assert_array_equal(z, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(scaler.inverse_transform(z), x)
    # A constant column whose mean is not exact in floating point still maps to 0.
    z = StandardScaler().fit_transform(np.full((7, 1), 0.1))
    assert np.all(np.abs(z) < 1e-15)


def test_scaler_not_fitted():
    with pytest.raises(ValueError, match=r"StandardScaler is not fitted yet; call fit\(x\)"):
        StandardScaler().transform([[1.0]])
    with pytest.raises(ValueError, match=r"not fitted yet"):
        StandardScaler().inverse_transform([[1.0]])


@pytest.mark.parametrize(("method", "x", "error", "pattern"), [
    ("transform", np.zeros((3, 2)), ValueError,
     r"x must have 3 features \(columns\), as seen in fit; received x with 2 features"),
    ("inverse_transform", np.zeros((3, 4)), ValueError, r"received x with 4 features"),
    ("transform", np.zeros(3), ValueError, r"x must be a 2-D array .*received an array of shape "
                                           r"\(3,\) \(use x.reshape\(-1, 1\)"),
    ("fit", np.zeros((2, 3, 4)), ValueError, r"x must be a 2-D array .*shape \(2, 3, 4\)"),
    ("fit", np.zeros((0, 3)), ValueError, r"x must have at least one row .*shape \(0, 3\)"),
    ("fit", [[1.0, np.nan, 2.0]], ValueError, r"x must contain only finite numbers; received 1 "
                                              r"NaN"),
    ("fit", [["a", "b"]], TypeError, r"x must be an array of real numbers"),
])
def test_scaler_bad_input_is_named(method, x, error, pattern):
    scaler = StandardScaler().fit(np.arange(6.0).reshape(2, 3))
    with pytest.raises(error, match=pattern):
        getattr(scaler, method)(x)
