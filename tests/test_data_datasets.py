"""Dataset, TensorDataset, Subset, random_split and DataLoader over data sets: what they give,
and the message for each malformed data set or bad argument."""

import re

import numpy as np
import pytest

from badak import nn
from badak.data import DataLoader, Dataset, Subset, TensorDataset, random_split
from badak.tensor import Tensor
from badak.training import fit


class Squares(Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.array([float(i), 1.0], dtype=np.float32), i * i


def test_dataset_subclass_batches_and_shuffles_with_a_seeded_generator():
    loader = DataLoader(Squares(), batch_size=4)
    batches = list(loader)
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]]
    assert batches[0][0].shape == (4, 2) and batches[0][0].dtype == np.float32
    first = [yb.tolist() for _, yb in DataLoader(Squares(), batch_size=4, shuffle=True,
                                                 generator=3)]
    again = [yb.tolist() for _, yb in DataLoader(Squares(), batch_size=4, shuffle=True, rng=3)]
    assert first == again and sorted(sum(first, [])) == [i * i for i in range(10)]
    assert first != [yb.tolist() for _, yb in batches]
    loader = DataLoader(Squares(), batch_size=4, shuffle=True, rng=3)
    assert [yb.tolist() for _, yb in loader] != [yb.tolist() for _, yb in loader]  # new order


def test_array_form_still_works_and_keeps_its_default_batch_size():
    x, y = np.arange(80).reshape(40, 2), np.arange(40)
    loader = DataLoader(x, y)
    assert loader.batch_size == 32 and loader.dataset is None and len(loader) == 2
    assert DataLoader(TensorDataset(x, y)).batch_size == 1


def test_tensor_dataset_and_subsets_from_random_split_train_a_model():
    g = np.random.default_rng(0)
    x = g.normal(size=(50, 3)).astype(np.float32)
    y = (x.sum(axis=1) > 0).astype(np.int64)
    train, test = random_split(TensorDataset(x, y), [0.8, 0.2], rng=0)
    assert isinstance(train, Subset) and (len(train), len(test)) == (40, 10)
    assert not set(train.indices) & set(test.indices)
    xb, yb = next(iter(DataLoader(train, batch_size=40)))
    np.testing.assert_array_equal(xb, x[train.indices])
    np.testing.assert_array_equal(yb, y[train.indices])
    history = fit(nn.MLP([3, 8, 2], rng=0), xb, yb, loss="cross_entropy", epochs=2, verbose=0,
                  rng=0)
    assert len(history) == 2
    # the same seed gives the same split; Tensors can be wrapped too
    again, _ = random_split(TensorDataset(Tensor(x), y), [40, 10], generator=0)
    assert again.indices == train.indices
    assert isinstance(again[0][0], Tensor)


def test_a_list_of_sample_tuples_is_a_data_set_and_a_list_of_rows_an_array():
    pairs = [(np.full(3, float(i)), i) for i in range(5)]          # PyTorch users' habit
    loader = DataLoader(pairs, batch_size=2)
    assert loader.dataset is pairs and loader.batch_size == 2
    xb, yb = next(iter(loader))
    assert xb.shape == (2, 3) and yb.tolist() == [0, 1]
    rows = DataLoader([(1, 2), (3, 4)], batch_size=2)             # a 2-D table, as before
    assert rows.dataset is None and next(iter(rows)).tolist() == [[1, 2], [3, 4]]


def test_nested_and_list_samples_keep_their_structure():
    class Nested:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return {"x": (np.full(2, i), [i, -i]), "name": f"s{i}"}

    batch = next(iter(DataLoader(Nested(), batch_size=3)))
    assert batch["name"] == ["s0", "s1", "s2"]
    x, pair = batch["x"]
    assert x.shape == (3, 2) and isinstance(pair, list) and pair[1].tolist() == [0, -1, -2]


# ---------------------------------------------------------------- malformed data sets
class NoLen(Dataset):
    def __getitem__(self, i):
        return np.zeros(2)


class Raising(Squares):
    def __getitem__(self, i):
        if i == 7:
            raise KeyError("row 7 is missing")
        return super().__getitem__(i)


class Ragged(Squares):
    def __getitem__(self, i):
        x, y = super().__getitem__(i)
        return (x, y, "extra") if i == 5 else (x, y)


