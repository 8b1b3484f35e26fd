"""Speed by capture and replay: ``badak.compile`` records one training step, then replays it.

The idea, for learners. Eager execution (Tensor → Function → backward) pays, at every step, for
the bookkeeping that makes it easy to read: a Tensor per value, a graph node per op, a
generation number, a heap to order the backward pass, and the Python of every layer and loss.
For a training step on batches of the same shape, all of that comes out the same every time;
only the numbers change. So: run the step once while watching, write down what ran, and from
then on run only that list on the new numbers. Real frameworks do exactly this:

- tinygrad's ``TinyJit`` (``tinygrad/engine/jit.py``) runs a function twice, captures the
  kernels it launched, and replays them on new input buffers;
- CUDA graphs (``torch.cuda.graphs``) record a stream of GPU kernels once and launch the
  whole recording again with one call;
- ``torch.compile`` traces the Python into a graph guarded by the inputs' shapes and dtypes,
  and compiles it again when a guard fails;
- ``jax.jit`` traces a function once per input shape and dtype into XLA.

badak keeps the simplest of them, and the one with nothing new to get wrong: it replays the
very Function objects eager built, so every number is computed by the same code as in eager.

How it works here, in four parts:

1. *Recording* (:class:`_Recorder`). The step runs eagerly twice while ``sys.setprofile``
   watches (nothing in the engine knows): which Function objects were called on which values,
   and when ``zero_grad``, ``backward``, gradient clipping and ``optimizer.step()`` ran. The two
   recordings must agree (the same ops, wired the same way, with the same settings), which
   catches a Python branch on the values of the first batch.
2. *The plan* (:class:`_Plan`). The recording becomes a list of array-level actions: run this
   node's ``forward`` on these arrays; run backward from this loss, visiting the nodes in the
   engine's order (decreasing generation) and summing gradients in the engine's order; zero
   the gradients; step the optimizer.
3. *The replay function* (:func:`_generate`). The plan is written out as one straight-line
   Python function and compiled with ``exec`` (``plan.source()`` shows it): one line per value,
   every bound ``forward``/``backward`` and argument slot looked up once at plan time, values
   in local variables, no Tensor, graph node or heap built. This is what makes a replay cheap
   in Python: no dispatch, no tuples or dicts made per call.
4. *The optimizer step*. ``optimizer.step()`` is called live, so a learning rate changed by a
   scheduler or by hand is used. For a rule declared ``elementwise`` (all the built-in ones)
   and a small group, :class:`_FlatStep` runs the rule once over the group's parameters laid
   end to end (PyTorch's ``foreach`` idea) with the same numbers: one call instead of one per
   parameter, which is what a small model's step costs.

The results are bit-identical to eager: the same losses, weights, gradients and optimizer
state. A dropout node draws its mask in ``forward``, so a replay draws the same numbers from
the same generator as eager would.

*Guards* (:func:`_generate_guard`): a call falls back to eager (and, with ``verbose=True``,
says so once) when the arguments' shapes or dtypes change (the last, smaller batch of an epoch
gets its own recording), when a module switches train/eval or changes a plain setting (a
dropout's ``p``, a slope), when a parameter is replaced, added or frozen, when an optimizer's
parameter groups change, when ``badak.manual_seed`` replaces the generator a dropout with
``rng=None`` draws from, and for good when the step does something that cannot be replayed: an
op outside the Function classes, an in-place change, a value read into Python
(``loss.item()``), a value computed with NumPy from the data, ``create_graph``, hooks. What is
*not* seen: a setting kept in an array or a container inside a module, a gradient changed by
hand (``p.grad = ...``), and Python side effects of the step (a print, a list append), which
happen at the recordings only. The returned loss of a replay is a plain Tensor (its graph was
not built). As with tinygrad's ``TinyJit``, put only the training step in the compiled
function.
"""

from __future__ import annotations

import builtins
import functools
import heapq
import operator
import sys
from collections.abc import Callable

import numpy as np

from badak._validation import check_bool
from badak.engine.autograd import Function, _sum_to, is_grad_enabled
from badak.engine.backend import xp
from badak.engine.random import default_generator
from badak.engine.tensor import Tensor

__all__ = ["CompiledStep", "compile"]

_CACHE_LIMIT = 8  # recordings kept per compiled step (one per shape: full and last batch...)


def compile(step: Callable | None = None, *, verbose: bool = False):  # noqa: A001 - torch's name
    """Record a training step once and replay it on new batches, bit-identical to eager.

    Parameters
    ----------
    step : callable
        ``step(*args) -> loss``: a function that does ``optimizer.zero_grad()``, the forward
        pass, the loss, ``loss.backward()`` and ``optimizer.step()``, and returns the loss
        Tensor (or a tuple of Tensors computed in the step, e.g. ``(loss, prediction)``).
        Arguments may be Tensors, NumPy arrays or Python numbers.
    verbose : bool, default=False
        Say (once per reason) when a call records, replays or falls back to eager.

    Returns
    -------
    CompiledStep
        Called like ``step``. Usable as a decorator, ``@badak.compile`` or
        ``@badak.compile(verbose=True)``.

    Raises
    ------
    TypeError
        If ``step`` is not callable; at a call, if the step returns something other than a
        Tensor or a tuple of Tensors.

    Examples
    --------
    >>> import numpy as np, badak
    >>> from badak import nn, optim
    >>> model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> @badak.compile
    ... def train_step(x, y):
    ...     opt.zero_grad()
    ...     loss = badak.functional.mse_loss(model(x), y)
    ...     loss.backward()
    ...     opt.step()
    ...     return loss
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(4):
    ...     loss = train_step(badak.tensor(rng.normal(size=(8, 3))),
    ...                       badak.tensor(rng.normal(size=(8, 1))))
    >>> train_step.replays  # two recordings, then two replays
    2
    """
    verbose = check_bool("verbose", verbose)
    if step is None:
        return lambda f: compile(f, verbose=verbose)
    if not callable(step):
        raise TypeError(f"badak.compile expects a callable training step (a function "
                        f"step(x, y) -> loss); received {type(step).__name__} {step!r}")
    return CompiledStep(step, verbose)


