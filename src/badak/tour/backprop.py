"""Section 3 of the tour: backpropagation through the apple graph (Saito, ch. 5)."""

from __future__ import annotations

import numpy as np

import badak
from badak.tour.report import (
    Section,
    _out_dir,
)


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
