"""The array module badak computes with, kept in one place.

Every op imports ``xp`` from here instead of writing ``np.`` directly, so that a later GPU back end
(CuPy, whose API mirrors NumPy's) can be slotted in by changing this one file.
"""

from __future__ import annotations

import numpy

xp = numpy
"""The array module: NumPy today. Ops write ``xp.exp(x)``, never ``numpy.exp(x)``."""

ndarray = numpy.ndarray


def as_array(data, dtype=None):
    """Return ``data`` as an array of the back end, without copying when it already is one."""
    return xp.asarray(data, dtype=dtype)


def to_numpy(a) -> numpy.ndarray:
    """Return a host NumPy array for ``a`` (a no-op on the NumPy back end)."""
    return numpy.asarray(a)
