"""badak.training: fit, History, callbacks, progress output, bad input, divergence, K-fold."""

import io
import math
import sys

import numpy as np
import pytest

import badak
from badak import metrics, nn
from badak.optim import SGD, RMSprop
from badak.training import (
    Callback,
    CVResult,
    DivergenceError,
    EarlyStopping,
    FitLoop,
    History,
    ModelCheckpoint,
    cross_validate,
    evaluate,
    fit,
    predict,
)
from badak.training.progress import Progress, format_logs


def regression_data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + 0.3      # (n,): reshaped to (n, 1) by fit
    return x, y


def small_model(seed=0, sizes=(3, 8, 1)):
    return nn.MLP(list(sizes), rng=seed)


def weights(model):
    return [p.data.copy() for p in model.parameters()]


def test_fit_learns_a_tiny_regression():
    x, y = regression_data()
    model = small_model()
    history = fit(model, x, y, loss="mse", optimizer="adam", lr=0.01, epochs=30, batch_size=8,
                  rng=0, verbose=0)
    loss = history.history["loss"]
    assert loss[-1] < 0.1 * loss[0]
    assert evaluate(model, x, y, loss="mse")["loss"] < 0.2 * loss[0]


def test_history_keys_lengths_and_params():
    x, y = regression_data()
    history = fit(small_model(), x[:40], y[:40], epochs=3, batch_size=16, metrics=("mae", "rmse"),
                  validation_data=(x[40:], y[40:]), rng=0, verbose=0)
    assert isinstance(history, History)
    assert list(history.keys()) == ["loss", "mae", "rmse", "val_loss", "val_mae", "val_rmse"]
    assert all(len(v) == 3 for v in history.history.values())
    assert history.epoch == [0, 1, 2]                  # counted from 0, as Keras' History
    assert len(history.epoch_times) == 3 and all(t > 0 for t in history.epoch_times)
    assert history.params["steps"] == 3            # 40 samples at batch 16: 16, 16, 8
    assert history.params["samples"] == 40
    assert history.params["validation_samples"] == 8
    assert not history.stopped_early
    assert history["val_mae"] is history.history["val_mae"]
    with pytest.raises(KeyError, match="val_r2"):
        history["val_r2"]


def test_without_validation_there_are_no_val_keys():
    x, y = regression_data()
    history = fit(small_model(), x, y, epochs=2, metrics="mae", rng=0, verbose=0)
    assert list(history.keys()) == ["loss", "mae"]


def test_epoch_loss_is_the_batch_size_weighted_mean_of_batch_losses():
    # With a learning rate too small to move the weights visibly, every batch sees the initial
    # weights, so the weighted mean of the batch losses (batches 4, 4, 2) is the loss on all data
    # (an unweighted mean of the three would differ).
    x, y = regression_data(n=10)
    model = small_model()
    full = evaluate(model, x, y, loss="mse", metrics=("mae",))
    before = weights(model)
    history = fit(model, x, y, optimizer=SGD(model.parameters(), lr=1e-30), epochs=1,
                  batch_size=4, metrics=("mae",), rng=0, verbose=0)
    assert max(np.abs(a - b).max() for a, b in zip(before, weights(model))) < 1e-20
    assert history.history["loss"][0] == pytest.approx(full["loss"], rel=1e-5)
    assert history.history["mae"][0] == pytest.approx(full["mae"], rel=1e-5)


def test_training_metrics_use_the_predictions_before_each_update():
    # one batch, one epoch: the training metric is that of the initial weights (Keras' value),
    # while val_ metrics use the weights after the update
    x, y = regression_data(n=16)
    model = small_model()
    initial_mae = metrics.mae(y, predict(model, x))
    history = fit(model, x, y, optimizer="sgd", lr=0.1, epochs=1, batch_size=16, shuffle=False,
                  metrics=("mae",), validation_data=(x, y), verbose=0)
    assert history.history["mae"][0] == pytest.approx(initial_mae, rel=1e-6)
    assert history.history["val_mae"][0] == pytest.approx(metrics.mae(y, predict(model, x)),
                                                          rel=1e-6)
    assert history.history["val_mae"][0] != pytest.approx(initial_mae, rel=1e-3)


