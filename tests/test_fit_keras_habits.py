"""fit, evaluate and History as a Keras user expects them: validation_split, sample and class
weights, Keras' metric names and custom metrics, several inputs, epochs counted from 0, the
trained loss remembered for evaluate, resume_from, a learning-rate scheduler, float32 overflow."""

import math
import re

import numpy as np
import pytest

import badak.functional as F
from badak import nn
from badak.optim import SGD, Adam
from badak.tensor import Tensor
from badak.training import (
    DivergenceError,
    History,
    ModelCheckpoint,
    evaluate,
    fit,
    predict,
)


def regression(n=40, seed=0):
    g = np.random.default_rng(seed)
    x = g.normal(size=(n, 3))
    return x, x @ np.array([1.0, -2.0, 0.5]) + 0.1 * g.normal(size=n)


def classes(n=40, seed=0):
    g = np.random.default_rng(seed)
    x = g.normal(size=(n, 2))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int)


def mlp(sizes=(3, 8, 1), seed=0):
    return nn.MLP(list(sizes), activation="tanh", rng=seed)


def quiet(model, x, y, **kw):
    kw.setdefault("verbose", 0)
    kw.setdefault("rng", 0)
    return fit(model, x, y, **kw)


def same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.state_dict().values(),
                                                     b.state_dict().values()))


# ---------------------------------------------------------------- History.best
def test_history_best_maximises_accuracy_and_minimises_losses():
    # regression: best() used mode 'min' for every key, so it returned the WORST accuracy
    h = History()
    for epoch, (acc, loss) in enumerate([(0.5, 1.0), (0.9, 0.4), (0.7, 0.6)]):
        h.append(epoch, {"val_accuracy": acc, "val_loss": loss, "acc": acc, "r2": acc,
                         "val_sparse_categorical_accuracy": acc}, 0.0)
    assert h.best("val_accuracy") == (1, 0.9)
    assert h.best("acc") == (1, 0.9) and h.best("r2") == (1, 0.9)
    assert h.best("val_sparse_categorical_accuracy") == (1, 0.9)
    assert h.best("val_loss") == (1, 0.4)
    assert h.best("val_accuracy", mode="min") == (0, 0.5)
    with pytest.raises(ValueError, match=r"mode must be one of \{'auto', 'min', 'max'\}; "
                                         r"received mode='best'"):
        h.best("val_loss", mode="best")
    with pytest.raises(TypeError, match="monitor must be a str such as 'val_loss'; received "
                                        "monitor=3"):
        h.best(3)


# ---------------------------------------------------------------- validation_split
def test_validation_split_holds_out_the_last_rows_before_shuffling():
    x, y = regression()
    split = fit(mlp(), x, y, epochs=3, validation_split=0.25, metrics=("mae",), rng=1,
                verbose=0)
    # Keras: split_at = floor(40 * 0.75) = 30; train on rows [:30], validate on [30:]
    explicit = fit(mlp(), x[:30], y[:30], epochs=3, validation_data=(x[30:], y[30:]),
                   metrics=("mae",), rng=1, verbose=0)
    assert split.history == explicit.history
    assert split.params["samples"] == 30 and split.params["validation_samples"] == 10


@pytest.mark.parametrize("value, message", [
    (1.0, r"validation_split must be a float in \[0, 1\), the fraction of the data \(its last "
          r"rows\) held out for validation; received validation_split=1.0"),
    (-0.1, r"validation_split must be a float in \[0, 1\).*received validation_split=-0.1"),
    ("0.2", r"validation_split must be a float in \[0, 1\).*received validation_split='0.2'"),
    (0.99, r"validation_split=0.99 of 40 samples leaves no training sample; use a fraction "
           r"that keeps at least one of each"),
])
def test_bad_validation_split_is_refused(value, message):
    x, y = regression()
    with pytest.raises(ValueError, match=message):
        quiet(mlp(), x, y, validation_split=value)


