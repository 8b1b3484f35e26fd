"""badak's primitive operations: each one a Function node with forward and backward."""

from badak.engine.ops import inplace
from badak.engine.ops.arithmetic import add, div, mul, neg, power, sub
from badak.engine.ops.elementwise import absolute, clip, exp, log, sqrt, where
from badak.engine.ops.indexing import getitem
from badak.engine.ops.join import concatenate, stack
from badak.engine.ops.matmul import matmul
from badak.engine.ops.reduction import (
    arg_extremum,
    max_with_indices,
    norm,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    variance,
)
from badak.engine.ops.shape import (
    astype,
    broadcast_to,
    clone,
    expand,
    flatten,
    repeat,
    reshape,
    squeeze,
    sum_to,
    swapaxes,
    transpose,
    unflatten,
    unsqueeze,
)

__all__ = [
    "absolute", "add", "arg_extremum", "astype", "broadcast_to", "clip", "clone", "concatenate",
    "div", "exp", "expand", "flatten", "getitem", "inplace", "log", "matmul", "max_with_indices",
    "mul", "neg", "norm", "power", "reduce_max", "reduce_mean", "reduce_min", "reduce_sum",
    "repeat", "reshape", "sqrt", "squeeze", "stack", "sub", "sum_to", "swapaxes", "transpose",
    "unflatten", "unsqueeze", "variance", "where",
]
