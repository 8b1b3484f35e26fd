"""The description ``badak train`` stores with a model, checked before ``badak predict`` uses it.

A model file's metadata is JSON that anyone can edit (or write with
``badak.save(model, path, metadata={...})``). ``badak predict`` trusts it to pick the columns,
standardize them and name the classes, so a malformed entry would either crash with a traceback
or, worse, predict wrongly with exit code 0 (4 class names for 2 outputs; one column fed to two
inputs). :func:`check_cli_metadata` refuses anything that does not fit the model, in one line.

The entry, under the key ``badak_cli``::

    {"data": "houses.csv", "task": "regression" | "classification",
     "features": ["a", "b"],              # distinct CSV columns, one per model input
     "target": "price",
     "classes": null | [3, 7] | ["cat", "dog"],   # classification: one per model output
     "mean": null | [..], "scale": null | [..]}   # (x - mean) / scale, one per feature
"""

from __future__ import annotations

import math

from badak.cli.arguments import UserError

__all__ = ["METADATA_KEY", "check_cli_metadata", "model_io_sizes"]

METADATA_KEY = "badak_cli"
TASKS = ("classification", "regression")


def model_io_sizes(model) -> tuple[int | None, int | None]:
    """``(inputs, outputs)`` of the model's first and last layers, None where unknown."""
    from badak.training._inputs import first_layer

    first = first_layer(model)
    n_in = None if first is None else int(first.in_features)
    n_out = None
    for m in model.modules():
        if hasattr(m, "out_features"):
            n_out = int(m.out_features)
    return n_in, n_out


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_cli_metadata(meta, n_in: int | None, n_out: int | None, where: str) -> dict:
    """``meta`` if it is a well-formed ``badak_cli`` entry that fits a model of ``n_in`` inputs
    and ``n_out`` outputs; else a UserError naming the field, what was expected and what was
    received."""
    def bad(field: str, expected: str, received) -> UserError:
        shown = repr(received)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return UserError(f"{where}: the metadata entry '{METADATA_KEY}' is malformed: {field} "
                         f"must be {expected}; received {shown}")

    if not isinstance(meta, dict):
        raise bad("the entry", "an object (a JSON dict)", meta)
    for field in ("data", "target"):
        if not isinstance(meta.get(field), str):
            raise bad(field, "a string", meta.get(field))
    task = meta.get("task")
    if task not in TASKS:
        raise bad("task", f"one of {', '.join(TASKS)}", task)
    features = meta.get("features")
    if not (isinstance(features, list) and features
            and all(isinstance(f, str) and f for f in features)):
        raise bad("features", "a non-empty list of column names", features)
    if len(set(features)) != len(features):
        seen: set[str] = set()
        twice = next(f for f in features if f in seen or seen.add(f))
        raise bad("features", "distinct column names", f"{twice!r} twice")
    if n_in is not None and len(features) != n_in:
        raise bad("features", f"one column for each of the model's {n_in} inputs",
                  f"{len(features)} columns")
    for field in ("mean", "scale"):
        values = meta.get(field)
        if values is None:
            continue
        if not (isinstance(values, list) and len(values) == len(features)
                and all(_is_number(v) for v in values)):
            raise bad(field, f"null or a list of {len(features)} finite numbers (one per "
                             f"feature)", values)
    if (meta.get("mean") is None) != (meta.get("scale") is None):
        raise bad("mean and scale", "both null or both lists",
                  f"mean={meta.get('mean')!r}, scale={meta.get('scale')!r}")
    if meta.get("scale") is not None and any(v == 0 for v in meta["scale"]):
        raise bad("scale", "non-zero numbers", meta["scale"])
    classes = meta.get("classes")
    if task == "regression":
        if classes is not None:
            raise bad("classes", "null for a regression", classes)
        if n_out is not None and n_out != 1:
            raise bad("task", f"'classification' for a model of {n_out} outputs (a regression "
                              f"has one)", task)
        return meta
    if not (isinstance(classes, list) and len(classes) >= 2
            and (all(_is_number(c) for c in classes)
                 or all(isinstance(c, str) and c for c in classes))):
        raise bad("classes", "a list of at least 2 class labels, all numbers or all words",
                  classes)
    if len(set(classes)) != len(classes):
        raise bad("classes", "distinct labels", classes)
    if n_out is not None and len(classes) != n_out:
        raise bad("classes", f"one label for each of the model's {n_out} outputs",
                  f"{len(classes)} labels")
    return meta
