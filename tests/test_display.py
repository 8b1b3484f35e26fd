"""Rich display in Jupyter: the HTML of tensors, models, histories and traces parses, shows the
numbers, is escaped, and stays short for big tensors."""

from html.parser import HTMLParser

import numpy as np
import pytest

import badak
from badak import nn
from badak.interfaces.display import history_html, history_png, module_html, tensor_html, trace_html
from badak.lecture.explain import trace
from badak.training import fit
from badak.training.history import History

_VOID = {"br", "img", "hr", "meta", "input"}


class _Checker(HTMLParser):
    """Collects the text and checks that every tag is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Checker:
    p = _Checker()
    p.feed(html)
    p.close()
    assert p.stack == [], f"unclosed tags: {p.stack}"
    return p


def text_of(html: str) -> str:
    return " ".join(parse(html).text)


def test_tensor_html_shows_shape_dtype_values_and_grad():
    x = badak.Tensor([1.5, -2.0, 3.25], requires_grad=True, name="x")
    (x * x).sum().backward()
    html = x._repr_html_()
    assert html == tensor_html(x)
    text = text_of(html)
    assert "(3,)" in text and "float32" in text and "'x'" not in text and "x" in text
    assert "1.5" in text and "-2." in text and "3.25" in text
    assert "grad" in text and "6.5" in text and "-4." in text  # grad = 2x


def test_tensor_html_of_an_op_result_names_its_creator_and_shows_no_grad():
    y = badak.Tensor([1.0, 2.0], requires_grad=True) * 3
    text = text_of(y._repr_html_())
    assert "Mul" in text and "None" in text


def test_big_tensor_html_is_truncated():
    x = badak.tensor(np.arange(100_000, dtype=np.int64).reshape(1000, 100))
    html = x._repr_html_()
    text = text_of(html)
    assert len(html) < 4000
    assert "..." in text and "100000 elements" in text and "(1000, 100)" in text
    assert "99999" in text and "[[    0,     1,     2" in text and "50000" not in text


def test_parameter_html_says_parameter():
    text = text_of(nn.Linear(2, 3, rng=0).weight._repr_html_())
    assert text.startswith("Parameter") and "(2, 3)" in text and "True" in text


def test_tensor_html_escapes_the_name():
    x = badak.Tensor([1.0], name="<script>alert(1)</script>")
    html = x._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    parse(html)


@pytest.mark.parametrize("bad, err", [(("threshold", 0), ValueError),
                                      (("edgeitems", 1.5), TypeError)])
def test_tensor_html_checks_its_arguments(bad, err):
    with pytest.raises(err, match=bad[0]):
        tensor_html(badak.tensor([1.0]), **{bad[0]: bad[1]})
    with pytest.raises(TypeError, match="badak Tensor"):
        tensor_html(np.zeros(3))


def test_module_html_lists_layers_and_counts():
    model = nn.MLP([13, 64, 64, 1], rng=0)
    html = model._repr_html_()
    assert html == module_html(model)
    text = text_of(html)
    for count in ("896", "4,160", "65", "5,121"):
        assert count in text
    assert "weight (13, 64)" in text and "Linear" in text and "ReLU" in text
    assert "training mode" in text
    assert "eval mode" in text_of(model.eval()._repr_html_())


def test_module_html_counts_a_single_layer_and_frozen_parameters():
    layer = nn.Linear(3, 2, rng=0)
    layer.bias.requires_grad = False
    text = text_of(layer._repr_html_())
    assert "8" in text and "total parameters: 8 (trainable: 6)" in text
    with pytest.raises(TypeError, match="nn.Module"):
        module_html(object())


def _history(epochs: int) -> History:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0]], np.float32)
    model = nn.Linear(2, 1, rng=0)
    return fit(model, x, y, epochs=epochs, batch_size=8, optimizer="sgd", lr=0.1,
               metrics=["mae"], validation_data=(x, y), verbose=0, rng=1)


def test_history_html_shows_curves_and_every_epoch_of_a_short_run():
    h = _history(3)
    html = h._repr_html_()
    p = parse(html)
    text = " ".join(p.text)
    assert "History: 3 epochs" in text
    for key in ("loss", "mae", "val_loss", "val_mae"):
        assert key in text
    assert f"{h['loss'][-1]:.6g}" in text and f"{h['val_mae'][0]:.6g}" in text
    imgs = [a for t, a in p.tags if t == "img"]
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")
    png = h._repr_png_()
    assert png == history_png(h) and png[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_html_truncates_a_long_run():
    h = _history(30)
    text = text_of(history_html(h, max_rows=6))
    assert "..." in text and "History: 30 epochs" in text
    assert f"{h['loss'][0]:.6g}" in text and f"{h['loss'][-1]:.6g}" in text
    assert f"{h['loss'][15]:.6g}" not in text


def test_history_without_matplotlib_is_a_table(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real_import(name, *args, **kwargs)

    h = _history(2)
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert h._repr_png_() is None
    p = parse(h._repr_html_())
    assert not [t for t, _ in p.tags if t == "img"] and "History: 2 epochs" in " ".join(p.text)


def test_empty_history():
    h = History()
    assert h._repr_png_() is None
    assert "no epoch" in text_of(h._repr_html_())
    with pytest.raises(TypeError, match="History"):
        history_html({"loss": [1.0]})


def test_trace_html_shows_the_apple_example():
    apple = badak.Tensor(100.0, requires_grad=True, name="apple")
    count = badak.Tensor(2.0, name="count")
    tax = badak.Tensor(1.1, name="tax<&>")
    price = apple * count * tax
    tr = trace(price)
    html = tr._repr_html_()
    assert html == trace_html(tr)
    text = text_of(html)
    assert "220" in text and "2.2" in text and "×" in text
    assert "tax<&>" in text and "tax<&>" not in html  # escaped in the source, shown as typed
    assert "gradients at the leaves" in text
    assert np.isclose(tr.grad("apple"), 2.2)
    with pytest.raises(TypeError, match="Trace"):
        trace_html("not a trace")


def test_graph_drawing_shows_itself_as_svg_without_graphviz(monkeypatch):
    import shutil

    from badak.lecture.viz import draw_graph

    monkeypatch.setattr(shutil, "which", lambda name: None)
    x = badak.Tensor(3.0, requires_grad=True, name="x")
    svg = draw_graph(x * x)._repr_svg_()
    assert svg.lstrip().startswith("<svg") or "<svg" in svg[:200]