def test_targets_of_shape_n_are_reshaped_for_one_output():
    x, y = regression_data()
    h1 = fit(small_model(), x, y, epochs=2, batch_size=8, rng=3, verbose=0)
    h2 = fit(small_model(), x, y.reshape(-1, 1), epochs=2, batch_size=8, rng=3, verbose=0)
    assert h1.history == h2.history


def test_classification_with_cross_entropy_and_accuracy():
    x, y = badak.datasets.make_gaussian(120, noise=0.5, rng=0)
    model = nn.MLP([2, 16, int(y.max()) + 1], rng=0)
    history = fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=15,
                  batch_size=16, metrics=("accuracy",), rng=0, verbose=0)
    assert history.history["accuracy"][-1] >= 0.9
    assert evaluate(model, x, y, metrics=("accuracy",))["accuracy"] >= 0.9


def test_same_seed_gives_identical_history_and_weights():
    x, y = regression_data()
    runs = []
    for _ in range(2):
        model = small_model(seed=5)
        history = fit(model, x, y, epochs=3, batch_size=5, metrics=("mae",),
                      validation_data=(x[:8], y[:8]), rng=11, verbose=0)
        runs.append((history.history, weights(model)))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][1], runs[1][1]))
    other = fit(small_model(seed=5), x, y, epochs=3, batch_size=5, rng=12, verbose=0)
    assert other.history["loss"] != runs[0][0]["loss"]      # another shuffle, another run


@pytest.mark.parametrize("was_training", [True, False])
def test_model_mode_is_restored(was_training):
    x, y = regression_data()
    model = nn.MLP([3, 8, 1], dropout=0.5, rng=0)
    model.train(was_training)
    seen = []

    class Spy(Callback):
        def on_epoch_begin(self, epoch):
            seen.append(self.model.training)

    fit(model, x, y, epochs=2, validation_data=(x, y), callbacks=[Spy()], rng=0, verbose=0)
    assert all(m.training is was_training for _, m in model.named_modules())
    assert seen == [was_training, True]   # epoch 2 begins after epoch 1's train() call


def test_verbose_0_prints_nothing(capsys):
    x, y = regression_data()
    fit(small_model(), x, y, epochs=3, metrics=("mae",), rng=0, verbose=0)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("verbose", [1, 2])
def test_verbose_prints_one_line_per_epoch_when_not_a_terminal(capsys, verbose):
    x, y = regression_data()
    fit(small_model(), x, y, epochs=3, metrics=("mae",), validation_data=(x, y), rng=0,
        verbose=verbose)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - ")
    assert " - loss: " in lines[2] and " - mae: " in lines[2] and " - val_mae: " in lines[2]


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_a_bar_on_a_terminal():
    pytest.importorskip("tqdm")
    stream = FakeTerminal()
    progress = Progress(1, epochs=2, steps=10, stream=stream)
    assert progress.per_step
    progress.epoch_begin(1)
    progress.step(5)
    progress.epoch_end(1, {"loss": 1.5}, 0.1)
    assert "Epoch 1/2" in stream.getvalue() and "loss: 1.5000" in stream.getvalue()


def test_progress_falls_back_to_lines_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)    # import tqdm now raises ImportError
    stream = FakeTerminal()
    progress = Progress(1, epochs=2, steps=10, stream=stream)
    assert not progress.per_step
    progress.epoch_begin(1)
    progress.epoch_end(1, {"loss": 1.5, "mae": 0.25}, 0.1)
    assert stream.getvalue() == "Epoch 1/2 - 0.10s - loss: 1.5000 - mae: 0.2500\n"


def test_format_logs_small_and_large_values():
    assert format_logs({"loss": 1.23456, "tiny": 1.5e-5, "big": 2.5e6}) == \
        "loss: 1.2346 - tiny: 1.5e-05 - big: 2.5e+06"


