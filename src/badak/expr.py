"""Arithmetic expressions typed by a user, parsed safely into badak graphs.

``badak gd "x**2 + 3*x"`` and ``badak graph "(x + y) * z"`` take a formula as text. Running that
text as Python (``eval``) would run anything, ``__import__('os').system(...)`` included. Instead
:func:`parse` reads it with Python's own parser (:mod:`ast`) and accepts only a whitelist:

- numbers (``2``, ``0.5``, ``1e-3``) and the constants ``pi`` and ``e``,
- the declared variables,
- ``+ - * / **``, unary ``-`` and ``+``, and parentheses,
- calls of badak's functions by name with positional arguments: ``exp log sqrt abs tanh
  sigmoid relu step``.

Anything else (attribute access, indexing, strings, lambdas, comprehensions, keyword
arguments, unknown names, comparisons, ...) is refused with an :class:`ExpressionError` that
says what is not allowed and at which column. :meth:`Expression.evaluate` then builds the badak
graph by walking the checked tree: nothing is compiled, nothing is passed to ``eval``.

Sources: the Python ``ast`` module documentation (https://docs.python.org/3/library/ast.html).
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Iterable

import numpy as np

import badak.functional as F
from badak import ops
from badak.tensor import Tensor

__all__ = ["CONSTANTS", "FUNCTIONS", "Expression", "ExpressionError", "parse"]

MAX_LENGTH = 2000  # characters: formulas, not programs
MAX_DEPTH = 200  # nesting of the tree: deeper trees are refused before they exhaust the stack

# Name -> badak function of one tensor.
FUNCTIONS = {
    "exp": ops.exp,
    "log": ops.log,
    "sqrt": ops.sqrt,
    "abs": ops.absolute,
    "tanh": F.tanh,
    "sigmoid": F.sigmoid,
    "relu": F.relu,
    "step": F.step,
}

CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {ast.Add: ops.add, ast.Sub: ops.sub, ast.Mult: ops.mul, ast.Div: ops.div,
           ast.Pow: ops.power}
_OPERATOR_SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                     ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&",
                     ast.Invert: "~", ast.Not: "not"}
_REFUSED = {
    ast.Subscript: "indexing or slicing ([...])",
    ast.Lambda: "a lambda function",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "a conditional expression (... if ... else ...)",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.Starred: "a starred argument (*args)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class ExpressionError(ValueError):
    """An expression uses something the safe parser does not allow, or is not valid syntax."""


def _allowed_summary() -> str:
    return ("allowed are numbers, the declared variables, + - * / ** and unary -, parentheses "
            f"and the functions {', '.join(sorted(FUNCTIONS))}")


class _Checker:
    """Walk the tree once, refusing every node that is not on the whitelist."""

    def __init__(self, variables: tuple[str, ...], offset: int = 0):
        self.variables = variables
        self.offset = offset  # leading spaces stripped before parsing

    def _where(self, node: ast.AST) -> str:
        col = getattr(node, "col_offset", 0)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            col = node.value.end_col_offset  # point at the '.' or the '['
        return f"at column {col + 1 + self.offset}"

    def check(self, node: ast.AST, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} "
                                  f"levels) {self._where(node)}")
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                what = "a string" if isinstance(v, (str, bytes)) else f"the constant {v!r}"
                raise ExpressionError(f"{what} is not allowed {self._where(node)}; only numbers "
                                      f"are")
            try:
                float(v)
            except OverflowError:
                raise ExpressionError(f"the number {self._where(node)} is too large for a "
                                      f"float") from None
            return
        if isinstance(node, ast.Name):
            if node.id not in self.variables and node.id not in CONSTANTS:
                declared = ", ".join(self.variables) or "(none)"
                hint = (f"; '{node.id}' is a function: call it, e.g. {node.id}(x)"
                        if node.id in FUNCTIONS else "")
                raise ExpressionError(f"unknown name '{node.id}' {self._where(node)}: declared "
                                      f"variables are {declared}{hint}")
            return
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                sym = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise ExpressionError(f"the operator '{sym}' is not allowed {self._where(node)}; "
                                      f"{_allowed_summary()}")
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
            return
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                sym = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise ExpressionError(f"the operator '{sym}' is not allowed {self._where(node)}; "
                                      f"{_allowed_summary()}")
            self.check(node.operand, depth + 1)
            return
        if isinstance(node, ast.Call):
            self._check_call(node, depth)
            return
        what = _REFUSED.get(type(node), f"'{type(node).__name__}'")
        if isinstance(node, ast.Attribute):
            what = f"attribute access (.{node.attr})"
        raise ExpressionError(f"{what} is not allowed {self._where(node)}; "
                              f"{_allowed_summary()}")

    def _check_call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise ExpressionError(f"attribute access (.{node.func.attr}) is not allowed "
                                      f"{self._where(node.func)}; call functions by name, e.g. "
                                      f"exp(x)")
            raise ExpressionError(f"only functions called by name can be called "
                                  f"{self._where(node)}: {', '.join(sorted(FUNCTIONS))}")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function '{name}' {self._where(node)}: allowed "
                                  f"functions are {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            kw = node.keywords[0]
            raise ExpressionError(f"keyword arguments ({kw.arg or '**'}=...) are not allowed "
                                  f"{self._where(kw)}; pass the argument by position, e.g. "
                                  f"{name}(x)")
        if len(node.args) != 1:
            raise ExpressionError(f"{name}() takes exactly one argument; received "
                                  f"{len(node.args)} {self._where(node)}")
        self.check(node.args[0], depth + 1)


class Expression:
    """A checked arithmetic expression; :meth:`evaluate` builds its badak graph.

    Attributes
    ----------
    source : str
        The text as given.
    variables : tuple of str
        The declared variable names, in the order given.
    """

    def __init__(self, source: str, tree: ast.Expression, variables: tuple[str, ...]):
        self.source = source
        self._tree = tree
        self.variables = variables

    def evaluate(self, **values) -> Tensor:
        """Build the graph of the expression for the given variable values.

        Every declared variable needs a value: a number or array (it becomes a float64 tensor
        with ``requires_grad=True`` named after the variable, so traces and pictures show the
        name) or a Tensor (used as is, e.g. inside :func:`badak.gd.minimize`).

        Returns
        -------
        Tensor
            The value of the expression, with its graph.
        """
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise ValueError(f"evaluate needs a value for every variable; missing "
                             f"{', '.join(missing)} (variables: {', '.join(self.variables)})")
        extra = [k for k in values if k not in self.variables]
        if extra:
            raise ValueError(f"evaluate received values for unknown variables "
                             f"{', '.join(extra)}; the variables are "
                             f"{', '.join(self.variables) or '(none)'}")
        env = {}
        for name, v in values.items():
            if isinstance(v, Tensor):
                env[name] = v
            else:
                t = Tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
                t.name = name
                env[name] = t
        with np.errstate(all="ignore"):  # overflow shows as inf in the result, not a warning
            return self._build(self._tree.body, env)

    def _build(self, node: ast.AST, env: dict) -> Tensor:
        if isinstance(node, ast.Constant):
            return Tensor(np.asarray(float(node.value)))
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return Tensor(np.asarray(CONSTANTS[node.id]))
        if isinstance(node, ast.UnaryOp):
            number = _number(node)
            if number is not None:  # -3 is a number, not a negation node
                return Tensor(np.asarray(number))
            x = self._build(node.operand, env)
            return ops.neg(x) if isinstance(node.op, ast.USub) else x
        if isinstance(node, ast.BinOp):
            left = self._build(node.left, env)
            exponent = _number(node.right) if isinstance(node.op, ast.Pow) else None
            if exponent is not None and isinstance(left, Tensor):
                return ops.power(left, exponent)  # x ** c: one node with c·x^(c-1)
            return _BINARY[type(node.op)](left, self._build(node.right, env))
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](self._build(node.args[0], env))
        raise ExpressionError(f"internal error: unchecked node {type(node).__name__}")

    def __call__(self, **values) -> Tensor:
        return self.evaluate(**values)

    def __repr__(self) -> str:
        return f"Expression({self.source!r}, variables={self.variables!r})"

    def __str__(self) -> str:
        return self.source


def _number(node: ast.AST) -> float | None:
    """The value of a (signed) number literal, else None."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        if isinstance(node.op, ast.USub):
            sign = -sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return sign * float(node.value)
    return None


