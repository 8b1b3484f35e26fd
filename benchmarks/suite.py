"""badak's benchmark suite: every figure beside hand-written NumPy, PyTorch (CPU, same thread
count, when installed) and scikit-learn, measured side by side in one run, printed as ratios.

    python benchmarks/suite.py                  # everything (a few minutes on 2 cores)
    python benchmarks/suite.py --quick          # fewer, shorter repeats: a smoke test
    python benchmarks/suite.py --json out.json  # also every figure as JSON
    python benchmarks/suite.py --baseline-src /path/to/old/src   # eager against another engine

Rows:
1. 784-256-128-10 ReLU MLP, softmax cross-entropy, plain SGD, float32: training samples/s at
   batch 1, 32, 128 and 512 of "NumPy tight" (preallocated buffers, np.dot with ``out=``, the
   learning rate folded into the deltas, no loss value; checked at startup against the plain
   loop), "NumPy plain", badak's hand-written step under ``badak.compile`` ("replay") and
   without it ("eager"), ``badak.fit``, PyTorch and scikit-learn; then the ratios, eager against
   another engine (``--baseline-src``), and at batch 512 the share of the float32 GEMM peak
   (a plain np.dot measured in the same rounds) that each step reaches.
2. One training step of the Boston MLP 13-64-64-1 (RMSprop, MSE) at batch 1 and 16, in µs:
   NumPy, badak eager and compiled, PyTorch, scikit-learn.
3. The Boston final protocol end to end (404 rows, 80 epochs, batch 16, one seed), each framework
   in its own process: wall time and peak memory (RSS).
4. ``import badak`` time.
Then a summary of issue 13's speed targets (MET / MISSED) and markdown tables.

Absolute numbers depend on the machine and on what else runs; compare the ratios. The machine's
thread count is pinned to the same value for every framework (--threads, default 2).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from functools import partial

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MLP_SIZES = (784, 256, 128, 10)
BOSTON_SIZES = (13, 64, 64, 1)


# ----------------------------------------------------------------------------- timing helpers
def loop_block(step):
    """``block(calls) -> seconds``: ``calls`` calls of ``step``, timed."""
    def block(calls: int) -> float:
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        return time.perf_counter() - t0

    return block


def calibrate(block, block_time: float) -> int:
    """Calls of ``block`` that take about ``block_time`` seconds.

    Three warm-up calls first: ``badak.compile`` runs its first two calls eagerly while it
    records (slowly, under a profiler), and timing one of those would make the blocks far too
    short.
    """
    block(3)
    calls = 1
    while True:
        dt = min(block(calls) for _ in range(3))   # one garbage collection must not decide
        if dt >= block_time / 4:
            return max(1, int(calls * block_time / max(dt, 1e-9)))
        calls *= 2


def interleaved_rates(blocks: dict, rounds: int, block_time: float) -> dict[str, float]:
    """Best samples/s of each ``name: (block, samples_per_call)`` over interleaved rounds.

    Each round times one short block of every implementation in turn, so that a burst of load
    from elsewhere (the machine is shared) hits a block of each rather than every measurement
    of one of them; the best block of each is kept.
    """
    calls = {name: calibrate(block, block_time) for name, (block, _) in blocks.items()}
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, (block, samples) in blocks.items():
            rate = samples * calls[name] / block(calls[name])
            best[name] = max(best.get(name, 0.0), rate)
    return best


# ----------------------------------------------------------------------------- implementations
def training_step(model, opt, loss_fn, x, y):
    """One step of a framework with PyTorch's API shape (badak's and PyTorch's alike)."""

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def he_params(sizes, rng):
    return [((rng.standard_normal((i, o)) * np.sqrt(2 / i)).astype(np.float32),
             np.zeros(o, np.float32)) for i, o in zip(sizes[:-1], sizes[1:])]


def numpy_forward(params, x):
    """The hand-written ReLU MLP forward: output (N, out), each layer's input, the ReLU masks."""
    acts, masks, h = [x], [], x
    for i, (w, b) in enumerate(params):
        h = np.dot(h, w) + b
        if i < len(params) - 1:
            m = h > 0
            h = np.maximum(h, 0)
            masks.append(m)
            acts.append(h)
    return h, acts, masks


