"""Tests of badak.datasets: the shipped real data sets, the logic gates and the 2-D toy sets."""

from __future__ import annotations

import csv
import math
from importlib.resources import files

import numpy as np
import pytest

from badak.datasets import (
    BOSTON_FEATURES,
    load_boston,
    load_mnist5k,
    logic_gate,
    make_circles,
    make_gaussian,
    make_moons,
    make_spiral,
    make_xor,
)
from badak.random import as_generator

DATA = files("badak.datasets") / "data"


def _read_boston_csv() -> tuple[list[str], np.ndarray]:
    """Parse the shipped CSV with the csv module, independently of load_boston."""
    with (DATA / "boston_house_prices.csv").open("r", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(v) for v in row] for row in rows[1:]])


# ---------------------------------------------------------------- Boston housing

def test_boston_keras_split_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = load_boston()
    assert x_train.shape == (404, 13) and y_train.shape == (404,)
    assert x_test.shape == (102, 13) and y_test.shape == (102,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.float64


def test_boston_first_training_targets_match_keras():
    # The first targets of keras.datasets.boston_housing.load_data() (seed 113, test_split 0.2).
    (_, y_train), _ = load_boston(split="keras")
    expected = [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4, 12.1, 17.9]
    np.testing.assert_array_equal(y_train[:12], expected)


def test_boston_keras_split_is_the_legacy_randomstate_shuffle_of_the_file():
    _, table = _read_boston_csv()
    idx = np.arange(506)
    np.random.RandomState(113).shuffle(idx)
    (x_train, y_train), (x_test, y_test) = load_boston()
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), table[idx, :13])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), table[idx, 13])


def test_boston_none_is_the_whole_file_in_order_and_sums_match_the_csv():
    header, table = _read_boston_csv()
    x, y = load_boston(split="none")
    assert x.shape == (506, 13) and y.shape == (506,)
    assert tuple(header[:13]) == BOSTON_FEATURES and header[13] == "MEDV"
    # math.fsum is exact, so the sums are equal to the last bit whatever the row order.
    csv_sum = math.fsum(table[:, :13].ravel())
    assert math.fsum(x.ravel()) == csv_sum
    (x_train, _), (x_test, _) = load_boston()
    assert math.fsum(np.concatenate([x_train, x_test]).ravel()) == csv_sum
    np.testing.assert_array_equal(y, table[:, 13])


def test_boston_returns_copies_that_the_caller_may_modify():
    x, y = load_boston(split="none")
    x[:] = -1.0
    y[:] = -1.0
    x2, y2 = load_boston(split="none")
    assert x2.min() >= 0.0 and y2.min() > 0.0


def test_boston_features_and_ethical_note():
    assert len(BOSTON_FEATURES) == 13 and BOSTON_FEATURES[11] == "B"
    assert "racist" in load_boston.__doc__
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "1000 (Bk - 0.63)^2" in readme and "1.2" in readme


@pytest.mark.parametrize("split", ["train_test", "Keras", "", None, 0])
def test_boston_unknown_split_is_named(split):
    with pytest.raises(ValueError, match=r"split must be one of \{'keras', 'none'\}; received"):
        load_boston(split=split)


# ---------------------------------------------------------------- MNIST 5k

def test_mnist_shapes_dtypes_and_500_per_class():
    x, y = load_mnist5k()
    assert x.shape == (5000, 784) and x.dtype == np.uint8
    assert y.shape == (5000,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)
    assert x.max() == 255 and x.min() == 0


def test_mnist_unflattened_and_normalized():
    x_raw, _ = load_mnist5k()
    x, _ = load_mnist5k(flatten=False, normalize=True)
    assert x.shape == (5000, 28, 28) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_allclose(x.reshape(5000, 784), x_raw / 255.0, rtol=1e-6)
    x2, _ = load_mnist5k(flatten=False)
    assert x2.dtype == np.uint8
    np.testing.assert_array_equal(x2.reshape(5000, 784), x_raw)


def test_mnist_train_test_split_is_fixed_and_covers_every_row_once():
    x, y = load_mnist5k()
    (x_train, y_train), (x_test, y_test) = load_mnist5k(split="train_test")
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    order = np.random.default_rng(0).permutation(5000)   # the documented seed
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])
    (_, y_train2), _ = load_mnist5k(split="train_test")
    np.testing.assert_array_equal(y_train, y_train2)


def test_mnist_returns_copies():
    x, y = load_mnist5k()
    x[:] = 7
    y[:] = 7
    x2, y2 = load_mnist5k()
    assert x2.max() == 255 and np.bincount(y2).tolist() == [500] * 10


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"flatten": "yes"}, TypeError, r"flatten must be a bool .*received flatten='yes'"),
    ({"flatten": 1}, TypeError, r"flatten must be a bool .*received flatten=1"),
    ({"normalize": None}, TypeError, r"normalize must be a bool .*received normalize=None"),
    ({"split": "train"}, ValueError, r"split must be None or 'train_test'; received split='train'"),
    ({"split": "keras"}, ValueError, r"split must be None or 'train_test'; received split='keras'"),
])
def test_mnist_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        load_mnist5k(**kwargs)


