"""Bad input, everywhere a user hands badak data or settings (issue 7): one row per case.

Each row calls badak with one mistake and states the exception type (ValueError or TypeError, or
a badak error derived from them) and a regular expression that the message must match: it names
the argument, says what was expected and what was received. The command-line rows run ``badak``
with one wrong option or input file and expect exit code 2 and a single line on stderr, without
a traceback.
"""

import re
import subprocess
import sys

import numpy as np
import pytest

import badak
import badak.functional as F
from badak import data, datasets, nn, optim
from badak.lecture.expr import ExpressionError, parse
from badak.lecture.gd import minimize
from badak.lecture.perceptron import Perceptron
from badak.metrics import accuracy, get_metric, mae, mse
from badak.persistence import ModelFileError
from badak.training import (
    DivergenceError,
    EarlyStopping,
    ModelCheckpoint,
    cross_validate,
    evaluate,
    fit,
    predict,
)

X = np.random.default_rng(0).normal(size=(8, 2))    # 8 samples, 2 features
Y3 = np.arange(8) % 3                                # labels of 3 classes
YR = X.sum(axis=1)                                   # a regression target


def m1():
    return nn.MLP([2, 4, 1], rng=0)                  # 2 features -> 1 output


def m3():
    return nn.MLP([2, 4, 3], rng=0)                  # 2 features -> 3 classes


def params():
    return list(m1().parameters())


def t(a, **kwargs):
    return badak.tensor(np.asarray(a, dtype=np.float32), **kwargs)


def fit_quiet(model, x, y, **kwargs):
    return fit(model, x, y, verbose=0, **kwargs)


def with_nan(a, i=0):
    a = np.array(a, dtype=np.float64)
    a.flat[i] = np.nan
    return a


def sk(name):
    """The scikit-learn estimators are imported only for their rows."""
    import badak.interfaces.sklearn

    return getattr(badak.interfaces.sklearn, name)


