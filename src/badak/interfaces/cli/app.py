"""The ``badak`` command's parser and its error handling.

``main(argv)`` parses the arguments, runs the chosen subcommand and returns the exit code. A
mistake of the user (an unknown option, a bad value, a missing file, a malformed CSV, an
expression outside the safe subset, a diverging run) is printed as one line::

    badak: error: argument --lr: expected a number > 0; received -1

on stderr, without a traceback, and gives exit code 2; so does ``badak`` without a command
(after printing the usage). Progress goes to stderr and can be silenced with ``--quiet``;
results go to stdout. When the reader of stdout goes away (``badak perceptron | head -1``), the
command ends quietly with exit code 0, as the Python documentation recommends for a closed
pipe (note on SIGPIPE in the ``signal`` module's page).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import unicodedata
from collections.abc import Sequence

import numpy as np

import badak
from badak.i18n import LANGUAGES, N_, check_language, language_from_env, translator
from badak.i18n.localized import Localized
from badak.interfaces.cli.arguments import BadValue
from badak.interfaces.cli.commands import COMMANDS

__all__ = ["UsageError", "build_parser", "language_in", "main"]

EXAMPLES = N_("""examples:
  badak tour                          the whole lecture, report in ./badak-out/report.md
  badak tour --quick --out /tmp/t     the same in seconds, with tiny sizes
  badak perceptron --gate xor         the perceptron rule failing on XOR
  badak gd "x**2" --x0 3 --lr 0.1     gradient descent with the Taylor check
  badak graph "(x + y) * z" --var x=1 --var y=2 --var z=3
  badak boston --folds 4 --epochs 100 the Keras notebook's K-fold cross-validation
  badak train --data moons --hidden 16,16 --epochs 50
  badak predict badak-out/model.npz --data new.csv --output preds.csv
The language (--lang en or ko) defaults to Korean when LC_ALL, LC_MESSAGES or LANG asks for it
(ko_KR.UTF-8); --lang works before or after the command.""")

# argparse's own messages (its 'argparse' gettext domain has no Korean catalog): the English
# patterns of Python's argparse, each mapped to a message of badak's catalog.
ARGPARSE_MESSAGES = (
    (r"argument (?P<argument>.+?): (?P<message>.+)", N_("argument {argument}: {message}")),
    (r"the following arguments are required: (?P<arguments>.+)",
     N_("the following arguments are required: {arguments}")),
    (r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
     N_("invalid choice: {value} (choose from {choices})")),
    (r"unrecognized arguments: (?P<arguments>.+)", N_("unrecognized arguments: {arguments}")),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"not allowed with argument (?P<argument>.+)", N_("not allowed with argument {argument}")),
    (r"ambiguous option: (?P<option>.+?) could match (?P<matches>.+)",
     N_("ambiguous option: {option} could match {matches}")),
    (r"invalid (?P<type>\w+) value: (?P<value>.+)", N_("invalid {type} value: {value}")),
)


def translate_argparse(message: str, lang: str) -> str:
    """``message`` of argparse in ``lang``: the first pattern of :data:`ARGPARSE_MESSAGES`
    that matches it whole is translated (an inner message after ``argument X:`` too)."""
    if lang == "en":
        return message
    _ = translator(lang)
    for pattern, template in ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            fields = match.groupdict()
            if "message" in fields:
                fields["message"] = translate_argparse(fields["message"], lang)
            return _(template).format(**fields)
    return message


def language_in(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv`` (before or after the command; the last one wins,
    as in argparse), if it is a valid one; the parser reads it again (and reports a bad one),
    but the help and the errors must speak the language before parsing."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in LANGUAGES:
            found = value
    return found


class UsageError(Exception):
    """The command line itself is wrong (unknown option, bad value): argparse's error."""


