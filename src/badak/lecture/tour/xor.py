"""Section 4 of the tour: an MLP solves XOR, where the perceptron could not; why the
activation must be non-linear (a linear one collapses the layers into one); depth and width;
overfitting against underfitting."""

from __future__ import annotations

import numpy as np

import badak
from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _md_table,
    _out_dir,
    _picture,
    _warned,
)


def linear_collapse(c: float = 2.0, rng=0) -> dict:
    """h(x) = c·x applied three times is c³·x; a 3-layer MLP with the identity activation is
    one linear layer with W = W₁W₂W₃ and b folded in.

    Returns c³, the three-fold composition at x = 1, and the largest difference between the
    3-layer identity MLP and its single collapsed layer on random inputs.
    """
    model = badak.nn.MLP([2, 8, 8, 2], activation="identity", rng=rng)
    layers = [m for m in model if isinstance(m, badak.nn.Linear)]
    w = np.eye(2)
    b = np.zeros(2)
    for layer in layers:     # y = (x W₁ + b₁) W₂ + b₂ ... = x (W₁W₂W₃) + b
        lw = layer.weight.data.astype(np.float64)
        w, b = w @ lw, b @ lw + layer.bias.data.astype(np.float64)
    x = np.random.default_rng(rng).standard_normal((100, 2))
    deep = badak.lecture.plots.predict_numpy(model, x.astype(np.float32)).astype(np.float64)
    h = x[0, 0]
    for _ in range(3):
        h = c * h
    return {"c_cubed": c ** 3, "three_times": h / x[0, 0],
            "max_difference": float(np.max(np.abs(deep - (x @ w + b))))}


def _fit_accuracy(sizes, activation, x, y, epochs, rng, x_val=None, y_val=None, lr=0.01):
    model = badak.nn.MLP(sizes, activation=activation, rng=rng)
    val = None if x_val is None else (x_val, y_val)
    history = badak.fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=lr,
                        epochs=epochs, batch_size=16, metrics=("accuracy",), rng=rng,
                        verbose=0, validation_data=val)
    return model, history


