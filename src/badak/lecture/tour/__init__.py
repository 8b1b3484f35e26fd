"""The lecture, runnable: every experiment of the course in order, written up as a Markdown report.

:func:`run_tour` runs the sections below one after another, writes their pictures into a folder
and a ``report.md`` that shows each result and links each picture (relative links, so the
folder can be moved or zipped). ``badak tour`` is this function on the command line.

1. Logic gates and the perceptron: hand-wired AND, OR, NAND; the perceptron rule learning them;
   the same rule failing on XOR (not linearly separable), and XOR as two layers.
2. Gradient descent with the Taylor check: x² from 3 at α = 0.1 against the closed form
   3·0.8^k, the first-order prediction error shrinking like α², α = 1.1 diverging, and the
   zig-zag on f(x, y) = x²/20 + y² against Newton's method.
3. Backpropagation through the apple graph: the node-by-node trace (2.2, 110, 200) and its
   picture (Graphviz DOT; SVG when the ``dot`` program is installed).
4. An MLP solving XOR, where the perceptron could not, with its decision boundary.
5. The activation atlas: each activation with its derivative, and a table of properties.
6. Diagnostics: vanishing gradients (10-layer sigmoid against ReLU), dead ReLUs after a too
   large learning rate, saturated sigmoids with too large initial weights.
7. Boston housing: the K-fold cross-validation of the Keras notebook, with its curves, and the
   book's final protocol scored on the test set.

Each section is also a public function returning a :class:`Section` (its Markdown, the files
it wrote, a console summary and its key numbers), so the ``badak`` command reuses them
(``badak boston`` is :func:`boston_housing`, ``badak activations`` is
:func:`activation_atlas`).

Sources: S. Saito, *Deep Learning from Scratch* (2016), ch. 2-6; F. Chollet, *Deep Learning
with Python* (2nd ed., 2021), §4.3 (Boston housing).
"""

from badak.lecture.tour.activations import activation_atlas
from badak.lecture.tour.backprop import apple_backprop
from badak.lecture.tour.boston import boston_housing
from badak.lecture.tour.descent import gradient_descent
from badak.lecture.tour.diagnostics import diagnostics
from badak.lecture.tour.gates import gates_and_perceptron
from badak.lecture.tour.report import Section, StepProgress, has_matplotlib
from badak.lecture.tour.run import run_tour
from badak.lecture.tour.xor import mlp_xor

__all__ = ["Section", "StepProgress", "activation_atlas", "apple_backprop", "boston_housing",
           "diagnostics", "gates_and_perceptron", "gradient_descent", "has_matplotlib", "mlp_xor",
           "run_tour"]
