"""The lecture, runnable: every experiment of the course in order, written up as a Markdown report.

:func:`run_tour` runs the sections below one after another, writes their pictures into a folder
and a ``report.md`` that shows each result and links each picture (relative links, so the
folder can be moved or zipped). ``badak tour`` is this function on the command line.

1. Logic gates and the perceptron: hand-wired AND, OR, NAND; the perceptron rule learning them;
   the same rule failing on XOR (not linearly separable), and XOR as two layers.
2. Gradient descent with the Taylor check: x² from 3 at α = 0.1 against the closed form
   3·0.8^k, the first-order prediction error shrinking like α², α = 1.1 diverging, and the
   zig-zag on f(x, y) = x²/20 + y² against Newton's method.
3. Backpropagation through the apple graph: the node-by-node trace (2.2, 110, 200) and its
   picture (Graphviz DOT; SVG when the ``dot`` program is installed).
4. An MLP solving XOR, where the perceptron could not, with its decision boundary.
5. The activation atlas: each activation with its derivative, and a table of properties.
6. Diagnostics: vanishing gradients (10-layer sigmoid against ReLU), dead ReLUs after a too
   large learning rate, saturated sigmoids with too large initial weights.
7. Boston housing: the K-fold cross-validation of the Keras notebook, with its curves, and the
   book's final protocol scored on the test set.

Each section is also a public function returning a :class:`Section` (its Markdown, the files
it wrote, a console summary and its key numbers), so the ``badak`` command reuses them
(``badak boston`` is :func:`boston_housing`, ``badak activations`` is
:func:`activation_atlas`).

Sources: S. Saito, *Deep Learning from Scratch* (2016), ch. 2-6; F. Chollet, *Deep Learning
with Python* (2nd ed., 2021), §4.3 (Boston housing).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

import badak
from badak._validation import check_bool, check_positive_int
from badak.reference import FINAL_BATCH_SIZE, FINAL_EPOCHS

__all__ = ["Section", "StepProgress", "activation_atlas", "apple_backprop", "boston_housing",
           "diagnostics", "gates_and_perceptron", "gradient_descent", "has_matplotlib", "mlp_xor",
           "run_tour"]

BOSTON_FINAL_EPOCHS = FINAL_EPOCHS
BOSTON_FINAL_BATCH = FINAL_BATCH_SIZE


# ---------------------------------------------------------------------------- small helpers
class StepProgress:
    """Progress over a known number of steps, on ``stream`` (stderr by default).

    A tqdm bar when the stream is a terminal and tqdm is installed (an optional extra);
    otherwise one line per step (every ``every`` steps), so that logs stay short. Disabled, it
    prints nothing.

    Parameters
    ----------
    total : int
        The number of steps.
    desc : str
        What is progressing, e.g. ``'badak tour'``.
    enabled : bool, default=True
    stream : file-like, optional
    every : int, default=1
        In line mode, print only every ``every``-th step (and the last).
    """

    def __init__(self, total: int, desc: str, enabled: bool = True,
                 stream: TextIO | None = None, every: int = 1) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.enabled = bool(enabled)
        self.stream = sys.stderr if stream is None else stream
        self.every = max(int(every), 1)
        self.done = 0
        self._bar = None
        isatty = getattr(self.stream, "isatty", None)
        if self.enabled and isatty is not None and isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # optional dependency: fall back to lines
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=self.total, desc=desc, file=self.stream, leave=True,
                                 unit="step")

    def advance(self, label: str = "", n: int = 1) -> None:
        """Count ``n`` more steps done; ``label`` says which."""
        self.done = min(self.done + n, self.total)
        if self._bar is not None:
            if label:
                self._bar.set_postfix_str(label, refresh=False)
            self._bar.update(n)
        elif self.enabled and (self.done % self.every == 0 or self.done == self.total):
            print(f"{self.desc} [{self.done}/{self.total}] {label}".rstrip(), file=self.stream,
                  flush=True)

    def close(self) -> None:
        """Finish the bar (nothing to do in line mode)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StepProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Section:
    """One experiment of the tour.

    Attributes
    ----------
    title : str
    markdown : str
        The body of the section in the report (pictures linked by file name).
    files : list of str
        Names of the files written into the output folder.
    summary : list of str
        A few lines for the console.
    results : dict
        The key numbers, for tests and for anyone scripting the tour.
    seconds : float
        Wall-clock time of the section.
    """

    title: str
    markdown: str
    files: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    seconds: float = 0.0