def test_validation_split_with_validation_data_is_refused():
    x, y = regression()
    with pytest.raises(ValueError, match="validation_data and validation_split cannot both be "
                                         "given"):
        quiet(mlp(), x, y, validation_split=0.2, validation_data=(x, y))


# ---------------------------------------------------------------- sample_weight, class_weight
def _per_sample_numpy(loss, out, y):
    if loss == "mse":
        return ((out - y) ** 2).mean(axis=1)
    if loss == "l1":
        return np.abs(out - y).mean(axis=1)
    if loss == "bce":
        return (np.maximum(out, 0) - out * y + np.log1p(np.exp(-np.abs(out)))).mean(axis=1)
    shifted = out - out.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y]


@pytest.mark.parametrize("loss", ["mse", "l1", "bce", "cross_entropy"])
def test_sample_weight_weights_each_sample_loss_and_divides_by_the_batch_size(loss):
    x, y = regression(12)
    if loss == "bce":
        y = (y > 0).astype(float)
    sizes = (3, 4, 3) if loss == "cross_entropy" else (3, 4, 1)
    if loss == "cross_entropy":
        y = np.digitize(y, [-1.0, 1.0])
    w = np.linspace(0.0, 2.0, 12)
    model = mlp(sizes)
    out = predict(model, x).astype(np.float64)
    target = y if loss == "cross_entropy" else y.reshape(-1, 1)
    expected = (w * _per_sample_numpy(loss, out, target)).sum() / 12     # Keras' reduction
    # one batch, loss logged before the update: exactly the weighted loss of the initial model
    h = quiet(model, x, y, loss=loss, optimizer="sgd", batch_size=12, sample_weight=w,
              shuffle=False)
    assert h["loss"][0] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("loss", ["mse", "l1", "bce", "cross_entropy"])
def test_unit_sample_weights_train_as_no_weights(loss):
    x, y = regression(24)
    sizes = (3, 4, 3) if loss == "cross_entropy" else (3, 4, 1)
    if loss == "cross_entropy":
        y = np.digitize(y, [-1.0, 1.0])
    elif loss == "bce":
        y = (y > 0).astype(float)
    a, b = mlp(sizes), mlp(sizes)
    ha = quiet(a, x, y, loss=loss, epochs=2, batch_size=8)
    hb = quiet(b, x, y, loss=loss, epochs=2, batch_size=8, sample_weight=np.ones(24))
    assert hb["loss"] == pytest.approx(ha["loss"], rel=1e-5)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-4, atol=1e-6)


def test_zero_weight_samples_do_not_move_the_weights():
    x, y = regression(16)
    w = np.r_[np.ones(8), np.zeros(8)]
    y_noise = y.copy()
    y_noise[8:] = 1e3                         # weight 0: these targets must not matter
    a, b = mlp(), mlp()
    quiet(a, x, y, optimizer="sgd", batch_size=16, sample_weight=w, shuffle=False)
    quiet(b, x, y_noise, optimizer="sgd", batch_size=16, sample_weight=w, shuffle=False)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-5, atol=1e-7)


def test_class_weight_is_sample_weight_of_each_label():
    x, y = classes(30)
    a, b = mlp((2, 4, 2)), mlp((2, 4, 2))
    ha = quiet(a, x, y, loss="cross_entropy", epochs=2, class_weight={0: 1.0, 1: 3.0})
    hb = quiet(b, x, y, loss="cross_entropy", epochs=2, sample_weight=np.where(y == 1, 3.0, 1.0))
    assert ha.history == hb.history and same_weights(a, b)


def test_validation_split_weights_the_validation_loss_with_its_sample_weights():
    x, y = regression(20)
    w = np.r_[np.ones(15), np.full(5, 0.0)]
    h = quiet(mlp(), x, y, validation_split=0.25, sample_weight=w)
    assert h["val_loss"] == [0.0]              # the held-out rows all weigh 0


