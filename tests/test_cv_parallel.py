"""cross_validate(n_jobs=...) and GridSearchCV through joblib: local processes and a Dask cluster.

Parallel folds must give exactly the numbers of n_jobs=1 (each fold's generator is spawned from
the seed before any fold runs). The Dask tests use a 2-worker LocalCluster of processes on
loopback, started once for the module.
"""

import socket

import numpy as np
import pytest

from badak import nn
from badak.training import cross_validate, dask_client
from badak.training.parallel import check_n_jobs, run_tasks

joblib = pytest.importorskip("joblib")


def regression_data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))
    return x, y


def build(rng):
    return nn.MLP([3, 8, 1], rng=rng)


def build_with_dropout(rng):
    return nn.MLP([3, 8, 1], dropout=0.2, rng=rng)


CV = dict(folds=3, epochs=2, batch_size=4, metrics=("mae",), rng=5)


def same_results(a, b):
    assert [h.history for h in a.histories] == [h.history for h in b.histories]
    for m_a, m_b in zip(a.models, b.models):
        for (name, p), (_, q) in zip(m_a.named_parameters(), m_b.named_parameters()):
            np.testing.assert_array_equal(p.data, q.data, err_msg=name)


def test_n_jobs_1_is_today_s_sequential_result():
    # the fold generators are default_rng(seed).spawn(folds), as before n_jobs existed
    x, y = regression_data()
    result = cross_validate(build, x, y, n_jobs=1, **CV)
    same_results(result, cross_validate(build, x, y, **CV))
    from badak.data import StandardScaler
    from badak.training import fit
    xs = StandardScaler().fit_transform(x)
    rngs = np.random.default_rng(5).spawn(3)
    model = build(rngs[1])
    history = fit(model, np.concatenate([xs[:8], xs[16:]]), np.concatenate([y[:8], y[16:]]),
                  optimizer="rmsprop", epochs=2, batch_size=4, metrics=("mae",),
                  validation_data=(xs[8:16], y[8:16]), rng=rngs[1], verbose=0)
    assert history.history == result.histories[1].history


@pytest.mark.parametrize("builder", [build, build_with_dropout])
def test_two_local_processes_give_the_same_numbers(builder):
    x, y = regression_data()
    same_results(cross_validate(builder, x, y, n_jobs=2, **CV),
                 cross_validate(builder, x, y, n_jobs=1, **CV))


def build_with_shared_generator(rng):
    return nn.Sequential(nn.Linear(3, 8, rng=rng), nn.Dropout(0.2), nn.Linear(8, 1, rng=rng))


def test_a_parallel_fold_refuses_badak_s_default_generator():
    # Dropout(rng=None) draws from badak's default generator: another process has its own,
    # so the folds would silently differ from n_jobs=1. Sequentially it is allowed.
    x, y = regression_data()
    with pytest.raises(ValueError, match=r"fold \d runs in parallel, but the Dropout at layer "
                                         r"'1' draws its masks from badak's default generator"):
        cross_validate(build_with_shared_generator, x, y, n_jobs=2, **CV)
    assert len(cross_validate(build_with_shared_generator, x, y, n_jobs=1, **CV).models) == 3


def test_n_jobs_none_follows_joblib_s_parallel_config():
    # None means "as the enclosing parallel_config says": here 2 processes, as the refusal shows
    x, y = regression_data()
    with joblib.parallel_config(backend="loky", n_jobs=2):
        with pytest.raises(ValueError, match="runs in parallel"):
            cross_validate(build_with_shared_generator, x, y, **CV)


def test_missing_packages_say_how_to_install_them(monkeypatch):
    import sys
    x, y = regression_data()
    monkeypatch.setitem(sys.modules, "joblib", None)
    with pytest.raises(ImportError, match=r"n_jobs other than 1 runs the folds with joblib, "
                                          r"which is not installed; install it with"):
        cross_validate(build, x, y, n_jobs=2, **CV)
    assert len(cross_validate(build, x, y, **CV).models) == 3  # None: a plain loop without it
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'badak\[distributed\]'"):
        dask_client("tcp://127.0.0.1:8786")


def test_run_tasks_keeps_the_order_of_the_tasks():
    tasks = [dict(a=i, b=10) for i in range(5)]
    assert run_tasks(pow, [dict(base=t["a"], exp=2) for t in tasks], 2) == [0, 1, 4, 9, 16]
    assert run_tasks(pow, [dict(base=3, exp=2)], None) == [9]


@pytest.mark.parametrize("n_jobs, error, match", [
    (0, ValueError, "n_jobs must be None or a non-zero integer.*received n_jobs=0"),
    (1.5, TypeError, "n_jobs must be None or a non-zero integer.*received n_jobs=1.5"),
    ("2", TypeError, "received n_jobs='2'"),
    (True, TypeError, "received n_jobs=True"),
])
def test_bad_n_jobs(n_jobs, error, match):
    x, y = regression_data()
    with pytest.raises(error, match=match):
        cross_validate(build, x, y, n_jobs=n_jobs, **CV)
    with pytest.raises(error, match=match):
        check_n_jobs(n_jobs)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_names_the_address():
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{closed_port()}"
    with pytest.raises(ConnectionError, match=f"no Dask scheduler answered at "
                                              f"address='{address}' within 1 s"):
        dask_client(address, timeout=1)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(address=""), TypeError, "address must be a scheduler address"),
    (dict(address="tcp://127.0.0.1:1", timeout=0), ValueError, "timeout must be a positive"),
])
def test_dask_client_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        dask_client(**kwargs)


# ---------------------------------------------------------------- on a Dask cluster
@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        with dask_client(cluster.scheduler_address) as client:
            yield client


def test_cross_validate_on_dask_workers(dask_cluster):
    x, y = regression_data()
    from distributed import get_task_stream
    with get_task_stream(dask_cluster) as stream, joblib.parallel_config(backend="dask"):
        on_dask = cross_validate(build, x, y, n_jobs=-1, **CV)
    assert len(stream.data) >= 1  # the folds really ran on the cluster's workers
    same_results(on_dask, cross_validate(build, x, y, n_jobs=1, **CV))


def test_grid_search_over_badak_estimators_on_dask(dask_cluster):
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV

    from badak.interfaces.sklearn import MLPRegressor
    x, y = regression_data(n=40)
    y = y.ravel()
    grid = {"learning_rate": [0.003, 0.05]}
    estimator = MLPRegressor(hidden_layer_sizes=(8,), epochs=3, batch_size=8, random_state=0)
    local = GridSearchCV(estimator, grid, cv=2, n_jobs=1).fit(x, y)
    with joblib.parallel_config(backend="dask"):
        remote = GridSearchCV(estimator, grid, cv=2, n_jobs=-1).fit(x, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"],
                                  local.cv_results_["mean_test_score"])