def _out_dir(out_dir) -> Path:
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"out_dir must be a folder; received {os.fspath(path)!r}, which is a "
                         f"file")
    path.mkdir(parents=True, exist_ok=True)
    return path


def has_matplotlib() -> bool:
    """Whether pictures can be drawn (matplotlib is an optional extra)."""
    return importlib.util.find_spec("matplotlib") is not None


def _picture(out: Path, name: str, files: list[str], alt: str, draw: Callable) -> str:
    """Save the Figure returned by ``draw()`` as ``name``; return its Markdown image link.

    Without matplotlib nothing is drawn, and a note takes the place of the picture, so that
    the tour still runs on a bare install.
    """
    if not has_matplotlib():
        return (f"*(No picture of {alt.lower()}: matplotlib is not installed; "
                f"`pip install 'badak[plot]'` adds it.)*")
    from badak.plots import save_figure

    save_figure(draw(), out / name)
    files.append(name)
    return f"![{alt}]({name})"


def _md_table(header, rows) -> str:
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _code(text: str) -> str:
    return f"```text\n{text}\n```"


def _warned(fn: Callable, *args, **kwargs):
    """Call ``fn``; return (result, list of warning messages it raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, [str(w.message) for w in caught]


def _timed(fn: Callable[..., Section], *args, **kwargs) -> Section:
    start = time.perf_counter()
    section = fn(*args, **kwargs)
    section.seconds = time.perf_counter() - start
    return section


# ---------------------------------------------------------------------------- 1. perceptron
def gates_and_perceptron(out_dir, max_epochs: int = 20) -> Section:
    """Hand-wired gates, the perceptron rule on AND, OR, NAND, and its failure on XOR."""
    from badak.datasets import logic_gate
    from badak.perceptron import AND, NAND, OR, XOR, Perceptron

    out = _out_dir(out_dir)
    files: list[str] = []
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    wired = _md_table(("x1", "x2", "AND", "OR", "NAND", "XOR = AND(NAND, OR)"),
                      [(a, b, AND(a, b), OR(a, b), NAND(a, b), XOR(a, b)) for a, b in inputs])
    rows, notes, results, trained = [], [], {}, {}
    for gate in ("and", "or", "nand", "xor"):
        x, y = logic_gate(gate)
        p, caught = _warned(Perceptron(2, lr=0.1, max_epochs=max_epochs).fit, x, y)
        trained[gate] = (p, x, y)
        correct = int((p.predict(x) == y).sum())
        rows.append((gate.upper(), "yes" if p.converged_ else "**no**", p.n_epochs_,
                     " ".join(map(str, p.errors_)), f"{correct}/4",
                     p.describe().splitlines()[0].replace("threshold form: ", "")))
        results[gate] = {"converged": p.converged_, "epochs": p.n_epochs_, "correct": correct}
        notes += caught

    def draw():
        from badak.perceptron import plot_decision_line
        from badak.plots import new_figure

        fig, axes = new_figure(1, 4, figsize=(16, 4))
        for ax, (gate, (p, x, y)) in zip(axes[0], trained.items()):
            plot_decision_line(p, x, y, ax=ax)
            ax.set_title(f"{gate.upper()}: "
                         f"{'converged' if p.converged_ else 'did not converge'} "
                         f"({p.n_epochs_} epochs)", fontsize=10)
        fig.tight_layout()
        return fig

    picture = _picture(out, "perceptron_gates.png", files, "The perceptron's line on each gate",
                       draw)
    learned = _md_table(("gate", "converged", "epochs", "errors per epoch", "right",
                         "learned rule (threshold form)"), rows)
    warning = f"> {notes[0]}" if notes else ""
    md = f"""A perceptron fires when the weighted sum of its inputs passes a threshold θ:
y = 1 if w1·x1 + w2·x2 > θ (equivalently b + w·x > 0 with the bias b = -θ). The book's
hand-picked weights make AND, OR and NAND, and XOR needs two layers:

{wired}

The perceptron learning rule (w ← w + η(y - ŷ)x, b ← b + η(y - ŷ), η = 0.1, at most
{max_epochs} epochs) learns the first three and stops with errors left on XOR, because no
straight line separates {{(0,1), (1,0)}} from {{(0,0), (1,1)}}:

{learned}

{warning}

{picture}
"""
    summary = [f"perceptron: AND/OR/NAND learned in "
               f"{'/'.join(str(results[g]['epochs']) for g in ('and', 'or', 'nand'))} epochs; "
               f"XOR {'did not converge' if not results['xor']['converged'] else 'converged'} "
               f"({results['xor']['correct']}/4 right)"]
    return Section("Logic gates and the perceptron", md, files, summary, results)


# ---------------------------------------------------------------------------- 2. gradient descent
def gradient_descent(out_dir, steps: int = 10) -> Section:
    """Gradient descent on x² with the Taylor check, divergence at α = 1.1, and a 2-D path."""
    from badak.gd import minimize

    out = _out_dir(out_dir)
    files: list[str] = []

    def square(x):
        return x ** 2

    run = minimize(square, 3.0, lr=0.1, steps=steps)
    closed = 3.0 * 0.8 ** np.arange(len(run.xs))
    gap = float(np.max(np.abs(run.xs - closed)))

    taylor_rows = []
    for lr in (0.2, 0.1, 0.05, 0.025):
        first = minimize(square, 3.0, lr=lr, steps=1).steps[0]
        taylor_rows.append((lr, f"{first.f_new:.6g}", f"{first.taylor1:.6g}",
                            f"{first.taylor1_error:.6g}", f"{first.taylor1_error / lr ** 2:.4g}",
                            f"{first.second_order_term:.6g}"))
    big, big_warnings = _warned(minimize, square, 3.0, lr=1.1, steps=200)

    def bowl(v):  # Saito §6.1: f(x, y) = x²/20 + y², steep in y and flat in x
        return v[0] ** 2 / 20 + v[1] ** 2

    zigzag = minimize(bowl, [-7.0, 2.0], lr=0.9, steps=30)
    newton = minimize(bowl, [-7.0, 2.0], lr=1.0, steps=3, method="newton")

    def draw():
        from badak.gd import plot_path
        from badak.plots import new_figure

        fig, axes = new_figure(1, 3, figsize=(16, 4.4))
        plot_path(run, square, ax=axes[0, 0])
        plot_path(zigzag, bowl, ax=axes[0, 1])
        plot_path(newton, bowl, ax=axes[0, 2])
        fig.tight_layout()
        return fig

    picture = _picture(out, "gradient_descent.png", files, "Gradient descent on x², the "
                       "zig-zag on x²/20 + y², and Newton's step", draw)

    md = f"""Gradient descent steps against the gradient, x ← x - α f'(x). Taylor's theorem says
why it goes downhill: f(x - αg) ≈ f(x) - α g² (first order), with an error of order α² (the
second-order term (α²/2) g² f''(x)). On f(x) = x² from x₀ = 3 with α = 0.1 each step multiplies
x by 1 - 2α = 0.8, so x_k = 3·0.8^k (largest gap to the closed form over {len(run.xs)} points:
{gap:.2g}). Each row shows f(x_new) beside its first-order prediction:

{_code(run.table())}

The error of the first-order prediction shrinks like α² (halving α quarters it; on x² the
error is exactly the second-order term, 36 α² at x = 3):

{_md_table(("α", "f(x₁)", "first-order prediction", "error", "error / α²",
            "second-order term"), taylor_rows)}

With α = 1.1 every step multiplies x by 1 - 2.2 = -1.2: the iterates run away. badak warns and
stops before any inf or NaN:

> {big.stopped_reason}{(chr(10) + '> ' + big_warnings[0]) if big_warnings else ''}

On f(x, y) = x²/20 + y² (Saito §6.1) the gradient points mostly along y, so gradient descent
zig-zags (α = 0.9, {len(zigzag.steps)} steps, f = {zigzag.f:.3g}), while Newton's method, which
rescales each direction by the curvature, lands on the minimum of this quadratic in one step
(f = {newton.f:.3g}):