# ---------------------------------------------------------------- bad input
X, Y = regression_data(n=12)
X_NAN = X.copy()
X_NAN[3, 1] = np.nan
Y_INF = Y.copy()
Y_INF[0] = np.inf


@pytest.mark.parametrize("kwargs, match", [
    (dict(x=X, y=Y[:-1]), r"x and y must have the same number of samples.*12.*11"),
    (dict(x=X_NAN), r"x must contain only finite numbers; received 1 NaN"),
    (dict(y=Y_INF), r"y must contain only finite numbers; received 0 NaN and 1 inf"),
    (dict(x=X[:0], y=Y[:0]), r"x must hold at least one sample; received an empty data set"),
    (dict(x=X[:, :2]), r"x must have 3 features .*received x of shape \(12, 2\)"),
    (dict(x=X[:, 0]), r"x must be 2-D \(n_samples, 3\)"),
    (dict(x=np.array(["a"] * 12)), r"x must be an array of numbers"),
    (dict(epochs=0), r"epochs must be a positive integer; received epochs=0"),
    (dict(batch_size=0), r"batch_size must be a positive integer; received batch_size=0"),
    (dict(batch_size=-4), r"batch_size must be a positive integer; received batch_size=-4"),
    (dict(loss="hinge"), r"loss must be one of .*'mse'.*received loss='hinge'"),
    (dict(optimizer="lion"), r"optimizer must be one of .*'rmsprop'.*received "
                              r"optimizer='lion'"),
    (dict(metrics=("mae", "mape")), r"metric must be one of .*received metric='mape'"),
    (dict(lr=-0.1), r"lr must be > 0.0; received lr=-0.1"),
    (dict(lr=0.0), r"lr must be > 0.0; received lr=0.0"),
    (dict(validation_data=(X,)), r"validation_data must be a pair \(x_val, y_val\); received "
                                 r"a tuple of length 1"),
    (dict(validation_data=(X_NAN, Y)), r"validation_data\[0\] must contain only finite"),
    (dict(validation_data=(X[:, :2], Y)), r"validation_data\[0\] must have 3 features"),
    (dict(validation_data=(X, Y[:3])), r"validation_data\[0\] and validation_data\[1\] must "
                                       r"have the same number of samples"),
    (dict(y=np.stack([Y, Y], axis=1)), r"y does not fit the model's output and the loss"),
    (dict(verbose=3), r"verbose must be one of \{0, 1, 2\}; received verbose=3"),
    (dict(clipnorm=-1.0), r"clipnorm must be > 0.0; received clipnorm=-1.0"),
    (dict(clipvalue=0.0), r"clipvalue must be > 0.0; received clipvalue=0.0"),
])
def test_bad_input_raises_value_error_naming_the_argument(kwargs, match):
    args = dict(x=X, y=Y, epochs=1, batch_size=4, verbose=0, rng=0)
    args.update(kwargs)
    model = small_model()
    before = weights(model)
    with pytest.raises(ValueError, match=match):
        fit(model, args.pop("x"), args.pop("y"), **args)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(model)))   # untouched


def test_float_labels_for_cross_entropy_are_refused():
    x, y = badak.datasets.make_gaussian(20, rng=0)
    model = nn.MLP([2, 4, 3], rng=0)
    with pytest.raises(ValueError, match=r"y must hold integer class labels.*astype\(int\)"):
        fit(model, x, y.astype(float), loss="cross_entropy", verbose=0)


def test_lr_with_an_optimizer_instance_is_refused():
    x, y = regression_data()
    model = small_model()
    with pytest.raises(ValueError, match="lr is only used when optimizer is given by name"):
        fit(model, x, y, optimizer=RMSprop(model.parameters()), lr=0.1, verbose=0)


def test_optimizer_of_another_model_is_refused():
    x, y = regression_data()
    with pytest.raises(ValueError, match="optimizer must be built on this model's parameters"):
        fit(small_model(), x, y, optimizer=RMSprop(small_model().parameters()), verbose=0)


