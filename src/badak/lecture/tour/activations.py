"""Section 5 of the tour: the activation atlas, with what the note says about activations
measured: σ' for large |x|, sigmoid in the output layer, and the cost of exp."""

from __future__ import annotations

import time

import numpy as np

import badak
from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _box,
    _out_dir,
    _picture,
)


def exp_cost(n: int = 1_000_000, repeats: int = 5, rng=0) -> dict:
    """Time the exponential against the comparison, and badak's activations, on ``n`` floats.

    Best of ``repeats`` runs each, measured side by side; the ratios are what to read (the
    absolute times depend on the machine). ``exp_over_max`` compares NumPy's ``exp`` with
    ``maximum(x, 0)`` (the operations themselves); ``sigmoid_over_relu`` and
    ``tanh_over_relu`` compare badak's activations, whose sigmoid takes several passes to stay
    finite for any x (abs, exp, two divisions, a where).
    """
    import badak.engine.functional as F

    values = np.random.default_rng(rng).standard_normal(n).astype(np.float32)
    x = badak.tensor(values)

    def best(fn) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    seconds = {"np.exp": best(lambda: np.exp(values)),
               "np.maximum": best(lambda: np.maximum(values, 0))}
    with badak.no_grad():
        for name, fn in (("sigmoid", F.sigmoid), ("tanh", F.tanh), ("relu", F.relu)):
            seconds[name] = best(lambda fn=fn: fn(x))
    return {"n": n, "seconds": seconds,
            "exp_over_max": seconds["np.exp"] / seconds["np.maximum"],
            "sigmoid_over_relu": seconds["sigmoid"] / seconds["relu"],
            "tanh_over_relu": seconds["tanh"] / seconds["relu"]}


def sigmoid_output_layer(epochs: int = 60, rng=0) -> float:
    """A ReLU MLP with one sigmoid output unit (binary cross-entropy) on 300 moons: training
    accuracy. The sigmoid output is logistic regression on the last hidden layer."""
    from badak.datasets import make_moons

    x, y = make_moons(300, noise=0.1, rng=rng)
    model = badak.nn.MLP([2, 16, 16, 1], rng=rng)
    badak.fit(model, x, y.astype(np.float32).reshape(-1, 1), loss="bce", optimizer="adam",
              lr=0.01, epochs=epochs, batch_size=16, rng=rng, verbose=0)
    prob = 1 / (1 + np.exp(-badak.lecture.plots.predict_numpy(model, x).ravel()))   # sigmoid output
    return float(((prob > 0.5).astype(int) == y).mean())


def activation_atlas(out_dir, lang: str = "en") -> Section:
    """Every activation with its derivative, the table of their properties, and three of the
    note's claims measured."""
    from badak.lecture import atlas

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []
    picture = _picture(out, "activations.png", files, _("Each activation and its derivative"),
                       lambda: atlas.plot(lang=lang))
    big = np.array([5.0, 10.0, 20.0, 30.0])
    _y, slopes = atlas.evaluate("sigmoid", big)
    grid = np.arange(30.0, 45.0, 0.5)
    zero_from = float(grid[np.argmax(atlas.evaluate("sigmoid", grid)[1] == 0)])
    cost = exp_cost()
    out_acc = sigmoid_output_layer()
    md = "\n\n".join([
        _("""Without a non-linear activation, stacked layers collapse into one linear map (see
the XOR section). Each activation trades something; the dashed derivatives below come from
badak's own backward pass, and the column "mean on N(0, 1)" is measured, E[f(x)] for a
standard normal x: only tanh is zero-centred (ReLU {relu:.3f}, leaky ReLU {leaky:.3f}, ELU
{elu:.3f}).""").format(relu=atlas.mean_output("relu"), leaky=atlas.mean_output("leaky_relu"),
                        elu=atlas.mean_output("elu")),
        atlas.table("markdown", lang=lang),
        picture,
        _box(_, _("For large |x| the sigmoid's derivative σ'(x) is 0."),
             _("It tends to 0 but never reaches it: σ'(x) = σ(x)(1 - σ(x)) > 0 for every x. "
               "Measured: σ'(5) = {s5:.2e}, σ'(10) = {s10:.2e}, σ'(20) = {s20:.2e}, "
               "σ'(30) = {s30:.2e}. It is tiny, so gradients vanish through many such layers; "
               "only in float64, from about x = {zero:g}, does 1 - σ(x) round to 0.").format(
                 s5=slopes[0], s10=slopes[1], s20=slopes[2], s30=slopes[3], zero=zero_from)),
        _box(_, _("Do not use sigmoid or tanh in the output layer."),
             _("The advice is about hidden layers, where saturation makes gradients vanish "
               "layer after layer. In the output layer a sigmoid is the standard choice for "
               "binary classification (it turns the last score into a probability, and with "
               "the cross-entropy loss its gradient is simply ŷ - y): a ReLU MLP 2-16-16-1 with "
               "a sigmoid output reaches {acc:.0%} training accuracy on 300 moons.").format(
                 acc=out_acc)),
        _("""**The cost of exp.** Sigmoid and tanh evaluate an exponential per element; ReLU only
compares with 0. On {n:,} float32 values (best of 5 runs, side by side): NumPy's exp takes
{exp:.1f}× the time of maximum(x, 0), since modern CPUs vectorise the exponential. badak's sigmoid
takes {sig:.1f}× the time of its ReLU, because the overflow-safe form makes several passes over
the data (abs, exp, two divisions, a where); its tanh, one NumPy call, {tanh:.1f}×. ReLU's other
gains are that it does not saturate for x > 0 and that its derivative costs nothing.""").format(
            n=cost["n"], exp=cost["exp_over_max"], sig=cost["sigmoid_over_relu"],
            tanh=cost["tanh_over_relu"]),
    ]) + "\n"
    return Section(_("The activation atlas"), md, files,
                   [_("activation atlas: {n} activations; sigmoid costs {r:.1f}× ReLU").format(
                       n=len(atlas.names()), r=cost["sigmoid_over_relu"])],
                   {"activations": atlas.names(), "sigmoid_slopes": slopes.tolist(),
                    "sigmoid_zero_from": zero_from, "exp_cost": cost,
                    "sigmoid_output_accuracy": out_acc,
                    "means": {n: atlas.mean_output(n) for n in atlas.names()}})
