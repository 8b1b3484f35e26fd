"""Atomic file writes: a crash never leaves a half-written file under the real name.

The bytes go to a temporary file in the same directory as the target; once they are all written
and flushed to the disk (``os.fsync``), :func:`os.replace` renames the temporary file onto the
real name. A rename within one directory is atomic on POSIX and on Windows, so a reader (or a
training run restarted after ``kill -9``) sees either the complete old file or the complete new
one, never a mixture. Finally the directory itself is fsynced, so that the rename survives a power
cut on file systems that need it.

If the process is killed between creating the temporary file and the rename, a hidden file named
``.<name>.<random>.tmp`` may stay behind; it is never read and can be deleted.

Sources: the POSIX ``rename`` specification; the write-fsync-rename pattern described in the
documentation of SQLite ("Atomic Commit In SQLite") and of ext4's ``auto_da_alloc`` option.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import BinaryIO


def _create_temporary(directory: str, name: str) -> tuple[str, int]:
    """Create a new, empty ``.<name>.<random>.tmp`` in ``directory``; return its path and fd."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            # mode 0o666 minus the user's umask: the same permissions open(path, 'wb') would give
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _fsync_directory(directory: str) -> None:
    """Flush the directory entry (the rename) to disk where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:        # e.g. Windows, where directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a binary file whose contents appear under ``path`` only if the block completes.

    Parameters
    ----------
    path : str or os.PathLike
        The file to (over)write. Its directory must exist.

    Yields
    ------
    file : binary file object
        A temporary file in the same directory; write the whole contents to it.

    Raises
    ------
    FileNotFoundError
        If the directory of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.

    Notes
    -----
    On any exception inside the block (including ``KeyboardInterrupt``) the temporary file is
    removed and the file already under ``path``, if any, is left untouched.

    Examples
    --------
    >>> with atomic_write("weights.npz") as f:          # doctest: +SKIP
    ...     f.write(data)
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    temporary, fd = _create_temporary(directory, os.path.basename(path))
    try:
        with open(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)
