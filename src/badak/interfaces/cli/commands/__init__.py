"""The subcommands of ``badak``, one module each.

Every module defines ``NAME``, ``HELP`` (one line for ``badak --help``), ``DESCRIPTION``,
optionally ``EPILOG`` (examples), ``add_arguments(parser, _)`` and ``run(args) -> int``. The
texts are English, marked with ``N_`` for the Korean catalog (:mod:`badak.i18n`); the app
translates them and passes ``_`` (the translator of the help's language) for the options' help.
``run`` prints in ``args.lang`` and raises :class:`~badak.interfaces.cli.arguments.UserError` with
an ``N_`` template, which the app prints in the same language. Every command gets ``--lang`` from
the app unless it sets ``OWN_LANG = True`` and defines its own.
"""

from badak.interfaces.cli.commands import (
    activations,
    boston,
    gd,
    graph,
    perceptron,
    playground,
    predict,
    tour,
    train,
)

COMMANDS = (tour, boston, train, predict, perceptron, gd, graph, activations, playground)
"""In the order ``badak --help`` lists them: the lecture's order after the tour."""

__all__ = ["COMMANDS"]
