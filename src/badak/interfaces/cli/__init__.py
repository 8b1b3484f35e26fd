"""The ``badak`` command: the lecture's experiments from a terminal.

``badak tour`` runs the whole lecture and writes a Markdown report with its pictures; the other
subcommands run one idea each (``boston``, ``train``, ``predict``, ``perceptron``, ``gd``,
``graph``, ``activations``). ``badak COMMAND --help`` explains each.

The command is a thin layer over the library: every subcommand parses its options, calls
badak's functions and prints or saves what they return. :mod:`badak.interfaces.cli.app` builds the
parser and turns user errors into one line ``badak: error: ...`` with exit code 2;
:mod:`badak.interfaces.cli.commands` holds one module per subcommand.
"""

from badak.interfaces.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
