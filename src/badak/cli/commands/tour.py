"""``badak tour``: the whole lecture in order, written up in ``report.md`` with its pictures."""

from __future__ import annotations

import argparse
import time

from badak.cli.arguments import output_dir

NAME = "tour"
HELP = "run the whole lecture and write a Markdown report with pictures"
DESCRIPTION = """Run the lecture in order: logic gates and the perceptron failing on XOR,
gradient descent with the Taylor check, the apple graph with its backward trace and picture,
an MLP solving XOR, the activation atlas, diagnostics (vanishing gradients, dead ReLUs,
saturation) and the Boston housing MLP with 4-fold cross-validation (100 epochs at batch
size 1, as in the notebook). Pictures and report.md are written into --out; open report.md
in any Markdown viewer. The full tour takes well under a minute on two cores (about 15 s
where it was measured); --quick runs tiny sizes in a few seconds (its numbers are not the
lecture's)."""
EPILOG = """examples:
  badak tour
  badak tour --out lecture --quick"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help="folder for report.md and the pictures (default: ./badak-out)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, a few seconds (for a check, not for the numbers)")


def run(args: argparse.Namespace) -> int:
    from badak.tour import run_tour

    out = output_dir(args.out)
    start = time.perf_counter()
    sections = []
    report = run_tour(out, quick=args.quick, progress=not args.quiet,
                      on_section=sections.append)
    seconds = time.perf_counter() - start
    for section in sections:
        for line in section.summary:
            print(line)
    files = sum(len(s.files) for s in sections)
    print(f"report: {report} ({files} files, {seconds:.0f} s)")
    return 0
