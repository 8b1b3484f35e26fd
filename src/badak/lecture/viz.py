"""Pictures of computational graphs: SVG drawn in pure Python, and Graphviz DOT text.

:func:`draw_graph` draws a graph the way the lecture draws the apple example: every op is a
box, every tensor an ellipse; each edge carries its forward value and, beneath it in red, the
gradient that flows back along it (the upstream gradient on an op's output edge, the gradient
passed to an input on an input edge). The DOT text is written here, without the ``graphviz``
Python package; :meth:`GraphDrawing.render` calls the Graphviz ``dot`` program when it is
installed. Without it (a fresh machine), SVG is drawn by badak's own layered layout
(:mod:`badak.lecture.graphsvg`) and PNG by matplotlib from the same layout, so a picture is always
made. Drawing reads the graph only: the gradients come from :func:`badak.lecture.explain.trace`,
which changes no ``.grad`` and keeps the graph.

Sources: S. Saito, *Deep Learning from Scratch* (2016), ch. 5 (figures 5-16 and 5-17); the
Graphviz DOT language reference (https://graphviz.org/doc/info/lang.html) and its HTML-like
labels (https://graphviz.org/doc/info/shapes.html#html).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from badak._validation import check_bool, check_choice, check_positive_int
from badak.engine.tensor import Tensor
from badak.i18n import N_
from badak.i18n.localized import Localized
from badak.lecture.explain import TensorRecord, Trace, format_value, trace

__all__ = ["GraphDrawing", "GraphvizNotFoundError", "draw_graph"]

_FORMATS = ("svg", "png", "pdf")


class GraphvizNotFoundError(Localized, RuntimeError):
    """The Graphviz ``dot`` program is not installed (the DOT text is still available).

    ``error.in_language('ko')`` says it in Korean (:mod:`badak.i18n.localized`).
    """

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


class _GraphvizFailed(Localized, RuntimeError):
    """Graphviz ``dot`` could not run or failed: a RuntimeError that can be said in Korean."""

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


def _graphviz_missing() -> GraphvizNotFoundError:
    return GraphvizNotFoundError(N_(
        "Rendering needs the Graphviz 'dot' program, which was not found on PATH. Install "
        "Graphviz (e.g. 'apt-get install graphviz', 'brew install graphviz' or 'conda install "
        "graphviz'); the DOT text is still available as GraphDrawing.dot (paste it into any "
        "Graphviz viewer)."))


@dataclass
class GraphDrawing:
    """A drawn graph: ``dot`` holds the DOT text; :meth:`render` turns it into a picture."""

    dot: str
    svg: str | None = None  # badak's own drawing (no Graphviz needed); None for DOT-only
    layout: object = None  # the badak.lecture.graphsvg.GraphLayout behind ``svg``

    def render(self, path, format: str | None = None,  # noqa: A002 - Graphviz's word
               engine: str = "auto") -> Path:
        """Write the picture to ``path``: with Graphviz's ``dot`` program when installed,
        else with badak's own layout (SVG as text, PNG and PDF through matplotlib).

        Parameters
        ----------
        path : str or os.PathLike
            The output file.
        format : {'svg', 'png', 'pdf'}, optional
            Taken from the suffix of ``path`` when omitted (SVG if the suffix is none of these).
        engine : {'auto', 'graphviz', 'badak'}, default='auto'
            'auto' uses Graphviz when ``dot`` is on PATH and badak's layout otherwise.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        GraphvizNotFoundError
            If ``engine='graphviz'`` and ``dot`` is not installed.
        ImportError
            For PNG or PDF without Graphviz when matplotlib is not installed either.
        RuntimeError
            If ``dot`` fails (its message is included).
        """
        path = Path(path)
        if format is None:
            suffix = path.suffix.lower().lstrip(".")
            format = suffix if suffix in _FORMATS else "svg"  # noqa: A001
        check_choice("format", format, _FORMATS)
        engine = check_choice("engine", engine, ("auto", "graphviz", "badak"))
        exe = shutil.which("dot") if engine != "badak" else None
        if exe is None and (engine == "graphviz" or self.svg is None):
            raise _graphviz_missing()
        if exe is not None:
            path.write_bytes(_run_dot(exe, format, self.dot))
        elif format == "svg":
            path.write_text(self.svg, encoding="utf-8")
        else:
            from badak.lecture.graphsvg import render_matplotlib

            render_matplotlib(self.layout, path, format)
        return path

    def _repr_svg_(self) -> str | None:
        """Inline SVG for Jupyter: Graphviz's when installed, else badak's own drawing."""
        exe = shutil.which("dot")
        if exe is not None:
            try:
                return _run_dot(exe, "svg", self.dot).decode("utf-8")
            except RuntimeError:
                pass
        return self.svg

    def __str__(self) -> str:
        return self.dot


def _run_dot(exe: str, format: str, dot: str) -> bytes:  # noqa: A002
    try:
        done = subprocess.run([exe, f"-T{format}"], input=dot.encode("utf-8"),
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise _GraphvizFailed(N_("Graphviz 'dot' could not run: {error}"), error=e) from e
    if done.returncode != 0:
        raise _GraphvizFailed(N_("Graphviz 'dot' failed (exit code {code}): {stderr}"),
                              code=done.returncode,
                              stderr=done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def _html(text: str) -> str:
    """Escape text for a Graphviz HTML-like label."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _edge_label(value, grad, values: bool, grads: bool, max_elements: int) -> str:
    parts = []
    if values:
        parts.append(_html(format_value(value, max_elements)))
    if grads and grad is not None:
        parts.append(f'<FONT COLOR="red">{_html(format_value(grad, max_elements))}</FONT>')
    return "<BR/>".join(parts)


