"""A PyTorch or Keras user's habits with data and training give PyTorch's and Keras' answers.

The expected numbers were computed once with torch==2.13.0 (CPU) and written in as literals
(torch is not a test dependency), e.g.::

    [len(s) for s in torch.utils.data.random_split(range(7), [0.2, 0.2, 0.6])]    # [2, 1, 4]
    loader = DataLoader(TensorDataset(torch.zeros(10, 3), torch.arange(10)), batch_size=4)
    [tuple(xb.shape) for xb, yb in loader]                      # [(4, 3), (4, 3), (2, 3)]
    (F.cross_entropy(logits, y, reduction="none") * w).sum() / 4                  # 1.38984...

Keras is not installed here; its rows follow its source: ``validation_split`` keeps rows
``[:floor(n * (1 - validation_split))]`` for training
(``keras/src/trainers/data_adapters/data_adapter_utils.py``, ``train_validation_split``), and a
weighted loss is ``Σ wᵢ·lᵢ / batch_size`` (``keras/src/losses/loss.py``, reduction
``"sum_over_batch_size"``), which the torch expressions above compute.
"""

import numpy as np
import pytest

from badak import nn
from badak.data import DataLoader, TensorDataset, random_split
from badak.tensor import Tensor
from badak.training import fit

# ---------------------------------------------------------------- data
RANDOM_SPLIT = [        # (n, lengths, torch's sizes)
    (10, [0.3, 0.3, 0.4], [3, 3, 4]),
    (11, [0.5, 0.5], [6, 5]),
    (7, [0.2, 0.2, 0.6], [2, 1, 4]),
    (10, [3, 7], [3, 7]),
    (5, [0.1, 0.1, 0.8], [1, 0, 4]),
    (100, [0.7, 0.2, 0.1], [70, 20, 10]),
    (3, [0.5, 0.5], [2, 1]),
    (506, [0.8, 0.2], [405, 101]),
]


@pytest.mark.parametrize("n, lengths, sizes", RANDOM_SPLIT)
def test_random_split_sizes_are_torchs(n, lengths, sizes):
    parts = random_split(TensorDataset(np.arange(n)), lengths, generator=0)
    assert [len(p) for p in parts] == sizes
    taken = sorted(i for p in parts for i in p.indices)
    assert taken == list(range(n))                       # a partition: no overlap, none lost


LOADER = [              # (n, batch_size, drop_last, torch's len, torch's x batch shapes)
    (10, 4, False, 3, [(4, 3), (4, 3), (2, 3)]),
    (10, 4, True, 2, [(4, 3), (4, 3)]),
    (10, None, False, 10, [(1, 3)] * 10),                # PyTorch's default batch_size=1
    (10, 10, False, 1, [(10, 3)]),
    (10, 3, True, 3, [(3, 3)] * 3),
    (7, 7, True, 1, [(7, 3)]),
    (6, 4, True, 1, [(4, 3)]),
    (5, 8, False, 1, [(5, 3)]),
]


@pytest.mark.parametrize("n, batch_size, drop_last, length, shapes", LOADER)
@pytest.mark.parametrize("shuffle", [False, True])
def test_dataloader_over_a_tensor_dataset_batches_as_torch(n, batch_size, drop_last, length,
                                                           shapes, shuffle):
    ds = TensorDataset(np.zeros((n, 3), dtype=np.float32), np.arange(n))
    kw = {} if batch_size is None else {"batch_size": batch_size}
    loader = DataLoader(ds, drop_last=drop_last, shuffle=shuffle, generator=0, **kw)
    batches = list(loader)
    assert len(loader) == length == len(batches)
    assert [xb.shape for xb, yb in batches] == shapes
    assert [yb.shape for xb, yb in batches] == [s[:1] for s in shapes]


def test_tensor_dataset_len_and_item_as_torch():
    ds = TensorDataset(np.zeros((10, 3)), np.arange(10))
    assert len(ds) == 10 and [np.shape(t) for t in ds[3]] == [(3,), ()]   # torch: [(3,), ()]


COLLATE = [             # (samples, torch's dtype, torch's shape)
    ([1, 2], np.int64, (2,)),
    ([1.5, 2.0], np.float64, (2,)),
    ([True, False], np.bool_, (2,)),
    ([np.float32(1), np.float32(2)], np.float32, (2,)),
    ([np.int32(1), np.int32(2)], np.int32, (2,)),
    ([np.zeros((2, 2), np.float32)] * 3, np.float32, (3, 2, 2)),
]


