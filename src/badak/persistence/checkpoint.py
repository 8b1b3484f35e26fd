"""Training checkpoints: everything needed to resume a run exactly where it stopped.

A checkpoint is a model file (see :mod:`badak.persistence.model_file`) that also holds the
training state at an epoch boundary:

* the optimizer state (moment estimates, step count), so the next update is the one that would
  have come;
* ``epoch`` (epochs completed) and ``step`` (updates made);
* the state of the random generator(s) driving the run (shuffling, dropout), taken from
  ``Generator.bit_generator.state`` and stored as JSON, so that the next epoch draws the same
  shuffle it would have drawn;
* the history so far (``{'loss': [...], 'val_loss': [...]}``) and free-form metadata.

Saved atomically after every epoch, a checkpoint survives ``kill -9`` at any moment: the file under
the real name is always a complete one. Resuming from it and training to the end gives the same
weights, bit for bit, as a run that was never interrupted::

    ckpt = badak.load_checkpoint("run.npz")
    model = ckpt.model
    optimizer = badak.optim.Adam(model.parameters(), lr=1e-3)
    ckpt.restore_optimizer(optimizer)
    rng = ckpt.generator()                      # the shuffling generator, as it was
    loader = badak.data.DataLoader(x, y, batch_size=32, shuffle=True, rng=rng)
    for epoch in range(ckpt.epoch, epochs): ...

or, for a run of ``badak.fit`` with a ``ModelCheckpoint``,
``badak.fit(model, x, y, optimizer=optimizer, epochs=epochs, rng=rng, initial_epoch=ckpt.epoch)``.

Source: NumPy's documentation of ``BitGenerator.state`` ("Random Generator", numpy.random).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from badak._validation import check_bool, check_positive_int
from badak.i18n import N_
from badak.persistence.archive import ModelFileError, read_archive, write_archive
from badak.persistence.model_file import decode_model, decode_optimizer, encode_model, to_json

# The bit generators whose state can be stored; a name read from a file is looked up here only.
BIT_GENERATORS = {cls.__name__: cls for cls in (np.random.PCG64, np.random.PCG64DXSM,
                                                np.random.MT19937, np.random.Philox,
                                                np.random.SFC64)}


def _state_to_json(value):
    """A bit generator state as JSON: arrays (MT19937's key, Philox's counter) become lists."""
    if isinstance(value, dict):
        return {key: _state_to_json(v) for key, v in value.items()}
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.dtype.str, "data": value.tolist()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _state_from_json(value):
    if isinstance(value, dict):
        if "__ndarray__" in value:
            dtype = np.dtype(value["__ndarray__"])
            if dtype.kind not in "iu":
                raise ValueError(f"a generator state array must hold integers, not {dtype}")
            return np.array(value["data"], dtype=dtype)
        return {key: _state_from_json(v) for key, v in value.items()}
    return value


def _new_generator(state: dict) -> np.random.Generator:
    """A fresh Generator in ``state`` (raises ValueError/TypeError/KeyError on a bad state)."""
    name = state.get("bit_generator")
    if name not in BIT_GENERATORS:
        raise ValueError(f"unknown bit generator {name!r}; known: {sorted(BIT_GENERATORS)}")
    bit_generator = BIT_GENERATORS[name]()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def _capture(rng, rng_state) -> dict | None:
    """Header entry for the generator(s): from Generators (``rng``) or their states."""
    if rng is not None and rng_state is not None:
        raise TypeError("pass either rng (Generators) or rng_state (their bit_generator.state), "
                        "not both")
    if rng is None and rng_state is None:
        return None
    if rng is not None:
        single = isinstance(rng, np.random.Generator)
        generators = {"rng": rng} if single else rng
        if not isinstance(generators, Mapping) or not all(
                isinstance(k, str) and isinstance(g, np.random.Generator)
                for k, g in generators.items()):
            raise TypeError("rng must be a numpy.random.Generator, a dict of name -> Generator, "
                            f"or None; received rng of type {type(rng).__name__}")
        states = {key: g.bit_generator.state for key, g in generators.items()}
    else:
        if not isinstance(rng_state, Mapping):
            raise TypeError("rng_state must be a bit_generator.state dict, a dict of name -> "
                            f"such dicts, or None; received rng_state of type "
                            f"{type(rng_state).__name__}")
        single = isinstance(rng_state.get("bit_generator"), str)
        states = {"rng": rng_state} if single else dict(rng_state)
    for key, state in states.items():
        try:
            _new_generator(dict(state))
        except (TypeError, ValueError, KeyError) as e:
            raise ValueError(f"the generator {key!r} cannot be stored: its state is not one of "
                             f"{sorted(BIT_GENERATORS)} ({e})") from e
    return {"single": single,
            "states": {key: _state_to_json(state) for key, state in states.items()}}


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns: a model and the state of its training run.

    Attributes
    ----------
    model : badak.nn.Module
        The model, rebuilt and with its saved parameters.
    optimizer_state : dict or None
        For ``Optimizer.load_state_dict`` (see :meth:`restore_optimizer`); None if not saved.
    epoch : int
        Epochs completed when the checkpoint was written; resume with
        ``range(checkpoint.epoch, epochs)``.
    step : int
        Optimizer updates made so far.
    rng_state : dict or None
        ``bit_generator.state`` of the saved generator, or a dict name -> state when several were
        saved; None if none was.
    history : dict
        Per-epoch values so far, e.g. ``{'loss': [...], 'val_loss': [...]}``.
    metadata : dict
        The metadata passed to :func:`save_checkpoint`.
    """

    model: object
    optimizer_state: dict | None = None
    epoch: int = 0
    step: int = 0
    rng_state: dict | None = None
    history: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)

    def restore_optimizer(self, optimizer):
        """Load the saved optimizer state into ``optimizer`` (built on ``self.model``); return it.

        Raises
        ------
        ValueError
            If the checkpoint holds no optimizer state, or it does not fit ``optimizer``.
        """
        if self.optimizer_state is None:
            raise ValueError("this checkpoint holds no optimizer state; save it with "
                             "save_checkpoint(path, model, optimizer=...)")
        optimizer.load_state_dict(self.optimizer_state)
        return optimizer

    def _state(self, name: str | None) -> dict:
        if self.rng_state is None:
            raise ValueError("this checkpoint holds no random generator state; save it with "
                             "save_checkpoint(path, model, rng=...)")
        if isinstance(self.rng_state.get("bit_generator"), str):     # one generator's state
            if name is not None:
                raise ValueError(f"this checkpoint holds a single generator; received "
                                 f"name={name!r}, expected name=None")
            return self.rng_state
        if name not in self.rng_state:
            raise ValueError(f"name must be one of {sorted(self.rng_state)}; received "
                             f"name={name!r}")
        return self.rng_state[name]

    def generator(self, name: str | None = None) -> np.random.Generator:
        """A new Generator in the saved state (``name`` picks one when several were saved)."""
        return _new_generator(self._state(name))

    def restore_rng(self, rng: np.random.Generator, name: str | None = None
                    ) -> np.random.Generator:
        """Put ``rng`` back in the saved state, in place (loaders holding it follow); return it."""
        state = self._state(name)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator; received rng of type "
                            f"{type(rng).__name__}")
        if type(rng.bit_generator).__name__ != state["bit_generator"]:
            raise ValueError(f"rng must use the bit generator {state['bit_generator']} that was "
                             f"saved; received one using {type(rng.bit_generator).__name__}")
        rng.bit_generator.state = state
        return rng


