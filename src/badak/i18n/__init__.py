"""Korean and English: the messages of the lecture, its glossary, and Hangul in pictures.

badak speaks English by default and Korean on request. The machinery is the standard one:
GNU gettext catalogs, with the English text as the message id. The Korean translations live
in ``locale/ko/LC_MESSAGES/badak.po`` (the source, edited by hand) and are compiled to
``badak.mo`` (shipped as package data and committed, so a fresh ``pip install -e .`` needs no
build step). ``python -m badak.i18n.catalog`` re-extracts the messages from the sources and
recompiles the catalog with Babel (a development dependency, in the ``test`` extra).

The language is always passed explicitly (``lang='ko'``); nothing here switches a global
language. Only the command line reads the environment (:func:`language_from_env`: ``LC_ALL``,
``LC_MESSAGES``, ``LANG``, in POSIX order) to pick the default. Errors that a person reads keep
an ``N_`` template apart from its values (:mod:`badak.i18n.localized`), so that
``error.in_language('ko')`` can say them in Korean while ``str(error)`` stays English.

The Korean terms are those of the Korean edition of Saito's *Deep Learning from Scratch*
(밑바닥부터 시작하는 딥러닝, 한빛미디어): 순전파, 역전파, 계산 그래프, 국소적 미분, 연쇄 법칙, ...
:func:`glossary` reads them from ``glossary.csv`` (한국어, English, and the name in badak), a
data file that any part of badak (or a page in the browser) can read.

Pictures: inside :func:`plot_context` ``('ko')`` every new text gets a font list that ends in
NanumGothic (shipped by the ``koreanize-matplotlib`` package, a dependency of the ``plot``
extra; SIL Open Font License), so Korean labels render as real glyphs, never as empty boxes;
badak's plotting functions enter it themselves when called with ``lang='ko'``
(:func:`hangul_aware`). :func:`use_hangul_font` fixes a figure built outside it, and
:func:`badak.lecture.plots.save_figure` calls it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gettext as _gettext
import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN", "LANGUAGES", "N_", "GlossaryEntry", "check_language", "gettext", "glossary",
           "hangul_font_path", "hangul_share", "language_from_env", "plot_context",
           "translator", "use_hangul_font"]

DOMAIN = "badak"
LANGUAGES = ("en", "ko")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.csv"


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for translation without translating it now (``gettext_noop``): for
    texts defined at import time, translated later with :func:`translator`."""
    return message


def check_language(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`; raise a ValueError naming it else."""
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {{'en', 'ko'}}; received lang={lang!r}")
    return lang


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language the user's locale asks for: 'ko' for a Korean locale, else 'en'.

    POSIX order: the first non-empty of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` decides
    (``ko_KR.UTF-8`` and ``ko`` give 'ko').
    """
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


@functools.cache
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])


def translator(lang: str = "en") -> Callable[[str], str]:
    """Return ``_``: English message -> its text in ``lang`` (English itself for 'en').

    A message without a translation comes back in English (the tests check that none is
    missing).
    """
    return _translations(check_language(lang)).gettext


def gettext(message: str, lang: str = "en") -> str:
    """The text of the English ``message`` in ``lang``."""
    return translator(lang)(message)


@dataclass(frozen=True)
class GlossaryEntry:
    """One term of the lecture: Korean, English, and where it lives in badak ('' if nowhere)."""

    ko: str
    en: str
    badak: str


@lru_cache(maxsize=1)
def _glossary() -> tuple[GlossaryEntry, ...]:
    with GLOSSARY_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return tuple(GlossaryEntry(r["ko"], r["en"], r["badak"]) for r in rows)


def glossary() -> list[GlossaryEntry]:
    """The lecture's terms, 한국어 ↔ English ↔ badak name, from ``glossary.csv``."""
    return list(_glossary())


def hangul_share(text: str) -> float:
    """The share of Hangul syllables among the letters of ``text`` (0.0 without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("\uac00" <= c <= "\ud7a3" for c in letters) / len(letters)


def hangul_font_path() -> Path | None:
    """The NanumGothic font file of the ``koreanize-matplotlib`` package, or None.

    The package is found without importing it (importing it changes matplotlib's global
    settings).
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _hangul_family() -> str | None:
    path = hangul_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@contextlib.contextmanager
def plot_context(lang: str = "en"):
    """Within this block, matplotlib texts fall back to a Hangul font (for ``lang='ko'``).

    Latin letters and symbols keep matplotlib's default font; only the glyphs it lacks (the
    Hangul) come from NanumGothic. For 'en' nothing changes. Matplotlib's settings are
    restored on exit (``matplotlib.rc_context``).

    Raises
    ------
    ImportError
        For 'ko' when no Hangul font is installed (``pip install koreanize-matplotlib``).
    """
    if check_language(lang) == "en":
        yield
        return
    family = _hangul_family()
    if family is None:
        raise ImportError("Korean pictures need a Hangul font: pip install koreanize-matplotlib "
                          "(part of badak[plot])")
    import matplotlib

    with matplotlib.rc_context({"font.family": ["sans-serif", family]}):
        yield


def hangul_aware(fn):
    """Decorator: run a plotting function that takes ``lang=`` inside :func:`plot_context`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with plot_context(kwargs.get("lang", "en")):
            return fn(*args, **kwargs)

    return wrapper


def use_hangul_font(fig) -> int:
    """Give every text of ``fig`` that contains Hangul a font that has Hangul glyphs.

    Latin letters, digits and symbols (σ, ², ∞) stay in the text's own font; matplotlib falls
    back to NanumGothic for the Hangul. Returns the number of texts changed.

    Raises
    ------
    ImportError
        When the figure has Hangul but no Hangul font is installed
        (``pip install koreanize-matplotlib``, part of ``badak[plot]``).
    """
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if hangul_share(t.get_text()) > 0]
    if not texts:
        return 0
    family = _hangul_family()
    if family is None:
        raise ImportError("Korean text in a picture needs a Hangul font: pip install "
                          "koreanize-matplotlib (part of badak[plot])")
    for t in texts:
        own = t.get_fontfamily()
        own = [own] if isinstance(own, str) else list(own)
        t.set_fontfamily([*(f for f in own if f != family), "DejaVu Sans", family])
    return len(texts)
