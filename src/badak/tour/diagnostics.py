"""Section 6 of the tour: vanishing gradients, dead and saturated units."""

from __future__ import annotations

import numpy as np

import badak
from badak.tour.report import (
    Section,
    _md_table,
    _out_dir,
    _picture,
)


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
