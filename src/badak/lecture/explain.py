"""Backpropagation, node by node: a printable trace of what every node passes backward.

The lecture's rule for one node z = f(x, y): the gradient passed back to an input is the
upstream ("global") gradient of the output times the node's local gradient::

    ∂L/∂x = ∂L/∂z · ∂z/∂x

:func:`trace` runs the backward pass of a graph with a hook on every node and records, in the
order backward visits them, the node's op, its forward inputs and output, the upstream gradient,
the local gradient of each input and the gradient passed to it; then the gradient that reached
every leaf. It only reads the graph: ``.grad`` of every tensor is left as it was, and the graph
is kept (``retain_graph``) so that ``backward()`` can still be called afterwards.

Local gradients are shown as numbers for elementwise ops (add, multiply, exp, sigmoid, ...):
there the local gradient is what the node passes back for an upstream gradient of 1, element by
element (for z = x·y it is y for x and x for y). For ops that mix elements (matrix product, sum,
reshape) it is a matrix, not an elementwise number; the trace names the rule instead and the
gradient passed shows the result.

Sources: S. Saito, *Deep Learning from Scratch* (2016), ch. 5 (the apple example, §5.4);
A. Karpathy, CS231n notes "Backpropagation, intuitions" (local and upstream gradients).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from badak._validation import check_positive_int
from badak.engine.autograd import _initial_gradient, _sum_to, graph_nodes, run_backward
from badak.engine.functional.activations import ELU, LeakyReLU, ReLU, Sigmoid, Step, Tanh
from badak.engine.ops.arithmetic import Add, Div, Mul, Neg, Pow, PowScalar, Sub
from badak.engine.ops.elementwise import Abs, Clip, Exp, Log, Sqrt, Where
from badak.engine.ops.shape import AsType
from badak.engine.tensor import Tensor
from badak.i18n import N_, translator

__all__ = ["InputRecord", "TensorRecord", "Trace", "TraceStep", "format_value", "op_symbol",
           "parameter_names", "trace"]

# Ops whose output element i depends only on element i of each input: their local gradient is a
# number per element (what backward returns for an upstream gradient of ones).
_ELEMENTWISE = (Add, Sub, Mul, Div, Neg, PowScalar, Pow, Exp, Log, Sqrt, Abs, Clip, Where, Step,
                Sigmoid, Tanh, ReLU, LeakyReLU, ELU, AsType)

# For ops that mix elements, the rule that turns the upstream gradient gy into each input's.
# (English, marked for the catalog: Trace.to_text(lang='ko') prints them in Korean.)
_RULES = {
    "MatMul": ("gy @ Bᵀ", "Aᵀ @ gy"),
    "Linear": ("gy @ Wᵀ", "xᵀ @ gy", N_("gy summed over rows")),
    "Sum": (N_("gy copied to every summed element"),),
    "Max": (N_("gy to the maximum, 0 elsewhere"),),
    "Min": (N_("gy to the minimum, 0 elsewhere"),),
    "Reshape": (N_("gy reshaped back"),),
    "Transpose": (N_("gy transposed back"),),
    "BroadcastTo": (N_("gy summed over the copies"),),
    "SumTo": (N_("gy copied back"),),
    "GetItem": (N_("gy to the selected elements, 0 elsewhere"),),
}
_NOT_ELEMENTWISE = N_("not elementwise: see gradient passed")

# Ops as the lecture writes them in its graphs (a multiplication node is "×", an addition "+").
_SYMBOLS = {"Add": "+", "Sub": "−", "Mul": "×", "Div": "÷", "Neg": "−x", "Pow": "xʸ",
            "Exp": "exp", "Log": "log", "Sqrt": "√x", "Abs": "|x|", "MatMul": "dot",
            "Sum": "Σ", "Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "ReLU", "Step": "step",
            "LeakyReLU": "leaky ReLU", "ELU": "ELU", "BroadcastTo": "repeat",
            "SumTo": "Σ (back to shape)"}
_SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def op_symbol(fn) -> str:
    """Return how the lecture writes the op of node ``fn``: ``×``, ``+``, ``x²``, ``exp``, ...

    Ops without a symbol keep their class name (``Linear``, ``Linear+ReLU+Linear``).
    """
    name = fn.name
    if name == "PowScalar":
        c = float(fn.c)
        text = str(int(c)) if c.is_integer() else f"{c:g}"
        return "√x" if c == 0.5 else "x" + text.translate(_SUPERSCRIPTS)
    return _SYMBOLS.get(name, name)


def parameter_names(model) -> dict[int, str]:
    """Name the parameters of ``model`` as the lecture does: W1, b1, W2, b2, ...

    The k-th layer with a weight matrix (:class:`~badak.nn.Linear` or
    :class:`~badak.nn.Maxout`) has its ``weight`` and ``bias`` named ``Wk`` and ``bk``;
    any other parameter keeps its dotted name from ``model.named_parameters()`` (e.g.
    ``1.alpha`` of a PReLU). Returns ``{id(parameter): name}``; the model is not changed.
    """
    from badak.nn.module import Module

    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    names: dict[int, str] = {}
    k = 0
    for _, m in model.named_modules():
        if type(m).__name__ in ("Linear", "Maxout"):
            k += 1
            for attr, letter in (("weight", "W"), ("bias", "b")):
                p = m._parameters.get(attr)
                if p is not None and id(p) not in names:
                    names[id(p)] = f"{letter}{k}"
    for dotted, p in model.named_parameters():
        names.setdefault(id(p), dotted)
    return names


_ACTIVATION_NODES = (Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Step)


def _layer_names(order, given: dict[int, str]) -> dict[int, str]:
    """Add the lecture's names of layer outputs to parameter names: a node fed by ``Wk`` makes
    ``ak`` (a = xW + b), and the activation applied to ``ak`` makes ``zk`` (z = h(a))."""
    out = dict(given)
    for fn in order:  # forward order: a layer's inputs are named before its output
        key = _output_key(fn)
        if key in out:
            continue
        labels = [out.get(id(x), "") for x in fn.inputs]
        weight = next((lab for lab in labels if lab[:1] == "W" and lab[1:].isdigit()), None)
        if weight is not None:
            out[key] = "a" + weight[1:]
        elif labels and labels[0][:1] == "a" and labels[0][1:].isdigit() and \
                (isinstance(fn, _ACTIVATION_NODES) or fn.name == "PReLU"):
            out[key] = "z" + labels[0][1:]
    return out


def _check_names(names) -> dict[int, str]:
    """``names`` of :func:`trace`: None, a Module, or a mapping from label to Tensor."""
    if names is None:
        return {}
    from badak.nn.module import Module

    if isinstance(names, Module):
        return parameter_names(names)
    if isinstance(names, dict):
        out: dict[int, str] = {}
        for label, t in names.items():
            if not isinstance(label, str) or not isinstance(t, Tensor):
                raise TypeError(f"names must map labels (str) to badak Tensors; received "
                                f"{label!r}: {type(t).__name__}")
            out[id(t)] = label
        return out
    raise TypeError(f"names must be a badak.nn.Module or a dict of label -> Tensor; received "
                    f"{type(names).__name__}")


def format_value(value, max_elements: int = 6) -> str:
    """Return a short text for an array: all values if small, else shape, mean and norm.

    Numbers are written with 6 significant digits (float32 2.2000000477 prints as 2.2).
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.dtype == np.bool_:
        a = a.astype(np.int64)
    if a.size <= max_elements:
        return _nested(a.tolist()) if a.ndim else _num(a.item())
    with np.errstate(all="ignore"):
        a64 = a.astype(np.float64)
        return (f"shape {a.shape}, mean {_num(a64.mean())}, "
                f"norm {_num(np.sqrt((a64 * a64).sum()))}")