{picture}
"""
    results = {"closed_form_gap": gap, "diverged": big.diverged,
               "taylor_error_over_lr2": [float(r[4]) for r in taylor_rows],
               "zigzag_f": zigzag.f, "newton_f": newton.f}
    summary = [f"gradient descent: x_k = 3·0.8^k to {gap:.1g}; α = 1.1 "
               f"{'diverges' if big.diverged else 'grows'}; Newton solves x²/20 + y² in one step"]
    return Section("Gradient descent and the Taylor check", md, files, summary, results)


# ---------------------------------------------------------------------------- 3. backprop
def apple_backprop(out_dir) -> Section:
    """The apple graph: 2 apples at 100 with tax 1.1; its backward trace and its picture."""
    from badak.explain import trace
    from badak.viz import GraphvizNotFoundError, draw_graph

    out = _out_dir(out_dir)
    files: list[str] = []
    price = badak.tensor(100.0, requires_grad=True, dtype=np.float64)
    count = badak.tensor(2.0, requires_grad=True, dtype=np.float64)
    tax = badak.tensor(1.1, requires_grad=True, dtype=np.float64)
    price.name, count.name, tax.name = "apple", "count", "tax"
    subtotal = price * count
    subtotal.name = "subtotal"
    total = subtotal * tax
    total.name = "total"
    tr = trace(total)
    drawing = draw_graph(total)
    (out / "apple.dot").write_text(drawing.dot, encoding="utf-8")
    files.append("apple.dot")
    try:
        drawing.render(out / "apple.svg")
        files.append("apple.svg")
        picture = "![The apple graph: values above each edge, gradients below in red](apple.svg)"
        rendered = True
    except (GraphvizNotFoundError, RuntimeError) as e:
        picture = (f"*No picture:* {str(e).splitlines()[0]} The graph is in "
                   f"[apple.dot](apple.dot) (Graphviz DOT text; paste it into any Graphviz "
                   f"viewer).")
        rendered = False
    grads = {name: float(tr.grad(name)) for name in ("apple", "count", "tax")}
    md = f"""Two apples at 100 each, with a consumption tax of 1.1 (Saito §5.2): total =
apple × count × tax = {float(total.item()):.4g}. Backward, every multiplication node passes the
upstream gradient times its local gradient (the *other* input) to each input:

{tr.to_markdown()}

So a rise of the apple price by 1 raises the total by {grads['apple']:.4g}, one more apple adds
{grads['count']:.4g}, and the tax rate weighs {grads['tax']:.4g}.

{picture} The DOT text is also saved as [apple.dot](apple.dot).
"""
    summary = [f"apple graph: total {float(total.item()):.4g}; d total/d apple = "
               f"{grads['apple']:.4g}, d count = {grads['count']:.4g}, d tax = "
               f"{grads['tax']:.4g}" + ("" if rendered else " (no SVG: Graphviz not installed)")]
    return Section("Backpropagation through the apple graph", md, files, summary,
                   {"total": float(total.item()), "grads": grads, "rendered": rendered})


# ---------------------------------------------------------------------------- 4. MLP on XOR
def mlp_xor(out_dir, epochs: int = 100, samples: int = 200, rng=0) -> Section:
    """The perceptron against a two-hidden-layer MLP on noisy XOR data."""
    from badak.datasets import make_xor
    from badak.perceptron import Perceptron

    out = _out_dir(out_dir)
    files: list[str] = []
    x, y = make_xor(samples, noise=0.1, rng=rng)
    p, _ = _warned(Perceptron(2, lr=0.1, max_epochs=50).fit, x, y)
    p_acc = float((p.predict(x) == y).mean())
    model = badak.nn.MLP([2, 16, 16, 2], rng=rng)
    history = badak.fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=0.01,
                        epochs=epochs, batch_size=16, metrics=("accuracy",), rng=rng, verbose=0)
    acc = history.last()["accuracy"]

    def draw_boundaries():
        from badak.perceptron import plot_decision_line
        from badak.plots import new_figure, plot_decision_boundary

        fig, axes = new_figure(1, 2, figsize=(10, 4.4))
        plot_decision_line(p, x, y, ax=axes[0, 0])
        axes[0, 0].set_title(f"perceptron: accuracy {p_acc:.0%}", fontsize=10)
        plot_decision_boundary(model, x, y, ax=axes[0, 1],
                               title=f"MLP 2-16-16-2: accuracy {acc:.0%}")
        fig.tight_layout()
        return fig

    def draw_curves():
        from badak.plots import plot_history

        return plot_history(history, title="MLP on XOR")

    boundary = _picture(out, "xor_boundary.png", files, "Perceptron against MLP on XOR",
                        draw_boundaries)
    curves = _picture(out, "xor_curves.png", files, "Training curves", draw_curves)
    md = f"""On {samples} noisy XOR points (class 1 in the quadrants where x1 and x2 have opposite
signs) one perceptron can only draw a line and gets {p_acc:.0%} right. An MLP with two hidden
ReLU layers of 16 units, trained with Adam (lr 0.01, {epochs} epochs, batch 16, cross-entropy),
bends its boundary around the quadrants: training accuracy {acc:.1%}.

