"""``badak perceptron``: the perceptron rule on a logic gate, and why XOR needs two layers."""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import (
    UserError,
    output_file,
    parse_positive_float,
    parse_positive_int,
    require_matplotlib,
)

NAME = "perceptron"
HELP = N_("train a perceptron on AND, OR, NAND or XOR with the perceptron rule")
DESCRIPTION = N_("""Train one perceptron on the truth table of a logic gate with Rosenblatt's rule
(w <- w + lr (y - y_hat) x, b <- b + lr (y - y_hat)), print the errors of each epoch and the
learned rule in both forms (threshold and bias). On XOR the rule cannot converge, because no
straight line separates the classes; the two-layer gate XOR = AND(NAND, OR) is shown instead.""")
EPILOG = N_("""examples:
  badak perceptron --gate and
  badak perceptron --gate xor --max-epochs 50 --plot xor.png""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--gate", required=True, choices=("and", "or", "nand", "xor"),
                        help=_("the truth table to learn"))
    parser.add_argument("--lr", type=parse_positive_float, default=0.1,
                        help=_("learning rate of the perceptron rule (default: 0.1)"))
    parser.add_argument("--max-epochs", type=parse_positive_int, default=20, metavar="N",
                        help=_("give up after N passes over the 4 samples (default: 20)"))
    parser.add_argument("--plot", metavar="PATH",
                        help=_("save a picture of the samples and the learned line (PNG, "
                               "SVG...)"))


def run(args: argparse.Namespace) -> int:
    from badak.datasets import logic_gate
    from badak.lecture.perceptron import AND, NAND, OR, XOR, Perceptron

    plot = None if args.plot is None else output_file(args.plot)
    if plot is not None:
        require_matplotlib("--plot")
    x, y = logic_gate(args.gate)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            p = Perceptron(2, lr=args.lr, max_epochs=args.max_epochs).fit(x, y)
        except OverflowError as e:
            raise UserError(N_("--lr: {error}"), error=str(e)) from None
    _ = translator(args.lang)
    gate = args.gate.upper()
    print(_("perceptron on {gate} (lr={lr:g}, max_epochs={n})").format(
        gate=gate, lr=args.lr, n=args.max_epochs))
    print(_("errors per epoch: {errors}").format(errors=" ".join(map(str, p.errors_))))
    if p.converged_:
        print(_("converged after {n} epochs: every sample is right").format(n=p.n_epochs_))
    else:
        print(_("did not converge in {n} epochs").format(n=p.n_epochs_))
        for w in caught:
            print(_("warning: {message}").format(message=w.message))
    print(p.describe(lang=args.lang))
    if p.exact_:
        print(_("(learned in exact integer arithmetic: w = lr × integers)"))
    predicted = p.predict(x)
    print(_("x1 x2 | target predicted"))
    for (a, b), t, q in zip(x.astype(int), y, predicted):
        print(f" {a}  {b} |   {t}        {q}{'' if t == q else '   ' + _('wrong')}")
    if args.gate == "xor":
        print(_("two layers do it: XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2))"))
        print("x1 x2 | NAND OR | XOR")
        for a, b in x.astype(int):
            print(f" {a}  {b} |   {NAND(a, b)}   {OR(a, b)} |   {XOR(a, b)}")
    else:
        hand = {"and": AND, "or": OR, "nand": NAND}[args.gate]
        print(_("the book's hand-wired {gate} gives {outputs}").format(
            gate=gate, outputs=[hand(a, b) for a, b in x.astype(int)]))
    if plot is not None:
        from badak.lecture.perceptron import plot_decision_line
        from badak.lecture.plots import new_figure, save_figure

        fig, axes = new_figure(figsize=(4.8, 4.6))
        plot_decision_line(p, x, y, ax=axes[0, 0], lang=args.lang)
        fig.tight_layout()
        save_figure(fig, plot)
        print(_("picture: {path}").format(path=plot))
    return 0
