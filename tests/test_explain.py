"""The backward trace: what every node receives and passes on, without touching .grad."""

import numpy as np
import pytest

import badak
import badak.functional as F
from badak.lecture.explain import Trace, format_value, trace


def named(value, name, requires_grad=True):
    t = badak.tensor(value, requires_grad=requires_grad)
    t.name = name
    return t


def apple_graph():
    price, count, tax = named(100.0, "price"), named(2.0, "count"), named(1.1, "tax")
    total = price * count * tax
    total.name = "total"
    return price, count, tax, total


def row_with(text: str, cell: str) -> list[str]:
    (line,) = [ln for ln in text.splitlines() if cell in ln and "  " in ln and "=" in ln
               and not ln.startswith("backward")]
    return [c.strip() for c in line.split("  ") if c.strip()]


def test_apple_trace_shows_the_lecture_gradients():
    # Saito §5.4: total = (price·count)·tax. The tax node receives 1 and passes 1.1 to the
    # subtotal (200) and 200 to tax; the apple node receives 1.1 and passes 1.1·2 = 2.2 to
    # price and 1.1·100 = 110 to count.
    price, count, tax, total = apple_graph()
    tr = trace(total)
    assert isinstance(tr, Trace) and len(tr.steps) == 2
    first, second = tr.steps
    assert first.op == "Mul" and first.output.label == "total"
    assert float(first.upstream) == 1.0
    assert [i.tensor.label for i in first.inputs] == ["t1", "tax"]
    assert float(first.inputs[0].passed) == pytest.approx(1.1)
    assert float(first.inputs[1].passed) == pytest.approx(200.0)
    assert float(second.upstream) == pytest.approx(1.1)
    assert float(second.inputs[0].local) == pytest.approx(2.0)    # the other input: count
    assert float(second.inputs[0].passed) == pytest.approx(2.2)
    assert float(second.inputs[1].local) == pytest.approx(100.0)  # the other input: price
    assert float(second.inputs[1].passed) == pytest.approx(110.0)
    assert float(tr.grad("price")) == pytest.approx(2.2)
    assert float(tr.grad("count")) == pytest.approx(110.0)
    assert float(tr.grad("tax")) == pytest.approx(200.0)

    text = tr.to_text()
    assert row_with(text, "price = 100")[-2:] == ["2", "2.2"]
    assert row_with(text, "count = 2")[-2:] == ["100", "110"]
    assert row_with(text, "tax = 1.1")[-2:] == ["200", "200"]
    assert row_with(text, "total = 220")[:4] == ["1", "Mul", "total = 220", "1"]
    assert str(tr) == text
    md = tr.to_markdown()
    assert "| 2 | Mul | t1 = 200 | 1.1 | price = 100 | 2 | 2.2 |" in md
    assert "| count | 2 | 110 |" in md and "| tax | 1.1 | 200 |" in md


def test_trace_leaves_grad_and_graph_alone():
    price, count, tax, total = apple_graph()
    tax.grad = badak.tensor(5.0)
    trace(total)
    assert price.grad is None and count.grad is None and float(tax.grad) == 5.0
    total.backward()  # the graph was retained
    assert float(price.grad) == pytest.approx(2.2)
    assert float(tax.grad) == pytest.approx(205.0)


def test_add_passes_upstream_and_exp_reuses_its_output():
    x = named(np.array([0.5, -1.0]), "x")
    b = named(np.array(2.0), "b")
    y = (x.exp() + b).sum()
    tr = trace(y)
    ops = [s.op for s in tr.steps]
    assert ops == ["Sum", "Add", "Exp"]
    add = tr.steps[1]
    np.testing.assert_array_equal(add.inputs[0].local, [1.0, 1.0])
    np.testing.assert_array_equal(add.inputs[1].passed, 2.0)  # broadcast summed back
    exp = tr.steps[2]
    np.testing.assert_allclose(exp.inputs[0].local, np.exp([0.5, -1.0]))
    assert isinstance(tr.steps[0].inputs[0].local, str)  # sum mixes elements: a rule


def test_local_times_upstream_is_passed_for_elementwise_ops():
    x = named(np.array([0.3, -2.0, 1.5]), "x")
    y = (F.sigmoid(x * 3.0) ** 2).sum()
    for step in trace(y).steps:
        for inp in step.inputs:
            if isinstance(inp.local, np.ndarray) and inp.passed is not None:
                np.testing.assert_allclose(inp.passed, step.upstream * inp.local, rtol=1e-12)
    sig = [s for s in trace(y).steps if s.op == "Sigmoid"][0]
    s = 1 / (1 + np.exp(-3 * x.data))
    np.testing.assert_allclose(sig.inputs[0].local, s * (1 - s))


def test_matmul_rule_and_summaries_of_large_tensors():
    x = named(np.arange(12.0).reshape(3, 4), "x")
    w = named(np.ones((4, 2)), "W")
    tr = trace((x @ w).mean())
    mm = tr.steps[-1]
    assert mm.op == "MatMul" and mm.inputs[0].local == "gy @ Bᵀ"
    assert mm.inputs[0].passed.shape == (3, 4)
    text = tr.to_text()
    assert "x = shape (3, 4), mean 5.5, norm 22.4944" in text
    assert "shape (4, 2), mean 1, norm 2.82843" in text


def test_constants_are_marked():
    x = named(3.0, "x")
    tr = trace(x * 2)
    const = tr.steps[0].inputs[1]
    assert const.tensor.label == "c1" and const.local is None and const.passed is None
    assert "(constant)" in tr.to_text()


def test_format_value():
    assert format_value(np.float32(2.2)) == "2.2"
    assert format_value(np.array([[1.0, -0.0], [3.5, 4.0]])) == "[[1, 0], [3.5, 4]]"
    assert format_value(np.arange(10.0), max_elements=6) == "shape (10,), mean 4.5, norm 16.8819"
    assert format_value(None) == "—"


def test_errors():
    with pytest.raises(ValueError, match="requires_grad=True"):
        trace(badak.tensor(1.0) * 2)
    x = badak.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar output"):
        trace(x * 2)
    tr = trace(x * 2, gradient=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(tr.leaf_grads[0][1], [2.0, 4.0, 6.0])
    with pytest.raises(KeyError, match="leaves: t1"):
        tr.grad("nope")


def test_same_names_get_distinct_labels():
    a, b = named(1.0, "x"), named(2.0, "x")
    tr = trace(a * b)
    assert [r.label for r, _ in tr.leaf_grads] == ["x", "x#2"]
