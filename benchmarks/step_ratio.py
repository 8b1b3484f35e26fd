"""badak's training step against the hand-written NumPy loop, in interleaved rounds.

    python benchmarks/step_ratio.py                  # batch 1 and 32, 30 rounds each
    python benchmarks/step_ratio.py --batch 32 --rounds 50
    python benchmarks/step_ratio.py --sizes 4 4 4 4  # arithmetic almost free: overhead alone

The 784-256-128-10 ReLU MLP of ``suite.py`` (softmax cross-entropy, plain SGD). Each round times
a block of steps of the NumPy loop, then a block of badak's, so that a noisy neighbour slows both
alike; the median of the per-round ratios is printed (NumPy's time / badak's: 1.0 means no
overhead). A short, steady figure for comparing two versions of badak: run it at each commit with
``PYTHONPATH=<checkout>/src`` (this is how the gains listed in BENCHMARKS.md were measured).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import suite  # noqa: E402  (the step implementations live there)


def _badak_step(x, labels, lr=0.01):
    """badak's eager step of the MLP (each layer its own node)."""
    import badak
    from badak import nn, optim

    model = nn.MLP(list(suite.MLP_SIZES), activation="relu", rng=0)
    opt = optim.SGD(model.parameters(), lr=lr)
    return suite.training_step(model, opt, nn.CrossEntropyLoss(), badak.tensor(x), labels)


def ratio(batch: int, rounds: int) -> tuple[float, float, float]:
    """Return (median ratio, best NumPy µs per step, best badak µs per step)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, suite.MLP_SIZES[0])).astype(np.float32)
    labels = rng.integers(0, suite.MLP_SIZES[-1], batch)
    hand = suite.numpy_classifier(x, labels)
    badak_step = _badak_step(x, labels)
    n = max(50, 20_000 // (4 * batch + 40))  # steps per block: a few tens of milliseconds
    for step in (hand, badak_step):
        for _ in range(n):
            step()
    ratios, hand_us, badak_us = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            hand()
        t1 = time.perf_counter()
        for _ in range(n):
            badak_step()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
        hand_us.append((t1 - t0) / n * 1e6)
        badak_us.append((t2 - t1) / n * 1e6)
    return statistics.median(ratios), min(hand_us), min(badak_us)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, action="append", help="default: 1 and 32")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N",
                        help=f"layer sizes (default {' '.join(map(str, suite.MLP_SIZES))})")
    args = parser.parse_args()
    if args.sizes:
        if len(args.sizes) < 2 or min(args.sizes) < 1:
            parser.error(f"--sizes needs at least two positive sizes; received {args.sizes}")
        suite.MLP_SIZES = tuple(args.sizes)
    import badak

    print(f"badak {badak.__version__} from {Path(badak.__file__).parent}")
    for batch in args.batch or [1, 32]:
        med, hand_us, badak_us = ratio(batch, args.rounds)
        print(f"MLP {'-'.join(map(str, suite.MLP_SIZES))}, batch {batch:>4}: NumPy/badak "
              f"{med:.3f} (median of {args.rounds} rounds; best {hand_us:.1f} µs vs "
              f"{badak_us:.1f} µs per step)")


if __name__ == "__main__":
    main()
