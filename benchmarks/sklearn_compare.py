"""badak.interfaces.sklearn against scikit-learn's own MLPs, side by side in one run.

- The digits (``sklearn.datasets.load_digits``, 1,797 8x8 images, raw pixels 0..16): 3-fold
  ``cross_val_score`` of ``MLPClassifier`` with the same parameters on both sides, written with
  scikit-learn's names: the defaults, then ``solver='sgd'`` and ``activation='tanh'`` with a
  stronger ``alpha``. badak.interfaces.sklearn takes scikit-learn's parameters with their meanings
  (the same L2 penalty, tol-based stopping, initialisation and Adam ε), so the mean accuracies
  should agree within 0.02 (``tests/test_sklearn_dropin.py`` checks a small budget).
- MNIST (the 5,000 digits, 4,000 to train, 1,000 to test, pixels in [0, 1], float32):
  ``MLPClassifier((256, 128), relu, adam)`` of both libraries; test accuracy and fit time.
- Boston housing (Keras' split, 404 / 102, features standardised on the training part, float64):
  ``MLPRegressor((64, 64), relu, adam)`` (scikit-learn has no RMSprop); test MAE and fit time.

For MNIST and Boston both sides get the same layers, activation, solver, learning rate
(0.001), epochs, batch size and data, and both compute in the dtype of the data; the L2 penalty
is off (``alpha=0``) and the tolerance-based stop disabled (``tol=0``, ``n_iter_no_change`` >
epochs) so that both train for the same number of epochs. What still differs: the random
numbers, and binary outputs (badak: softmax over two units; scikit-learn: one logistic unit).

    python benchmarks/sklearn_compare.py [--mnist-epochs 20] [--boston-epochs 100] [--seeds 0 1]
    python benchmarks/sklearn_compare.py --only digits
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, mean_absolute_error
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

import badak
from badak.interfaces.sklearn import MLPClassifier, MLPRegressor


def timed_fit(est, x, y):
    start = time.perf_counter()
    with warnings.catch_warnings():      # scikit-learn warns that max_iter was reached: intended
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(x, y)
    return time.perf_counter() - start


def mnist_rows(epochs: int, batch: int, seed: int):
    (x, y), (x_test, y_test) = badak.datasets.load_mnist5k(split="train_test", normalize=True)
    common = {"hidden_layer_sizes": (256, 128), "activation": "relu", "batch_size": batch,
              "random_state": seed}
    common.update(solver="adam", learning_rate_init=1e-3, max_iter=epochs, alpha=0.0, tol=0.0,
                  n_iter_no_change=epochs + 1)
    ours = MLPClassifier(**common)
    theirs = SkMLPClassifier(**common)
    rows = []
    for name, est in (("badak.interfaces.sklearn", ours), ("sklearn", theirs)):
        seconds = timed_fit(est, x, y)
        acc = accuracy_score(y_test, est.predict(x_test))
        rows.append((name, est.n_iter_, seconds, acc, str(x.dtype)))
    return rows


def boston_rows(epochs: int, batch: int, seed: int):
    (x, y), (x_test, y_test) = badak.datasets.load_boston()
    scaler = StandardScaler().fit(x)
    x, x_test = scaler.transform(x), scaler.transform(x_test)
    common = {"hidden_layer_sizes": (64, 64), "activation": "relu", "batch_size": batch,
              "random_state": seed}
    common.update(solver="adam", learning_rate_init=1e-3, max_iter=epochs, alpha=0.0, tol=0.0,
                  n_iter_no_change=epochs + 1)
    ours = MLPRegressor(**common)
    theirs = SkMLPRegressor(**common)
    rows = []
    for name, est in (("badak.interfaces.sklearn", ours), ("sklearn", theirs)):
        seconds = timed_fit(est, x, y)
        mae = mean_absolute_error(y_test, est.predict(x_test))
        rows.append((name, est.n_iter_, seconds, mae, str(x.dtype)))
    return rows


DIGITS_SETTINGS = {
    "defaults": {},
    "sgd, lr 0.01, 50 epochs": {"solver": "sgd", "learning_rate_init": 0.01, "max_iter": 50},
    "tanh, alpha 0.01, 50 epochs": {"activation": "tanh", "alpha": 0.01, "max_iter": 50},
}


def digits_table(seeds) -> None:
    """3-fold cross_val_score on the digits, both libraries, each setting and seed."""
    x, y = load_digits(return_X_y=True)
    print("\ndigits (1,797, raw pixels), MLPClassifier, 3-fold cross_val_score: mean accuracy")
    print(f"{'setting':<28} {'seed':>4} {'badak':>8} {'sklearn':>8} {'diff':>7} "
          f"{'badak s':>8} {'sklearn s':>9}")
    for name, settings in DIGITS_SETTINGS.items():
        diffs = []
        for seed in seeds:
            scores, seconds = [], []
            for cls in (MLPClassifier, SkMLPClassifier):
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    scores.append(cross_val_score(cls(random_state=seed, **settings), x, y,
                                                  cv=3).mean())
                seconds.append(time.perf_counter() - start)
            diffs.append(scores[0] - scores[1])
            print(f"{name:<28} {seed:>4} {scores[0]:>8.4f} {scores[1]:>8.4f} "
                  f"{diffs[-1]:>+7.4f} {seconds[0]:>8.1f} {seconds[1]:>9.1f}", flush=True)
        print(f"{name:<28} mean difference {np.mean(diffs):+.4f}")


def print_table(title: str, metric: str, rows) -> None:
    print(f"\n{title}")
    print(f"{'seed':>4}  {'library':<14} {'epochs':>6} {'fit s':>8} {'s/epoch':>8} "
          f"{metric:>9}  dtype")
    for seed, (name, epochs, seconds, value, dtype) in rows:
        print(f"{seed:>4}  {name:<14} {epochs:>6} {seconds:>8.2f} {seconds / epochs:>8.3f} "
              f"{value:>9.4f}  {dtype}")
    for name in ("badak.interfaces.sklearn", "sklearn"):
        mine = [r for _, r in rows if r[0] == name]
        print(f"      {name:<14} mean {metric} {np.mean([r[3] for r in mine]):.4f}, "
              f"mean fit {np.mean([r[2] for r in mine]):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mnist-epochs", type=int, default=20)
    parser.add_argument("--mnist-batch", type=int, default=128)
    parser.add_argument("--boston-epochs", type=int, default=100)
    parser.add_argument("--boston-batch", type=int, default=16)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--only", choices=("digits", "mnist-boston"),
                        help="run one part (default: both)")
    args = parser.parse_args()

    if args.only != "mnist-boston":
        digits_table(args.seeds)
    if args.only == "digits":
        return
    mnist, boston = [], []
    for seed in args.seeds:
        mnist += [(seed, r) for r in mnist_rows(args.mnist_epochs, args.mnist_batch, seed)]
        boston += [(seed, r) for r in boston_rows(args.boston_epochs, args.boston_batch, seed)]
    print_table(f"MNIST 5k, MLPClassifier (256, 128) relu adam lr=0.001, batch "
                f"{args.mnist_batch}, {args.mnist_epochs} epochs: test accuracy (1,000 digits)",
                "accuracy", mnist)
    print_table(f"Boston housing, MLPRegressor (64, 64) relu adam lr=0.001, batch "
                f"{args.boston_batch}, {args.boston_epochs} epochs: test MAE (k$, 102 houses)",
                "MAE", boston)


if __name__ == "__main__":
    main()