class CompiledStep:
    """A training step wrapped by :func:`compile`: eager twice per input signature, then replays.

    Attributes
    ----------
    replays : int
        Calls answered by a replay.
    eager_calls : int
        Calls run eagerly (recordings included).
    """

    def __init__(self, step: Callable, verbose: bool = False):
        self.step = step
        self.verbose = verbose
        self.replays = 0
        self.eager_calls = 0
        self._entries: dict = {}  # input signature -> _Entry
        self._last = None  # the plan that replayed last: tried first
        self._said: set[str] = set()
        functools.update_wrapper(self, step)

    def __repr__(self) -> str:
        return f"badak.compile({getattr(self.step, '__name__', self.step)!r})"

    def _say(self, message: str) -> None:
        if self.verbose and message not in self._said:
            self._said.add(message)
            print(f"badak.compile: {message}", file=sys.stderr)

    def __call__(self, *args, **kwargs):
        plan = self._last
        if plan is not None and plan.ready(args, kwargs):  # the common case: one function call
            self.replays += 1
            return plan.run(args, kwargs)
        self._last = None
        sig = _signature(args, kwargs)
        if sig is None:
            self._say("an argument is not a Tensor, an array or a plain number: running eagerly")
            return self._eager(args, kwargs)
        entry = self._entries.get(sig)
        if entry is not None and entry.plan is not None:
            plan = entry.plan
            why = None if plan.default_generator is None and plan.same() else plan.changed()
            if why is None:
                self.replays += 1
                if plan.ready is None:
                    plan.ready = _generate_ready(sig, plan)
                self._last = plan
                return plan.run(args, kwargs)
            self._say(f"{why}: recording the step again")
            entry = None
        if entry is not None and entry.problem is not None:
            return self._eager(args, kwargs)
        if entry is None:
            if sig not in self._entries and len(self._entries) >= _CACHE_LIMIT:
                self._entries.pop(next(iter(self._entries)))
            entry = self._entries[sig] = _Entry()
        if sys.getprofile() is not None:
            self._say("another profiler is active: running eagerly")
            return self._eager(args, kwargs)
        recorder = _Recorder(args)
        self.eager_calls += 1
        sys.setprofile(recorder.profile)
        try:
            result = self.step(*args, **kwargs)
        finally:
            sys.setprofile(None)
        trace = _Trace(recorder, args, kwargs, result)
        entry.add(trace)
        if entry.problem is not None:
            self._say(f"{entry.problem}: running {self._name()} eagerly for these inputs")
        elif entry.plan is not None:
            self._say(f"recorded {self._name()} for {_describe(sig)}: replaying from now on")
        elif entry.waiting:
            self._say(entry.waiting)
        return result

    def _name(self) -> str:
        return getattr(self.step, "__name__", "the step")

    def _eager(self, args, kwargs):
        self.eager_calls += 1
        return self.step(*args, **kwargs)


# ---------------------------------------------------------------------- signatures
_PLAIN = (bool, int, float, str, type(None))


def _signature(args, kwargs):
    """What must be equal for a recording to apply: the arguments' kinds, shapes, dtypes."""
    parts = [is_grad_enabled()]
    for key, a in (*((None, a) for a in args), *sorted(kwargs.items())):
        if type(a) is Tensor:
            parts.append((key, "T", a.data.shape, a.data.dtype.str, a.requires_grad))
        elif isinstance(a, np.ndarray):
            parts.append((key, "A", a.shape, a.dtype.str))
        elif isinstance(a, _PLAIN):
            parts.append((key, "V", type(a).__name__, a))
        else:
            return None
    return tuple(parts)


def _describe(sig) -> str:
    shapes = [f"{p[2]} {np.dtype(p[3])}" for p in sig[1:] if p[1] in "TA"]
    return "inputs " + ", ".join(shapes) if shapes else "these inputs"


def _arrays(args, kwargs) -> list:
    """The step's arguments as arrays (None for plain numbers), keywords sorted by name."""
    out = []
    for a in (*args, *(v for _, v in sorted(kwargs.items()))):
        out.append(a.data if type(a) is Tensor else a if isinstance(a, np.ndarray) else None)
    return out


