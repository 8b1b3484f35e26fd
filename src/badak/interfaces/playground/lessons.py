"""The small pages of the playground, computed by badak: an expression's graph, the perceptron
rule, gradient descent and the activation functions. Each function checks its inputs (a
``ValueError`` names the parameter) and returns JSON-ready data for the page to draw."""

from __future__ import annotations

import math
import warnings

import numpy as np

from badak.interfaces.playground.graphdata import graph_payload
from badak.lecture.explain import format_value, trace

__all__ = ["APPLE", "activation_curve", "descent_run", "expression_graph", "perceptron_run",
           "zigzag_run"]

APPLE = ("price * count * tax", {"price": "100", "count": "2", "tax": "1.1"})
MAX_VARIABLES = 12
GATES = ("and", "or", "nand", "xor")


def _fmt(v) -> str:
    return format_value(v, 6)


def expression_graph(expr, values: dict) -> dict:
    """Trace ``expr`` (parsed safely by :mod:`badak.lecture.expr`) at the given variable values.

    With no expression, the apple example of Saito §5.2: 100 × 2 × 1.1 = 220.
    """
    from badak.lecture.expr import parse

    if expr is None or expr == "":
        expr, values = APPLE[0], dict(APPLE[1], **values) if not values else values
    if not isinstance(expr, str) or len(expr) > 300:
        raise ValueError("expr must be a formula of at most 300 characters")
    if len(values) > MAX_VARIABLES:
        raise ValueError(f"at most {MAX_VARIABLES} variables; received {len(values)}")
    numbers = {}
    for name, raw in values.items():
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"the variable {name[:30]!r} must be a number; received "
                             f"{str(raw)[:30]!r}") from None
        if not math.isfinite(v) or abs(v) > 1e12:
            raise ValueError(f"the variable {name[:30]!r} must be a finite number below 1e12; "
                             f"received {str(raw)[:30]!r}")
        numbers[name] = v
    expression = parse(expr, list(numbers))
    with np.errstate(all="ignore"):
        result = expression.evaluate(**numbers)
    if not result.requires_grad:
        raise ValueError(f"the expression {expr!r} uses no variable: give each variable a value, "
                         f"e.g. /graph?expr=x*y&x=2&y=3")
    if result.creator is not None:
        result.name = "out"
    tr = trace(result)
    return {"expr": expr, "values": {k: _fmt(v) for k, v in numbers.items()},
            "output": _fmt(result.data), **graph_payload(tr),
            "grads": {r.label: _fmt(g) for r, g in tr.leaf_grads}}


def perceptron_run(gate: str, lr: float, epochs: int) -> dict:
    """The perceptron rule on a logic gate, epoch by epoch (weights start at zero)."""
    from badak.datasets import logic_gate
    from badak.lecture.perceptron import Perceptron

    if gate not in GATES:
        raise ValueError(f"gate must be one of {', '.join(GATES)}; received gate={gate[:20]!r}")
    x, y = logic_gate(gate)
    p = Perceptron(2, lr=lr, max_epochs=epochs)
    history = []
    for _ in range(epochs):
        p.partial_fit(x, y)
        history.append({"w": [float(v) for v in p.weights_], "b": float(p.bias_),
                        "errors": int(p.errors_[-1]), "pred": p.predict(x).tolist()})
        if p.converged_:
            break
    return {"gate": gate, "x": np.asarray(x).tolist(), "y": np.asarray(y).tolist(),
            "epochs": history, "converged": bool(p.converged_)}


def descent_run(f: str, x0: float, lr: float, steps: int, method: str = "gd") -> dict:
    """Gradient descent (or Newton's method) on f(x) typed by the user, step by step."""
    from badak.lecture.expr import parse
    from badak.lecture.gd import minimize

    if method not in ("gd", "newton"):
        raise ValueError(f"method must be gd or newton; received method={method[:20]!r}")
    if not isinstance(f, str) or len(f) > 200:
        raise ValueError("f must be a formula in x of at most 200 characters")
    expression = parse(f, ["x"])
    fn = lambda x: expression.evaluate(x=x)  # noqa: E731
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = minimize(fn, float(x0), lr=lr, steps=steps, method=method)
        lo, hi = float(np.min(r.xs)), float(np.max(r.xs))
        span = max(hi - lo, 1.0)
        grid = np.linspace(lo - 0.3 * span, hi + 0.3 * span, 200)
        import badak

        with badak.no_grad():
            fx = np.array([float(expression.evaluate(x=badak.tensor(float(v))).item())
                           for v in grid])
    return {"f": f, "method": method, "lr": lr,
            "xs": [float(v) for v in r.xs], "fs": [float(v) for v in r.fs],
            "grads": [float(v) for v in r.grads],
            "taylor1": [float(s.taylor1) for s in r.steps],
            "curve": {"x": grid.tolist(), "y": [v if math.isfinite(v) else None for v in fx]},
            "converged": bool(r.converged),
            # diverging: past badak's threshold, or f grew at every step of this run
            "diverged": bool(r.diverged or (len(r.fs) > 2 and bool(np.all(np.diff(r.fs) > 0)))),
            "stopped": r.stopped_reason}


def zigzag_run(lr: float, steps: int) -> dict:
    """Gradient descent on f(x, y) = x²/20 + y² from (-7, 2): it zig-zags across the valley
    (Saito §6.1.2, the function that motivates momentum and AdaGrad)."""
    from badak.lecture.gd import minimize

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = minimize(lambda v: v[0] ** 2 / 20 + v[1] ** 2, np.array([-7.0, 2.0]), lr=lr,
                     steps=steps)
    return {"lr": lr, "path": np.asarray(r.xs).tolist(), "fs": [float(v) for v in r.fs]}


def activation_curve(name: str, param: float) -> dict:
    """f and f' (from badak's backward) of an activation over [-5, 5]."""
    import badak
    import badak.engine.functional as F
    from badak.lecture.atlas import _maxout_1d

    funcs = {"step": F.step, "sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
             "leaky_relu": lambda x: F.leaky_relu(x, param),
             "prelu": lambda x: F.prelu(x, badak.tensor(np.array([param]))),
             "elu": lambda x: F.elu(x, param), "maxout": _maxout_1d}
    if name not in funcs:
        raise ValueError(f"name must be one of {', '.join(funcs)}; received name={name[:20]!r}")
    xs = np.linspace(-5, 5, 401)
    x = badak.tensor(xs, requires_grad=True)
    y = funcs[name](x)
    (dy,) = badak.grad(y.sum(), x, allow_unused=True)
    d = np.zeros_like(xs) if dy is None else dy.data
    saturated = (np.abs(d) < 0.05).tolist()
    return {"name": name, "param": param, "x": xs.tolist(), "y": y.data.tolist(),
            "dy": d.tolist(), "saturated": saturated}
