"""Saving and loading a model: ``badak.save(model, path)`` and ``badak.load(path)``.

A model file stores what is needed to rebuild the model and nothing that could run code:

* the **architecture** as JSON, ``badak.nn.module_to_config(model)``, e.g.
  ``{"class": "Linear", "config": {"in_features": 13, "out_features": 64, ...}}``, nested for
  ``Sequential`` and ``MLP``. Loading rebuilds it with ``badak.nn.module_from_config``, which only
  knows the module classes registered in ``badak.nn.MODULES``: a class name in a file is looked
  up there and never imported;
* the **parameters** (``model.state_dict()``) as arrays ``param/<name>``, e.g. ``param/0.weight``;
* optionally the **optimizer state** (``optimizer.state_dict()``): class name, hyperparameters and
  step count in the header, per-parameter arrays (momentum, squared-gradient averages) as
  ``optim/<key>``;
* free-form JSON ``metadata`` (data set, scaler statistics, notes).

See :mod:`badak.persistence.archive` for the container and its checks, and
:mod:`badak.persistence.checkpoint` for training checkpoints. The design follows the "safe
serialisation" argument of the safetensors project (Hugging Face): weights as plain arrays plus a
JSON header, so that loading a file can never execute code.
"""

from __future__ import annotations

import inspect
import json
import os

import numpy as np

import badak
from badak import nn
from badak._validation import check_bool
from badak.engine.random import default_generator
from badak.i18n import N_
from badak.i18n.localized import Phrase
from badak.persistence.archive import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ModelFileError,
    read_archive,
    write_archive,
)


def _plain(value):
    """``json.dumps`` fallback: NumPy scalars and arrays as Python numbers and lists."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"a value of type {type(value).__name__} is not JSON-serialisable")


def to_json(name: str, value) -> object:
    """Return ``value`` as plain JSON data (lists, dicts, numbers, strings), or raise TypeError."""
    try:
        return json.loads(json.dumps(value, default=_plain, allow_nan=True))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must be JSON-serialisable (dicts, lists, strings, numbers, "
                        f"bools, None); received {name} with {e}") from e


def _manifest(arrays: dict[str, np.ndarray]) -> list[dict]:
    return [{"name": name, "shape": list(a.shape), "dtype": str(a.dtype)}
            for name, a in arrays.items()]


def _check_rebuildable(architecture: dict) -> None:
    """Refuse, at save time, a module whose config its class cannot be rebuilt from.

    A registered class without ``get_config`` stores ``{}``; rebuilding it would call the
    constructor without its required arguments, and the file could never be loaded. Classes
    with their own ``from_config`` (containers) are trusted to read what they wrote.
    """
    stack = [architecture]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
            cls = nn.MODULES.get(value.get("class"))
            args = value.get("config")
            if cls is None or not isinstance(args, dict) or \
                    getattr(cls.from_config, "__func__", None) is not \
                    nn.Module.from_config.__func__:
                continue
            try:
                inspect.signature(cls.__init__).bind(None, **args)
            except TypeError as e:
                raise TypeError(
                    f"{cls.__name__} cannot be saved: a saved model is rebuilt as "
                    f"{cls.__name__}(**get_config()), and its get_config() returns {args!r}, "
                    f"which {cls.__name__}.__init__ does not accept ({e}). Implement "
                    f"{cls.__name__}.get_config() to return its constructor arguments") from e


def encode_model(model, optimizer=None, metadata: dict | None = None
                 ) -> tuple[dict, dict[str, np.ndarray]]:
    """Return ``(header, arrays)`` describing ``model`` and optionally ``optimizer``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a badak.nn.Module; received model of type "
                        f"{type(model).__name__}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict or None; received metadata of type "
                        f"{type(metadata).__name__}")
    architecture = to_json("the model's configuration", nn.module_to_config(model))
    _check_rebuildable(architecture)
    # native byte order (a parameter made big-endian by hand is stored as its values)
    params = {name: np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("="))
              for name, a in model.state_dict().items()}
    frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "badak_version": badak.__version__,
        "architecture": architecture,
        "training": bool(model.training),
        "parameters": _manifest(params),
        "frozen": frozen,
        "metadata": to_json("metadata", metadata or {}),
        "optimizer": None,
        "checkpoint": None,
    }
    arrays = {f"param/{name}": a for name, a in params.items()}
    if optimizer is not None:
        if not callable(getattr(optimizer, "state_dict", None)):
            raise TypeError(f"optimizer must be a badak.optim.Optimizer or None; received "
                            f"optimizer of type {type(optimizer).__name__}")
        sd = dict(optimizer.state_dict())
        state = {key: np.array(a) for key, a in sd.pop("state").items()}
        # class, hyperparameters, step_count (and whatever else is JSON) go in the header
        header["optimizer"] = {**to_json("the optimizer's state_dict", sd),
                               "state": _manifest(state)}
        arrays.update({f"optim/{key}": a for key, a in state.items()})
    return header, arrays