def _num(v) -> str:
    return f"{float(v) + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0


def _nested(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_nested(e) for e in v) + "]"
    return _num(v)


@dataclass
class TensorRecord:
    """A tensor of the graph: its label (its ``.name``, or t1, t2, ... / c1, c2, ... for
    unnamed values and constants, numbered in forward order) and its forward value."""

    key: int
    label: str
    value: np.ndarray
    is_leaf: bool
    requires_grad: bool
    name: str | None = None


@dataclass
class InputRecord:
    """One input of a node: the tensor, its local gradient and the gradient passed to it.

    ``local`` is an array (elementwise ops), a string naming the rule (other ops), or None when
    the input needs no gradient (a constant). ``passed`` is None in that case too.
    """

    tensor: TensorRecord
    local: np.ndarray | str | None
    passed: np.ndarray | None


@dataclass
class TraceStep:
    """One node as backward visits it: ∂L/∂input = upstream × local, for each input."""

    index: int
    op: str
    output: TensorRecord
    upstream: np.ndarray
    inputs: list[InputRecord]
    symbol: str = ""  # the op as the lecture writes it: ×, +, x², ... (see op_symbol)


@dataclass
class Trace:
    """The record made by :func:`trace`; print it, or read ``steps`` and ``leaf_grads``."""

    output: TensorRecord
    steps: list[TraceStep]
    leaf_grads: list[tuple[TensorRecord, np.ndarray]] = field(default_factory=list)
    max_elements: int = 6

    def grad(self, label: str) -> np.ndarray:
        """Return the gradient that reached the leaf called ``label``."""
        for rec, g in self.leaf_grads:
            if rec.label == label:
                return g
        known = ", ".join(r.label for r, _ in self.leaf_grads)
        raise KeyError(f"no leaf labelled {label!r} in this trace; leaves: {known}")

    def _rows(self, _=str) -> list[tuple[str, ...]]:
        f = self._fmt
        rows = []
        for s in self.steps:
            for j, inp in enumerate(s.inputs):
                head = (str(s.index), s.op, f"{s.output.label} = {f(s.output.value)}",
                        f(s.upstream)) if j == 0 else ("", "", "", "")
                local = _("(constant)") if inp.local is None else \
                    _(inp.local) if isinstance(inp.local, str) else f(inp.local)
                rows.append(head + (f"{inp.tensor.label} = {f(inp.tensor.value)}", local,
                                    f(inp.passed)))
        return rows

    _HEADERS = ("#", N_("op"), N_("output"), N_("upstream grad"), N_("input"), N_("local grad"),
                N_("grad passed = upstream × local"))

    def _fmt(self, v) -> str:
        return format_value(v, self.max_elements)

    def _leaf_rows(self) -> list[tuple[str, str, str]]:
        return [(r.label, self._fmt(r.value), self._fmt(g)) for r, g in self.leaf_grads]

    def to_text(self, lang: str = "en") -> str:
        """Return the trace as an aligned text table, then the leaf gradients, with the
        headings in ``lang`` ('en' or 'ko'; Hangul counts as two columns)."""
        _ = translator(lang)
        rows = [tuple(_(h) for h in self._HEADERS)] + self._rows(_)
        widths = [max(_width(r[i]) for r in rows) for i in range(len(self._HEADERS))]
        lines = [_("backward trace of {label} = {value}").format(
            label=self.output.label, value=self._fmt(self.output.value))]
        for k, r in enumerate(rows):
            lines.append("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        leaves = [(_("leaf"), _("value"), f"d{self.output.label}/dleaf")] + self._leaf_rows()
        lw = [max(_width(r[i]) for r in leaves) for i in range(3)]
        lines.append("")
        lines.append(_("gradients at the leaves:"))
        for r in leaves:
            lines.append("  " + "  ".join(_pad(c, w) for c, w in zip(r, lw)).rstrip())
        return "\n".join(lines)

    def to_markdown(self, lang: str = "en") -> str:
        """Return the trace as Markdown tables (the nodes, then the leaf gradients), with the
        headings in ``lang`` ('en' or 'ko')."""
        _ = translator(lang)

        def row(cells):
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        out = [_("Backward trace of `{label}` = {value}").format(
                   label=self.output.label, value=self._fmt(self.output.value)), "",
               row([_(h) for h in self._HEADERS]), row(["---"] * len(self._HEADERS))]
        out += [row(r) for r in self._rows(_)]
        out += ["", row((_("leaf"), _("value"), f"d{self.output.label}/dleaf")),
                row(["---"] * 3)]
        out += [row(r) for r in self._leaf_rows()]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """Jupyter's view: the trace as HTML tables."""
        from badak.interfaces.display import trace_html

        return trace_html(self)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide characters (Hangul), else one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _label_tensors(order, given: dict[int, str] | None = None) -> dict[int, TensorRecord]:
    """Give every tensor of the graph a unique label, in forward order: ``given[id(t)]``
    (parameter names such as W1), else its ``.name``, else t1, t2, ... (c1, ... constants)."""
    given = given or {}
    records: dict[int, TensorRecord] = {}
    used: set[str] = set()
    counters = {"t": 0, "c": 0}

    def add(t: Tensor | None, key: int, value) -> None:
        if key in records:
            return
        base = given.get(key) or (t.name if t is not None else None)
        if base:
            label = base
            k = 2
            while label in used:
                label = f"{base}#{k}"
                k += 1
        else:
            prefix = "c" if (t is not None and t.creator is None and not t.requires_grad) else "t"
            while True:
                counters[prefix] += 1
                label = f"{prefix}{counters[prefix]}"
                if label not in used:
                    break
        used.add(label)
        is_leaf = t is None or t.creator is None
        records[key] = TensorRecord(key=key, label=label, value=np.asarray(value),
                                    is_leaf=t is not None and is_leaf,
                                    requires_grad=t is None or t.requires_grad,
                                    name=base or None)

    for fn in order:
        for x in fn.inputs:
            add(x, id(x), x.data)
        out = fn._out()
        add(out, _output_key(fn), fn.y)
    return records


def _output_key(fn) -> int:
    out = fn._out()
    return id(out) if out is not None else id(fn)


def _local_gradient(fn, gy, i: int):
    """The local gradient ∂output/∂input_i of node ``fn`` (see the module docstring)."""
    if not fn.needs_input_grad[i]:
        return None
    if isinstance(fn, _ELEMENTWISE):
        ones = np.ones_like(np.asarray(gy))
        gxs = fn.backward(ones)
        gxs = gxs if isinstance(gxs, tuple) else (gxs,)
        return None if gxs[i] is None else np.asarray(gxs[i])
    rules = _RULES.get(fn.name)
    if rules is not None and i < len(rules):
        return rules[i]
    return _NOT_ELEMENTWISE


def trace(output: Tensor, gradient=None, max_elements: int = 6, names=None) -> Trace:
    """Run backward from ``output`` and record what every node receives and passes on.

    Parameters
    ----------
    output : Tensor
        The value to differentiate (a scalar, unless ``gradient`` is given), computed from
        tensors with ``requires_grad=True``.
    gradient : array-like, optional
        The upstream gradient of ``output`` (1 for a scalar by default).
    max_elements : int, default=6
        Tensors with more elements are summarised (shape, mean, norm) when printed.
    names : Module or dict of str to Tensor, optional
        Labels for tensors: a model names its parameters W1, b1, W2, ... (see
        :func:`parameter_names`) and its layers' outputs as the lecture does, ``ak = z(k-1)·Wk
        + bk`` and ``zk = h(ak)``; a dict maps a label to a tensor. Other tensors are labelled
        by their ``.name``, else t1, t2, ...

    Returns
    -------
    Trace
        ``print(trace(y))`` shows the table; ``to_markdown()`` gives Markdown.

    Notes
    -----
    No ``.grad`` is changed and the graph is kept, so ``output.backward()`` still works after.
    A :class:`~badak.nn.Sequential` model (an MLP) runs each Linear layer and activation as its
    own node, so the trace shows it layer by layer (pass ``names=model`` to see ``a1 = x·W1 +
    b1``, ``z1 = h(a1)``, ... instead of t1, t2).

    Examples
    --------
    >>> import badak
    >>> price = badak.tensor(100.0, requires_grad=True); price.name = "price"
    >>> total = price * 2
    >>> trace(total).grad("price").item()
    2.0
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"output must be a badak Tensor; received {type(output).__name__}")
    max_elements = check_positive_int("max_elements", max_elements, allow_zero=True)
    given = _check_names(names)
    if not output.requires_grad:
        raise ValueError("trace needs an output computed from tensors with requires_grad=True; "
                         "this one has no graph (create the inputs with requires_grad=True)")
    upstream0 = _initial_gradient(output, gradient)
    if output.creator is None:  # a leaf: nothing to trace
        label = given.get(id(output)) or output.name or "t1"
        rec = TensorRecord(key=id(output), label=label, value=output.data,
                           is_leaf=True, requires_grad=True, name=output.name)
        return Trace(output=rec, steps=[], leaf_grads=[(rec, np.asarray(upstream0))],
                     max_elements=max_elements)

    order = graph_nodes(output.creator)[::-1]  # the engine's order, reversed: forward order
    if names is not None and not isinstance(names, dict):  # a model: name its layers too
        given = _layer_names(order, given)
    records = _label_tensors(order, given)
    leaves: list[Tensor] = []
    seen: set[int] = set()
    for fn in order:
        for x in fn.inputs:
            if x.creator is None and x.requires_grad and id(x) not in seen:
                seen.add(id(x))
                leaves.append(x)

    steps: list[TraceStep] = []

    def hook(fn, gy, gxs) -> None:
        inputs = []
        for i, (x, gx) in enumerate(zip(fn.inputs, gxs)):
            passed = None
            if fn.needs_input_grad[i] and gx is not None:
                passed = np.asarray(_sum_to(gx, x.shape)).astype(x.dtype, copy=False)
            inputs.append(InputRecord(tensor=records[id(x)], local=_local_gradient(fn, gy, i),
                                      passed=passed))
        steps.append(TraceStep(index=len(steps) + 1, op=fn.name,
                               output=records[_output_key(fn)], upstream=np.asarray(gy),
                               inputs=inputs, symbol=op_symbol(fn)))

    # inputs= mode: the leaves' gradients are returned, and no .grad is touched.
    results = run_backward(output, upstream0, retain_graph=True, create_graph=False,
                           inputs=leaves, hook=hook)
    leaf_grads = [(records[id(x)], np.asarray(g)) for x, g in zip(leaves, results)
                  if g is not None]
    return Trace(output=records[_output_key(output.creator)], steps=steps,
                 leaf_grads=leaf_grads, max_elements=max_elements)
