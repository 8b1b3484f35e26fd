"""badak.interfaces.onnx.export, checked by ONNX Runtime: every supported module, batch sizes 1, 7
and 64, float32 and float64, outputs within 1e-5 of badak's; and every bad input refused by name."""

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import onnx  # noqa: E402

import badak.interfaces.onnx as bonnx  # noqa: E402
from badak import nn  # noqa: E402


def prelu_per_feature():
    layer = nn.PReLU(5)
    layer.weight.data = np.array([0.1, -0.3, 0.25, 2.0, 0.0], np.float32)  # a "learned" slope
    return layer


# name -> (builder, input_shape)
CASES = {
    "Linear": (lambda: nn.Linear(5, 3, rng=0), (None, 5)),
    "Linear without bias": (lambda: nn.Linear(5, 3, bias=False, rng=0), (None, 5)),
    "Step": (nn.Step, (None, 5)),
    "Sigmoid": (nn.Sigmoid, (None, 5)),
    "Tanh": (nn.Tanh, (None, 5)),
    "ReLU": (nn.ReLU, (None, 5)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.2), (None, 5)),
    "PReLU shared": (lambda: nn.PReLU(init=0.3), (None, 5)),
    "PReLU per feature": (prelu_per_feature, (None, 5)),
    "ELU": (lambda: nn.ELU(0.7), (None, 5)),
    "Maxout": (lambda: nn.Maxout(5, 3, pieces=3, rng=1), (None, 5)),
    "Softmax": (nn.Softmax, (None, 5)),
    "Softmax over the batch": (lambda: nn.Softmax(axis=0), (None, 5)),
    "Dropout": (lambda: nn.Dropout(0.5, rng=0), (None, 5)),
    "Identity": (nn.Identity, (None, 5)),
    "Sequential of everything": (lambda: nn.Sequential(
        nn.Linear(5, 6, rng=0), nn.Step(), nn.Linear(6, 5, rng=1), prelu_per_feature(),
        nn.Maxout(5, 4, pieces=2, rng=2), nn.ELU(), nn.Linear(4, 4, rng=3), nn.LeakyReLU(),
        nn.Sequential(nn.Linear(4, 4, rng=4), nn.Tanh(), nn.Dropout(0.3)), nn.Sigmoid(),
        nn.Identity(), nn.Linear(4, 3, rng=5), nn.Softmax()), (None, 5)),
    "three axes, PReLU on axis 1": (lambda: nn.Sequential(
        nn.Linear(5, 6, rng=0), nn.PReLU(4, init=0.1), nn.Maxout(6, 2, rng=1)), (None, 4, 5)),
    **{f"MLP {act}": (lambda act=act: nn.MLP([5, 8, 8, 2], activation=act, rng=0), (None, 5))
       for act in ("step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout")},
    "MLP dropout softmax": (lambda: nn.MLP([5, 8, 3], dropout=0.5, output_activation="softmax",
                                           rng=0), (None, 5)),
}


def inputs(batch, shape, dtype, seed=0):
    x = np.random.default_rng(seed).normal(scale=3.0, size=(batch,) + shape[1:]).astype(dtype)
    x[0] = 0.0  # step's value at 0, ReLU's kink
    if batch > 2:
        x[1] = 40.0 * np.sign(x[1])  # saturated sigmoid and tanh, large ELU inputs
    return x


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(CASES))
def test_onnxruntime_computes_what_badak_computes(case, dtype, tmp_path):
    build, shape = CASES[case]
    model = build().to(dtype)
    path = tmp_path / "model.onnx"
    bonnx.export(model, path, input_shape=shape, dtype=dtype)
    model.eval()
    for batch in (1, 7, 64):
        x = inputs(batch, shape, dtype, seed=batch)
        expected = model(x).data
        got = bonnx.run(path, x)
        assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5, err_msg=f"batch {batch}")


def test_the_file_has_a_dynamic_batch_axis_and_the_current_opset(tmp_path):
    path = tmp_path / "mlp.onnx"
    bonnx.export(nn.MLP([13, 64, 64, 1], rng=0), path, input_shape=(None, 13))
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert [o.version for o in model.opset_import if o.domain == ""] == [bonnx.OPSET]
    (declared,) = model.graph.input
    dims = declared.type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and dims[1].dim_value == 13
    assert model.graph.output[0].type.tensor_type.shape.dim[1].dim_value == 1
    assert declared.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    # the weights are in the file, in badak's (in, out) layout
    weights = [onnx.numpy_helper.to_array(t) for t in model.graph.initializer]
    assert [w.shape for w in weights if w.ndim == 2] == [(13, 64), (64, 64), (64, 1)]