class Reshaped(Squares):
    def __getitem__(self, i):
        x, y = super().__getitem__(i)
        return (np.zeros(3) if i == 2 else x), y


class WithNone(Squares):
    def __getitem__(self, i):
        return super().__getitem__(i)[0], None


class Forgot(Dataset):
    def __len__(self):
        return 4


class Empty(Squares):
    def __len__(self):
        return 0


MALFORMED = [
    ("no __len__", NoLen(), TypeError,
     "dataset must have __len__ (the number of samples) and __getitem__ (one sample by index); "
     "received NoLen without __len__"),
    ("__getitem__ raises", Raising(), RuntimeError,
     "DataLoader: dataset[7] raised KeyError: 'row 7 is missing' (Raising has len 10)"),
    ("no __getitem__", Forgot(), RuntimeError,
     "DataLoader: dataset[0] raised NotImplementedError: Forgot must define "
     "__getitem__(self, index), returning one sample (Forgot has len 4)"),
    ("tuple lengths differ", Ragged(), ValueError,
     "DataLoader: samples must all have the same structure to be batched; dataset[4] is a tuple "
     "of 2 but dataset[5] is a tuple of 3"),
    ("array shapes differ", Reshaped(), ValueError,
     "DataLoader: samples must all have the same structure to be batched; dataset[0][0] is an "
     "array of shape (2,) but dataset[2][0] is an array of shape (3,)"),
    ("unsupported sample", WithNone(), TypeError,
     "DataLoader: samples must be made of NumPy arrays, numbers, strings, badak Tensors and "
     "tuples, lists or dicts of them; dataset[0][1] is a NoneType"),
    ("empty", Empty(), ValueError,
     "dataset must hold at least one sample; received an empty Empty (len 0)"),
]


@pytest.mark.parametrize("dataset, error, message",
                         [pytest.param(*row[1:], id=row[0]) for row in MALFORMED])
def test_malformed_datasets_are_refused_with_a_clear_message(dataset, error, message):
    with pytest.raises(error, match=re.escape(message)):
        list(DataLoader(dataset, batch_size=4))


@pytest.mark.parametrize("call, error, message", [
    (lambda: DataLoader(Squares(), rng=0, generator=0), TypeError,
     "rng and generator are the same argument (badak's name and PyTorch's); give only one"),
    (lambda: DataLoader(Squares(), batch_size=0), ValueError, "batch_size"),
    (lambda: DataLoader(Squares(), generator=-1), ValueError, "generator"),
    (lambda: TensorDataset(np.zeros(3), np.zeros(4)), ValueError,
     "tensors must all have the same length (first dimension); received lengths [3, 4] in "
     "TensorDataset"),
    (lambda: TensorDataset(), ValueError, "TensorDataset needs at least one array; received none"),
    (lambda: TensorDataset(np.float64(1.0)), ValueError,
     "tensors must be at least 1-D, with samples along the first axis; received a 0-d array as "
     "tensors[0]"),
    (lambda: random_split(Squares(), [3, 3]), ValueError,
     "lengths must be sizes >= 0 that sum to len(dataset)=10; received lengths=[3, 3] (sum 6)"),
    (lambda: random_split(Squares(), [0.5, 0.6]), ValueError,
     "lengths as fractions must sum to 1; received lengths=[0.5, 0.6] (sum 1.1)"),
    (lambda: random_split(Squares(), [1.5, -0.5]), ValueError,
     "lengths must be fractions in [0, 1] when they are floats; received lengths[0]=1.5"),
    (lambda: random_split(Squares(), 0.5), ValueError,
     "lengths must be a non-empty list of sizes (ints summing to len(dataset)=10) or of "
     "fractions (summing to 1); received lengths=0.5"),
    (lambda: random_split(Squares(), ["a"]), ValueError,
     "lengths must hold ints or fractions; received lengths[0]='a'"),
    (lambda: random_split(NoLen(), [1]), TypeError,
     "dataset must have __len__ (the number of samples) and __getitem__; received NoLen "
     "without __len__"),
    (lambda: random_split(Squares(), [5, 5], rng=0, generator=0), TypeError,
     "rng and generator are the same argument"),
])
def test_bad_data_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