{boundary}

{curves}
"""
    summary = [f"XOR: perceptron {p_acc:.0%}, MLP {acc:.1%} after {epochs} epochs"]
    return Section("An MLP solves XOR", md, files, summary,
                   {"perceptron_accuracy": p_acc, "mlp_accuracy": acc})


# ---------------------------------------------------------------------------- 5. atlas
def activation_atlas(out_dir) -> Section:
    """Every activation with its derivative, and the table of their properties."""
    from badak import atlas

    out = _out_dir(out_dir)
    files: list[str] = []
    picture = _picture(out, "activations.png", files, "Each activation and its derivative",
                       atlas.plot)
    md = f"""Without a non-linear activation, stacked layers collapse into one linear map. Each
activation trades something; the dashed derivatives below come from badak's own backward pass:

{atlas.table("markdown")}

{picture}
"""
    return Section("The activation atlas", md, files,
                   [f"activation atlas: {len(atlas.names())} activations"],
                   {"activations": atlas.names()})


# ---------------------------------------------------------------------------- 6. diagnostics
def diagnostics(out_dir, width: int = 100, epochs: int = 5, rng=0) -> Section:
    """Vanishing gradients, dead ReLUs after a too large learning rate, saturated sigmoids."""
    from badak import diagnose
    from badak.datasets import make_moons

    out = _out_dir(out_dir)
    files: list[str] = []
    norms = {act: diagnose.vanishing_gradients(act, depth=10, width=width, rng=rng)
             for act in ("sigmoid", "tanh", "relu")}
    ratio = {act: v[0][1] / v[-1][1] for act, v in norms.items()}
    norm_rows = [(i + 1, norms["sigmoid"][i][0], *(f"{norms[a][i][1]:.3g}" for a in norms))
                 for i in range(len(norms["sigmoid"]))]
    vanishing = _picture(out, "vanishing_gradients.png", files, "Gradient norm per layer",
                         lambda: diagnose.plot_gradient_norms(
                             norms, title="10-layer nets: gradient norm per layer"))

    x, y = make_moons(500, noise=0.1, rng=rng)
    dead = {}
    for lr in (0.1, 3.0):
        model = badak.nn.MLP([2, 64, 64, 2], rng=rng)
        badak.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=lr, epochs=epochs,
                  batch_size=16, rng=rng, verbose=0)
        dead[f"ReLU MLP after SGD, lr={lr:g}"] = diagnose.dead_units(model, x)
    dead_picture = _picture(out, "dead_relus.png", files, "Dead ReLU units",
                            lambda: diagnose.plot_unit_health(
                                dead, title="Dead ReLU units on 500 moons"))

    gen = np.random.default_rng(rng)
    batch = gen.standard_normal((200, width))
    saturated = {}
    for label, std in (("sigmoid MLP, Xavier init", None), ("sigmoid MLP, weights N(0, 1)", 1.0)):
        model = badak.nn.MLP([width] * 6, activation="sigmoid", rng=rng)
        if std is not None:  # Saito §6.2.1: std 1 pushes the outputs to 0 and 1
            for layer in model:
                if isinstance(layer, badak.nn.Linear):
                    layer.weight.data = gen.normal(0.0, std, layer.weight.shape).astype(
                        layer.weight.dtype)
        saturated[label] = diagnose.saturated_units(model, batch)
    sat_picture = _picture(out, "saturated_units.png", files, "Saturated sigmoid units",
                           lambda: diagnose.plot_unit_health(
                               saturated, title="Saturated sigmoid units"))
    (lo_lr, lo), (hi_lr, hi) = dead.items()
    (xa_label, xa), (big_label, big) = saturated.items()
    md = f"""**Vanishing gradients.** One backward pass through 10-layer networks of width
{width} on random data. Each sigmoid layer multiplies the gradient by σ' ≤ 0.25, so the first
layer's weight gradient is {ratio['sigmoid']:.1e} times the last layer's; with ReLU (He
initialisation) the ratio is {ratio['relu']:.2g}, and tanh (Xavier) {ratio['tanh']:.2g}.

