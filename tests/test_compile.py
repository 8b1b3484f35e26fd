"""badak.compile: a recorded training step replays bit-identical to eager, and falls back to eager
whenever the recording no longer applies."""

import tracemalloc

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import nn, optim


def _mlp(act, seed=0):
    if act == "maxout":
        return nn.Sequential(nn.Maxout(5, 6, pieces=2, rng=seed), nn.Linear(6, 3, rng=seed + 1))
    if act == "dropout":
        return nn.Sequential(nn.Linear(5, 6, rng=seed), nn.ReLU(), nn.Dropout(0.3, rng=7),
                             nn.Linear(6, 3, rng=seed + 1))
    layer = {"step": nn.Step, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
             "leaky_relu": lambda: nn.LeakyReLU(0.1), "prelu": nn.PReLU, "elu": nn.ELU}[act]
    return nn.Sequential(nn.Linear(5, 6, rng=seed), layer(), nn.Linear(6, 6, rng=seed + 2),
                         layer(), nn.Linear(6, 3, rng=seed + 1))


_LOSSES = {
    "mse": (F.mse_loss, "float"),
    "l1": (F.l1_loss, "float"),
    "huber": (F.huber_loss, "float"),
    "smooth_l1": (F.smooth_l1_loss, "float"),
    "cross_entropy": (F.cross_entropy, "labels"),
    "nll": (lambda out, t: F.nll_loss(F.log_softmax(out, dim=1), t), "labels"),
    "bce_with_logits": (F.binary_cross_entropy_with_logits, "binary"),
    "bce": (lambda out, t: F.binary_cross_entropy(F.sigmoid(out), t), "binary"),
}


def _batches(n_steps, kind="float", sizes=(8,), seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_steps):
        b = sizes[i % len(sizes)]
        x = rng.normal(size=(b, 5)).astype(dtype)
        if kind == "labels":
            y = rng.integers(0, 3, size=b)
        elif kind == "binary":
            y = (rng.random((b, 3)) < 0.5).astype(dtype)
        else:
            y = rng.normal(size=(b, 3)).astype(dtype)
        out.append((badak.tensor(x), y))
    return out


def _step_fn(model, opt, loss_fn):
    def train_step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return train_step


