"""Section 7 of the tour: Boston housing, the Keras notebook's K-fold cross-validation and
the book's final protocol (defined in :mod:`badak.lecture.reference`)."""

from __future__ import annotations

import numpy as np

import badak
from badak._validation import check_bool, check_positive_int
from badak.i18n import translator
from badak.lecture.reference import (
    CV_BATCH_SIZE,
    CV_EPOCHS,
    CV_FOLDS,
    FINAL_BATCH_SIZE,
    FINAL_EPOCHS,
    LEARNING_RATE,
)
from badak.lecture.tour.report import (
    Section,
    StepProgress,
    _box,
    _md_table,
    _out_dir,
    _picture,
)


def boston_housing(out_dir, folds: int = CV_FOLDS, epochs: int = CV_EPOCHS,
                   batch_size: int = CV_BATCH_SIZE, optimizer: str = "rmsprop",
                   lr: float | None = LEARNING_RATE, seeds: int = 1,
                   final: bool = True, final_epochs: int = FINAL_EPOCHS,
                   final_batch_size: int = FINAL_BATCH_SIZE, hidden=(64, 64), rng=0,
                   progress: StepProgress | None = None, lang: str = "en") -> Section:
    """The Boston housing notebook: K-fold cross-validation of MLP 13-64-64-1, then the test set.

    As in the notebook: the features are standardized with the training set's statistics,
    the folds are contiguous blocks, each fold trains a fresh model with RMSprop (lr 1e-3) on
    the mean squared error, reporting the mean absolute error; the curves are averaged over the
    folds. With ``final=True`` a last model is trained on all 404 training houses
    (``final_epochs`` at ``final_batch_size``) and scored on the 102 test houses.

    Parameters
    ----------
    out_dir : str or PathLike
        Where the curves picture ``boston_cv.png`` goes.
    seeds : int, default=1
        Repeat the cross-validation with this many seeds (rng, rng + 1, ...) and report the
        spread of the mean validation MAE.
    progress : StepProgress, optional
        Advanced once per fold (``folds * seeds`` steps) and once for the final model.
    lang : {'en', 'ko'}, default='en'
        The language of the text and the pictures.
    """
    from badak.datasets import load_boston
    from badak.lecture.reference import boston_final, build_boston_model

    _ = translator(lang)
    out = _out_dir(out_dir)
    folds = check_positive_int("folds", folds)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    seeds = check_positive_int("seeds", seeds)
    final = check_bool("final", final)
    sizes = [13, *[check_positive_int("hidden", h) for h in hidden], 1]
    files: list[str] = []
    (x_train, y_train), (x_test, y_test) = load_boston()
    rng = check_positive_int("rng", rng, allow_zero=True)

    built = 0

    def fold_done(k: int) -> str:  # k counts the folds of all seeds from 1
        seed = f", seed {(k - 1) // folds + 1}/{seeds}" if seeds > 1 else ""
        return _("Boston fold {k}/{folds}{seed} done").format(k=(k - 1) % folds + 1,
                                                               folds=folds, seed=seed)

    def build(fold_rng):
        # cross_validate calls this at the start of each fold: the previous fold is done
        nonlocal built
        if progress is not None and built:
            progress.advance(fold_done(built))
        built += 1
        return build_boston_model(fold_rng, hidden=sizes[1:-1])

    runs = []
    for s in range(seeds):
        result = badak.cross_validate(build, x_train, y_train, folds=folds, epochs=epochs,
                                      batch_size=batch_size, loss="mse", optimizer=optimizer,
                                      lr=lr, metrics=("mae",), rng=rng + s, verbose=0)
        runs.append(result)
    if progress is not None:
        progress.advance(fold_done(built))
    first = runs[0]
    fold_mae = first.final["val_mae"]
    mean_mae = float(np.mean(fold_mae))
    seed_means = [r.mean("val_mae") for r in runs]
    skip = 10 if epochs > 20 else 0

    def draw():
        from badak.lecture.plots import plot_cv

        return plot_cv(first, metrics=["mae"], skip=skip, lang=lang,
                       units={"mae": _("$1000s")}, mark_best=True)

    curves = _picture(out, "boston_cv.png", files,
                      _("{folds}-fold curves: training and validation MAE").format(folds=folds),
                      draw, lang=lang)
    best_epoch = int(np.argmin(first.mean_curves["val_mae"])) + 1

    lines = [_("{folds}-fold cross-validation, MLP {sizes}, {optimizer}{lr}, {epochs} epochs, "
               "batch size {batch}").format(
        folds=folds, sizes="-".join(map(str, sizes)), optimizer=optimizer,
        lr=f" lr={lr:g}" if lr is not None else "", epochs=epochs, batch=batch_size)]
    lines += [_("  fold {k}: final validation MAE {v:.3f}").format(k=i + 1, v=v)
              for i, v in enumerate(fold_mae)]
    lines.append(_("  mean validation MAE: {m:.3f} (in $1000s)").format(m=mean_mae))
    if seeds > 1:
        lines.append(_("  over {seeds} seeds: mean validation MAE {m:.3f} ± {s:.3f}").format(
            seeds=seeds, m=np.mean(seed_means), s=np.std(seed_means)))
    results = {"fold_val_mae": fold_mae, "mean_val_mae": mean_mae, "seed_means": seed_means,
               "best_epoch": best_epoch}

    if final:
        _model, test_mae = boston_final(rng, epochs=final_epochs, batch_size=final_batch_size,
                                        optimizer=optimizer, lr=lr, hidden=sizes[1:-1])
        results["test_mae"] = test_mae
        lines.append(_("  final model ({epochs} epochs, batch size {batch}, all {n} training "
                       "houses): test MAE {mae:.3f}").format(
            epochs=final_epochs, batch=final_batch_size, n=len(x_train), mae=test_mae))
        if progress is not None:
            progress.advance(_("Boston final model done"))

    train_mae = float(first.mean_curves["mae"][-1])
    design = np.column_stack([np.ones(len(x_train)), (x_train - x_train.mean(0)) /
                              x_train.std(0)])                              # (404, 1 + 13)
    coef, *_rest = np.linalg.lstsq(design, y_train, rcond=None)
    linear_mae = float(np.mean(np.abs(design @ coef - y_train)))
    results["train_mae"] = train_mae
    results["linear_train_mae"] = linear_mae
    results["linear_bias"] = float(coef[0])
    fold_table = _md_table((_("fold"), _("final validation MAE ($1000s)")),
                           [(i + 1, f"{v:.3f}") for i, v in enumerate(fold_mae)] +
                           [(_("mean"), f"**{mean_mae:.3f}**")])
    skip_md = (_("; the first {skip} epochs are left out of the picture to show the "
                 "scale").format(skip=skip) if skip else "")
    seeds_md = (_("Repeated with {seeds} seeds, the mean validation MAE is {m:.3f} ± "
                  "{s:.3f}.").format(seeds=seeds, m=np.mean(seed_means), s=np.std(seed_means))
                if seeds > 1 else "")
    test_md = ""
    if final:
        test_md = _("""The book's final protocol: a fresh model trained on all {n} training
houses for {epochs} epochs at batch size {batch}, then scored once on the {n_test} test houses:
**test MAE {mae:.3f}** (about ${dollars:,.0f}). As in Keras the weights start Glorot-uniform;
the output bias starts at the mean training price instead of 0 (see
`badak.lecture.reference`).""").format(n=len(x_train), epochs=final_epochs, batch=final_batch_size,
                               n_test=len(x_test), mae=results["test_mae"],
                               dollars=results["test_mae"] * 1000)
    md = "\n\n".join(part for part in [
        _("""The Keras notebook's regression (Chollet §4.3): 404 training houses with 13
standardized features, MLP {sizes} (ReLU), mean squared error, {optimizer}{lr}, {epochs}
epochs at batch size {batch}, {folds}-fold cross-validation on contiguous folds, reporting the
mean absolute error (MAE) in thousands of dollars.""").format(
            sizes="-".join(map(str, sizes)), optimizer=optimizer,
            lr=f" (lr {lr:g})" if lr is not None else "", epochs=epochs, batch=batch_size,
            folds=folds),
        fold_table,
        seeds_md,
        _("""The averaged validation MAE is lowest at epoch {best} ({low:.3f}){skip}. The
picture names the curves: the training MAE keeps falling (final {train:.3f}), the validation
MAE stops improving; after the marked epoch the model starts to overfit.""").format(
            best=best_epoch, low=min(first.mean_curves["val_mae"]), skip=skip_md,
            train=train_mae),
        curves,
        test_md,
        _box(_, _("The bias b makes the model biased; a large bias means underfitting, a "
                  "small one overfitting."),
             _("Two different things share the word. The bias b of a neuron (편향) is one "
               "parameter, an intercept: b = -θ moves the threshold. The statistical bias of "
               "under- and overfitting is the systematic error of a model family, measured by "
               "its error on the training data. A linear model with its bias term (least "
               "squares on the 13 standardized features, b = {b:.2f}, the mean price) has "
               "training MAE {linear:.2f}; the MLP's is {mlp:.2f}. Under- and overfitting are "
               "read from the training and validation curves, not from b.").format(
                 b=results["linear_bias"], linear=linear_mae, mlp=train_mae) + " " +
             (_("With the same b, the linear model underfits where the MLP does not.")
              if linear_mae > train_mae else
              _("(This run trained the MLP too briefly to beat it: the MLP underfits here.)"))),
    ] if part) + "\n"
    return Section(_("Boston housing: K-fold cross-validation"), md, files, lines, results)
