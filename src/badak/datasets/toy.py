"""Two-dimensional toy classification data sets, like those of TensorFlow Playground.

Each function returns ``(x, y)``: ``x`` float64 of shape (n, 2) and ``y`` int64 of shape (n,)
with labels 0 and 1. Class 0 gets ``n - n // 2`` points and class 1 gets ``n // 2``, so the
classes are balanced to within one point. The rows are shuffled, so that a loader without
shuffling still sees both classes in every batch.

``noise`` is the standard deviation of Gaussian noise added to both coordinates of every point
(after the label is fixed, so large noise makes the classes overlap). ``rng`` is ``None``, an
integer seed or a ``numpy.random.Generator``: the same seed gives the same data set, and no global
random state is read or changed.

Sources: D. Smilkov and S. Carter, TensorFlow Playground, ``src/dataset.ts`` (``classifyXORData``,
``classifySpiralData``, ``classifyCircleData``, ``classifyTwoGaussData``); scikit-learn,
``sklearn/datasets/_samples_generator.py`` (``make_moons``, ``make_circles``).
"""

from __future__ import annotations

import numpy as np

from badak._validation import check_number, check_positive_int
from badak.engine.backend import xp
from badak.engine.random import as_generator

__all__ = ["make_circles", "make_gaussian", "make_moons", "make_spiral", "make_xor"]

_XOR_PADDING = 0.05      # keep XOR points this far from the axes, where the label flips
_SPIRAL_TURNS = 1.75     # each spiral arm winds 1.75 times around the origin
_GAUSSIAN_STD = 0.4      # spread of each gaussian blob before noise is added


def _check_args(n, noise, rng) -> tuple[int, float, np.random.Generator]:
    """Validate the arguments every maker shares; return them cleaned."""
    n = check_positive_int("n", n)
    noise = check_number("noise", noise, low=0.0)
    return n, noise, as_generator(rng)


def _class_sizes(n: int) -> tuple[int, int]:
    """Return how many points go to class 0 and to class 1 (class 0 takes the odd one)."""
    return n - n // 2, n // 2