def numpy_classifier(x, labels, lr=0.01, with_loss=False):
    """"NumPy plain": hand-written forward, backward and SGD update of the MLP (no framework).

    Products go through np.dot, NumPy's fastest path for 2-D products (``x.T @ g`` through
    matmul is about ten times slower at batch 1), so that the ratio measures overhead alone.
    The loop skips what it does not need to train: the loss value itself. ``with_loss=True``
    computes it too (``-mean log softmax`` at the labels, as every framework returns it).
    The parameters are ``step.params``.
    """
    params = he_params(MLP_SIZES, np.random.default_rng(0))
    n = len(x)
    rows = np.arange(n)

    def step():
        h, acts, masks = numpy_forward(params, x)
        h -= h.max(axis=1, keepdims=True)
        p = np.exp(h)
        total = p.sum(axis=1, keepdims=True)
        if with_loss:
            step.loss = (np.log(total).ravel() - h[rows, labels]).sum() / n
        p /= total
        g = p
        g[rows, labels] -= 1
        g /= n
        for i in range(len(params) - 1, -1, -1):
            w, b = params[i]
            gw = np.dot(acts[i].T, g)
            gb = g.sum(0)
            if i:
                g = np.dot(g, w.T) * masks[i - 1]
            w -= lr * gw
            b -= lr * gb

    step.params = params
    return step


def numpy_tight_classifier(x, labels, lr=0.01):
    """"NumPy tight": the same training step as :func:`numpy_classifier`, written for speed.

    Every array is allocated once: np.dot writes into preallocated ``out=`` buffers, ReLU and
    its mask work in place, and the learning rate is folded into the deltas (the output
    gradient is scaled by ``lr / N`` once, so the update is ``w -= x.T @ g`` with no separate
    multiply). No loss value. The parameters are ``step.params``.
    """
    params = he_params(MLP_SIZES, np.random.default_rng(0))
    n, last = len(x), len(params) - 1
    rows = np.arange(n)
    scale = np.float32(lr / n)
    zs = [np.empty((n, w.shape[1]), np.float32) for w, _ in params]   # layer outputs
    gs = [np.empty_like(z) for z in zs]          # gs[i]: delta at layer i's output (lr folded)
    masks = [np.empty(z.shape, bool) for z in zs[:-1]]
    gws = [np.empty_like(w) for w, _ in params]
    gbs = [np.empty_like(b) for _, b in params]
    peak = np.empty((n, 1), np.float32)
    total = np.empty((n, 1), np.float32)
    acts = [x, *zs[:-1]]                          # each layer's input (ReLU done in place)

    def step():
        for i, (w, b) in enumerate(params):       # forward
            z = zs[i]
            np.dot(acts[i], w, out=z)
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
        z = zs[last]                              # softmax, times lr / N, minus the labels
        np.max(z, axis=1, keepdims=True, out=peak)
        z -= peak
        np.exp(z, out=z)
        np.sum(z, axis=1, keepdims=True, out=total)
        np.divide(scale, total, out=total)
        g = gs[last]
        np.multiply(z, total, out=g)
        g[rows, labels] -= scale
        for i in range(last, -1, -1):             # backward and update, layer by layer
            w, b = params[i]
            if i:
                below = gs[i - 1]
                np.dot(g, w.T, out=below)         # before w changes
                np.greater(acts[i], 0, out=masks[i - 1])
                np.multiply(below, masks[i - 1], out=below)
            np.dot(acts[i].T, g, out=gws[i])
            w -= gws[i]
            np.sum(g, axis=0, out=gbs[i])
            b -= gbs[i]
            if i:
                g = below

    step.params = params
    return step


def check_tight_loop(steps: int = 20) -> dict[int, tuple[float, float]]:
    """Per batch size: (max |w_tight - w_plain| after ``steps`` SGD steps, max |w - w_start|)."""
    rng = np.random.default_rng(1)
    diffs = {}
    for batch in (1, 32):
        x = rng.random((batch, MLP_SIZES[0]), dtype=np.float32)
        labels = rng.integers(0, MLP_SIZES[-1], batch)
        plain, tight = numpy_classifier(x, labels, lr=0.05), numpy_tight_classifier(x, labels,
                                                                                  lr=0.05)
        start = [w.copy() for w, _ in plain.params]
        for _ in range(steps):
            plain()
            tight()
        moved = max(float(np.abs(w - w0).max()) for (w, _), w0 in zip(plain.params, start))
        diff = max(float(np.abs(a - b).max()) for pa, pb in zip(plain.params, tight.params)
                   for a, b in zip(pa, pb))
        diffs[batch] = (diff, moved)
    return diffs


def mlp_flops(batch: int) -> int:
    """The matrix products of one training step of the MLP, in floating-point operations.

    Forward ``2 N in out`` per layer; backward the same again for each weight gradient and
    for each input gradient except the first layer's (the data need none): about 3x forward.
    """
    pairs = list(zip(MLP_SIZES[:-1], MLP_SIZES[1:]))
    forward = sum(2 * batch * i * o for i, o in pairs)
    return 2 * forward + sum(2 * batch * i * o for i, o in pairs[1:])


