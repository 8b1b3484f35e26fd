"""Random number generators: explicit ``rng`` arguments, and one seedable default.

Everything random in badak (initial weights, dropout masks, shuffling, toy data) takes an ``rng``:
a :class:`numpy.random.Generator`, an int seed, or None. None draws from badak's default
generator, which :func:`manual_seed` reseeds, so that ``badak.manual_seed(0)`` at the top of a
script makes the whole run repeatable. Passing explicit generators is preferred in library code.
"""

from __future__ import annotations

import numbers

import numpy as np

_default = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed badak's default generator (used wherever ``rng=None``) and return it."""
    global _default
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; received seed={seed!r}")
    _default = np.random.default_rng(int(seed))
    return _default


def default_generator() -> np.random.Generator:
    """Return badak's default generator (see :func:`manual_seed`)."""
    return _default


def as_generator(rng=None, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        None gives badak's default generator (see :func:`manual_seed`); a non-negative int seed
        gives ``numpy.random.default_rng(rng)``; a Generator is returned as is (its state is
        shared with the caller).
    name : str, default='rng'
        The argument's name, used in error messages.

    Raises
    ------
    TypeError
        If ``rng`` is none of the above (a ``RandomState``, a float, a bool, ...).
    ValueError
        If ``rng`` is a negative integer.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return _default
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed; received {name}={rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be None, a non-negative integer seed or a "
                    f"numpy.random.Generator; received {name}={rng!r} (type {type(rng).__name__})")
