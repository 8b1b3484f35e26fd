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

import badak.engine.functional as F
from badak.engine import ops
from badak.engine.tensor import Tensor
from badak.i18n import N_
from badak.i18n.localized import Localized, Phrase

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
    ast.Subscript: Phrase(N_("indexing or slicing ([...])")),
    ast.Lambda: Phrase(N_("a lambda function")),
    ast.ListComp: Phrase(N_("a list comprehension")),
    ast.SetComp: Phrase(N_("a set comprehension")),
    ast.DictComp: Phrase(N_("a dict comprehension")),
    ast.GeneratorExp: Phrase(N_("a generator expression")),
    ast.Compare: Phrase(N_("a comparison")),
    ast.BoolOp: Phrase(N_("'and' / 'or'")),
    ast.IfExp: Phrase(N_("a conditional expression (... if ... else ...)")),
    ast.List: Phrase(N_("a list")),
    ast.Tuple: Phrase(N_("a tuple")),
    ast.Set: Phrase(N_("a set")),
    ast.Dict: Phrase(N_("a dict")),
    ast.JoinedStr: Phrase(N_("an f-string")),
    ast.NamedExpr: Phrase(N_("an assignment expression (:=)")),
    ast.Starred: Phrase(N_("a starred argument (*args)")),
    ast.Await: Phrase(N_("await")),
    ast.Yield: Phrase(N_("yield")),
    ast.YieldFrom: Phrase(N_("yield")),
}


class ExpressionError(Localized, ValueError):
    """An expression uses something the safe parser does not allow, or is not valid syntax.

    ``str(error)`` is the English reason; ``error.in_language('ko')`` the Korean one (see
    :mod:`badak.i18n.localized`).
    """

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


class _VariablesError(Localized, ValueError):
    """``variables`` is not a list of distinct identifiers (a ValueError, as before, that the
    command line can say in Korean)."""

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


def _allowed_summary() -> Phrase:
    return Phrase(N_("allowed are numbers, the declared variables, + - * / ** and unary -, "
                     "parentheses and the functions {functions}"),
                  functions=", ".join(sorted(FUNCTIONS)))


