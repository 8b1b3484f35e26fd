"""Numerical extremes (issue 7): every activation, loss and softmax-like op stays finite.

For inputs anywhere in [-1e4, 1e4] (hypothesis draws them, leaning on the edges: ±1e4, the
float32 overflow point of exp near ±88.7, tiny numbers, zero), in float32 and in float64:

- the output and the gradient of every input are finite;
- NumPy says nothing: warnings are errors, and ``np.errstate`` raises on overflow, division by
  zero and invalid operations (underflow to 0, as in e^-10000, is the right answer and allowed);
- the dtype is kept: float32 in, float32 out and float32 gradients;
- float32 and float64 agree, to float32's precision, on the same (float32-representable) input.
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import badak
import badak.functional as F
from badak import nn

LIMIT = 1e4
EDGES = [LIMIT, -LIMIT, 1e3, -1e3, 100.0, -100.0, 88.72, -88.72, 89.0, -89.0, 20.0, -20.0,
         1.0, -1.0, 1e-30, -1e-30, 0.0]


@dataclass
class Op:
    fn: Callable            # fn(x, second input) -> Tensor
    target: str | None      # the second input: None, 'real', 'labels', 'probs', 'unit', 'slopes'


OPS = {
    "step": Op(lambda x, t: F.step(x), None),
    "sigmoid": Op(lambda x, t: F.sigmoid(x), None),
    "tanh": Op(lambda x, t: F.tanh(x), None),
    "relu": Op(lambda x, t: F.relu(x), None),
    "leaky_relu": Op(lambda x, t: F.leaky_relu(x, 0.01), None),
    "prelu": Op(lambda x, w: F.prelu(x, w), "slopes"),
    "elu": Op(lambda x, t: F.elu(x, 1.0), None),
    "maxout": Op(lambda x, t: F.maxout(x, 2), None),
    "softmax": Op(lambda x, t: F.softmax(x, axis=-1), None),
    "softmax_axis0": Op(lambda x, t: F.softmax(x, axis=0), None),
    "log_softmax": Op(lambda x, t: F.log_softmax(x, axis=-1), None),
    "Softmax_module": Op(lambda x, t: nn.Softmax()(x), None),
    "mse_loss": Op(lambda x, t: F.mse_loss(x, t), "real"),
    "l1_loss": Op(lambda x, t: F.l1_loss(x, t), "real"),
    "cross_entropy_labels": Op(lambda x, t: F.cross_entropy(x, t), "labels"),
    "cross_entropy_probs": Op(lambda x, t: F.cross_entropy(x, t), "probs"),
    "bce_with_logits": Op(lambda x, t: F.binary_cross_entropy_with_logits(x, t), "unit"),
    "CrossEntropyLoss_module": Op(lambda x, t: nn.CrossEntropyLoss()(x, t), "labels"),
    "BCEWithLogitsLoss_module": Op(lambda x, t: nn.BCEWithLogitsLoss()(x, t), "unit"),
}


def _target(kind, shape, other, labels, probs):
    """The second input of an op, as float32-representable float64 (or int labels)."""
    if kind == "real":                          # anything in [-1e4, 1e4], like x
        return other
    if kind == "labels":                        # class labels, ints in [0, C)
        return labels
    if kind == "probs":                         # rows of probabilities
        return probs
    if kind == "unit":                          # BCE targets in [0, 1]
        return np.clip(np.abs(other) / LIMIT, 0.0, 1.0).astype(np.float32).astype(np.float64)
    if kind == "slopes":                        # PReLU's learnable slopes, one per channel
        return np.linspace(-0.5, 2.0, shape[1]).astype(np.float32).astype(np.float64)
    return None


def run(name, x, t, dtype):
    """Forward and backward of op ``name`` in ``dtype``; return (output, gradients) as arrays."""
    op = OPS[name]
    xt = badak.tensor(x.astype(dtype), requires_grad=True)
    tt = None
    if t is not None:
        if t.dtype.kind == "f":
            tt = badak.tensor(t.astype(dtype), requires_grad=True)
        else:
            tt = t
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise",
                                                under="ignore"):
        warnings.simplefilter("error")
        out = op.fn(xt, tt)
        upstream = np.linspace(-1.0, 1.0, out.data.size).reshape(out.shape).astype(dtype)
        if out.ndim == 0:
            upstream = np.ones((), dtype=dtype)
        out.backward(upstream)
    grads = [xt.grad.data]
    if isinstance(tt, badak.Tensor):
        grads.append(tt.grad.data)
    return out.data, grads


def check(name, x, t):
    results = {}
    for dtype in (np.float32, np.float64):
        out, grads = run(name, x, t, dtype)
        assert out.dtype == dtype, f"{name}: output {out.dtype} for {np.dtype(dtype)} input"
        assert np.isfinite(out).all(), f"{name} ({np.dtype(dtype)}): output {out} for x={x}"
        for i, g in enumerate(grads):
            assert g.dtype == dtype, f"{name}: gradient {i} is {g.dtype} for {np.dtype(dtype)}"
            assert np.isfinite(g).all(), f"{name} ({np.dtype(dtype)}): gradient {i} {g} for x={x}"
        results[dtype] = [out, *grads]
    # float32 against float64 on the very same numbers: float32's rounding of the intermediate
    # values of inputs as large as `scale` is about scale * 6e-8 (1e-3 at 1e4)
    scale = 1.0 + max(np.abs(x).max(), 0.0 if t is None or t.dtype.kind != "f" else
                      np.abs(t).max())
    for a, b in zip(results[np.float32], results[np.float64]):
        np.testing.assert_allclose(a.astype(np.float64), b, rtol=1e-4, atol=1e-6 * scale,
                                   err_msg=f"{name}: float32 and float64 disagree for x={x}")


# ---------------------------------------------------------------- hypothesis
values = st.one_of(st.sampled_from(EDGES),
                   st.floats(-LIMIT, LIMIT, width=32, allow_nan=False, allow_infinity=False))


@st.composite
def cases(draw):
    n = draw(st.integers(1, 4))
    c = draw(st.sampled_from([2, 4, 6]))        # even: maxout takes pieces of 2
    x = draw(hnp.arrays(np.float32, (n, c), elements=values)).astype(np.float64)
    other = draw(hnp.arrays(np.float32, (n, c), elements=values)).astype(np.float64)
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    weights = draw(hnp.arrays(np.float32, (n, c), elements=st.floats(0, 1, width=32)))
    weights[:, 0] += 1.0                        # no all-zero row
    probs = (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
    return x, other, labels, probs.astype(np.float64)


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_finite_outputs_and_gradients_without_warnings(name, case):
    x, other, labels, probs = case
    t = _target(OPS[name].target, x.shape, other, labels, probs)
    check(name, x, t)


# ---------------------------------------------------------------- the edges, every time
GRID = np.array(EDGES, dtype=np.float32).astype(np.float64)


@pytest.mark.parametrize("name", list(OPS))
def test_the_edges_themselves(name):
    # every edge value against every other in a row of 2: (len(EDGES)**2, 2)
    a, b = np.meshgrid(GRID, GRID)
    x = np.stack([a.ravel(), b.ravel()], axis=1)
    n = len(x)
    t = _target(OPS[name].target, x.shape, x[::-1].copy(), np.arange(n) % 2,
                np.tile([0.25, 0.75], (n, 1)))
    check(name, x, t)


def test_a_naive_formula_would_fail_on_these_inputs():
    """The edges are where textbook formulas break (so the tests above test something): exp
    overflows in float32 past 88.72, and the naive sigmoid 1 / (1 + e^-x) with it."""
    x = np.float32(GRID.min())                  # -1e4
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        _ = 1 / (1 + np.exp(-x))
