"""Graph pictures as DOT text (always), rendered by Graphviz when it is installed."""

import re
import shutil

import numpy as np
import pytest

import badak
from badak.lecture.viz import GraphDrawing, GraphvizNotFoundError, draw_graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz 'dot' program is not installed")


def apple():
    names = ("price", "count", "tax")
    price, count, tax = (badak.tensor(v, requires_grad=True) for v in (100.0, 2.0, 1.1))
    for t, n in zip((price, count, tax), names):
        t.name = n
    total = price * count * tax
    return (price, count, tax), total


def nodes(dot: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+) \[(shape=.*)\];$", dot, flags=re.M))


def test_apple_dot_has_every_node_value_and_gradient():
    leaves, total = apple()
    d = draw_graph(total)
    assert isinstance(d, GraphDrawing) and d.dot.startswith("digraph") and d.dot.endswith("}\n")
    found = nodes(d.dot)
    tensors = [v for v in found.values() if "ellipse" in v]
    ops = [v for v in found.values() if "shape=box" in v]
    assert len(tensors) == 5 and len(ops) == 2            # price count tax t1 total; 2 × Mul
    assert all("×" in v for v in ops)                     # a multiplication node, as the note
    for name in ("price", "count", "tax", "t1", "t2"):
        assert any(f"<B>{name}</B>" in v for v in tensors), name
    assert "220" in d.dot and "2.2" in d.dot
    # the price edge carries its value 100 and, beneath, the gradient 2.2
    assert re.search(r'-> op1 \[label=<100<BR/><FONT COLOR="red">2.2</FONT>>\]', d.dot)
    assert re.search(r'-> op1 \[label=<2<BR/><FONT COLOR="red">110</FONT>>\]', d.dot)
    assert re.search(r'-> op2 \[label=<1.1<BR/><FONT COLOR="red">200</FONT>>\]', d.dot)
    assert re.search(r'op2 -> v\d \[label=<220<BR/><FONT COLOR="red">1</FONT>>\]', d.dot)
    assert len(re.findall(r" -> ", d.dot)) == 6
    assert all(t.grad is None for t in leaves)           # drawing changes nothing


@pytest.mark.parametrize("values, grads, present, absent", [
    (True, False, ["220"], ["red"]),
    (False, True, ["2.2", "red"], ["220"]),
])
def test_values_and_grads_can_be_hidden(values, grads, present, absent):
    _, total = apple()
    dot = draw_graph(total, values=values, grads=grads, rankdir="TB").dot
    assert "rankdir=TB" in dot
    for s in present:
        assert s in dot
    for s in absent:
        assert s not in dot


def test_leaf_and_constant_outputs_and_escaping():
    x = badak.tensor(3.0, requires_grad=True)
    x.name = "a<b&c"
    dot = draw_graph(x).dot
    assert "a&lt;b&amp;c" in dot and "a<b" not in dot
    assert "v0" in draw_graph(badak.tensor(np.ones(2)), grads=False).dot
    y = badak.tensor(np.ones(3), requires_grad=True) * 2     # not scalar; no gradients asked
    assert "×" in draw_graph(y, grads=False).dot


def test_bad_arguments():
    _, total = apple()
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(total, rankdir="XY")
    with pytest.raises(TypeError, match="Tensor"):
        draw_graph(3.0)


def test_missing_graphviz_is_explained_when_graphviz_is_asked_for(monkeypatch, tmp_path):
    _, total = apple()
    d = draw_graph(total)
    monkeypatch.setattr("badak.lecture.viz.shutil.which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as e:
        d.render(tmp_path / "g.svg", engine="graphviz")
    assert "DOT text is still available" in str(e.value)
    assert isinstance(e.value, RuntimeError)
    assert not (tmp_path / "g.svg").exists()
    # without engine='graphviz', badak draws it itself (see test_graphsvg.py)
    assert "<svg" in d._repr_svg_()


@needs_dot
@pytest.mark.parametrize("name, magic", [("g.svg", b"<"), ("g.png", b"\x89PNG")])
def test_render_with_graphviz(tmp_path, name, magic):
    _, total = apple()
    out = draw_graph(total).render(tmp_path / name)
    data = out.read_bytes()
    assert data.startswith(magic) or (name.endswith("svg") and b"<svg" in data)
    assert len(data) > 500


@needs_dot
def test_repr_svg_for_jupyter():
    _, total = apple()
    svg = draw_graph(total)._repr_svg_()
    assert "<svg" in svg and "price" in svg and "2.2" in svg