def save_checkpoint(path: str | os.PathLike, model, optimizer=None, epoch: int = 0,
                    step: int = 0, rng=None, history=None, metadata: dict | None = None, *,
                    rng_state: dict | None = None, extra: dict | None = None) -> None:
    """Save a training checkpoint to one ``.npz`` file, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, used exactly as given.
    model : badak.nn.Module
    optimizer : badak.optim.Optimizer, optional
    epoch : int, default=0
        Epochs completed.
    step : int, default=0
        Optimizer updates made.
    rng : numpy.random.Generator or dict of str -> Generator, optional
        The generator(s) driving the run; call this at an epoch boundary so that their state is
        the one the next epoch starts from.
    history : dict or History, optional
        Per-epoch values so far (a ``History`` object's ``.history`` is used).
    metadata : dict, optional
        JSON-serialisable notes.
    rng_state : dict, optional
        Instead of ``rng``: the generator's ``bit_generator.state`` (or a dict name -> state),
        for a caller that holds the state rather than the generator.
    extra : dict, optional
        More JSON-serialisable notes, merged into ``metadata`` (``Checkpoint.metadata``).

    Raises
    ------
    TypeError
        If an argument has the wrong type or is not JSON-serialisable.
    ValueError
        If ``epoch`` or ``step`` is negative.
    """
    epoch = check_positive_int("epoch", epoch, allow_zero=True)
    step = check_positive_int("step", step, allow_zero=True)
    if history is not None and not isinstance(history, dict):
        history = getattr(history, "history", history)
        if not isinstance(history, dict):
            raise TypeError(f"history must be a dict, a History or None; received history of "
                            f"type {type(history).__name__}")
    if extra is not None:
        if not isinstance(extra, dict):
            raise TypeError(f"extra must be a dict or None; received extra of type "
                            f"{type(extra).__name__}")
        if metadata is not None and not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict or None; received metadata of type "
                            f"{type(metadata).__name__}")
        metadata = {**(metadata or {}), **extra}
    rng_entry = _capture(rng, rng_state)
    header, arrays = encode_model(model, optimizer, metadata)
    header["checkpoint"] = {
        "epoch": epoch,
        "step": step,
        "rng": rng_entry,
        "history": to_json("history", history or {}),
    }
    write_archive(path, header, arrays)


