"""badak.compile against eager badak and the hand-written NumPy loop, in interleaved rounds.

    python benchmarks/compile_ratio.py                 # MLP batch 1, 32, 128; Boston batch 1
    python benchmarks/compile_ratio.py --rounds 50
    python benchmarks/compile_ratio.py --sizes 4 4 4 4   # arithmetic almost free: overhead alone

The models of ``suite.py``: the 784-256-128-10 ReLU MLP (softmax cross-entropy, plain SGD) and the
Boston MLP 13-64-64-1 (MSE, RMSprop). Each round times a block of steps of the NumPy loop, of
badak's eager step and of the same step wrapped in ``badak.compile``, so that a noisy neighbour
slows all three alike; the medians of the per-round ratios are printed (NumPy's time / badak's:
1.0 means no overhead). Two batches alternate, so that the compiled step sees new inputs each call
(as in training); the script checks that it replays.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import suite  # noqa: E402  (the NumPy steps live there)


def _steps(kind: str, batch: int, fuse: bool = True):
    """(NumPy step, eager step, compiled step), each a no-argument callable."""
    import badak
    from badak import nn, optim

    rng = np.random.default_rng(0)
    if kind == "mlp":
        xs = [rng.standard_normal((batch, suite.MLP_SIZES[0])).astype(np.float32)
              for _ in range(2)]
        ys = [rng.integers(0, suite.MLP_SIZES[-1], batch) for _ in range(2)]
        hand = suite.numpy_classifier(xs[0], ys[0])
        sizes, loss_fn = suite.MLP_SIZES, nn.CrossEntropyLoss()
        make_opt = lambda p: optim.SGD(p, lr=0.01)  # noqa: E731
    else:
        xs = [rng.standard_normal((batch, 13)).astype(np.float32) for _ in range(2)]
        ys = [rng.standard_normal((batch, 1)).astype(np.float32) for _ in range(2)]
        hand = suite.boston_steps(batch)["numpy"]
        sizes, loss_fn = suite.BOSTON_SIZES, nn.MSELoss()
        make_opt = lambda p: optim.RMSprop(p, lr=1e-3)  # noqa: E731
    xs = [badak.tensor(x) for x in xs]

    def make(compiled: bool):
        model = nn.MLP(list(sizes), activation="relu", rng=0)
        model.fuse = fuse  # False: each Linear and ReLU its own node (badak.nn.fusion)
        opt = make_opt(model.parameters())

        def train_step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        step = badak.compile(train_step) if compiled else train_step
        turn = [0]

        def run():
            i = turn[0] = 1 - turn[0]
            step(xs[i], ys[i])

        run.step = step
        return run

    return hand, make(False), make(True)


def ratios(kind: str, batch: int, rounds: int, fuse: bool = True):
    hand, eager, compiled = _steps(kind, batch, fuse)
    n = max(50, 20_000 // (4 * batch + 40))  # steps per block: a few tens of milliseconds
    for step in (hand, eager, compiled):
        for _ in range(n):
            step()
    if compiled.step.replays == 0:
        raise SystemExit(f"{kind} batch {batch}: the compiled step never replayed")
    r_eager, r_compiled, us = [], [], {"numpy": [], "eager": [], "compiled": []}
    for _ in range(rounds):
        t = [time.perf_counter()]
        for step in (hand, eager, compiled):
            for _ in range(n):
                step()
            t.append(time.perf_counter())
        d = [b - a for a, b in zip(t, t[1:])]
        r_eager.append(d[0] / d[1])
        r_compiled.append(d[0] / d[2])
        for name, v in zip(us, d):
            us[name].append(v / n * 1e6)
    return (statistics.median(r_eager), statistics.median(r_compiled),
            {k: min(v) for k, v in us.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N",
                        help=f"MLP layer sizes (default {' '.join(map(str, suite.MLP_SIZES))})")
    parser.add_argument("--batch", type=int, action="append", help="MLP batch sizes "
                        "(default: 1, 32 and 128)")
    parser.add_argument("--unfused", action="store_true",
                        help="every layer its own graph node (model.fuse = False)")
    args = parser.parse_args()
    if args.sizes:
        if len(args.sizes) < 2 or min(args.sizes) < 1:
            parser.error(f"--sizes needs at least two positive sizes; received {args.sizes}")
        suite.MLP_SIZES = tuple(args.sizes)
    import badak

    print(f"badak {badak.__version__} from {Path(badak.__file__).parent}")
    print("NumPy time / badak time (1.0 = as fast as the hand-written loop); best µs per step")
    cases = [("mlp", b) for b in args.batch or [1, 32, 128]] + [("boston", 1)]
    for kind, batch in cases:
        eager, compiled, us = ratios(kind, batch, args.rounds, fuse=not args.unfused)
        name = f"MLP {'-'.join(map(str, suite.MLP_SIZES))}" if kind == "mlp" else \
            "Boston 13-64-64-1"
        print(f"{name:<18} batch {batch:>4}: eager {eager:.3f}  compiled {compiled:.3f}   "
              f"(NumPy {us['numpy']:.1f} µs, eager {us['eager']:.1f} µs, compiled "
              f"{us['compiled']:.1f} µs)")


if __name__ == "__main__":
    main()
