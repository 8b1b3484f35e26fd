import os

# scikit-learn's estimator checks include array-API checks, which run only when SciPy's array API
# support is switched on before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    """The commands' language follows the locale (LANG=ko_KR gives Korean output): tests run in
    an English locale unless they set another one themselves."""
    for key in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
