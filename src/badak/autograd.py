"""The computational graph: function nodes, grad mode and the backward pass.

A :class:`Function` is one node of the graph. Its ``forward`` does the local computation on arrays;
its ``backward`` receives the upstream ("global") gradient of the node's output and returns, for
each input, the upstream gradient times the node's local gradient (the chain rule). Calling a
Function on Tensors records the node (define-by-run) when any input requires a gradient.

:func:`run_backward` visits the nodes in reverse topological order, so that a node's gradient is
complete (all branches summed, as at the add node) before it is passed on. The sort is iterative,
so chains of any length work. Like DeZero's ``create_graph`` and PyTorch's autograd, the backward
pass can itself be recorded, giving second and higher derivatives.

As in PyTorch, a tensor changed in place (``t += x``; see :mod:`badak.ops.inplace`) has its
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

from badak.backend import xp


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
    ``self.needs_input_grad[i]`` is False). Inside ``backward`` use :meth:`input` and
    :meth:`output` to read the forward values: they are arrays normally, and Tensors when the
    backward pass is being recorded (``create_graph=True``), so one ``backward`` serves both.
    Gradients may have the broadcast shape; the engine sums them back to each input's shape.
    """

    __slots__ = ("inputs", "needs_input_grad", "y", "generation", "_out", "__dict__",
                 "__weakref__")
    # Rarely changed flags live on the class; a node only gets its own value when one is set
    # (by a recorded backward, retain_grad or release), which keeps building a node cheap.
    create_graph = False
    _freed = False
    _retains = False
    _versions = None  # the inputs' versions when recorded, kept only if one was ever changed
    _hooks = None  # gradient hooks of the output tensor (Tensor.register_hook)

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

    # Values seen by backward: arrays, or Tensors when the backward pass is recorded.
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

    def release(self) -> None:
        """Free what this node saved for backward (the graph is then unusable for backward)."""
        d = self.__dict__
        d.clear()
        d["_freed"] = True
        self.inputs = ()
        self.y = None

    def __repr__(self) -> str:
        return f"<{self.name}>"


class GraphFreedError(RuntimeError):
    """Raised on a second backward through a graph whose saved values were freed."""


def topological_order(root_fn: Function) -> list[Function]:
    """Return the nodes that ``root_fn`` depends on, inputs before the nodes that use them.

    Iterative depth-first search (no recursion), so a chain of any length works.
    """
    order: list[Function] = []
    visited: set[int] = set()
    stack: list[tuple[Function, bool]] = [(root_fn, False)]
    while stack:
        fn, expanded = stack.pop()
        if expanded:
            order.append(fn)
            continue
        if id(fn) in visited:
            continue
        if fn._freed:
            raise _freed_error()
        visited.add(id(fn))
        stack.append((fn, True))
        for x in fn.inputs:
            c = x.creator
            if c is not None and id(c) not in visited:
                stack.append((c, False))
    return order


def _sum_to(g, shape):
    """Sum ``g`` (array or Tensor) down to ``shape``, undoing NumPy broadcasting."""
    if g.shape == shape:
        return g
    if isinstance(g, Tensor):
        from badak.ops.shape import sum_to

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


def run_backward(root, gradient, *, retain_graph: bool, create_graph: bool,
                 inputs: Sequence | None = None, hook: BackwardHook | None = None):
    """Backpropagate from ``root`` with upstream gradient ``gradient`` (an array).

    Nodes are visited in decreasing generation (a heap), which is a reverse topological order:
    a node runs only when every node that used its output has passed its gradient back, so its
    gradient is complete. With ``inputs`` given, return their gradients (a list, None where
    unreachable) and leave ``.grad`` untouched; otherwise accumulate into the ``.grad`` of every
    leaf that requires it. ``hook(fn, gy, gxs)`` is called after each node's backward (used by
    :mod:`badak.explain`).
    """
    targets = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    results = None if inputs is None else [None] * len(inputs)

    if create_graph:
        gradient = Tensor._make(gradient, False)

    def deliver(x, g):
        # x is a leaf, a retained non-leaf or a target: accumulate its finished gradient.
        if targets is not None:
            i = targets.get(id(x))
            if i is not None:
                results[i] = g if results[i] is None else results[i] + g
            return
        if type(g) is not Tensor:
            g = Tensor._make(g, False)
        x.grad = g if x.grad is None else x.grad + g

    root_fn = root.creator
    if root_fn is None:
        deliver(root, gradient)
        return results
    if root_fn._freed:
        raise _freed_error()

    grads = {root_fn: gradient}
    heap = [(-root_fn.generation, id(root_fn), root_fn)]
    visited = []
    plain = targets is None and not create_graph  # leaves' .grad filled directly below
    hooked = {}  # leaves with hooks: their whole gradient, handed to the hooks at the end
    prev_mode = _grad_mode.enabled
    _grad_mode.enabled = create_graph
    try:
        while heap:
            fn = heappop(heap)[2]
            visited.append(fn)
            gy = grads.pop(fn)
            if fn._hooks is not None:
                gy = _run_hooks(fn._hooks, gy)
            if targets is not None or fn._retains:
                out = fn._out()
                if out is not None and (out._retain_grad if targets is None
                                        else id(out) in targets):
                    deliver(out, gy)
            if fn.create_graph is not create_graph:
                fn.create_graph = create_graph
            gxs = fn.backward(gy)
            if type(gxs) is not tuple:
                gxs = (gxs,)
            if hook is not None:
                hook(fn, gy, gxs)
            for x, gx, need in zip(fn.inputs, gxs, fn.needs_input_grad):
                if x._vc is not None:
                    _check_version(fn, x)
                if not need or gx is None:
                    continue
                xd = x.data
                if gx.shape != xd.shape:
                    gx = _sum_to(gx, xd.shape)
                if gx.dtype is not xd.dtype and gx.dtype != xd.dtype:
                    gx = gx.astype(xd.dtype)
                c = x.creator
                if c is None:
                    if x._hooks is not None:
                        hooked[x] = gx if x not in hooked else hooked[x] + gx
                    elif plain:
                        g = x.grad
                        x.grad = Tensor._make(gx if g is None else g.data + gx, False)
                    else:
                        deliver(x, gx)
                else:
                    prev = grads.get(c)
                    if prev is None:
                        if c._freed:
                            raise _freed_error()
                        grads[c] = gx
                        heappush(heap, (-c.generation, id(c), c))
                    else:
                        grads[c] = prev + gx
        for x, gx in hooked.items():  # a leaf's hooks see its total gradient, as in PyTorch
            deliver(x, _run_hooks(x._hooks, gx))
    finally:
        _grad_mode.enabled = prev_mode
        if not retain_graph:
            for fn in visited:
                d = fn.__dict__
                d.clear()  # what forward saved for backward (masks, probabilities, ...)
                d["_freed"] = True
                fn.inputs = ()
                fn.y = None
    return results


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


from badak.tensor import Tensor  # noqa: E402  (Tensor and Function refer to each other)
