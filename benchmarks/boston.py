"""Boston housing with badak: the Keras notebook's experiment, and the book's final model.

Data: ``load_boston()``, the split of ``keras.datasets.boston_housing`` (404 training and 102 test
houses, 13 features, prices in thousands of dollars). Features are standardized with the training
mean and std. Model: Dense(64, relu) -> Dense(64, relu) -> Dense(1), i.e. ``MLP([13, 64, 64, 1])``
with Keras' initialisation (Glorot-uniform weights, zero biases), RMSprop(lr=1e-3), MSE loss, MAE
metric.

(a) The notebook's protocol: 4-fold cross-validation with contiguous folds, 100 epochs at batch
    size 1 per fold; prints each fold's final validation MAE, their mean and the time taken.
(b) The book's final protocol: train on all 404 houses for 80 epochs at batch size 16 and measure
    the MAE on the 102 test houses, as mean ± std over several seeds. Two initialisations are
    run: Keras' exactly (output bias 0), and the same but with the output layer's bias starting
    at the mean training price (22.4) instead of 0 ("init well": the network then starts from the
    best constant prediction and spends its 2,080 updates on the structure rather than on
    climbing from 0 to 22). Same model, data, optimizer, loss and budget.

Published Keras figures on this split (F. Chollet, "Deep Learning with Python", §3.6): 4-fold mean
validation MAE 2.38, final test MAE 2.55 (each a single run).

    python benchmarks/boston.py                      # both parts, 5 seeds
    python benchmarks/boston.py --skip-cv --seeds 20
    python benchmarks/boston.py --skip-final --plot boston_cv.png

Source: F. Chollet, "Deep Learning with Python" (1st ed. 2017, §3.6; 2nd ed. 2021, §4.3);
A. Karpathy, "A Recipe for Training Neural Networks" (2019), "init well".
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from badak.datasets import load_boston
from badak.lecture.reference import KERAS_CV_MAE, KERAS_TEST_MAE, boston_final, build_boston_model
from badak.training import cross_validate


def run_cv(x_train, y_train, args) -> None:
    print(f"(a) {args.folds}-fold cross-validation, {args.epochs} epochs at batch size "
          f"{args.batch_size}, RMSprop lr=1e-3 (Keras reference: mean val MAE {KERAS_CV_MAE})")
    start = time.perf_counter()
    result = cross_validate(build_boston_model, x_train, y_train, folds=args.folds,
                            epochs=args.epochs, batch_size=args.batch_size, loss="mse",
                            optimizer="rmsprop", metrics=("mae",), standardize="global",
                            rng=args.cv_seed, verbose=args.verbose)
    seconds = time.perf_counter() - start
    steps = sum(h.params["steps"] for h in result.histories) * args.epochs
    for i, mae in enumerate(result.final["val_mae"], start=1):
        print(f"    fold {i}: final validation MAE {mae:.3f}")
    best = int(np.argmin(result.mean_curves["val_mae"]))
    print(f"    mean final validation MAE {result.mean('val_mae'):.3f} "
          f"(lowest point of the averaged curve: {result.mean_curves['val_mae'][best]:.3f} at "
          f"epoch {best + 1})")
    print(f"    time: {seconds:.1f} s for {steps:,} steps ({seconds / steps * 1e6:.0f} us/step)")
    if args.plot:
        plot_curves(result, args.plot)
        print(f"    averaged curves saved to {args.plot}")


def plot_curves(result, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(result.mean_curves["val_mae"]) + 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(epochs, result.mean_curves["mae"], label="training MAE (running)")
    ax.plot(epochs, result.mean_curves["val_mae"], label="validation MAE")
    ax.axhline(KERAS_CV_MAE, color="gray", ls=":", label=f"Keras reference {KERAS_CV_MAE}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MAE (thousands of $)")
    ax.set_title(f"Boston housing, {len(result.histories)}-fold average")
    ax.set_ylim(0, max(6.0, KERAS_CV_MAE * 2))
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run_final(y_train, args) -> None:
    print(f"(b) all {len(y_train)} training houses, {args.final_epochs} epochs at batch size "
          f"{args.final_batch_size}, test MAE over {args.seeds} seeds "
          f"(Keras reference: {KERAS_TEST_MAE})")
    variants = [("Keras init (output bias 0)", 0.0),
                (f"output bias = mean price {y_train.mean():.1f}", "mean")]
    for label, bias in variants:
        maes = []
        start = time.perf_counter()
        for seed in range(args.seeds):
            _, mae = boston_final(seed, epochs=args.final_epochs,
                                  batch_size=args.final_batch_size, output_bias=bias)
            maes.append(mae)
        seconds = time.perf_counter() - start
        verdict = "<=" if np.mean(maes) <= KERAS_TEST_MAE else ">"
        print(f"    {label:<32} test MAE {np.mean(maes):.3f} ± {np.std(maes):.3f} "
              f"({verdict} {KERAS_TEST_MAE}); per seed: "
              f"{', '.join(f'{m:.2f}' for m in maes)}; {seconds:.1f} s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=100, help="epochs per fold in (a)")
    parser.add_argument("--batch-size", type=int, default=1, help="batch size in (a)")
    parser.add_argument("--final-epochs", type=int, default=80)
    parser.add_argument("--final-batch-size", type=int, default=16)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..n-1 in (b)")
    parser.add_argument("--cv-seed", type=int, default=0)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-final", action="store_true")
    parser.add_argument("--plot", metavar="PATH", help="save the averaged K-fold curves")
    parser.add_argument("--verbose", type=int, default=0, choices=[0, 1, 2])
    args = parser.parse_args(argv)

    (x_train, y_train), _ = load_boston()
    if not args.skip_cv:
        run_cv(x_train, y_train, args)                 # cross_validate standardizes ('global')
    if not args.skip_final:
        run_final(y_train, args)                       # boston_final standardizes likewise


if __name__ == "__main__":
    main()
