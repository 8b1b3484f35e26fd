"""The data ``badak train`` learns from, and what ``badak predict`` needs to reuse a model.

A data set is a built-in one (the 2-D toy problems, Boston housing, 5,000 MNIST digits) or a CSV
file with a ``--target`` column. A CSV target of words (``cat``, ``dog``) is a class label;
feature columns (chosen with ``--features`` / ``--drop``) must hold numbers: a column of words
is refused with a message that names it and ``--drop``. :func:`load_training_data` returns the
training and validation parts, whether the task is classification or regression, and the
preprocessing (standardization of the features, or the division of pixels by 255). That
description is stored in the model file's metadata (:func:`describe`), so that ``badak predict``
applies the same preprocessing, checks the columns and maps class indices back to the original
labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from badak.i18n import N_
from badak.interfaces.cli.arguments import Phrase, UserError
from badak.interfaces.cli.csvfile import Table, read_table
from badak.persistence.cli_metadata import METADATA_KEY

__all__ = ["BUILTIN", "METADATA_KEY", "TrainingData", "load_training_data", "preprocess"]

TOY = ("xor", "spiral", "moons", "circles", "gaussian")
BUILTIN = (*TOY, "boston", "mnist5k")
MAX_CLASSES = 20  # a CSV target of at most this many distinct integers is a class label


@dataclass
class TrainingData:
    """Prepared arrays and their description."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str                       # 'classification' or 'regression'
    features: list[str]
    target: str
    classes: list | None            # original label (number or word) of each class index
    mean: np.ndarray | None         # preprocessing: (x - mean) / scale
    scale: np.ndarray | None
    val_name: str = "validation"

    @property
    def n_outputs(self) -> int:
        return 1 if self.classes is None else len(self.classes)

    def describe(self) -> dict:
        """The JSON metadata stored with the model (see :func:`preprocess`)."""
        return {"data": self.name, "task": self.task, "features": self.features,
                "target": self.target, "classes": self.classes,
                "mean": None if self.mean is None else self.mean.tolist(),
                "scale": None if self.scale is None else self.scale.tolist()}


def preprocess(meta: dict, x: np.ndarray) -> np.ndarray:
    """Apply the stored preprocessing ``(x - mean) / scale`` (nothing if none was stored)."""
    if meta.get("mean") is None:
        return x
    return (x - np.asarray(meta["mean"])) / np.asarray(meta["scale"])


def _standardize(x_train: np.ndarray):
    from badak.data import StandardScaler

    scaler = StandardScaler().fit(x_train)
    return scaler.mean_, scaler.scale_


def _split(x, y, seed: int):
    from badak.data import train_test_split

    if len(x) < 5:
        raise UserError(N_("the data set has {n} rows; at least 5 are needed to hold out a "
                           "validation part"), n=len(x))
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, rng=seed)
    return x_train, y_train, x_val, y_val


def _builtin(name: str, samples: int, noise: float, seed: int) -> TrainingData:
    from badak import datasets

    if name in TOY:
        from badak.interfaces.cli.memory import require_memory

        # the points, their labels and the split's copies, in float64
        require_memory(samples * 8 * 12, f"--samples {samples}",
                       Phrase(N_("choose fewer samples")))
        x, y = getattr(datasets, f"make_{name}")(samples, noise=noise, rng=seed)
        x_train, y_train, x_val, y_val = _split(x, y, seed)
        return TrainingData(name, x_train, y_train, x_val, y_val, "classification",
                            ["x1", "x2"], "label", [0.0, 1.0], None, None)
    if name == "boston":
        (x_train, y_train), (x_val, y_val) = datasets.load_boston()
        mean, scale = _standardize(x_train)
        return TrainingData(name, (x_train - mean) / scale, y_train, (x_val - mean) / scale,
                            y_val, "regression", list(datasets.BOSTON_FEATURES), "MEDV", None,
                            mean, scale, val_name="test")
    (x_train, y_train), (x_val, y_val) = datasets.load_mnist5k(split="train_test")
    n = x_train.shape[1]
    mean, scale = np.zeros(n), np.full(n, 255.0)  # pixels 0..255 -> 0..1
    return TrainingData(name, x_train / 255.0, y_train, x_val / 255.0, y_val,
                        "classification", [f"pixel{i}" for i in range(n)], "digit",
                        [float(c) for c in range(10)], mean, scale, val_name="test")


