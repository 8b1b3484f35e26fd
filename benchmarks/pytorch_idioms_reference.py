"""Compute, with PyTorch, the expected numbers written into tests/test_pytorch_idioms_tensor.py.

    pip install torch==2.13.0      # CPU build; torch is NOT a test dependency
    python benchmarks/pytorch_idioms_reference.py

Prints each reference value as a Python literal; paste them into the test when an idiom changes.
The inputs are the same NumPy arrays the test builds (seeded generators), in float32.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pytorch_idioms_data import data  # noqa: E402  (the test's inputs, the same arrays)


def manual_sgd():
    x, y, params = data()
    x, y = torch.tensor(x), torch.tensor(y)
    params = [torch.tensor(p, requires_grad=True) for p in params]
    losses = []
    for _ in range(5):
        w1, b1, w2, b2 = params
        h = torch.tanh(x @ w1 + b1)
        loss = ((h @ w2 + b2 - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad.zero_()
        losses.append(loss.item())
    return losses, params[0].detach().numpy()


def accuracy():
    logits = torch.tensor(np.random.default_rng(1).standard_normal((10, 4)).astype(np.float32))
    y = torch.tensor(np.random.default_rng(2).integers(0, 4, 10))
    return (logits.argmax(dim=1) == y).float().mean().item()


def reductions():
    x = torch.tensor(np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32))
    values, indices = x.max(dim=1)
    return {
        "sum_dim1": x.sum(dim=1).tolist(),
        "mean_dim0_keep": x.mean(dim=0, keepdim=True).tolist(),
        "max_values": values.tolist(), "max_indices": indices.tolist(),
        "min_dim0_indices": x.min(dim=0).indices.tolist(),
        "var_dim1": x.var(dim=1).tolist(), "std": x.std().item(),
        "norm_dim1": x.norm(dim=1).tolist(), "amax": x.amax().item(),
        "argmin": x.argmin().item(),
    }


def view_gradients():
    x = torch.tensor(np.arange(12, dtype=np.float32) / 10, requires_grad=True)
    w = torch.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2))
    (x.view(2, 6).t() * w).sum().backward()
    g_view = x.grad.tolist()
    x.grad = None
    (x.view(3, 4).permute(1, 0).unsqueeze(0).expand(2, 4, 3) ** 2).sum().backward()
    g_expand = x.grad.tolist()
    x.grad = None
    (x.view(2, 2, 3).transpose(0, 2).flatten(1).repeat(2, 1) * w.view(3, 4).repeat(2, 1)).sum() \
        .backward()
    g_repeat = x.grad.tolist()
    return g_view, g_expand, g_repeat


def in_place():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x * 2
    h += v
    h *= v
    h.sum().backward()
    out = {"x_grad": x.grad.tolist(), "v_grad": v.grad.tolist()}
    try:
        x += 1
    except RuntimeError as e:
        out["leaf_error"] = str(e)
    return out


if __name__ == "__main__":
    print(f"torch {torch.__version__}")
    losses, w1 = manual_sgd()
    print("SGD_LOSSES =", [float(v) for v in losses])
    print("SGD_W1 =", w1.tolist())
    print("ACCURACY =", accuracy())
    print("REDUCTIONS =", reductions())
    print("VIEW_GRADS =", view_gradients())
    print("IN_PLACE =", in_place())
    print("FACTORIES =", {
        "zeros": str(torch.zeros(2, 3).dtype), "arange_int": str(torch.arange(5).dtype),
        "arange_float": torch.arange(0, 1, 0.25).tolist(),
        "linspace": torch.linspace(0, 1, 5).tolist(), "full_int": str(torch.full((2,), 3).dtype),
        "eye": torch.eye(2, 3).tolist(), "randint": str(torch.randint(0, 5, (2,)).dtype)})
