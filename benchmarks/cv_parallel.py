"""Cross-validation folds in parallel: the Boston notebook's 4-fold CV with n_jobs=1, n_jobs=2 and
on a 2-worker Dask LocalCluster, timed side by side in one run.

The model, data and protocol are those of ``benchmarks/boston.py`` (a): ``MLP([13, 64, 64, 1])``
with Keras' initialisation, RMSprop, batch size 1, contiguous folds. Each configuration runs the
same folds with the same seed, so their results must be identical (checked); only the time
differs. The speed-up is bounded by the number of free cores: 4 folds on 2 workers is at best 2x,
less the start of the worker processes (paid once per run here, as a user pays it).

    python benchmarks/cv_parallel.py                 # the notebook's 100 epochs
    python benchmarks/cv_parallel.py --epochs 10     # a quicker look
    python benchmarks/cv_parallel.py --skip-dask     # without Dask installed

Sources: F. Chollet, "Deep Learning with Python" (2nd ed., 2021), §4.3; joblib's and Dask's
documentation on the joblib back end.
"""

from __future__ import annotations

import argparse
import time

import joblib
import numpy as np

from badak.datasets import load_boston
from badak.lecture.reference import build_boston_model
from badak.training import cross_validate


def run(x, y, args, n_jobs, backend=None):
    start = time.perf_counter()
    if backend is None:
        result = cross_validate(build_boston_model, x, y, folds=args.folds, epochs=args.epochs,
                                batch_size=1, loss="mse", optimizer="rmsprop", metrics=("mae",),
                                rng=args.seed, n_jobs=n_jobs)
    else:
        with joblib.parallel_config(backend=backend):
            result = cross_validate(build_boston_model, x, y, folds=args.folds,
                                    epochs=args.epochs, batch_size=1, loss="mse",
                                    optimizer="rmsprop", metrics=("mae",), rng=args.seed,
                                    n_jobs=n_jobs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=100, help="epochs per fold (default 100)")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-dask", action="store_true", help="skip the Dask LocalCluster")
    args = parser.parse_args()

    (x, y), _ = load_boston()
    print(f"{args.folds}-fold CV of the Boston notebook, {args.epochs} epochs at batch size 1 "
          f"({len(x)} houses)")
    seconds, reference = run(x, y, args, n_jobs=1)
    print(f"  n_jobs=1               {seconds:7.1f} s   mean val MAE "
          f"{reference.mean('val_mae'):.3f}")
    rows = [("n_jobs=2 (loky)", lambda: run(x, y, args, n_jobs=2))]
    if not args.skip_dask:
        from distributed import Client, LocalCluster

        def on_dask():
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster, \
                    Client(cluster):
                return run(x, y, args, n_jobs=-1, backend="dask")
        rows.append(("Dask, 2 workers", on_dask))
    for name, go in rows:
        parallel_seconds, result = go()
        same = all(np.array_equal(a.history["val_mae"], b.history["val_mae"])
                   for a, b in zip(result.histories, reference.histories))
        print(f"  {name:<22} {parallel_seconds:7.1f} s   speed-up x{seconds / parallel_seconds:.2f}"
              f"   results identical to n_jobs=1: {same}")
        if not same:
            raise SystemExit(f"{name} gave different results from n_jobs=1")


if __name__ == "__main__":
    main()
