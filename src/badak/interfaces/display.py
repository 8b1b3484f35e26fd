"""Rich display in Jupyter: HTML for tensors, models, training histories and backward traces.

Jupyter (and Colab) show an object by calling its ``_repr_html_`` (or ``_repr_png_``,
``_repr_svg_``) method when it has one. The objects themselves keep only a one-line hook; the
HTML is built here, so that the page a learner sees is written in one place:

- :func:`tensor_html`: shape, dtype, the values (the first and last few when the tensor is big,
  as NumPy prints them) and the gradient.
- :func:`module_html`: the model as a table of layers with their parameter shapes and counts,
  and the total.
- :func:`history_html` / :func:`history_png`: the training curves (a PNG through matplotlib when
  it is installed) and a table of the epochs.
- :func:`trace_html`: a backward trace (:func:`badak.lecture.explain.trace`) as HTML tables.

Graph drawings (:func:`badak.lecture.viz.draw_graph`) already show themselves as SVG
(``_repr_svg_``). Every text that comes from the user (names, values) is HTML-escaped. Nothing is
loaded from the network: the HTML is plain tables with inline styles.

Source: IPython's display protocol ("Rich output", ``IPython.display`` documentation).
"""

from __future__ import annotations

import base64
import io
import math
from html import escape

import numpy as np

from badak._validation import check_positive_int

__all__ = ["history_html", "history_png", "module_html", "tensor_html", "trace_html"]

_TABLE = ('<table style="border-collapse: collapse; font-family: monospace; '
          'font-size: 12px; text-align: left">')
_CELL = 'style="border: 1px solid #ccc; padding: 2px 6px; vertical-align: top"'


