"""Forward + backward of a 784-256-128-10 ReLU MLP with softmax cross-entropy, badak against the
same computation written by hand in NumPy, measured side by side in one run.

The ratio badak / NumPy is the framework's overhead (1.0 would be none). Absolute samples/s depend
on the machine; compare ratios.

    python benchmarks/engine_overhead.py [--batch 128] [--repeat 7] [--steps 30]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import badak
import badak.functional as F
from suite import he_params  # the same He-initialised float32 weights as the suite

SIZES = (784, 256, 128, 10)


def numpy_step(params, x, labels):
    """Hand-written forward and backward (the book's Affine / ReLU / SoftmaxWithLoss layers).

    Products use np.dot, NumPy's fastest path for 2-D products (``x.T @ g`` through matmul is
    about ten times slower at batch 1), so that the ratio measures badak's overhead alone.
    """
    (w1, b1), (w2, b2), (w3, b3) = params
    h1 = np.dot(x, w1) + b1
    m1 = h1 > 0
    a1 = np.maximum(h1, 0)
    h2 = np.dot(a1, w2) + b2
    m2 = h2 > 0
    a2 = np.maximum(h2, 0)
    z = np.dot(a2, w3) + b3
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(x)
    loss = -np.log(p[np.arange(n), labels]).mean()
    g = p
    g[np.arange(n), labels] -= 1
    g /= n
    gw3, gb3 = np.dot(a2.T, g), g.sum(0)
    g = np.dot(g, w3.T) * m2
    gw2, gb2 = np.dot(a1.T, g), g.sum(0)
    g = np.dot(g, w2.T) * m1
    gw1, gb1 = np.dot(x.T, g), g.sum(0)
    return loss, (gw1, gb1, gw2, gb2, gw3, gb3)


def badak_step(params, x, labels):
    h = x
    for i, (w, b) in enumerate(params):
        h = F.linear(h, w, b)
        if i < len(params) - 1:
            h = F.relu(h)
    loss = F.cross_entropy(h, labels)
    loss.backward()
    return loss


def samples_per_second(fn, batch, steps, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        best = min(best, time.perf_counter() - start)
    return batch * steps / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    params = he_params(SIZES, rng)
    tparams = [(badak.tensor(w, requires_grad=True), badak.tensor(b, requires_grad=True))
               for w, b in params]
    x = rng.random((args.batch, 784), dtype=np.float32)
    labels = rng.integers(0, 10, args.batch)

    # Same numbers first: the two implementations compute the same loss and gradients.
    loss_np, grads_np = numpy_step(params, x, labels)
    loss_b = badak_step(tparams, badak.tensor(x), labels)
    grads_b = [t.grad.data for pair in tparams for t in pair]
    err = max(float(np.abs(a - b).max()) for a, b in zip(grads_np, grads_b))
    print(f"loss numpy {loss_np:.6f}  badak {loss_b.item():.6f}  max |grad difference| {err:.2e}")

    def run_badak():
        for pair in tparams:
            for t in pair:
                t.grad = None
        badak_step(tparams, badak.tensor(x), labels)

    # Interleave the two so that machine noise hits both alike.
    rates = {"numpy": [], "badak": []}
    for _ in range(3):
        rates["numpy"].append(samples_per_second(lambda: numpy_step(params, x, labels),
                                                 args.batch, args.steps, args.repeat))
        rates["badak"].append(samples_per_second(run_badak, args.batch, args.steps, args.repeat))
    r_np, r_b = max(rates["numpy"]), max(rates["badak"])
    print(f"784-256-128-10 ReLU MLP, batch {args.batch}, forward + backward, float32")
    print(f"  hand-written NumPy : {r_np:12,.0f} samples/s")
    print(f"  badak              : {r_b:12,.0f} samples/s")
    print(f"  badak / NumPy      : {r_b / r_np:12.3f}  (1.0 = no framework overhead)")


if __name__ == "__main__":
    main()
