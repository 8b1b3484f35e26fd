"""badak's benchmark suite: every figure beside hand-written NumPy, PyTorch (CPU, same thread
count, when installed) and scikit-learn, measured side by side in one run, printed as ratios.

    python benchmarks/suite.py            # everything (a few minutes on 2 cores)
    python benchmarks/suite.py --quick    # fewer repeats, for a smoke test

Rows:
1. 784-256-128-10 ReLU MLP, softmax cross-entropy, plain SGD: training samples/s at batch
   1, 32, 128 and 512; then (1b) against a NumPy loop that also computes the loss value, and
   badak with every layer its own graph node (``model.fuse = False``).
2. One training step of the Boston MLP 13-64-64-1 (RMSprop, MSE) at batch 1 and 16, in µs.
3. The Boston final protocol end to end (404 rows, 80 epochs, batch 16, one seed), each framework
   in its own process: wall time and peak memory (RSS).
4. ``import badak`` time.

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
def best_rate(step, samples_per_call: int, min_time: float, repeat: int) -> float:
    """Samples per second of ``step``: the best of ``repeat`` runs of at least ``min_time`` s."""
    step()  # warm up
    calls = 1
    while True:  # calibrate the number of calls per run
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        dt = time.perf_counter() - t0
        if dt >= min_time / 4:
            break
        calls *= 2
    calls = max(1, int(calls * min_time / max(dt, 1e-9)))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        best = min(best, time.perf_counter() - t0)
    return samples_per_call * calls / best


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
    """Hand-written forward, backward and SGD update of the MLP (no framework).

    Products go through np.dot, NumPy's fastest path for 2-D products (``x.T @ g`` through
    matmul is about ten times slower at batch 1), so that the ratio measures overhead alone.
    The loop skips what it does not need to train: the loss value itself. ``with_loss=True``
    computes it too (``-mean log softmax`` at the labels, as every framework returns it), to
    show how much of a framework's extra time at small batches that value is.
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

    return step


