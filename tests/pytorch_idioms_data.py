"""The inputs of ``tests/test_pytorch_idioms_tensor.py``, shared with the script that computed
its expected numbers with PyTorch (``benchmarks/pytorch_idioms_reference.py``), so that both use
the very same arrays. NumPy only: neither badak nor torch is imported here."""

from __future__ import annotations

import numpy as np


def data() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """``x`` (8, 3), ``y`` (8, 1) and the parameters ``[w1 (3, 4), b1 (4,), w2 (4, 1), b2 (1,)]``
    of a 3 -> 4 -> 1 network, float32, from ``default_rng(0)``."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    w1 = (rng.standard_normal((3, 4)) * 0.5).astype(np.float32)
    b1 = np.zeros(4, np.float32)
    w2 = (rng.standard_normal((4, 1)) * 0.5).astype(np.float32)
    b2 = np.zeros(1, np.float32)
    return x, y, [w1, b1, w2, b2]
