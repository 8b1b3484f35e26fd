"""Section 3 of the tour: backpropagation on computational graphs (Saito, ch. 5): the chain
rule on z = t², t = x + y; the addition and subtraction nodes; the apple and the
apples-and-oranges graphs; and why one backward pass beats numerical differentiation."""

from __future__ import annotations

import time

import numpy as np

import badak
from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _box,
    _graph,
    _md_table,
    _out_dir,
    _picture,
)


def _leaf(value: float, name: str):
    t = badak.tensor(value, requires_grad=True, dtype=np.float64)
    t.name = name
    return t


def _named(t, name: str):
    t.name = name
    return t


def apples_and_oranges() -> tuple[float, dict[str, float], object]:
    """Saito §5.4: 2 apples at 100 and 3 oranges at 150, tax 1.1; (total, gradients, graph)."""
    apple, n_apple = _leaf(100.0, "apple"), _leaf(2.0, "apple_count")
    orange, n_orange = _leaf(150.0, "orange"), _leaf(3.0, "orange_count")
    tax = _leaf(1.1, "tax")
    apples = _named(apple * n_apple, "apples")
    oranges = _named(orange * n_orange, "oranges")
    subtotal = _named(apples + oranges, "subtotal")
    total = _named(subtotal * tax, "total")
    total.backward(retain_graph=True)
    grads = {t.name: float(t.grad.item()) for t in (apple, n_apple, orange, n_orange, tax)}
    return float(total.item()), grads, total


def backprop_cost(sizes=(10, 40, 160, 640), repeats: int = 3, rng=0) -> list[dict]:
    """Backpropagation against central differences on a linear model's weights.

    For each number of parameters P: the seconds of one forward + backward pass, and of the
    numerical gradient (2P forward passes), with the largest difference between the two
    gradients. Backprop reuses each node's result once (the dynamic-programming idea), so its
    cost barely grows with P, while numerical differentiation grows linearly.
    """
    gen = np.random.default_rng(rng)
    rows = []
    for p in sizes:
        x = gen.standard_normal((32, p))
        y = gen.standard_normal((32, 1))
        w0 = gen.standard_normal((p, 1)) * 0.1

        def loss(w, x=x, y=y):
            return ((badak.tensor(x) @ w - badak.tensor(y)) ** 2).mean()

        best_bp = best_num = np.inf
        for _ in range(repeats):
            start = time.perf_counter()
            w = badak.tensor(w0, requires_grad=True, dtype=np.float64)
            loss(w).backward()
            best_bp = min(best_bp, time.perf_counter() - start)
        start = time.perf_counter()
        numerical = badak.numerical_grad(loss, w0)
        best_num = time.perf_counter() - start
        rows.append({"parameters": p, "backprop_s": best_bp, "numerical_s": best_num,
                     "forward_passes": 2 * p,
                     "max_difference": float(np.max(np.abs(numerical - w.grad.data)))})
    return rows