# ---------------------------------------------------------------- logic gates

@pytest.mark.parametrize(("name", "expected"), [
    ("and", [0, 0, 0, 1]),
    ("or", [0, 1, 1, 1]),
    ("nand", [1, 1, 1, 0]),
    ("xor", [0, 1, 1, 0]),
    ("XOR", [0, 1, 1, 0]),
    ("Nand", [1, 1, 1, 0]),
])
def test_logic_gate_truth_tables(name, expected):
    x, y = logic_gate(name)
    assert x.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("name", ["nor", "", "x or", None, 3])
def test_logic_gate_unknown_name_lists_the_choices(name):
    with pytest.raises(ValueError, match=r"name must be one of \{'and', 'or', 'nand', 'xor'\}"):
        logic_gate(name)


# ---------------------------------------------------------------- 2-D toy sets

MAKERS = [make_xor, make_spiral, make_moons, make_circles, make_gaussian]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("n", [1, 2, 7, 200])
def test_toy_shapes_dtypes_and_balanced_labels(make, n):
    x, y = make(n, noise=0.1, rng=0)
    assert x.shape == (n, 2) and x.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1}
    counts = np.bincount(y, minlength=2)
    assert counts[0] == n - n // 2 and counts[1] == n // 2
    assert np.isfinite(x).all()


@pytest.mark.parametrize("make", MAKERS)
def test_toy_same_seed_same_data_other_seed_other_data(make):
    x1, y1 = make(100, noise=0.1, rng=3)
    x2, y2 = make(100, noise=0.1, rng=3)
    x3, y3 = make(100, noise=0.1, rng=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


@pytest.mark.parametrize("make", MAKERS)
def test_toy_accepts_a_generator_and_advances_it(make):
    rng = np.random.default_rng(5)
    x1, _ = make(50, noise=0.1, rng=rng)
    x2, _ = make(50, noise=0.1, rng=rng)
    assert not np.array_equal(x1, x2)
    x3, _ = make(50, noise=0.1, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(x1, x3)


def test_toy_geometry_without_noise():
    x, y = make_xor(400, rng=0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(np.int64))
    assert np.abs(x).min() >= 0.05 and np.abs(x).max() <= 1.0
    x, y = make_circles(100, factor=0.3, rng=0)
    radius = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    x, y = make_moons(100, rng=0)
    np.testing.assert_allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1.0, x[y == 1, 1] - 0.5), 1.0)
    x, y = make_spiral(100, rng=0)
    assert np.hypot(x[:, 0], x[:, 1]).max() < 1.0
    # Arm 1 is arm 0 turned by half a turn: the same radii, opposite points.
    np.testing.assert_allclose(np.sort(np.hypot(*x[y == 0].T)), np.sort(np.hypot(*x[y == 1].T)))
    x, y = make_gaussian(2000, rng=0)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-1.0, -1.0], atol=0.05)
    np.testing.assert_allclose(x[y == 1].std(axis=0), [0.4, 0.4], atol=0.05)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"n": 0}, ValueError, r"n must be a positive integer; received n=0"),
    ({"n": -5}, ValueError, r"n must be a positive integer; received n=-5"),
    ({"n": 10.0}, TypeError, r"n must be a positive integer; received n=10.0"),
    ({"n": True}, TypeError, r"n must be a positive integer; received n=True"),
    ({"noise": -0.1}, ValueError, r"noise must be >= 0.0; received noise=-0.1"),
    ({"noise": float("nan")}, ValueError, r"noise must be a finite number; received noise=nan"),
    ({"noise": "0.1"}, TypeError, r"noise must be a real number; received noise='0.1'"),
    ({"rng": 1.5}, TypeError, r"rng must be None, a non-negative integer seed or a "
                              r"numpy.random.Generator; received rng=1.5"),
    ({"rng": -1}, ValueError, r"rng must be a non-negative integer seed; received rng=-1"),
])
def test_toy_bad_arguments_are_named(make, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make(**kwargs)


@pytest.mark.parametrize("factor", [0.0, 1.0, -0.5, 2.0])
def test_circles_factor_must_be_in_open_unit_range(factor):
    with pytest.raises(ValueError, match=r"factor must be in the range \(0.0, 1.0\); received"):
        make_circles(10, factor=factor)


# ---------------------------------------------------------------- rng helper

def test_as_generator_accepts_none_seeds_and_generators():
    assert isinstance(as_generator(None), np.random.Generator)
    assert as_generator(7).integers(1000) == np.random.default_rng(7).integers(1000)
    assert as_generator(np.int64(7)).integers(1000) == np.random.default_rng(7).integers(1000)
    g = np.random.default_rng(0)
    assert as_generator(g) is g


@pytest.mark.parametrize("rng", [np.random.RandomState(0), 0.5, "0", True, [1, 2]])
def test_as_generator_rejects_other_types(rng):
    with pytest.raises(TypeError, match=r"rng must be None, a non-negative integer seed or a "
                                        r"numpy.random.Generator; received rng="):
        as_generator(rng)