def badak_classifier(x, labels, lr=0.01, fuse=True):
    import badak
    from badak import nn, optim

    model = nn.MLP(list(MLP_SIZES), activation="relu", rng=0)
    model.fuse = fuse  # False: each Linear and ReLU its own node (badak.nn.fusion)
    opt = optim.SGD(model.parameters(), lr=lr)
    return training_step(model, opt, nn.CrossEntropyLoss(), badak.tensor(x), labels)


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

    model = nn.MLP(list(BOSTON_SIZES), activation="relu", rng=0)
    opt = optim.RMSprop(model.parameters(), lr=1e-3)
    steps["badak"] = training_step(model, opt, nn.MSELoss(), badak.tensor(x), badak.tensor(y))

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
def fmt_ratio(a, b):
    return "   n/a" if a is None or b is None else f"{a / b:6.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description="badak's benchmark suite (ratios, one run)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repeats")
    parser.add_argument("--only", choices=["mlp", "boston", "e2e", "import"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["mlp", "boston", "e2e", "import"])
    min_time, repeat = (0.3, 3) if args.quick else (1.0, 5)

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

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python {platform.python_version()}, numpy {np.__version__} ({blas})")
    torch_text = torch_version or "not installed (pip install torch): its columns are skipped"
    print(f"badak {badak.__version__}; torch {torch_text}; scikit-learn {sklearn.__version__}; "
          f"threads {args.threads}")
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               OPENBLAS_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))

    if "mlp" in only:
        print("\n1. MLP 784-256-128-10 ReLU, softmax cross-entropy, SGD: training samples/s")
        print(f"{'batch':>6} {'badak':>10} {'numpy':>10} {'torch':>10} {'sklearn':>10}   "
              f"{'badak/torch':>11} {'badak/numpy':>11} {'badak/sklearn':>13}")
        rng = np.random.default_rng(0)
        x_all = rng.random((4096, 784), dtype=np.float32)
        y_all = rng.integers(0, 10, 4096)
        gap = []  # rows of table 1b
        for batch in (1, 32, 128, 512):
            x, labels = x_all[:batch], y_all[:batch]
            rates = {}
            makers = {"numpy": numpy_classifier, "badak": badak_classifier,
                      "numpy+loss": partial(numpy_classifier, with_loss=True),
                      "badak unfused": partial(badak_classifier, fuse=False)}
            if torch is not None:
                makers["torch"] = torch_classifier
            # Rounds interleave the implementations, so that a burst of load from elsewhere hits
            # one round of each rather than every measurement of one of them; best of the rounds.
            for _ in range(2 if args.quick else 3):
                for name, make in makers.items():
                    r = best_rate(make(x, labels), batch, min_time * 0.7, max(2, repeat - 2))
                    rates[name] = max(rates.get(name, 0.0), r)
            n_sk = 512 if batch == 1 else 4096
            rates["sklearn"] = sklearn_classifier_rate(x_all[:n_sk], y_all[:n_sk], batch,
                                                       min_time)
            t = rates.get("torch")
            print(f"{batch:>6} {rates['badak']:>10,.0f} {rates['numpy']:>10,.0f} "
                  f"{(f'{t:,.0f}' if t else 'n/a'):>10} {rates['sklearn']:>10,.0f}   "
                  f"{fmt_ratio(rates['badak'], t):>11} "
                  f"{fmt_ratio(rates['badak'], rates['numpy']):>11} "
                  f"{fmt_ratio(rates['badak'], rates['sklearn']):>13}")
            gap.append((batch, rates))
        print("\n1b. The same, against NumPy with the loss value, and badak layer by layer")
        print(f"{'batch':>6} {'badak':>10} {'unfused':>10} {'numpy+loss':>10}   "
              f"{'badak/(numpy+loss)':>18} {'unfused/numpy':>13}")
        for batch, rates in gap:
            print(f"{batch:>6} {rates['badak']:>10,.0f} {rates['badak unfused']:>10,.0f} "
                  f"{rates['numpy+loss']:>10,.0f}   "
                  f"{fmt_ratio(rates['badak'], rates['numpy+loss']):>18} "
                  f"{fmt_ratio(rates['badak unfused'], rates['numpy']):>13}")

    if "boston" in only:
        print("\n2. Boston MLP 13-64-64-1, one training step (RMSprop, MSE): µs per step")
        print(f"{'batch':>6} {'badak':>9} {'numpy':>9} {'torch':>9} {'sklearn':>9}   "
              f"{'badak/torch':>11} {'badak/numpy':>11}")
        for batch in (1, 16):
            steps = boston_steps(batch)
            us = {}
            for _ in range(2):
                for name, step in steps.items():
                    t = 1e6 / best_rate(step, 1, min_time, repeat)
                    us[name] = min(us.get(name, float("inf")), t)
            t = us.get("torch")
            print(f"{batch:>6} {us['badak']:>9.1f} {us['numpy']:>9.1f} "
                  f"{(f'{t:.1f}' if t else 'n/a'):>9} {us['sklearn']:>9.1f}   "
                  f"{fmt_ratio(us['badak'], t):>11} {fmt_ratio(us['badak'], us['numpy']):>11}")

    if "e2e" in only:
        print("\n3. Boston final protocol end to end (80 epochs, batch 16, one seed), own process")
        scripts = {"badak": E2E_BADAK, "numpy": E2E_NUMPY, "torch": E2E_TORCH,
                   "sklearn": E2E_SKLEARN}
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

    if "import" in only:
        modules = ["badak", "numpy", "sklearn.neural_network"] + (["torch"] if torch else [])
        t = import_times(env, 3 if args.quick else 7, modules)
        print("\n4. import time: " + ", ".join(f"{m} {s * 1000:.0f} ms" for m, s in t.items()))


if __name__ == "__main__":
    main()
