"""The computational graph: function nodes, grad mode and the backward pass.

A :class:`Function` is one node of the graph. Its ``forward`` does the local computation on arrays;
its ``backward`` receives the upstream ("global") gradient of the node's output and returns, for
each input, the upstream gradient times the node's local gradient (the chain rule). Calling a
Function on Tensors records the node (define-by-run) when any input requires a gradient.

:func:`run_backward` is one loop over the nodes in :class:`BackwardOrder` (decreasing
generation: a reverse topological order), so that a node's gradient is complete (all branches
summed, as at the add node) before it is passed on; it is iterative, so chains of any length work.
Every other concern is a small named helper: :class:`_Sink` (``.grad``, ``inputs=``, leaf hooks),
:func:`_upstream` (hooks, ``retain_grad``), :func:`_set_mode` (``create_graph``), :func:`_like`
(shapes and dtypes), :func:`_check_version` (in-place changes), :func:`release_all` (freeing).
:func:`graph_nodes` walks the same order for :mod:`badak.explain`. Like DeZero's
``create_graph`` and PyTorch's autograd, the backward pass can itself be recorded, giving second
and higher derivatives: each ``backward`` is written once, on arrays or on Tensors
(:mod:`badak.engine.ops.prims`).

As in PyTorch, a tensor changed in place (``t += x``; see :mod:`badak.engine.ops.inplace`) has its
version bumped. A node keeps its inputs' versions when one of them was ever changed (otherwise
they are all 0, and nothing is stored), and backward raises when an input's version moved since:
the node would otherwise compute its gradient from the new values. Tensor hooks
(:meth:`badak.Tensor.register_hook`) see, and may replace, a tensor's gradient as it passes.

Sources: Saito, *Deep Learning from Scratch* (ch. 5) and *DeZero* (``dezero/core.py``);
Karpathy, *micrograd* (``engine.py``); PyTorch's autograd semantics (``retain_graph``,
``create_graph``, ``no_grad``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from weakref import ref as _weakref

from badak.engine.backend import xp


class _GradMode(threading.local):
    def __init__(self) -> None:
        self.enabled = True


_grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Return True when new operations are being recorded for backward."""
    return _grad_mode.enabled


class _SetGradMode:
    _enabled: bool

    def __enter__(self):
        self._prev = _grad_mode.enabled
        _grad_mode.enabled = self._enabled
        return self

    def __exit__(self, *exc) -> None:
        _grad_mode.enabled = self._prev

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper


class no_grad(_SetGradMode):  # noqa: N801 - a context manager named like PyTorch's
    """Context manager (and decorator) that stops recording the graph.

    Use it for inference and for parameter updates::

        with badak.no_grad():
            w -= lr * w.grad
    """

    _enabled = False


class enable_grad(_SetGradMode):  # noqa: N801
    """Context manager (and decorator) that turns recording back on inside :class:`no_grad`."""

    _enabled = True


