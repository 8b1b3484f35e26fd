"""The preprocessing description that ``badak train`` stores with a model, checked before use.

``badak train`` saves, under ``metadata["badak_cli"]``, what ``badak predict`` needs to reuse the
model::

    {"data": "houses.csv", "task": "regression" | "classification",
     "features": ["a", "b"],                      # distinct CSV columns, one per model input
     "target": "price",                           # not one of the features
     "classes": null | [3.0, 7.0] | ["cat", "dog"],   # classification: one per model output
     "mean": null | [..], "scale": null | [..]}   # (x - mean) / scale, one per feature

A file edited by hand (or written by ``badak.save(model, path, metadata={"badak_cli": ...})``)
may hold anything there, and a wrong entry would not fail loudly: four class labels for a model
with two outputs, or one feature name for a model with two inputs (the column fed to both),
predict wrongly with no error. :func:`validated_cli_metadata` checks every field's type and
checks the entry against the model (feature count against its inputs, class count against its
outputs) before anything uses it; ``badak predict`` calls it, so the library and the command
refuse the same entries with the same messages.
"""

from __future__ import annotations

import math
import os

from badak.i18n import N_
from badak.i18n.localized import Phrase
from badak.nn.edges import first_layer, last_sized_layer
from badak.persistence.archive import ModelFileError

__all__ = ["METADATA_KEY", "TASKS", "model_io_sizes", "validated_cli_metadata"]

METADATA_KEY = "badak_cli"
TASKS = ("classification", "regression")
KEYS = ("data", "task", "features", "target", "classes", "mean", "scale")


def model_io_sizes(model) -> tuple[int | None, int | None]:
    """``(inputs, outputs)``: the model's first layer's ``in_features`` and its last layer's
    ``out_features``, each None where the model's structure does not tell it (see
    :mod:`badak.nn.edges`)."""
    first, last = first_layer(model), last_sized_layer(model)
    return (None if first is None else _width(first.in_features),
            None if last is None else _width(last.out_features))


