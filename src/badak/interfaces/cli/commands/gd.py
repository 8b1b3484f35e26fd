"""``badak gd``: gradient descent (or Newton's method) on a formula, with the Taylor check."""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import (
    UserError,
    output_file,
    parse_number_list,
    parse_positive_float,
    parse_positive_int,
    require_matplotlib,
)

NAME = "gd"
HELP = N_("minimise a formula by gradient descent, printing the Taylor check of every step")
DESCRIPTION = N_("""Minimise f given as a formula (numbers, the variables, + - * / **, and exp log
sqrt abs tanh sigmoid relu step) from --x0, with derivatives from badak's autograd. Each step
prints f(x_new) beside the first-order Taylor prediction f(x_old) - lr f'(x_old)^2 and the
second-order term. Too large a learning rate is reported (f grows), and a run that diverges is
stopped before it produces inf or NaN. The formula is parsed safely (never evaluated as
Python). For several variables give --vars x,y and one starting value each.""")
EPILOG = N_("""examples:
  badak gd "x**2" --x0 3 --lr 0.1 --steps 10
  badak gd "x**2" --x0 3 --lr 1.1 --steps 100          (diverges)
  badak gd "x**2/20 + y**2" --vars x,y --x0=-7,2 --lr 0.9 --plot path.png
  badak gd "exp(x) - 2*x" --x0 0 --method newton --lr 1 --steps 8
(a starting value that begins with '-' needs the form --x0=-7,2)""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("expr", metavar="EXPR", help=_("the formula of f, e.g. \"x**2 + 3*x\""))
    parser.add_argument("--x0", type=parse_number_list, required=True, metavar="X",
                        help=_("starting point: one number, or one per variable "
                               "(comma-separated)"))
    parser.add_argument("--vars", default="x", metavar="NAMES",
                        help=_("the variables, comma-separated (default: x)"))
    parser.add_argument("--lr", type=parse_positive_float, default=0.1,
                        help=_("learning rate (step size) alpha (default: 0.1)"))
    parser.add_argument("--steps", type=parse_positive_int, default=20,
                        help=_("maximum number of steps (default: 20)"))
    parser.add_argument("--method", choices=("gd", "newton"), default="gd",
                        help=_("gradient descent, or Newton's method x <- x - lr f'/f'' "
                               "(default: gd)"))
    parser.add_argument("--tol", type=parse_positive_float, default=1e-8,
                        help=_("stop when |f'(x)| < tol (default: 1e-8)"))
    parser.add_argument("--plot", metavar="PATH",
                        help=_("save the path on the curve (1 variable) or the contours (2)"))


def build_function(expr: str, names: list[str]):
    """Parse ``expr`` over ``names``; return f(x Tensor) -> Tensor for badak.lecture.gd.minimize."""
    from badak.lecture.expr import ExpressionError, parse

    try:
        e = parse(expr, names)
    except ExpressionError as err:
        raise UserError(N_("the expression {expr!r} is refused: {error}"), expr=expr,
                        error=err) from None   # err says it in the user's language too
    if len(names) == 1:
        return lambda x: e.evaluate(**{names[0]: x})
    return lambda x: e.evaluate(**{name: x[i] for i, name in enumerate(names)})


def run(args: argparse.Namespace) -> int:
    from badak.lecture.gd import minimize

    names = [n.strip() for n in args.vars.split(",")]
    if not all(n.isidentifier() for n in names):
        raise UserError(N_("--vars must be names separated by commas, such as x,y; received "
                           "{vars!r}"), vars=args.vars)
    if len(args.x0) != len(names):
        raise UserError(N_("--x0 must give one starting value per variable ({names}); "
                           "received {n} value(s)"), names=", ".join(names), n=len(args.x0))
    plot = None if args.plot is None else output_file(args.plot)
    if plot is not None:
        require_matplotlib("--plot")
        if len(names) > 2:
            raise UserError(N_("--plot draws 1 or 2 variables; received {n}"), n=len(names))
    f = build_function(args.expr, names)
    x0 = args.x0[0] if len(names) == 1 else args.x0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = minimize(f, x0, lr=args.lr, steps=args.steps, method=args.method, tol=args.tol)
    _ = translator(args.lang)
    print(f"f({', '.join(names)}) = {args.expr}")
    print(result.table())
    for w in caught:
        print(_("warning: {message}").format(message=w.message))
    x = result.x
    shown = f"{x:.6g}" if len(names) == 1 else ", ".join(f"{v:.6g}" for v in x)
    print(_("result: {names} = {x}, f = {f:.6g} after {n} steps").format(
        names=", ".join(names), x=shown, f=result.f, n=len(result.steps)))
    if result.stationary is not None:
        kinds = {"minimum": _("a minimum"), "maximum": _("a maximum"),
                 "inflection": _("an inflection point, not a minimum"),
                 "saddle": _("a saddle point"), "flat": _("flat (f'' = 0 and f unchanged)")}
        print(_("stationary point (f' = 0): {kind}").format(kind=kinds[result.stationary]))
    if plot is not None:
        from badak.lecture.gd import plot_path
        from badak.lecture.plots import new_figure, save_figure

        fig, axes = new_figure(figsize=(5.5, 4.5))
        plot_path(result, f, ax=axes[0, 0], lang=args.lang)
        fig.tight_layout()
        save_figure(fig, plot)
        print(_("picture: {path}").format(path=plot))
    return 0
