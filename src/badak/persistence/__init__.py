"""Saving models and training checkpoints in a safe, atomic file format.

``badak.save(model, "model.npz")`` writes the architecture (as JSON) and the parameters (as plain
arrays) into one ``.npz`` file; ``badak.load("model.npz")`` rebuilds the model. Checkpoints add the
optimizer state, the epoch and the random generators' state, so that an interrupted run resumes
exactly. The files contain no pickles: loading one never runs code, and a truncated, corrupted or
mismatched file raises :class:`ModelFileError` saying what is wrong. Every write goes to a
temporary file first and is renamed into place, so a crash never leaves a half-written file.

Files: ``atomic.py`` (the write-fsync-rename), ``zipreader.py`` (the zip layer, every offset
checked before any data is read), ``archive.py`` (the ``.npz`` container and its checks),
``model_file.py`` (``save`` / ``load``), ``checkpoint.py`` (training checkpoints),
``cli_metadata.py`` (the preprocessing ``badak train`` stores, checked against the model).
"""

from badak.persistence.archive import ModelFileError
from badak.persistence.atomic import atomic_write
from badak.persistence.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from badak.persistence.cli_metadata import validated_cli_metadata
from badak.persistence.model_file import load, save

__all__ = ["Checkpoint", "ModelFileError", "atomic_write", "load", "load_checkpoint", "save",
           "save_checkpoint", "validated_cli_metadata"]