def _table(headers, rows, caption: str | None = None) -> str:
    """An HTML table; every cell is escaped."""
    out = [_TABLE]
    if caption:
        out.append(f'<caption style="text-align: left">{escape(caption)}</caption>')
    out.append("<tr>" + "".join(f"<th {_CELL}>{escape(str(h))}</th>" for h in headers) + "</tr>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td {_CELL}>{escape(str(c))}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _values(a: np.ndarray, threshold: int, edgeitems: int) -> str:
    """The values as NumPy prints them, summarised with '...' beyond ``threshold`` elements."""
    return np.array2string(np.asarray(a), separator=", ", threshold=threshold,
                           edgeitems=edgeitems)


def tensor_html(t, threshold: int = 100, edgeitems: int = 3) -> str:
    """Return the HTML Jupyter shows for a :class:`~badak.Tensor`.

    Parameters
    ----------
    t : Tensor
        The tensor.
    threshold : int, default=100
        Tensors with more elements than this show only their first and last ``edgeitems``
        values along each axis (and their gradient likewise).
    edgeitems : int, default=3
        How many values to show at each end of an axis of a big tensor.
    """
    from badak.engine.tensor import Tensor

    if not isinstance(t, Tensor):
        raise TypeError(f"t must be a badak Tensor; received {type(t).__name__}")
    threshold = check_positive_int("threshold", threshold)
    edgeitems = check_positive_int("edgeitems", edgeitems)
    data = np.asarray(t.data)
    rows = [("shape", str(tuple(data.shape))), ("dtype", str(data.dtype)),
            ("requires_grad", str(t.requires_grad))]
    if t.name:
        rows.insert(0, ("name", t.name))
    if t.creator is not None:
        rows.append(("grad_fn", t.creator.name))
    shown = "all" if data.size <= threshold else f"first and last {edgeitems} per axis"
    rows.append((f"values ({data.size} elements, {shown})",
                 _values(data, threshold, edgeitems)))
    grad = t.grad
    if grad is not None:
        g = np.asarray(grad.data if isinstance(grad, Tensor) else grad)
        rows.append(("grad", _values(g, threshold, edgeitems)))
    else:
        rows.append(("grad", "None"))
    body = "".join(f"<tr><th {_CELL}>{escape(k)}</th><td {_CELL}><pre style='margin: 0'>"
                   f"{escape(v)}</pre></td></tr>" for k, v in rows)
    caption = escape(type(t).__name__)  # Tensor, or Parameter for a model's weights
    return f"{_TABLE}<caption style='text-align: left'>{caption}</caption>{body}</table>"


def _module_rows(model) -> list[tuple[str, str, str, str, int]]:
    """(name, type, settings, parameter shapes, count) for every module that owns parameters
    or has no children (activations), in the order of ``named_modules``."""
    rows = []
    for name, m in model.named_modules():
        own = m._parameters
        if m._modules and not own:
            continue
        shapes = ", ".join(f"{k} {tuple(p.shape)}" for k, p in own.items() if p is not None)
        count = sum(int(p.data.size) for p in own.values() if p is not None)
        rows.append((name or "(model)", type(m).__name__, m.extra_repr(), shapes or "—", count))
    return rows


def module_html(model) -> str:
    """Return the HTML Jupyter shows for a :class:`~badak.nn.Module`: a table of its layers
    (name, type, settings, parameter shapes and counts) and the total number of parameters."""
    from badak.nn.module import Module

    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak nn.Module; received {type(model).__name__}")
    rows = _module_rows(model)
    params = list(model.parameters())
    total = sum(int(p.data.size) for p in params)
    trainable = sum(int(p.data.size) for p in params if p.requires_grad)
    table = _table(("layer", "type", "settings", "parameters", "count"),
                   [(n, t, s, p, f"{c:,}") for n, t, s, p, c in rows],
                   caption=f"{type(model).__name__} ({'training' if model.training else 'eval'}"
                           f" mode)")
    return (f"{table}<p style='font-family: monospace; font-size: 12px'>total parameters: "
            f"{total:,} (trainable: {trainable:,})</p>")


def _history_curves(history) -> dict[str, list[float]]:
    from badak.training.history import History

    if not isinstance(history, History):
        raise TypeError(f"history must be a badak History; received {type(history).__name__}")
    return history.history


def history_png(history) -> bytes | None:
    """Return the training curves of a History as PNG bytes, or None when matplotlib is not
    installed or no epoch has been recorded (Jupyter then shows the HTML table)."""
    curves = _history_curves(history)
    if not curves or not any(curves.values()):
        return None
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return None
    from badak.lecture.plots import plot_history

    fig = plot_history(history)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def history_html(history, max_rows: int = 10) -> str:
    """Return the HTML Jupyter shows for a History: its curves as an image (when matplotlib is
    installed) and a table of the epochs (the first and last ``max_rows // 2`` when there are
    more than ``max_rows``)."""
    curves = _history_curves(history)
    max_rows = check_positive_int("max_rows", max_rows)
    n = len(history)
    if n == 0:
        return "<p style='font-family: monospace'>History: no epoch recorded</p>"
    keys = list(curves)
    indices = list(range(n))
    if n > max_rows:
        half = max(1, max_rows // 2)
        indices = indices[:half] + [None] + indices[-half:]
    rows = []
    for i in indices:
        if i is None:
            rows.append(["..."] * (len(keys) + 1))
        else:
            rows.append([str(history.epoch[i])] +
                        [_fmt(curves[k][i]) if i < len(curves[k]) else "" for k in keys])
    parts = []
    png = history_png(history)
    if png is not None:
        parts.append(f'<img alt="training curves" '
                     f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"/>')
    parts.append(_table(["epoch"] + keys, rows, caption=f"History: {n} epochs"))
    return "".join(parts)


def _fmt(v: float) -> str:
    return "nan" if math.isnan(v) else f"{v:.6g}"


def trace_html(tr) -> str:
    """Return the HTML Jupyter shows for a :class:`~badak.lecture.explain.Trace`: the nodes in
    backward order (op, output, upstream gradient, each input with its local gradient and the
    gradient passed to it), then the gradients that reached the leaves."""
    from badak.lecture.explain import Trace

    if not isinstance(tr, Trace):
        raise TypeError(f"tr must be a badak.lecture.explain.Trace; received {type(tr).__name__}")
    out = tr.output
    nodes = _table(tr._HEADERS, tr._rows(),
                   caption=f"backward trace of {out.label} = {tr._fmt(out.value)}")
    leaves = _table(("leaf", "value", f"d{out.label}/dleaf"), tr._leaf_rows(),
                    caption="gradients at the leaves")
    return nodes + "<br/>" + leaves
