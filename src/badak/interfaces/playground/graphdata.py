"""A traced graph as the page needs it: the SVG drawing and the backward steps as JSON.

The page steps through ``steps`` (backward order, as :func:`badak.lecture.explain.trace` visits the
nodes): each names the SVG node to highlight (``g.node[data-node=...]``), the upstream gradient
and, for every input, its value, the local gradient and the gradient passed back.
"""

from __future__ import annotations

from badak.lecture.explain import Trace, format_value
from badak.lecture.graphsvg import layout_trace

__all__ = ["graph_payload"]


def _fmt(v) -> str:
    return format_value(v, 6)


def graph_payload(tr: Trace) -> dict:
    """Return ``{"svg", "steps", "forward"}`` for a trace (see the module docstring)."""
    lay = layout_trace(tr)
    by_step = {n.step: n.id for n in lay.nodes.values() if n.step}
    steps = [{"step": s.index, "node": by_step.get(s.index), "op": s.symbol or s.op,
              "output": s.output.label, "upstream": _fmt(s.upstream),
              "inputs": [{"label": i.tensor.label, "value": _fmt(i.tensor.value),
                          "local": i.local if isinstance(i.local, str) or i.local is None
                          else _fmt(i.local),
                          "passed": None if i.passed is None else _fmt(i.passed)}
                         for i in s.inputs]} for s in tr.steps]
    forward = [{"node": nid, "label": n.title, "value": n.lines[0][0] if n.lines else ""}
               for nid, n in lay.nodes.items()]
    return {"svg": lay.to_svg(), "steps": steps, "forward": forward}