# ---------------------------------------------------------------------- recording
class _Recorder:
    """The profile function that writes down what one eager call of the step did."""

    def __init__(self, args):
        from badak.engine import autograd
        from badak.nn.module import Module
        from badak.optim import clip
        from badak.optim.optimizer import Optimizer

        self.ops: list[tuple] = []  # (fn, settings, inputs, output, grad enabled)
        self.events: list[tuple] = []  # ("op", k), ("zero_grad", func, obj), ("backward",
        #                                  tensor), ("step", optimizer)
        self.modules: list = []  # modules called at the top level of the step
        self.problem: str | None = None
        self._busy = None  # the frame of the op/backward/step now running (its inside is its own)
        self._pending = None
        self._module_frame = None
        self._base_step = Optimizer.step
        self._with_grads = clip._with_grads.__code__
        self._clip = None  # the clipping call being recorded: [func, its tensors, settings]
        self._watch = {
            Function.__call__.__code__: "op",
            autograd.backward.__code__: "backward",
            autograd.grad.__code__: "grad",
            autograd.run_backward.__code__: "grad",
            Optimizer.step.__code__: "step",
            Optimizer.zero_grad.__code__: ("zero_grad", Optimizer.zero_grad),
            Module.zero_grad.__code__: ("zero_grad", Module.zero_grad),
            Tensor.zero_grad.__code__: ("zero_grad", Tensor.zero_grad),
            Module.__call__.__code__: "module",
            clip.clip_grad_norm_.__code__: ("clip", clip.clip_grad_norm_),
            clip.clip_grad_value_.__code__: ("clip", clip.clip_grad_value_),
            Tensor._bump_version.__code__: "inplace",
            Tensor.register_hook.__code__: "hook",
            Tensor.retain_grad.__code__: "hook",
        }
        for name in ("item", "tolist", "__bool__", "__float__", "__int__", "__index__"):
            method = getattr(Tensor, name, None)
            if method is not None:
                self._watch[method.__code__] = "read"

    def _flag(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem

    def profile(self, frame, event, arg) -> None:
        if self._clip is not None and event == "return" and frame.f_code is self._with_grads:
            self._clip[1] = arg  # the parameters the clipping saw, as a list
            return
        if event == "call":
            kind = self._watch.get(frame.f_code)
            if kind is None or self._busy is not None:
                return
            loc = frame.f_locals
            if kind == "op":
                fn = loc["self"]
                self._pending = (fn, dict(fn.__dict__), loc["inputs"], is_grad_enabled())
            elif kind == "backward":
                if loc["gradient"] is not None or loc["create_graph"]:
                    self._flag("backward() with gradient= or create_graph=True is not replayed")
                self.events.append(("backward", loc["tensor"]))
            elif kind == "step":
                opt = loc["self"]
                if type(opt).step is not self._base_step:
                    self._flag(f"{type(opt).__name__} overrides step()")
                self.events.append(("step", opt))
            elif kind == "module":
                if self._module_frame is None:
                    self._module_frame = frame
                    m = loc["self"]
                    if all(m is not x for x in self.modules):
                        self.modules.append(m)
                    if m._forward_pre_hooks or m._forward_hooks:
                        self._flag("a module has forward hooks")
                return
            elif kind == "grad":
                self._flag("autograd.grad() is not replayed")
            elif kind == "inplace":
                self._flag("the step changes a tensor in place")
            elif kind == "hook":
                self._flag("the step registers a hook or retain_grad()")
            elif kind == "read":
                self._flag("the step reads a value into Python (item(), float(), if t: ...)")
            elif kind[0] == "clip":
                code = frame.f_code
                names = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
                self._clip = [kind[1], None, {name: loc[name] for name in names}]
                self.events.append(("clip", self._clip))
            else:  # zero_grad
                self.events.append(("zero_grad", kind[1], loc["self"]))
            self._busy = frame
        elif event == "return":
            if frame is self._busy:
                self._busy = None
                self._clip = None
                if self._pending is not None:
                    fn, settings, inputs, grad_on = self._pending
                    self._pending = None
                    if isinstance(arg, Tensor):
                        self.events.append(("op", len(self.ops)))
                        self.ops.append((fn, settings, inputs, arg, grad_on))
            elif frame is self._module_frame:
                self._module_frame = None


def _same_value(a, b) -> bool:
    """Whether two recorded settings are the same (arrays by value, objects by ==)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and \
            a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - a setting that cannot be compared is "different"
        return False


def _arg_source(value: np.ndarray, arrays: list):
    """(i, None) if ``value`` is argument i's array, (i, (dtype, shape)) if it equals it cast
    and reshaped, else None."""
    for i, a in enumerate(arrays):
        if a is value:
            return i, None
    for i, a in enumerate(arrays):
        if a is not None and a.size == value.size:
            b = a.astype(value.dtype, copy=False).reshape(value.shape)
            if np.array_equal(b, value):
                return i, (value.dtype, value.shape)
    return None


class _Trace:
    """One recording, turned into references: ("op", k), ("arg", i), ("ext", tensor)."""

    def __init__(self, rec: _Recorder, args, kwargs, result):
        self.problem = rec.problem
        self.ops = rec.ops
        self.modules = rec.modules
        self.arrays = _arrays(args, kwargs)
        self.n_args, self.arg_names = len(args), sorted(kwargs)
        self.arg_tensors = [a for a in (*args, *(v for _, v in sorted(kwargs.items())))]
        single = isinstance(result, Tensor)
        results = (result,) if single else result
        if not isinstance(results, (tuple, list)) or not results or \
                not all(isinstance(r, Tensor) for r in results):
            raise TypeError(f"a compiled step must return its loss Tensor (or a tuple of "
                            f"Tensors computed in the step); it returned "
                            f"{type(result).__name__} {result!r:.80}")
        self.single = single
        produced = {id(op[3]): k for k, op in enumerate(self.ops)}
        used = [False] * len(self.ops)

        def ref(t):
            k = produced.get(id(t))
            if k is not None:
                used[k] = True
                return ("op", k)
            for i, a in enumerate(self.arg_tensors):
                if a is t:
                    if t.requires_grad:
                        self._flag("an argument requires grad")
                    return ("arg", i)
            if t.creator is not None:
                self._flag("a value computed before the step (or outside the recorded ops) "
                           "enters it")
            if t._hooks is not None:
                self._flag("a tensor has gradient hooks")
            return ("ext", t)

        self.inputs = [[ref(x) for x in op[2]] for op in self.ops]
        self.events = []
        for ev in rec.events:
            if ev[0] == "backward":
                r = ref(ev[1])
                if r[0] != "op":
                    self._flag("backward() from a tensor not computed in the step")
                self.events.append(("backward", r))
            else:
                self.events.append(ev)
        self.results = [ref(r) for r in results]
        self.key = None if self.problem else self.state()
        if self.problem is None and not all(used):
            k = used.index(False)
            self._flag(f"the value of <{self.ops[k][0].name}> is used by Python code (not by "
                       f"another op, backward or the result), which a replay would not run")

    def _flag(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem

    def state(self):
        """What must stay the same for a replay: modes, parameters, optimizer groups."""
        return _state_key(_all_modules(self.modules),
                          [ev[1] for ev in self.events if ev[0] == "step"], self._live())

    def _live(self):
        # (the tensors that require grad: parameters; others may be new at every call)
        return [r[1] for refs in self.inputs for r in refs if r[0] == "ext" and
                r[1].requires_grad]


def _all_modules(tops) -> list:
    """Every module under the modules the step called (each once)."""
    seen = {}
    for top in tops:
        for m in top.modules():
            seen.setdefault(id(m), m)
    return list(seen.values())


def _state_key(modules, optimizers, tensors) -> list:
    """A list of plain values and ids that changes when a module's mode or plain settings, a
    module's parameters or submodules, a parameter's requires_grad, an optimizer's groups or a
    tensor's shape or dtype changes (the objects themselves are kept alive by the recording, so
    ids stay theirs)."""
    key = []
    for m in modules:
        key.append(m.training)
        # a module's plain settings (a dropout's p, a slope): ops were recorded with them
        key.append(m.settings_version)
        params = m._parameters.values()
        key.extend(map(id, params))
        key.extend([p is not None and p.requires_grad for p in params])
        key.extend(map(id, m._modules.values()))
    for opt in optimizers:
        groups = opt.param_groups
        key.append(len(groups))
        for group in groups:
            key.extend(map(id, group["params"]))
            key.extend([p.requires_grad for p in group["params"]])
    for t in tensors:
        key.append(id(t))
        key.append(t.requires_grad)
        key.append(t.data.shape)
        key.append(t.data.dtype)
    return key


class _Entry:
    """The recordings made for one input signature, and the plan once they agree."""

    def __init__(self):
        self.first: _Trace | None = None
        self.plan: _Plan | None = None
        self.problem: str | None = None
        self.waiting: str | None = None

    def add(self, trace: _Trace) -> None:
        self.waiting = None
        if trace.problem is not None:
            self.problem = trace.problem
            return
        first, self.first = self.first, trace
        if first is None or first.key != trace.key:
            return  # (a change between the two recordings: this one is the new first)
        try:
            self.plan = _Plan(first, trace)
            self.first = None  # (its tensors hold a step's activations: let them go)
        except _Ambiguous as e:
            self.waiting = str(e)
        except _NotReplayable as e:
            self.problem = str(e)


class _NotReplayable(Exception):
    pass


class _Ambiguous(Exception):
    pass


# ---------------------------------------------------------------------- the plan
_FORWARD, _ZERO, _BACKWARD, _STEP, _CLIP = range(5)


class _Plan:
    """Two agreeing recordings turned into a list of array-level actions (built from the second,
    whose Function objects are replayed)."""

    def __init__(self, a: _Trace, b: _Trace):
        if len(a.ops) != len(b.ops) or len(a.events) != len(b.events) or \
                len(a.results) != len(b.results):
            raise _NotReplayable("two calls of the step ran different ops (a Python branch on "
                                 "the values?)")
        same_args = all(x is y or (x is not None and y is not None and _same_value(x, y))
                        for x, y in zip(a.arrays, b.arrays))
        self.modules = _all_modules(b.modules)
        self.single = b.single
        self.n_args, self.arg_names = b.n_args, b.arg_names
        self.arg_sources: list = []  # (holder, i, transform): filled from argument i each call
        self.setting_sources: list = []  # (fn, name, i, transform): a setting from an argument
        holders: list[Tensor] = []  # one per op output
        consts = False
        # a node drawing from badak's default generator (rng=None) must see badak.manual_seed,
        # which replaces that generator
        self.default_generator = None
        for k, (op_a, op_b) in enumerate(zip(a.ops, b.ops)):
            fn_a, fn_b = op_a[0], op_b[0]
            if type(fn_a) is not type(fn_b) or op_a[4] != op_b[4] or \
                    len(a.inputs[k]) != len(b.inputs[k]) or \
                    not all(map(_same_ref, a.inputs[k], b.inputs[k])):
                raise _NotReplayable(f"op {k} differs between two calls (<{fn_a.name}> then "
                                     f"<{fn_b.name}>): a Python branch on the values?")
            settings = dict(op_b[1])
            if settings.keys() != op_a[1].keys():
                raise _NotReplayable(f"<{fn_b.name}> was set up differently in two calls")
            for name, vb in op_b[1].items():
                va = op_a[1][name]
                if isinstance(vb, np.ndarray) and va is not vb:
                    src = _arg_source(vb, b.arrays)
                    if src is not None and src == _arg_source(va, a.arrays):
                        self.setting_sources.append((fn_b, name, *src))
                        continue
                if not _same_value(va, vb):
                    raise _NotReplayable(f"the setting {name!r} of <{fn_b.name}> changes from "
                                         f"call to call and is not one of the step's arguments "
                                         f"(computed from the data outside the ops?)")
                if isinstance(vb, np.ndarray) and va is not vb:
                    consts = True
            if any(v is default_generator() for v in settings.values()):
                self.default_generator = default_generator()
            # the node as it was built, ready to run again (eager backward freed it)
            d = fn_b.__dict__
            d.clear()
            d.update(settings)
            holders.append(Tensor._make(None, False))
        self.holders = holders
        live: list[Tensor] = []
        inputs = []
        for k, (refs_a, refs_b) in enumerate(zip(a.inputs, b.inputs)):
            row = []
            for ra, rb in zip(refs_a, refs_b):
                if rb[0] == "op":
                    row.append(holders[rb[1]])
                elif rb[0] == "arg":
                    h = Tensor._make(None, False)
                    self.arg_sources.append((h, rb[1], None))
                    row.append(h)
                else:
                    xa, xb = ra[1], rb[1]
                    if xa is xb:  # a parameter or another tensor that lives across calls
                        live.append(xb)
                        row.append(xb)
                        continue
                    if xa.requires_grad or xb.requires_grad:
                        raise _NotReplayable("the step makes a new tensor that requires grad")
                    src = _arg_source(xb.data, b.arrays)
                    if src is not None and src == _arg_source(xa.data, a.arrays):
                        h = Tensor._make(None, False)
                        self.arg_sources.append((h, *src))
                        row.append(h)
                        continue
                    if not _same_value(xa.data, xb.data):
                        raise _NotReplayable(
                            f"an input of <{b.ops[k][0].name}> changes from call to call and is "
                            f"not one of the step's arguments (computed with NumPy from the "
                            f"data?)")
                    consts = True
                    row.append(Tensor._make(xb.data.copy(), False))
            inputs.append(tuple(row))
        if consts and same_args:
            raise _Ambiguous("the step was called twice with the same inputs, so constants "
                             "cannot be told from data yet: replaying once the inputs change")
        self.optimizers = [ev[1] for ev in b.events if ev[0] == "step"]
        self.live = live
        ops = []
        for k, op in enumerate(b.ops):
            fn = op[0]
            fn.inputs = inputs[k]
            ops.append((fn, inputs[k], holders[k]))
        actions = []
        for ev_a, ev_b in zip(a.events, b.events):
            kind = ev_b[0]
            same = ev_a[0] == kind and (
                ev_a[1] == ev_b[1] if kind == "op" else
                _same_ref(ev_a[1], ev_b[1]) if kind == "backward" else
                _same_clip(ev_a[1], ev_b[1]) if kind == "clip" else
                all(x is y for x, y in zip(ev_a[1:], ev_b[1:])))
            if not same:
                raise _NotReplayable("two calls of the step did different things")
            if ev_b[0] == "op":
                actions.append((_FORWARD, *ops[ev_b[1]]))
            elif ev_b[0] == "zero_grad":
                actions.append((_ZERO, ev_b[1], ev_b[2]))
            elif ev_b[0] == "step":
                actions.append((_STEP, ev_b[1]))
            elif ev_b[0] == "clip":
                func, tensors, settings = ev_b[1]
                actions.append((_CLIP, func, tensors, settings))
            else:
                actions.append((_BACKWARD, _backward_plan(b, ev_b[1][1], holders)))
        self.actions = actions
        results = []
        for ra, rb in zip(a.results, b.results):
            if rb[0] != "op" or not _same_ref(ra, rb):
                raise _NotReplayable("the step returns a value not computed by its ops")
            results.append(holders[rb[1]])
        self.results = results
        self.run = _generate(self)
        self.same = _generate_guard(self.modules, self.optimizers, live)
        self.ready = None  # signature, generator and guard in one (made at the first replay)

    def changed(self) -> str | None:
        """Why the recording no longer applies (None when it does)."""
        if self.default_generator is not None and \
                default_generator() is not self.default_generator:
            return "badak.manual_seed replaced the default generator"
        if self.same():
            return None
        return ("a module's train/eval mode or a setting, a parameter or an optimizer's groups "
                "changed")

    def replay(self, args, kwargs):
        """Run the recording on new arguments: the generated function (see :func:`_generate`)."""
        return self.run(args, kwargs)

    def source(self) -> str:
        """The Python source of the replay function (for reading: what a replay runs)."""
        return self.run.source


def _same_clip(ca, cb) -> bool:
    """Whether two recorded clipping calls are the same call on the same parameters."""
    return ca[0] is cb[0] and ca[1] is not None and cb[1] is not None and \
        len(ca[1]) == len(cb[1]) and all(map(operator.is_, ca[1], cb[1])) and ca[2] == cb[2]


def _same_ref(ra, rb) -> bool:
    """Whether two references point to the same place: the same op's output or argument, or
    both to a tensor from outside (classified by the caller)."""
    if ra[0] != rb[0]:
        return False
    return ra[0] == "ext" or ra[1] == rb[1]


def _backward_plan(trace: _Trace, root: int, holders: list[Tensor]):
    """The nodes backward visits from op ``root``, in the engine's order, with their targets."""
    ops = trace.ops
    # badak.engine.autograd.BackwardOrder on the recorded ops: a heap of (decreasing generation, the
    # order in which nodes were first reached), so gradients are summed in eager's order
    reached = {root: 0}
    heap = [(-ops[root][0].generation, 0, root)]
    order = []
    while heap:
        k = heapq.heappop(heap)[2]
        order.append(k)
        fn = ops[k][0]
        for r, need in zip(trace.inputs[k], fn.needs_input_grad):
            if need and r[0] == "op" and r[1] not in reached and ops[r[1]][4]:
                reached[r[1]] = len(reached)
                heapq.heappush(heap, (-ops[r[1]][0].generation, reached[r[1]], r[1]))
    slot = {k: n for n, k in enumerate(order)}
    nodes = []
    for k in order:
        fn = ops[k][0]
        targets = []
        for x, r, need in zip(fn.inputs, trace.inputs[k], fn.needs_input_grad):
            if not need:
                targets.append(None)
            elif r[0] == "op":
                targets.append((slot[r[1]], x))
            else:  # a leaf (a parameter)
                targets.append((-1, x))
        nodes.append((fn, targets))
    out = holders[root]
    return nodes, out