@pytest.mark.parametrize("kw, error, message", [
    (dict(sample_weight=np.ones(5)), ValueError,
     r"sample_weight must have shape \(40,\), one weight per sample of x; received shape \(5,\)"),
    (dict(sample_weight=-np.ones(40)), ValueError,
     r"sample_weight must hold finite numbers >= 0; received sample_weight\[0\]=-1.0"),
    (dict(sample_weight=np.full(40, np.nan)), ValueError,
     r"sample_weight must hold finite numbers >= 0; received sample_weight\[0\]=nan"),
    (dict(sample_weight=["a"] * 40), ValueError,
     r"sample_weight must be a 1-D array of numbers, one weight per sample; received list of "
     r"dtype <U1"),
    (dict(sample_weight=np.ones(40), class_weight={0: 1.0}), ValueError,
     "sample_weight and class_weight cannot both be given"),
    (dict(sample_weight=np.ones(40), loss=lambda p, t: F.mse_loss(p, t)), ValueError,
     r"sample_weight and class_weight need a loss whose per-sample values badak knows: 'mse', "
     r"'l1' \(or 'mae'\), 'cross_entropy', 'bce' or their modules; received loss=<function"),
    (dict(class_weight=[1.0, 2.0]), ValueError,
     r"class_weight must be a non-empty dict \{class index: weight\}, e.g. \{0: 1.0, 1: 5.0\}; "
     r"received class_weight=\[1.0, 2.0\]"),
    (dict(class_weight={1: 1.0, 2: 2.0}), ValueError,
     r"class_weight must have the keys 0 to K-1, one per class \(as Keras requires\); received "
     r"keys \[1, 2\]"),
    (dict(class_weight={0: 1.0, 1: -2.0}), ValueError,
     r"class_weight values must be finite numbers >= 0; received class_weight\[1\]=-2.0"),
    (dict(class_weight={0: 1.0}), ValueError,
     r"class_weight has weights for the classes 0 to 0; received y with class 1 \(y\[\d+\]\)"),
])
def test_bad_weights_are_refused(kw, error, message):
    x, y = classes()
    kw.setdefault("loss", "cross_entropy")
    with pytest.raises(error, match=message):
        quiet(mlp((2, 4, 2)), x, y, **kw)


def test_class_weight_needs_class_labels():
    x, y = regression()
    with pytest.raises(ValueError, match="class_weight needs class labels in y .*received y "
                                         "holding non-integer values"):
        quiet(mlp(), x, y, class_weight={0: 1.0, 1: 2.0})


# ---------------------------------------------------------------- metrics
def test_keras_metric_names_are_history_keys_with_the_same_values():
    x, y = regression()
    h = quiet(mlp(), x, y, epochs=2, validation_split=0.25,
              metrics=["mae", "mean_absolute_error", "mse", "mean_squared_error"])
    assert list(h.keys()) == ["loss", "mae", "mean_absolute_error", "mse", "mean_squared_error",
                              "val_loss", "val_mae", "val_mean_absolute_error", "val_mse",
                              "val_mean_squared_error"]
    assert h["mae"] == h["mean_absolute_error"] and h["mse"] == h["mean_squared_error"]


def test_acc_and_accuracy_and_a_custom_metric():
    x, y = classes()

    def error_rate(y_true, y_pred):             # per-sample values, averaged as in Keras
        return (y_pred.argmax(axis=1) != y_true).astype(float)

    h = quiet(mlp((2, 4, 2)), x, y, loss="cross_entropy", epochs=3, validation_split=0.25,
              metrics=["acc", "accuracy", error_rate])
    assert list(h.keys()) == ["loss", "acc", "accuracy", "error_rate", "val_loss", "val_acc",
                              "val_accuracy", "val_error_rate"]
    assert h["acc"] == h["accuracy"]
    assert h["val_error_rate"] == pytest.approx([1 - a for a in h["val_accuracy"]])
    assert h.best("val_acc")[1] == max(h["val_acc"])


