"""badak's primitive operations: each one a Function node with forward and backward."""

from badak.ops.arithmetic import add, div, mul, neg, power, sub
from badak.ops.elementwise import absolute, clip, exp, log, sqrt, where
from badak.ops.indexing import getitem
from badak.ops.join import concatenate, stack
from badak.ops.matmul import matmul
from badak.ops.reduction import reduce_max, reduce_mean, reduce_min, reduce_sum
from badak.ops.shape import astype, broadcast_to, reshape, sum_to, transpose

__all__ = [
    "absolute", "add", "astype", "broadcast_to", "clip", "concatenate", "div", "exp", "getitem",
    "log", "matmul", "mul", "neg", "power", "reduce_max", "reduce_mean", "reduce_min",
    "reduce_sum", "reshape", "sqrt", "stack", "sub", "sum_to", "transpose", "where",
]
