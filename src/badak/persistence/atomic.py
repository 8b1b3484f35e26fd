"""Atomic file writes: a crash never leaves a half-written file under the real name.

The bytes go to a temporary file in the same directory as the target; once they are all written
and flushed to the disk (``os.fsync``), :func:`os.replace` renames the temporary file onto the
real name. A rename within one directory is atomic on POSIX and on Windows, so a reader (or a
training run restarted after ``kill -9``) sees either the complete old file or the complete new
one, never a mixture. Finally the directory itself is fsynced, so that the rename survives a power
cut on file systems that need it.

The path is treated as ``open(path, "wb")`` would treat it, except for the atomicity:

* a symbolic link is followed, and its *target* is replaced (the link stays a link);
* an existing file keeps its permission bits (a ``0600`` file stays ``0600``); a new file gets
  ``0666`` minus the umask, as ``open`` gives;
* a path that is not a regular file (a directory, a device such as ``/dev/null``, a FIFO, a
  socket) is refused: renaming onto it would replace the device node itself.

If the process is killed between creating the temporary file and the rename, a hidden file named
``.<name>.badak-<host>-<pid>-<random>.tmp`` stays behind. The next save of the same path removes
such files when they are *provably* stale: written on this machine (``<host>``, a digest of the
host name, matches) by a process that no longer exists (``<pid>`` is not running). Age alone is
no proof (a slow save to a network disk can take minutes), and a process on another machine
sharing the directory cannot be checked, so those files are left alone. A reused pid only makes
a stale file look alive, which keeps it: the safe side.

Sources: the POSIX ``rename`` specification; the write-fsync-rename pattern described in the
documentation of SQLite ("Atomic Commit In SQLite") and of ext4's ``auto_da_alloc`` option.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
import stat
from collections.abc import Iterator
from typing import BinaryIO


def _host_tag() -> str:
    """A short digest of the host name: temporary files of other machines are never removed."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _temporary_pattern(name: str) -> re.Pattern:
    return re.compile(re.escape(f".{name}.badak-") + r"([0-9a-f]{8})-(\d+)-[0-9a-f]{12}\.tmp")


def _create_temporary(directory: str, name: str) -> tuple[str, int]:
    """Create a new, empty temporary file for ``name`` in ``directory``; return path and fd."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(directory, f".{name}.badak-{_host_tag()}-{os.getpid()}-"
                                            f"{secrets.token_hex(6)}.tmp")
        try:
            # mode 0o666 minus the user's umask: the same permissions open(path, 'wb') would give
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)                 # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True                     # exists (another user's), or cannot tell: keep it
    return True


def remove_stale_temporaries(path: str | os.PathLike) -> list[str]:
    """Remove the temporary files that killed saves of ``path`` left; return their paths.

    Only files of this machine whose writing process no longer exists are removed (see the
    module docstring). Does nothing on Windows, where a process cannot be probed safely.
    """
    if os.name == "nt":
        return []
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    pattern, host = _temporary_pattern(name), _host_tag()
    removed = []
    try:
        candidates = os.listdir(directory)
    except OSError:
        return []
    for entry in candidates:
        match = pattern.fullmatch(entry)
        if match is None or match.group(1) != host or _running(int(match.group(2))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, entry))
            removed.append(os.path.join(directory, entry))
    return removed


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


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "special file"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a binary file whose contents appear under ``path`` only if the block completes.

    Parameters
    ----------
    path : str or os.PathLike
        The file to (over)write. Its directory must exist. A symbolic link is followed (its
        target is replaced); an existing file keeps its permission bits.

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
    ValueError
        If ``path`` is a device, a FIFO or a socket: not a regular file, so it cannot be
        replaced atomically (and replacing ``/dev/null`` would break the system).

    Notes
    -----
    On any exception inside the block (including ``KeyboardInterrupt``) the temporary file is
    removed and the file already under ``path``, if any, is left untouched. Temporary files left
    by earlier saves of the same path that were killed are removed first (see the module
    docstring for which ones).

    Examples
    --------
    >>> with atomic_write("weights.npz") as f:          # doctest: +SKIP
    ...     f.write(data)
    """
    path = os.fspath(path)
    target = os.path.realpath(path)          # through symbolic links, as open(path, 'wb') goes
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: the directory {directory} does not exist")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        raise ValueError(f"cannot write {path}: it is a {_kind(mode)}, not a regular file; "
                         "badak saves by writing a new file and renaming it into place, which "
                         "would replace the device or pipe itself. Give the path of a file")
    remove_stale_temporaries(target)
    temporary, fd = _create_temporary(directory, os.path.basename(target))
    try:
        with open(fd, "wb") as f:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), stat.S_IMODE(mode))    # keep the existing file's bits
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)
