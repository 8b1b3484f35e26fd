"""The activation atlas: every activation of the lecture with its derivative and its properties.

An activation must be non-linear: without one, a stack of layers W₃(W₂(W₁x)) is the single
linear map (W₃W₂W₁)x, however deep. Each choice trades something:

- step: the perceptron's; its derivative is 0 almost everywhere, so nothing can be learned by
  gradient descent through it.
- sigmoid: smooth, but it saturates (σ' ≤ 0.25, tiny for large |x|), so gradients vanish through
  many layers, and its outputs are not zero-centred (all positive), which zig-zags the updates.
- tanh: zero-centred, but it saturates too (tanh' = 1 - tanh² → 0).
- ReLU: cheap, no saturation for x > 0, but units whose input stays negative never recover
  ("dying ReLU").
- Leaky ReLU / PReLU: a small (fixed / learned) slope for x < 0 keeps dead units alive. They
  are *not* zero-centred: on x ~ N(0, 1) leaky ReLU's mean output is 0.395 (ReLU's 0.399);
  the column ``mean on N(0, 1)`` measures it for every activation (:func:`mean_output`).
- ELU: smooth negative part approaching -α, outputs closer to zero-centred (mean 0.16 on
  N(0, 1), α = 1); costs an exp.
- Maxout: the max of several linear pieces; learns its own convex shape, never dies, but
  multiplies the parameters by the number of pieces.

The derivatives plotted here are computed by badak's own backward pass, not by the formulas, so
the atlas doubles as a check of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import badak.engine.functional as F
from badak.engine.autograd import grad
from badak.engine.tensor import Tensor
from badak.i18n import hangul_aware


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate later"
    """Mark ``message`` for translation without translating it now (gettext_noop)."""
    return message


@dataclass(frozen=True)
class ActivationInfo:
    """One row of the atlas."""

    name: str
    formula: str
    derivative: str
    output_range: str
    zero_centred: str
    saturates: str
    dying_units: str
    cost: str


ATLAS: tuple[ActivationInfo, ...] = (
    ActivationInfo("step", "1 if x > 0 else 0", N_("0 (undefined at 0)"), "{0, 1}", N_("no"),
                   N_("flat everywhere"), N_("no gradient at all"), N_("compare")),
    ActivationInfo("sigmoid", "1 / (1 + e^-x)", "σ(x)(1 - σ(x)) ≤ 0.25", "(0, 1)", N_("no"),
                   N_("both sides"), N_("no"), N_("exp")),
    ActivationInfo("tanh", "(e^x - e^-x) / (e^x + e^-x)", "1 - tanh²(x) ≤ 1", "(-1, 1)",
                   N_("yes"), N_("both sides"), N_("no"), N_("exp")),
    ActivationInfo("relu", "max(0, x)", "1 if x > 0 else 0", "[0, ∞)", N_("no"),
                   N_("left side (0)"), N_("yes: units stuck at x < 0"), N_("compare")),
    ActivationInfo("leaky_relu", "x if x > 0 else 0.01x", "1 or 0.01", "(-∞, ∞)", N_("no"),
                   N_("no"), N_("no"), N_("compare")),
    ActivationInfo("prelu", N_("x if x > 0 else a·x (a learned; a = 0.25 here)"),
                   N_("1 or a (and x for a)"), "(-∞, ∞)", N_("no"), N_("no"), N_("no"),
                   N_("compare + 1 parameter")),
    ActivationInfo("elu", N_("x if x > 0 else α(e^x - 1) (α = 1)"), "1 or y + α", "(-α, ∞)",
                   N_("closer"), N_("left side (-α)"), N_("no"), N_("exp")),
    ActivationInfo("maxout", N_("max(w₁·x + b₁, w₂·x + b₂) (pieces x and 0.5 - 0.5x here)"),
                   N_("w of the winning piece"), "(-∞, ∞)", N_("depends on the pieces"),
                   N_("no"), N_("no"), N_("k× the weights")),
)

_FUNCTIONS = {
    "step": F.step,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "prelu": lambda x: F.prelu(x, Tensor._make(np.array([0.25], dtype=x.dtype), False)),
    "elu": F.elu,
    # Two linear pieces, x and 0.5 - 0.5x: a convex V with its kink at x = 1/3, a shape no
    # PReLU can make (maxout learns its pieces; these are fixed for the picture).
    "maxout": lambda x: _maxout_1d(x),
}

MAXOUT_PIECES = ((1.0, 0.0), (-0.5, 0.5))  # (slope, intercept) of each piece in the atlas


def _maxout_1d(x: Tensor) -> Tensor:
    """Maxout of the pieces of MAXOUT_PIECES, laid side by side on a new last axis."""
    from badak.engine.ops import reshape, stack

    pieces = [x * a + b for a, b in MAXOUT_PIECES]
    return reshape(F.maxout(stack(pieces, axis=-1), len(pieces)), x.shape)


def mean_output(name: str) -> float:
    """The mean output E[f(x)] for x ~ N(0, 1), by quadrature on [-10, 10].

    0 means zero-centred on standardized inputs; ReLU gives 1/√(2π) = 0.399.
    """
    x = np.linspace(-10.0, 10.0, 20001)
    weight = np.exp(-0.5 * x ** 2) / np.sqrt(2 * np.pi) * (x[1] - x[0])  # N(0, 1) density · dx
    y, _ = evaluate(name, x)
    return float(np.sum(y * weight))


def names() -> list[str]:
    """The activations in the atlas, in the lecture's order."""
    return [row.name for row in ATLAS]


