"""Section 7 of the tour: Boston housing, the Keras notebook's K-fold cross-validation and
the book's final protocol (defined in :mod:`badak.reference`)."""

from __future__ import annotations

import numpy as np

import badak
from badak._validation import check_bool, check_positive_int
from badak.reference import (
    CV_BATCH_SIZE,
    CV_EPOCHS,
    CV_FOLDS,
    FINAL_BATCH_SIZE,
    FINAL_EPOCHS,
    LEARNING_RATE,
)
from badak.tour.report import (
    Section,
    StepProgress,
    _md_table,
    _out_dir,
    _picture,
)


def boston_housing(out_dir, folds: int = CV_FOLDS, epochs: int = CV_EPOCHS,
                   batch_size: int = CV_BATCH_SIZE, optimizer: str = "rmsprop",
                   lr: float | None = LEARNING_RATE, seeds: int = 1,
                   final: bool = True, final_epochs: int = FINAL_EPOCHS,
                   final_batch_size: int = FINAL_BATCH_SIZE, hidden=(64, 64), rng=0,
                   progress: StepProgress | None = None) -> Section:
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
    """
    from badak.datasets import load_boston
    from badak.reference import boston_final, build_boston_model

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
        return f"Boston fold {(k - 1) % folds + 1}/{folds}{seed} done"

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
        from badak.plots import plot_cv

        return plot_cv(first, metrics=["mae"], skip=skip)

    curves = _picture(out, "boston_cv.png", files, f"{folds}-fold curves", draw)
    best_epoch = int(np.argmin(first.mean_curves["val_mae"])) + 1

    lines = [f"{folds}-fold cross-validation, MLP {'-'.join(map(str, sizes))}, {optimizer}"
             f"{f' lr={lr:g}' if lr is not None else ''}, {epochs} epochs, batch size "
             f"{batch_size}"]
    lines += [f"  fold {i + 1}: final validation MAE {v:.3f}" for i, v in enumerate(fold_mae)]
    lines.append(f"  mean validation MAE: {mean_mae:.3f} (in $1000s)")
    if seeds > 1:
        lines.append(f"  over {seeds} seeds: mean validation MAE {np.mean(seed_means):.3f} ± "
                     f"{np.std(seed_means):.3f} (per seed: "
                     f"{', '.join(f'{m:.3f}' for m in seed_means)})")
    results = {"fold_val_mae": fold_mae, "mean_val_mae": mean_mae, "seed_means": seed_means,
               "best_epoch": best_epoch}

    test_md = ""
    if final:
        _, test_mae = boston_final(rng, epochs=final_epochs, batch_size=final_batch_size,
                                   optimizer=optimizer, lr=lr, hidden=sizes[1:-1])
        scores = {"mae": test_mae}
        results["test_mae"] = scores["mae"]
        lines.append(f"  final model ({final_epochs} epochs, batch size {final_batch_size}, all "
                     f"{len(x_train)} training houses): test MAE {scores['mae']:.3f}")
        test_md = (f"\nThe book's final protocol: a fresh model trained on all {len(x_train)} "
                   f"training houses for {final_epochs} epochs at batch size "
                   f"{final_batch_size}, then scored once on the {len(x_test)} test houses: "
                   f"**test MAE {scores['mae']:.3f}** (about ${scores['mae'] * 1000:,.0f}). "
                   f"As in Keras the weights start Glorot-uniform; the output bias starts at the "
                   f"mean training price instead of 0 (see `badak.reference`).\n")
        if progress is not None:
            progress.advance("Boston final model done")

    fold_table = _md_table(("fold", "final validation MAE"),
                           [(i + 1, f"{v:.3f}") for i, v in enumerate(fold_mae)] +
                           [("mean", f"**{mean_mae:.3f}**")])
    skip_md = (f"; the first {skip} epochs are left out of the picture to show the scale"
               if skip else "")
    seeds_md = (f"\nRepeated with {seeds} seeds, the mean validation MAE is "
                f"{np.mean(seed_means):.3f} ± {np.std(seed_means):.3f}.\n" if seeds > 1 else "")
    md = f"""The Keras notebook's regression (Chollet §4.3): 404 training houses with 13
standardized features, MLP {'-'.join(map(str, sizes))} (ReLU), mean squared error, {optimizer}
{f'(lr {lr:g})' if lr is not None else ''}, {epochs} epochs at batch size {batch_size},
{folds}-fold cross-validation on contiguous folds, reporting the mean absolute error in
thousands of dollars.

{fold_table}
{seeds_md}
The averaged validation MAE is lowest at epoch {best_epoch}
({min(first.mean_curves['val_mae']):.3f}){skip_md}.

{curves}
{test_md}"""
    return Section("Boston housing: K-fold cross-validation", md, files, lines, results)