def apple_backprop(out_dir, lang: str = "en") -> Section:
    """The chain rule, the add and subtract nodes, the apple graphs, and backprop's cost."""
    from badak.lecture.explain import trace

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []

    # the chain rule: z = t², t = x + y at x = 1, y = 2
    x, y = _leaf(1.0, "x"), _leaf(2.0, "y")
    t = _named(x + y, "t")
    z = _named(t ** 2, "z")
    chain_pic, _r = _graph(out, "chain_rule", z, files,
                           _("z = t², t = x + y: values forward, gradients backward"), _, lang)
    (dz_dx, dz_dy) = badak.grad(z, [x, y], retain_graph=True)
    chain = {"t": float(t.item()), "z": float(z.item()), "dz_dt": 2 * float(t.item()),
             "dz_dx": float(dz_dx.item()), "dz_dy": float(dz_dy.item())}

    # the addition and subtraction nodes, with an upstream gradient of 1.3
    a, b = _leaf(5.0, "a"), _leaf(3.0, "b")
    plus = _named(a + b, "a_plus_b")
    minus = _named(a - b, "a_minus_b")
    times = _named(a * b, "a_times_b")
    nodes = {}
    for name, out_t in (("add", plus), ("subtract", minus), ("multiply", times)):
        ga, gb = badak.grad(out_t, [a, b], grad_output=badak.tensor(1.3, dtype=np.float64),
                            retain_graph=True)
        nodes[name] = (float(ga.item()), float(gb.item()))
    add_pic, _r = _graph(out, "add_node", plus, files, _("The addition node"), _, lang)
    sub_pic, _r = _graph(out, "subtract_node", minus, files, _("The subtraction node"), _, lang)

    # the apple graph (Saito §5.2)
    price, count, tax = _leaf(100.0, "apple"), _leaf(2.0, "count"), _leaf(1.1, "tax")
    subtotal = _named(price * count, "subtotal")
    total = _named(subtotal * tax, "total")
    tr = trace(total)
    apple_pic, rendered = _graph(out, "apple", total, files,
                                 _("The apple graph: values above each edge, gradients below"),
                                 _, lang)
    grads = {name: float(tr.grad(name)) for name in ("apple", "count", "tax")}

    fruit_total, fruit, fruit_graph = apples_and_oranges()
    fruit_pic, _r = _graph(out, "apples_and_oranges", fruit_graph, files,
                           _("Apples and oranges with tax"), _, lang)
    cost = backprop_cost()

    def draw_cost():
        from badak.lecture.plots import new_figure

        fig, axes = new_figure(figsize=(6.4, 4.4))
        ax = axes[0, 0]
        ps = [r["parameters"] for r in cost]
        ax.loglog(ps, [1e3 * r["backprop_s"] for r in cost], "o-",
                  label=_("backpropagation (1 forward + 1 backward)"))
        ax.loglog(ps, [1e3 * r["numerical_s"] for r in cost], "s-",
                  label=_("numerical differentiation (2P forward passes)"))
        ax.set_xlabel(_("number of parameters P (count, log scale)"))
        ax.set_ylabel(_("time for one gradient (ms, log scale)"))
        ax.set_title(_("The cost of one gradient"))
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
        fig.tight_layout()
        return fig

    cost_pic = _picture(out, "backprop_cost.png", files, _("The cost of one gradient"),
                        draw_cost, lang=lang)
    cost_rows = [(r["parameters"], r["forward_passes"], f"{1e3 * r['backprop_s']:.3g}",
                  f"{1e3 * r['numerical_s']:.3g}", f"{r['numerical_s'] / r['backprop_s']:.0f}×",
                  f"{r['max_difference']:.1e}") for r in cost]
    fruit_rows = [(_("apple price"), "2.2", f"{fruit['apple']:.4g}"),
                  (_("number of apples"), "110", f"{fruit['apple_count']:.4g}"),
                  (_("orange price"), "3.3", f"{fruit['orange']:.4g}"),
                  (_("number of oranges"), "165", f"{fruit['orange_count']:.4g}"),
                  (_("tax"), "650", f"{fruit['tax']:.4g}")]
    md = "\n\n".join([
        _("""**The chain rule.** A composite function z = t², t = x + y is a computational graph
of two nodes. Forward, at x = 1 and y = 2: t = {t:g}, z = {z:g}. Backward, each node multiplies
the gradient that arrives from above (upstream) by its local derivative: ∂z/∂t = 2t = {dz_dt:g},
and the addition node passes it on unchanged, so ∂z/∂x = ∂z/∂t · ∂t/∂x = {dz_dx:g} and
∂z/∂y = {dz_dy:g}.""").format(**chain),
        chain_pic,
        _("""**The addition, subtraction and multiplication nodes**, for a = 5, b = 3 and an
upstream gradient of 1.3:""") + "\n\n" + _md_table(
            (_("node"), "∂L/∂a", "∂L/∂b", _("rule")),
            [("a + b", f"{nodes['add'][0]:g}", f"{nodes['add'][1]:g}",
              _("upstream × 1 to both inputs")),
             ("a - b", f"{nodes['subtract'][0]:g}", f"{nodes['subtract'][1]:g}",
              _("upstream × 1 and × (-1)")),
             ("a × b", f"{nodes['multiply'][0]:g}", f"{nodes['multiply'][1]:g}",
              _("upstream × the other input (swapped)"))]),
        add_pic + "\n\n" + sub_pic,
        _box(_, _("The subtraction node passes the upstream gradient with the inputs swapped "
                  "(서로 바꿔서)."),
             _("That is the multiplication node: ∂(ab)/∂a = b, so a receives 1.3 × 3 = {m0:g} "
               "and b receives 1.3 × 5 = {m1:g}. The subtraction node swaps nothing: a receives "
               "upstream × 1 = {s0:g} and b upstream × (-1) = {s1:g}, as measured above.").format(
                 m0=nodes["multiply"][0], m1=nodes["multiply"][1], s0=nodes["subtract"][0],
                 s1=nodes["subtract"][1])),
        _("""**The apple graph.** Two apples at 100 each, with a consumption tax of 1.1
(Saito §5.2): total = apple × count × tax = {total:.4g}. Backward, every multiplication node
passes the upstream gradient times its local gradient (the *other* input) to each input:""").format(
            total=float(total.item())),
        tr.to_markdown(),
        _("""So a rise of the apple price by 1 raises the total by {apple:.4g}, one more apple adds
{count:.4g}, and the tax rate weighs {tax:.4g}.""").format(**grads),
        apple_pic,
        _("""**Apples and oranges** (Saito §5.4): 2 apples at 100 and 3 oranges at 150, tax 1.1.
The addition node adds the two subtotals (650), the tax node multiplies: total {total:.4g}.
One backward pass gives every gradient at once:""").format(total=fruit_total) + "\n\n" +
        _md_table((_("the total's gradient with respect to"), _("the book"), "badak"),
                  fruit_rows),
        fruit_pic,
        _("""**Backpropagation against numerical differentiation.** The numerical gradient nudges
each of the P parameters twice (central differences), so it costs 2P forward passes; one
backward pass reuses every node's intermediate result once (the dynamic-programming idea of the
note) and costs about one forward pass more, whatever P is. On a linear model with a mean
squared error over 32 samples (best of 3 runs for backprop):""") + "\n\n" + _md_table(
            (_("parameters P"), _("forward passes (numerical)"), _("backprop (ms)"),
             _("numerical (ms)"), _("ratio"), _("largest difference")), cost_rows),
        cost_pic,
    ]) + "\n"
    summary = [_("backprop: z = t² chain rule ∂z/∂x = {dz_dx:g}; apples and oranges total "
                 "{total:.4g}; numerical differentiation {ratio:.0f}× slower at P = {p}").format(
        dz_dx=chain["dz_dx"], total=fruit_total,
        ratio=cost[-1]["numerical_s"] / cost[-1]["backprop_s"], p=cost[-1]["parameters"]),
        _("apple graph: total {total:.4g}; d total/d apple = {apple:.4g}, d count = {count:.4g}, "
          "d tax = {tax:.4g}").format(total=float(total.item()), **grads) +
        ("" if rendered else _(" (no SVG: Graphviz not installed)"))]
    results = {"total": float(total.item()), "grads": grads, "rendered": rendered,
               "chain": chain, "nodes": nodes, "fruit_total": fruit_total, "fruit": fruit,
               "cost": cost}
    return Section(_("Backpropagation on computational graphs"), md, files, summary, results)
