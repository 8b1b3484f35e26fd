"""badak's primitive operations: each one a Function node with forward and backward."""

from badak.ops import inplace
from badak.ops.arithmetic import add, div, mul, neg, power, sub
from badak.ops.elementwise import absolute, clip, exp, log, sqrt, where
from badak.ops.indexing import getitem
from badak.ops.join import concatenate, stack
from badak.ops.matmul import matmul
from badak.ops.reduction import (
    arg_extremum,
    max_with_indices,
    norm,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    variance,
)
from badak.ops.shape import (
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