def _columns(text: str) -> int:
    """The columns ``text`` takes in a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """``text``'s words in lines of at most ``width`` terminal columns (a longer word alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _columns(lines[-1]) + 1 + _columns(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    """argparse's formatter that keeps the descriptions' line breaks and says 'usage:' in
    ``lang``; outside English it wraps the options' help by terminal columns, not by
    characters (a Hangul syllable is two columns wide)."""
    _ = translator(lang)
    usage_prefix = _("usage: ")

    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102
            super().add_usage(usage, actions, groups,
                              usage_prefix if prefix is None else prefix)

        if lang != "en":   # English keeps argparse's own wrapping, unchanged
            def _split_lines(self, text, width):
                return _wrap(text, width)

    return Formatter


class Parser(argparse.ArgumentParser):
    """argparse in ``lang``: an error is raised (one line, handled by :func:`main`) instead of
    printing the usage and exiting; the help's headings, the errors of argparse and those of
    badak's option types (:class:`~badak.interfaces.cli.arguments.BadValue`) are translated."""

    def __init__(self, *args, lang: str = "en", **kwargs) -> None:
        _ = translator(lang)
        kwargs.setdefault("formatter_class", _formatter(lang))
        super().__init__(*args, add_help=False, allow_abbrev=False, **kwargs)
        self.lang = lang
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help and exit"))

    def add_argument(self, *args, **kwargs):  # noqa: D102 - argparse's method
        convert = kwargs.get("type")
        if callable(convert):
            kwargs["type"] = self._translating(convert)
        return super().add_argument(*args, **kwargs)

    def _translating(self, convert):
        lang = self.lang

        @functools.wraps(convert)
        def wrapper(text):
            try:
                return convert(text)
            except BadValue as e:
                raise argparse.ArgumentTypeError(e.in_language(lang)) from None

        return wrapper

    def error(self, message: str):  # noqa: D102 - argparse's hook
        _ = translator(self.lang)
        text = _("{message} (see '{prog} --help')")
        raise UsageError(text.format(message=translate_argparse(message, self.lang),
                                     prog=self.prog))


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The parser of the ``badak`` command with every subcommand, in ``lang`` ('en' or 'ko';
    default: the locale's, see :func:`badak.i18n.language_from_env`).

    Every subcommand has ``--lang`` (the language of its output), and so has ``badak`` itself
    (``badak --lang ko train ...``); all default to ``lang``.
    """
    explicit = lang is not None
    lang = check_language(lang) if explicit else language_from_env()
    _ = translator(lang)
    parser = Parser(prog="badak", lang=lang,
                    description=_("Neural networks from the bottom up: the lecture's "
                                  "experiments, runnable."),
                    epilog=_(EXAMPLES))
    parser.add_argument("--version", action="version", version=f"badak {badak.__version__}",
                        help=_("show the version and exit"))
    language = _("language of the output and of the help: en or ko (default: the locale's, "
                 "here {lang})").format(lang=language_from_env())
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=language)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))
    for command in COMMANDS:
        p = sub.add_parser(command.NAME, help=_(command.HELP), lang=lang,
                           description=_(command.DESCRIPTION),
                           epilog=_(command.EPILOG) if getattr(command, "EPILOG", None)
                           else None)
        p.add_argument("-q", "--quiet", action="store_true",
                       help=_("no progress output (results are still printed)"))
        command.add_arguments(p, _)
        if not getattr(command, "OWN_LANG", False):
            p.add_argument("--lang", choices=LANGUAGES, default=lang, help=language)
        if explicit:   # 'badak --lang ko COMMAND': the subcommand's default must not undo it
            p.set_defaults(lang=lang)
        p.set_defaults(run=command.run)
    return parser


def _one_line(error: BaseException, text: str | None = None) -> str:
    """``error`` (or its message ``text``) on one line."""
    if isinstance(error, OSError) and error.strerror and error.filename:
        text = f"{error.strerror}: {error.filename!s}"
    else:
        text = (str(error) if text is None else text) or type(error).__name__
    return " ".join(text.split())


def _silence_stdout() -> None:
    """After a BrokenPipeError: point stdout at devnull, so that Python's flush at exit does
    not fail again (the recipe of the Python documentation, ``signal`` module, "Note on
    SIGPIPE")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``badak`` command with ``argv`` (``sys.argv[1:]`` by default); return the exit
    code: 0 on success, 2 for a user error, 130 when interrupted.

    The help and the messages speak ``--lang`` (wherever it is on the line) or else the
    locale's language. badak's own errors (:class:`~badak.interfaces.cli.arguments.UserError`) are
    translated; an error raised by the library outside the command line (a malformed model
    file, a diverging run) is printed in English.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    explicit = language_in(argv)
    lang = explicit or language_from_env()
    _ = translator(lang)
    parser = build_parser(explicit)
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print("badak: " + _("error: {message}").format(message=_one_line(e)), file=sys.stderr)
        return 2
    except SystemExit as e:  # --help and --version exit through argparse
        return e.code if isinstance(e.code, int) else 0
    if args.command is None:
        parser.print_help(sys.stderr)
        print("badak: " + _("error: {message}").format(
            message=_("a command is required (see 'badak --help')")), file=sys.stderr)
        return 2
    try:
        # Overflow in a diverging run is detected and reported by badak (one line); NumPy's
        # own RuntimeWarnings about it would only add noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except MemoryError as e:
        # sizes are checked before allocating (badak.interfaces.cli.memory); this is the last resort
        print("badak: " + _("error: {message}").format(
            message=_("out of memory") + ": " + _one_line(e)), file=sys.stderr)
        return 2
    except (ValueError, OSError, ImportError) as e:
        # badak's errors name the argument, what was expected and what was received
        # (ValueError covers ExpressionError, ModelFileError, DivergenceError and UserError,
        # which all say it in the user's language).
        text = e.in_language(lang) if isinstance(e, Localized) else str(e)
        print("badak: " + _("error: {message}").format(message=_one_line(e, text)),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("badak: " + _("interrupted"), file=sys.stderr)
        return 130