# ---------------------------------------------------------------------- the replay function
def _generate(plan: _Plan):
    """Write the plan out as one straight-line Python function and compile it.

    A replay then costs what the arithmetic costs plus one Python statement per value: no
    dispatch on the kind of action, no tuples or dicts built per call, every Function's bound
    ``forward``/``backward`` and every argument slot looked up once, here. The values flow
    through local variables (``y3``: the output of op 3, ``g2``: the gradient of backward
    slot 2); the holder tensors that a node's ``backward`` reads as its ``inputs`` are updated
    beside them. The backward part is the engine's loop (:func:`badak.engine.autograd.run_backward`)
    unrolled: the same nodes in the same order, the same sums in the same order.
    """
    ns: dict = {"T": Tensor._make, "ST": _sum_to, "ONE": np.asarray, "TENSOR": Tensor}
    names: dict[int, str] = {}  # id(object) -> its name in ns

    def name(obj, prefix: str) -> str:
        key = id(obj)
        if key not in names:
            names[key] = f"{prefix}{len(names)}"
            ns[names[key]] = obj
        return names[key]

    lines = ["def replay(args, kwargs):"]
    emit = lines.append
    data: dict[int, str] = {}  # id(holder tensor) -> the expression of its array now
    # the arguments: each slot read once, as its kind in the signature says
    sources = {}
    for h, i, transform in plan.arg_sources:
        sources.setdefault(i, []).append((h, transform))
    for fn, nm, i, transform in plan.setting_sources:
        sources.setdefault(i, []).append(((fn, nm), transform))
    for i in sorted(sources):
        if i < plan.n_args:
            emit(f"    a{i} = args[{i}]")
        else:
            emit(f"    a{i} = kwargs[{plan.arg_names[i - plan.n_args]!r}]")
        emit(f"    a{i} = a{i}.data if type(a{i}) is TENSOR else a{i}")
        for j, (target, transform) in enumerate(sources[i]):
            expr = f"a{i}"
            if transform is not None:
                expr = f"a{i}.astype({name(transform[0], 'D')}, copy=False).reshape(" \
                       f"{transform[1]!r})"
            if isinstance(target, tuple):  # a setting of a node taken from the argument
                fn, nm = target
                emit(f"    {name(fn.__dict__, 'S')}[{nm!r}] = {expr}")
            else:
                var = f"a{i}" if transform is None else f"a{i}_{j}"
                if transform is not None:
                    emit(f"    {var} = {expr}")
                emit(f"    {name(target, 'H')}.data = {var}")
                data[id(target)] = var
    holder_index = {id(h): k for k, h in enumerate(plan.holders)}

    def array(x) -> str:
        """The expression of tensor ``x``'s array at this point of the replay."""
        k = holder_index.get(id(x))
        if k is not None:
            return f"y{k}"
        return data.get(id(x)) or f"{name(x, 'X')}.data"

    for e, action in enumerate(plan.actions):
        kind = action[0]
        if kind == _FORWARD:
            _, fn, ins, out = action
            k = holder_index[id(out)]
            args = ", ".join(array(x) for x in ins)
            emit(f"    y{k} = {name(fn.forward, 'F')}({args})")
            emit(f"    {name(out, 'H')}.data = {name(fn, 'N')}.y = y{k}")
        elif kind == _BACKWARD:
            _emit_backward(action[1], e, emit, name, array, holder_index)
        elif kind == _STEP:
            opt = action[1]
            step = _FlatStep(opt) if _FlatStep.applies(opt) else opt.step
            emit(f"    {name(step, 'O')}()")
        elif kind == _CLIP:
            emit(f"    {name(action[1], 'C')}({name(action[2], 'P')}, "
                 f"**{name(action[3], 'K')})")
        else:
            emit(f"    {name(action[1], 'Z')}({name(action[2], 'M')})")
    results = [f"T(y{holder_index[id(h)]}, False)" for h in plan.results]
    emit(f"    return {results[0]}" if plan.single else f"    return ({', '.join(results)},)")
    source = "\n".join(lines) + "\n"
    exec(builtins.compile(source, "<badak.compile replay>", "exec"), ns)  # noqa: S102
    run = ns["replay"]
    run.source = source
    return run


