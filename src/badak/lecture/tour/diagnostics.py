"""Section 6 of the tour: vanishing gradients, dead and saturated units."""

from __future__ import annotations

import numpy as np

import badak
from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _box,
    _md_table,
    _out_dir,
    _picture,
)


def gradient_signs(width: int = 50, samples: int = 200, rng=0) -> dict:
    """The zig-zag of inputs that are not zero-centred, measured.

    For a unit y = w·x + b the weight gradient is ∂L/∂wᵢ = δ·xᵢ with one δ = ∂L/∂y per
    sample, so when every input xᵢ is positive (sigmoid outputs) all the unit's weight
    gradients share δ's sign: the update can only move all weights up or all down, and
    reaching a mixed-sign target takes a zig-zag. Returns, for sigmoid and tanh inputs, the
    share of samples in which every weight gradient of the unit has one sign.
    """
    gen = np.random.default_rng(rng)
    z = gen.standard_normal((samples, width))
    delta = gen.standard_normal((samples, 1))       # ∂L/∂y of one unit, per sample
    share = {}
    for name, x in (("sigmoid", 1 / (1 + np.exp(-z))), ("tanh", np.tanh(z))):
        g = delta * x                                # (samples, width): ∂L/∂w per sample
        same = np.all(g > 0, axis=1) | np.all(g < 0, axis=1)
        share[name] = float(same.mean())
    first = {name: (delta[:, 0] * x[:, 0], delta[:, 0] * x[:, 1]) for name, x in
             (("sigmoid", 1 / (1 + np.exp(-z))), ("tanh", np.tanh(z)))}
    return {"same_sign_share": share, "pairs": first}