{_md_table(("layer", "name", *(f"‖∂L/∂W‖ {a}" for a in norms)), norm_rows)}

{vanishing}

**Dead ReLUs.** A ReLU unit whose input is negative for every sample outputs 0 and gets no
gradient, so it never recovers. The same 2-64-64-2 network trained {epochs} epochs on moons
with SGD: at lr = 0.1, {lo.overall:.0%} of its ReLU units are dead on the 500 points; at
lr = 3.0 the large updates push {hi.overall:.0%} of them into the dead zone.

*{lo_lr}:*

{lo.to_markdown()}

*{hi_lr}:*

{hi.to_markdown()}

{dead_picture}

**Saturation.** A sigmoid output below 0.01 or above 0.99 sits where σ' < 0.01. With Xavier
initial weights (std √(1/n)) {xa.output_fraction:.0%} of the outputs of a 6-layer sigmoid net
are saturated on 200 random inputs; with std 1 (Saito §6.2.1) {big.output_fraction:.0%} are.

{sat_picture}
"""
    summary = [f"diagnostics: sigmoid first/last gradient norm {ratio['sigmoid']:.1e}, ReLU "
               f"{ratio['relu']:.2g}; dead ReLUs {lo.overall:.0%} (lr 0.1) vs {hi.overall:.0%} "
               f"(lr 3); saturated sigmoid outputs {xa.output_fraction:.0%} (Xavier) vs "
               f"{big.output_fraction:.0%} (std 1)"]
    results = {"ratio": ratio, "dead": {k: v.overall for k, v in dead.items()},
               "saturated": {k: v.output_fraction for k, v in saturated.items()}}
    return Section("Diagnostics: vanishing gradients, dead and saturated units", md, files,
                   summary, results)


# ---------------------------------------------------------------------------- 7. Boston
def boston_housing(out_dir, folds: int = 4, epochs: int = 100, batch_size: int = 1,
                   optimizer: str = "rmsprop", lr: float | None = 1e-3, seeds: int = 1,
                   final: bool = True, final_epochs: int = BOSTON_FINAL_EPOCHS,
                   final_batch_size: int = BOSTON_FINAL_BATCH, hidden=(64, 64), rng=0,
                   progress: StepProgress | None = None) -> Section:
    """The Boston housing notebook: K-fold cross-validation of MLP 13-64-64-1, then the test set.

    As in the notebook: the features are standardized with the training set's statistics,
    the folds are contiguous blocks, each fold trains a fresh model with RMSprop (lr 1e-3) on
    the mean squared error, reporting the mean absolute error; the curves are averaged over the
    folds. With ``final=True`` a last model is trained on all 404 training houses
    (``final_epochs`` at ``final_batch_size``) and scored on the 102 test houses.

    Parameters
    ----------
    out_dir : str or PathLike
        Where the curves picture ``boston_cv.png`` goes.
    seeds : int, default=1
        Repeat the cross-validation with this many seeds (rng, rng + 1, ...) and report the
        spread of the mean validation MAE.
    progress : StepProgress, optional
        Advanced once per fold (``folds * seeds`` steps) and once for the final model.
    """
    from badak.datasets import load_boston
    from badak.reference import boston_final, build_boston_model

    out = _out_dir(out_dir)
    folds = check_positive_int("folds", folds)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    seeds = check_positive_int("seeds", seeds)
    final = check_bool("final", final)
    sizes = [13, *[check_positive_int("hidden", h) for h in hidden], 1]
    files: list[str] = []
    (x_train, y_train), (x_test, y_test) = load_boston()
    rng = check_positive_int("rng", rng, allow_zero=True)

    built = 0

    def fold_done(k: int) -> str:  # k counts the folds of all seeds from 1
        seed = f", seed {(k - 1) // folds + 1}/{seeds}" if seeds > 1 else ""
        return f"Boston fold {(k - 1) % folds + 1}/{folds}{seed} done"

    def build(fold_rng):
        # cross_validate calls this at the start of each fold: the previous fold is done
        nonlocal built
        if progress is not None and built:
            progress.advance(fold_done(built))
        built += 1
        return build_boston_model(fold_rng, hidden=sizes[1:-1])

    runs = []
    for s in range(seeds):
        result = badak.cross_validate(build, x_train, y_train, folds=folds, epochs=epochs,
                                      batch_size=batch_size, loss="mse", optimizer=optimizer,
                                      lr=lr, metrics=("mae",), rng=rng + s, verbose=0)
        runs.append(result)
    if progress is not None:
        progress.advance(fold_done(built))
    first = runs[0]
    fold_mae = first.final["val_mae"]
    mean_mae = float(np.mean(fold_mae))
    seed_means = [r.mean("val_mae") for r in runs]
    skip = 10 if epochs > 20 else 0

    def draw():
        from badak.plots import plot_cv

        return plot_cv(first, metrics=["mae"], skip=skip)

    curves = _picture(out, "boston_cv.png", files, f"{folds}-fold curves", draw)
    best_epoch = int(np.argmin(first.mean_curves["val_mae"])) + 1

    lines = [f"{folds}-fold cross-validation, MLP {'-'.join(map(str, sizes))}, {optimizer}"
             f"{f' lr={lr:g}' if lr is not None else ''}, {epochs} epochs, batch size "
             f"{batch_size}"]
    lines += [f"  fold {i + 1}: final validation MAE {v:.3f}" for i, v in enumerate(fold_mae)]
    lines.append(f"  mean validation MAE: {mean_mae:.3f} (in $1000s)")
    if seeds > 1:
        lines.append(f"  over {seeds} seeds: mean validation MAE {np.mean(seed_means):.3f} ± "
                     f"{np.std(seed_means):.3f} (per seed: "
                     f"{', '.join(f'{m:.3f}' for m in seed_means)})")
    results = {"fold_val_mae": fold_mae, "mean_val_mae": mean_mae, "seed_means": seed_means,
               "best_epoch": best_epoch}

    test_md = ""
    if final:
        _, test_mae = boston_final(rng, epochs=final_epochs, batch_size=final_batch_size,
                                   optimizer=optimizer, lr=lr, hidden=sizes[1:-1])
        scores = {"mae": test_mae}
        results["test_mae"] = scores["mae"]
        lines.append(f"  final model ({final_epochs} epochs, batch size {final_batch_size}, all "
                     f"{len(x_train)} training houses): test MAE {scores['mae']:.3f}")
        test_md = (f"\nThe book's final protocol: a fresh model trained on all {len(x_train)} "
                   f"training houses for {final_epochs} epochs at batch size "
                   f"{final_batch_size}, then scored once on the {len(x_test)} test houses: "
                   f"**test MAE {scores['mae']:.3f}** (about ${scores['mae'] * 1000:,.0f}). "
                   f"As in Keras the weights start Glorot-uniform; the output bias starts at the "
                   f"mean training price instead of 0 (see `badak.reference`).\n")
        if progress is not None:
            progress.advance("Boston final model done")

    fold_table = _md_table(("fold", "final validation MAE"),
                           [(i + 1, f"{v:.3f}") for i, v in enumerate(fold_mae)] +
                           [("mean", f"**{mean_mae:.3f}**")])
    skip_md = (f"; the first {skip} epochs are left out of the picture to show the scale"
               if skip else "")
    seeds_md = (f"\nRepeated with {seeds} seeds, the mean validation MAE is "
                f"{np.mean(seed_means):.3f} ± {np.std(seed_means):.3f}.\n" if seeds > 1 else "")
    md = f"""The Keras notebook's regression (Chollet §4.3): 404 training houses with 13