def _width(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _counted(values: list, noun: str) -> Phrase:
    """``'3 columns ['u', 'v', 'w']'``: how many, and which (``noun``: 'column' or 'label')."""
    template = {("column", True): N_("{n} column {values}"),
                ("column", False): N_("{n} columns {values}"),
                ("label", True): N_("{n} label {values}"),
                ("label", False): N_("{n} labels {values}")}[noun, len(values) == 1]
    return Phrase(template, n=len(values), values=_shown(values))


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def validated_cli_metadata(model, metadata: dict, path: str | os.PathLike) -> dict:
    """Return the ``badak_cli`` entry of ``metadata``, checked against ``model``; ``{}`` if none.

    Parameters
    ----------
    model : badak.nn.Module
        The model loaded from the same file (``Checkpoint.model``).
    metadata : dict
        The file's metadata (``Checkpoint.metadata``).
    path : str or os.PathLike
        The file, named in error messages.

    Returns
    -------
    dict
        ``{"data": str, "task": "classification" | "regression", "features": [str, ...],
        "target": str, "classes": [float, ...] or [str, ...] or None, "mean": [float, ...] or
        None, "scale": [float, ...] or None}`` (and any further keys, unchecked), every field
        checked: distinct non-empty feature names without the target, as many as the model's
        first layer takes; for classification at least two distinct class labels, all finite
        numbers (returned as floats) or all non-empty words (as strings), as many as the
        model's outputs; for regression no classes and one output; ``mean`` and ``scale`` both
        given (finite, ``scale`` positive, one per feature) or both None. A width the model's
        structure does not tell (see :func:`model_io_sizes`) is not checked.

    Raises
    ------
    ModelFileError
        If the entry is malformed or does not fit the model; the message names the field, what
        was expected and what was received.
    """
    where = os.fspath(path)
    if not isinstance(metadata, dict):
        raise ModelFileError(N_("{where}: its metadata must be a JSON object; received "
                                "{kind}"), where=where, kind=type(metadata).__name__)
    meta = metadata.get(METADATA_KEY)
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ModelFileError(N_("{where}: its {key!r} metadata entry must be a JSON object; "
                                "received {kind} {shown}"), where=where, key=METADATA_KEY,
                             kind=type(meta).__name__, shown=_shown(meta))

    def bad(field: str, expected: Phrase, received: str) -> ModelFileError:
        return ModelFileError(N_("{where}: in its {key!r} metadata entry, {field} must be "
                                 "{expected}; received {received}"), where=where,
                              key=METADATA_KEY, field=field, expected=expected,
                              received=received)

    lacking = [k for k in KEYS if k not in meta]
    if lacking:
        raise ModelFileError(N_("{where}: its {key!r} metadata entry must have the keys "
                                "{keys}; it lacks {lacking}"), where=where, key=METADATA_KEY,
                             keys=list(KEYS), lacking=lacking)
    for field in ("data", "target"):
        if not isinstance(meta[field], str):
            raise bad(repr(field), Phrase(N_("a string")), _shown(meta[field]))
    task, features, target = meta["task"], meta["features"], meta["target"]
    if task not in TASKS:
        raise bad("'task'", Phrase(N_("one of {tasks}"), tasks=list(TASKS)), _shown(task))

    names = Phrase(N_("a non-empty list of distinct column names"))
    if not (isinstance(features, list) and features
            and all(isinstance(f, str) and f for f in features)):
        raise bad("'features'", names, _shown(features))
    seen: set[str] = set()
    twice = next((f for f in features if f in seen or seen.add(f)), None)
    if twice is not None:
        raise bad("'features'", names, Phrase(N_("{name!r} twice"), name=twice))
    n_in, n_out = model_io_sizes(model)
    if n_in is not None and len(features) != n_in:
        raise bad("'features'", Phrase(N_("one column for each of the model's {n} inputs"),
                                       n=n_in), _counted(features, "column"))
    if target in features:
        raise bad("'features'", Phrase(N_("the columns to learn from, without the target "
                                          "{target!r}"), target=target), _shown(features))

    mean, scale = meta["mean"], meta["scale"]
    if (mean is None) != (scale is None):
        raise bad("'mean' and 'scale'", Phrase(N_("both null or both lists")),
                  f"mean={_shown(mean)}, scale={_shown(scale)}")
    if mean is not None:
        n = len(features)
        for field, values, template in (
                ("mean", mean, N_("a list of {n} finite numbers (one per feature)")),
                ("scale", scale, N_("a list of {n} positive finite numbers (one per feature)"))):
            if not (isinstance(values, list) and len(values) == n
                    and all(_is_number(v) and (field == "mean" or v > 0) for v in values)):
                raise bad(repr(field), Phrase(template, n=n), _shown(values))
        mean, scale = [float(v) for v in mean], [float(v) for v in scale]

    classes = meta["classes"]
    if task == "regression":
        if classes is not None:
            raise bad("'classes'", Phrase(N_("null for a regression")), _shown(classes))
        if n_out is not None and n_out != 1:
            raise bad("'task'", Phrase(N_("'classification' for a model of {n} outputs (a "
                                          "regression has one)"), n=n_out), _shown(task))
    else:
        numbers = isinstance(classes, list) and all(_is_number(c) for c in classes)
        words = isinstance(classes, list) and all(isinstance(c, str) and c for c in classes)
        if not (isinstance(classes, list) and len(classes) >= 2 and (numbers or words)):
            raise bad("'classes'", Phrase(N_("a list of at least 2 class labels for a "
                                             "classification, all finite numbers or all "
                                             "non-empty words")), _shown(classes))
        if len(set(classes)) != len(classes):
            raise bad("'classes'", Phrase(N_("distinct labels")), _shown(classes))
        if n_out is not None and len(classes) != n_out:
            raise bad("'classes'", Phrase(N_("one label for each of the model's {n} outputs"),
                                          n=n_out), _counted(classes, "label"))
        classes = [float(c) for c in classes] if numbers else list(classes)
    return {**meta, "task": task, "features": list(features), "classes": classes,
            "mean": mean, "scale": scale}