def _entries(header: dict, where: str) -> dict[str, dict]:
    """The arrays the header lists: entry name -> {"name", "shape", "dtype"}."""
    listed = {}
    optimizer = header.get("optimizer")
    if optimizer is not None and not isinstance(optimizer, dict):
        raise ModelFileError(N_("{where}: the header's 'optimizer' must be an object or null"),
                             where=where)
    for prefix, items in (("param/", header.get("parameters")),
                          ("optim/", (optimizer or {}).get("state", []))):
        if not isinstance(items, list) or not all(
                isinstance(item, dict) and isinstance(item.get("name"), str)
                and isinstance(item.get("shape"), list) for item in items):
            raise ModelFileError(N_("{where}: the header's list of {kind} arrays is malformed "
                                    "(expected a list of {{name, shape, dtype}} objects)"),
                                 where=where, kind=prefix[:-1])
        listed.update({prefix + item["name"]: item for item in items})
    return listed


def check_entries(header: dict, arrays: dict[str, np.ndarray], where: str) -> None:
    """Check that the archive holds exactly the arrays its header lists, with their shapes."""
    listed = _entries(header, where)
    missing = [name for name in listed if name not in arrays]
    if missing:
        raise ModelFileError(N_("{where} is truncated or corrupted: the arrays {missing} listed "
                                "in its header are missing"), where=where, missing=missing)
    unexpected = [name for name in arrays if name not in listed]
    if unexpected:
        raise ModelFileError(N_("{where} is corrupted: it holds arrays {unexpected} that its "
                                "header does not list"), where=where, unexpected=unexpected)
    for name, item in listed.items():
        a = arrays[name]
        if list(a.shape) != item["shape"] or str(a.dtype) != item.get("dtype"):
            raise ModelFileError(N_("{where} is corrupted: array {name!r} has shape {shape} and "
                                    "dtype {dtype}, but the header lists shape {listed_shape} "
                                    "and dtype {listed_dtype}"), where=where, name=name,
                                 shape=a.shape, dtype=a.dtype,
                                 listed_shape=tuple(item["shape"]),
                                 listed_dtype=item.get("dtype"))