standardized features, MLP {'-'.join(map(str, sizes))} (ReLU), mean squared error, {optimizer}
{f'(lr {lr:g})' if lr is not None else ''}, {epochs} epochs at batch size {batch_size},
{folds}-fold cross-validation on contiguous folds, reporting the mean absolute error in
thousands of dollars.

{fold_table}
{seeds_md}
The averaged validation MAE is lowest at epoch {best_epoch}
({min(first.mean_curves['val_mae']):.3f}){skip_md}.

{curves}
{test_md}"""
    return Section("Boston housing: K-fold cross-validation", md, files, lines, results)


# ---------------------------------------------------------------------------- the tour
_QUICK = {"perceptron_epochs": 20, "gd_steps": 6, "xor_epochs": 60, "width": 24,
          "dead_epochs": 3, "folds": 4, "boston_epochs": 3, "boston_batch": 32,
          "final_epochs": 3}
_FULL = {"perceptron_epochs": 20, "gd_steps": 10, "xor_epochs": 100, "width": 100,
         "dead_epochs": 5, "folds": 4, "boston_epochs": 100, "boston_batch": 1,
         "final_epochs": BOSTON_FINAL_EPOCHS}


def run_tour(out_dir="badak-out", quick: bool = False, progress: bool = True,
             stream: TextIO | None = None,
             on_section: Callable[[Section], None] | None = None) -> Path:
    """Run every section of the lecture and write ``report.md`` with its pictures.

    Parameters
    ----------
    out_dir : str or PathLike, default='badak-out'
        The folder for the report and the pictures (created if needed; files of the same names
        are replaced).
    quick : bool, default=False
        Tiny sizes (a few epochs, narrow nets) for a check in seconds; the numbers are then not
        the lecture's. The full tour trains the Boston model as the notebook does (4 folds,
        100 epochs at batch size 1), which takes most of its time.
    progress : bool, default=True
        Show progress on ``stream`` (a bar on a terminal, else one line per step).
    stream : file-like, optional
        Where progress goes (stderr by default).
    on_section : callable, optional
        Called with each :class:`Section` when it is done (the ``badak`` command prints their
        summaries).

    Returns
    -------
    pathlib.Path
        The path of ``report.md``.
    """
    quick = check_bool("quick", quick)
    progress = check_bool("progress", progress)
    out = _out_dir(out_dir)
    cfg = _QUICK if quick else _FULL
    steps = 6 + cfg["folds"] + 1
    start = time.perf_counter()
    sections: list[Section] = []
    with StepProgress(steps, "badak tour", enabled=progress, stream=stream) as bar:
        plan = [
            (gates_and_perceptron, {"max_epochs": cfg["perceptron_epochs"]}),
            (gradient_descent, {"steps": cfg["gd_steps"]}),
            (apple_backprop, {}),
            (mlp_xor, {"epochs": cfg["xor_epochs"]}),
            (activation_atlas, {}),
            (diagnostics, {"width": cfg["width"], "epochs": cfg["dead_epochs"]}),
        ]
        for fn, kwargs in plan:
            section = _timed(fn, out, **kwargs)
            sections.append(section)
            bar.advance(f"{section.title} ({section.seconds:.1f} s)")
            if on_section is not None:
                on_section(section)
        section = _timed(boston_housing, out, folds=cfg["folds"], epochs=cfg["boston_epochs"],
                         batch_size=cfg["boston_batch"], final_epochs=cfg["final_epochs"],
                         progress=bar)
        sections.append(section)
        if on_section is not None:
            on_section(section)
    total = time.perf_counter() - start
    report = out / "report.md"
    report.write_text(_render_report(sections, quick, total, cfg), encoding="utf-8")
    return report


def _render_report(sections: list[Section], quick: bool, seconds: float, cfg: dict) -> str:
    graphviz = ("found" if shutil.which("dot") is not None else
                "not found (pictures of graphs are left as DOT text)")
    plotting = "found" if has_matplotlib() else "not installed (no pictures)"
    mode = ("quick mode (tiny sizes: the numbers are not the lecture's; run `badak tour` "
            "without --quick for them)" if quick else
            f"full mode (Boston housing as in the notebook: {cfg['folds']} folds, "
            f"{cfg['boston_epochs']} epochs at batch size {cfg['boston_batch']})")
    head = [
        "# badak: the lecture, run",
        "",
        f"Made by `badak tour{' --quick' if quick else ''}` with badak {badak.__version__}, "
        f"NumPy {np.__version__}, Python {platform.python_version()}, in {seconds:.0f} s, "
        f"{mode}. Graphviz `dot`: {graphviz}; matplotlib: {plotting}.",
        "",
        "## Contents",
        "",
    ]
    head += [f"{i}. [{s.title}](#{_anchor(s.title)}) ({s.seconds:.1f} s)"
             for i, s in enumerate(sections, start=1)]
    body = []
    for s in sections:
        body += ["", f"## {s.title}", "", s.markdown.strip(), ""]
    return "\n".join(head + body).rstrip() + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")
