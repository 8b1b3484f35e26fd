"""The playground's settings: their limits, defaults and the checks made on the server.

Every value comes from the page (a query string or JSON) and is checked here before it reaches
badak; a bad one raises :class:`ConfigError` (a ``ValueError``) whose message names the
parameter, what is allowed and what was received. The page shows that message.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from badak.interfaces.playground.data import DATASETS, FEATURES

__all__ = ["ACTIVATIONS", "LIMITS", "OPTIMIZERS", "Config", "ConfigError", "parse_config"]

ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout")
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
REGULARIZERS = ("none", "l1", "l2")
LIMITS = {"layers": 8, "units": 16, "points": (50, 1000), "batch": (1, 500),
          "lr": (1e-6, 10.0), "noise": (0, 50), "ratio": (10, 90), "regrate": (0.0, 1.0),
          "seed": (0, 2 ** 31 - 1)}
STRUCTURAL = ("dataset", "noise", "ratio", "points", "features", "hidden", "activation", "seed")
"""Changing these builds a new network (and data); the rest change training in place."""


class ConfigError(ValueError):
    """A playground parameter is out of its allowed range or malformed."""


@dataclass(frozen=True)
class Config:
    """One playground setup; the defaults are TensorFlow Playground's first screen."""

    dataset: str = "circle"
    noise: int = 0  # percent
    ratio: int = 50  # percent of the points used for training
    points: int = 500
    batch: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    optimizer: str = "sgd"
    lr: float = 0.03
    reg: str = "none"
    regrate: float = 0.0
    seed: int = 1

    def to_dict(self) -> dict:
        d = asdict(self)
        d["features"] = list(self.features)
        d["hidden"] = list(self.hidden)
        return d

    def structure(self) -> tuple:
        return tuple(getattr(self, k) for k in STRUCTURAL)


def _int(name: str, raw, low: int, high: int) -> int:
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be an integer in [{low}, {high}]; received "
                          f"{name}={raw!r}") from None
    if not math.isfinite(v) or v != int(v) or not low <= v <= high:
        raise ConfigError(f"{name} must be an integer in [{low}, {high}]; received "
                          f"{name}={raw!r}")
    return int(v)


def _float(name: str, raw, low: float, high: float) -> float:
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number in [{low:g}, {high:g}]; received "
                          f"{name}={raw!r}") from None
    if not math.isfinite(v) or not low <= v <= high:
        raise ConfigError(f"{name} must be a number in [{low:g}, {high:g}]; received "
                          f"{name}={raw!r}")
    return v


def _choice(name: str, raw, allowed) -> str:
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; received "
                          f"{name}={str(raw)[:60]!r}")
    return raw


def _list(raw) -> list[str]:
    if isinstance(raw, (list, tuple)):
        return [str(v).strip() for v in raw]
    text = str(raw).strip()
    return [] if text == "" else [v.strip() for v in text.split(",")]


def parse_config(params, base: Config | None = None) -> Config:
    """Check ``params`` (a mapping of strings, or JSON values) and return the Config.

    Unknown keys are ignored (the page's own ones such as ``lang``); missing keys keep the
    values of ``base`` (the defaults).
    """
    c = base or Config()
    changes: dict = {}
    if not hasattr(params, "get"):
        raise ConfigError(f"the settings must be an object of name: value; received "
                          f"{type(params).__name__}")
    g = params.get
    if g("dataset") is not None:
        changes["dataset"] = _choice("dataset", g("dataset"), DATASETS)
    if g("noise") is not None:
        changes["noise"] = _int("noise", g("noise"), *LIMITS["noise"])
    if g("ratio") is not None:
        changes["ratio"] = _int("ratio", g("ratio"), *LIMITS["ratio"])
    if g("points") is not None:
        changes["points"] = _int("points", g("points"), *LIMITS["points"])
    if g("batch") is not None:
        changes["batch"] = _int("batch", g("batch"), *LIMITS["batch"])
    if g("features") is not None:
        feats = _list(g("features"))
        for f in feats:
            _choice("features", f, tuple(FEATURES))
        if not feats or len(set(feats)) != len(feats):
            raise ConfigError(f"features must be a non-empty comma list without repeats of "
                              f"{', '.join(FEATURES)}; received features={g('features')!r}")
        changes["features"] = tuple(f for f in FEATURES if f in feats)
    if g("hidden") is not None:
        sizes = _list(g("hidden"))
        if len(sizes) > LIMITS["layers"]:
            raise ConfigError(f"hidden must list at most {LIMITS['layers']} layers; received "
                              f"{len(sizes)} (hidden={str(g('hidden'))[:60]!r})")
        changes["hidden"] = tuple(_int("hidden", s, 1, LIMITS["units"]) for s in sizes)
    if g("activation") is not None:
        changes["activation"] = _choice("activation", g("activation"), ACTIVATIONS)
    if g("optimizer") is not None:
        changes["optimizer"] = _choice("optimizer", g("optimizer"), OPTIMIZERS)
    if g("lr") is not None:
        changes["lr"] = _float("lr", g("lr"), *LIMITS["lr"])
    if g("reg") is not None:
        changes["reg"] = _choice("reg", g("reg"), REGULARIZERS)
    if g("regrate") is not None:
        changes["regrate"] = _float("regrate", g("regrate"), *LIMITS["regrate"])
    if g("seed") is not None:
        changes["seed"] = _int("seed", g("seed"), *LIMITS["seed"])
    return replace(c, **changes)