@pytest.mark.parametrize("metrics, error, message", [
    (["mae", "mae"], ValueError,
     "metrics must have distinct names, other than 'loss' and not starting with 'val_' \\(they "
     "are history keys\\); received 'mae' twice"),
    ([3], ValueError, r"metrics must hold metric names such as 'mae' or callables \(y_true, "
                      r"y_pred\) -> float; received 3"),
    ([lambda t, p: "good"], TypeError,
     r"metric '<lambda>' must return a number or an array of numbers; returned str 'good'"),
])
def test_bad_metrics_are_refused(metrics, error, message):
    x, y = regression()
    with pytest.raises(error, match=message):
        quiet(mlp(), x, y, metrics=metrics)


# ---------------------------------------------------------------- several inputs
class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4, rng=0)
        self.b = nn.Linear(2, 4, rng=1)
        self.out = nn.Linear(4, 1, rng=2)

    def forward(self, xa, xb):
        return self.out(F.tanh(self.a(xa) + self.b(xb)))


def test_fit_evaluate_predict_call_a_model_with_several_inputs():
    g = np.random.default_rng(0)
    xa, xb = g.normal(size=(30, 3)), g.normal(size=(30, 2))
    y = xa.sum(axis=1) - xb.sum(axis=1)
    model = TwoInputs()
    h = quiet(model, [xa, xb], y, loss="mse", optimizer="adam", epochs=30, batch_size=10,
              validation_split=0.2)
    assert h["loss"][-1] < h["loss"][0]
    out = predict(model, [xa, xb])
    expected = model(Tensor(xa.astype(np.float32)), Tensor(xb.astype(np.float32))).data
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    got = evaluate(model, (xa, xb), y)
    assert got["loss"] == pytest.approx(float(((out[:, 0] - y) ** 2).mean()), rel=1e-5)


def test_inputs_of_different_lengths_are_refused():
    g = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"the inputs in x must have the same number of samples; "
                                         r"received lengths \[30, 29\]"):
        quiet(TwoInputs(), [g.normal(size=(30, 3)), g.normal(size=(29, 2))], np.zeros(30))


# ---------------------------------------------------------------- epochs from 0, as Keras
def test_history_and_callbacks_count_epochs_from_0_and_checkpoint_names_from_1(tmp_path):
    x, y = regression()
    seen = []

    class Seen(ModelCheckpoint):
        def on_epoch_begin(self, epoch):
            seen.append(epoch)

    ckpt = Seen(str(tmp_path / "m-{epoch}.npz"), monitor="loss")
    h = quiet(mlp(), x, y, epochs=3, callbacks=[ckpt])
    assert h.epoch == [0, 1, 2] and seen == [0, 1, 2]
    assert [p.rsplit("-", 1)[1] for p in ckpt.saved] == ["1.npz", "2.npz", "3.npz"]
    assert h.best("loss")[0] in h.epoch


# ---------------------------------------------------------------- evaluate's default loss
def test_evaluate_reports_the_loss_the_model_was_trained_with():
    x, y = classes()
    model = mlp((2, 4, 2))
    quiet(model, x, y, loss="cross_entropy", epochs=2)
    assert model.fit_loss == "cross_entropy" and "fit_loss" not in dict(model.named_modules())
    assert evaluate(model, x, y) == evaluate(model, x, y, loss="cross_entropy")
    loss_module = nn.CrossEntropyLoss()
    quiet(model, x, y, loss=loss_module, epochs=1)
    assert model.fit_loss is loss_module
    assert list(model.state_dict()) == list(mlp((2, 4, 2)).state_dict())   # no new submodule
    got = evaluate(model, x, y, metrics=["acc"])
    assert got.keys() == {"loss", "acc"}
    assert got["loss"] == evaluate(model, x, y, loss="cross_entropy")["loss"]


