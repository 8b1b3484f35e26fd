"""Option types of the ``badak`` command and the error a user can cause.

Each ``parse_*`` function turns one option's text into a value or raises :class:`BadValue`
(an ``argparse.ArgumentTypeError``), which argparse reports as ``argument --lr: ...``; the app
turns that into the one-line ``badak: error: ...``.

Both errors keep their English message template (marked with ``N_`` for the Korean catalog)
apart from the values filled into it, so that the app can say the same thing in the user's
language: ``str(error)`` is English, :meth:`UserError.in_language` gives ``'ko'`` too. The
template-plus-values mixin and :class:`Phrase` live in :mod:`badak.i18n.localized`, where the
library's own errors (a corrupted model file, a refused formula) use them as well.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
from pathlib import Path

from badak.i18n import N_, translator
from badak.i18n.localized import Localized as _Localized
from badak.i18n.localized import Phrase

__all__ = ["BadValue", "Phrase", "UserError", "existing_file", "not_an_input", "output_dir",
           "output_file",
           "parse_assignment", "parse_int_list", "parse_name_list", "parse_nonnegative_float",
           "parse_nonnegative_int", "parse_number_list", "parse_positive_float",
           "parse_positive_int", "pictures_or_note", "require_matplotlib"]


class UserError(_Localized, ValueError):
    """Something the user asked for cannot be done (a missing file, a bad CSV, ...).

    ``UserError(N_("{path!r} does not exist"), path=p)``: the template is translated by
    :meth:`in_language`, the fields are not (wrap a field in :class:`Phrase` to translate it).
    """

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


class BadValue(_Localized, argparse.ArgumentTypeError):
    """The text of one option is not a valid value (argparse's ``ArgumentTypeError``)."""

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


def _parse_int(text: str, minimum: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadValue(N_("expected {expected}; received {text!r}"), expected=expected,
                       text=text) from None
    if value < minimum:
        raise BadValue(N_("expected {expected}; received {value}"), expected=expected,
                       value=value)
    return value


def parse_positive_int(text: str) -> int:
    """An integer >= 1."""
    return _parse_int(text, 1, Phrase(N_("a positive integer")))


def parse_nonnegative_int(text: str) -> int:
    """An integer >= 0 (a seed)."""
    return _parse_int(text, 0, Phrase(N_("an integer >= 0")))


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadValue(N_("expected a number; received {text!r}"), text=text) from None
    if not math.isfinite(value):
        raise BadValue(N_("expected a finite number; received {text!r}"), text=text)
    return value


def parse_positive_float(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    value = _finite(text)
    if value <= 0:
        raise BadValue(N_("expected a number > 0; received {text}"), text=text)
    return value


def parse_nonnegative_float(text: str) -> float:
    """A finite number >= 0 (a noise level)."""
    value = _finite(text)
    if value < 0:
        raise BadValue(N_("expected a number >= 0; received {text}"), text=text)
    return value


def parse_number_list(text: str) -> list[float]:
    """Comma-separated finite numbers: ``3`` or ``-7,2``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise BadValue(N_("expected numbers separated by commas, such as 3 or -7,2; "
                          "received {text!r}"), text=text)
    return [_finite(p) for p in parts]


def parse_int_list(text: str) -> list[int]:
    """Comma-separated positive integers, e.g. layer sizes ``64,64``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise BadValue(N_("expected positive integers separated by commas, such as 64,64; "
                          "received {text!r}"), text=text)
    return [parse_positive_int(p) for p in parts]


def parse_assignment(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` with a Python identifier and a finite number."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise BadValue(N_("expected NAME=VALUE, such as x=1.5; received {text!r}"), text=text)
    if not name.isidentifier():
        raise BadValue(N_("the name in NAME=VALUE must be an identifier such as x or price; "
                          "received {name!r}"), name=name)
    return name, _finite(value.strip())


def parse_name_list(text: str) -> list[str]:
    """Comma-separated column names: ``age,income``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise BadValue(N_("expected column names separated by commas, such as age,income; "
                          "received {text!r}"), text=text)
    return parts


def _kind(p: Path) -> Phrase:
    """What a path that is not a regular file is, in words."""
    mode = p.stat().st_mode
    for test, name in ((stat.S_ISDIR, N_("a folder")), (stat.S_ISCHR, N_("a character device")),
                       (stat.S_ISBLK, N_("a block device")), (stat.S_ISFIFO, N_("a pipe (FIFO)")),
                       (stat.S_ISSOCK, N_("a socket"))):
        if test(mode):
            return Phrase(name)
    return Phrase(N_("not a regular file"))


def existing_file(path: str | os.PathLike, what: str) -> Path:
    """``path`` as a Path, or a UserError when it is missing or not a regular file (a folder,
    ``/dev/zero``, a pipe: reading those would never end or fill the memory)."""
    p = Path(path)
    if not p.exists():
        raise UserError(N_("{what} {path!r} does not exist"), what=Phrase(what),
                        path=os.fspath(p))
    if not p.is_file():
        raise UserError(N_("{what} {path!r} is {kind}; expected a regular file"),
                        what=Phrase(what), path=os.fspath(p), kind=_kind(p))
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
            raise UserError(N_("{flag} {output!r} is {what} ({source!r}); writing it would "
                               "destroy it: choose another path"), flag=flag,
                            output=os.fspath(output), what=Phrase(what), source=os.fspath(source))
    return output


def require_matplotlib(what: str) -> None:
    """Raise a UserError when ``what`` (e.g. '--plot') needs matplotlib and it is missing."""
    from badak.lecture.tour import has_matplotlib

    if not has_matplotlib():
        raise UserError(N_("{what} needs matplotlib, which is not installed: "
                           "pip install 'badak[plot]'"), what=what)


def pictures_or_note(lang: str = "en") -> bool:
    """True when pictures can be drawn; otherwise print a note on stderr (in ``lang``) and
    return False."""
    import sys

    from badak.lecture.tour import has_matplotlib

    if has_matplotlib():
        return True
    _ = translator(lang)
    print("badak: " + _("note: no pictures: matplotlib is not installed (pip install "
                        "'badak[plot]')"), file=sys.stderr)
    return False


def output_dir(path: str | os.PathLike) -> Path:
    """The folder ``path``, created if needed, or a UserError when it is a file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UserError(N_("--out {path!r} is a file; expected a folder"), path=os.fspath(p))
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(N_("cannot create the folder {path!r}: {reason}"), path=os.fspath(p),
                        reason=e.strerror) from None
    return p


def output_file(path: str | os.PathLike) -> Path:
    """A file to write: its folder must exist and it must not be a folder."""
    p = Path(path)
    if p.is_dir():
        raise UserError(N_("{path!r} is a folder; expected a file name"), path=os.fspath(p))
    if not p.parent.is_dir():
        raise UserError(N_("the folder of {path!r} does not exist"), path=os.fspath(p))
    return p