def draw_graph(output: Tensor, values: bool = True, grads: bool = True, rankdir: str = "LR",
               gradient=None, max_elements: int = 6, names=None) -> GraphDrawing:
    """Draw the graph that computed ``output`` as Graphviz DOT text.

    Parameters
    ----------
    output : Tensor
        The end of the graph (a scalar unless ``gradient`` is given or ``grads=False``).
    values : bool, default=True
        Write forward values on the edges and in the tensor nodes.
    grads : bool, default=True
        Write each edge's backward gradient beneath its value, in red.
    rankdir : {'LR', 'TB', 'RL', 'BT'}, default='LR'
        Direction of the drawing (left to right like the book).
    gradient : array-like, optional
        The upstream gradient of ``output`` (1 for a scalar).
    max_elements : int, default=6
        Larger tensors are summarised as shape, mean and norm.
    names : Module or dict of str to Tensor, optional
        Labels of tensors, as in :func:`badak.lecture.explain.trace`: pass the model to see its
        parameters as W1, b1, W2, ...

    Returns
    -------
    GraphDrawing
        ``.dot`` is the DOT text, ``.svg`` badak's own SVG drawing; ``.render('graph.svg')``
        writes a picture (Graphviz when installed, else badak's drawing).

    Examples
    --------
    >>> import badak
    >>> price = badak.tensor(100.0, requires_grad=True)
    >>> 'Mul' in draw_graph(price * 2).dot
    True
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"output must be a badak Tensor; received {type(output).__name__}")
    values = check_bool("values", values)
    grads = check_bool("grads", grads)
    rankdir = check_choice("rankdir", rankdir, ("LR", "TB", "RL", "BT"))
    max_elements = check_positive_int("max_elements", max_elements, allow_zero=True)
    lines = ["digraph badak {", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=10];']

    root_label = output.name or "output"

    def tensor_node(rec: TensorRecord, node_id: str, grad=None, root: bool = False) -> None:
        label = f"<B>{_html(rec.label)}</B>"
        if values:
            label += f"<BR/>{_html(format_value(rec.value, max_elements))}"
        if grads and grad is not None:
            label += (f'<BR/><FONT COLOR="red">∂{_html(root_label)}/∂{_html(rec.label)} = '
                      f'{_html(format_value(grad, max_elements))}</FONT>')
        style = ', style="filled", fillcolor="lightyellow"' if root else ""
        if not rec.requires_grad:
            style = ', style="dashed"'
        lines.append(f"  {node_id} [shape=ellipse, label=<{label}>{style}];")

    if not output.requires_grad or output.creator is None:
        # No recorded graph: one value (and d output/d output = 1 for a leaf that needs grad).
        rec = TensorRecord(key=id(output), label=output.name or "t1", value=output.data,
                           is_leaf=True, requires_grad=output.requires_grad, name=output.name)
        g = np.ones_like(output.data) if output.requires_grad else None
        tensor_node(rec, "v0", g, root=True)
        lines.append("}")
        from badak.lecture.graphsvg import layout_trace

        tr0 = Trace(output=rec, steps=[], leaf_grads=[] if g is None else [(rec, g)])
        lay = layout_trace(tr0, values=values, grads=grads, max_elements=max_elements)
        return GraphDrawing("\n".join(lines) + "\n", lay.to_svg(), lay)

    if gradient is None and not grads and output.size != 1:
        gradient = np.ones_like(output.data)  # gradients are not shown: any upstream will do
    tr = trace(output, gradient=gradient, max_elements=max_elements, names=names)

    ids: dict[int, str] = {}

    def tid(rec: TensorRecord) -> str:
        if rec.key not in ids:
            ids[rec.key] = f"v{len(ids)}"  # DOT ids, apart from the labels t1, t2, ...
        return ids[rec.key]

    # The gradient of the output with respect to each tensor: what the op that made it received
    # from upstream, or what reached it if it is a leaf (None for constants).
    total = {step.output.key: step.upstream for step in tr.steps}
    total.update((rec.key, g) for rec, g in tr.leaf_grads)

    root_label = tr.output.label
    declared: set[int] = set()
    edges = []
    for k, step in enumerate(reversed(tr.steps), start=1):  # forward order reads best
        op_id = f"op{k}"
        for inp in step.inputs:
            rec = inp.tensor
            if rec.key not in declared:
                declared.add(rec.key)
                tensor_node(rec, tid(rec), total.get(rec.key))
            label = _edge_label(rec.value, inp.passed, values, grads, max_elements)
            edges.append(f"  {tid(rec)} -> {op_id}" + (f" [label=<{label}>];" if label else ";"))
        lines.append(f'  {op_id} [shape=box, style="rounded,filled", fillcolor="lightblue", '
                     f'label=<<B>{_html(step.symbol or step.op)}</B>>];')
        out = step.output
        if out.key not in declared:
            declared.add(out.key)
            tensor_node(out, tid(out), total.get(out.key), root=out.key == tr.output.key)
        label = _edge_label(out.value, step.upstream, values, grads, max_elements)
        edges.append(f"  {op_id} -> {tid(out)}" + (f" [label=<{label}>];" if label else ";"))
    lines += edges
    lines.append("}")
    from badak.lecture.graphsvg import layout_trace

    lay = layout_trace(tr, values=values, grads=grads, max_elements=max_elements)
    return GraphDrawing("\n".join(lines) + "\n", lay.to_svg(), lay)