CASES = [
    # ------------------------------------------------------------ Tensor creation
    ("tensor/string", lambda: badak.tensor("abc"), TypeError,
     r"data must be a number, a nested sequence of numbers or an array; received str 'abc'"),
    ("tensor/ragged list", lambda: badak.tensor([[1.0, 2.0], [3.0]]), ValueError,
     r"data must be a rectangular nested sequence of numbers \(every row the same length\); "
     r"received a ragged list"),
    ("tensor/object array", lambda: badak.tensor(np.array([1.0, None], dtype=object)), TypeError,
     r"data must be numbers; received ndarray giving an array of dtype object"),
    ("tensor/list of strings", lambda: badak.tensor(["1", "2"]), TypeError,
     r"data must be numbers; received list giving an array of dtype <U1"),
    ("tensor/None", lambda: badak.tensor(None), TypeError,
     r"data must be numbers; received NoneType"),
    ("tensor/string dtype", lambda: badak.tensor([1.0], dtype="U3"), TypeError,
     r"dtype must be a boolean, integer or floating-point dtype; received dtype=<U3"),
    ("tensor/unknown dtype", lambda: badak.tensor([1.0], dtype="float33"), TypeError,
     r"dtype must be .*; received dtype='float33'"),
    ("tensor/requires_grad on ints", lambda: badak.tensor([1, 2], requires_grad=True), TypeError,
     r"requires_grad=True needs a floating-point tensor; received dtype int64"),
    ("tensor/requires_grad a string", lambda: badak.tensor([1.0], requires_grad="yes"),
     TypeError, r"requires_grad must be a bool .*; received requires_grad='yes'"),
    # ------------------------------------------------------------ Tensor operations
    ("op/matmul shapes", lambda: t(np.ones((2, 3))) @ t(np.ones((2, 3))), ValueError,
     r"matmul: shapes \(2, 3\) and \(2, 3\) are not aligned: the last axis of the first \(3\) "
     r"must equal the second-to-last axis of the second \(2\)"),
    ("op/add shapes", lambda: t(np.ones((2, 3))) + t(np.ones(4)), ValueError,
     r"^add\b.*\(2, 3\).*\(4,\).*equal or 1"),
    ("op/reshape size", lambda: t(np.ones((2, 3))).reshape(4, 2), ValueError,
     r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4, 2\)"),
    ("op/sum axis out of range", lambda: t(np.ones((2, 3))).sum(axis=5), ValueError,
     r"sum: axis must be an int in \[-2, 1\] or a tuple of them; received axis=5"),
    ("op/transpose axis out of range", lambda: t(np.ones((2, 3))).transpose(0, 5), ValueError,
     r"transpose: dim must be an int in \[-2, 1\] for a tensor of shape \(2, 3\); received "
     r"dim=5"),
    ("op/matmul of a 0-d tensor", lambda: t(1.0) @ t(np.ones(2)), ValueError,
     r"matmul needs operands with at least one axis; received shapes \(\) and \(2,\)"),
    ("op/backward gradient shape",
     lambda: (t([1.0, 2.0], requires_grad=True) * 2).backward(np.ones(3)), ValueError,
     r"gradient must have the output's shape \(2,\); received shape \(3,\)"),
    ("op/backward gradient a string",
     lambda: (t([1.0, 2.0], requires_grad=True) * 2).backward("a"), TypeError,
     r"gradient must be .*numbers.*; received str 'a'"),
    ("op/item of many", lambda: t([1.0, 2.0]).item(), ValueError,
     r"item\(\) needs a tensor with exactly one element; this one has shape \(2,\)"),
    # ------------------------------------------------------------ functional
    ("F/linear features", lambda: F.linear(t(np.ones((2, 3))), t(np.ones((4, 5))), None),
     ValueError, r"linear: x has 3 features on its last axis \(shape \(2, 3\)\) but weight "
                 r"expects 4"),
    ("F/linear bias shape",
     lambda: F.linear(t(np.ones((2, 3))), t(np.ones((3, 4))), t(np.ones(5))), ValueError,
     r"linear: bias must have shape \(4,\) to match weight \(3, 4\); received shape \(5,\)"),
    ("F/softmax axis", lambda: F.softmax(t(np.ones((2, 3))), axis=3), ValueError,
     r"softmax: axis must be in \[-2, 1\]; received axis=3 for x of shape \(2, 3\)"),
    ("F/leaky_relu slope a string", lambda: F.leaky_relu(t([1.0]), "a"), TypeError,
     r"negative_slope must be a real number; received negative_slope='a'"),
    ("F/elu negative alpha", lambda: F.elu(t([1.0]), -1.0), ValueError,
     r"alpha must be >= 0.0; received alpha=-1.0"),
    ("F/maxout pieces do not divide", lambda: F.maxout(t(np.ones((2, 3))), 2), ValueError,
     r"maxout: the last axis of x must be a multiple of pieces=2; received x of shape \(2, 3\)"),
    ("F/maxout zero pieces", lambda: F.maxout(t(np.ones((2, 4))), 0), ValueError,
     r"pieces must be a positive integer; received pieces=0"),
    ("F/dropout p=1", lambda: F.dropout(t([1.0]), 1.0), ValueError,
     r"p must be in the range \[0.0, 1.0\); received p=1.0"),
    ("F/prelu weight size", lambda: F.prelu(t(np.ones((2, 3))), t(np.ones(4))), ValueError,
     r"prelu: weight has 4 elements, so x must have 4 channels on axis 1; received x of shape "
     r"\(2, 3\)"),
    ("F/mse_loss shapes", lambda: F.mse_loss(t(np.ones((4, 1))), np.ones(4)), ValueError,
     r"mse_loss: input and target must have the same shape; received input \(4, 1\) and "
     r"target \(4,\)"),
    ("F/mse_loss empty", lambda: F.mse_loss(t(np.ones((0, 1))), np.ones((0, 1))), ValueError,
     r"mse_loss: input is empty \(shape \(0, 1\)\)"),
    ("F/bce shapes",
     lambda: F.binary_cross_entropy_with_logits(t(np.ones((2, 1))), np.ones(3)), ValueError,
     r"binary_cross_entropy_with_logits: input and target must have the same shape; received "
     r"input \(2, 1\) and target \(3,\)"),
    ("F/cross_entropy label 10 for 3 classes",
     lambda: F.cross_entropy(t(np.ones((2, 3))), np.array([0, 10])), ValueError,
     r"cross_entropy: target labels must be in \[0, 2\] for 3 classes; received labels from 0 "
     r"to 10"),
    ("F/cross_entropy negative label",
     lambda: F.cross_entropy(t(np.ones((2, 3))), np.array([0, -1])), ValueError,
     r"target labels must be in \[0, 2\] for 3 classes; received labels from -1"),
    ("F/cross_entropy float labels",
     lambda: F.cross_entropy(t(np.ones((2, 3))), np.array([0.0, 1.0])), TypeError,
     r"cross_entropy: class labels must be integers; received a float array of shape \(N,\)"),
    ("F/cross_entropy label count",
     lambda: F.cross_entropy(t(np.ones((2, 3))), np.array([0, 1, 2])), ValueError,
     r"cross_entropy: target has 3 labels but logits has 2 rows"),
    ("F/cross_entropy 1-D logits", lambda: F.cross_entropy(t(np.ones(3)), np.array([0])),
     ValueError, r"cross_entropy: logits must be 2-D \(N, C\); received shape \(3,\)"),
    # ------------------------------------------------------------ modules
    ("nn/Linear zero inputs", lambda: nn.Linear(0, 3), ValueError,
     r"in_features must be a positive integer; received in_features=0"),
    ("nn/Linear negative outputs", lambda: nn.Linear(2, -1), ValueError,
     r"out_features must be a positive integer; received out_features=-1"),
    ("nn/Linear size a string", lambda: nn.Linear("2", 3), TypeError,
     r"in_features must be a positive integer; received in_features='2'"),
    ("nn/Linear unknown init", lambda: nn.Linear(2, 3, init="hee"), ValueError,
     r"init must be one of \{'normal', 'xavier', 'he', 'glorot_uniform'\}; received init='hee'"),
    ("nn/Linear wrong feature count", lambda: nn.Linear(2, 3)(t(np.ones((4, 5)))), ValueError,
     r"Linear\(2 -> 3\) expects inputs with 2 features on the last axis; received shape "
     r"\(4, 5\)"),
    ("nn/MLP one size", lambda: nn.MLP([3]), ValueError,
     r"sizes must list at least two sizes \(inputs and outputs\), such as \[13, 64, 1\]; "
     r"received sizes=\[3\]"),
    ("nn/MLP zero width", lambda: nn.MLP([3, 0, 1]), ValueError,
     r"sizes\[1\] must be a positive integer; received sizes\[1\]=0"),
    ("nn/MLP sizes a string", lambda: nn.MLP("13,1"), TypeError,
     r"sizes must be a list of layer sizes such as \[13, 64, 64, 1\]; received sizes='13,1'"),
    ("nn/MLP unknown activation", lambda: nn.MLP([3, 4, 1], activation="rlu"), ValueError,
     r"activation must be one of \{'step', .*'identity'\} or a Module class; received "
     r"activation='rlu'"),
    ("nn/Dropout p=1", lambda: nn.Dropout(p=1.0), ValueError,
     r"p must be in the range \[0.0, 1.0\); received p=1.0"),
    ("nn/get_activation unknown", lambda: nn.get_activation("swish"), ValueError,
     r"activation must be one of \{.*'relu'.*\}; received activation='swish'"),
    ("nn/get_loss unknown", lambda: nn.get_loss("hinge"), ValueError,
     r"loss must be one of \{'mse', .*\}; received loss='hinge'"),
    ("nn/Sequential of a string", lambda: nn.Sequential("relu"), TypeError,
     r"layer 0 must be a badak.nn.Module; received str 'relu'"),
    ("nn/PReLU zero parameters", lambda: nn.PReLU(num_parameters=0), ValueError,
     r"num_parameters must be a positive integer; received num_parameters=0"),
    ("nn/load_state_dict shape",
     lambda: nn.Linear(2, 3).load_state_dict({"weight": np.ones((3, 2)), "bias": np.ones(3)}),
     ValueError, r"load_state_dict: shape mismatch for 'weight': the model's parameter has "
                 r"shape \(2, 3\); received shape \(3, 2\)"),
    ("nn/load_state_dict missing key",
     lambda: nn.Linear(2, 3).load_state_dict({"weight": np.ones((2, 3))}), ValueError,
     r"missing key\(s\) \['bias'\]; the model's keys are \['weight', 'bias'\]"),
    ("nn/module_from_config unknown class",
     lambda: nn.module_from_config({"class": "Conv2d", "config": {}}), ValueError,
     r"class must be the name of a registered module, one of \[.*'Linear'.*\]; received "
     r"class='Conv2d'"),
    ("nn/CrossEntropyLoss label 3 for 3 classes",
     lambda: nn.CrossEntropyLoss()(t(np.ones((2, 3))), np.array([0, 3])), ValueError,
     r"target labels must be in \[0, 2\] for 3 classes; received labels from 0 to 3"),
    # ------------------------------------------------------------ optimizers
    ("optim/SGD negative lr", lambda: optim.SGD(params(), lr=-0.1), ValueError,
     r"lr must be >= 0.0; received lr=-0.1"),
    ("optim/SGD lr NaN", lambda: optim.SGD(params(), lr=float("nan")), ValueError,
     r"lr must be a finite number; received lr=nan"),
    ("optim/SGD lr a string", lambda: optim.SGD(params(), lr="0.1"), TypeError,
     r"lr must be a real number; received lr='0.1'"),
    ("optim/SGD momentum 1.5", lambda: optim.SGD(params(), lr=0.1, momentum=1.5), ValueError,
     r"momentum must be in the range \[0.0, 1.0\); received momentum=1.5"),
    ("optim/Adam beta1 1", lambda: optim.Adam(params(), beta1=1.0), ValueError,
     r"beta1 must be in the range \[0.0, 1.0\); received beta1=1.0"),
    ("optim/AdaGrad eps 0", lambda: optim.AdaGrad(params(), eps=0), ValueError,
     r"eps must be > 0.0; received eps=0.0"),
    ("optim/RMSprop negative rho", lambda: optim.RMSprop(params(), rho=-0.1), ValueError,
     r"rho must be in the range \[0.0, 1.0\); received rho=-0.1"),
    ("optim/no parameters", lambda: optim.SGD([], lr=0.1), ValueError,
     r"params must contain at least one tensor; received an empty iterable"),
    ("optim/parameter in two groups",
     lambda: (lambda w: optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1))(params()[0]),
     ValueError, r"some parameters appear in more than one parameter group"),
    ("optim/arrays instead of tensors", lambda: optim.SGD([np.ones(3)], lr=0.1), TypeError,
     r"params\[0\] must be a Tensor; received ndarray"),
    ("optim/unknown name", lambda: optim.get_optimizer("lion", params()), ValueError,
     r"optimizer must be one of \{'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'\} "
     r"or an Optimizer class; received optimizer='lion'"),
    ("optim/negative clipnorm", lambda: optim.Adam(params(), clipnorm=-1.0), ValueError,
     r"clipnorm must be > 0.0; received clipnorm=-1.0"),
    ("optim/clip_grad_value_ 0", lambda: optim.clip_grad_value_(params(), 0), ValueError,
     r"clip_value must be > 0.0; received clip_value=0.0"),
    ("optim/state of another class",
     lambda: optim.SGD(params(), lr=0.1).load_state_dict(optim.Adam(params()).state_dict()),
     ValueError, r"state_dict was saved from a Adam optimizer; it cannot be loaded into a SGD"),
    # ------------------------------------------------------------ fit
    ("fit/lengths differ", lambda: fit_quiet(m3(), X, Y3[:5], loss="cross_entropy"),
     ValueError, r"x and y must have the same number of samples .*; received x with 8 and y "
                 r"with 5 samples"),
    ("fit/no samples", lambda: fit_quiet(m3(), X[:0], Y3[:0], loss="cross_entropy"),
     ValueError, r"x must hold at least one sample; received an empty data set \(x of shape "
                 r"\(0, 2\)\)"),
    ("fit/NaN in x", lambda: fit_quiet(m1(), with_nan(X), YR), ValueError,
     r"x must contain only finite numbers; received 1 NaN and 0 inf value\(s\)"),
    ("fit/inf in y", lambda: fit_quiet(m1(), X, np.full(8, np.inf)), ValueError,
     r"y must contain only finite numbers; received 0 NaN and 8 inf value\(s\)"),
    ("fit/strings", lambda: fit_quiet(m1(), [["a", "b"]] * 8, YR), ValueError,
     r"x must be an array of numbers \(bool, int or float\); received an array of dtype <U1"),
    ("fit/object array", lambda: fit_quiet(m1(), np.array([[1, None]] * 8, dtype=object), YR),
     ValueError, r"x must be an array of numbers \(bool, int or float\); received an array of "
                 r"dtype object"),
    ("fit/ragged list", lambda: fit_quiet(m1(), [[1.0, 2.0], [3.0]], [1.0, 2.0]), ValueError,
     r"x must be a rectangular array of numbers \(every row the same length\); received a "
     r"ragged list"),
    ("fit/label 10 for a 3-class model",
     lambda: fit_quiet(m3(), X, np.r_[Y3[:7], 10], loss="cross_entropy", batch_size=2),
     ValueError, r"y must hold class labels in \[0, 2\]: the model's output layer has 3 units, "
                 r"one per class; received labels from 0 to 10 \(y\[7\]=10"),
    ("fit/negative label", lambda: fit_quiet(m3(), X, np.r_[-1, Y3[1:]], loss="cross_entropy"),
     ValueError, r"y must hold class labels in \[0, 2\].*received labels from -1 to 2"),
    ("fit/validation label out of range",
     lambda: fit_quiet(m3(), X, Y3, loss="cross_entropy", validation_data=(X, Y3 + 1)),
     ValueError, r"validation_data\[1\] must hold class labels in \[0, 2\].*received labels "
                 r"from 1 to 3"),
    ("fit/bce target 2", lambda: fit_quiet(m1(), X, np.full(8, 2.0), loss="bce"), ValueError,
     r"y must hold targets in \[0, 1\] .* for binary cross-entropy; received values from 2.0"),
    ("fit/float labels for cross-entropy",
     lambda: fit_quiet(m3(), X, Y3.astype(float), loss="cross_entropy"), ValueError,
     r"y must hold integer class labels for a cross-entropy loss; received floats"),
    ("fit/feature count", lambda: fit_quiet(m1(), np.ones((8, 3)), YR), ValueError,
     r"x must have 2 features \(columns\), the in_features of this MLP; received x of shape "
     r"\(8, 3\) with 3 features"),
    ("fit/1-D x", lambda: fit_quiet(m1(), X[:, 0], YR), ValueError,
     r"x must be 2-D \(n_samples, 2\) for this model.*; received a 1-D array of shape \(8,\)"),
    ("fit/target shape", lambda: fit_quiet(m1(), X, np.ones((8, 2))), ValueError,
     r"y does not fit the model's output and the loss: y has shape \(8, 2\).*outputs of shape "
     r"\(N,\) \+ \(1,\)"),
    ("fit/zero epochs", lambda: fit_quiet(m1(), X, YR, epochs=0), ValueError,
     r"epochs must be a positive integer; received epochs=0"),
    ("fit/epochs a float", lambda: fit_quiet(m1(), X, YR, epochs=1.5), TypeError,
     r"epochs must be a positive integer; received epochs=1.5"),
    ("fit/negative batch_size", lambda: fit_quiet(m1(), X, YR, batch_size=-1), ValueError,
     r"batch_size must be a positive integer; received batch_size=-1"),
    ("fit/lr 0", lambda: fit_quiet(m1(), X, YR, lr=0), ValueError,
     r"lr must be > 0.0; received lr=0.0"),
    ("fit/clipnorm 0", lambda: fit_quiet(m1(), X, YR, clipnorm=0), ValueError,
     r"clipnorm must be > 0.0; received clipnorm=0.0"),
    ("fit/unknown loss", lambda: fit_quiet(m1(), X, YR, loss="hinge"), ValueError,
     r"loss must be one of \{'mse', .*\}; received loss='hinge'"),
    ("fit/unknown optimizer", lambda: fit_quiet(m1(), X, YR, optimizer="lion"), ValueError,
     r"optimizer must be one of \{'sgd', .*\} or an Optimizer class; received "
     r"optimizer='lion'"),
    ("fit/unknown metric", lambda: fit_quiet(m1(), X, YR, metrics=("acuracy",)), ValueError,
     r"metric must be one of \{'mse', 'rmse', 'mae', 'r2', 'accuracy'\}, one of Keras' names "
     r"\{'acc', .*\}, or a callable \(y_true, y_pred\) -> float; received metric='acuracy'"),
    ("fit/verbose 5", lambda: fit(m1(), X, YR, verbose=5), ValueError,
     r"verbose must be one of \{0, 1, 2\}; received verbose=5"),
    ("fit/validation_data of one array", lambda: fit_quiet(m1(), X, YR, validation_data=(X,)),
     ValueError, r"validation_data must be a pair \(x_val, y_val\); received a tuple of "
                 r"length 1"),
    ("fit/validation lengths differ",
     lambda: fit_quiet(m1(), X, YR, validation_data=(X, YR[:3])), ValueError,
     r"validation_data\[0\] and validation_data\[1\] must have the same number of samples .*; "
     r"received validation_data\[0\] with 8 and validation_data\[1\] with 3 samples"),
    ("fit/rng a float", lambda: fit_quiet(m1(), X, YR, rng=1.5), TypeError,
     r"rng must be None, a non-negative integer seed or a numpy.random.Generator; received "
     r"rng=1.5"),
    ("fit/model a string", lambda: fit_quiet("model", X, YR), TypeError,
     r"model must be a badak.nn.Module, .*; received model of type str"),
    ("fit/callback a function", lambda: fit_quiet(m1(), X, YR, callbacks=[print]), TypeError,
     r"callbacks must be badak.training.Callback instances; received builtin_function_or_method "
     r"at callbacks\[0\]"),
    ("fit/monitor without validation",
     lambda: fit_quiet(m1(), X, YR, callbacks=[EarlyStopping()]), ValueError,
     r"monitor of EarlyStopping must be one of the logged values \['loss'\]; received "
     r"monitor='val_loss'"),
    ("fit/initial_epoch beyond epochs",
     lambda: fit_quiet(m1(), X, YR, epochs=2, initial_epoch=3), ValueError,
     r"initial_epoch must be at most epochs=2 .*; received initial_epoch=3"),
    ("fit/diverging lr", lambda: fit_quiet(m1(), X, YR * 1e3, optimizer="sgd", lr=1e3,
                                           epochs=50, batch_size=4, rng=0),
     DivergenceError, r"training diverged: the loss became (nan|inf) at epoch \d+/50, (step \d/2|"
                      r"the weights after step 2/2).*Try a smaller learning rate than lr=1000.0, "
                      r"or clip the gradients with fit\(..., clipnorm=1.0\)"),
    ("predict/feature count", lambda: predict(m1(), np.ones((3, 5))), ValueError,
     r"x must have 2 features \(columns\), the in_features of this MLP; received x of shape "
     r"\(3, 5\)"),
    ("evaluate/lengths differ", lambda: evaluate(m1(), X, YR[:3], loss="mse"), ValueError,
     r"x and y must have the same number of samples .*; received x with 8 and y with 3"),
    ("EarlyStopping/negative patience", lambda: EarlyStopping(patience=-1), ValueError,
     r"patience must be a non-negative integer; received patience=-1"),
    ("EarlyStopping/unknown mode", lambda: EarlyStopping(mode="up"), ValueError,
     r"mode must be one of \{'auto', 'min', 'max'\}; received mode='up'"),
    ("ModelCheckpoint/path a float", lambda: ModelCheckpoint(3.5), TypeError,
     r"path must be a str or os.PathLike; received path=3.5"),
    # ------------------------------------------------------------ cross_validate
    ("cross_validate/one fold", lambda: cross_validate(m1, X, YR, folds=1, epochs=1), ValueError,
     r"folds must be an integer >= 2; received folds=1"),
    ("cross_validate/more folds than samples",
     lambda: cross_validate(m1, X, YR, folds=20, epochs=1), ValueError,
     r"folds must be at most the number of samples; received folds=20 for 8 samples"),
    ("cross_validate/a model instead of a builder",
     lambda: cross_validate(m1(), X, YR, folds=2, epochs=1), TypeError,
     r"build_model must be a function rng -> Module .*; received MLP \(a model, not a "
     r"function\)"),
    ("cross_validate/builder returns no model",
     lambda: cross_validate(lambda rng: "net", X, YR, folds=2, epochs=1), TypeError,
     r"build_model must return a badak.nn.Module; received str"),
    ("cross_validate/lengths differ", lambda: cross_validate(m1, X, YR[:3], folds=2, epochs=1),
     ValueError, r"x and y must have the same number of samples .*; received x with 8 and y "
                 r"with 3 samples"),
    ("cross_validate/NaN", lambda: cross_validate(m1, with_nan(X, 3), YR, folds=2, epochs=1),
     ValueError, r"x must contain only finite numbers; received 1 NaN"),
    ("cross_validate/zero epochs", lambda: cross_validate(m1, X, YR, folds=2, epochs=0),
     ValueError, r"epochs must be a positive integer; received epochs=0"),
    ("cross_validate/unknown optimizer",
     lambda: cross_validate(m1, X, YR, folds=2, epochs=1, optimizer="nope"), ValueError,
     r"optimizer must be one of \{.*\} or an Optimizer class; received optimizer='nope'"),
    ("cross_validate/unknown standardize",
     lambda: cross_validate(m1, X, YR, folds=2, epochs=1, standardize="yes"), ValueError,
     r"standardize must be one of \{'global', 'fold', False\}; received standardize='yes'"),
    # ------------------------------------------------------------ data
    ("DataLoader/lengths differ", lambda: data.DataLoader(X, Y3[:3]), ValueError,
     r"arrays must all have the same length \(first dimension\); received lengths \[8, 3\] in "
     r"DataLoader"),
    ("DataLoader/empty", lambda: data.DataLoader(X[:0]), ValueError,
     r"arrays must not be empty; received arrays of length 0 in DataLoader"),
    ("DataLoader/batch_size 0", lambda: data.DataLoader(X, batch_size=0), ValueError,
     r"batch_size must be a positive integer; received batch_size=0"),
    ("DataLoader/batch_size a float", lambda: data.DataLoader(X, batch_size=2.5), TypeError,
     r"batch_size must be a positive integer; received batch_size=2.5"),
    ("DataLoader/shuffle a string", lambda: data.DataLoader(X, shuffle="yes"), TypeError,
     r"shuffle must be a bool \(True or False\); received shuffle='yes'"),
    ("DataLoader/ragged list", lambda: data.DataLoader([[1, 2], [3]]), ValueError,
     r"arrays must be rectangular \(every row the same length\); received a ragged list as "
     r"array 0 of DataLoader"),
    ("DataLoader/strings", lambda: data.DataLoader(X, ["a"] * 8), TypeError,
     r"arrays must hold numbers \(bool, int or float\); received an array of dtype <U1 as "
     r"array 1 of DataLoader"),
    ("DataLoader/object array", lambda: data.DataLoader(np.array([1, None], dtype=object)),
     TypeError, r"arrays must hold numbers .*; received an array of dtype object as array 0"),
    ("DataLoader/no array", lambda: data.DataLoader(), ValueError,
     r"DataLoader needs at least one array; received none"),
    ("train_test_split/test_size 1.5", lambda: data.train_test_split(X, test_size=1.5),
     ValueError, r"test_size must be a float in the open range \(0, 1\); received "
                 r"test_size=1.5"),
    ("train_test_split/test_size 0", lambda: data.train_test_split(X, test_size=0), ValueError,
     r"test_size must be an int in \[1, 7\] \(n - 1 for n=8 samples\); received test_size=0"),
    ("KFold/one split", lambda: data.KFold(1), ValueError,
     r"n_splits must be an integer >= 2; received n_splits=1"),
    ("KFold/more splits than samples", lambda: list(data.KFold(20).split(X)), ValueError,
     r"n_splits must be at most the number of samples; received n_splits=20 for x with 8 "
     r"samples"),
    ("StandardScaler/NaN", lambda: data.StandardScaler().fit(np.full((3, 2), np.nan)),
     ValueError, r"x must contain only finite numbers; received 6 NaN and 0 inf value\(s\)"),
    ("StandardScaler/1-D", lambda: data.StandardScaler().fit(np.ones(3)), ValueError,
     r"x must be a 2-D array of shape \(n_samples, n_features\); received an array of shape "
     r"\(3,\)"),
    ("StandardScaler/feature count",
     lambda: data.StandardScaler().fit(X).transform(np.ones((3, 5))), ValueError,
     r"x must have 2 features \(columns\), as seen in fit; received x with 5 features"),
    ("StandardScaler/strings", lambda: data.StandardScaler().fit([["a"]]), TypeError,
     r"x must be an array of real numbers; received list that cannot be converted to float64"),
    # ------------------------------------------------------------ data sets
    ("load_boston/unknown split", lambda: datasets.load_boston(split="test"), ValueError,
     r"split must be one of \{'keras', 'none'\}; received split='test'"),
    ("load_mnist5k/unknown split", lambda: datasets.load_mnist5k(split="x"), ValueError,
     r"split must be None or 'train_test'; received split='x'"),
    ("load_mnist5k/flatten a string", lambda: datasets.load_mnist5k(flatten="no"), TypeError,
     r"flatten must be a bool \(True or False\); received flatten='no'"),
    ("logic_gate/unknown gate", lambda: datasets.logic_gate("nor"), ValueError,
     r"name must be one of \{'and', 'or', 'nand', 'xor'\} \(case-insensitive\); received "
     r"name='nor'"),
    ("make_xor/zero samples", lambda: datasets.make_xor(0), ValueError,
     r"n must be a positive integer; received n=0"),
    ("make_moons/negative noise", lambda: datasets.make_moons(10, noise=-1), ValueError,
     r"noise must be >= 0.0; received noise=-1.0"),
    ("make_spiral/NaN noise", lambda: datasets.make_spiral(10, noise=float("nan")), ValueError,
     r"noise must be a finite number; received noise=nan"),
    ("make_circles/factor 2", lambda: datasets.make_circles(10, factor=2.0), ValueError,
     r"factor must be in the range \(0.0, 1.0\); received factor=2.0"),
    # ------------------------------------------------------------ metrics
    ("metrics/shapes differ", lambda: mse(np.ones(3), np.ones(4)), ValueError,
     r"y_true and y_pred must have the same shape; received y_true \(3,\) and y_pred \(4,\)"),
    ("metrics/empty", lambda: mae(np.ones(0), np.ones(0)), ValueError,
     r"y_true must not be empty; received an array of shape \(0,\)"),
    ("metrics/NaN target", lambda: mae([1.0, np.nan], [1.0, 2.0]), ValueError,
     r"y_true must contain only finite numbers; received 1 NaN"),
    ("metrics/strings", lambda: mse(["a", "b"], [1.0, 2.0]), ValueError,
     r"y_true must be an array of numbers; received list that cannot be converted"),
    ("metrics/accuracy lengths differ", lambda: accuracy([0, 1, 2], [0, 1]), ValueError,
     r"y_true and y_pred must have the same length; received 3 and 2"),
    ("metrics/unknown name", lambda: get_metric("f1"), ValueError,
     r"metric must be one of \{'mse', 'rmse', 'mae', 'r2', 'accuracy'\}; received metric='f1'"),
    # ------------------------------------------------------------ the lecture's tools, files
    ("gd/negative lr", lambda: minimize(lambda v: (v * v).sum(), [1.0], lr=-1, steps=5),
     ValueError, r"lr must be > 0.0; received lr=-1.0"),
    ("gd/unknown method",
     lambda: minimize(lambda v: (v * v).sum(), [1.0], lr=0.1, steps=3, method="bfgs"),
     ValueError, r"method must be one of \{'gd', 'newton'\}; received method='bfgs'"),
    ("gd/NaN start", lambda: minimize(lambda v: (v * v).sum(), [np.nan], lr=0.1, steps=3),
     ValueError, r"x0 must contain only finite numbers; received 1 NaN"),
    ("perceptron/zero inputs", lambda: Perceptron(n_inputs=0), ValueError,
     r"n_inputs must be a positive integer; received n_inputs=0"),
    ("perceptron/strings", lambda: Perceptron(2).fit([["a", "b"]], [1]), TypeError,
     r"x must be numeric; received an array of dtype <U1"),
    ("expr/unknown name", lambda: parse("x + y"), ExpressionError,
     r"unknown name 'y' at column 5: declared variables are x"),
    ("expr/code", lambda: parse("__import__('os')"), ExpressionError,
     r"unknown function '__import__' at column 1: allowed functions are abs, exp, .*tanh"),
    ("save/not a model", lambda: badak.save("model", "unused.npz"), TypeError,
     r"model must be a badak.nn.Module; received model of type str"),
    ("load/not a model file", lambda: badak.load(__file__), ModelFileError,
     r"test_bad_input.py is not a badak model file: it does not start with the zip signature"),
    ("manual_seed/negative", lambda: badak.manual_seed(-1), ValueError,
     r"seed must be a non-negative integer; received seed=-1"),
    # ------------------------------------------------------------ scikit-learn estimators
    ("sklearn/unknown activation", lambda: sk("MLPRegressor")(activation="rlu").fit(X, YR),
     ValueError, r"The 'activation' parameter of MLPRegressor must be a str among \{.*\}\. "
                 r"Got 'rlu' instead\."),
    ("sklearn/negative learning_rate_init",
     lambda: sk("MLPRegressor")(learning_rate_init=-1).fit(X, YR), ValueError,
     r"The 'learning_rate_init' parameter of MLPRegressor must be a float in the range "
     r"\(0.0, inf\)\. Got -1 instead\."),
    ("sklearn/zero hidden units",
     lambda: sk("MLPRegressor")(hidden_layer_sizes=(0,)).fit(X, YR), ValueError,
     r"The 'hidden_layer_sizes' parameter of MLPRegressor must be an int >= 1 or a sequence "
     r"of ints >= 1\. Got \(0,\) instead\."),
    ("sklearn/zero max_iter", lambda: sk("MLPClassifier")(max_iter=0).fit(X, Y3), ValueError,
     r"The 'max_iter' parameter of MLPClassifier must be an int in the range \[1, inf\)\. Got "
     r"0 instead\."),
    ("sklearn/NaN in X", lambda: sk("MLPRegressor")(epochs=1).fit(with_nan(X), YR), ValueError,
     r"Input X contains NaN"),
    ("sklearn/feature count",
     lambda: sk("MLPRegressor")(epochs=1).fit(X, YR).predict(np.ones((2, 5))), ValueError,
     r"X has 5 features, but MLPRegressor is expecting 2 features as input"),
    ("sklearn/label outside the classes",
     lambda: sk("MLPClassifier")(epochs=1).partial_fit(X, Y3, classes=[0, 1]), ValueError,
     r"y contains labels \[2\] that are not among the classes \[0, 1\] the model was built "
     r"for"),
    ("sklearn/perceptron learning_rate",
     lambda: sk("PerceptronClassifier")(learning_rate=-1).fit(X, Y3 % 2), ValueError,
     r"The 'learning_rate' parameter of PerceptronClassifier must be a float in the range "
     r"\(0.0, inf\)\. Got -1 instead\."),
]


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the diverging row
@pytest.mark.parametrize("call, error, message", [pytest.param(*row[1:], id=row[0])
                                                   for row in CASES])
