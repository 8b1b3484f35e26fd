"""Computational graphs drawn as SVG in pure Python: a layered layout for small DAGs.

Graphviz draws graphs beautifully but is a system program that a fresh machine may lack.
The graphs of the lecture are small (the apple example has five tensors; a per-sample MLP
graph a few dozen nodes), so a simple layered ("Sugiyama") layout is enough:

1. **Layers.** A node's layer is one more than the deepest of its inputs (longest path from
   the leaves), so data flows left to right as in the book.
2. **Order.** Within a layer, nodes are sorted a few times by the mean position of their
   neighbours (the barycentre heuristic), which removes most edge crossings.
3. **Coordinates.** Layers are columns wide enough for their widest node and the edge labels;
   nodes are stacked in each column and centred.

Each tensor is an ellipse (its label and forward value), each op a rounded box with the op as
the lecture writes it (×, +, x², exp). Every edge carries its forward value (black, above)
and, below it, the backward side: ``← g`` in red, the gradient passed back along the edge,
with the local-gradient factor (``× local``, purple) that the upstream gradient was multiplied
by. A legend explains the colours. Each node is an SVG ``<g class="node" data-node="...">``
so that a web page can address it (the playground highlights nodes one by one).

Sources: K. Sugiyama, S. Tagawa, M. Toda, "Methods for visual understanding of hierarchical
system structures", IEEE SMC 11(2), 1981 (layering and the barycentre heuristic);
S. Saito, *Deep Learning from Scratch* (2016), ch. 5 (the drawing conventions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from badak.lecture.explain import Trace, format_value

__all__ = ["GraphEdge", "GraphLayout", "GraphNode", "layout_trace", "render_matplotlib",
           "trace_to_svg"]

_CHAR_W = 7.0  # px per character at font-size 12 (a fair mean for sans-serif digits)
_NODE_H = {"tensor": 44.0, "op": 30.0}
_ROW_GAP = 34.0
_COL_GAP = 170.0  # room for the edge labels between columns
_MARGIN = 20.0
_LEGEND = (("value", "black: forward value (→)"),
           ("grad", "red: gradient passed back (←) = upstream × local"),
           ("local", "purple: local gradient ∂out/∂in"))

COLOURS = {"value": "#222222", "grad": "#c62828", "local": "#6a1b9a", "op": "#e3f2fd",
           "tensor": "#ffffff", "param": "#fff8e1", "output": "#fff59d", "constant": "#f5f5f5"}


@dataclass
class GraphNode:
    """A node of the drawing: a tensor (ellipse) or an op (box)."""

    id: str
    kind: str  # 'tensor' or 'op'
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, colour key)
    role: str = "tensor"  # tensor / param / output / constant / op
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    step: int | None = None  # the backward step (1 = first visited) of an op node


@dataclass
class GraphEdge:
    """An edge with its forward value, local gradient factor and gradient passed back."""

    src: str
    dst: str
    value: str = ""
    local: str = ""
    grad: str = ""


@dataclass
class GraphLayout:
    """Nodes with coordinates and edges; :meth:`to_svg` writes the picture."""

    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    width: float = 0.0
    height: float = 0.0
    legend: bool = True

    def to_svg(self) -> str:
        """Return the drawing as a standalone SVG document (text)."""
        return _svg(self)


def _fmt(v, max_elements: int) -> str:
    return format_value(v, max_elements)


def _local_text(local, max_elements: int) -> str:
    if local is None:
        return ""
    if isinstance(local, str):
        return local
    return "× " + _fmt(local, max_elements)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout_trace(tr: Trace, values: bool = True, grads: bool = True,
                 max_elements: int = 6) -> GraphLayout:
    """Lay out the graph recorded by :func:`badak.lecture.explain.trace` (forward order, left to
    right).

    Node ids are the tensor labels (``price``, ``W1``, ``t3``) and ``op1``, ``op2``, ... in
    forward order; an op node's ``step`` is its position in the backward walk (1 first).
    """
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    total = {s.output.key: s.upstream for s in tr.steps}
    total.update((rec.key, g) for rec, g in tr.leaf_grads)
    root = tr.output.label
    ids: dict[int, str] = {}

    def tensor(rec) -> str:
        if rec.key in ids:
            return ids[rec.key]
        nid = rec.label
        ids[rec.key] = nid
        lines = []
        if values:
            lines.append((_shorten(_fmt(rec.value, max_elements)), "value"))
        g = total.get(rec.key)
        if grads and g is not None:
            lines.append((_shorten(f"∂{root}/∂{rec.label} = {_fmt(g, max_elements)}"), "grad"))
        if rec.key == tr.output.key:
            role = "output"
        elif not rec.requires_grad:
            role = "constant"
        elif rec.is_leaf:
            role = "param"
        else:
            role = "tensor"
        nodes[nid] = GraphNode(nid, "tensor", rec.label, lines, role)
        return nid

    n_steps = len(tr.steps)
    for k, step in enumerate(reversed(tr.steps), start=1):  # forward order reads best
        op_id = f"op{k}"
        ins = [tensor(inp.tensor) for inp in step.inputs]
        nodes[op_id] = GraphNode(op_id, "op", step.symbol or step.op, [], "op",
                                 step=n_steps - k + 1)
        for nid, inp in zip(ins, step.inputs):
            edges.append(GraphEdge(
                nid, op_id, _fmt(inp.tensor.value, max_elements) if values else "",
                _local_text(inp.local, max_elements) if grads else "",
                _fmt(inp.passed, max_elements) if grads and inp.passed is not None else ""))
        out = tensor(step.output)
        edges.append(GraphEdge(op_id, out, _fmt(step.output.value, max_elements) if values else "",
                               "", _fmt(step.upstream, max_elements) if grads else ""))
    if not tr.steps:
        tensor(tr.output)
    _place(nodes, edges)
    lay = GraphLayout(nodes, edges)
    # At least as wide as the legend's two columns.
    lay.width = max(720.0, max((n.x + n.w / 2 for n in nodes.values()), default=0) + _MARGIN)
    lay.height = max((n.y + n.h / 2 for n in nodes.values()), default=0) + _MARGIN + 70
    return lay


def _place(nodes: dict[str, GraphNode], edges: list[GraphEdge]) -> None:
    """Layers by longest path, barycentre ordering, then coordinates (see the module doc)."""
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    succs: dict[str, list[str]] = {n: [] for n in nodes}
    for e in edges:
        preds[e.dst].append(e.src)
        succs[e.src].append(e.dst)
    for nid in nodes:  # insertion order is a topological order (inputs before their op)
        nodes[nid].layer = 1 + max((nodes[p].layer for p in preds[nid]), default=-1)
    # A leaf is drawn one column before the op that first uses it (not all in column 0).
    for nid, n in nodes.items():
        if not preds[nid] and succs[nid]:
            n.layer = max(0, min(nodes[s].layer for s in succs[nid]) - 1)
    n_layers = 1 + max((n.layer for n in nodes.values()), default=0)
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    for nid, n in nodes.items():
        layers[n.layer].append(nid)
    pos = {nid: float(i) for layer in layers for i, nid in enumerate(layer)}
    for sweep in range(4):  # barycentre: forward sweeps use inputs, backward sweeps outputs
        order = range(1, n_layers) if sweep % 2 == 0 else range(n_layers - 2, -1, -1)
        for li in order:
            near = preds if sweep % 2 == 0 else succs

            def bary(nid, near=near):
                ns = near[nid]
                return sum(pos[m] for m in ns) / len(ns) if ns else pos[nid]

            layers[li].sort(key=bary)
            for i, nid in enumerate(layers[li]):
                pos[nid] = float(i)
    for n in nodes.values():
        text = max([len(n.title)] + [len(t) for t, _ in n.lines])
        n.h = _NODE_H[n.kind] + (14.0 * max(0, len(n.lines) - 1) if n.kind == "tensor" else 0)
        n.w = max(44.0, text * _CHAR_W + (28.0 if n.kind == "tensor" else 20.0))
    x = _MARGIN
    heights = [sum(nodes[nid].h for nid in layer) + _ROW_GAP * (len(layer) - 1)
               for layer in layers]
    tallest = max(heights, default=0.0)
    for layer, height in zip(layers, heights):
        width = max((nodes[nid].w for nid in layer), default=0.0)
        y = _MARGIN + 16 + (tallest - height) / 2
        for nid in layer:
            n = nodes[nid]
            n.x = x + width / 2
            n.y = y + n.h / 2
            y += n.h + _ROW_GAP
        x += width + _COL_GAP


def _text(x: float, y: float, s: str, colour: str, size: int = 12, anchor: str = "middle",
          weight: str = "normal", cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{colour}"{c}>{escape(s)}</text>')


def _svg(lay: GraphLayout) -> str:
    nodes = lay.nodes
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width:.0f}" '
           f'height="{lay.height:.0f}" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
           'font-family="BadakHangul, NanumGothic, Helvetica, Arial, sans-serif" '
           'class="badak-graph">',
           '<defs><marker id="fwd" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
           '</defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    for i, e in enumerate(lay.edges):
        a, b = nodes[e.src], nodes[e.dst]
        x1, y1, x2, y2 = a.x + a.w / 2, a.y, b.x - b.w / 2, b.y
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        out.append(f'<g class="edge" data-edge="{i}" data-src={quoteattr(e.src)} '
                   f'data-dst={quoteattr(e.dst)}>')
        out.append(f'<path d="M{x1:.1f},{y1:.1f} C{mx:.1f},{y1:.1f} {mx:.1f},{y2:.1f} '
                   f'{x2:.1f},{y2:.1f}" fill="none" stroke="#555" stroke-width="1.3" '
                   f'marker-end="url(#fwd)"/>')
        if e.value:
            out.append(_text(mx, my - 6, _shorten(e.value, 28), COLOURS["value"], 11,
                             cls="fwd-value"))
        back = f"← {e.grad}" if e.grad else ""
        if back:
            out.append(_text(mx, my + 12, _shorten(back, 28), COLOURS["grad"], 11,
                             weight="bold", cls="grad"))
        if e.local:
            out.append(_text(mx, my + 25, _shorten(e.local, 30), COLOURS["local"], 10,
                             cls="local"))
        out.append("</g>")
    for n in nodes.values():
        attrs = (f'class="node {n.kind} {n.role}" data-node={quoteattr(n.id)} '
                 f'data-kind="{n.kind}"' + (f' data-step="{n.step}"' if n.step else ""))
        out.append(f"<g {attrs}>")
        fill = COLOURS[n.role]
        if n.kind == "op":
            out.append(f'<rect x="{n.x - n.w / 2:.1f}" y="{n.y - n.h / 2:.1f}" width="{n.w:.1f}"'
                       f' height="{n.h:.1f}" rx="8" fill="{fill}" stroke="#1565c0" '
                       f'stroke-width="1.5"/>')
            out.append(_text(n.x, n.y + 5, n.title, "#0d47a1", 14, weight="bold", cls="label"))
        else:
            dash = ' stroke-dasharray="4 3"' if n.role == "constant" else ""
            out.append(f'<ellipse cx="{n.x:.1f}" cy="{n.y:.1f}" rx="{n.w / 2:.1f}" '
                       f'ry="{n.h / 2:.1f}" fill="{fill}" stroke="#444" stroke-width="1.3"'
                       f'{dash}/>')
            top = n.y - 14 * len(n.lines) / 2 + 4
            out.append(_text(n.x, top, n.title, "#000", 12, weight="bold", cls="label"))
            for j, (t, c) in enumerate(n.lines):
                out.append(_text(n.x, top + 14 * (j + 1), t, COLOURS[c], 11,
                                 cls="value" if c == "value" else "grad"))
        out.append("</g>")
    if lay.legend:
        y = lay.height - 52
        out.append('<g class="legend">')
        for j, (c, label) in enumerate(_LEGEND):
            out.append(_text(_MARGIN, y + 15 * j, label, COLOURS[c], 11, anchor="start"))
        out.append(_text(_MARGIN + 330, y, "ellipse: tensor (yellow: output, cream: leaf, "
                         "dashed: constant)", "#444", 11, anchor="start"))
        out.append(_text(_MARGIN + 330, y + 15, "box: operation (×, +, x², ...)", "#444", 11,
                         anchor="start"))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def trace_to_svg(tr: Trace, values: bool = True, grads: bool = True,
                 max_elements: int = 6) -> str:
    """Draw a :class:`~badak.lecture.explain.Trace` as SVG text, without Graphviz.

    Examples
    --------
    >>> import badak
    >>> from badak.lecture.explain import trace
    >>> price = badak.tensor(100.0, requires_grad=True); price.name = "price"
    >>> svg = trace_to_svg(trace(price * 2))
    >>> 'data-node="price"' in svg
    True
    """
    return layout_trace(tr, values=values, grads=grads, max_elements=max_elements).to_svg()


def render_matplotlib(lay: GraphLayout, path, format: str = "png") -> None:  # noqa: A002
    """Draw ``lay`` with matplotlib into ``path`` (PNG or PDF), the same picture as the SVG."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
    except ImportError as e:
        raise ImportError("a PNG or PDF of a graph without Graphviz needs matplotlib: pip "
                          "install 'badak[plot]' (or write SVG, which needs nothing)") from e
    dpi = 100
    fig = plt.figure(figsize=(lay.width / dpi, lay.height / dpi), dpi=dpi)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.axis("off")
    nodes = lay.nodes
    for e in lay.edges:
        a, b = nodes[e.src], nodes[e.dst]
        x1, y1, x2, y2 = a.x + a.w / 2, a.y, b.x - b.w / 2, b.y
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=10,
                                     color="#555", lw=1.2))
        if e.value:
            ax.text(mx, my - 6, _shorten(e.value, 28), ha="center", fontsize=8,
                    color=COLOURS["value"])
        if e.grad:
            ax.text(mx, my + 12, _shorten(f"← {e.grad}", 28), ha="center", fontsize=8,
                    color=COLOURS["grad"], weight="bold")
        if e.local:
            ax.text(mx, my + 25, _shorten(e.local, 30), ha="center", fontsize=7,
                    color=COLOURS["local"])
    for n in nodes.values():
        if n.kind == "op":
            ax.add_patch(FancyBboxPatch((n.x - n.w / 2, n.y - n.h / 2), n.w, n.h,
                                        boxstyle="round,pad=0,rounding_size=8",
                                        fc=COLOURS["op"], ec="#1565c0", lw=1.5))
            ax.text(n.x, n.y + 5, n.title, ha="center", fontsize=10, color="#0d47a1",
                    weight="bold")
        else:
            ax.add_patch(Ellipse((n.x, n.y), n.w, n.h, fc=COLOURS[n.role], ec="#444", lw=1.2,
                                 ls="--" if n.role == "constant" else "-"))
            top = n.y - 14 * len(n.lines) / 2 + 4
            ax.text(n.x, top, n.title, ha="center", fontsize=9, weight="bold")
            for j, (t, c) in enumerate(n.lines):
                ax.text(n.x, top + 14 * (j + 1), t, ha="center", fontsize=8, color=COLOURS[c])
    if lay.legend:
        y = lay.height - 52
        for j, (c, label) in enumerate(_LEGEND):
            ax.text(_MARGIN, y + 15 * j, label, fontsize=8, color=COLOURS[c])
    fig.savefig(path, format=format, dpi=dpi)
    plt.close(fig)