def test_evaluate_without_loss_metrics_or_training_says_what_it_needs():
    x, y = regression()
    with pytest.raises(ValueError, match=r"evaluate needs loss= \(e.g. loss='mse'\) or metrics= "
                                         r"\(e.g. metrics=\('mae',\)\): this MLP was not trained "
                                         r"with badak.fit, so there is no training loss to "
                                         r"report"):
        evaluate(mlp(), x, y)
    assert evaluate(mlp(), x, y, metrics=["mae"]).keys() == {"mae"}


# ---------------------------------------------------------------- resume_from
def test_resume_from_continues_the_run_and_its_history(tmp_path):
    x, y = regression()
    straight = mlp()
    full = quiet(straight, x, y, optimizer="adam", epochs=6, batch_size=8, validation_split=0.2,
                 metrics=["mae"], rng=7)
    path = str(tmp_path / "run.npz")

    first = mlp()
    quiet(first, x, y, optimizer="adam", epochs=3, batch_size=8, validation_split=0.2,
          metrics=["mae"], rng=7, callbacks=[ModelCheckpoint(path, monitor="loss")])
    resumed = mlp(seed=5)                       # other initial weights: the file's are loaded
    rest = quiet(resumed, x, y, optimizer="adam", epochs=6, batch_size=8, validation_split=0.2,
                 metrics=["mae"], rng=123, resume_from=path)
    assert same_weights(resumed, straight)
    assert rest.epoch == full.epoch == [0, 1, 2, 3, 4, 5]
    assert rest.history == full.history
    assert rest.params["initial_epoch"] == 3
    assert all(math.isnan(t) for t in rest.epoch_times[:3])


def test_bad_resume_is_refused(tmp_path):
    x, y = regression()
    path = str(tmp_path / "run.npz")
    no_opt = str(tmp_path / "no-opt.npz")
    quiet(mlp(), x, y, epochs=2, callbacks=[ModelCheckpoint(path, monitor="loss"),
                                            ModelCheckpoint(no_opt, monitor="loss",
                                                            save_optimizer=False)])
    with pytest.raises(ValueError, match="initial_epoch and resume_from cannot both be given: "
                                         "resume_from starts at the epoch stored in the "
                                         "checkpoint; received initial_epoch=1"):
        quiet(mlp(), x, y, epochs=3, initial_epoch=1, resume_from=path)
    with pytest.raises(ValueError, match=r"epochs must be at least the 2 epochs already done in "
                                         r"resume_from='.*run.npz'; received epochs=1"):
        quiet(mlp(), x, y, epochs=1, resume_from=path)
    with pytest.raises(ValueError, match=r"resume_from='.*no-opt.npz' holds no optimizer state"):
        quiet(mlp(), x, y, epochs=3, resume_from=no_opt)
    with pytest.raises(ValueError, match=r"resume_from='.*run.npz' does not fit this model and "
                                         r"optimizer: load_state_dict"):
        quiet(mlp((3, 5, 1)), x, y, epochs=3, resume_from=path)
    with pytest.raises(TypeError, match="resume_from must be the path .*; received "
                                        "resume_from=3"):
        quiet(mlp(), x, y, epochs=3, resume_from=3)
    with pytest.raises(FileNotFoundError, match=r"resume_from must be the path of a checkpoint "
                                                r"file written by ModelCheckpoint; received "
                                                r"resume_from='.*nope.npz', which does not "
                                                r"exist"):
        quiet(mlp(), x, y, epochs=3, resume_from=tmp_path / "nope.npz")


# ---------------------------------------------------------------- scheduler
class Halve:
    """Halve the learning rate after every epoch (a StepLR with step_size=1, gamma=0.5)."""

    requires_metric = False

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def step(self):
        self.optimizer.lr = self.optimizer.lr * 0.5


class Plateau:
    """Record the values it is stepped with; a metric-driven scheduler."""

    requires_metric = True

    def __init__(self, optimizer, monitor=None):
        self.optimizer, self.values = optimizer, []
        if monitor is not None:
            self.monitor = monitor

    def step(self, value):
        self.values.append(value)