def _feature_columns(table: Table, target: str, features: list[str] | None,
                     drop: list[str] | None) -> list[str]:
    """The columns to learn from: ``--features`` (in that order) or every column but the
    target, less ``--drop``; each must exist and hold numbers."""
    for flag, chosen in (("--features", features), ("--drop", drop)):
        unknown = [c for c in chosen or () if c not in table.index]
        if unknown:
            template = N_("{flag}: {names} is not a column of {path}; its columns are "
                          "{columns}") if len(unknown) == 1 else \
                N_("{flag}: {names} are not columns of {path}; its columns are {columns}")
            raise UserError(template, flag=flag, names=", ".join(map(repr, unknown)),
                            path=table.path, columns=_shown(table.names))
    if features is not None:
        if len(set(features)) != len(features):
            raise UserError(N_("--features names a column twice: {names}"),
                            names=", ".join(features))
        if target in features:
            raise UserError(N_("--features includes the target column {target!r}; a model "
                               "cannot learn from the answer"), target=target)
        columns = list(features)
    else:
        columns = [n for n in table.names if n != target]
    dropped = set(drop or ())
    columns = [c for c in columns if c not in dropped]
    if not columns:
        raise UserError(N_("no feature column is left to learn from in {path} (the target is "
                           "{target!r}); check --features and --drop"), path=table.path,
                        target=target)
    for c in columns:
        word = table.first_word(c)
        if word is not None:
            line, text = word
            raise UserError(N_("{path} line {line}, column {column!r}: {text!r} is not a "
                               "number; feature columns must hold numbers (words are only for "
                               "the --target column): leave it out with --drop {column}"),
                            path=table.path, line=line, column=c, text=text)
    return columns


def _label(v) -> str:
    return v if isinstance(v, str) else f"{float(v):g}"


def _shown(names: list[str]) -> str:
    return ", ".join(names[:20]) + (f", ... ({len(names)} columns)" if len(names) > 20 else "")


def _from_csv(path: str, target: str | None, task: str, seed: int,
              features: list[str] | None = None, drop: list[str] | None = None) -> TrainingData:
    table = read_table(path)
    names = table.names
    if target is None:
        raise UserError(N_("--target COLUMN is needed with a CSV file: which column to "
                           "predict? The columns of {path} are {columns}"), path=path,
                        columns=_shown(names))
    if target not in table.index:
        raise UserError(N_("--target {target!r} is not a column of {path}; its columns are "
                           "{columns}"), target=target, path=path, columns=_shown(names))
    if len(names) < 2:
        raise UserError(N_("{path} has only the target column; it needs at least one feature "
                           "column"), path=path)
    columns = _feature_columns(table, target, features, drop)
    x = table.numbers(columns)
    word = table.first_word(target)
    if word is not None:                                   # labels such as 'cat', 'dog'
        if task == "regression":
            raise UserError(N_("--task regression needs numbers in column {target!r}; line "
                               "{line} holds {text!r}"), target=target, line=word[0],
                            text=word[1])
        y = np.array(table.words(target))
        task = "classification"
        integral, distinct = True, len(np.unique(y))
    else:
        y = table.numbers([target])[:, 0]
        integral = bool(np.all(y == np.round(y)))
        distinct = len(np.unique(y))
    if task == "auto":
        task = "classification" if integral and distinct <= MAX_CLASSES else "regression"
    if task == "classification":
        if not integral:
            raise UserError(N_("--task classification needs whole-number class labels in "
                               "column {target!r}; it holds values such as {value:g}"),
                            target=target, value=y[y != np.round(y)][0])
        if distinct < 2:
            raise UserError(N_("column {target!r} holds a single class ({label}); "
                               "classification needs at least two"), target=target,
                            label=_label(y[0]))
    x_train, y_train, x_val, y_val = _split(x, y, seed)
    mean, scale = _standardize(x_train)
    classes = None
    if task == "classification":
        values = np.unique(y)
        y_train = np.searchsorted(values, y_train).astype(np.int64)
        y_val = np.searchsorted(values, y_val).astype(np.int64)
        classes = values.tolist()
    return TrainingData(str(path), (x_train - mean) / scale, y_train, (x_val - mean) / scale,
                        y_val, task, columns, target, classes, mean, scale)


def load_training_data(source: str, target: str | None = None, task: str = "auto",
                       samples: int = 400, noise: float = 0.1, seed: int = 0,
                       features: list[str] | None = None,
                       drop: list[str] | None = None) -> TrainingData:
    """Load a built-in data set by name, or a CSV file, split and preprocessed; ``features``
    and ``drop`` choose a CSV file's columns."""
    if source in BUILTIN:
        for flag, value in (("--target", target), ("--features", features), ("--drop", drop)):
            if value is not None:
                raise UserError(N_("{flag} is only for CSV files; the built-in data set "
                                   "{source!r} has its own columns and target"), flag=flag,
                                source=source)
        data = _builtin(source, samples, noise, seed)
        if task != "auto" and task != data.task:
            template = N_("--task {task} does not fit the data set {source!r}, which is a "
                          "classification problem") if data.task == "classification" else \
                N_("--task {task} does not fit the data set {source!r}, which is a "
                   "regression problem")
            raise UserError(template, task=task, source=source)
        return data
    if not source.lower().endswith(".csv"):
        raise UserError(N_("--data must be one of {names} or a .csv file; received "
                           "{source!r}"), names=", ".join(BUILTIN), source=source)
    return _from_csv(source, target, task, seed, features, drop)
