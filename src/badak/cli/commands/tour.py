"""``badak tour``: the whole lecture in order, written up in ``report.md`` with its pictures."""

from __future__ import annotations

import argparse
import time

from badak.cli.arguments import output_dir
from badak.i18n import translator

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
  badak tour --lang ko            (the report in Korean: 한국어 보고서)
  badak tour --out lecture --quick
The language defaults to Korean when LC_ALL, LC_MESSAGES or LANG asks for it (ko_KR.UTF-8)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help="folder for report.md and the pictures (default: ./badak-out)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, a few seconds (for a check, not for the numbers)")
    add_lang_argument(parser)


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    """``--lang en|ko``; the default comes from the locale (LC_ALL, LC_MESSAGES, LANG)."""
    from badak.i18n import LANGUAGES, language_from_env

    default = language_from_env()
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help=f"language of the output: en or ko (한국어) (default here: "
                             f"{default}, from the locale)")


def run(args: argparse.Namespace) -> int:
    from badak.tour import run_tour

    out = output_dir(args.out)
    start = time.perf_counter()
    sections = []
    report = run_tour(out, quick=args.quick, progress=not args.quiet,
                      on_section=sections.append, lang=args.lang)
    seconds = time.perf_counter() - start
    for section in sections:
        for line in section.summary:
            print(line)
    files = sum(len(s.files) for s in sections) + 2   # with report.md and glossary.md
    _ = translator(args.lang)
    print(_("report: {report} ({files} files, {seconds:.0f} s)").format(
        report=report, files=files, seconds=seconds))
    return 0