def test_a_fixed_batch_size_is_kept(tmp_path):
    path = tmp_path / "fixed.onnx"
    bonnx.export(nn.Linear(3, 2, rng=0), path, input_shape=(4, 3))
    assert onnx.load(path).graph.input[0].type.tensor_type.shape.dim[0].dim_value == 4
    with pytest.raises(ValueError, match=r"x must have shape \(4, 3\).*received x of shape "
                                         r"\(5, 3\)"):
        bonnx.run(path, np.zeros((5, 3)))


def test_export_leaves_the_training_mode_alone(tmp_path):
    model = nn.MLP([3, 4, 1], dropout=0.5, rng=0)
    bonnx.export(model, tmp_path / "m.onnx", input_shape=(None, 3))
    assert all(m.training for m in model.modules())


# ---------------------------------------------------------------- bad input
class Doubler(nn.Module):
    def forward(self, x):
        return x * 2


class ReLUPlusOne(nn.ReLU):  # a subclass may compute something else: refused, not exported
    def forward(self, x):
        return super().forward(x) + 1


@pytest.mark.parametrize("model, match", [
    (nn.MSELoss(), r"cannot export the module MSELoss: only Sequential, MLP, Linear"),
    (nn.Sequential(nn.Linear(3, 3), Doubler()), r"cannot export the module Doubler "
                                                r"\(layer '1' of the model\)"),
    (nn.Sequential(nn.Sequential(nn.ReLU(), ReLUPlusOne())),
     r"module ReLUPlusOne \(layer '0.1' of the model\).*a subclass may compute"),
])
def test_unsupported_modules_are_named(model, match, tmp_path):
    with pytest.raises(TypeError, match=match):
        bonnx.export(model, tmp_path / "m.onnx", input_shape=(None, 3))
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("input_shape, error, match", [
    ((None, 4), ValueError, r"input_shape=\(None, 4\) does not fit the model: Linear\(5 -> 3\) "
                            r"expects inputs with 5 features"),
    ((5,), TypeError, "input_shape must be a tuple"),
    ("None, 5", TypeError, "input_shape must be a tuple"),
    ((None, 0), ValueError, r"input_shape\[1\] must be a positive integer"),
    ((None, None), ValueError, r"input_shape\[1\] must be a positive integer"),
    ((0, 5), ValueError, r"input_shape\[0\] must be None or a positive integer"),
])
def test_input_shapes_that_do_not_fit(input_shape, error, match, tmp_path):
    with pytest.raises(error, match=match):
        bonnx.export(nn.Linear(5, 3), tmp_path / "m.onnx", input_shape=input_shape)


def test_bad_paths_and_arguments(tmp_path):
    model = nn.Linear(2, 1)
    with pytest.raises(IsADirectoryError, match="not a directory"):
        bonnx.export(model, tmp_path, input_shape=(None, 2))
    with pytest.raises(FileNotFoundError, match="directory of path does not exist"):
        bonnx.export(model, tmp_path / "nope" / "m.onnx", input_shape=(None, 2))
    with pytest.raises(TypeError, match="path must be a file path"):
        bonnx.export(model, 3, input_shape=(None, 2))
    with pytest.raises(TypeError, match="model must be a badak.nn.Module; received list"):
        bonnx.export([model], tmp_path / "m.onnx", input_shape=(None, 2))
    with pytest.raises(ValueError, match="opset must be an integer >= 18"):
        bonnx.export(model, tmp_path / "m.onnx", input_shape=(None, 2), opset=13)
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        bonnx.export(model, tmp_path / "m.onnx", input_shape=(None, 2), dtype="int32")


def test_a_file_that_is_not_onnx(tmp_path):
    path = tmp_path / "notes.onnx"
    path.write_text("these are not the weights you are looking for")
    with pytest.raises(ValueError, match=r"notes.onnx' is not a valid ONNX model"):
        bonnx.run(path, np.zeros((1, 2)))
    with pytest.raises(FileNotFoundError, match="no ONNX file at path="):
        bonnx.load(tmp_path / "missing.onnx")
