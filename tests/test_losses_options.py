"""Loss options beyond the PyTorch numbers (in test_pytorch_idioms_nn_optim.py): issue 12 row
12 (soft targets whose rows do not sum to 1), float32 results, configs, and bad arguments."""

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import nn


def test_soft_targets_whose_rows_do_not_sum_to_one_issue_12_row_12():
    x = badak.tensor(np.array([[.3, -1.2, 2], [1.5, -.7, .1]]), requires_grad=True)
    t = np.array([[1, .5, 1], [0, 0, 0]])
    loss = F.cross_entropy(x, t)
    loss.backward()
    # PyTorch: -sum t log_softmax(x) / N and its gradient (was [-0.425, -0.233, -0.091, ...])
    np.testing.assert_allclose(x.grad.data, [[-0.313351, -0.208353, 0.521704], [0, 0, 0]],
                               atol=1e-6)
    badak.gradcheck(lambda a: F.cross_entropy(a, t), [badak.tensor(x.data, requires_grad=True)])
    # second order still works on this path
    badak.gradcheck(lambda a: badak.grad(F.cross_entropy(a, t), [a], create_graph=True)[0].sum(),
                    [badak.tensor(x.data, requires_grad=True)])


@pytest.mark.parametrize("fn", [
    lambda x: F.cross_entropy(x, np.array([0, 1]), reduction="none"),
    lambda x: F.huber_loss(x, np.zeros((2, 3))),
    lambda x: F.mse_loss(x, np.zeros((2, 3)), reduction="sum"),
])
def test_new_losses_keep_float32(fn):
    x = badak.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    out = fn(x)
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


def test_create_graph_is_refused_clearly_where_there_is_no_second_derivative():
    x = badak.tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(NotImplementedError, match=r"huber_loss has no second derivative in "
                                                  r"badak: it cannot be used with "
                                                  r"backward\(create_graph=True\)"):
        badak.grad(F.huber_loss(x, np.zeros((2, 3))), [x], create_graph=True)


def test_loss_modules_round_trip_their_config():
    for module in (nn.CrossEntropyLoss(weight=[1, 2], label_smoothing=0.1, reduction="sum"),
                   nn.HuberLoss(delta=2.0), nn.SmoothL1Loss(beta=0.0), nn.NLLLoss(ignore_index=3),
                   nn.BCELoss(weight=[0.5]), nn.BCEWithLogitsLoss(pos_weight=[2.0])):
        twin = nn.module_from_config(nn.module_to_config(module))
        assert twin.get_config() == module.get_config()
    assert repr(nn.CrossEntropyLoss(label_smoothing=0.1)) == \
        "CrossEntropyLoss(label_smoothing=0.1)"


BAD = [
    ("reduction", lambda: nn.MSELoss(reduction="avg"), ValueError,
     r"reduction must be one of \{'mean', 'sum', 'none'\}; received reduction='avg'"),
    ("F reduction", lambda: F.l1_loss(np.ones(2), np.ones(2), reduction="batchmean"), ValueError,
     r"reduction must be one of \{'mean', 'sum', 'none'\}; received reduction='batchmean'"),
    ("label_smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError,
     r"label_smoothing must be in the range \[0\.0, 1\.0\]; received label_smoothing=1\.5"),
    ("ignore_index float", lambda: nn.CrossEntropyLoss(ignore_index=1.0), TypeError,
     r"ignore_index must be an integer; received ignore_index=1\.0"),
    ("weight shape", lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 1]), weight=[1, 2]),
     ValueError, r"cross_entropy: weight must have one entry per class, shape \(3,\); received "
     r"shape \(2,\)"),
    ("weight strings", lambda: nn.CrossEntropyLoss(weight=["a"]), TypeError,
     r"weight must be an array of numbers \(one per class\) or None"),
    ("ignore_index with probabilities",
     lambda: F.cross_entropy(np.ones((2, 3)), np.full((2, 3), 1 / 3), ignore_index=0),
     ValueError, r"cross_entropy: ignore_index applies to class labels only; received "
     r"ignore_index=0 with probability targets \(2, 3\)"),
    ("label out of range", lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 3]),
                                                   weight=[1, 1, 1]), ValueError,
     r"cross_entropy: target labels must be in \[0, 2\] for 3 classes; received labels from 0 "
     r"to 3"),
    ("nll float target", lambda: F.nll_loss(np.ones((2, 3)), np.array([0.0, 1.0])), TypeError,
     r"nll_loss: target must be integer class labels of shape \(N,\); received dtype float64"),
    ("nll 1-D", lambda: F.nll_loss(np.ones(3), np.array([0])), ValueError,
     r"nll_loss: input must be 2-D \(N, C\); received shape \(3,\)"),
    ("bce outside [0, 1]", lambda: F.binary_cross_entropy(np.array([0.5, 1.5]), np.ones(2)),
     ValueError, r"binary_cross_entropy: all elements of input must be probabilities in "
     r"\[0, 1\]; received values from 0\.5 to 1\.5\. Apply a sigmoid first"),
    ("bce weight shape", lambda: F.binary_cross_entropy(np.full((2, 2), 0.5), np.ones((2, 2)),
                                                        weight=[1, 2, 3]), ValueError,
     r"binary_cross_entropy: weight must broadcast against the input's shape \(2, 2\); "
     r"received shape \(3,\)"),
    ("huber delta", lambda: nn.HuberLoss(delta=0), ValueError,
     r"delta must be > 0\.0; received delta=0\.0"),
    ("smooth l1 beta", lambda: F.smooth_l1_loss(np.ones(2), np.ones(2), beta=-1), ValueError,
     r"beta must be >= 0\.0; received beta=-1\.0"),
    ("huber shapes", lambda: F.huber_loss(np.ones((2, 1)), np.ones(2)), ValueError,
     r"huber_loss: input and target must have the same shape"),
]


@pytest.mark.parametrize(("case", "make", "exc", "match"), BAD, ids=[c[0] for c in BAD])
def test_bad_loss_arguments_are_refused(case, make, exc, match):
    with pytest.raises(exc, match=match):
        make()
