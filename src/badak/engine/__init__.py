"""The engine: tensors, the computational graph and backpropagation, on NumPy.

:mod:`~badak.engine.tensor` (``Tensor``) and :mod:`~badak.engine.autograd` (``Function``, the
backward loop) are the core; :mod:`~badak.engine.ops` and :mod:`~badak.engine.functional` hold
the operations, each a small ``Function`` with its forward and backward; the rest are the array
module (:mod:`~badak.engine.backend`), random numbers, factories and ``gradcheck``. Nothing here
imports the library, the lecture or the interfaces. The README's "Read the engine" walks the
path of ``loss.backward()`` through these files. The old paths (``badak.tensor``,
``badak.functional``, ...) stay as aliases (``badak._moved``).
"""