class _Checker:
    """Walk the tree once, refusing every node that is not on the whitelist."""

    def __init__(self, variables: tuple[str, ...], offset: int = 0):
        self.variables = variables
        self.offset = offset  # leading spaces stripped before parsing

    def _where(self, node: ast.AST) -> Phrase:
        col = getattr(node, "col_offset", 0)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            col = node.value.end_col_offset  # point at the '.' or the '['
        return Phrase(N_("at column {column}"), column=col + 1 + self.offset)

    def check(self, node: ast.AST, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise ExpressionError(N_("the expression is nested too deeply (more than {depth} "
                                     "levels) {where}"), depth=MAX_DEPTH, where=self._where(node))
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                what = Phrase(N_("a string")) if isinstance(v, (str, bytes)) \
                    else Phrase(N_("the constant {value!r}"), value=v)
                raise ExpressionError(N_("{what} is not allowed {where}; only numbers are"),
                                      what=what, where=self._where(node))
            try:
                float(v)
            except OverflowError:
                raise ExpressionError(N_("the number {where} is too large for a float"),
                                      where=self._where(node)) from None
            return
        if isinstance(node, ast.Name):
            if node.id not in self.variables and node.id not in CONSTANTS:
                declared = ", ".join(self.variables) or Phrase(N_("(none)"))
                hint = (Phrase(N_("; '{name}' is a function: call it, e.g. {name}(x)"),
                               name=node.id) if node.id in FUNCTIONS else "")
                raise ExpressionError(N_("unknown name '{name}' {where}: declared variables are "
                                         "{declared}{hint}"), name=node.id,
                                      where=self._where(node), declared=declared, hint=hint)
            return
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                sym = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise ExpressionError(N_("the operator '{sym}' is not allowed {where}; "
                                         "{allowed}"), sym=sym, where=self._where(node),
                                      allowed=_allowed_summary())
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
            return
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                sym = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise ExpressionError(N_("the operator '{sym}' is not allowed {where}; "
                                         "{allowed}"), sym=sym, where=self._where(node),
                                      allowed=_allowed_summary())
            self.check(node.operand, depth + 1)
            return
        if isinstance(node, ast.Call):
            self._check_call(node, depth)
            return
        what = _REFUSED.get(type(node), f"'{type(node).__name__}'")
        if isinstance(node, ast.Attribute):
            what = Phrase(N_("attribute access (.{attr})"), attr=node.attr)
        raise ExpressionError(N_("{what} is not allowed {where}; {allowed}"), what=what,
                              where=self._where(node), allowed=_allowed_summary())

    def _check_call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise ExpressionError(N_("attribute access (.{attr}) is not allowed {where}; "
                                         "call functions by name, e.g. exp(x)"),
                                      attr=node.func.attr, where=self._where(node.func))
            raise ExpressionError(N_("only functions called by name can be called {where}: "
                                     "{functions}"), where=self._where(node),
                                  functions=", ".join(sorted(FUNCTIONS)))
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(N_("unknown function '{name}' {where}: allowed functions are "
                                     "{functions}"), name=name, where=self._where(node),
                                  functions=", ".join(sorted(FUNCTIONS)))
        if node.keywords:
            kw = node.keywords[0]
            raise ExpressionError(N_("keyword arguments ({arg}=...) are not allowed {where}; "
                                     "pass the argument by position, e.g. {name}(x)"),
                                  arg=kw.arg or "**", where=self._where(kw), name=name)
        if len(node.args) != 1:
            raise ExpressionError(N_("{name}() takes exactly one argument; received {n} "
                                     "{where}"), name=name, n=len(node.args),
                                  where=self._where(node))
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
        name) or a Tensor (used as is, e.g. inside :func:`badak.lecture.gd.minimize`).

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
        raise ExpressionError(N_("internal error: unchecked node {kind}"),
                              kind=type(node).__name__)

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
    badak.lecture.expr.ExpressionError: unknown function '__import__' at column 1: ...
    """
    if not isinstance(expr, str):
        raise TypeError(f"expr must be a str; received {type(expr).__name__}")
    if isinstance(variables, str):
        raise TypeError(f"variables must be an iterable of names such as ['x', 'y']; received "
                        f"the string {variables!r}")
    names = tuple(variables)
    for v in names:
        if not isinstance(v, str) or not v.isidentifier() or keyword.iskeyword(v):
            raise _VariablesError(N_("variables must be Python identifiers; received {name!r}"),
                                  name=v)
        if v in FUNCTIONS:
            raise _VariablesError(N_("variables must not be named like a function; received "
                                     "{name!r} (functions: {functions})"), name=v,
                                  functions=", ".join(sorted(FUNCTIONS)))
    if len(set(names)) != len(names):
        raise _VariablesError(N_("variables must be distinct; received {names}"),
                              names=list(names))
    if not expr.strip():
        raise ExpressionError(N_("the expression is empty"))
    if len(expr) > MAX_LENGTH:
        raise ExpressionError(N_("the expression is too long ({n} characters; at most "
                                 "{most})"), n=len(expr), most=MAX_LENGTH)
    offset = len(expr) - len(expr.lstrip())
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        col = Phrase(N_(" at column {column}"), column=e.offset + offset) if e.offset else ""
        why = "" if e.msg == "invalid syntax" else f" ({e.msg})"     # Python's own words
        raise ExpressionError(N_("invalid syntax{col} in {expr!r}{why}"), col=col,
                              expr=expr.strip(), why=why) from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise ExpressionError(N_("the expression cannot be parsed ({kind}: it is nested too "
                                 "deeply or contains invalid characters)"),
                              kind=type(e).__name__) from None
    _Checker(names, offset).check(tree.body)
    return Expression(expr.strip(), tree, names)