def badak_classifier(x, labels, lr=0.01, compiled=True):
    """badak's hand-written step, under ``badak.compile`` (replay) or eager."""
    import badak
    from badak import nn, optim

    model = nn.MLP(list(MLP_SIZES), activation="relu", rng=0)
    opt = optim.SGD(model.parameters(), lr=lr)
    return _badak_step(model, opt, nn.CrossEntropyLoss(), badak.tensor(x), labels, compiled)


def badak_fit_block(x_all, y_all, batch: int):
    """``(block, samples per call)``: calls of ``badak.fit`` (compile on, its default).

    Each call trains a fresh model for whole epochs (at least 128 steps, so that the two eager
    recording steps of ``badak.compile`` weigh little); samples/s from wall time.
    """
    import badak
    from badak import nn

    n = len(x_all)
    epochs = max(1, -(-128 * batch // n))

    def step():
        model = nn.MLP(list(MLP_SIZES), activation="relu", rng=0)
        badak.fit(model, x_all, y_all, loss="cross_entropy", optimizer="sgd", lr=0.01,
                  epochs=epochs, batch_size=batch, rng=0, verbose=0)

    return loop_block(step), n * epochs


def torch_classifier(x, labels, lr=0.01):
    import torch

    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(MLP_SIZES) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return training_step(model, opt, torch.nn.CrossEntropyLoss(), torch.from_numpy(x),
                         torch.from_numpy(labels.astype(np.int64)))


def gemm_blocks() -> dict[str, tuple]:
    """``name: (block, FLOPs per call)`` of a plain float32 ``np.dot`` of the MLP's products at
    batch 512, and of a big square one."""
    rng = np.random.default_rng(0)
    n = 512
    shapes = {f"{n}x{i} @ {i}x{o}": (n, i, o) for i, o in zip(MLP_SIZES[:-2], MLP_SIZES[1:-1])}
    shapes[f"{MLP_SIZES[0]}x{n} @ {n}x{MLP_SIZES[1]} (x.T @ g)"] = (MLP_SIZES[0], n, MLP_SIZES[1])
    shapes["2048x2048 @ 2048x2048"] = (2048, 2048, 2048)
    blocks = {}
    for name, (m, k, o) in shapes.items():
        a = rng.random((m, k), dtype=np.float32)
        b = rng.random((k, o), dtype=np.float32)
        out = np.empty((m, o), np.float32)
        blocks[name] = (loop_block(partial(np.dot, a, b, out=out)), 2 * m * k * o)
    return blocks


def sklearn_classifier_rate(x_all, y_all, batch, min_time):
    """scikit-learn's MLPClassifier trained with plain SGD for whole epochs: samples/s."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    n = len(x_all)
    epochs = max(1, int(min_time * 20_000 / n)) if batch > 1 else 1
    model = MLPClassifier(hidden_layer_sizes=MLP_SIZES[1:-1], solver="sgd", momentum=0.0,
                          learning_rate_init=0.01, batch_size=batch, max_iter=epochs,
                          shuffle=False, tol=0.0, n_iter_no_change=10**9, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        model.fit(x_all, y_all)
        dt = time.perf_counter() - t0
    return n * epochs / dt


class NumpyRegressor:
    """The Boston MLP 13-64-64-1 written out in NumPy: ReLU, MSE, RMSprop (no framework)."""

    def __init__(self, seed: int = 0, lr: float = 1e-3, rho: float = 0.9, eps: float = 1e-7):
        self.params = he_params(BOSTON_SIZES, np.random.default_rng(seed))
        self.sq = [(np.zeros_like(w), np.zeros_like(b)) for w, b in self.params]
        self.lr, self.rho, self.eps = np.float32(lr), np.float32(rho), np.float32(eps)

    def predict(self, x):
        return numpy_forward(self.params, x)[0]

    def step(self, x, y):
        """One RMSprop step on the batch (x (N, 13), y (N, 1)), float32."""
        params, sq, lr, rho, eps = self.params, self.sq, self.lr, self.rho, self.eps
        h, acts, masks = numpy_forward(params, x)
        g = (2.0 / h.size) * (h - y)
        for i in range(len(params) - 1, -1, -1):
            w, b = params[i]
            gw, gb = np.dot(acts[i].T, g), g.sum(0)
            if i:
                g = np.dot(g, w.T) * masks[i - 1]
            for p, gp, v in ((w, gw, sq[i][0]), (b, gb, sq[i][1])):
                v *= rho
                v += (1 - rho) * gp * gp
                p -= lr * gp / (np.sqrt(v) + eps)


def _badak_step(model, opt, loss_fn, x, y, compiled):
    """A no-argument call of badak's hand-written step, compiled (``badak.compile``) or eager."""
    import badak

    def train_step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    fn = badak.compile(train_step) if compiled else train_step

    def step():
        fn(x, y)

    step.compiled = fn if compiled else None
    return step


def boston_steps(batch):
    """One training step of the Boston MLP for each framework (RMSprop, MSE)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 13)).astype(np.float32)
    y = rng.standard_normal((batch, 1)).astype(np.float32)
    steps = {}

    regressor = NumpyRegressor()

    def numpy_step():
        regressor.step(x, y)

    steps["numpy"] = numpy_step

    import badak
    from badak import nn, optim

    xt, yt = badak.tensor(x), badak.tensor(y)
    for name, compiled in (("badak eager", False), ("badak compiled", True)):
        model = nn.MLP(list(BOSTON_SIZES), activation="relu", rng=0)
        opt = optim.RMSprop(model.parameters(), lr=1e-3)
        steps[name] = _badak_step(model, opt, nn.MSELoss(), xt, yt, compiled)

    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        tm = torch.nn.Sequential(torch.nn.Linear(13, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                                 torch.nn.ReLU(), torch.nn.Linear(64, 1))
        topt = torch.optim.RMSprop(tm.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        steps["torch"] = training_step(tm, topt, torch.nn.MSELoss(), torch.from_numpy(x),
                                       torch.from_numpy(y))

    from sklearn.neural_network import MLPRegressor

    sk = MLPRegressor(hidden_layer_sizes=(64, 64), solver="adam", learning_rate_init=1e-3,
                      batch_size=batch, random_state=0)
    yr = y.ravel()

    def sklearn_step():
        sk.partial_fit(x, yr)  # one batch: one step (adam; scikit-learn has no RMSprop)

    steps["sklearn"] = sklearn_step
    return steps


# ----------------------------------------------------------------------------- end to end
# Peak memory of the process itself: VmHWM (reset at exec), not ru_maxrss, which a child started
# by fork + exec inherits from its parent (the suite, with PyTorch loaded).
PEAK_RSS = """
def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

# Every script gets the Boston split as an .npz file written by the suite (the same arrays for
# all), and its thread count, on its command line; each reports its own wall time.
E2E_HEAD = PEAK_RSS + """
import json, sys, time
t0 = time.perf_counter()
import numpy as np
data = np.load(sys.argv[1])
x, y, xt, yt = data["x"], data["y"], data["xt"], data["yt"]
mean, std = x.mean(0), x.std(0)
x, xt = (x - mean) / std, (xt - mean) / std
EPOCHS, BATCH = 80, 16
"""

E2E_TAIL = """
print(json.dumps({"wall": time.perf_counter() - t0, "mae": mae, "rss_mb": peak_rss_mb()}))
"""

E2E_BADAK = E2E_HEAD + """
import badak
from badak import nn
model = nn.MLP([13, 64, 64, 1], activation="relu", rng=0)
badak.fit(model, x, y, loss="mse", optimizer="rmsprop", epochs=EPOCHS, batch_size=BATCH, rng=0,
          verbose=0)
with badak.no_grad():
    mae = float(np.abs(model(badak.tensor(xt.astype(np.float32))).numpy().ravel() - yt).mean())
""" + E2E_TAIL

E2E_NUMPY = E2E_HEAD + """
sys.path.insert(0, sys.argv[3])
from suite import NumpyRegressor
x32, y32 = x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
model, rng = NumpyRegressor(seed=0), np.random.default_rng(0)
for epoch in range(EPOCHS):
    order = rng.permutation(len(x32))
    for i in range(0, len(order), BATCH):
        idx = order[i:i + BATCH]
        model.step(x32[idx], y32[idx])
mae = float(np.abs(model.predict(xt.astype(np.float32)).ravel() - yt).mean())
""" + E2E_TAIL

E2E_TORCH = E2E_HEAD + """
import torch
torch.set_num_threads(int(sys.argv[2]))
torch.manual_seed(0)
X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
model = torch.nn.Sequential(torch.nn.Linear(13, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                            torch.nn.ReLU(), torch.nn.Linear(64, 1))
opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
g = torch.Generator().manual_seed(0)
for epoch in range(EPOCHS):
    perm = torch.randperm(len(X), generator=g)
    for i in range(0, len(X), BATCH):
        idx = perm[i:i + BATCH]
        loss = torch.nn.functional.mse_loss(model(X[idx]), Y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
with torch.no_grad():
    mae = float((model(torch.tensor(xt, dtype=torch.float32)).ravel() - torch.tensor(yt)).abs()
                .mean())
""" + E2E_TAIL

# scikit-learn has no RMSprop: Adam at the same rate, the same epochs and batch size.
E2E_SKLEARN = E2E_HEAD + """
import warnings
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
model = MLPRegressor(hidden_layer_sizes=(64, 64), solver="adam", learning_rate_init=1e-3,
                     batch_size=BATCH, max_iter=EPOCHS, shuffle=True, tol=0.0,
                     n_iter_no_change=10**9, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(x, y)
mae = float(np.abs(model.predict(xt) - yt).mean())
""" + E2E_TAIL


def run_script(code: str, env, args=()) -> dict:
    """Run ``code`` in a fresh interpreter; its figures plus the process's whole wall time."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                         capture_output=True, text=True, env=env, check=False)
    process_wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_wall"] = process_wall
    return result


def import_times(env, repeat: int, modules) -> dict[str, float]:
    """Seconds to import each module in a fresh interpreter, less the interpreter's own start."""
    def once(code):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - t0

    base = min(once("pass") for _ in range(repeat))
    return {m: min(once(f"import {m}") for _ in range(repeat)) - base for m in modules}


# ----------------------------------------------------------------------------- main
MLP_BATCHES = (1, 32, 128, 512)
MLP_ROWS = ("NumPy tight", "NumPy plain", "badak replay", "badak eager", "badak fit", "PyTorch",
            "scikit-learn")
FIT_NOTE = ("badak fit: badak.fit(compile=True, its default) over whole epochs of a fixed "
            "synthetic set; its time includes the per-epoch shuffle (a copy of the data), the "
            "batching, the loss value of every step and fit's per-step checks")


def fmt_ratio(a, b):
    return "   n/a" if a is None or b is None else f"{a / b:6.2f}x"


def fmt_rate(r):
    return "n/a" if r is None else f"{r:,.0f}"


def eager_server() -> None:
    """--eager-server: read ``batch calls`` lines, answer the seconds of ``calls`` eager steps."""
    rng = np.random.default_rng(0)
    steps = {}
    for line in sys.stdin:
        batch, calls = map(int, line.split())
        if batch not in steps:
            x = rng.random((batch, MLP_SIZES[0]), dtype=np.float32)
            labels = rng.integers(0, MLP_SIZES[-1], batch)
            steps[batch] = loop_block(badak_classifier(x, labels, compiled=False))
        print(steps[batch](calls), flush=True)


class BaselineEager:
    """The eager step of the badak found in another ``src`` directory, in its own process."""

    def __init__(self, src_dir, env):
        env = dict(env, PYTHONPATH=os.path.abspath(src_dir))
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                                      "--eager-server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)

    def block(self, batch: int):
        def run(calls: int) -> float:
            self.proc.stdin.write(f"{batch} {calls}\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
            if not answer:
                raise RuntimeError("the --baseline-src eager process stopped (see its error "
                                   "above)")
            return float(answer)

        return run

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def md_table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(lines)


def run_mlp(args, torch, env, results) -> None:
    print("\n1. MLP 784-256-128-10 ReLU, softmax cross-entropy, SGD (lr 0.01), float32: "
          "training samples/s")
    diffs = check_tight_loop()
    print("   self-check, NumPy tight against NumPy plain after 20 steps (lr 0.05): " + "; ".join(
        f"batch {b}: max |w_tight - w_plain| {d:.1e} (weights moved up to {m:.2f})"
        for b, (d, m) in diffs.items()))
    results["tight_check"] = {str(b): {"max_abs_diff": d, "max_weight_change": m}
                              for b, (d, m) in diffs.items()}
    print(f"   {FIT_NOTE}; replay: a hand-written step under badak.compile; eager: the same "
          "step without it")
    rng = np.random.default_rng(0)
    x_all = rng.random((4096, MLP_SIZES[0]), dtype=np.float32)
    y_all = rng.integers(0, MLP_SIZES[-1], 4096)
    mlp, gemm, baseline, replayed = {}, {}, {}, {}
    base = BaselineEager(args.baseline_src, env) if args.baseline_src else None
    for batch in MLP_BATCHES:
        x, labels = x_all[:batch], y_all[:batch]
        n_fit = 512 if batch == 1 else 4096
        makers = {"NumPy tight": numpy_tight_classifier, "NumPy plain": numpy_classifier,
                  "badak replay": badak_classifier,
                  "badak eager": partial(badak_classifier, compiled=False)}
        if torch is not None:
            makers["PyTorch"] = torch_classifier
        steps = {name: make(x, labels) for name, make in makers.items()}
        blocks = {name: (loop_block(step), batch) for name, step in steps.items()}
        blocks["badak fit"] = badak_fit_block(x_all[:n_fit], y_all[:n_fit], batch)
        if base is not None:
            blocks["baseline eager"] = (base.block(batch), batch)
        if batch == 512:
            blocks.update((f"np.dot {name}", b) for name, b in gemm_blocks().items())
        rates = interleaved_rates(blocks, args.rounds, args.block_time)
        compiled = steps["badak replay"].compiled
        if compiled.replays == 0:
            raise SystemExit(f"batch {batch}: the badak.compile step never replayed")
        replayed[batch] = (compiled.replays, compiled.eager_calls)
        for name in list(rates):
            if name.startswith("np.dot "):
                gemm[name[len("np.dot "):]] = rates.pop(name) / 1e9   # FLOP/s -> GFLOP/s
        if base is not None:
            baseline[batch] = rates.pop("baseline eager")
        n_sk = 512 if batch == 1 else 4096
        rates["scikit-learn"] = sklearn_classifier_rate(x_all[:n_sk], y_all[:n_sk], batch,
                                                        args.min_time)
        mlp[batch] = rates
    if base is not None:
        base.close()
    results["mlp"] = {str(b): r for b, r in mlp.items()}

    print(f"{'batch':>6} " + " ".join(f"{n:>13}" for n in MLP_ROWS))
    for batch, rates in mlp.items():
        print(f"{batch:>6} " + " ".join(f"{fmt_rate(rates.get(n)):>13}" for n in MLP_ROWS))
    print("   badak.compile replayed " + ", ".join(
        f"{r:,} of {r + e:,} calls at batch {b}" for b, (r, e) in replayed.items()))
    print("\n1b. Ratios of throughput (higher is faster for the first name)")
    pairs = [("badak replay", "PyTorch"), ("badak replay", "NumPy tight"),
             ("badak fit", "PyTorch"), ("badak fit", "NumPy tight"),
             ("badak eager", "NumPy tight"), ("badak replay", "badak eager"),
             ("NumPy tight", "NumPy plain"), ("badak replay", "scikit-learn")]
    short = {"badak replay": "replay", "badak eager": "eager", "badak fit": "fit",
             "NumPy tight": "tight", "NumPy plain": "plain", "PyTorch": "torch",
             "scikit-learn": "sklearn"}
    print(f"{'batch':>6} " + " ".join(f"{short[a]}/{short[b]}".rjust(14) for a, b in pairs))
    for batch, rates in mlp.items():
        print(f"{batch:>6} " + " ".join(f"{fmt_ratio(rates.get(a), rates.get(b)):>14}"
                                        for a, b in pairs))
    if baseline:
        print(f"\n1c. Eager against the engine in {args.baseline_src} (own process, same rounds)")
        for batch, r in baseline.items():
            print(f"{batch:>6} eager {mlp[batch]['badak eager']:>10,.0f}  baseline {r:>10,.0f}"
                  f"  eager/baseline {fmt_ratio(mlp[batch]['badak eager'], r)}")
        results["baseline_eager"] = {str(b): r for b, r in baseline.items()}

    peak = max(gemm.values())
    flops = mlp_flops(512)
    print(f"\n1d. Batch 512 against the float32 GEMM peak (a plain np.dot, same run): one step is "
          f"{flops / 1e6:.0f} MFLOP of matrix products (forward, weight and input gradients)")
    for name, g in gemm.items():
        print(f"   np.dot {name:<32} {g:7.1f} GFLOP/s")
    print(f"   peak {peak:.1f} GFLOP/s")
    achieved = {}
    for name in ("NumPy tight", "NumPy plain", "badak replay", "badak eager", "badak fit",
                 "PyTorch"):
        if mlp[512].get(name):
            achieved[name] = mlp[512][name] / 512 * flops / 1e9
            share = 100 * achieved[name] / peak
            print(f"   {name:<13} {achieved[name]:7.1f} GFLOP/s = {share:5.1f}% of peak")
    results["gemm"] = {"shapes_gflops": gemm, "peak_gflops": peak, "step_mflop": flops / 1e6,
                       "achieved_gflops": achieved,
                       "percent_of_peak": {k: 100 * v / peak for k, v in achieved.items()}}


def run_boston(args, results) -> None:
    print("\n2. Boston MLP 13-64-64-1, one training step (RMSprop, MSE): µs per step")
    names = ["numpy", "badak eager", "badak compiled", "torch", "sklearn"]
    print(f"{'batch':>6} " + " ".join(f"{n:>14}" for n in names) +
          f"   {'compiled/torch':>14} {'eager/torch':>11} {'compiled/numpy':>14}")
    boston = {}
    for batch in (1, 16):
        steps = boston_steps(batch)
        blocks = {name: (loop_block(step), 1) for name, step in steps.items()}
        us = {name: 1e6 / r for name, r in
              interleaved_rates(blocks, args.rounds, args.block_time).items()}
        if steps["badak compiled"].compiled.replays == 0:
            raise SystemExit(f"Boston batch {batch}: the badak.compile step never replayed")
        t = us.get("torch")
        print(f"{batch:>6} " + " ".join(f"{(f'{us[n]:.1f}' if n in us else 'n/a'):>14}"
                                        for n in names) +
              f"   {fmt_ratio(us['badak compiled'], t):>14} {fmt_ratio(us['badak eager'], t):>11}"
              f" {fmt_ratio(us['badak compiled'], us['numpy']):>14}")
        boston[batch] = us
    print("   (time per step: lower is faster; scikit-learn's row is one Adam partial_fit)")
    results["boston_us"] = {str(b): u for b, u in boston.items()}


def run_e2e(args, torch, env, results) -> None:
    import badak

    print("\n3. Boston final protocol end to end (80 epochs, batch 16, one seed), own process")
    scripts = {"badak": E2E_BADAK, "numpy": E2E_NUMPY, "torch": E2E_TORCH, "sklearn": E2E_SKLEARN}
    if torch is None:
        del scripts["torch"]
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "boston.npz")
        (x, y), (xt, yt) = badak.datasets.load_boston()
        np.savez(data, x=x, y=y, xt=xt, yt=yt)
        res = {name: run_script(code, env, (data, args.threads, HERE))
               for name, code in scripts.items()}
    for name, r in res.items():
        print(f"  {name:7} process {r['process_wall']:6.2f} s (data, imports and training "
              f"{r['wall']:5.2f} s)   peak RSS {r['rss_mb']:7.1f} MB   test MAE {r['mae']:.2f}")
    b = res["badak"]
    for name, r in res.items():
        if name != "badak":
            print(f"  badak/{name}: process wall {b['process_wall'] / r['process_wall']:.2f}x, "
                  f"peak RSS {b['rss_mb'] / r['rss_mb']:.2f}x")
    print("  (scikit-learn has no RMSprop: it trains with Adam at the same rate)")
    results["e2e"] = res


def targets(results) -> list[dict]:
    """Each of issue 13's speed targets: measured value, target and whether it is met."""
    out = []

    def add(name, value, op, goal, unit="x"):
        if value is None:
            out.append({"name": name, "value": None, "target": f"{op} {goal}{unit}",
                        "met": None})
            return
        met = value >= goal if op == ">=" else value <= goal
        out.append({"name": name, "value": value, "target": f"{op} {goal}{unit}", "met": met})

    mlp = results.get("mlp")
    if mlp:
        for key in ("badak replay", "badak fit"):
            short = key.split()[-1]
            for b in MLP_BATCHES:
                r = mlp[str(b)]
                t = r.get("PyTorch")
                add(f"{short}/PyTorch batch {b}", r[key] / t if t else None, ">=", 1.2)
            for b in MLP_BATCHES:
                r = mlp[str(b)]
                add(f"{short}/NumPy tight batch {b}", r[key] / r["NumPy tight"], ">=",
                    0.85 if b == 1 else 0.95)
        gemm = results["gemm"]["percent_of_peak"]
        add("replay at batch 512, share of float32 GEMM peak", gemm["badak replay"], ">=", 55,
            "%")
        add("fit at batch 512, share of float32 GEMM peak", gemm["badak fit"], ">=", 55, "%")
        base = results.get("baseline_eager")
        for b in MLP_BATCHES:
            value = mlp[str(b)]["badak eager"] / base[str(b)] if base else None
            add(f"eager/baseline engine batch {b} (no slower, 3% noise)", value, ">=", 0.97)
    if "boston_us" in results:
        us = results["boston_us"]["1"]
        t = us.get("torch")
        add("Boston step batch 1, compiled/PyTorch time", us["badak compiled"] / t if t else None,
            "<=", 0.25)
    if "import_s" in results:
        add("import badak", results["import_s"]["badak"], "<=", 0.15, " s")
    return out


def print_summary(rows) -> None:
    print("\nSummary: issue 13's speed targets")
    for t in rows:
        if t["value"] is None:
            print(f"  {t['name']}: not measured (target {t['target']})"
                  + (" - run with --baseline-src DIR" if "baseline" in t["name"] else ""))
            continue
        unit = t["target"].split()[-1].lstrip("0123456789.")
        value = f"{t['value']:.3f} s" if unit == "s" else f"{t['value']:.1f}%" if unit == "%" \
            else f"{t['value']:.2f}x"
        print(f"  {t['name']}: {value} (target {t['target']}) "
              f"{'MET' if t['met'] else 'MISSED'}")


def print_markdown(results, rows) -> None:
    print("\nMarkdown tables (for BENCHMARKS.md and the README)\n")
    if "mlp" in results:
        body = [[b] + [fmt_rate(results["mlp"][str(b)].get(n)) for n in MLP_ROWS]
                + [fmt_ratio(results["mlp"][str(b)]["badak replay"],
                             results["mlp"][str(b)].get("PyTorch")).strip(),
                   fmt_ratio(results["mlp"][str(b)]["badak replay"],
                             results["mlp"][str(b)]["NumPy tight"]).strip(),
                   fmt_ratio(results["mlp"][str(b)]["badak fit"],
                             results["mlp"][str(b)].get("PyTorch")).strip()]
                for b in MLP_BATCHES]
        print(md_table(["batch", *MLP_ROWS, "replay/PyTorch", "replay/NumPy tight",
                        "fit/PyTorch"], body))
        g = results["gemm"]
        print()
        print(md_table(["batch 512", "GFLOP/s", "% of np.dot peak"],
                       [[n, f"{v:.1f}", f"{g['percent_of_peak'][n]:.0f}%"]
                        for n, v in g["achieved_gflops"].items()]
                       + [[f"np.dot {n}", f"{v:.1f}", ""] for n, v in g["shapes_gflops"].items()]))
    if "boston_us" in results:
        names = ["numpy", "badak eager", "badak compiled", "torch"]
        print()
        print(md_table(["Boston step, µs", *names, "compiled/torch"],
                       [[b] + [f"{u[n]:.1f}" if n in u else "n/a" for n in names]
                        + [fmt_ratio(u["badak compiled"], u.get("torch")).strip()]
                        for b, u in ((b, results["boston_us"][str(b)]) for b in (1, 16))]))
    print()
    print(md_table(["target", "measured", "goal", ""],
                   [[t["name"], "n/a" if t["value"] is None else f"{t['value']:.3g}",
                     t["target"], "n/a" if t["met"] is None else "MET" if t["met"] else
                     "MISSED"] for t in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description="badak's benchmark suite (ratios, one run)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repeats")
    parser.add_argument("--only", choices=["mlp", "boston", "e2e", "import"], action="append")
    parser.add_argument("--json", metavar="PATH", help="write every figure to PATH as JSON")
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="a badak src/ directory of the engine to compare eager mode with "
                             "(measured in its own process, in the same rounds)")
    parser.add_argument("--eager-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.eager_server:
        eager_server()
        return
    # short blocks in many interleaved rounds; the best block of each implementation counts
    args.block_time, args.rounds = (0.04, 5) if args.quick else (0.15, 15)
    args.min_time = 0.2 if args.quick else 1.0      # scikit-learn's fits
    only = set(args.only or ["mlp", "boston", "e2e", "import"])

    try:
        import torch

        torch.set_num_threads(args.threads)
        torch_version = torch.__version__
    except ImportError:
        torch, torch_version = None, None
    try:
        import threadpoolctl

        threadpoolctl.threadpool_limits(args.threads)
        blas = threadpoolctl.threadpool_info()
        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '')} x{i['num_threads']}"
                         for i in blas)
    except ImportError:
        blas = "threadpoolctl not installed"
    import sklearn

    import badak

    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; python "
               f"{platform.python_version()}, numpy {np.__version__} ({blas})")
    print(f"machine: {machine}")
    torch_text = torch_version or "not installed (pip install torch): its columns are skipped"
    print(f"badak {badak.__version__}; torch {torch_text}; scikit-learn {sklearn.__version__}; "
          f"threads {args.threads}")
    print("command: python " + " ".join(sys.argv))
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results = {"machine": machine, "badak": badak.__version__, "torch": torch_version,
               "sklearn": sklearn.__version__, "threads": args.threads, "quick": args.quick,
               "command": " ".join(sys.argv)}
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               OPENBLAS_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))

    if "mlp" in only:
        run_mlp(args, torch, env, results)
    if "boston" in only:
        run_boston(args, results)
    if "e2e" in only:
        run_e2e(args, torch, env, results)
    if "import" in only:
        modules = ["badak", "numpy", "sklearn.neural_network"] + (["torch"] if torch else [])
        t = import_times(env, 3 if args.quick else 7, modules)
        print("\n4. import time: " + ", ".join(f"{m} {s * 1000:.0f} ms" for m, s in t.items()))
        results["import_s"] = t

    rows = targets(results)
    results["targets"] = rows
    print_summary(rows)
    if load_start is not None:
        load_end = os.getloadavg()[0]
        results["load_average"] = {"start": load_start, "end": load_end}
        print(f"  load average (1 min) {load_start:.1f} at the start, {load_end:.1f} at the end, "
              f"on {os.cpu_count()} cores")
        # this run itself adds up to --threads to the load at the end
        if load_start > 1.0 or load_end > args.threads + 1.0:
            print("  WARNING: other processes competed for the cores during this run; the "
                  "figures are not reliable. Rerun on an otherwise idle machine.")
    print_markdown(results, rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
