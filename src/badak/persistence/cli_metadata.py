"""The preprocessing description that ``badak train`` stores with a model, checked before use.

``badak train`` saves, under ``metadata["badak_cli"]``, what ``badak predict`` needs to reuse the
model: the task, the feature column names, the target name, the original class labels and the
standardization ``(x - mean) / scale``. A file edited by hand (or written by
``badak.save(model, path, metadata={"badak_cli": ...})``) may hold anything there, and a wrong
entry would not fail loudly: four class labels for a model with two outputs, or one feature name
for a model with two inputs (the column fed to both), predict wrongly with no error.
:func:`validated_cli_metadata` checks every field's type and checks the entry against the model
(feature count against its inputs, class count against its outputs) before anything uses it.
"""

from __future__ import annotations

import math
import os

from badak.persistence.archive import ModelFileError

CLI_METADATA_KEY = "badak_cli"
TASKS = ("classification", "regression")


def _edge_width(model, attribute: str, first: bool) -> int | None:
    """``in_features`` of the first layer (``first``) or ``out_features`` of the last one."""
    layer = model
    while not hasattr(layer, attribute):
        children = list(getattr(layer, "_modules", {}).values())
        if first:
            if not children or not hasattr(layer, "__getitem__"):   # Sequential-like only
                return None
            layer = children[0]
        else:
            sized = [m for m in children if any(hasattr(x, "out_features") for x in m.modules())]
            if not sized or not hasattr(layer, "__getitem__"):
                return None
            layer = sized[-1]
    value = getattr(layer, attribute)
    return value if isinstance(value, int) else None


def _numbers(value, name: str, length: int, where: str, positive: bool = False) -> list[float]:
    ok = isinstance(value, list) and len(value) == length and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        and (v > 0 if positive else True) for v in value)
    if not ok:
        kind = "positive finite numbers" if positive else "finite numbers"
        raise ModelFileError(f"{where}: its {CLI_METADATA_KEY!r} metadata entry {name!r} must be "
                             f"a list of {length} {kind} (one per feature); received "
                             f"{str(value)[:200]}")
    return [float(v) for v in value]


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
        "target": str, "classes": [float, ...] or None, "mean": [float, ...] or None,
        "scale": [float, ...] or None}`` (and any further keys, unchecked), every field checked:
        distinct feature names, as many as the model's first layer takes; for classification at
        least two distinct class labels, as many as the model's outputs; for regression no
        classes and one output; ``mean`` and ``scale`` both given (finite, ``scale`` positive,
        one per feature) or both None.

    Raises
    ------
    ModelFileError
        If the entry is malformed or does not fit the model; the message says what is wrong.
    """
    where = os.fspath(path)
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{where}: its metadata must be a JSON object; received "
                             f"{type(metadata).__name__}")
    meta = metadata.get(CLI_METADATA_KEY)
    if meta is None:
        return {}
    prefix = f"{where}: its {CLI_METADATA_KEY!r} metadata entry"
    if not isinstance(meta, dict):
        raise ModelFileError(f"{prefix} must be a JSON object; received "
                             f"{type(meta).__name__} {str(meta)[:100]!r}")
    expected = {"data", "task", "features", "target", "classes", "mean", "scale"}
    if not expected <= set(meta):
        raise ModelFileError(f"{prefix} must have the keys {sorted(expected)}; it lacks "
                             f"{sorted(expected - set(meta))}")
    task, features, target = meta["task"], meta["features"], meta["target"]
    if task not in TASKS:
        raise ModelFileError(f"{prefix} 'task' must be one of {list(TASKS)}; received {task!r}")
    if not isinstance(meta["data"], str) or not isinstance(target, str):
        raise ModelFileError(f"{prefix} 'data' and 'target' must be strings; received "
                             f"{meta['data']!r} and {target!r}")
    if not (isinstance(features, list) and features
            and all(isinstance(f, str) for f in features)
            and len(set(features)) == len(features)) or target in features:
        raise ModelFileError(f"{prefix} 'features' must be a non-empty list of distinct column "
                             f"names, without the target {target!r}; received "
                             f"{str(features)[:200]}")
    n_in = _edge_width(model, "in_features", first=True)
    if n_in is not None and n_in != len(features):
        raise ModelFileError(f"{prefix} lists {len(features)} feature(s), but the model takes "
                             f"{n_in} inputs")
    n_out = _edge_width(model, "out_features", first=False)
    classes = meta["classes"]
    if task == "classification":
        if not (isinstance(classes, list) and len(classes) >= 2 and all(
                isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c)
                for c in classes) and len(set(classes)) == len(classes)):
            raise ModelFileError(f"{prefix} 'classes' must list at least two distinct finite "
                                 f"class labels for a classification; received "
                                 f"{str(classes)[:200]}")
        if n_out is not None and n_out != len(classes):
            raise ModelFileError(f"{prefix} lists {len(classes)} classes, but the model has "
                                 f"{n_out} outputs")
        classes = [float(c) for c in classes]
    else:
        if classes is not None:
            raise ModelFileError(f"{prefix} 'classes' must be null for a regression; received "
                                 f"{str(classes)[:200]}")
        if n_out is not None and n_out != 1:
            raise ModelFileError(f"{prefix} says regression (one output), but the model has "
                                 f"{n_out} outputs")
    mean, scale = meta["mean"], meta["scale"]
    if (mean is None) != (scale is None):
        raise ModelFileError(f"{prefix} must give both 'mean' and 'scale', or neither")
    if mean is not None:
        mean = _numbers(mean, "mean", len(features), where)
        scale = _numbers(scale, "scale", len(features), where, positive=True)
    return {**meta, "task": task, "features": list(features), "classes": classes,
            "mean": mean, "scale": scale}