# ---------------------------------------------------------------------- the optimizer step
FLAT_LIMIT = 1 << 16
"""Groups of at most this many numbers are updated in one vectorised call by a replay; larger
ones are bound by arithmetic and memory traffic, where gathering the gradients and copying the
parameters back would cost more than the calls it saves."""


class _FlatStep:
    """``optimizer.step()`` with each group's rule run once over all its parameters laid end to
    end (PyTorch's ``foreach`` idea), for a rule declared ``elementwise``.

    A step of RMSprop is about seven NumPy operations per parameter; for a small network such
    as the lecture's Boston MLP (six parameters, 5,121 numbers) each costs more in calls than in
    arithmetic. An elementwise rule gives the same numbers on the joined arrays, so the
    gradients are gathered into one flat array, the rule runs once, and the new values are
    copied back into each parameter's own array (``p.data`` keeps its identity). The rule's
    buffers live in flat arrays too, and each ``state[i][name]`` is a view into them, so
    ``state_dict`` and the per-parameter path see the same numbers. Everything else is
    ``Optimizer.step``'s own loop (``_step_groups``): the step count, the group's
    hyperparameters read at every call (a scheduler's learning rate), clipping, and the
    per-parameter path for a group that does not qualify (a parameter without a gradient,
    mixed dtypes, a replaced array or buffer).
    """

    @staticmethod
    def applies(opt) -> bool:
        return opt.rule_is_elementwise() and all(
            1 < len(g["params"]) and sum(p.data.size for p in g["params"]) <= FLAT_LIMIT
            for g in opt.param_groups)

    def __init__(self, opt):
        self.opt = opt
        self.layouts: list = [None] * len(opt.param_groups)

    def __call__(self) -> None:
        self.opt._step_groups(self._step_group)  # Optimizer.step's loop, with this per group

    def _step_group(self, k: int, params: list) -> None:
        opt = self.opt
        layout = self.layouts[k]
        if layout is None or not layout.valid(params, opt):
            layout = self.layouts[k] = _FlatLayout(params, opt, k)
        if layout.ready(params):
            layout.step(opt._update)
        else:
            opt._step_each(k, params)


