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
import os
import sys
from collections.abc import Sequence

import numpy as np

import badak
from badak.cli.commands import COMMANDS

__all__ = ["UsageError", "build_parser", "main"]

EXAMPLES = """examples:
  badak tour                          the whole lecture, report in ./badak-out/report.md
  badak tour --quick --out /tmp/t     the same in seconds, with tiny sizes
  badak perceptron --gate xor         the perceptron rule failing on XOR
  badak gd "x**2" --x0 3 --lr 0.1     gradient descent with the Taylor check
  badak graph "(x + y) * z" --var x=1 --var y=2 --var z=3
  badak boston --folds 4 --epochs 100 the Keras notebook's K-fold cross-validation
  badak train --data moons --hidden 16,16 --epochs 50
  badak predict badak-out/model.npz --data new.csv --output preds.csv
"""


class UsageError(Exception):
    """The command line itself is wrong (unknown option, bad value): argparse's error."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is raised (one line, handled by :func:`main`) instead of
    printing the usage and exiting."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``badak`` command with every subcommand."""
    parser = Parser(prog="badak", allow_abbrev=False,
                    description="Neural networks from the bottom up: the lecture's experiments, "
                                "runnable.",
                    epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"badak {badak.__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true",
                        help="no progress output (results are still printed)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for command in COMMANDS:
        p = sub.add_parser(command.NAME, help=command.HELP, description=command.DESCRIPTION,
                           parents=[common], allow_abbrev=False,
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           epilog=getattr(command, "EPILOG", None))
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    return parser


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror and error.filename:
        text = f"{error.strerror}: {error.filename!s}"
    else:
        text = str(error) or type(error).__name__
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
    code: 0 on success, 2 for a user error, 130 when interrupted."""
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except UsageError as e:
        print(f"badak: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help and --version exit through argparse
        return e.code if isinstance(e.code, int) else 0
    if args.command is None:
        parser.print_help(sys.stderr)
        print("badak: error: a command is required (see 'badak --help')", file=sys.stderr)
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
        # sizes are checked before allocating (badak.cli.memory); this is the last resort
        print(f"badak: error: out of memory: {_one_line(e)}", file=sys.stderr)
        return 2
    except (ValueError, OSError, ImportError) as e:
        # badak's errors name the argument, what was expected and what was received
        # (ValueError covers ExpressionError, ModelFileError, DivergenceError and UserError).
        print(f"badak: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("badak: interrupted", file=sys.stderr)
        return 130