def _decode_rng(entry, where: str) -> dict | None:
    if entry is None:
        return None
    try:
        states = {key: _state_from_json(s) for key, s in entry["states"].items()}
        for state in states.values():
            _new_generator(state)          # a state that cannot be set is refused now
        return states["rng"] if entry["single"] is True else states
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, IndexError,
            MemoryError) as e:
        # e.g. an MT19937 key of 5 numbers instead of 624 (IndexError inside NumPy)
        raise ModelFileError(N_("{where}: its random generator state is malformed "
                                "({kind}: {error})"), where=where, kind=type(e).__name__,
                             error=e) from e


def load_checkpoint(path: str | os.PathLike, *, allow_nonfinite: bool = False) -> Checkpoint:
    """Load a checkpoint written by :func:`save_checkpoint` (or a model file from ``save``).

    Parameters
    ----------
    path : str or os.PathLike
    allow_nonfinite : bool, default=False
        Load parameters and optimizer state holding NaN or inf anyway (see :func:`badak.load`).

    Returns
    -------
    Checkpoint
        ``.model``, ``.optimizer_state``, ``.epoch``, ``.step``, ``.rng_state``, ``.history``,
        ``.metadata``; a plain model file gives epoch 0, step 0 and no generator state.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        If the file is truncated, corrupted, not a badak file, or does not fit its architecture.
    """
    where = os.fspath(path)
    allow_nonfinite = check_bool("allow_nonfinite", allow_nonfinite)
    header, arrays = read_archive(where)
    model = decode_model(header, arrays, where, allow_nonfinite)
    optimizer_state = decode_optimizer(header, arrays, where, allow_nonfinite)
    section = header.get("checkpoint") or {}
    metadata = header.get("metadata") or {}
    if not (isinstance(section, dict) and isinstance(metadata, dict)
            and isinstance(section.get("history", {}), dict)):
        raise ModelFileError(N_("{where}: its header's checkpoint or metadata entry is "
                                "malformed"), where=where)
    epoch, step = section.get("epoch", 0), section.get("step", 0)
    for name, value in (("epoch", epoch), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ModelFileError(N_("{where}: its header's {name} must be a non-negative "
                                    "integer; received {name}={value!r}"), where=where,
                                 name=name, value=value)
    rng_state = _decode_rng(section.get("rng"), where)
    return Checkpoint(model=model, optimizer_state=optimizer_state, epoch=epoch, step=step,
                      rng_state=rng_state, history=section.get("history", {}),
                      metadata=metadata)
