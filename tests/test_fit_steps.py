"""fit in named steps: the training step is the lecture's five lines, in order; gradient
clipping has one implementation that every public route reaches with the same numbers; each
helper of fit still refuses bad input with its message."""

import ast
import importlib
import inspect
import textwrap

import numpy as np
import pytest

import badak
from badak import nn, optim
from badak.optim.clip import clip_grad_norm_, clip_grad_value_, clip_gradients_
from badak.training.fit import _train_step

fit_module = importlib.import_module("badak.training.fit")  # (the function shadows it)


# ---------------------------------------------------------------------- the five lines
class _Spy:
    """Records the calls of a fake model, loss, optimizer and loss tensor into one list."""

    def __init__(self):
        self.calls = []

    def model(self, *x):
        self.calls.append(("forward", len(x)))
        return "prediction"

    def loss_fn(self, prediction, y):
        self.calls.append(("loss", prediction, y))
        spy = self

        class Loss:
            def backward(self):
                spy.calls.append(("backward",))

        return Loss()

    def zero_grad(self):
        self.calls.append(("zero_grad",))

    def step(self):
        self.calls.append(("step",))


def test_train_step_runs_forward_loss_zero_grad_backward_step_in_order():
    spy = _Spy()
    loss, prediction = _train_step(spy.model, spy.loss_fn, spy, ["x1", "x2"], "y")
    assert spy.calls == [("forward", 2), ("loss", "prediction", "y"), ("zero_grad",),
                         ("backward",), ("step",)]
    assert prediction == "prediction" and hasattr(loss, "backward")


def test_train_step_is_literally_five_statements_and_a_return():
    source = textwrap.dedent(inspect.getsource(_train_step))
    body = ast.parse(source).body[0].body[1:]   # after the docstring
    lines = [ast.unparse(s) for s in body]
    assert lines == ["prediction = model(*x)", "loss = loss_fn(prediction, y)",
                     "optimizer.zero_grad()", "loss.backward()", "optimizer.step()",
                     "return (loss, prediction)"]


def _data(n=20, seed=0):
    g = np.random.default_rng(seed)
    return g.normal(size=(n, 3)).astype(np.float32), g.normal(size=n).astype(np.float32)


@pytest.mark.parametrize("compile", [False, True])
def test_fit_trains_through_train_step(monkeypatch, compile):
    calls = []

    def spy(model, loss_fn, optimizer, x, y):
        calls.append(len(y[0]))
        return _train_step(model, loss_fn, optimizer, x, y)

    monkeypatch.setattr(fit_module, "_train_step", spy)
    x, y = _data()
    badak.fit(nn.MLP([3, 4, 1], rng=0), x, y, epochs=3, batch_size=8, verbose=0, rng=0,
              compile=compile)
    if compile:   # each batch shape runs eagerly while recorded, then is replayed
        assert set(calls) == {8, 4} and len(calls) < 9
    else:
        assert calls == [8, 8, 4] * 3


