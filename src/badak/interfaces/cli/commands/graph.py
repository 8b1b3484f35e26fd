"""``badak graph``: the backward trace and the picture of any arithmetic expression."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from badak.i18n import N_, translator
from badak.i18n.localized import Localized
from badak.interfaces.cli.arguments import Phrase, UserError, output_dir, parse_assignment

NAME = "graph"
HELP = N_("trace backpropagation through a formula and draw its graph")
DESCRIPTION = N_("""Build the computational graph of a formula for the given variable values, then
print the backward trace: for every node, its inputs and output, the upstream gradient, the
local gradient of each input and the gradient passed back (upstream x local). The graph is
written as Graphviz DOT text (NAME.dot) and drawn as SVG or PNG: by Graphviz when its 'dot'
program is installed, else by badak's own layout (PNG then needs matplotlib). The formula is
parsed safely (never evaluated as Python).""")
EPILOG = N_("""examples:
  badak graph "apple * count * tax" --var apple=100 --var count=2 --var tax=1.1
  badak graph "sigmoid(w*x + b)" --var w=2 --var x=1 --var b=-1 --format png""")


def _in_language(error: BaseException, lang: str) -> str:
    """badak's own errors in ``lang``; others (an ImportError) as they are."""
    return error.in_language(lang) if isinstance(error, Localized) else str(error)


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("expr", metavar="EXPR", help=_("the formula, e.g. \"(x + y) * z\""))
    parser.add_argument("--var", type=parse_assignment, action="append", default=[],
                        metavar="NAME=VALUE",
                        help=_("a variable and its value (repeat for each)"))
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help=_("folder for the files (default: ./badak-out)"))
    parser.add_argument("--format", choices=("svg", "png", "dot"), default="svg",
                        help=_("picture format; 'dot' writes only the DOT text (default: svg)"))
    parser.add_argument("--name", default="graph",
                        help=_("file name without extension (default: graph)"))


def run(args: argparse.Namespace) -> int:
    from badak.lecture.explain import trace
    from badak.lecture.expr import ExpressionError, parse
    from badak.lecture.viz import GraphvizNotFoundError, draw_graph

    names = [name for name, _ in args.var]
    duplicate = {n for n in names if names.count(n) > 1}
    if duplicate:
        raise UserError(N_("--var gives {name!r} more than once"), name=sorted(duplicate)[0])
    if not args.name or os.sep in args.name or args.name in (".", ".."):
        raise UserError(N_("--name must be a plain file name without folders; received "
                           "{name!r}"), name=args.name)
    try:
        expression = parse(args.expr, names)
    except ExpressionError as err:
        hint = Phrase(N_(" (declare each variable with --var NAME=VALUE)")) \
            if "unknown name" in str(err) else ""
        raise UserError(N_("the expression {expr!r} is refused: {error}{hint}"),
                        expr=args.expr, error=err, hint=hint) from None
    except ValueError as err:  # a variable named like a function
        raise UserError(N_("--var: {error}"), error=err) from None
    result = expression.evaluate(**dict(args.var))
    if not result.requires_grad:
        raise UserError(N_("the expression {expr!r} uses no variable given with --var: there "
                           "is no gradient to trace"), expr=args.expr)
    if result.creator is not None:
        result.name = "out"
    text = trace(result).to_text(args.lang)
    out = output_dir(args.out)
    print(text)
    drawing = draw_graph(result)
    dot_path = out / f"{args.name}.dot"
    dot_path.write_text(drawing.dot, encoding="utf-8")
    _ = translator(args.lang)
    print(_("graph (DOT): {path}").format(path=dot_path))
    if args.format != "dot":
        picture = out / f"{args.name}.{args.format}"
        try:
            drawing.render(picture)
        except (GraphvizNotFoundError, ImportError) as err:
            print("badak: " + _("note: no {format} picture: {error}; the DOT text is in "
                                "{path}").format(format=args.format.upper(),
                                                 error=_in_language(err, args.lang),
                                                 path=dot_path), file=sys.stderr)
            return 0
        except RuntimeError as err:
            if isinstance(err, Localized):      # Graphviz failed: badak's words around its own
                template, fields = err.template, err.fields
                raise UserError(template, **fields) from None
            raise UserError(str(err)) from None  # library: the renderer's message, English
        print(_("picture: {path}").format(path=picture))
    return 0
