"""Pieces shared by the sections of the tour: progress, a section's result, pictures and
Markdown helpers."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


class StepProgress:
    """Progress over a known number of steps, on ``stream`` (stderr by default).

    A tqdm bar when the stream is a terminal and tqdm is installed (an optional extra);
    otherwise one line per step (every ``every`` steps), so that logs stay short. Disabled, it
    prints nothing.

    Parameters
    ----------
    total : int
        The number of steps.
    desc : str
        What is progressing, e.g. ``'badak tour'``.
    enabled : bool, default=True
    stream : file-like, optional
    every : int, default=1
        In line mode, print only every ``every``-th step (and the last).
    """

    def __init__(self, total: int, desc: str, enabled: bool = True,
                 stream: TextIO | None = None, every: int = 1) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.enabled = bool(enabled)
        self.stream = sys.stderr if stream is None else stream
        self.every = max(int(every), 1)
        self.done = 0
        self._bar = None
        isatty = getattr(self.stream, "isatty", None)
        if self.enabled and isatty is not None and isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # optional dependency: fall back to lines
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=self.total, desc=desc, file=self.stream, leave=True,
                                 unit="step")

    def advance(self, label: str = "", n: int = 1) -> None:
        """Count ``n`` more steps done; ``label`` says which."""
        self.done = min(self.done + n, self.total)
        if self._bar is not None:
            if label:
                self._bar.set_postfix_str(label, refresh=False)
            self._bar.update(n)
        elif self.enabled and (self.done % self.every == 0 or self.done == self.total):
            print(f"{self.desc} [{self.done}/{self.total}] {label}".rstrip(), file=self.stream,
                  flush=True)

    def close(self) -> None:
        """Finish the bar (nothing to do in line mode)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StepProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Section:
    """One experiment of the tour.

    Attributes
    ----------
    title : str
    markdown : str
        The body of the section in the report (pictures linked by file name).
    files : list of str
        Names of the files written into the output folder.
    summary : list of str
        A few lines for the console.
    results : dict
        The key numbers, for tests and for anyone scripting the tour.
    seconds : float
        Wall-clock time of the section.
    """

    title: str
    markdown: str
    files: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    seconds: float = 0.0


def _out_dir(out_dir) -> Path:
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"out_dir must be a folder; received {os.fspath(path)!r}, which is a "
                         f"file")
    path.mkdir(parents=True, exist_ok=True)
    return path


def has_matplotlib() -> bool:
    """Whether pictures can be drawn (matplotlib is an optional extra)."""
    return importlib.util.find_spec("matplotlib") is not None


def _picture(out: Path, name: str, files: list[str], alt: str, draw: Callable,
             lang: str = "en") -> str:
    """Save the Figure returned by ``draw()`` as ``name``; return its Markdown image link.

    Without matplotlib nothing is drawn, and a note takes the place of the picture, so that
    the tour still runs on a bare install.
    """
    if not has_matplotlib():
        from badak.i18n import translator

        return translator(lang)("*(No picture of {alt}: matplotlib is not installed; `pip "
                                "install 'badak[plot]'` adds it.)*").format(alt=alt.lower())
    from badak.i18n import plot_context
    from badak.lecture.plots import save_figure

    with plot_context(lang):
        save_figure(draw(), out / name)
    files.append(name)
    return f"![{alt}]({name})"


def _md_table(header, rows) -> str:
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _code(text: str) -> str:
    return f"```text\n{text}\n```"


def _warned(fn: Callable, *args, **kwargs):
    """Call ``fn``; return (result, list of warning messages it raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, [str(w.message) for w in caught]


def _timed(fn: Callable[..., Section], *args, **kwargs) -> Section:
    start = time.perf_counter()
    section = fn(*args, **kwargs)
    section.seconds = time.perf_counter() - start
    return section


def _box(_: Callable[[str], str], note: str, fact: str) -> str:
    """A "the note says / in fact" box: where the lecture note is wrong or imprecise."""
    says, fact_word = _("The note says"), _("In fact")
    return f"> **{says}:** {note}\n>\n> **{fact_word}:** {fact}"


def _graph(out: Path, name: str, output, files: list[str], alt: str,
           _: Callable[[str], str], lang: str = "en") -> tuple[str, bool]:
    """Draw the graph of ``output`` with :func:`badak.lecture.viz.draw_graph` as ``name``.svg (its
    DOT text as ``name``.dot); return (Markdown, whether a picture was rendered)."""
    from badak.lecture.viz import GraphvizNotFoundError, draw_graph

    drawing = draw_graph(output)
    (out / f"{name}.dot").write_text(drawing.dot, encoding="utf-8")
    files.append(f"{name}.dot")
    try:
        drawing.render(out / f"{name}.svg")
    except (GraphvizNotFoundError, RuntimeError) as e:
        # the renderer's own message is English: other languages get the gist
        reason = (str(e).splitlines()[0] if lang == "en" else
                  _("The graph could not be rendered (Graphviz's dot program is missing)."))
        return (_("*No picture:* {reason} The graph is in [{name}.dot]({name}.dot) (Graphviz "
                  "DOT text; paste it into any Graphviz viewer).").format(
                    reason=reason, name=name), False)
    files.append(f"{name}.svg")
    dot_link = _("The DOT text is also saved as [{name}.dot]({name}.dot).").format(name=name)
    return f"![{alt}]({name}.svg) {dot_link}", True