def diagnostics(out_dir, width: int = 100, epochs: int = 5, rng=0, lang: str = "en") -> Section:
    """Vanishing gradients (also ReLU and tanh under a poor initialisation), dead ReLUs after a
    too large learning rate, saturated sigmoids, and the zig-zag of all-positive inputs."""
    from badak.datasets import make_moons
    from badak.lecture import diagnose

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []
    norms = {act: diagnose.vanishing_gradients(act, depth=10, width=width, rng=rng)
             for act in ("sigmoid", "tanh", "relu")}
    ratio = {act: v[0][1] / v[-1][1] for act, v in norms.items()}
    poor = {act: diagnose.vanishing_gradients(act, depth=10, width=width, init="normal",
                                              rng=rng) for act in ("tanh", "relu")}
    first = {act: v[0][1] for act, v in norms.items()}       # the first layer's gradient norm
    poor_first = {act: v[0][1] for act, v in poor.items()}
    norm_rows = [(i + 1, norms["sigmoid"][i][0], *(f"{norms[a][i][1]:.3g}" for a in norms),
                  *(f"{poor[a][i][1]:.3g}" for a in poor))
                 for i in range(len(norms["sigmoid"]))]
    curves = {**{_("{act} (default init)").format(act=a): v for a, v in norms.items()},
              **{_("{act}, init N(0, 0.01²)").format(act=a): v for a, v in poor.items()}}
    vanishing = _picture(out, "vanishing_gradients.png", files, _("Gradient norm per layer"),
                         lambda: diagnose.plot_gradient_norms(
                             curves, title=_("10-layer nets: gradient norm per layer"),
                             lang=lang))
    signs = gradient_signs(rng=rng)

    def draw_signs():
        from badak.lecture.plots import new_figure

        fig, axes = new_figure(1, 2, figsize=(10, 4.6), sharex=True, sharey=True)
        for ax, name in zip(axes[0], ("sigmoid", "tanh")):
            g1, g2 = signs["pairs"][name]
            ax.scatter(g1, g2, s=10, alpha=0.6, label=_("one sample's (∂L/∂w₁, ∂L/∂w₂)"))
            ax.axhline(0, color="0.6", lw=0.8)
            ax.axvline(0, color="0.6", lw=0.8)
            ax.set_xlabel(_("∂L/∂w₁ (no unit)"))
            ax.set_ylabel(_("∂L/∂w₂ (no unit)"))
            ax.set_title(_("inputs from {name}: all {n} weight gradients share a sign in "
                           "{share:.0%} of samples").format(
                name=name, n=50, share=signs["same_sign_share"][name]), fontsize=9)
            ax.legend(fontsize="small", loc="upper left")
        fig.tight_layout()
        return fig

    signs_picture = _picture(out, "gradient_signs.png", files,
                             _("Weight gradients of one unit: positive inputs allow only two "
                               "quadrants"), draw_signs, lang=lang)

    x, y = make_moons(500, noise=0.1, rng=rng)
    dead = {}
    for lr in (0.1, 3.0):
        model = badak.nn.MLP([2, 64, 64, 2], rng=rng)
        badak.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=lr, epochs=epochs,
                  batch_size=16, rng=rng, verbose=0)
        dead[_("ReLU MLP after SGD, lr={lr:g}").format(lr=lr)] = diagnose.dead_units(model, x)
    dead_picture = _picture(out, "dead_relus.png", files, _("Dead ReLU units"),
                            lambda: diagnose.plot_unit_health(
                                dead, title=_("Dead ReLU units on 500 moons"), lang=lang))

    gen = np.random.default_rng(rng)
    batch = gen.standard_normal((200, width))
    saturated = {}
    for label, std in ((_("sigmoid MLP, Xavier init"), None),
                       (_("sigmoid MLP, weights N(0, 1)"), 1.0)):
        model = badak.nn.MLP([width] * 6, activation="sigmoid", rng=rng)
        if std is not None:  # Saito §6.2.1: std 1 pushes the outputs to 0 and 1
            for layer in model:
                if isinstance(layer, badak.nn.Linear):
                    layer.weight.data = gen.normal(0.0, std, layer.weight.shape).astype(
                        layer.weight.dtype)
        saturated[label] = diagnose.saturated_units(model, batch)
    sat_picture = _picture(out, "saturated_units.png", files, _("Saturated sigmoid units"),
                           lambda: diagnose.plot_unit_health(
                               saturated, title=_("Saturated sigmoid units"), lang=lang))
    (lo_lr, lo), (hi_lr, hi) = dead.items()
    (xa_label, xa), (big_label, big) = saturated.items()
    headers = ("layer", _("name"), *(f"‖∂L/∂W‖ {a}" for a in norms),
               *(_("‖∂L/∂W‖ {a}, N(0, 0.01²)").format(a=a) for a in poor))
    md = "\n\n".join([
        _("""**Vanishing gradients.** One backward pass through 10-layer networks of width
{width} on random data. Each sigmoid layer multiplies the gradient by σ' ≤ 0.25, so the first
layer's weight gradient is {sigmoid:.1e} times the last layer's; with ReLU (He initialisation)
the ratio is {relu:.2g}, and tanh (Xavier) {tanh:.2g}.""").format(width=width, **ratio),
        _md_table(headers, norm_rows),
        vanishing,
        _box(_, _("ReLU has no vanishing-gradient problem."),
             _("Its derivative is 1 for x > 0, but the gradient is also multiplied by the "
               "weights of every layer, forward and backward. With the book's first "
               "initialisation, N(0, 0.01²), the same 10-layer ReLU net's first-layer gradient "
               "norm is {relu:.1e} instead of {relu_he:.2g} with He initialisation "
               "(std √(2/n)), and tanh's {tanh:.1e} instead of {tanh_x:.2g} with Xavier: every "
               "layer's gradient has vanished. The initialisation, not only the activation, "
               "decides.").format(
                 relu=poor_first["relu"], tanh=poor_first["tanh"], relu_he=first["relu"],
                 tanh_x=first["tanh"])),
        _("""**The zig-zag of outputs that are not zero-centred.** A unit's weight gradient is
∂L/∂wᵢ = δ·xᵢ with one δ per sample. When all its inputs are positive (sigmoid outputs), every
∂L/∂wᵢ has δ's sign: the update moves all weights up or all down together, and a target with
weights of mixed signs is reached only by zig-zagging. Measured on a unit with 50 inputs and
200 samples: all 50 gradients share one sign in {sig:.0%} of the samples with sigmoid inputs,
and in {tanh:.0%} with tanh (zero-centred) inputs.""").format(
            sig=signs["same_sign_share"]["sigmoid"], tanh=signs["same_sign_share"]["tanh"]),
        signs_picture,
        _("""**Dead ReLUs.** A ReLU unit whose input is negative for every sample outputs 0 and
gets no gradient, so it never recovers. The same 2-64-64-2 network trained {epochs} epochs on
moons with SGD: at lr = 0.1, {lo:.0%} of its ReLU units are dead on the 500 points; at
lr = 3.0 the large updates push {hi:.0%} of them into the dead zone.""").format(
            epochs=epochs, lo=lo.overall, hi=hi.overall),
        f"*{lo_lr}:*",
        lo.to_markdown(),
        f"*{hi_lr}:*",
        hi.to_markdown(),
        dead_picture,
        _("""**Saturation.** A sigmoid output below 0.01 or above 0.99 sits where σ' < 0.01. With
Xavier initial weights (std √(1/n)) {xa_out:.0%} of the outputs of a 6-layer sigmoid net are
saturated on 200 random inputs; with std 1 (Saito §6.2.1) {big_out:.0%} are. Counting whole
units instead (saturated on every one of the 200 inputs): {xa_units:.1%} and {big_units:.1%}.
The picture shows both measures.""").format(
            xa_out=xa.output_fraction, big_out=big.output_fraction, xa_units=xa.overall,
            big_units=big.overall),
        sat_picture,
    ]) + "\n"
    summary = [_("diagnostics: sigmoid first/last gradient norm {sig:.1e}, ReLU {relu:.2g} "
                 "(He); first-layer ReLU gradient {relu_poor:.1e} with N(0, 0.01²); dead ReLUs "
                 "{lo:.0%} (lr 0.1) vs {hi:.0%} (lr 3); saturated sigmoid outputs {xa:.0%} "
                 "(Xavier) vs {big:.0%} (std 1)").format(sig=ratio["sigmoid"], relu=ratio["relu"],
                                   relu_poor=poor_first["relu"], lo=lo.overall, hi=hi.overall,
                                   xa=xa.output_fraction, big=big.output_fraction)]
    results = {"ratio": ratio, "first_layer_norm": first, "poor_init_first_layer_norm": poor_first,
               "same_sign_share": signs["same_sign_share"],
               "dead": {k: v.overall for k, v in dead.items()},
               "saturated": {k: v.output_fraction for k, v in saturated.items()},
               "saturated_units": {k: v.overall for k, v in saturated.items()}}
    return Section(_("Diagnostics: vanishing gradients, dead and saturated units"), md, files,
                   summary, results)