def _objects(config) -> list[dict]:
    """Every JSON object anywhere in a nested architecture config (walked without recursion, so
    a deeply nested forgery cannot exhaust the stack)."""
    found, stack = [], [config]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.append(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _check_finite(arrays: dict[str, np.ndarray], what: Phrase, where: str) -> None:
    """Refuse NaN or inf in ``arrays``: such a model predicts nonsense without an error."""
    for name, a in arrays.items():
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            bad = int(a.size - np.count_nonzero(np.isfinite(a)))
            raise ModelFileError(
                N_("{where}: {what} {name!r} holds {bad} NaN or infinite value(s) out of "
                   "{size}; such a model gives meaningless predictions. Pass "
                   "allow_nonfinite=True to load it anyway (to inspect it)"),
                where=where, what=what, name=name, bad=bad, size=a.size)


# A file whose architecture declares much more than it stores is refused before anything is
# built: building allocates (and draws) every weight first, so a forged header asking for tens
# of gigabytes would exhaust memory before the shape check could object.
_SLACK = 1 << 20


def decode_model(header: dict, arrays: dict[str, np.ndarray], where: str,
                 allow_nonfinite: bool = False):
    """Rebuild the module described by ``header`` and load its ``param/`` arrays into it."""
    check_entries(header, arrays, where)
    architecture = header.get("architecture")
    if not isinstance(architecture, dict) or not isinstance(architecture.get("class"), str):
        raise ModelFileError(N_("{where}: the header holds no architecture (expected an object "
                                "like {{'class': 'Sequential', 'config': {{...}}}})"),
                             where=where)
    objects = _objects(architecture)
    unknown = sorted({obj["class"] for obj in objects
                      if isinstance(obj.get("class"), str) and obj["class"] not in nn.MODULES})
    if unknown:
        raise ModelFileError(
            N_("{where}: its architecture uses the module class(es) {unknown}, which are not "
               "registered badak modules (known: {known}); badak only builds registered "
               "classes and never imports names found in a file"),
            where=where, unknown=unknown, known=", ".join(sorted(nn.MODULES)))
    stored = sum(a.size for name, a in arrays.items() if name.startswith("param/"))
    # Building the layers draws initial weights; put badak's default generator back afterwards,
    # so that loading a model does not shift the random stream of the script that loads it.
    saved_state = default_generator().bit_generator.state
    try:
        declared = nn.registry.declared_parameter_count(architecture)
        if declared > 4 * stored + _SLACK:
            raise ModelFileError(N_("{where}: its architecture declares parameters of "
                                    "{declared:,} numbers, but the file stores only {stored:,} "
                                    "parameter values; it is refused before anything is "
                                    "built"), where=where, declared=declared, stored=stored)
        with np.errstate(all="ignore"):     # initial weights, overwritten by the file's below
            model = nn.module_from_config(architecture)
    except ModelFileError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError, OverflowError) as e:
        raise ModelFileError(N_("{where}: its architecture cannot be built: {error}"),
                             where=where, error=e) from e
    except MemoryError as e:
        raise ModelFileError(N_("{where}: its architecture needs more memory than is available "
                                "({error})"), where=where, error=e) from e
    finally:
        default_generator().bit_generator.state = saved_state

    saved = {name[len("param/"):]: a for name, a in arrays.items() if name.startswith("param/")}
    if not allow_nonfinite:
        _check_finite(saved, Phrase(N_("parameter")), where)
    needed = model.state_dict()
    missing = [name for name in needed if name not in saved]
    if missing:
        raise ModelFileError(N_("{where}: the architecture needs the parameters {missing}, "
                                "which the file does not hold"), where=where, missing=missing)
    unexpected = [name for name in saved if name not in needed]
    if unexpected:
        raise ModelFileError(N_("{where}: the file holds the parameters {unexpected}, which the "
                                "architecture does not have"), where=where,
                             unexpected=unexpected)
    own = dict(model.named_parameters())
    for name, a in saved.items():
        if a.shape != needed[name].shape:
            raise ModelFileError(N_("{where}: parameter {name!r} has shape {shape} in the file "
                                    "but the architecture needs {needed}"), where=where,
                                 name=name, shape=a.shape, needed=needed[name].shape)
        if name in own and a.dtype.kind != "f":
            raise ModelFileError(N_("{where}: parameter {name!r} has dtype {dtype} in the file; "
                                    "parameters are floating point"), where=where, name=name,
                                 dtype=a.dtype)
    frozen = header.get("frozen", [])
    if not (isinstance(frozen, list) and all(name in own for name in frozen)):
        raise ModelFileError(N_("{where}: the header's 'frozen' entry must list parameter "
                                "names; received {frozen}"), where=where,
                             frozen=str(frozen)[:200])
    # Each parameter takes the dtype it was saved with (a model can mix float32 and float64);
    # the arrays were read into fresh memory, so the parameters own them.
    for name, p in own.items():
        p.data = saved[name]
        p.grad = None
        p.requires_grad = name not in frozen
    buffers = {name: a for name, a in saved.items() if name not in own}
    if buffers:
        try:
            model.load_state_dict({**{n: p.data for n, p in own.items()}, **buffers})
        except (TypeError, ValueError, KeyError) as e:
            raise ModelFileError(N_("{where}: its arrays do not fit the architecture: {error}"),
                                 where=where, error=e) from e
    model.train(bool(header.get("training", False)))
    return model