@pytest.mark.parametrize("bad", [1.5, "3"])
def test_non_integer_epochs_raise_type_error(bad):
    x, y = regression_data()
    with pytest.raises(TypeError, match="epochs must be a positive integer"):
        fit(small_model(), x, y, epochs=bad, verbose=0)


def test_non_callback_is_refused():
    x, y = regression_data()
    with pytest.raises(TypeError, match=r"callbacks\[0\]"):
        fit(small_model(), x, y, callbacks=[print], verbose=0)


# ---------------------------------------------------------------- divergence and clipping
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_divergence_raises_naming_epoch_and_step_and_keeps_finite_weights():
    x, y = regression_data()
    model = small_model()
    with pytest.raises(DivergenceError, match=r"epoch \d+/50, step \d+/6.*smaller learning "
                                              r"rate.*clipnorm") as info:
        fit(model, x, y * 1e3, optimizer="sgd", lr=10.0, epochs=50, batch_size=8, rng=0,
            verbose=0)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.epoch >= 1 and 0 <= err.step <= 6 and not math.isfinite(err.loss)
    assert all(np.isfinite(p.data).all() for p in model.parameters())
    # the restored weights are those of the last step whose loss was finite
    out = predict(model, x)
    assert np.isfinite(np.mean((out[:, 0] - y * 1e3) ** 2))


def test_clipnorm_bounds_the_step():
    x, y = regression_data()
    model = small_model()
    before = weights(model)
    fit(model, x, y * 100, optimizer="sgd", lr=1.0, epochs=1, batch_size=len(x), clipnorm=0.01,
        verbose=0)
    change = math.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(before, weights(model))))
    assert change == pytest.approx(0.01, rel=1e-3)       # lr 1 x gradient of norm 0.01


def test_clipvalue_bounds_each_element():
    x, y = regression_data()
    model = small_model()
    before = weights(model)
    fit(model, x, y * 100, optimizer="sgd", lr=1.0, epochs=1, batch_size=len(x),
        clipvalue=0.001, verbose=0)
    biggest = max(np.abs(a - b).max() for a, b in zip(before, weights(model)))
    assert biggest == pytest.approx(0.001, rel=1e-4)


# ---------------------------------------------------------------- callbacks
class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self):
        self.events.append("begin")

    def on_epoch_end(self, epoch, logs):
        self.events.append((epoch, sorted(logs)))

    def on_train_end(self):
        self.events.append("end")


def test_callback_hooks_are_called_in_order():
    x, y = regression_data()
    recorder = Recorder()
    fit(small_model(), x, y, epochs=2, metrics=("mae",), callbacks=[recorder], verbose=0)
    # epochs counted from 0, as Keras passes them to callbacks
    assert recorder.events == ["begin", (0, ["loss", "mae"]), (1, ["loss", "mae"]), "end"]


