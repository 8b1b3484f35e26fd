"""Indexing node: y = x[index]; backward scatter-adds the upstream gradient into zeros.

With an integer array that repeats an index (``x[[0, 0, 1]]``), the repeated element receives the
sum of the gradients of its copies, which is why backward uses ``np.add.at`` and not assignment.
"""

from __future__ import annotations

from badak.engine.autograd import Function
from badak.engine.backend import xp
from badak.engine.ops.prims import _scatter_add
from badak.engine.tensor import Tensor, as_tensor


class GetItem(Function):
    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.in_shape = x.shape
        return x[self.index]  # (in_shape) -> shape selected by index

    def backward(self, gy):
        return self.prims.scatter_add(gy, self.index, self.in_shape)  # (selected) -> (in_shape)


class GetItemGrad(Function):
    """The backward of GetItem as a node of its own, so that it too can be differentiated."""

    def __init__(self, index, in_shape):
        self.index = index
        self.in_shape = in_shape

    def forward(self, gy):
        return _scatter_add(gy, self.index, self.in_shape)  # (selected) -> (in_shape)

    def backward(self, ggx):
        return getitem(ggx, self.index)




def _normalise_index(index):
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return xp.asarray(index)
    return index


def getitem(x, index) -> Tensor:
    """Return ``x[index]`` for ints, slices, ``None``, ``...`` and integer or boolean arrays."""
    x = as_tensor(x)
    index = _normalise_index(index)
    try:
        x.data[index]
    except IndexError as e:
        raise IndexError(f"index {index!r} is out of range for a tensor of shape {x.shape}: "
                         f"{e}") from e
    from badak.engine.tensor import _share_version

    return _share_version(GetItem(index)(x), x)
