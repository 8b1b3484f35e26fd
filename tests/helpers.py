"""One helper checks an op: forward against a NumPy oracle, every input's gradient against
central differences (in float64), and optionally second derivatives (as in tinygrad's
``helper_test_op``)."""

from __future__ import annotations

import numpy as np

import badak


def check_op(shapes, badak_fn, numpy_fn=None, *, low=-2.0, high=2.0, seed=0, second=False,
             atol=1e-5, rtol=1e-3, positive=False):
    rng = np.random.default_rng(seed)
    arrays = []
    for s in shapes:
        a = rng.uniform(low, high, size=s)
        if positive:
            a = np.abs(a) + 0.5
        arrays.append(a)
    if numpy_fn is not None:
        got = badak_fn(*[badak.tensor(a) for a in arrays]).data
        np.testing.assert_allclose(got, numpy_fn(*arrays), rtol=1e-7, atol=1e-10)
    inputs = [badak.tensor(a, requires_grad=True) for a in arrays]
    badak.gradcheck(badak_fn, inputs, atol=atol, rtol=rtol)
    if second:
        # d/dx of (sum of v * d f/dx): checks that backward is itself differentiable.
        def first_grad(*xs):
            out = badak_fn(*xs)
            vv = np.random.default_rng(seed + 1).standard_normal(out.shape)
            gs = badak.grad((out * vv).sum(), xs, create_graph=True, allow_unused=True)
            total = None
            for g in gs:
                if g is not None:
                    s = g.sum()
                    total = s if total is None else total + s
            return total

        badak.gradcheck(first_grad, [badak.tensor(a, requires_grad=True) for a in arrays],
                        atol=atol, rtol=rtol)


def run_and_kill(args, ready, delay: float, timeout: float = 30.0) -> int:
    """Start ``python args...``, wait until ``ready()`` (e.g. a checkpoint exists), let it run
    ``delay`` seconds more, SIGKILL it, and return its exit code (``-SIGKILL`` when the kill
    landed, 0 when the run finished first)."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, f"not ready within {timeout:.0f} s"
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=timeout)
        proc.stderr.close()
    return proc.returncode
