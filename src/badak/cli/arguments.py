"""Option types of the ``badak`` command and the error a user can cause.

Each ``parse_*`` function turns one option's text into a value or raises
``argparse.ArgumentTypeError``, which argparse reports as ``argument --lr: ...``; the app turns
that into the one-line ``badak: error: ...``.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
from pathlib import Path

__all__ = ["UserError", "existing_file", "not_an_input", "output_dir", "output_file",
           "parse_assignment", "parse_int_list", "parse_name_list", "parse_nonnegative_float",
           "parse_nonnegative_int", "parse_number_list", "parse_positive_float",
           "parse_positive_int", "pictures_or_note", "require_matplotlib"]


class UserError(ValueError):
    """Something the user asked for cannot be done (a missing file, a bad CSV, ...)."""


def _parse_int(text: str, minimum: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}; received {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {expected}; received {value}")
    return value


def parse_positive_int(text: str) -> int:
    """An integer >= 1."""
    return _parse_int(text, 1, "a positive integer")


def parse_nonnegative_int(text: str) -> int:
    """An integer >= 0 (a seed)."""
    return _parse_int(text, 0, "an integer >= 0")


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; received {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number; received {text!r}")
    return value


def parse_positive_float(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0; received {text}")
    return value


def parse_nonnegative_float(text: str) -> float:
    """A finite number >= 0 (a noise level)."""
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0; received {text}")
    return value


def parse_number_list(text: str) -> list[float]:
    """Comma-separated finite numbers: ``3`` or ``-7,2``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, such as 3 or "
                                         f"-7,2; received {text!r}")
    return [_finite(p) for p in parts]


def parse_int_list(text: str) -> list[int]:
    """Comma-separated positive integers, e.g. layer sizes ``64,64``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, "
                                         f"such as 64,64; received {text!r}")
    return [parse_positive_int(p) for p in parts]


def parse_assignment(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` with a Python identifier and a finite number."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, such as x=1.5; received {text!r}")
    if not name.isidentifier():
        raise argparse.ArgumentTypeError(f"the name in NAME=VALUE must be an identifier such as "
                                         f"x or price; received {name!r}")
    return name, _finite(value.strip())


def parse_name_list(text: str) -> list[str]:
    """Comma-separated column names: ``age,income``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise argparse.ArgumentTypeError(f"expected column names separated by commas, such as "
                                         f"age,income; received {text!r}")
    return parts


def _kind(p: Path) -> str:
    """What a path that is not a regular file is, in words."""
    mode = p.stat().st_mode
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def existing_file(path: str | os.PathLike, what: str) -> Path:
    """``path`` as a Path, or a UserError when it is missing or not a regular file (a folder,
    ``/dev/zero``, a pipe: reading those would never end or fill the memory)."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{what} {os.fspath(p)!r} does not exist")
    if not p.is_file():
        raise UserError(f"{what} {os.fspath(p)!r} is {_kind(p)}; expected a regular file")
    return p


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return os.path.realpath(a) == os.path.realpath(b)


def not_an_input(output: Path, flag: str, inputs: dict[str, Path]) -> Path:
    """``output`` unless it is (after symlinks) one of ``inputs`` ({what: path}): writing it
    would destroy that input, so a UserError names both."""
    for what, source in inputs.items():
        if _same_file(output, source):
            raise UserError(f"{flag} {os.fspath(output)!r} is {what} "
                            f"({os.fspath(source)!r}); writing it would destroy it: choose "
                            f"another path")
    return output


def require_matplotlib(what: str) -> None:
    """Raise a UserError when ``what`` (e.g. '--plot') needs matplotlib and it is missing."""
    from badak.tour import has_matplotlib

    if not has_matplotlib():
        raise UserError(f"{what} needs matplotlib, which is not installed: "
                        f"pip install 'badak[plot]'")


def pictures_or_note() -> bool:
    """True when pictures can be drawn; otherwise print a note on stderr and return False."""
    import sys

    from badak.tour import has_matplotlib

    if has_matplotlib():
        return True
    print("badak: note: no pictures: matplotlib is not installed (pip install 'badak[plot]')",
          file=sys.stderr)
    return False


def output_dir(path: str | os.PathLike) -> Path:
    """The folder ``path``, created if needed, or a UserError when it is a file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UserError(f"--out {os.fspath(p)!r} is a file; expected a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create the folder {os.fspath(p)!r}: {e.strerror}") from None
    return p


def output_file(path: str | os.PathLike) -> Path:
    """A file to write: its folder must exist and it must not be a folder."""
    p = Path(path)
    if p.is_dir():
        raise UserError(f"{os.fspath(p)!r} is a folder; expected a file name")
    if not p.parent.is_dir():
        raise UserError(f"the folder of {os.fspath(p)!r} does not exist")
    return p
