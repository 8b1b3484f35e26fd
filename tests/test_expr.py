"""The safe expression parser: a whitelist over Python's ast, never eval."""

import ast
import builtins
import math

import numpy as np
import pytest

import badak
from badak.lecture.explain import trace
from badak.lecture.expr import Expression, ExpressionError, parse
from badak.lecture.gd import minimize


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "unknown function '__import__' at column 1"),
    ("__import__('os').system('ls')", "attribute access (.system) is not allowed at column 17"),
    ("x.__class__", "attribute access (.__class__) is not allowed at column 2"),
    ("().__class__.__bases__", "attribute access (.__bases__) is not allowed at column 13"),
    ("x[0]", "indexing or slicing ([...]) is not allowed at column 2"),
    ("lambda: 1", "a lambda function is not allowed at column 1"),
    ("(lambda: x)()", "only functions called by name can be called at column 1"),
    ("[x for x in (1, 2)]", "a list comprehension is not allowed at column 1"),
    ("sum(x for x in (1,))", "unknown function 'sum' at column 1"),
    ("x + 'os'", "a string is not allowed at column 5"),
    ("exp(x=1)", "keyword arguments (x=...) are not allowed at column 5"),
    ("y * 2", "unknown name 'y' at column 1: declared variables are x"),
    ("exp", "'exp' is a function"),
    ("exp(x, 2)", "exp() takes exactly one argument"),
    ("x // 2", "the operator '//' is not allowed"),
    ("x if x else 1", "a conditional expression"),
    ("1 < x", "a comparison is not allowed"),
    ("(x := 3)", "an assignment expression"),
    ("x +", "invalid syntax"),
    ("import os", "invalid syntax"),
    ("x; 1", "invalid syntax at column 2"),
    ("", "empty"),
    ("-" * 300 + "x", "nested too deeply"),
    ("1" * 400, "too large"),
    ("x" * 3000, "too long"),
])
def test_hostile_and_invalid_inputs_are_refused(text, message):
    with pytest.raises(ExpressionError) as e:
        parse(text, ["x"])
    assert message in str(e.value)
    assert isinstance(e.value, ValueError)


def test_never_calls_eval_exec_or_compiles_to_code(monkeypatch):
    # ast.parse itself calls compile(..., flags=PyCF_ONLY_AST), which builds a tree, not code:
    # only that use is let through.
    real_compile = builtins.compile
    seen = []

    def tree_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("compile to code must not be used")
        seen.append(mode)
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must not be used")

    with monkeypatch.context() as m:
        m.setattr(builtins, "eval", forbidden)
        m.setattr(builtins, "exec", forbidden)
        m.setattr(builtins, "compile", tree_only_compile)
        value = parse("exp(x) * y - sqrt(y)", ["x", "y"]).evaluate(x=0.0, y=4.0)
    assert float(value) == pytest.approx(4.0 - 2.0)
    assert seen == ["eval"]


@pytest.mark.parametrize("text, expected", [
    ("x**2 + 3*x - 1", lambda x, y: x ** 2 + 3 * x - 1),
    ("-x ** 2", lambda x, y: -(x ** 2)),
    ("2 ** x / y", lambda x, y: 2 ** x / y),
    ("x ** -1 + +y", lambda x, y: 1 / x + y),
    ("sigmoid(x * y) + tanh(y) + relu(-x) + abs(-y) + step(x)",
     lambda x, y: 1 / (1 + math.exp(-x * y)) + math.tanh(y) + 0 + y + 1),
    ("log(exp(x)) * pi + e", lambda x, y: x * math.pi + math.e),
    ("((x + y)) * (x - y)", lambda x, y: (x + y) * (x - y)),
])
def test_values_match_python_arithmetic(text, expected):
    got = parse(text, ["x", "y"]).evaluate(x=1.5, y=0.75)
    assert float(got) == pytest.approx(expected(1.5, 0.75), rel=1e-12)


def test_gradients_flow_to_named_variables():
    e = parse("(x + y) * z", ["x", "y", "z"])
    assert isinstance(e, Expression) and e.variables == ("x", "y", "z")
    out = e.evaluate(x=1.0, y=2.0, z=-4.0)
    tr = trace(out)
    assert [r.label for r, _ in tr.leaf_grads] == ["x", "y", "z"]
    assert float(tr.grad("x")) == -4.0 and float(tr.grad("z")) == 3.0
    assert "x = 1" in tr.to_text()


def test_power_by_a_number_is_one_node():
    out = parse("x ** 3", ["x"]).evaluate(x=2.0)
    assert out.creator.name == "PowScalar"
    (g,) = badak.grad(out, out.creator.inputs[0])
    assert float(g) == 12.0


def test_works_with_arrays_and_tensors_and_gradient_descent():
    e = parse("(x - 2) ** 2", ["x"])
    np.testing.assert_allclose(e.evaluate(x=np.array([0.0, 2.0, 3.0])).data, [4.0, 0.0, 1.0])
    t = badak.tensor(5.0, requires_grad=True, dtype="float64")
    assert e.evaluate(x=t).creator.inputs[0].creator.inputs[0] is t
    r = minimize(lambda x: e.evaluate(x=x), 5.0, lr=0.25, steps=100)
    assert r.converged and r.x == pytest.approx(2.0)


def test_evaluate_needs_exactly_the_declared_variables():
    e = parse("x * y", ["x", "y"])
    with pytest.raises(ValueError, match="missing y"):
        e.evaluate(x=1.0)
    with pytest.raises(ValueError, match="unknown variables z"):
        e.evaluate(x=1.0, y=2.0, z=3.0)


@pytest.mark.parametrize("variables, exc, match", [
    (["1x"], ValueError, "identifiers"),
    (["lambda"], ValueError, "identifiers"),
    (["exp"], ValueError, "named like a function"),
    (["x", "x"], ValueError, "distinct"),
    ("xy", TypeError, "iterable of names"),
])
def test_bad_variable_declarations(variables, exc, match):
    with pytest.raises(exc, match=match):
        parse("1", variables)


def test_leading_spaces_keep_columns_right():
    with pytest.raises(ExpressionError, match="at column 7"):
        parse("  x + 'a'", ["x"])