class _NormalizedStep(optim.Optimizer):
    """A rule that is not elementwise: each parameter moves by lr along its own gradient."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr, "clipnorm": None, "clipvalue": None})

    def _update(self, p, g, state):
        p -= self.lr * g / np.linalg.norm(g)


def _compare(act="relu", loss="mse", make_opt=lambda p: optim.SGD(p, lr=0.05), n_steps=8,
             sizes=(8,), between=None, build=None):
    """Train two copies, eagerly and compiled; assert the same losses and weights, bit for bit."""
    loss_fn, kind = _LOSSES[loss]
    runs = []
    for compiled in (False, True):
        model = (build or _mlp)(act)
        opt = make_opt(model.parameters())
        step = _step_fn(model, opt, loss_fn)
        if compiled:
            step = badak.compile(step)
        losses = []
        for i, (x, y) in enumerate(_batches(n_steps, kind, sizes)):
            if between is not None:
                between(i, model, opt)
            losses.append(step(x, y).item())
        runs.append((losses, [p.data.copy() for p in model.parameters()], step))
    (eager_losses, eager_w, _), (losses, w, step) = runs
    assert losses == eager_losses
    for a, b in zip(eager_w, w):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    return step


@pytest.mark.parametrize("act", ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu",
                                 "maxout", "dropout"])
def test_every_activation_replays_bit_identical(act):
    step = _compare(act=act)
    assert step.replays == 6 and step.eager_calls == 2


@pytest.mark.parametrize("loss", list(_LOSSES))
def test_every_loss_replays_bit_identical(loss):
    step = _compare(loss=loss, act="tanh")
    assert step.replays == 6


@pytest.mark.parametrize("make_opt", [
    lambda p: optim.SGD(p, lr=0.05),
    lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    lambda p: optim.SGD(p, lr=0.05, weight_decay=0.01),
    lambda p: optim.AdaGrad(p, lr=0.05),
    lambda p: optim.RMSprop(p, lr=0.01),
    lambda p: optim.Adam(p, lr=0.01),
    lambda p: optim.AdamW(p, lr=0.01),
    lambda p: optim.Adam(p, lr=0.01, clipnorm=0.5),
    lambda p: optim.SGD(p, lr=0.05, weight_decay=0.01, momentum=0.5, clipvalue=0.1),
    lambda p: (lambda q: optim.SGD([{"params": q[:2], "lr": 0.1}, {"params": q[2:]}],
                                   lr=0.05))(list(p)),
    lambda p: _NormalizedStep(p, lr=0.05),
], ids=["sgd", "momentum", "nesterov", "weight_decay", "adagrad", "rmsprop", "adam", "adamw",
        "adam_clipnorm", "sgd_clipvalue", "two_groups", "custom_rule"])
def test_every_optimizer_replays_bit_identical(make_opt):
    step = _compare(make_opt=make_opt, act="sigmoid", loss="cross_entropy")
    assert step.replays == 6


def test_dropout_draws_the_same_masks_as_eager():
    # the masks come from the layer's seeded generator, drawn inside the replayed node
    step = _compare(act="dropout", loss="cross_entropy", n_steps=12)
    assert step.replays == 10


def test_the_last_partial_batch_gets_its_own_recording():
    # an epoch of 8 + 8 + 3 samples, four times: both shapes are recorded twice, then replayed
    step = _compare(sizes=(8, 8, 3), n_steps=12, loss="cross_entropy")
    assert step.eager_calls == 4 and step.replays == 8


def test_learning_rate_is_read_live_at_every_replay():
    def schedule(i, model, opt):
        opt.lr = 0.1 / (i + 1)
    step = _compare(make_opt=lambda p: optim.SGD(p, lr=0.1, momentum=0.5), between=schedule)
    assert step.replays == 6


def test_scheduler_changes_param_groups_lr():
    def schedule(i, model, opt):
        if i == 4:
            opt.param_groups[0]["lr"] = 0.0  # weights must then stop moving
    step = _compare(make_opt=lambda p: optim.Adam(p, lr=0.01), between=schedule)
    assert step.replays == 6


def test_switching_train_and_eval_records_again():
    def switch(i, model, opt):
        model.train(i < 5)
    step = _compare(act="dropout", between=switch, n_steps=10)
    # train: 2 recordings + 3 replays; eval: 2 recordings + 3 replays
    assert step.eager_calls == 4 and step.replays == 6


def test_a_replaced_parameter_records_again():
    def replace(i, model, opt):
        if i == 4:
            model[0].weight = nn.Parameter(np.full((5, 6), 0.1, dtype=np.float32))
            opt.add_param_group({"params": [model[0].weight]})
    step = _compare(between=replace, n_steps=10)
    assert step.eager_calls == 4 and step.replays == 6


def test_a_new_optimizer_group_records_again():
    extra = []

    def add(i, model, opt):
        if i == 4:
            extra.append(badak.tensor(np.ones(3, np.float32), requires_grad=True))
            opt.add_param_group({"params": extra[-1:], "lr": 0.5})  # no gradient: skipped
    step = _compare(between=add, n_steps=10)
    assert step.eager_calls == 4 and step.replays == 6


def test_a_replaced_layer_records_again():
    def swap(i, model, opt):
        if i == 4:
            setattr(model, "1", nn.Tanh())
    step = _compare(between=swap, n_steps=10)
    assert step.eager_calls == 4 and step.replays == 6


def test_values_replaced_in_place_of_a_parameter_are_read_live():
    def reset(i, model, opt):
        if i == 4:  # the same shape and dtype: the recording still applies, with the new values
            model[0].weight.data = np.full((5, 6), 0.1, dtype=np.float32)
    step = _compare(between=reset, n_steps=10)
    assert step.eager_calls == 2 and step.replays == 8


def test_the_replay_is_one_readable_function():
    step = _compare(n_steps=4)
    (entry,) = step._entries.values()
    source = entry.plan.source()
    assert source.startswith("def replay(args, kwargs):")
    assert "Tensor" not in source.replace("TENSOR", "")  # no Tensor built but the result
    assert source.count("= F") == 6 and source.count("r = B") == 6  # 6 forwards, 6 backwards


@pytest.mark.parametrize("act, setting, value", [("leaky_relu", "negative_slope", 0.3),
                                                 ("dropout", "p", 0.1)])
def test_a_changed_module_setting_records_again(act, setting, value):
    def change(i, model, opt):
        if i == 4:
            setattr(model[1], setting, value)   # the recorded ops used the old setting
    step = _compare(act=act, between=change, n_steps=10)
    assert step.eager_calls == 4 and step.replays == 6


def test_a_frozen_parameter_records_again_and_stays_frozen():
    def freeze(i, model, opt):
        if i == 4:
            model[0].weight.requires_grad = False
    step = _compare(between=freeze, n_steps=10)
    assert step.eager_calls == 4 and step.replays == 6


def test_a_new_dtype_records_again():
    model = _mlp("relu").to(np.float64)
    opt = optim.SGD(model.parameters(), lr=0.1)
    step = badak.compile(_step_fn(model, opt, F.mse_loss))
    for dtype in (np.float64, np.float32):
        for x, y in _batches(3, dtype=dtype):
            step(x, y)
    assert step.eager_calls == 4 and step.replays == 2


def test_python_reading_a_value_runs_eagerly(capsys):
    model = _mlp("relu")
    opt = optim.SGD(model.parameters(), lr=0.1)
    seen = []

    def train_step(x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        seen.append(loss.item())  # a Python side effect a replay would skip
        loss.backward()
        opt.step()
        return loss

    step = badak.compile(train_step, verbose=True)
    for x, y in _batches(5):
        step(x, y)
    assert step.replays == 0 and len(seen) == 5
    err = capsys.readouterr().err
    assert err.count("reads a value into Python") == 1


def test_a_python_branch_on_values_is_caught(capsys):
    model = _mlp("relu")
    opt = optim.SGD(model.parameters(), lr=0.1)

    def train_step(x, y):
        opt.zero_grad()
        out = model(x)
        if float(x.data.sum()) > 0:  # a branch on the data, unseen by the ops
            out = out * 2.0
        loss = F.mse_loss(out, y)
        loss.backward()
        opt.step()
        return loss

    step = badak.compile(train_step, verbose=True)
    for i, (x, y) in enumerate(_batches(6)):
        sign = 1 if i % 2 == 0 else -1  # the two recordings take different branches
        step(badak.tensor(sign * np.abs(x.data)), y)
    assert step.replays == 0 and step.eager_calls == 6
    assert "differ" in capsys.readouterr().err


def test_a_constant_computed_from_the_data_with_numpy_is_caught(capsys):
    model = _mlp("relu")
    opt = optim.SGD(model.parameters(), lr=0.1)

    def train_step(x, y):
        opt.zero_grad()
        scale = badak.tensor(np.abs(x.data).max())  # data-dependent, outside the ops
        loss = F.mse_loss(model(x) * scale, y)
        loss.backward()
        opt.step()
        return loss

    step = badak.compile(train_step, verbose=True)
    for x, y in _batches(5):
        step(x, y)
    assert step.replays == 0
    assert "changes from call to call" in capsys.readouterr().err


def test_same_inputs_twice_wait_for_new_inputs_when_constants_are_present():
    model = _mlp("relu")
    opt = optim.SGD(model.parameters(), lr=0.1)

    def train_step(x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x) * 0.5, y)  # 0.5 becomes a new constant tensor each call
        loss.backward()
        opt.step()
        return loss

    step = badak.compile(train_step)
    (x, y), (x2, y2) = _batches(2)
    for _ in range(3):
        step(x, y)
    assert step.replays == 0
    step(x2, y2)
    step(x, y)
    assert step.replays == 1


def test_second_derivatives_still_work_eagerly_beside_compile():
    _compare(n_steps=3)
    x = badak.tensor(2.0, requires_grad=True)
    (g,) = badak.grad(x ** 3, x, create_graph=True)
    (g2,) = badak.grad(g, x)
    assert g.item() == 12.0 and g2.item() == 12.0


def test_memory_stays_flat_over_200_replayed_epochs():
    model = _mlp("relu")
    opt = optim.Adam(model.parameters(), lr=0.001)
    step = badak.compile(_step_fn(model, opt, F.cross_entropy))
    batches = _batches(4, "labels", sizes=(8, 3))
    for x, y in batches:
        step(x, y)
    tracemalloc.start()
    try:
        for x, y in batches:
            step(x, y)
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            for x, y in batches:
                step(x, y)
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert step.replays == 4 * 201
    assert grown < 20_000, grown


def test_replayed_loss_is_a_plain_tensor_and_tuples_are_returned():
    model = _mlp("relu")
    opt = optim.SGD(model.parameters(), lr=0.1)

    @badak.compile
    def train_step(x, y):
        opt.zero_grad()
        out = model(x)
        loss = F.mse_loss(out, y)
        loss.backward()
        opt.step()
        return loss, out

    for x, y in _batches(3):
        loss, out = train_step(x, y)
    assert train_step.replays == 1
    assert isinstance(loss, badak.Tensor) and out.shape == (8, 3)
    np.testing.assert_array_equal(loss.data, F.mse_loss(out, y).data)


def test_decorator_with_arguments():
    @badak.compile(verbose=False)
    def f(x):
        return x * 2.0

    assert isinstance(f, badak.replay.CompiledStep)
    assert f(badak.tensor([1.0])).tolist() == [2.0]


def test_bad_use_raises_clear_errors():
    with pytest.raises(TypeError, match="callable training step.*received int"):
        badak.compile(3)
    with pytest.raises(TypeError, match="verbose"):
        badak.compile(lambda x: x, verbose="yes")

    step = badak.compile(lambda x: 1.5)
    with pytest.raises(TypeError, match="must return its loss Tensor.*returned float"):
        step(badak.tensor([1.0]))


def test_the_engine_and_the_library_do_not_import_replay():
    # the replay layer sits beside the engine: nothing in the engine, the layers or the
    # optimizers imports it (fit uses it through badak.compile, as a user would)
    import ast
    import pathlib

    src = pathlib.Path(badak.__file__).parent
    files = [f for d in ("engine", "nn", "optim") for f in (src / d).rglob("*.py")]
    assert len(files) > 30
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any("replay" in n for n in names), (f, names)


@pytest.mark.parametrize("clip", ["norm", "value"])
def test_gradient_clipping_inside_the_step_is_replayed(clip):
    runs = []
    for compiled in (False, True):
        model = _mlp("relu")
        opt = optim.SGD(model.parameters(), lr=0.5)

        def train_step(x, y, model=model, opt=opt):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            if clip == "norm":
                optim.clip_grad_norm_(model.parameters(), 0.1)  # a generator, consumed
            else:
                optim.clip_grad_value_(model.parameters(), 0.01)
            opt.step()
            return loss

        step = badak.compile(train_step) if compiled else train_step
        losses = [step(x, y).item() for x, y in _batches(6)]
        runs.append((losses, [p.data.copy() for p in model.parameters()]))
    assert step.replays == 4
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_manual_seed_reaches_a_replayed_dropout_drawing_from_the_default_generator():
    def reseed(i, model, opt):
        if i in (0, 5):
            badak.manual_seed(i + 1)  # a new default generator object: eager draws from it

    def dropout_model(act, seed=0):
        return nn.Sequential(nn.Linear(5, 6, rng=seed), nn.Dropout(0.5),  # rng=None: default
                             nn.Linear(6, 3, rng=seed + 1))

    step = _compare(between=reseed, n_steps=10, build=dropout_model)
    assert step.eager_calls == 4 and step.replays == 6


def test_replay_sums_branch_gradients_in_the_engines_order():
    # h feeds four nodes of the same generation; their gradients reach h (and w) in the order
    # backward visits them, and float32 sums depend on that order: the replay must use the
    # engine's order (badak.autograd.BackwardOrder), not one of its own
    rng = np.random.default_rng(3)
    w = badak.tensor(rng.standard_normal((6, 5)).astype(np.float32), requires_grad=True)
    w_eager = badak.tensor(w.data.copy(), requires_grad=True)

    def make_step(weight):
        opt = optim.SGD([weight], lr=1e-3)

        def step(x):
            opt.zero_grad()
            h = x @ weight
            a, b, c, d, e = h * 1.7, h * 0.3, h * h, h * -2.9, h * 0.77
            loss = e.sigmoid().sum() + (d.tanh().sum() + (c.sum() + (b.exp().sum() + a.sum())))
            loss.backward()
            opt.step()
            return loss

        return step

    compiled, eager = badak.compile(make_step(w)), make_step(w_eager)
    for _ in range(12):
        x = (0.3 * rng.standard_normal((7, 6))).astype(np.float32)
        compiled(x)
        eager(x)
    assert compiled.replays == 10 and compiled.eager_calls == 2
    assert np.array_equal(w.data, w_eager.data)
