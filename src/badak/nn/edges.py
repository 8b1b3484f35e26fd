"""The layers at a model's two edges: the first one a batch meets and the last sized one.

``fit`` checks a batch's feature count against the first layer's ``in_features``; ``badak
predict`` checks a model file's saved column names and class labels against the first layer's
``in_features`` and the last layer's ``out_features``. Only containers that run their children in
the order they were registered (``Sequential`` and its subclasses, such as ``MLP``) are walked:
a custom module may register its layers in another order than it runs them, and then the edges
are unknown (None) rather than guessed.
"""

from __future__ import annotations


def _ordered_children(layer) -> list | None:
    """The children of a Sequential-like container, in running order; None for anything else."""
    children = getattr(layer, "_modules", None)
    if not children or not hasattr(layer, "__getitem__"):
        return None
    return list(children.values())


def first_layer(model):
    """The first layer a batch meets, if it states its ``in_features``; else None."""
    layer = model
    while not hasattr(layer, "in_features"):
        children = _ordered_children(layer)
        if children is None:
            return None
        layer = children[0]
    return layer


def last_sized_layer(model):
    """The last layer that states its ``out_features`` (activations and dropout after it keep
    the width), if the model's structure tells; else None."""
    layer = model
    while not hasattr(layer, "out_features"):
        children = _ordered_children(layer)
        if children is None:
            return None
        sized = [m for m in children if any(hasattr(x, "out_features") for x in m.modules())]
        if not sized:
            return None
        layer = sized[-1]
    return layer
