"""The interfaces: ways into badak from outside Python code that uses it directly.

- :mod:`~badak.interfaces.cli`: the ``badak`` command (``badak tour``, ``train``, ``predict``, ...).
- :mod:`~badak.interfaces.playground`: the lecture in the browser (``badak playground``).
- :mod:`~badak.interfaces.display`: how tensors, models, histories and traces show themselves in
  Jupyter (their ``_repr_html_`` hooks call it).
- :mod:`~badak.interfaces.sklearn`: badak's networks as scikit-learn estimators.
- :mod:`~badak.interfaces.onnx` and :mod:`~badak.interfaces.interop`: models to ONNX files and
  to PyTorch and back.

They sit on top of the other layers (engine, library, lecture) and nothing below imports them,
except the one-line Jupyter hooks that call :mod:`~badak.interfaces.display` on demand. The old
names (``badak.cli``, ``badak.sklearn``, ...) still work (:mod:`badak._moved`).
"""
