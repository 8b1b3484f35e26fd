"""badak.interfaces.onnx: models written as ONNX files, run anywhere ONNX Runtime runs.

- :func:`export`: write a model (Sequential/MLP of Linear, Maxout, the activations, Softmax,
  Dropout, Identity) as an ONNX file with a dynamic batch axis.
- :func:`run`: compute an ONNX file on a batch with ONNX Runtime; :func:`load`: read and check one.

Needs the optional packages onnx and onnxruntime: ``pip install 'badak[onnx]'``.
"""

from badak.interfaces.onnx.export import OPSET, SUPPORTED, export
from badak.interfaces.onnx.run import load, run

__all__ = ["OPSET", "SUPPORTED", "export", "load", "run"]