def parse(expr: str, variables: Iterable[str] = ("x",)) -> Expression:
    """Parse ``expr`` safely into an :class:`Expression` over ``variables``.

    Parameters
    ----------
    expr : str
        E.g. ``"x**2 + 3*x - 1"`` or ``"sigmoid(w*x + b)"``.
    variables : iterable of str, default=('x',)
        The names the expression may use (identifiers, not function names).

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        For invalid syntax or anything outside the whitelist, saying what and at which column.

    Examples
    --------
    >>> e = parse("x**2 + 1", ["x"])
    >>> float(e.evaluate(x=3.0).item())
    10.0
    >>> parse("__import__('os')", ["x"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    badak.expr.ExpressionError: unknown function '__import__' at column 1: allowed functions ...
    """
    if not isinstance(expr, str):
        raise TypeError(f"expr must be a str; received {type(expr).__name__}")
    if isinstance(variables, str):
        raise TypeError(f"variables must be an iterable of names such as ['x', 'y']; received "
                        f"the string {variables!r}")
    names = tuple(variables)
    for v in names:
        if not isinstance(v, str) or not v.isidentifier() or keyword.iskeyword(v):
            raise ValueError(f"variables must be Python identifiers; received {v!r}")
        if v in FUNCTIONS:
            raise ValueError(f"variables must not be named like a function; received {v!r} "
                             f"(functions: {', '.join(sorted(FUNCTIONS))})")
    if len(set(names)) != len(names):
        raise ValueError(f"variables must be distinct; received {list(names)}")
    if not expr.strip():
        raise ExpressionError("the expression is empty")
    if len(expr) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long ({len(expr)} characters; at most "
                              f"{MAX_LENGTH})")
    offset = len(expr) - len(expr.lstrip())
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        col = f" at column {e.offset + offset}" if e.offset else ""
        why = "" if e.msg == "invalid syntax" else f" ({e.msg})"
        raise ExpressionError(f"invalid syntax{col} in {expr.strip()!r}{why}") from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise ExpressionError(f"the expression cannot be parsed ({type(e).__name__}: it is "
                              f"nested too deeply or contains invalid characters)") from None
    _Checker(names, offset).check(tree.body)
    return Expression(expr.strip(), tree, names)