def mlp_xor(out_dir, epochs: int = 100, samples: int = 200, rng=0, lang: str = "en") -> Section:
    """The perceptron against MLPs on noisy XOR data; linear collapse; depth, width, fitting."""
    from badak.datasets import make_spiral, make_xor
    from badak.lecture.perceptron import Perceptron

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []
    x, y = make_xor(samples, noise=0.1, rng=rng)
    p, _w = _warned(Perceptron(2, lr=0.1, max_epochs=50).fit, x, y)
    p_acc = float((p.predict(x) == y).mean())
    model, history = _fit_accuracy([2, 16, 16, 2], "relu", x, y, epochs, rng)
    acc = history.last()["accuracy"]
    by_activation = {"relu": (model, acc)}
    for act in ("identity", "tanh"):
        m, h = _fit_accuracy([2, 16, 16, 2], act, x, y, epochs, rng)
        by_activation[act] = (m, h.last()["accuracy"])
    collapse = linear_collapse()

    # depth and width on the spiral, with a validation set
    xs, ys = make_spiral(300, noise=0.05, rng=rng)
    order = np.random.default_rng(rng).permutation(len(xs))
    xs, ys = xs[order], ys[order]
    xt, yt, xv, yv = xs[:200], ys[:200], xs[200:], ys[200:]
    shapes = {"2-4-2": [2, 4, 2], "2-64-2": [2, 64, 2], "2-16-16-16-2": [2, 16, 16, 16, 2],
              "2-64-64-64-2": [2, 64, 64, 64, 2]}
    shape_rows, fitted = [], {}
    for label, sizes in shapes.items():
        _m, h = _fit_accuracy(sizes, "relu", xt, yt, epochs, rng, xv, yv)
        fitted[label] = h.history
        shape_rows.append((label, len(sizes) - 2, max(sizes[1:-1]),
                           f"{h.last()['accuracy']:.0%}", f"{h.last()['val_accuracy']:.0%}"))
    # overfitting: a wide net on 30 noisy points, trained long
    xo, yo = make_xor(30, noise=0.25, rng=rng + 1)
    xvo, yvo = make_xor(300, noise=0.25, rng=rng + 2)
    _m, over = _fit_accuracy([2, 64, 64, 2], "relu", xo, yo, 2 * epochs, rng, xvo, yvo,
                             lr=0.003)
    _m, under = _fit_accuracy([2, 1, 2], "relu", xo, yo, 2 * epochs, rng, xvo, yvo, lr=0.003)
    over_c, under_c = over.history, under.history
    best = int(np.argmin(over_c["val_loss"]))
    fit_numbers = {"over_train_loss": over_c["loss"][-1], "over_val_loss": over_c["val_loss"][-1],
                   "over_best_epoch": best + 1, "over_best_val_loss": over_c["val_loss"][best],
                   "under_train_loss": under_c["loss"][-1],
                   "under_val_loss": under_c["val_loss"][-1],
                   "over_train_acc": over_c["accuracy"][-1],
                   "over_val_acc": over_c["val_accuracy"][-1]}

    def draw_boundaries():
        from badak.lecture.perceptron import plot_decision_line
        from badak.lecture.plots import new_figure, plot_decision_boundary

        fig, axes = new_figure(1, 4, figsize=(20, 4.8))
        plot_decision_line(p, x, y, ax=axes[0, 0], lang=lang,
                           title=_("perceptron: accuracy {a:.0%}").format(a=p_acc))
        for ax, act in zip(axes[0, 1:], ("identity", "tanh", "relu")):
            m, a = by_activation[act]
            plot_decision_boundary(m, x, y, ax=ax, lang=lang,
                                   title=_("MLP 2-16-16-2, {act}: accuracy {a:.0%}").format(
                                       act=act, a=a))
        fig.tight_layout()
        return fig

    def draw_curves():
        from badak.lecture.plots import plot_history

        return plot_history(history, title=_("MLP 2-16-16-2 (ReLU) on XOR"), lang=lang,
                            units={"loss": _("cross-entropy, nats")})

    def draw_fitting():
        from badak.lecture.plots import new_figure

        fig, axes = new_figure(1, 2, figsize=(12, 4.4), sharey=True)
        for ax, curves, name in ((axes[0, 0], under_c, _("underfitting: MLP 2-1-2")),
                                 (axes[0, 1], over_c, _("overfitting: MLP 2-64-64-2"))):
            e = np.arange(1, len(curves["loss"]) + 1)
            ax.plot(e, curves["loss"], label=_("training loss (30 points)"))
            ax.plot(e, curves["val_loss"], label=_("validation loss (300 new points)"))
            ax.set_xlabel(_("epoch (passes over the training data)"))
            ax.set_ylabel(_("cross-entropy loss (nats)"))
            ax.set_title(name)
        axes[0, 1].axvline(best + 1, color="tab:red", ls=":",
                           label=_("lowest validation loss (epoch {e})").format(e=best + 1))
        for ax in axes[0]:
            ax.legend(fontsize="small")
        fig.tight_layout()
        return fig

    boundary = _picture(out, "xor_boundary.png", files,
                        _("Perceptron against MLPs with the identity, tanh and ReLU "
                          "activations on XOR"), draw_boundaries, lang=lang)
    curves = _picture(out, "xor_curves.png", files, _("Training curves"), draw_curves, lang=lang)
    fitting = _picture(out, "fitting.png", files, _("Underfitting and overfitting"),
                       draw_fitting, lang=lang)
    acts = {k: v[1] for k, v in by_activation.items()}
    md = "\n\n".join([
        _("""On {samples} noisy XOR points (class 1 in the quadrants where x1 and x2 have opposite
signs) one perceptron can only draw a line and gets {p_acc:.0%} right. An MLP with two hidden
ReLU layers of 16 units (hidden layers 1 and 2, as the note numbers them), trained with Adam
(lr 0.01, {epochs} epochs, batch 16, cross-entropy), bends its boundary around the quadrants:
training accuracy {acc:.1%}.""").format(samples=samples, p_acc=p_acc, epochs=epochs, acc=acc),
        _("""**Why the activation must be non-linear.** With a linear activation h(x) = c·x, three
layers give h(h(h(x))) = c³x: for c = 2 that is {c3:g}·x (measured: {three:g}·x), one linear
function. Likewise a 2-8-8-2 MLP with the identity activation equals one linear layer with
W = W₁W₂W₃ (largest difference on 100 inputs: {diff:.1e}). So the same 2-16-16-2 network
with the identity activation stays a straight line on XOR: {identity:.0%}, while tanh reaches
{tanh:.0%} and ReLU {relu:.0%}.""").format(c3=collapse["c_cubed"], three=collapse["three_times"],
                                        diff=collapse["max_difference"], **acts),
        boundary,
        curves,
        _("""**Depth and width.** The same training ({epochs} epochs) on a noisy two-armed spiral,
200 training points and 100 validation points. Wider and deeper networks bend the boundary
more; accuracy on the validation points says whether that bending generalises:""").format(
            epochs=epochs) + "\n\n" + _md_table(
            (_("MLP"), _("hidden layers"), _("units per hidden layer"),
             _("training accuracy"), _("validation accuracy")), shape_rows),
        _("""**Underfitting against overfitting.** On 30 noisy XOR points, with 300 fresh points
for validation: a 2-1-2 network is too small to bend at all (underfitting: training loss
{under_train_loss:.3f} and validation loss {under_val_loss:.3f} both stay high). A 2-64-64-2
network trained for long learns the noise of its 30 points (overfitting): its training loss falls
to {over_train_loss:.3f} while its validation loss is lowest at epoch {over_best_epoch}
({over_best_val_loss:.3f}) and then rises to {over_val_loss:.3f}; training accuracy
{over_train_acc:.0%}, validation accuracy {over_val_acc:.0%}.""").format(**fit_numbers),
        fitting,
    ]) + "\n"
    summary = [_("XOR: perceptron {p:.0%}, MLP {acc:.1%} after {epochs} epochs; identity "
                 "activation {identity:.0%}").format(p=p_acc, acc=acc, epochs=epochs,
                                                     identity=acts["identity"])]
    return Section(_("An MLP solves XOR"), md, files, summary,
                   {"perceptron_accuracy": p_acc, "mlp_accuracy": acc, "activations": acts,
                    "collapse": collapse, "shapes": shape_rows, "fitting": fit_numbers})
