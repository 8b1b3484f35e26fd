"""Independent training runs in parallel: joblib on this machine, Dask or Ray across machines.

Cross-validation trains K models that share nothing, so they can run at the same time. badak does
not schedule them itself: it hands the runs to joblib (the library scikit-learn uses for
``n_jobs``), whose back end decides where they go: worker processes here (``'loky'``, the
default), the workers of a Dask cluster (``joblib.parallel_config(backend='dask')`` with a
``dask.distributed.Client`` open), or a Ray cluster (``ray.util.joblib.register_ray()``, then
``backend='ray'``). The same code runs on a laptop and on a cluster.

Source: joblib's documentation, "Embarrassingly parallel for loops" and "Custom backend API";
Dask's documentation, "Joblib" (``dask.distributed`` ``joblib`` back end).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

__all__ = ["check_n_jobs", "dask_client", "run_tasks"]


def check_n_jobs(n_jobs) -> int | None:
    """Return ``n_jobs`` (None or a non-zero int) or raise naming it.

    joblib's convention: a positive count of workers, -1 for one per CPU (-2 for all but one,
    ...), None for 1 unless a ``joblib.parallel_config`` block sets it.
    """
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be None or a non-zero integer (1: no parallelism, -1: one "
                        f"worker per CPU); received n_jobs={n_jobs!r} (type "
                        f"{type(n_jobs).__name__})")
    if n_jobs == 0:
        raise ValueError("n_jobs must be None or a non-zero integer (1: no parallelism, -1: one "
                         "worker per CPU); received n_jobs=0")
    return int(n_jobs)


def _joblib():
    try:
        import joblib
    except ImportError:
        raise ImportError("n_jobs other than 1 runs the folds with joblib, which is not "
                          "installed; install it with `pip install joblib` (or "
                          "`pip install 'badak[distributed]'` for Dask too), or pass "
                          "n_jobs=1") from None
    return joblib


def run_tasks(fn: Callable, tasks: list[dict], n_jobs: int | None) -> list:
    """Return ``[fn(**task) for task in tasks]``, computed by joblib with ``n_jobs`` workers.

    ``n_jobs=1`` is a plain loop in this process (joblib is not needed). ``n_jobs=None`` uses
    joblib when it is installed, so that an enclosing ``joblib.parallel_config`` (a Dask or Ray
    back end, a number of jobs) applies; without such a block joblib runs the tasks here, one
    after another. The results come back in the order of ``tasks``.
    """
    if n_jobs == 1:
        return [fn(**task) for task in tasks]
    if n_jobs is None:
        try:
            import joblib
        except ImportError:
            return [fn(**task) for task in tasks]
    else:
        joblib = _joblib()
    return list(joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(fn)(**task) for task in tasks))


def dask_client(address: str, timeout: float = 10.0):
    """Connect to the Dask scheduler at ``address`` and return the ``distributed.Client``.

    While the client is open, ``with joblib.parallel_config(backend='dask'):`` sends joblib's
    work (``badak.cross_validate(..., n_jobs=-1)``, scikit-learn's ``GridSearchCV``) to that
    cluster's workers. A thin wrapper of ``distributed.Client(address, timeout=...)`` whose
    error, when nothing answers, names the address and what to do.

    Parameters
    ----------
    address : str
        The scheduler's address, as ``dask scheduler`` prints it: ``'tcp://10.0.0.5:8786'``.
    timeout : float, default=10.0
        Seconds to wait for the scheduler to answer.

    Raises
    ------
    ConnectionError
        If no scheduler answers at ``address`` within ``timeout`` seconds.
    ImportError
        If Dask's ``distributed`` package is not installed.
    """
    if not isinstance(address, str) or not address:
        raise TypeError(f"address must be a scheduler address such as 'tcp://10.0.0.5:8786'; "
                        f"received address={address!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; received "
                         f"timeout={timeout!r}")
    try:
        from distributed import Client
    except ImportError:
        raise ImportError("dask_client needs Dask's distributed scheduler; install it with "
                          "`pip install 'badak[distributed]'` (or `pip install "
                          "'dask[distributed]'`)") from None
    try:
        return Client(address, timeout=f"{float(timeout)}s")
    except (OSError, TimeoutError) as error:
        raise ConnectionError(f"no Dask scheduler answered at address={address!r} within "
                              f"{timeout} s ({error}); start one with `dask scheduler` (it "
                              f"prints its address) and its workers with `dask worker "
                              f"<address>`, or check the host and port") from error