def evaluate(name: str, x) -> tuple[np.ndarray, np.ndarray]:
    """Return (f(x), f'(x)) for the activation ``name``, the derivative from badak's backward."""
    if name not in _FUNCTIONS:
        raise ValueError(f"name must be one of {{{', '.join(repr(n) for n in names())}}}; "
                         f"received name={name!r}")
    xt = Tensor._make(np.asarray(x, dtype=np.float64).copy(), True)
    y = _FUNCTIONS[name](xt)
    (dy,) = grad(y.sum(), xt, allow_unused=True)
    return y.data, (np.zeros_like(xt.data) if dy is None else dy.data)


def table(format: str = "text", lang: str = "en") -> str:  # noqa: A002 - the natural name
    """The properties of every activation as an aligned text table or a Markdown table."""
    from badak.i18n import translator

    _ = translator(lang)
    header = (_("activation"), "f(x)", "f'(x)", _("range"), _("zero-centred"),
              _("mean on N(0, 1)"), _("saturates"), _("dying units"), _("cost"))
    rows = [(r.name, _(r.formula), _(r.derivative), r.output_range, _(r.zero_centred),
             f"{mean_output(r.name):.3f}", _(r.saturates), _(r.dying_units), _(r.cost))
            for r in ATLAS]
    if format == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    if format != "text":
        raise ValueError(f"format must be one of {{'text', 'markdown'}}; received "
                         f"format={format!r}")
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    fmt = "  ".join("{:<" + str(w) + "}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


@hangul_aware
def plot(x=None, path=None, lang: str = "en"):
    """Plot every activation (solid) with its derivative (dashed) on a grid of axes.

    σ'(0) = 0.25, the sigmoid's largest slope, is marked; PReLU's a, ELU's α and Maxout's
    pieces are stated in the panel titles. Returns the matplotlib Figure; saves it to ``path``
    when given.
    """
    from badak.i18n import translator
    from badak.lecture.plots import new_figure, save_figure

    _ = translator(lang)
    x = np.linspace(-4, 4, 401) if x is None else np.asarray(x, dtype=np.float64)
    fig, axes = new_figure(2, 4, figsize=(16, 7.5), sharex=True)
    for ax, info in zip(axes.ravel(), ATLAS):
        y, dy = evaluate(info.name, x)
        ax.plot(x, y, label="f(x)", lw=2)
        ax.plot(x, dy, "--", label=_("f'(x) (badak's backward)"), lw=1.5)
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        if info.name == "sigmoid":
            ax.plot([0], [0.25], "o", color="tab:red", label=_("σ'(0) = 0.25, the largest"))
        if info.name == "maxout":
            for (a, b), style in zip(MAXOUT_PIECES, (":", "-.")):
                ax.plot(x, a * x + b, style, color="0.5", lw=1,
                        label=_("piece {a:g}x + {b:g}").format(a=a, b=b))
        ax.set_title(f"{info.name}: {_(info.formula)}".replace(" (", "\n(", 1), fontsize=8.5)
        ax.set_ylim(-1.5, 2.5)
        ax.set_ylabel(_("output (no unit)"))
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel(_("input x (no unit)"))
    fig.suptitle(_("Activation atlas: each function and its derivative"))
    fig.tight_layout()
    save_figure(fig, path)
    return fig