def decode_optimizer(header: dict, arrays: dict[str, np.ndarray], where: str,
                     allow_nonfinite: bool = False) -> dict | None:
    """The optimizer state dict stored in the file (for ``Optimizer.load_state_dict``), or None."""
    optimizer = header.get("optimizer")
    if optimizer is None:
        return None
    if not (isinstance(optimizer.get("class"), str)
            and isinstance(optimizer.get("hyperparameters"), dict)
            and isinstance(optimizer.get("step_count"), int)):
        raise ModelFileError(N_("{where}: the header's optimizer entry is malformed (expected "
                                "'class', 'hyperparameters' and 'step_count')"), where=where)
    arrays = {item["name"]: arrays["optim/" + item["name"]] for item in optimizer["state"]}
    if not allow_nonfinite:
        _check_finite(arrays, Phrase(N_("optimizer state array")), where)
    return {**{k: v for k, v in optimizer.items() if k != "state"}, "state": arrays}


def save(model, path: str | os.PathLike, optimizer=None, metadata: dict | None = None) -> None:
    """Save ``model`` (architecture and parameters) to one ``.npz`` file, atomically.

    Parameters
    ----------
    model : badak.nn.Module
        A model built from registered badak modules (``Sequential``, ``MLP``, ``Linear``, ...).
    path : str or os.PathLike
        The file to write, used exactly as given (``.npz`` is the customary suffix, not added).
        An existing file is replaced only once the new one is completely written.
    optimizer : badak.optim.Optimizer, optional
        Also store its state (hyperparameters, step count, moment estimates), readable with
        :func:`badak.load_checkpoint`.
    metadata : dict, optional
        JSON-serialisable notes stored alongside (NumPy scalars and arrays become numbers and
        lists).

    Raises
    ------
    TypeError
        If ``model`` is not a badak module, ``metadata`` is not JSON-serialisable, or a module
        could not be rebuilt from its config (a registered custom module without
        ``get_config``): refused now rather than when the file is loaded.
    FileNotFoundError
        If the directory of ``path`` does not exist.
    IsADirectoryError, ValueError
        If ``path`` is a directory, or a device, FIFO or socket (see
        :func:`~badak.persistence.atomic_write`).

    Examples
    --------
    >>> model = badak.nn.MLP([13, 64, 64, 1])          # doctest: +SKIP
    >>> badak.save(model, "boston.npz")
    >>> same = badak.load("boston.npz")
    """
    header, arrays = encode_model(model, optimizer, metadata)
    write_archive(path, header, arrays)


def load(path: str | os.PathLike, *, allow_nonfinite: bool = False):
    """Load a model saved with :func:`save` (or :func:`save_checkpoint`).

    The architecture is rebuilt from registered badak module classes only, the parameters are
    checked against it (names, shapes, dtypes) and loaded with the dtype they were saved with,
    frozen parameters (``requires_grad=False``) come back frozen, and the train/eval mode is
    restored. No code from the file is ever executed. Loading does not consume numbers from
    badak's default random generator, and uses memory of about the size of the file plus the
    model, whatever sizes a damaged or forged file claims.

    Parameters
    ----------
    path : str or os.PathLike
    allow_nonfinite : bool, default=False
        A file whose parameters hold NaN or inf (a diverged run) is refused by default, since
        such a model predicts nonsense; pass True to load it anyway, to inspect it.

    Returns
    -------
    model : badak.nn.Module

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        If the file is not a badak model file (a pickle, say), is truncated or corrupted, its
        parameters do not fit its architecture or are not finite; the message says which.
    """
    where = os.fspath(path)
    allow_nonfinite = check_bool("allow_nonfinite", allow_nonfinite)
    header, arrays = read_archive(where)
    return decode_model(header, arrays, where, allow_nonfinite)