class Function:
    """One node of the computational graph.

    Subclasses implement ``forward(*arrays) -> array`` (shapes in comments) and
    ``backward(gy) -> gradient or tuple of gradients`` (one per input, ``None`` where
    ``self.needs_input_grad[i]`` is False). Inside ``backward`` read the forward values with
    :meth:`saved_inputs`, :meth:`input`, :meth:`output` and :meth:`saved`, and call functions
    through :attr:`prims`: they are arrays and NumPy normally, Tensors and badak's ops when the
    backward pass is being recorded (``create_graph=True``), so one ``backward`` serves both
    (:mod:`badak.engine.ops.prims`). Gradients may have the broadcast shape; the engine sums them
    back to each input's shape.
    """

    __slots__ = ("inputs", "needs_input_grad", "y", "generation", "_out", "__dict__",
                 "__weakref__")
    # Rarely changed flags live on the class; a node only gets its own value when one is set
    # (by a recorded backward, retain_grad or freeing), which keeps building a node cheap.
    create_graph = False
    _freed = False
    _retains = False
    _versions = None  # the inputs' versions when recorded, kept only if one was ever changed
    _hooks = None  # gradient hooks of the output tensor (Tensor.register_hook)
    # What a node whose backward works on arrays only is called in the error that
    # backward(create_graph=True) through it raises (None: its backward works on Tensors too).
    first_order_only: str | None = None

    def __call__(self, *inputs):
        # This is the hot path of every op: no comprehensions or helper calls for the common
        # one- to three-input nodes (see BENCHMARKS.md, "graph bookkeeping").
        try:
            if len(inputs) == 1:
                y = self.forward(inputs[0].data)
            else:
                y = self.forward(*[x.data for x in inputs])
        except ValueError as e:
            if "broadcast" not in str(e):
                raise
            shapes = " and ".join(str(x.shape) for x in inputs)
            raise ValueError(f"{self.name.lower()}: shapes {shapes} cannot be broadcast "
                             f"together: aligned from the last axis, each pair of sizes must be "
                             f"equal or 1") from None
        out = Tensor._make(y, False)
        if _grad_mode.enabled:
            # The generation is one more than the latest input's: every node comes after the
            # nodes it depends on, so backward can visit nodes in decreasing generation.
            gen = -1
            changed = False
            for x in inputs:
                if x._vc is not None:  # changed in place (or a view) at some time
                    changed = True
                if x.requires_grad:
                    c = x.creator
                    if c is None:
                        if gen < 0:
                            gen = 0
                    elif c.generation >= gen:
                        gen = c.generation + 1
            if gen >= 0:
                out.requires_grad = True
                self.generation = gen
                self.inputs = inputs
                self.needs_input_grad = tuple([x.requires_grad for x in inputs])
                self.y = y
                self._out = _weakref(out)
                out.creator = self
                if changed:  # else every input is at version 0, which backward assumes
                    self._versions = tuple([x._version for x in inputs])
        return out

    def forward(self, *xs):
        raise NotImplementedError

    def backward(self, gy):
        raise NotImplementedError

    # What backward sees: arrays, or Tensors when the backward pass is recorded, so that one
    # backward serves both (see badak.engine.ops.prims).
    @property
    def prims(self):
        """The primitives for backward (:mod:`badak.engine.ops.prims`): NumPy's functions on arrays,
        badak's recorded ops on Tensors under ``create_graph``, with the same names."""
        return _prims.TENSORS if self.create_graph else _prims.ARRAYS

    def saved_inputs(self) -> Sequence:
        """Return the forward inputs: arrays, or the Tensors themselves under ``create_graph``."""
        if self.create_graph:
            return self.inputs
        return [x.data for x in self.inputs]

    def saved(self, value, recompute: Callable):
        """Return ``value``, an array forward saved (a mask, a softmax), or under
        ``create_graph`` ``recompute(*input_tensors)``, the same expression built from the
        inputs, so that the recorded backward differentiates through it too."""
        return recompute(*self.inputs) if self.create_graph else value

    def input(self, i: int):
        """Return forward input ``i``: an array, or the Tensor itself under ``create_graph``."""
        x = self.inputs[i]
        return x if self.create_graph else x.data

    def output(self):
        """Return the forward output: an array, or the output Tensor under ``create_graph``."""
        if self.create_graph:
            out = self._out()
            return out if out is not None else Tensor._make(self.y, False)
        return self.y

    @property
    def name(self) -> str:
        """The op's name as shown in traces and graph pictures (the class name)."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name}>"


class GraphFreedError(RuntimeError):
    """Raised on a second backward through a graph whose saved values were freed."""


def _sum_to(g, shape):
    """Sum ``g`` (array or Tensor) down to ``shape``, undoing NumPy broadcasting."""
    if g.shape == shape:
        return g
    if isinstance(g, Tensor):
        from badak.engine.ops.shape import sum_to

        return sum_to(g, shape)
    ndim = len(shape)
    lead = g.ndim - ndim
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead:
        g = g.reshape(g.shape[lead:])
    if g.shape != shape:  # a gradient smaller than its input (e.g. a scalar): spread it out
        g = xp.broadcast_to(g, shape)
    return g


BackwardHook = Callable[[Function, object, tuple], None]


def _check_version(fn: Function, x) -> None:
    """Raise if input ``x`` of ``fn`` was changed in place after ``fn`` recorded it."""
    saved = fn._versions
    i = next(i for i, t in enumerate(fn.inputs) if t is x)
    expected = 0 if saved is None else saved[i]
    if x._version != expected:
        raise RuntimeError(
            f"one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: input {i} of <{fn.name}> (a tensor of shape {x.shape}, dtype "
            f"{x.dtype}) is at version {x._version}; expected version {expected} instead. "
            f"Change it after backward(), or use the out-of-place form (x = x + y) or clone()")


def _run_hooks(hooks: dict, g):
    """Pass gradient ``g`` through each hook in turn; a hook returning None keeps it."""
    for hook in list(hooks.values()):
        new = hook(g if type(g) is Tensor else Tensor._make(g, False))
        if new is not None:
            new_data = new.data if isinstance(new, Tensor) else xp.asarray(new)
            if new_data.shape != g.shape:
                raise RuntimeError(f"hook {hook!r} returned a gradient of shape "
                                   f"{new_data.shape}; expected shape {g.shape}")
            g = new if type(g) is Tensor else new_data
    return g


def _freed_error() -> GraphFreedError:
    return GraphFreedError(
        "Trying to backward through the graph a second time (or to use values of a graph that "
        "was already freed by backward). Pass retain_graph=True to the first backward() call if "
        "you need to backward through it again.")


class BackwardOrder:
    """The order in which backward visits the nodes: decreasing generation, from a heap.

    A node is added when it is first reached; iterating pops the node of highest generation, so
    that every node using a node's output runs before it and its gradient is complete (all
    branches summed). Nodes of the same generation run in the order they were reached, so the
    order (and explain's numbering of tensors) is the same at every run. The visited nodes are
    remembered, for :meth:`release`.
    """

    __slots__ = ("heap", "visited", "reached")

    def __init__(self, root_fn: Function) -> None:
        self.heap: list = []
        self.visited: list[Function] = []
        self.reached = 0
        self.add(root_fn)

    def add(self, fn: Function) -> None:
        if fn._freed:
            raise _freed_error()
        self.reached += 1
        heappush(self.heap, (-fn.generation, self.reached, fn))

    def __iter__(self):
        heap, visited = self.heap, self.visited
        while heap:
            fn = heappop(heap)[2]
            visited.append(fn)
            yield fn

    def release(self) -> None:
        """Free what every visited node saved for backward."""
        release_all(self.visited)


def release_all(nodes) -> None:
    """Free what each node saved for backward: its inputs, output and what forward kept (masks,
    probabilities, ...); a later backward through it raises :class:`GraphFreedError`."""
    for fn in nodes:
        d = fn.__dict__
        d.clear()
        d["_freed"] = True
        fn.inputs = ()
        fn.y = None


def graph_nodes(root_fn: Function) -> list[Function]:
    """Every node ``root_fn`` depends on, in the order backward visits them (used by
    :mod:`badak.explain` and the graph pictures; reverse it for a forward order)."""
    order = BackwardOrder(root_fn)
    seen = {root_fn}
    for fn in order:
        for x in fn.inputs:
            c = x.creator
            if c is not None and c not in seen:
                seen.add(c)
                order.add(c)
    return order.visited


class _Sink:
    """Where finished gradients go: each leaf's ``.grad`` (accumulated), or, with ``inputs=``
    (:func:`grad`), a list of results, leaving ``.grad`` untouched. Also keeps the gradient of
    each leaf with hooks until the end, so that its hooks see the leaf's total gradient."""

    __slots__ = ("targets", "results", "fast", "hooked")

    def __init__(self, inputs: Sequence | None, create_graph: bool) -> None:
        self.targets = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
        self.results = None if inputs is None else [None] * len(inputs)
        self.fast = inputs is None and not create_graph  # arrays straight into .grad
        self.hooked: dict = {}

    def deliver(self, x, g) -> None:
        """Add the finished gradient ``g`` of ``x`` (a leaf, a retained tensor or a target)."""
        if self.targets is not None:
            i = self.targets.get(id(x))
            if i is not None:
                r = self.results[i]
                self.results[i] = g if r is None else r + g
            return
        if type(g) is not Tensor:
            g = Tensor._make(g, False)
        x.grad = g if x.grad is None else x.grad + g

    def leaf(self, x, g) -> None:
        """Take gradient ``g`` (array or Tensor) for leaf ``x``."""
        if x._hooks is not None:
            h = self.hooked
            h[x] = g if x not in h else h[x] + g
        elif self.fast:  # the common case: no hooks, targets or recording
            old = x.grad
            x.grad = Tensor._make(g if old is None else old.data + g, False)
        else:
            self.deliver(x, g)

    def node_output(self, fn: Function, gy) -> None:
        """Deliver ``gy`` to the output tensor of ``fn`` if it retains its grad or is a target."""
        out = fn._out()
        if out is not None and (out._retain_grad if self.targets is None
                                else id(out) in self.targets):
            self.deliver(out, gy)

    def finish(self) -> None:
        """Run each hooked leaf's hooks on its total gradient (as PyTorch does), then keep it."""
        for x, g in self.hooked.items():
            self.deliver(x, _run_hooks(x._hooks, g))


def _upstream(fn: Function, gy, sink: _Sink):
    """The gradient of ``fn``'s output, complete: passed through its hooks, and handed to the
    output tensor when it retains its grad (or is a target of :func:`grad`)."""
    if fn._hooks is not None:
        gy = _run_hooks(fn._hooks, gy)
    if sink.targets is not None or fn._retains:
        sink.node_output(fn, gy)
    return gy


def _set_mode(fn: Function, create_graph: bool) -> None:
    """Make ``fn.backward`` work on arrays, or on Tensors (recorded) under ``create_graph``."""
    if create_graph and fn.first_order_only:
        raise NotImplementedError(f"{fn.first_order_only} has no second derivative in badak: it "
                                  f"cannot be used with backward(create_graph=True)")
    fn.create_graph = create_graph


def _set_grad_enabled(enabled: bool) -> bool:
    """Switch recording on or off; return the previous setting."""
    prev = _grad_mode.enabled
    _grad_mode.enabled = enabled
    return prev


def _like(gx, xd):
    """Gradient ``gx`` with the shape and dtype of its input's array ``xd`` (sum over the axes
    broadcasting added; the dtype of the input)."""
    if gx.shape != xd.shape:
        gx = _sum_to(gx, xd.shape)
    if gx.dtype is not xd.dtype and gx.dtype != xd.dtype:
        gx = gx.astype(xd.dtype)
    return gx


def run_backward(root, gradient, *, retain_graph: bool, create_graph: bool,
                 inputs: Sequence | None = None, hook: BackwardHook | None = None):
    """Backpropagate from ``root`` with upstream gradient ``gradient`` (an array).

    Nodes are visited in :class:`BackwardOrder`: a node runs only when every node that used its
    output has passed its gradient back. Each input's gradient is added to its creator's (a
    branch point sums, like the add node), or, for a leaf, handed to the :class:`_Sink`. With
    ``inputs`` given, return their gradients (a list, None where unreachable) and leave
    ``.grad`` untouched. ``hook(fn, gy, gxs)`` is called after each node's backward (used by
    :mod:`badak.explain`). The graph is freed unless ``retain_graph``.
    """
    sink = _Sink(inputs, create_graph)
    if root.creator is None:
        sink.deliver(root, gradient)
        return sink.results
    order = BackwardOrder(root.creator)
    # each reached node's upstream gradient, summed so far (Tensors when recording)
    grads = {root.creator: Tensor._make(gradient, False) if create_graph else gradient}
    prev_mode = _set_grad_enabled(create_graph)
    try:
        for fn in order:
            gy = grads.pop(fn)
            if fn._hooks is not None or sink.targets is not None or fn._retains:
                gy = _upstream(fn, gy, sink)
            if fn.create_graph is not create_graph:
                _set_mode(fn, create_graph)
            gxs = fn.backward(gy)
            if type(gxs) is not tuple:
                gxs = (gxs,)
            if hook is not None:
                hook(fn, gy, gxs)
            for x, gx, need in zip(fn.inputs, gxs, fn.needs_input_grad):
                if x._vc is not None:  # changed in place at some time
                    _check_version(fn, x)
                if not need or gx is None:
                    continue
                if gx.shape != x.data.shape or gx.dtype is not x.data.dtype:
                    gx = _like(gx, x.data)  # summed to x's shape, in x's dtype
                c = x.creator
                if c is None:
                    sink.leaf(x, gx)
                elif c in grads:
                    grads[c] = grads[c] + gx
                else:
                    grads[c] = gx
                    order.add(c)
        sink.finish()
    finally:
        _grad_mode.enabled = prev_mode
        if not retain_graph:
            order.release()
    return sink.results


def backward(tensor, gradient=None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """Compute the gradient of ``tensor`` with respect to every leaf that requires one.

    See :meth:`badak.Tensor.backward`.
    """
    if not tensor.requires_grad:
        raise RuntimeError("backward() needs a tensor that requires grad: this tensor was not "
                           "computed from any tensor with requires_grad=True")
    gradient = _initial_gradient(tensor, gradient)
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(tensor, gradient, retain_graph=retain_graph, create_graph=create_graph)


def grad(output, inputs, grad_output=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """Return the gradients of ``output`` with respect to ``inputs``, without touching ``.grad``.

    Parameters
    ----------
    output : Tensor
        A scalar, or any tensor when ``grad_output`` is given.
    inputs : Tensor or sequence of Tensor
        The tensors to differentiate with respect to (leaves or intermediate values).
    grad_output : array-like, optional
        The upstream gradient, of ``output``'s shape (defaults to 1 for a scalar).
    retain_graph : bool, optional
        Keep the graph for another backward; defaults to ``create_graph``.
    create_graph : bool, default=False
        Record the backward pass, so that the result can be differentiated again.
    allow_unused : bool, default=False
        Return None for an input that ``output`` does not depend on instead of raising.

    Returns
    -------
    tuple of Tensor
    """
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"inputs[{i}] must be a Tensor; received {type(x).__name__}")
    if not output.requires_grad:
        raise RuntimeError("grad() needs an output that requires grad: it was not computed "
                           "from any tensor with requires_grad=True")
    gradient = _initial_gradient(output, grad_output)
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(output, gradient, retain_graph=retain_graph,
                           create_graph=create_graph, inputs=inputs)
    out = []
    for i, (x, g) in enumerate(zip(inputs, results)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"inputs[{i}] (shape {x.shape}) was not used to compute the "
                                   "output; pass allow_unused=True to get None for it")
        elif not isinstance(g, Tensor):
            g = Tensor._make(g, False)
        out.append(g)
    return tuple(out)


def _initial_gradient(tensor, gradient):
    if gradient is None:
        if tensor.data.size != 1:
            raise RuntimeError(
                f"backward() without a gradient needs a scalar output; this output has shape "
                f"{tensor.shape}. Reduce it first (e.g. loss = y.sum() or y.mean()) or pass "
                f"gradient= an array of shape {tensor.shape}")
        one = xp.asarray(1, dtype=tensor.data.dtype)  # (faster than xp.ones for a scalar)
        return one if tensor.data.ndim == 0 else one.reshape(tensor.data.shape)
    if isinstance(gradient, Tensor):
        g = gradient.data
    else:
        try:
            g = xp.asarray(gradient, dtype=tensor.dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"gradient must be numbers (an array or Tensor of the output's "
                            f"shape {tensor.shape}); received {type(gradient).__name__} "
                            f"{gradient!r}") from e
    if g.shape != tensor.shape:
        raise ValueError(f"gradient must have the output's shape {tensor.shape}; received shape "
                         f"{g.shape}")
    return g.astype(tensor.dtype, copy=False)


from badak.engine.tensor import Tensor  # noqa: E402, I001  (Tensor and Function refer to each other)

from badak.engine.ops import prims as _prims  # noqa: E402  (after Tensor, which loads the ops)