class _FlatLayout:
    """Where each parameter of a group sits in the flat arrays, and the flat arrays."""

    def __init__(self, params, opt, k: int):
        self.params = list(params)
        self.arrays = [p.data for p in params]
        self.owner = opt.state
        self.state = [opt.state[i] for i in opt._group_index[k]]
        dtype = self.arrays[0].dtype
        self.ok = dtype.kind == "f" and all(a.dtype == dtype for a in self.arrays)
        if not self.ok:
            return
        sizes = [a.size for a in self.arrays]
        ends = np.cumsum(sizes)
        self.slices = [slice(int(e - n), int(e)) for n, e in zip(sizes, ends)]
        total = int(ends[-1])
        self.flat_params = xp.empty(total, dtype)
        self.flat_grads = xp.empty(total, dtype)
        self.views = [self.flat_params[sl].reshape(a.shape) for sl, a in
                      zip(self.slices, self.arrays)]
        self.flat_state: dict[str, np.ndarray] = {}
        self.buffer_views: list = []
        for name in sorted({name for st in self.state for name in st}):
            if not all(name in st for st in self.state):  # some parameters never stepped
                self.ok = False
                return
            self._adopt(name)

    def valid(self, params, opt) -> bool:
        """True while no parameter array, buffer or state list was replaced since."""
        if opt.state is not self.owner or len(params) != len(self.params):
            return False
        for p, q, a in zip(params, self.params, self.arrays):
            if p is not q or p.data is not a:
                return False
        for st, name, view in self.buffer_views:
            if st.get(name) is not view:
                return False
        return True

    def ready(self, params) -> bool:
        """Whether this step can take the flat path: every parameter has its gradient."""
        if not self.ok:
            return False
        for p in params:
            g = p.grad
            if g is None or not p.requires_grad or g.data.shape != p.data.shape:
                return False
        return True

    def _adopt(self, name: str) -> None:
        """Move buffer ``name`` of every parameter into one flat array and leave views behind."""
        buf = xp.zeros_like(self.flat_params)
        for st, sl, a in zip(self.state, self.slices, self.arrays):
            buf[sl] = st[name].reshape(-1)
            st[name] = view = buf[sl].reshape(a.shape)
            self.buffer_views.append((st, name, view))
        self.flat_state[name] = buf

    def step(self, update) -> None:
        """Run ``update(p, g, state)`` once on the flat arrays and copy the results back."""
        xp.concatenate([p.grad.data.reshape(-1) for p in self.params], out=self.flat_grads,
                       casting="same_kind")
        xp.concatenate([a.reshape(-1) for a in self.arrays], out=self.flat_params)
        known = len(self.flat_state)
        update(self.flat_params, self.flat_grads, self.flat_state)
        if len(self.flat_state) != known:  # buffers created by this first update: share them
            for name in self.flat_state:
                if any(name == n for _, n, _ in self.buffer_views):
                    continue
                buf = self.flat_state[name]
                for st, sl, a in zip(self.state, self.slices, self.arrays):
                    st[name] = view = buf[sl].reshape(a.shape)
                    self.buffer_views.append((st, name, view))
        for a, v in zip(self.arrays, self.views):
            xp.copyto(a, v)