def test_a_callback_can_stop_training():
    class StopAfterTwo(Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch == 1:                       # the second epoch (from 0)
                self.loop.stop_training = True

    x, y = regression_data()
    history = fit(small_model(), x, y, epochs=10, callbacks=[StopAfterTwo()], verbose=0)
    assert len(history) == 2 and history.stopped_early


def drive(callback, model, values, monitor="val_loss"):
    """Feed EarlyStopping made-up epoch values; change the weights after each epoch."""
    callback.set_loop(FitLoop(model, None, History(), {}, np.random.default_rng(0)))
    callback.on_train_begin()
    snapshots = {}
    for epoch, value in enumerate(values, start=1):
        for p in model.parameters():
            p.data[...] = epoch                       # "training" changes the weights
        snapshots[epoch] = weights(model)
        callback.on_epoch_end(epoch, {monitor: value})
        if callback.loop.stop_training:
            break
    callback.on_train_end()
    return epoch, snapshots


def test_early_stopping_waits_patience_epochs_and_restores_the_best():
    model = small_model()
    stopper = EarlyStopping(patience=2)
    last, snapshots = drive(stopper, model, [3.0, 2.0, 2.5, 2.1, 1.0, 0.5])
    assert last == 4 and stopper.stopped_epoch == 4          # epochs 3 and 4 did not improve
    assert stopper.best == 2.0 and stopper.best_epoch == 2
    assert all(np.array_equal(a, b) for a, b in zip(weights(model), snapshots[2]))


def test_early_stopping_min_delta_and_max_mode():
    model = small_model()
    stopper = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    assert stopper.mode == "max"
    last, _ = drive(stopper, model, [0.5, 0.52, 0.9], monitor="val_accuracy")
    assert last == 2 and stopper.best == 0.5            # +0.02 is below min_delta


def test_early_stopping_in_fit_restores_best_weights():
    # min_delta so large that only the first epoch "improves": training stops after epoch 2 and
    # the model gets epoch 1's weights back
    x, y = regression_data()
    reference = small_model()
    fit(reference, x, y, epochs=1, batch_size=8, rng=4, verbose=0)
    model = small_model()
    stopper = EarlyStopping(monitor="loss", patience=1, min_delta=1e9)
    history = fit(model, x, y, epochs=20, batch_size=8, rng=4, callbacks=[stopper], verbose=0)
    assert len(history) == 2 and history.stopped_early and stopper.best_epoch == 0   # from 0
    assert all(np.array_equal(a, b) for a, b in zip(weights(model), weights(reference)))


def test_early_stopping_unknown_monitor_says_what_is_logged():
    x, y = regression_data()
    with pytest.raises(ValueError, match=r"monitor of EarlyStopping must be one of the logged "
                                         r"values \['loss'\]; received monitor='val_loss' "
                                         r"\(pass validation_data"):
        fit(small_model(), x, y, epochs=2, callbacks=[EarlyStopping()], verbose=0)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(patience=-1), ValueError, "patience"),
    (dict(min_delta=-0.1), ValueError, "min_delta"),
    (dict(mode="best"), ValueError, "mode"),
    (dict(restore_best_weights="yes"), TypeError, "restore_best_weights"),
])
def test_early_stopping_checks_its_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_model_checkpoint_writes_files(tmp_path):
    from badak import persistence
    x, y = regression_data()
    model = small_model()
    checkpoint = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.npz", monitor="loss")
    fit(model, x, y, epochs=2, callbacks=[checkpoint], rng=0, verbose=0)
    assert [p.rsplit("/", 1)[-1] for p in checkpoint.saved] == ["ckpt-01.npz", "ckpt-02.npz"]
    assert all((tmp_path / name).exists() for name in ("ckpt-01.npz", "ckpt-02.npz"))
    loaded = persistence.load_checkpoint(checkpoint.saved[-1])
    assert loaded.epoch == 2 and loaded.step == 2 * 2        # 48 samples at batch 32: 2 steps
    assert loaded.optimizer_state is not None
    assert loaded.metadata["logs"]["loss"] == loaded.history["loss"][-1]
    np.testing.assert_array_equal(predict(loaded.model, x), predict(model, x))


def test_model_checkpoint_save_best_only(tmp_path):
    model = small_model()
    checkpoint = ModelCheckpoint(tmp_path / "best-{epoch}.npz", save_best_only=True)
    checkpoint.set_loop(FitLoop(model, None, History(), {}, np.random.default_rng(0)))
    checkpoint.on_train_begin()
    # hooks count epochs from 0; {epoch} in the name is epoch + 1 (epochs completed), as Keras
    for epoch, value in enumerate([3.0, 2.0, 2.5, 1.0]):
        checkpoint.on_epoch_end(epoch, {"val_loss": value})
    assert [p.rsplit("-", 1)[-1] for p in checkpoint.saved] == ["1.npz", "2.npz", "4.npz"]


# ---------------------------------------------------------------- predict / evaluate
def test_predict_does_not_depend_on_batch_size_and_restores_mode():
    x, y = regression_data()
    model = nn.MLP([3, 8, 1], dropout=0.5, rng=0)
    a = predict(model, x, batch_size=5)
    b = predict(model, x)
    np.testing.assert_allclose(a, b, rtol=1e-6)
    assert a.shape == (len(x), 1) and model.training


