"""The lecture: the course's experiments and explanations, built on the engine and the library.

- :mod:`~badak.lecture.perceptron`: the perceptron and the logic gates (XOR fails).
- :mod:`~badak.lecture.gd`: gradient descent and Newton's method, step by step.
- :mod:`~badak.lecture.explain`: the backward pass node by node (upstream × local = passed).
- :mod:`~badak.lecture.viz` and :mod:`~badak.lecture.graphsvg`: pictures of computational graphs.
- :mod:`~badak.lecture.atlas` and :mod:`~badak.lecture.diagnose`: the activations, and how they
  fail (vanishing gradients, dead ReLUs, saturation).
- :mod:`~badak.lecture.plots`: training curves, K-fold averages, decision boundaries.
- :mod:`~badak.lecture.reference`: the Keras notebook's Boston-housing experiment, defined once.
- :mod:`~badak.lecture.expr`: formulas typed as text, parsed safely into graphs.
- :mod:`~badak.lecture.tour`: all of it in order, written up as a Markdown report (``badak tour``).

Each module is imported on first use; ``badak.perceptron`` and the other old names still work
(:mod:`badak._moved`).
"""
