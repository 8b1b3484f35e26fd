"""Graph pictures without Graphviz: badak's own layered layout and SVG writer."""

import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import badak
from badak.lecture.explain import op_symbol, parameter_names, trace
from badak.lecture.graphsvg import layout_trace, trace_to_svg
from badak.lecture.viz import draw_graph

SVG = "{http://www.w3.org/2000/svg}"


def apple():
    price, count, tax = (badak.tensor(v, requires_grad=True, dtype=np.float64)
                         for v in (100.0, 2.0, 1.1))
    price.name, count.name, tax.name = "price", "count", "tax"
    total = price * count * tax
    total.name = "total"
    return total


def node_groups(svg: str) -> dict[str, str]:
    """data-node -> all text inside that <g class="node ...">."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" in g.get("class", "").split():
            out[g.get("data-node")] = " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
    return out


@pytest.fixture
def no_dot(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setenv("PATH", "")


def test_apple_svg_without_graphviz_has_nodes_values_and_gradients(no_dot, tmp_path):
    drawing = draw_graph(apple())
    path = drawing.render(tmp_path / "apple.svg")
    svg = path.read_text(encoding="utf-8")
    groups = node_groups(svg)                          # parses as XML
    assert set(groups) == {"price", "count", "tax", "t1", "total", "op1", "op2"}
    assert "220" in groups["total"] and "100" in groups["price"]
    assert "∂total/∂price = 2.2" in groups["price"]
    assert "∂total/∂count = 110" in groups["count"] and "∂total/∂tax = 200" in groups["tax"]
    assert groups["op1"].strip() == "×" and groups["op2"].strip() == "×"
    # the backward direction and the local factor on the edges, and a legend
    assert "← 2.2" in svg and "× 2" in svg and "← 200" in svg and "× 200" in svg
    assert 'class="legend"' in svg and "upstream × local" in svg
    # Jupyter gets the same picture
    assert drawing._repr_svg_() == svg


def test_png_without_graphviz_through_matplotlib(no_dot, tmp_path):
    pytest.importorskip("matplotlib")
    out = draw_graph(apple()).render(tmp_path / "apple.png")
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 2000


def test_layout_goes_left_to_right_without_overlap():
    lay = layout_trace(trace(apple()))
    n = lay.nodes
    assert n["price"].x < n["op1"].x < n["t1"].x < n["op2"].x < n["total"].x
    assert n["tax"].x < n["op2"].x
    # backward visits the last multiplication first
    assert n["op2"].step == 1 and n["op1"].step == 2
    boxes = list(n.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = abs(a.x - b.x) * 2 >= a.w + b.w or abs(a.y - b.y) * 2 >= a.h + b.h
            assert apart, (a.id, b.id)


@pytest.mark.parametrize("make, symbol", [
    (lambda x: x * x, "×"), (lambda x: x + x, "+"), (lambda x: x ** 2, "x²"),
    (lambda x: x ** 3, "x³"), (lambda x: x - 1, "−"), (lambda x: badak.ops.exp(x), "exp"),
])
def test_ops_are_written_as_the_note_writes_them(make, symbol):
    x = badak.tensor(1.5, requires_grad=True)
    y = make(x)
    assert op_symbol(y.creator) == symbol
    assert trace(y).steps[0].symbol == symbol
    assert f">{symbol}</text>" in trace_to_svg(trace(y))


def test_mlp_parameters_are_named_w1_b1_and_layers_shown():
    model = badak.nn.MLP([2, 3, 1], activation="sigmoid")
    x = badak.tensor(np.array([[0.5, -1.0]], dtype=np.float32))
    loss = (model(x) ** 2).sum()
    assert set(parameter_names(model).values()) == {"W1", "b1", "W2", "b2"}
    tr = trace(loss, names=model)
    labels = {r.label for r, _ in tr.leaf_grads}
    assert labels == {"W1", "b1", "W2", "b2"}
    assert [s.symbol for s in reversed(tr.steps)][:2] == ["Linear", "sigmoid"]
    # the layers' outputs as the lecture names them: a1 = x·W1 + b1, z1 = h(a1), a2 = z1·W2 + b2
    assert [s.output.label for s in reversed(tr.steps)][:3] == ["a1", "z1", "a2"]
    plain = {s.output.label for s in trace(loss).steps}     # without names: t1, t2, ...
    assert not plain & {"a1", "z1", "a2"} and "t3" in plain
    groups = node_groups(draw_graph(loss, names=model).svg)
    assert {"W1", "b1", "W2", "b2"} <= set(groups)
    # the model is not renamed: names live in the trace only
    assert all(p.name in (None, "") for p in model.parameters())


def test_maxout_layers_are_numbered_like_linear_ones():
    model = badak.nn.MLP([2, 3, 1], activation="maxout")
    assert sorted(parameter_names(model).values()) == ["W1", "W2", "b1", "b2"]


def test_names_argument_is_checked():
    with pytest.raises(TypeError, match="names must"):
        trace(apple(), names=[1, 2])
    with pytest.raises(TypeError, match="names must map"):
        trace(apple(), names={"a": 3})
    x = badak.tensor(2.0, requires_grad=True)
    assert trace(x * 3, names={"x": x}).leaf_grads[0][0].label == "x"