def _finish(x0: np.ndarray, x1: np.ndarray, noise: float,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stack both classes, label them 0 and 1, add the noise and shuffle the rows."""
    x = xp.concatenate([x0, x1], axis=0)                               # (n, 2)
    y = xp.concatenate([xp.zeros(len(x0), dtype=xp.int64),
                        xp.ones(len(x1), dtype=xp.int64)])             # (n,)
    x = x + noise * rng.standard_normal(x.shape)                       # (n, 2)
    order = rng.permutation(len(x))
    return x[order], y[order]


def make_xor(n: int = 200, noise: float = 0.0,
             rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [-1, 1]^2, labelled by the XOR of their coordinates' signs.

    Label 1 where the two coordinates have different signs (quadrants II and IV), label 0 where
    they agree (quadrants I and III): reading "positive" as the bit 1, this is the XOR gate of
    ``logic_gate('xor')``. Points keep a distance of 0.05 from the axes. No straight line
    separates the classes.

    Parameters
    ----------
    n : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate; must be >= 0.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int is a seed.

    Returns
    -------
    x : numpy.ndarray of shape (n, 2), float64
    y : numpy.ndarray of shape (n,), int64
        Labels 0 and 1.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a positive integer, ``noise`` is negative or ``rng`` is of a wrong type.
    """
    n, noise, rng = _check_args(n, noise, rng)
    n0, n1 = _class_sizes(n)

    def quadrant_points(m: int, same_sign: bool) -> np.ndarray:
        size = rng.uniform(_XOR_PADDING, 1.0, size=(m, 2))        # (m, 2) distances from the axes
        sign = rng.choice([-1.0, 1.0], size=m)                      # (m,) sign of the first coord
        other = sign if same_sign else -sign
        return size * xp.stack([sign, other], axis=1)               # (m, 2)

    return _finish(quadrant_points(n0, True), quadrant_points(n1, False), noise, rng)


def make_spiral(n: int = 200, noise: float = 0.0,
                rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, one per class, winding 1.75 turns out from the origin.

    Point ``i`` of the ``m`` points of a class lies at radius ``r = i / m`` (so within the unit
    disc) and angle ``1.75 * 2 pi * r``, plus ``pi`` for class 1: the second arm is the first one
    rotated by half a turn. The points lie evenly along each arm; with ``noise=0`` the seed only
    changes the order of the rows.

    Parameters
    ----------
    n : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate; must be >= 0.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int is a seed.

    Returns
    -------
    x : numpy.ndarray of shape (n, 2), float64
    y : numpy.ndarray of shape (n,), int64
        Labels 0 and 1.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a positive integer, ``noise`` is negative or ``rng`` is of a wrong type.
    """
    n, noise, rng = _check_args(n, noise, rng)
    n0, n1 = _class_sizes(n)

    def arm(m: int, shift: float) -> np.ndarray:
        r = xp.arange(m) / m                                        # (m,) radius in [0, 1)
        angle = _SPIRAL_TURNS * 2.0 * xp.pi * r + shift             # (m,)
        return xp.stack([r * xp.sin(angle), r * xp.cos(angle)], axis=1)   # (m, 2)

    return _finish(arm(n0, 0.0), arm(n1, xp.pi), noise, rng)


def make_moons(n: int = 200, noise: float = 0.0,
               rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as scikit-learn's ``make_moons``.

    Class 0 is the upper half of the unit circle, ``(cos t, sin t)`` for ``t`` in [0, pi];
    class 1 is the lower half circle ``(1 - cos t, 0.5 - sin t)``, shifted so that each moon's tip
    reaches into the other one. Points are evenly spaced along each moon; with ``noise=0`` the seed
    only changes the order of the rows.

    Parameters
    ----------
    n : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate; must be >= 0.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int is a seed.

    Returns
    -------
    x : numpy.ndarray of shape (n, 2), float64
    y : numpy.ndarray of shape (n,), int64
        Labels 0 and 1.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a positive integer, ``noise`` is negative or ``rng`` is of a wrong type.
    """
    n, noise, rng = _check_args(n, noise, rng)
    n0, n1 = _class_sizes(n)
    t0 = xp.linspace(0.0, xp.pi, n0)                                 # (n0,)
    t1 = xp.linspace(0.0, xp.pi, n1)                                 # (n1,)
    upper = xp.stack([xp.cos(t0), xp.sin(t0)], axis=1)               # (n0, 2)
    lower = xp.stack([1.0 - xp.cos(t1), 0.5 - xp.sin(t1)], axis=1)   # (n1, 2)
    return _finish(upper, lower, noise, rng)


def make_circles(n: int = 200, noise: float = 0.0, factor: float = 0.5,
                 rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one, as scikit-learn's ``make_circles``.

    Class 0 lies on the unit circle, class 1 on the circle of radius ``factor``; the points are
    evenly spaced in angle. With ``noise=0`` the seed only changes the order of the rows.

    Parameters
    ----------
    n : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate; must be >= 0.
    factor : float, default=0.5
        Radius of the inner circle relative to the outer one; must be in the open range (0, 1).
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int is a seed.

    Returns
    -------
    x : numpy.ndarray of shape (n, 2), float64
    y : numpy.ndarray of shape (n,), int64
        Labels 0 (outer circle) and 1 (inner circle).

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a positive integer, ``noise`` is negative, ``factor`` is outside (0, 1) or
        ``rng`` is of a wrong type.
    """
    n, noise, rng = _check_args(n, noise, rng)
    factor = check_number("factor", factor, low=0.0, high=1.0,
                          low_inclusive=False, high_inclusive=False)
    n0, n1 = _class_sizes(n)

    def circle(m: int, radius: float) -> np.ndarray:
        angle = xp.linspace(0.0, 2.0 * xp.pi, m, endpoint=False)     # (m,)
        return radius * xp.stack([xp.cos(angle), xp.sin(angle)], axis=1)   # (m, 2)

    return _finish(circle(n0, 1.0), circle(n1, factor), noise, rng)


def make_gaussian(n: int = 200, noise: float = 0.0,
                  rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two gaussian blobs: class 0 around (-1, -1), class 1 around (1, 1).

    Each blob has standard deviation 0.4 in each coordinate; ``noise`` adds more, so the total
    standard deviation is ``sqrt(0.4**2 + noise**2)``. A straight line separates the classes
    almost perfectly when ``noise`` is small.

    Parameters
    ----------
    n : int, default=200
        Number of points.
    noise : float, default=0.0
        Standard deviation of the extra Gaussian noise added to each coordinate; must be >= 0.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int is a seed.

    Returns
    -------
    x : numpy.ndarray of shape (n, 2), float64
    y : numpy.ndarray of shape (n,), int64
        Labels 0 and 1.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a positive integer, ``noise`` is negative or ``rng`` is of a wrong type.
    """
    n, noise, rng = _check_args(n, noise, rng)
    n0, n1 = _class_sizes(n)
    blob0 = -1.0 + _GAUSSIAN_STD * rng.standard_normal((n0, 2))      # (n0, 2)
    blob1 = 1.0 + _GAUSSIAN_STD * rng.standard_normal((n1, 2))       # (n1, 2)
    return _finish(blob0, blob1, noise, rng)
