"""The tour itself: every section in order, written up as ``report.md``."""

from __future__ import annotations

import platform
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import numpy as np

import badak
from badak._validation import check_bool
from badak.i18n import check_language, glossary, translator
from badak.lecture.reference import CV_BATCH_SIZE, CV_EPOCHS, CV_FOLDS, FINAL_EPOCHS
from badak.lecture.tour import report
from badak.lecture.tour.activations import activation_atlas
from badak.lecture.tour.backprop import apple_backprop
from badak.lecture.tour.boston import boston_housing
from badak.lecture.tour.descent import gradient_descent
from badak.lecture.tour.diagnostics import diagnostics
from badak.lecture.tour.gates import gates_and_perceptron
from badak.lecture.tour.report import (
    Section,
    StepProgress,
    _out_dir,
    _timed,
)
from badak.lecture.tour.xor import mlp_xor

_QUICK = {"perceptron_epochs": 20, "gd_steps": 6, "xor_epochs": 60, "width": 24,
          "dead_epochs": 3, "folds": 4, "boston_epochs": 3, "boston_batch": 32,
          "final_epochs": 3}
_FULL = {"perceptron_epochs": 20, "gd_steps": 10, "xor_epochs": 100, "width": 100,
         "dead_epochs": 5, "folds": CV_FOLDS, "boston_epochs": CV_EPOCHS,
         "boston_batch": CV_BATCH_SIZE, "final_epochs": FINAL_EPOCHS}


def run_tour(out_dir="badak-out", quick: bool = False, progress: bool = True,
             stream: TextIO | None = None,
             on_section: Callable[[Section], None] | None = None, lang: str = "en") -> Path:
    """Run every section of the lecture and write ``report.md`` with its pictures.

    Parameters
    ----------
    out_dir : str or PathLike, default='badak-out'
        The folder for the report and the pictures (created if needed; files of the same names
        are replaced).
    quick : bool, default=False
        Tiny sizes (a few epochs, narrow nets) for a check in seconds; the numbers are then not
        the lecture's. The full tour trains the Boston model as the notebook does (4 folds,
        100 epochs at batch size 1), which takes most of its time.
    progress : bool, default=True
        Show progress on ``stream`` (a bar on a terminal, else one line per step).
    stream : file-like, optional
        Where progress goes (stderr by default).
    on_section : callable, optional
        Called with each :class:`Section` when it is done (the ``badak`` command prints their
        summaries).
    lang : {'en', 'ko'}, default='en'
        The language of the report, its pictures and the console summaries. The tour also
        writes ``glossary.md``, the lecture's terms in Korean, English and badak.

    Returns
    -------
    pathlib.Path
        The path of ``report.md``.
    """
    lang = check_language(lang)
    _ = translator(lang)
    quick = check_bool("quick", quick)
    progress = check_bool("progress", progress)
    out = _out_dir(out_dir)
    cfg = _QUICK if quick else _FULL
    steps = 6 + cfg["folds"] + 1
    start = time.perf_counter()
    sections: list[Section] = []
    with StepProgress(steps, "badak tour", enabled=progress, stream=stream) as bar:
        plan = [
            (gates_and_perceptron, {"max_epochs": cfg["perceptron_epochs"]}),
            (gradient_descent, {"steps": cfg["gd_steps"]}),
            (apple_backprop, {}),
            (mlp_xor, {"epochs": cfg["xor_epochs"]}),
            (activation_atlas, {}),
            (diagnostics, {"width": cfg["width"], "epochs": cfg["dead_epochs"]}),
        ]
        for fn, kwargs in plan:
            section = _timed(fn, out, lang=lang, **kwargs)
            sections.append(section)
            bar.advance(f"{section.title} ({section.seconds:.1f} s)")
            if on_section is not None:
                on_section(section)
        section = _timed(boston_housing, out, folds=cfg["folds"], epochs=cfg["boston_epochs"],
                         batch_size=cfg["boston_batch"], final_epochs=cfg["final_epochs"],
                         progress=bar, lang=lang)
        sections.append(section)
        if on_section is not None:
            on_section(section)
    sections.append(glossary_section(out, lang=lang))
    if on_section is not None:
        on_section(sections[-1])
    total = time.perf_counter() - start
    report = out / "report.md"
    report.write_text(_render_report(sections, quick, total, cfg, lang), encoding="utf-8")
    return report


def glossary_section(out_dir, lang: str = "en") -> Section:
    """The lecture's terms (한국어 ↔ English ↔ badak name) as ``glossary.md`` and a section."""
    _ = translator(lang)
    out = _out_dir(out_dir)
    rows = [(e.ko, e.en, f"`{e.badak}`" if e.badak else "") for e in glossary()]
    table = report._md_table(("한국어", "English", "badak"), rows)
    title = _("Glossary: 한국어 ↔ English ↔ badak")
    intro = _("""The terms of the lecture as the Korean edition of *Deep Learning from Scratch*
(밑바닥부터 시작하는 딥러닝) uses them, with their English names and where they live in badak. The
same table is in [glossary.md](glossary.md) and, for programs, in `badak/i18n/glossary.csv`
(`badak.i18n.glossary()`).""")
    (out / "glossary.md").write_text(f"# {title}\n\n{intro}\n\n{table}\n", encoding="utf-8")
    return Section(title, intro + "\n\n" + table + "\n", ["glossary.md"],
                   [_("glossary: {n} terms").format(n=len(rows))], {"terms": len(rows)})


def _render_report(sections: list[Section], quick: bool, seconds: float, cfg: dict,
                   lang: str = "en") -> str:
    _ = translator(lang)
    graphviz = (_("found") if shutil.which("dot") is not None else
                _("not found (graphs drawn by badak's own layout)"))
    plotting = _("found") if report.has_matplotlib() else _("not installed (no pictures)")
    mode = (_("quick mode (tiny sizes: the numbers are not the lecture's; run `badak tour` "
              "without --quick for them)") if quick else
            _("full mode (Boston housing as in the notebook: {folds} folds, {epochs} epochs at "
              "batch size {batch})").format(folds=cfg["folds"], epochs=cfg["boston_epochs"],
                                            batch=cfg["boston_batch"]))
    command = "badak tour" + (" --quick" if quick else "") + (" --lang ko" if lang == "ko" else "")
    head = [
        _("# badak: the lecture, run"),
        "",
        _("Made by `{command}` with badak {version}, NumPy {numpy}, Python {python}, in "
          "{seconds:.0f} s, {mode}. Graphviz `dot`: {graphviz}; matplotlib: {plotting}.").format(
            command=command, version=badak.__version__, numpy=np.__version__,
            python=platform.python_version(), seconds=seconds, mode=mode, graphviz=graphviz,
            plotting=plotting),
        "",
        _("Where the lecture note is wrong or imprecise, a box says what the note says and what "
          "is in fact the case, with a measurement."),
        "",
        _("## Contents"),
        "",
    ]
    head += [f"{i}. [{s.title}](#{_anchor(s.title)}) ({s.seconds:.1f} s)"
             for i, s in enumerate(sections, start=1)]
    body = []
    for s in sections:
        body += ["", f"## {s.title}", "", s.markdown.strip(), ""]
    return "\n".join(head + body).rstrip() + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")
