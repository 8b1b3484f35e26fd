"""The ``--lang`` option of the lecture's commands, and their help in the locale's language.

The language of a command's output is ``--lang`` (``en`` or ``ko``); its default, and the
language of ``--help``, come from the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), read when
the parser is built. Only these command-line front ends read the environment; the library takes
``lang=`` explicitly.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from badak.i18n import LANGUAGES, language_from_env, translator


def localize(parser: argparse.ArgumentParser, description: str,
             epilog: str | None = None) -> Callable[[str], str]:
    """Add ``--lang`` and translate the parser's description and epilog for the locale;
    return the locale's ``_`` for the argument help strings."""
    lang = language_from_env()
    _ = translator(lang)
    parser.description = _(description)
    if epilog is not None:
        parser.epilog = _(epilog)
    parser.add_argument("--lang", choices=LANGUAGES, default=lang,
                        help=_("language of the output: en or ko (default here: {lang}, from "
                               "the locale)").format(lang=lang))
    return _
