"""Data sets for badak: real ones shipped with the package, and 2-D toy problems.

- ``load_boston``: Boston housing, split exactly like ``keras.datasets.boston_housing`` (read the
  ethical note in its docstring and in ``data/README.md``).
- ``load_mnist5k``: 5,000 real MNIST digits, 500 per class.
- ``logic_gate``: truth tables of AND, OR, NAND and XOR.
- ``make_xor``, ``make_spiral``, ``make_moons``, ``make_circles``, ``make_gaussian``: the 2-D
  classification problems of TensorFlow Playground and scikit-learn.

Everything is loaded from files inside the package (``importlib.resources``); no network is used.
"""

from badak.datasets.boston import BOSTON_FEATURES, load_boston
from badak.datasets.gates import logic_gate
from badak.datasets.mnist import load_mnist5k
from badak.datasets.toy import make_circles, make_gaussian, make_moons, make_spiral, make_xor

__all__ = [
    "BOSTON_FEATURES",
    "load_boston",
    "load_mnist5k",
    "logic_gate",
    "make_circles",
    "make_gaussian",
    "make_moons",
    "make_spiral",
    "make_xor",
]
