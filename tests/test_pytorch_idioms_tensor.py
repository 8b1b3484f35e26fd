"""PyTorch idioms, written the PyTorch way with badak, against numbers PyTorch 2.13 computed.

The expected values are literals computed once by ``benchmarks/pytorch_idioms_reference.py``
(rerun it to refresh them); torch is not needed to run these tests. The inputs are the same
seeded NumPy arrays in both.
"""

import numpy as np
import pytest

import badak
from pytorch_idioms_data import data as _data

# ---- the numbers from benchmarks/pytorch_idioms_reference.py (torch 2.13.0+cpu)
SGD_LOSSES = [0.9309141039848328, 0.698955237865448, 0.5639564990997314, 0.4803939461708069,
              0.42552492022514343]
SGD_W1 = [[-0.11877721548080444, 0.3054797053337097, -0.05465720593929291,
           -0.006038093939423561],
          [-0.3853871524333954, -0.009442276321351528, 0.15529580414295197, 0.5065946578979492],
          [-0.6100838780403137, 0.7385957837104797, 0.7460143566131592, 0.46897822618484497]]
ACCURACY = 0.20000000298023224
REDUCTIONS = {
    "sum_dim1": [-0.6644166707992554, -2.9201650619506836, 2.330942153930664],
    "mean_dim0_keep": [[0.2410188764333725, 0.18391244113445282, -0.4587002694606781,
                        -0.3841109275817871]],
    "max_values": [2.040919065475464, -0.21559716761112213, 3.3229994773864746],
    "max_indices": [0, 1, 1], "min_dim0_indices": [2, 0, 1, 0],
    "var_dim1": [3.6945269107818604, 0.751223087310791, 3.5359747409820557],
    "std": 1.5786856412887573,
    "norm_dim1": [3.3457348346710205, 2.094161033630371, 3.459226369857788],
    "amax": 3.3229994773864746, "argmin": 1,
}
VIEW_GRADS = (
    [-1.0, -0.6363636255264282, -0.27272728085517883, 0.09090909361839294, 0.4545454680919647,
     0.8181818127632141, -0.8181818127632141, -0.4545454680919647, -0.09090909361839294,
     0.27272728085517883, 0.6363636255264282, 1.0],
    [0.0, 0.4000000059604645, 0.800000011920929, 1.2000000476837158, 1.600000023841858, 2.0,
     2.4000000953674316, 2.799999952316284, 3.200000047683716, 3.5999999046325684, 4.0,
     4.400000095367432],
    [-2.0, -0.5454545617103577, 0.9090909361839294, -1.2727272510528564, 0.1818181872367859,
     1.6363636255264282, -1.6363636255264282, -0.1818181872367859, 1.2727272510528564,
     -0.9090909361839294, 0.5454545617103577, 2.0],
)
IN_PLACE = {"x_grad": [1.0, -2.0, 4.0], "v_grad": [3.0, 2.0, 10.0],
            "leaf_error": "a leaf Variable that requires grad is being used in an in-place "
                          "operation."}


def test_manual_sgd_with_p_minus_equals_under_no_grad_matches_pytorch():
    x, y, params = _data()
    x, y = badak.tensor(x), badak.tensor(y)
    params = [badak.tensor(p, requires_grad=True) for p in params]
    losses = []
    for _ in range(5):
        w1, b1, w2, b2 = params
        h = (x @ w1 + b1).tanh()
        loss = ((h @ w2 + b2 - y) ** 2).mean()
        loss.backward()
        with badak.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad.zero_()
        losses.append(loss.item())
    np.testing.assert_allclose(losses, SGD_LOSSES, rtol=1e-5)
    np.testing.assert_allclose(params[0].data, SGD_W1, rtol=1e-5, atol=1e-6)


def test_accuracy_idiom_matches_pytorch():
    logits = badak.tensor(np.random.default_rng(1).standard_normal((10, 4)).astype(np.float32))
    y = badak.tensor(np.random.default_rng(2).integers(0, 4, 10))
    acc = (logits.argmax(dim=1) == y).float().mean()
    assert acc.dtype == np.float32
    assert acc.item() == pytest.approx(ACCURACY, rel=1e-7)


_X = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)


@pytest.mark.parametrize("key, compute", [
    ("sum_dim1", lambda x: x.sum(dim=1)),
    ("mean_dim0_keep", lambda x: x.mean(dim=0, keepdim=True)),
    ("max_values", lambda x: x.max(dim=1).values),
    ("max_indices", lambda x: x.max(dim=1)[1]),
    ("min_dim0_indices", lambda x: x.min(dim=0).indices),
    ("var_dim1", lambda x: x.var(dim=1)),
    ("std", lambda x: x.std()),
    ("norm_dim1", lambda x: x.norm(dim=1)),
    ("amax", lambda x: x.amax()),
    ("argmin", lambda x: x.argmin()),
])
def test_reductions_with_dim_match_pytorch(key, compute):
    got = compute(badak.tensor(_X))
    np.testing.assert_allclose(got.data, REDUCTIONS[key], rtol=1e-5)


@pytest.mark.parametrize("i, loss", [
    (0, lambda x, w: (x.view(2, 6).t() * w).sum()),
    (1, lambda x, w: (x.view(3, 4).permute(1, 0).unsqueeze(0).expand(2, 4, 3) ** 2).sum()),
    (2, lambda x, w: (x.view(2, 2, 3).transpose(0, 2).flatten(1).repeat(2, 1)
                      * w.view(3, 4).repeat(2, 1)).sum()),
])
def test_view_gradients_match_pytorch(i, loss):
    x = badak.tensor(np.arange(12, dtype=np.float32) / 10, requires_grad=True)
    w = badak.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2))
    loss(x, w).backward()
    np.testing.assert_allclose(x.grad.data, VIEW_GRADS[i], rtol=1e-6, atol=1e-7)


def test_in_place_ops_in_a_graph_and_their_error_match_pytorch():
    x = badak.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = badak.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x * 2
    h += v
    h *= v
    h.sum().backward()
    assert x.grad.tolist() == IN_PLACE["x_grad"] and v.grad.tolist() == IN_PLACE["v_grad"]
    with pytest.raises(RuntimeError) as info:
        x += 1
    assert str(info.value).startswith(IN_PLACE["leaf_error"])


@pytest.mark.parametrize("make, dtype, values", [
    (lambda: badak.zeros(2, 3), np.float32, None),
    (lambda: badak.arange(5), np.int64, None),
    (lambda: badak.arange(0, 1, 0.25), np.float32, [0.0, 0.25, 0.5, 0.75]),
    (lambda: badak.linspace(0, 1, 5), np.float32, [0.0, 0.25, 0.5, 0.75, 1.0]),
    (lambda: badak.full((2,), 3), np.int64, None),
    (lambda: badak.eye(2, 3), np.float32, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
    (lambda: badak.randint(0, 5, (2,), rng=0), np.int64, None),
])
def test_factory_dtypes_and_values_match_pytorch(make, dtype, values):
    t = make()
    assert t.dtype == dtype
    if values is not None:
        assert t.tolist() == values
