"""Section 1 of the tour: logic gates and the perceptron (Saito, ch. 2)."""

from __future__ import annotations

from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _md_table,
    _out_dir,
    _picture,
    _warned,
)


def gates_and_perceptron(out_dir, max_epochs: int = 20, lang: str = "en") -> Section:
    """Hand-wired gates, the perceptron rule on AND, OR, NAND, and its failure on XOR.

    The rule is learned in exact integer arithmetic (see :mod:`badak.lecture.perceptron`), so the
    printed rules are right on every input, and the table says how many samples the *final*
    weights get wrong.
    """
    from badak.datasets import logic_gate
    from badak.lecture.perceptron import AND, NAND, OR, XOR, Perceptron, rule_forms

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    wired = _md_table(("x1", "x2", "AND", "OR", "NAND", "XOR = AND(NAND, OR)"),
                      [(a, b, AND(a, b), OR(a, b), NAND(a, b), XOR(a, b)) for a, b in inputs])
    rows, results, trained = [], {}, {}
    for gate in ("and", "or", "nand", "xor"):
        x, y = logic_gate(gate)
        p, _caught = _warned(Perceptron(2, lr=0.1, max_epochs=max_epochs).fit, x, y)
        trained[gate] = (p, x, y)
        correct = int((p.predict(x) == y).sum())
        threshold, bias = rule_forms(p.weights_, p.bias_)
        rows.append((gate.upper(), _("yes") if p.converged_ else _("**no**"), p.n_epochs_,
                     " ".join(map(str, p.errors_)), f"{correct}/4",
                     _("y = 1 if {rule}").format(rule=threshold),
                     _("y = 1 if {rule}").format(rule=bias)))
        results[gate] = {"converged": p.converged_, "epochs": p.n_epochs_, "correct": correct,
                         "weights": p.weights_.tolist(), "bias": p.bias_,
                         "errors": list(p.errors_), "exact": p.exact_}

    def draw():
        from badak.lecture.plots import new_figure

        fig, axes = new_figure(1, 4, figsize=(18, 4.8))
        for ax, (gate, (p, x, y)) in zip(axes[0], trained.items()):
            from badak.lecture.perceptron import plot_decision_line

            status = (_("{gate}: converged ({n} epochs)") if p.converged_ else
                      _("{gate}: did not converge ({n} epochs)"))
            plot_decision_line(p, x, y, ax=ax, lang=lang,
                               title=status.format(gate=gate.upper(), n=p.n_epochs_))
        fig.tight_layout()
        return fig

    picture = _picture(out, "perceptron_gates.png", files,
                       _("The perceptron's line on each gate; the shaded side is y = 1"), draw,
                       lang=lang)
    learned = _md_table((_("gate"), _("converged"), _("epochs"), _("updates per epoch"),
                         _("right (final weights)"), _("learned rule (threshold θ)"),
                         _("the same rule (bias b = -θ)")), rows)
    xor = results["xor"]
    nand = results["nand"]
    floats = float_perceptron(*logic_gate("nand"), lr=0.1, max_epochs=max_epochs)
    results["nand_in_floats"] = floats
    md = _("""A perceptron fires when the weighted sum of its inputs passes a threshold θ:
y = 1 if w1·x1 + w2·x2 > θ, else 0 (equivalently b + w·x > 0 with the bias b = -θ). The
comparison is strict: a sum exactly equal to θ gives 0. The book's hand-picked weights make
AND, OR and NAND, and XOR needs two layers:""") + "\n\n" + wired + "\n\n" + _(
        """The perceptron learning rule (w ← w + η(y - ŷ)x, b ← b + η(y - ŷ), η = 0.1, from zero
weights, at most {max_epochs} epochs) learns the first three and stops with errors left on XOR,
which is not linearly separable: no straight line separates {{(0,1), (1,0)}} from
{{(0,0), (1,1)}}. From zero weights
every weight is η times an integer, so badak learns in integers and the rules below are exact:
each is right on all four inputs with the strict >.""").format(max_epochs=max_epochs) + \
        "\n\n" + learned + "\n\n" + _(
        """On XOR the rule still made {updates} updates in its last epoch (it never settles), and
with its final weights {wrong} of the 4 samples are wrong: a line can get at most 3 of 4
right.""").format(updates=xor["errors"][-1], wrong=4 - xor["correct"]) + "\n\n" + _(
        """Why integers: in floating point, 0.1 + 0.1 + 0.1 - 0.3 is {rounding:.2g}, not 0.
Run in floats, the rule stops on NAND after {float_epochs} epochs at b = {float_b:g} +
{float_err:.2g} and would print "{float_rule}", which is wrong on (1, 0) (NAND(1, 0) = 1, but
the sum equals the threshold): only the rounding error put (1, 0) on the right side. In exact
arithmetic NAND takes {epochs} epochs and ends at w = ({w1:g}, {w2:g}), b = {bias:g}.""").format(
            rounding=0.1 + 0.1 + 0.1 - 0.3, float_epochs=floats["epochs"],
            float_b=round(floats["bias"], 6), float_err=floats["bias"] - round(floats["bias"], 6),
            float_rule=_("y = 1 if {rule}").format(rule=floats["rule"]),
            epochs=nand["epochs"], bias=nand["bias"],
            w1=nand["weights"][0], w2=nand["weights"][1]) + "\n\n" + picture + "\n"
    summary = [_("perceptron: AND/OR/NAND learned exactly in {epochs} epochs; XOR did not "
                 "converge ({right}/4 right)").format(
        epochs="/".join(str(results[g]["epochs"]) for g in ("and", "or", "nand")),
        right=xor["correct"])]
    return Section(_("Logic gates and the perceptron"), md, files, summary, results)


def float_perceptron(x, y, lr: float, max_epochs: int) -> dict:
    """The perceptron rule in plain floating point, as the book's NumPy code runs it.

    Returns the epochs, the final weights and bias, and the rule as floats would print it
    (rounded to 6 digits), to show what rounding does to the exact rule.
    """
    import numpy as np

    from badak.lecture.perceptron import rule_forms

    w, b, epochs = np.zeros(x.shape[1]), 0.0, 0
    for epochs in range(1, max_epochs + 1):  # noqa: B007 - the last value is used
        errors = 0
        for xi, yi in zip(x.astype(np.float64), y):
            delta = yi - (1 if float(w @ xi) + b > 0 else 0)
            if delta:
                w, b, errors = w + lr * delta * xi, b + lr * delta, errors + 1
        if errors == 0:
            break
    return {"epochs": epochs, "weights": w.tolist(), "bias": float(b),
            "rule": rule_forms(w, b)[0]}
