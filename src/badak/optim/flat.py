"""One vectorised update for all the parameters of a small model.

A step of RMSprop is about seven NumPy operations per parameter. For a small network such as the
lecture's Boston MLP (six parameters, 5,121 numbers) each operation costs more in Python and NumPy
call overhead than in arithmetic, so the optimizer spends most of its time calling. The built-in
update rules of :mod:`badak.optim` are elementwise (they declare it: ``elementwise = True``), so
such a rule can instead run once over all the parameters of a group laid end to end: gather the
parameters and gradients into two flat arrays, update, and copy the new values back into each
parameter's own array (``p.data`` keeps its identity). A rule that is not elementwise (one that
normalises each parameter by its own norm, say) would give other numbers on the joined array, so
the optimizer never takes this path for it (PyTorch's ``foreach`` is the same idea).

The optimizer's buffers (velocity, squares, moments) live in flat arrays too, and each
``state[i][name]`` is a view into them, so ``state_dict`` and the per-parameter path see the same
numbers. The layout is rebuilt whenever a parameter's array or the state is replaced.
"""

from __future__ import annotations

import numpy as np

from badak.backend import xp

FLAT_LIMIT = 1 << 16
"""Models with at most this many numbers take the flat path; larger ones are bound by arithmetic
and memory traffic, where gathering and copying back would cost more than it saves."""


class FlatLayout:
    """Where each parameter sits in the flat arrays, and the flat arrays themselves."""

    def __init__(self, params, owner: list[dict[str, np.ndarray]], index: list[int] | None = None,
                 limit: int | None = -1):
        """``params`` (one group), the optimizer's state list ``owner`` and the positions
        ``index`` of the group's parameters in it (default: all). Groups of more than ``limit``
        numbers (default :data:`FLAT_LIMIT`; None: no limit) are left to the per-parameter path
        (``ok`` False)."""
        self.params = params
        self.arrays = [p.data for p in params]
        self.owner = owner
        self.state = owner if index is None else [owner[i] for i in index]
        state = self.state
        dtype = self.arrays[0].dtype
        limit = FLAT_LIMIT if limit == -1 else limit
        self.ok = (len(params) > 1 and dtype.kind == "f"
                   and all(a.dtype == dtype for a in self.arrays)
                   and (limit is None or sum(a.size for a in self.arrays) <= limit))
        if not self.ok:
            return
        sizes = [a.size for a in self.arrays]
        ends = np.cumsum(sizes)
        self.slices = [slice(int(e - s), int(e)) for s, e in zip(sizes, ends)]
        total = int(ends[-1])
        self.flat_params = xp.empty(total, dtype)
        self.flat_grads = xp.empty(total, dtype)
        self.views = [self.flat_params[sl].reshape(a.shape) for sl, a in
                      zip(self.slices, self.arrays)]
        self.flat_state: dict[str, np.ndarray] = {}
        for name in sorted({name for st in state for name in st}):
            self._adopt(name)

    def valid_for(self, params, owner) -> bool:
        """True while no parameter array and no state list was replaced since the layout."""
        if owner is not self.owner or params is not self.params:
            return False
        for p, a in zip(params, self.arrays):
            if p.data is not a:
                return False
        return True

    def _adopt(self, name: str) -> None:
        """Move buffer ``name`` of every parameter into one flat array and leave views behind."""
        buf = xp.zeros_like(self.flat_params)
        for st, sl, a in zip(self.state, self.slices, self.arrays):
            old = st.get(name)
            if old is not None:
                buf[sl] = old.reshape(-1)
            st[name] = buf[sl].reshape(a.shape)
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
                buf = self.flat_state[name]
                for st, sl, a in zip(self.state, self.slices, self.arrays):
                    st[name] = buf[sl].reshape(a.shape)
        for a, v in zip(self.arrays, self.views):
            xp.copyto(a, v)