def test_evaluate_matches_metrics_by_hand():
    x, y = regression_data()
    model = small_model()
    out = predict(model, x)[:, 0]
    result = evaluate(model, x, y, loss="mse", metrics=("mae", "r2"))
    assert result["loss"] == pytest.approx(np.mean((out - y) ** 2), rel=1e-5)
    assert result["mae"] == pytest.approx(np.mean(np.abs(out - y)), rel=1e-5)
    assert result["r2"] == pytest.approx(metrics.r2(y, out), rel=1e-6)


# ---------------------------------------------------------------- cross-validation
def build(rng):
    return nn.MLP([3, 8, 1], rng=rng)


def test_cross_validate_two_folds():
    x, y = regression_data(n=20)
    result = cross_validate(build, x, y, folds=2, epochs=3, batch_size=4, metrics=("mae",),
                            rng=0)
    assert isinstance(result, CVResult)
    assert len(result.histories) == 2 and len(result.models) == 2
    assert all(h.params["samples"] == 10 and h.params["validation_samples"] == 10
               for h in result.histories)
    assert set(result.mean_curves) == {"loss", "mae", "val_loss", "val_mae"}
    assert all(len(curve) == 3 for curve in result.mean_curves.values())
    expected = np.mean([h.history["val_mae"] for h in result.histories], axis=0)
    np.testing.assert_allclose(result.mean_curves["val_mae"], expected)
    assert result.final["val_mae"] == [h.history["val_mae"][-1] for h in result.histories]
    assert result.mean("val_mae") == pytest.approx(np.mean(result.final["val_mae"]))
    assert "val_mae" in result.summary() and "2-fold" in result.summary()


def test_cross_validate_is_reproducible_and_folds_differ():
    x, y = regression_data(n=20)
    a = cross_validate(build, x, y, folds=2, epochs=2, batch_size=4, rng=7)
    b = cross_validate(build, x, y, folds=2, epochs=2, batch_size=4, rng=7)
    assert [h.history for h in a.histories] == [h.history for h in b.histories]
    w0, w1 = (weights(m) for m in a.models)
    assert not np.array_equal(w0[0], w1[0])


def test_cross_validate_global_standardization_matches_the_notebook():
    # 'global': standardize with all of x, then fit each fold on slices of it, by hand
    x, y = regression_data(n=20)
    x = x * 10 + 5
    result = cross_validate(build, x, y, folds=2, epochs=2, batch_size=4, rng=3)
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    rngs = np.random.default_rng(3).spawn(2)
    model = build(rngs[0])
    history = fit(model, xs[10:], y[10:], optimizer="rmsprop", epochs=2, batch_size=4,
                  validation_data=(xs[:10], y[:10]), metrics=("mae",), rng=rngs[0], verbose=0)
    assert history.history == result.histories[0].history


@pytest.mark.parametrize("standardize", ["fold", False])
def test_cross_validate_other_standardizations_run(standardize):
    x, y = regression_data(n=20)
    result = cross_validate(lambda: nn.MLP([3, 4, 1], rng=0), x, y, folds=2, epochs=1,
                            batch_size=10, standardize=standardize, shuffle_folds=True, rng=0)
    assert len(result.final["val_loss"]) == 2


@pytest.mark.parametrize("kwargs, match", [
    (dict(folds=1), "folds must be an integer >= 2"),
    (dict(folds=30), "folds must be at most the number of samples"),
    (dict(standardize="yes"), "standardize must be one of"),
    (dict(optimizer=RMSprop(small_model().parameters())), "optimizer must be a name or a "
                                                           "factory"),
])
def test_cross_validate_bad_input(kwargs, match):
    x, y = regression_data(n=20)
    with pytest.raises(ValueError, match=match):
        cross_validate(build, x, y, epochs=1, **kwargs)
