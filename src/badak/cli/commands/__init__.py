"""The subcommands of ``badak``, one module each.

Every module defines ``NAME``, ``HELP`` (one line for ``badak --help``), ``DESCRIPTION``,
optionally ``EPILOG`` (examples), ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from badak.cli.commands import (
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