def test_fit_zero_grad_clears_weights_the_optimizer_does_not_update():
    # the optimizer holds only the last layer; the first layer's gradients must not pile up
    # across steps (they count in clipnorm's norm)
    x, y = _data()
    runs = []
    for clipnorm in (None, 0.05):
        model = nn.MLP([3, 4, 1], rng=0)
        opt = optim.SGD(list(model[-1].parameters()), lr=0.1)
        badak.fit(model, x, y, optimizer=opt, epochs=2, batch_size=8, verbose=0, rng=0,
                  shuffle=False, clipnorm=clipnorm, compile=False)
        runs.append(model)
    # by hand: every weight's gradient zeroed, the norm over all of them
    model = nn.MLP([3, 4, 1], rng=0)
    opt = optim.SGD(list(model[-1].parameters()), lr=0.1)
    for _ in range(2):
        for lo in range(0, 20, 8):
            model.zero_grad()
            loss = badak.functional.mse_loss(model(badak.tensor(x[lo:lo + 8])),
                                             y[lo:lo + 8].reshape(-1, 1))
            loss.backward()
            clip_grad_norm_(model.parameters(), 0.05)
            opt.step()
    for a, b in zip(runs[1].parameters(), model.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


# ---------------------------------------------------------------------- clipping, one place
def _grads(seed=0):
    """A model with gradients (large enough to be clipped) and a copy of them."""
    model = nn.MLP([3, 5, 2], rng=seed)
    x = badak.tensor(np.random.default_rng(seed).normal(size=(6, 3)) * 10)
    (model(x) ** 2).sum().backward()
    return model, [p.grad.data.copy() for p in model.parameters()]


def _set(model, grads):
    for p, g in zip(model.parameters(), grads):
        p.grad = badak.tensor(g.copy())


@pytest.mark.parametrize("kind", ["norm", "value"])
def test_clipping_is_the_same_through_every_route(kind):
    bound = 0.5
    model, grads = _grads()
    params = list(model.parameters())
    # 1. the PyTorch-named function
    _set(model, grads)
    if kind == "norm":
        clip_grad_norm_(params, bound)
    else:
        clip_grad_value_(params, bound)
    expected = [p.grad.data.copy() for p in params]
    assert not all(np.array_equal(a, b) for a, b in zip(expected, grads))   # it did clip
    # 2. the one function behind every option
    _set(model, grads)
    clip_gradients_(params, **{f"clip{kind}": bound})
    for p, e in zip(params, expected):
        np.testing.assert_array_equal(p.grad.data, e)
    # 3. the optimizer's Keras option = clip by hand, then a plain step
    weights = {}
    for route in ("option", "by hand"):
        model_r, _ = _grads()
        _set(model_r, grads)
        if route == "option":
            opt = optim.Adam(model_r.parameters(), lr=0.01, **{f"clip{kind}": bound})
        else:
            opt = optim.Adam(model_r.parameters(), lr=0.01)
            for p, e in zip(model_r.parameters(), expected):
                p.grad = badak.tensor(e.copy())
        opt.step()
        weights[route] = [p.data.copy() for p in model_r.parameters()]
    for a, b in zip(weights["option"], weights["by hand"]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["norm", "value", "both"])
@pytest.mark.parametrize("compile", [False, True])
def test_fit_clipping_matches_the_optimizer_option_and_a_loop_by_hand(kind, compile):
    x, y = _data()
    options = {"norm": {"clipnorm": 0.05}, "value": {"clipvalue": 0.01},
               "both": {"clipnorm": 0.05, "clipvalue": 0.01}}[kind]
    kw = dict(epochs=2, batch_size=8, verbose=0, rng=0, shuffle=False, compile=compile)

    def trained(route):
        model = nn.MLP([3, 4, 1], rng=0)
        if route == "fit":
            badak.fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=0.1), **options,
                      **kw)
        elif route == "optimizer":
            badak.fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=0.1, **options),
                      **kw)
        else:   # the loop by hand: the norm first, then each element (Keras' order)
            opt = optim.SGD(model.parameters(), lr=0.1)
            for _ in range(2):
                for lo in range(0, 20, 8):
                    opt.zero_grad()
                    loss = badak.functional.mse_loss(model(badak.tensor(x[lo:lo + 8])),
                                                     y[lo:lo + 8].reshape(-1, 1))
                    loss.backward()
                    if "clipnorm" in options:
                        clip_grad_norm_(model.parameters(), options["clipnorm"])
                    if "clipvalue" in options:
                        clip_grad_value_(model.parameters(), options["clipvalue"])
                    opt.step()
        return [p.data.copy() for p in model.parameters()]

    expected = trained("by hand")
    routes = ["fit"] if kind == "both" else ["fit", "optimizer"]   # an optimizer takes one
    for route in routes:
        for a, b in zip(trained(route), expected):
            np.testing.assert_array_equal(a, b)
    unclipped = nn.MLP([3, 4, 1], rng=0)
    badak.fit(unclipped, x, y, optimizer=optim.SGD(unclipped.parameters(), lr=0.1), **kw)
    assert not all(np.array_equal(p.data, e) for p, e in zip(unclipped.parameters(), expected))


def test_clip_gradients_leaves_frozen_weights_out_of_the_norm():
    model, grads = _grads()
    params = list(model.parameters())
    _set(model, grads)
    params[0].requires_grad = False
    clip_gradients_(params, clipnorm=0.5)
    np.testing.assert_array_equal(params[0].grad.data, grads[0])   # untouched
    _set(model, grads)
    live = params[1:]
    params[0].grad = None
    clip_grad_norm_(live, 0.5)   # the norm of the others only
    clipped = [p.grad.data.copy() for p in live]
    _set(model, grads)
    clip_gradients_(params, clipnorm=0.5)
    for p, c in zip(live, clipped):
        np.testing.assert_array_equal(p.grad.data, c)


def test_clipping_has_one_implementation():
    # outside optim/clip.py, nothing in the library calls the two clipping functions directly
    import pathlib

    src = pathlib.Path(badak.__file__).parent
    callers = []
    for path in src.rglob("*.py"):
        if path.name == "clip.py" and path.parent.name == "optim":
            continue
        text = path.read_text(encoding="utf-8")
        if "clip_grad_norm_(" in text or "clip_grad_value_(" in text:
            callers.append(str(path.relative_to(src)))
    assert callers == []


# ---------------------------------------------------------------------- each helper's errors
X, Y = _data(8)


def _m():
    return nn.MLP([3, 4, 1], rng=0)


def _quiet(model, x=X, y=Y, **kw):
    return badak.fit(model, x, y, verbose=0, **kw)


class _NotACallback:
    pass


