"""Section 4 of the tour: an MLP solves XOR, where the perceptron could not."""

from __future__ import annotations

import badak
from badak.tour.report import (
    Section,
    _out_dir,
    _picture,
    _warned,
)


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
