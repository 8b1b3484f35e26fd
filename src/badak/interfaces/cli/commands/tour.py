"""``badak tour``: the whole lecture in order, written up in ``report.md`` with its pictures."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import output_dir

NAME = "tour"
HELP = N_("run the whole lecture and write a Markdown report with pictures")
DESCRIPTION = N_("""Run the lecture in order: logic gates and the perceptron failing on XOR,
gradient descent with the Taylor check, backpropagation on computational graphs (the chain
rule, the apple graphs, the cost against numerical differentiation), MLPs on XOR (linear
collapse, depth and width, under- and overfitting), the activation atlas, diagnostics
(vanishing gradients, the zig-zag, dead ReLUs, saturation) and the Boston housing MLP with
4-fold cross-validation (100 epochs at batch size 1, as in the notebook). Pictures,
report.md and glossary.md are written into --out; open report.md in any Markdown viewer.
Where the lecture note is wrong, a box says so with a measurement. The full tour takes under
a minute on two cores; --quick runs tiny sizes in a few seconds (its numbers are not the
lecture's).""")
EPILOG = N_("""examples:
  badak tour
  badak tour --lang ko            (the report in Korean: 한국어 보고서)
  badak tour --out lecture --quick
The language defaults to Korean when LC_ALL, LC_MESSAGES or LANG asks for it (ko_KR.UTF-8).""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help=_("folder for report.md and the pictures (default: ./badak-out)"))
    parser.add_argument("--quick", action="store_true",
                        help=_("tiny sizes, a few seconds (for a check, not for the numbers)"))


def run(args: argparse.Namespace) -> int:
    from badak.lecture.tour import run_tour

    out = output_dir(args.out)
    start = time.perf_counter()
    sections = []
    report = run_tour(out, quick=args.quick, progress=not args.quiet,
                      on_section=sections.append, lang=args.lang)
    seconds = time.perf_counter() - start
    for section in sections:
        for line in section.summary:
            print(line)
    files = sum(len(s.files) for s in sections) + 1   # with report.md
    _ = translator(args.lang)
    print(_("report: {report} ({files} files, {seconds:.0f} s)").format(
        report=report, files=files, seconds=seconds))
    return 0