@pytest.mark.parametrize("samples, dtype, shape", COLLATE)
def test_collated_dtypes_and_shapes_are_torchs(samples, dtype, shape):
    batch = next(iter(DataLoader(ListDataset(samples), batch_size=len(samples))))
    assert batch.dtype == dtype and batch.shape == shape


class ListDataset:
    """A duck-typed data set: only __len__ and __getitem__."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def test_dict_string_and_tensor_samples_collate_as_torch():
    # torch: default_collate([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    #        == {'a': tensor([1, 2]), 'b': ['x', 'y']}
    batch = next(iter(DataLoader(ListDataset([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]),
                                 batch_size=2)))
    assert batch["a"].tolist() == [1, 2] and batch["b"] == ["x", "y"]
    tensors = ListDataset([(Tensor(np.ones(3, np.float32)), 0)] * 4)
    xb, yb = next(iter(DataLoader(tensors, batch_size=4)))
    assert isinstance(xb, Tensor) and xb.shape == (4, 3) and not xb.requires_grad


# ---------------------------------------------------------------- training
X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0], [-2.0, 0.5]])
W = np.array([1.0, 0.5, 2.0, 0.0])


def linear(weight, bias):
    model = nn.Linear(*np.shape(weight), rng=0)
    model.load_state_dict({"weight": np.array(weight, np.float32),
                           "bias": np.array(bias, np.float32)})
    return model


WEIGHTED = [            # (loss, y, outputs, kwargs, torch's value)
    ("mse", [1.0, 2.0, -1.0, 0.5], 1, dict(sample_weight=W), 3.215),
    ("l1", [1.0, 2.0, -1.0, 0.5], 1, dict(sample_weight=W), 1.6),
    ("bce", [1.0, 0.0, 1.0, 0.0], 1, dict(sample_weight=W), 0.40791792860647647),
    ("cross_entropy", [0, 2, 1, 2], 3, dict(sample_weight=W), 1.3898425312803726),
    # Keras' class_weight (Σ cw[yᵢ]·lᵢ / B), not torch's CrossEntropyLoss(weight=) (/ Σ cw[yᵢ],
    # 1.7340943582311634)
    ("cross_entropy", [0, 2, 1, 2], 3, dict(class_weight={0: 1.0, 1: 3.0, 2: 0.5}),
     2.1676179477889543),
    ("mse", [1.0, 2.0, -1.0, 0.5], 1, {}, 2.813125),
    ("cross_entropy", [0, 2, 1, 2], 3, {}, 1.3432691013359153),
]


@pytest.mark.parametrize("loss, y, outputs, kwargs, expected", WEIGHTED)
def test_weighted_losses_are_torchs_per_sample_losses_summed_over_the_batch(
        loss, y, outputs, kwargs, expected):
    if outputs == 1:
        model = linear([[0.5], [-0.3]], [0.1])
    else:
        model = linear([[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]], [0.05, -0.05, 0.1])
    # one batch of all 4 rows: the logged loss is the loss before the only update
    history = fit(model, X, np.array(y), loss=loss, optimizer="sgd", batch_size=4,
                  shuffle=False, verbose=0, **kwargs)
    assert history["loss"][0] == pytest.approx(expected, rel=1e-6)


KERAS_SPLIT = [         # (n, validation_split, Keras' training rows floor(n * (1 - split)))
    (40, 0.25, 30), (10, 0.33, 6), (404, 0.2, 323), (3, 0.5, 1),
]


@pytest.mark.parametrize("n, split, train_rows", KERAS_SPLIT)
def test_validation_split_keeps_keras_training_rows(n, split, train_rows):
    x = np.linspace(-1, 1, n * 2).reshape(n, 2)
    history = fit(linear([[0.5], [-0.3]], [0.1]), x, x.sum(axis=1), validation_split=split,
                  verbose=0, rng=0)
    assert history.params["samples"] == train_rows
    assert history.params["validation_samples"] == n - train_rows


def test_history_epochs_and_keys_are_keras():
    # Keras: History.epoch == [0, 1, 2]; metrics=["acc"] is logged as "acc" and "val_acc"
    x = np.array([[0.0, 1.0], [1.0, 0.0]] * 5)
    y = np.array([0, 1] * 5)
    model = linear([[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]], [0.05, -0.05, 0.1])
    history = fit(model, x, y, loss="cross_entropy", epochs=3, metrics=["acc"],
                  validation_split=0.2, verbose=0, rng=0)
    assert history.epoch == [0, 1, 2]
    assert list(history.keys()) == ["loss", "acc", "val_loss", "val_acc"]