HELPER_ERRORS = [
    # _check_model
    (lambda: _quiet(lambda x: x), TypeError,
     r"model must be a badak.nn.Module, .*; received model of type function"),
    # _check_counts
    (lambda: _quiet(_m(), epochs=0), ValueError,
     r"epochs must be a positive integer; received epochs=0"),
    (lambda: _quiet(_m(), initial_epoch=-1), ValueError, r"initial_epoch must be"),
    (lambda: _quiet(_m(), epochs=2, initial_epoch=3), ValueError,
     r"initial_epoch must be at most epochs=2 .*; received initial_epoch=3"),
    (lambda: _quiet(_m(), batch_size=0), ValueError,
     r"batch_size must be a positive integer; received batch_size=0"),
    # the flags
    (lambda: _quiet(_m(), shuffle="yes"), TypeError, r"shuffle must be a bool"),
    (lambda: _quiet(_m(), compile=1), TypeError, r"compile must be a bool"),
    # _check_clipping
    (lambda: _quiet(_m(), clipnorm=-1), ValueError,
     r"clipnorm must be > 0.0; received clipnorm=-1"),
    (lambda: _quiet(_m(), clipvalue=0), ValueError,
     r"clipvalue must be > 0.0; received clipvalue=0"),
    # _check_callbacks
    (lambda: _quiet(_m(), callbacks=[_NotACallback()]), TypeError,
     r"callbacks must be badak.training.Callback instances; received _NotACallback at "
     r"callbacks\[0\]"),
    # _prepare_data
    (lambda: _quiet(_m(), sample_weight=np.ones(8), class_weight={0: 1.0}), ValueError,
     r"sample_weight and class_weight cannot both be given"),
    (lambda: _quiet(_m(), validation_split=0.25, validation_data=(X, Y)), ValueError,
     r"validation_data and validation_split cannot both be given"),
    (lambda: _quiet(_m(), validation_split=1.5), ValueError,
     r"validation_split must be a float in \[0, 1\)"),
    (lambda: _quiet(_m(), x=np.ones((8, 5))), ValueError, r"x must have 3 features"),
    # _prepare_validation / _check_validation_data
    (lambda: _quiet(_m(), validation_data=[X]), ValueError,
     r"validation_data must be a pair \(x_val, y_val\); received a list of length 1"),
    (lambda: _quiet(_m(), validation_data=X), ValueError,
     r"validation_data must be a pair \(x_val, y_val\); received a ndarray"),
    (lambda: _quiet(_m(), validation_data=(np.ones((4, 5)), Y[:4])), ValueError,
     r"validation_data\[0\] must have 3 features"),
    (lambda: _quiet(_m(), validation_data=(X, np.full(8, 1e300))), ValueError,
     r"validation_data\[1\] holds values too large for the model's dtype float32"),
    # _resolve_optimizer
    (lambda: _quiet(_m(), optimizer=optim.SGD(_m().parameters(), lr=0.1)), ValueError,
     r"optimizer must be built on this model's parameters"),
    (lambda: (lambda m: _quiet(m, optimizer=optim.SGD(m.parameters(), lr=0.1), lr=0.1))(_m()),
     ValueError, r"lr is only used when optimizer is given by name; received lr=0.1 with an "
                 r"optimizer instance \(SGD\)"),
    (lambda: _quiet(_m(), optimizer=lambda params: "sgd"), TypeError,
     r"optimizer factory must return a badak.optim.Optimizer; received str"),
    (lambda: _quiet(_m(), optimizer=3), ValueError,
     r"optimizer must be a name such as 'rmsprop', .*; received optimizer=3"),
    # _check_scheduler
    (lambda: _quiet(_m(), scheduler=object()), TypeError,
     r"scheduler must be a learning-rate scheduler with a step\(\) method"),
    (lambda: _quiet(_m(), scheduler=optim.lr_scheduler.StepLR(
        optim.SGD(_m().parameters(), lr=0.1), 1)), ValueError,
     r"scheduler must be built on the optimizer fit trains with"),
    # load_resume
    (lambda: _quiet(_m(), resume_from="/nonexistent/run.npz"), FileNotFoundError,
     r"resume_from must be the path of a checkpoint file .*which does not exist"),
    (lambda: _quiet(_m(), resume_from=3.5), TypeError, r"resume_from must be the path"),
]


@pytest.mark.parametrize("call, error, message", HELPER_ERRORS)
def test_each_helper_still_refuses_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_non_finite_loss_blames_the_data_at_the_first_step_and_the_rate_later():
    from badak.training import DivergenceError

    huge = np.full((8, 1), 1e19, dtype=np.float32)   # finite in float32; its square is not
    with pytest.raises(DivergenceError, match=r"at the first step, before any update"):
        badak.fit(nn.Sequential(nn.Linear(1, 1, rng=0)), huge, np.ones(8) * 1e19, verbose=0,
                  compile=False, epochs=1)
    for compile in (False, True):
        model = _m()
        with pytest.raises(DivergenceError, match=r"training diverged") as err:
            badak.fit(model, X, Y * 1e3, optimizer="sgd", lr=1e3, epochs=50, batch_size=4,
                      rng=0, verbose=0, compile=compile)
        assert err.value.epoch >= 1
        assert all(np.isfinite(p.data).all() for p in model.parameters())