def _generate_ready(sig, plan: _Plan):
    """One function that says whether a call may replay ``plan`` at once: the arguments match
    the signature ``sig`` (:func:`_signature`, checked without building it), the default
    generator is the recorded one and :meth:`_Plan.same` holds. False sends the call down the
    slow path, which says why and records again if needed."""
    ns = {"TENSOR": Tensor, "NDARRAY": np.ndarray, "grad_on": is_grad_enabled,
          "default_generator": default_generator, "DG": plan.default_generator,
          "same": plan.same}
    parts = sig[1:]
    lines = ["def ready(args, kwargs):"]
    if any(part[0] is not None for part in parts):  # keywords: the slow path
        lines.append("    return False")
    else:
        lines.append(f"    if kwargs or len(args) != {len(parts)} or grad_on() is not "
                     f"{sig[0]!r}:")
        lines.append("        return False")
        for i, part in enumerate(parts):
            lines.append(f"    a = args[{i}]")
            if part[1] == "T":
                lines.append(f"    if type(a) is not TENSOR or a.requires_grad is not "
                             f"{part[4]!r}:")
                lines.append("        return False")
                lines.append("    a = a.data")
            else:
                lines.append("    if not isinstance(a, NDARRAY):" if part[1] == "A" else
                             f"    if type(a).__name__ != {part[2]!r} or a != V{i}:")
                lines.append("        return False")
                ns[f"V{i}"] = part[3]
            if part[1] in "TA":
                lines.append(f"    if a.shape != {part[2]!r} or a.dtype.str != {part[3]!r}:")
                lines.append("        return False")
        if plan.default_generator is not None:
            lines.append("    if default_generator() is not DG:")
            lines.append("        return False")
        lines.append("    return same()")
    source = "\n".join(lines) + "\n"
    exec(builtins.compile(source, "<badak.compile ready>", "exec"), ns)  # noqa: S102
    ready = ns["ready"]
    ready.source = source
    return ready


