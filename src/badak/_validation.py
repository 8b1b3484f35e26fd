"""Checks of user input shared by the whole library.

Every message follows one format: it names the argument, says what was expected and what was
received, e.g. ``lr must be a positive number; received lr=-0.1``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def check_positive_int(name: str, value, *, allow_zero: bool = False) -> int:
    """Return ``value`` as an int, or raise ValueError/TypeError naming ``name``."""
    what = "a non-negative integer" if allow_zero else "a positive integer"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}; received {name}={value!r} "
                        f"(type {type(value).__name__})")
    value = int(value)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {what}; received {name}={value}")
    return value


def check_number(name: str, value, *, low=None, high=None, low_inclusive=True,
                 high_inclusive=True) -> float:
    """Return ``value`` as a finite float within the given bounds, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; received {name}={value!r} "
                        f"(type {type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; received {name}={value}")
    bad_low = low is not None and (value < low if low_inclusive else value <= low)
    bad_high = high is not None and (value > high if high_inclusive else value >= high)
    if bad_low or bad_high:
        lo = "" if low is None else f"{'[' if low_inclusive else '('}{low}"
        hi = "" if high is None else f"{high}{']' if high_inclusive else ')'}"
        if low is not None and high is not None:
            expected = f"in the range {lo}, {hi}"
        elif low is not None:
            expected = f"{'>=' if low_inclusive else '>'} {low}"
        else:
            expected = f"{'<=' if high_inclusive else '<'} {high}"
        raise ValueError(f"{name} must be {expected}; received {name}={value}")
    return value


def check_positive(name: str, value) -> float:
    """Return ``value`` as a float > 0, or raise naming ``name``."""
    return check_number(name, value, low=0.0, low_inclusive=False)


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise ValueError naming them all."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {{{listed}}}; received {name}={value!r}")
    return value


def check_finite_array(name: str, a) -> None:
    """Raise ValueError naming ``name`` if the float array ``a`` holds NaN or inf."""
    a = np.asarray(a)
    if a.dtype.kind in "fc" and not np.isfinite(a).all():
        n_nan = int(np.isnan(a).sum())
        n_inf = int(np.isinf(a).sum())
        raise ValueError(f"{name} must contain only finite numbers; received {n_nan} NaN and "
                         f"{n_inf} inf value(s) in an array of shape {a.shape}")


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a bool if it is one (Python or NumPy); otherwise raise TypeError.

    Truthiness is not enough: ``shuffle='no'`` would silently mean ``True``.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False); received {name}={value!r} "
                        f"(type {type(value).__name__})")
    return bool(value)
