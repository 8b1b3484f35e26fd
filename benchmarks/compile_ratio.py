"""badak.compile against eager badak and hand-written NumPy loops, in interleaved rounds.

    python benchmarks/compile_ratio.py                 # MLP batch 1, 32, 128, 512; Boston batch 1
    python benchmarks/compile_ratio.py --rounds 50
    python benchmarks/compile_ratio.py --sizes 4 4 4 4   # arithmetic almost free: overhead alone

The models of ``suite.py``: the 784-256-128-10 ReLU MLP (softmax cross-entropy, plain SGD) and the
Boston MLP 13-64-64-1 (MSE, RMSprop). Each round times a block of steps of each contender, so
that a noisy neighbour slows them alike, and the medians of the per-round ratios are printed
(the tight loop's time / the contender's: 1.0 means as fast as the tight loop). For the MLP the
reference is :func:`tight_classifier`, the tightest NumPy loop we could write (in-place updates,
``np.dot``, the learning rate folded into the deltas, no loss value); beside it the same loop
with ``w -= lr * gw`` ("lr-unfolded"), the arithmetic a framework's SGD must reproduce. For
Boston the reference is ``suite``'s NumPy loop. Two batches alternate, so that the compiled step
sees new inputs each call (as in training); the script checks that it replays.
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


def tight_classifier(xs, ys, lr=0.01, fold=True):
    """The tightest hand-written training step of the ReLU MLP: in place wherever NumPy allows,
    ``np.dot``, the learning rate folded into the output delta (so every weight gradient comes
    out already scaled and is subtracted at once), no loss value. Alternates between the batches
    ``xs``/``ys`` as the badak steps do. ``fold=False`` multiplies each gradient by the learning
    rate instead (``w -= lr * gw``, SGD's rule as every framework writes it, whose numbers a
    framework must reproduce): the difference is one more pass over every weight."""
    params = suite.he_params(suite.MLP_SIZES, np.random.default_rng(0))
    last = len(params) - 1
    turn = [0]

    def step():
        i = turn[0] = 1 - turn[0]
        x, labels = xs[i], ys[i]
        n = len(x)
        acts, h = [x], x
        for k, (w, b) in enumerate(params):
            h = np.dot(h, w)            # (N, in) @ (in, out) -> (N, out)
            h += b
            if k < last:
                np.maximum(h, 0, out=h)  # ReLU in place; h > 0 is its mask
                acts.append(h)
        h -= h.max(axis=1, keepdims=True)
        np.exp(h, out=h)
        h /= h.sum(axis=1, keepdims=True)
        h[np.arange(n), labels] -= 1
        g = h
        g *= lr / n if fold else 1 / n   # lr folded into the delta: gradients come out scaled
        for k in range(last, -1, -1):
            w, b = params[k]
            if k:
                gx = np.dot(g, w.T)       # before w changes
                gx *= acts[k] > 0
            if fold:
                w -= np.dot(acts[k].T, g)
                b -= g.sum(0)
            else:
                w -= lr * np.dot(acts[k].T, g)
                b -= lr * g.sum(0)
            if k:
                g = gx

    return step


WITH_TORCH = False  # --torch
THREADS = 2  # --threads


def _steps(kind: str, batch: int):
    """(reference NumPy step, other NumPy step or None, PyTorch step or None, eager step,
    compiled step), each a no-argument callable."""
    import badak
    from badak import nn, optim

    rng = np.random.default_rng(0)
    if kind == "mlp":
        xs = [rng.standard_normal((batch, suite.MLP_SIZES[0])).astype(np.float32)
              for _ in range(2)]
        ys = [rng.integers(0, suite.MLP_SIZES[-1], batch) for _ in range(2)]
        hand = tight_classifier(xs, ys)
        plain = tight_classifier(xs, ys, fold=False)
        torch_step = suite.torch_classifier(xs[0], ys[0]) if WITH_TORCH and _torch() else None
        sizes, loss_fn = suite.MLP_SIZES, nn.CrossEntropyLoss()
        make_opt = lambda p: optim.SGD(p, lr=0.01)  # noqa: E731
    else:
        xs = [rng.standard_normal((batch, 13)).astype(np.float32) for _ in range(2)]
        ys = [rng.standard_normal((batch, 1)).astype(np.float32) for _ in range(2)]
        steps = suite.boston_steps(batch)
        hand, plain = steps["numpy"], None
        torch_step = steps.get("torch") if WITH_TORCH and _torch() else None
        sizes, loss_fn = suite.BOSTON_SIZES, nn.MSELoss()
        make_opt = lambda p: optim.RMSprop(p, lr=1e-3)  # noqa: E731
    xs = [badak.tensor(x) for x in xs]

    def make(compiled: bool):
        model = nn.MLP(list(sizes), activation="relu", rng=0)
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

    return hand, plain, torch_step, make(False), make(True)


def _torch() -> bool:
    """Whether PyTorch is installed (then run on ``--threads`` threads)."""
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(THREADS)
    return True


def ratios(kind: str, batch: int, rounds: int):
    """Median ratios (reference time / contender time) and best µs per step, by contender."""
    hand, plain, torch_step, eager, compiled = _steps(kind, batch)
    contenders = {"tight": hand, "lr-unfolded": plain, "torch": torch_step, "eager": eager,
                  "compiled": compiled}
    contenders = {k: v for k, v in contenders.items() if v is not None}
    n = max(50, 20_000 // (4 * batch + 40))  # steps per block: a few tens of milliseconds
    for step in contenders.values():
        for _ in range(n):
            step()
    if compiled.step.replays == 0:
        raise SystemExit(f"{kind} batch {batch}: the compiled step never replayed")
    r = {k: [] for k in contenders}
    us = {k: [] for k in contenders}
    for _ in range(rounds):
        d = {}
        for name, step in contenders.items():
            t0 = time.perf_counter()
            for _ in range(n):
                step()
            d[name] = time.perf_counter() - t0
        for name in contenders:
            r[name].append(d["tight"] / d[name])
            us[name].append(d[name] / n * 1e6)
    return ({k: statistics.median(v) for k, v in r.items()},
            {k: min(v) for k, v in us.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N",
                        help=f"MLP layer sizes (default {' '.join(map(str, suite.MLP_SIZES))})")
    parser.add_argument("--batch", type=int, action="append", help="MLP batch sizes "
                        "(default: 1, 32, 128 and 512)")
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS (and PyTorch) threads, as in suite.py; 1 steadies the "
                        "figures on a busy machine")
    parser.add_argument("--torch", action="store_true",
                        help="PyTorch (2 threads) beside them, when installed; its threads may "
                        "spin after each block and slow the others on a busy machine")
    args = parser.parse_args()
    if args.sizes:
        if len(args.sizes) < 2 or min(args.sizes) < 1:
            parser.error(f"--sizes needs at least two positive sizes; received {args.sizes}")
        suite.MLP_SIZES = tuple(args.sizes)
    global WITH_TORCH, THREADS
    WITH_TORCH, THREADS = args.torch, args.threads
    try:
        import threadpoolctl

        threadpoolctl.threadpool_limits(args.threads)
    except ImportError:
        print("threadpoolctl is not installed: BLAS uses its own thread count")
    import badak

    print(f"badak {badak.__version__} from {Path(badak.__file__).parent}")
    print("reference time / contender time (1.0 = as fast as the reference NumPy loop: the tight "
          "loop for the MLP, suite's NumPy loop for Boston); best µs per step in brackets")
    cases = [("mlp", b) for b in args.batch or [1, 32, 128, 512]] + [("boston", 1)]
    for kind, batch in cases:
        r, us = ratios(kind, batch, args.rounds)
        name = f"MLP {'-'.join(map(str, suite.MLP_SIZES))}" if kind == "mlp" else \
            "Boston 13-64-64-1"
        shown = "  ".join(f"{k} {r[k]:.3f} ({us[k]:.0f})" for k in r if k != "tight")
        vs_torch = f"   compiled/torch {r['compiled'] / r['torch']:.2f}x" if "torch" in r else ""
        print(f"{name:<18} batch {batch:>4}: {shown}   [reference {us['tight']:.0f} µs]"
              f"{vs_torch}")


if __name__ == "__main__":
    main()