def _generate_guard(modules, optimizers, tensors):
    """A function that returns True while nothing the recording depends on has changed: the
    checks of :func:`_state_key`, written out as one expression against the values of now."""
    ns: dict = {}
    names: dict[int, str] = {}

    def name(obj) -> str:
        if id(obj) not in names:
            names[id(obj)] = f"v{len(names)}"
            ns[names[id(obj)]] = obj
        return names[id(obj)]

    checks = []
    flags: dict[int, bool] = {}  # tensors whose requires_grad is checked
    for m in modules:
        mv = name(m)
        checks.append(f"{mv}.training is {m.training!r}")
        checks.append(f"{mv}.settings_version == {m.settings_version!r}")
        for attr in ("_parameters", "_modules"):
            reg = getattr(m, attr)
            checks.append(f"len({mv}.{attr}) == {len(reg)}")
            for key, value in reg.items():
                checks.append(f"{mv}.{attr}.get({key!r}, 0) is {name(value)}")
                if attr == "_parameters" and value is not None:
                    flags[id(value)] = value
    for opt in optimizers:
        groups = name(opt.param_groups)
        checks.append(f"{name(opt)}.param_groups is {groups} and len({groups}) == "
                      f"{len(opt.param_groups)}")
        for k, group in enumerate(opt.param_groups):
            params = name(group["params"])
            checks.append(f"{groups}[{k}]['params'] is {params} and len({params}) == "
                          f"{len(group['params'])}")
            for i, p in enumerate(group["params"]):
                checks.append(f"{params}[{i}] is {name(p)}")
                flags[id(p)] = p
    for t in tensors:
        flags[id(t)] = t
        checks.append(f"{name(t)}.data.shape == {t.data.shape!r}")
        checks.append(f"{name(t)}.data.dtype == {name(t.data.dtype)}")
    for t in flags.values():
        checks.append(f"{name(t)}.requires_grad is {t.requires_grad!r}")
    source = "def same():\n    return (" + "\n            and ".join(checks or ["True"]) + ")\n"
    exec(builtins.compile(source, "<badak.compile guard>", "exec"), ns)  # noqa: S102
    same = ns["same"]
    same.source, same.checks, same.namespace = source, checks, ns
    return same


def _emit_backward(plan, e: int, emit, name, array, holder_index) -> None:
    """The engine's backward loop for one recorded ``loss.backward()``, unrolled."""
    nodes, out = plan
    root = f"y{holder_index[id(out)]}"
    slots = [f"g{e}_{n}" for n in range(len(nodes))]
    if len(slots) > 1:
        emit(f"    {' = '.join(slots[1:])} = None")
    emit(f"    {slots[0]} = ONE(1, dtype={root}.dtype)")
    emit(f"    if {root}.ndim:")
    emit(f"        {slots[0]} = {slots[0]}.reshape({root}.shape)")
    for n, (fn, targets) in enumerate(nodes):
        pad = "    "
        if n:  # no gradient reached this node (a None upstream): eager skips it too
            emit(f"    if {slots[n]} is not None:")
            pad = "        "
        emit(f"{pad}r = {name(fn.backward, 'B')}({slots[n]})")
        emit(f"{pad}if type(r) is not tuple:")
        emit(f"{pad}    r = (r,)")
        for i, (x, target) in enumerate(zip(fn.inputs, targets)):
            if target is None:
                continue
            j = target[0]
            emit(f"{pad}gx = r[{i}]")
            emit(f"{pad}if gx is not None:")
            xd = array(x)
            emit(f"{pad}    if gx.shape != {xd}.shape:")
            emit(f"{pad}        gx = ST(gx, {xd}.shape)")
            emit(f"{pad}    if gx.dtype is not {xd}.dtype and gx.dtype != {xd}.dtype:")
            emit(f"{pad}        gx = gx.astype({xd}.dtype)")
            if j < 0:  # a leaf (a parameter): accumulate into .grad as the engine does
                p = name(x, "X")
                emit(f"{pad}    g = {p}.grad")
                emit(f"{pad}    {p}.grad = T(gx if g is None else g.data + gx, False)")
            else:
                emit(f"{pad}    {slots[j]} = gx if {slots[j]} is None else {slots[j]} + gx")