def test_bad_input_is_refused_with_a_clear_message(call, error, message, tmp_path, monkeypatch):
    assert issubclass(error, (ValueError, TypeError))
    monkeypatch.chdir(tmp_path)                 # nothing a row might write lands in the repo
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value).__module__.split(".")[0] in ("builtins", "badak", "sklearn")


def test_the_table_is_large_and_its_ids_unique():
    ids = [row[0] for row in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40


# ---------------------------------------------------------------- the command line
FILES = {
    "good.csv": "a,b,price\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n2,2,2\n3,3,3\n",
    "words.csv": "a,b,price\n1,2,3\n4,abc,6\n",
    "nan.csv": "a,b,price\n1,2,3\n4,nan,6\n",
    "short-row.csv": "a,b,price\n1,2,3\n4,5\n",
    "empty.csv": "",
    "no-price.csv": "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n",
}

CLI_CASES = [
    (["train", "--data", "moons", "--lr", "-1"],
     r"argument --lr: expected a number > 0; received -1"),
    (["train", "--data", "moons", "--lr", "abc"],
     r"argument --lr: expected a number; received 'abc'"),
    (["train", "--data", "moons", "--lr", "nan"],
     r"argument --lr: expected a finite number; received 'nan'"),
    (["train", "--data", "moons", "--epochs", "0"],
     r"argument --epochs: expected a positive integer; received 0"),
    (["train", "--data", "moons", "--batch-size", "-3"],
     r"argument --batch-size: expected a positive integer; received -3"),
    (["train", "--data", "moons", "--hidden", "16,,4"],
     r"argument --hidden: expected positive integers separated by commas, such as 64,64; "
     r"received '16,,4'"),
    (["train", "--data", "moons", "--optimizer", "lion"],
     r"argument --optimizer: invalid choice: 'lion' \(choose from .*'adam'.*\)"),
    (["train", "--data", "moons", "--seed", "-1"],
     r"argument --seed: expected an integer >= 0; received -1"),
    (["train", "--data", "nosuch"],
     r"--data must be one of xor, .*, mnist5k or a .csv file; received 'nosuch'"),
    (["train", "--data", "missing.csv", "--target", "price"],
     r"the CSV file 'missing.csv' does not exist"),
    (["train", "--data", "good.csv", "--target", "cost"],
     r"--target 'cost' is not a column of good.csv; its columns are a, b, price"),
    (["train", "--data", "no-price.csv", "--target", "price"],
     r"--target 'price' is not a column of no-price.csv; its columns are a, b"),
    (["train", "--data", "words.csv", "--target", "price"],
     r"words.csv line 3, column 'b': 'abc' is not a number"),
    (["train", "--data", "nan.csv", "--target", "price"],
     r"nan.csv line 3, column 'b': 'nan' is not a finite number"),
    (["train", "--data", "short-row.csv", "--target", "price"],
     r"short-row.csv line 3 has 2 cells; the header has 3 columns \(a, b, price\)"),
    (["train", "--data", "empty.csv", "--target", "price"],
     r"empty.csv is empty; expected a header row of column names"),
    (["gd", "x**2", "--x0", "3", "--lr", "0"],
     r"argument --lr: expected a number > 0; received 0"),
    (["gd", "__import__('os')", "--x0", "3"],
     r"the expression \"__import__\('os'\)\" is refused: unknown function '__import__'"),
    (["graph", "x + y", "--var", "x"],
     r"argument --var: expected NAME=VALUE, such as x=1.5; received 'x'"),
    (["perceptron", "--gate", "nor"],
     r"argument --gate: invalid choice: 'nor' \(choose from 'and', 'or', 'nand', 'xor'\)"),
    (["predict", "good.csv", "--data", "good.csv"],
     r"good.csv is not a badak model file: it does not start with the zip signature"),
    (["tour", "--out", "good.csv"], r"--out 'good.csv' is a file; expected a folder"),
]


@pytest.fixture
def files(tmp_path, monkeypatch):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("argv, message", [pytest.param(argv, message, id=" ".join(argv))
                                           for argv, message in CLI_CASES])
def test_command_line_mistakes_exit_2_with_one_line(argv, message, files, capsys):
    from badak.interfaces.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith("badak: error: ")
    assert re.search(message, lines[0]), lines[0]


def test_the_real_command_exits_2_without_a_traceback(files):
    done = subprocess.run([sys.executable, "-m", "badak", "train", "--data", "words.csv",
                           "--target", "price"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("badak: error: words.csv line 3, column 'b': 'abc' is not a number; "
                           "feature columns must hold numbers (words are only for the --target "
                           "column): leave it out with --drop b\n")