def test_scheduler_is_stepped_once_per_epoch_and_lr_is_recorded():
    x, y = regression()
    model = mlp()
    opt = SGD(model.parameters(), lr=0.1)
    h = quiet(model, x, y, optimizer=opt, epochs=3, scheduler=Halve(opt))
    assert h["lr"] == [0.1, 0.05, 0.025] and opt.lr == 0.0125


@pytest.mark.parametrize("monitor, validation, key", [
    (None, True, "val_loss"), (None, False, "loss"), ("val_mae", True, "val_mae")])
def test_metric_scheduler_gets_the_monitored_value(monitor, validation, key):
    x, y = regression()
    model = mlp()
    opt = Adam(model.parameters())
    plateau = Plateau(opt, monitor)
    h = quiet(model, x, y, optimizer=opt, epochs=3, metrics=["mae"], scheduler=plateau,
              validation_split=0.25 if validation else 0.0)
    assert plateau.values == h[key]


@pytest.mark.parametrize("make, error, message", [
    (lambda opt: object(), TypeError,
     r"scheduler must be a learning-rate scheduler with a step\(\) method, such as "
     r"badak.optim.lr_scheduler.StepLR\(optimizer, step_size=10\); received object without "
     r"step\(\)"),
    (lambda opt: Halve(SGD(mlp().parameters(), lr=0.1)), ValueError,
     "scheduler must be built on the optimizer fit trains with; received a Halve of another "
     "optimizer"),
    (lambda opt: Plateau(opt, monitor="val_mae"), ValueError,
     re.escape("scheduler.monitor must be one of the logged values ['loss'"
               ", 'mae']; received monitor='val_mae' (pass validation_data or validation_split "
               "to fit)")),
    (lambda opt: type("Odd", (Halve,), {"requires_metric": "yes"})(opt), TypeError,
     "scheduler.requires_metric must be a bool; received str on Odd"),
])
def test_bad_scheduler_is_refused(make, error, message):
    x, y = regression()
    model = mlp()
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(error, match=message):
        quiet(model, x, y, optimizer=opt, metrics=["mae"], scheduler=make(opt))


# ---------------------------------------------------------------- float32 overflow
def test_targets_too_large_for_float32_are_reported_before_training():
    # issue 12, row 14: y = 1e300 was reported as "training diverged ... try a smaller lr"
    x, y = regression()
    y = y.copy()
    y[3] = 1e300
    with pytest.raises(ValueError, match=r"y holds values too large for the model's dtype "
                                         r"float32 \(largest finite 3.403e\+38\): \|y\| reaches "
                                         r"1e\+300, which would become inf. No learning rate can "
                                         r"help with that: rescale y"):
        quiet(mlp(), x, y)
    with pytest.raises(ValueError, match=r"x holds values too large for the model's dtype "):
        quiet(mlp(), x * 1e300, y)
    with pytest.raises(ValueError, match=r"y holds values too large"):
        quiet(mlp(), x, y[::-1].copy(), validation_split=0.25)      # 1e300 in the held-out rows
    with pytest.raises(ValueError, match=r"validation_data\[1\] holds values too large for the "
                                         r"model's dtype float32"):
        quiet(mlp(), x[4:], y[4:], validation_data=(x, y))


def test_a_loss_that_overflows_at_the_first_step_is_not_a_learning_rate_problem():
    x, y = regression()
    with pytest.raises(DivergenceError, match=r"the loss is inf at the first step, before any "
                                              r"update, so no learning rate can help: the "
                                              r"computation overflowed the model's dtype float32 "
                                              r".*\|y\| up to 4.\d+e\+20\)") as info:
        quiet(mlp(), x, y * 1e20, optimizer="sgd", lr=1e-30)
    assert "smaller learning rate" not in str(info.value)
