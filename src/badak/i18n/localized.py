"""Messages that can be said in English or Korean: a template plus the values that fill it.

An error that a person may read (a refused formula, a corrupted model file, a diverging run)
keeps its English template, marked with ``N_`` for the catalog, apart from the values filled
into it (``str.format`` fields). ``str(error)`` is the English message, as always;
``error.in_language('ko')`` translates the template and fills in the same values. The command
line prints the latter under ``--lang ko``.

``ModelFileError(N_("{where} is corrupted: {error}"), where=path, error=e)``: a field that is
itself a :class:`Phrase` or a :class:`Localized` error is translated with the message around
it; other values (file names, numbers) never are.
"""

from __future__ import annotations

from badak.i18n import translator

__all__ = ["Localized", "Phrase", "joined"]


class Phrase(str):
    """A field value that is itself an English message (marked with ``N_``, with its own
    fields), translated with the message around it; plain ``str`` values (file names, column
    names) never are."""

    def __new__(cls, template: str, **fields) -> Phrase:
        self = super().__new__(cls, template.format(**fields) if fields else template)
        self.template, self.fields = template, fields
        return self

    def in_language(self, lang: str) -> str:
        """The phrase in ``lang``."""
        return _say(self.template, self.fields, lang)


def _say(template: str, fields: dict, lang: str) -> str:
    text = translator(lang)(template)
    if not fields:
        return text
    return text.format(**{k: v.in_language(lang) if isinstance(v, (Phrase, Localized)) else v
                          for k, v in fields.items()})


class Localized:
    """Mixin for an exception: an English message template plus the values that fill it.

    A subclass's ``__init__`` passes ``self._keep(template, fields)`` (the English message) to
    the exception's own ``__init__``. An instance built with a plain message and no fields
    (``ModelFileError("...")``) still works: its message is its template.
    """

    template: str
    fields: dict

    def _keep(self, template: str, fields: dict) -> str:
        self.template, self.fields = template, fields
        return template.format(**fields) if fields else template

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` ('en' or 'ko'); English where the catalog lacks it."""
        if not hasattr(self, "template"):     # built without _keep (copied, unpickled, ...)
            return str(self)
        return _say(self.template, self.fields, lang)


def joined(parts: list, separator: str = ", ") -> Phrase:
    """``parts`` (phrases or plain strings) joined by ``separator``, each part translated with
    the message around it: ``joined([Phrase(N_("|x| up to {v}"), v=3), "y"])``."""
    names = [f"part{i}" for i in range(len(parts))]
    template = separator.replace("{", "{{").replace("}", "}}").join("{" + n + "}" for n in names)
    return Phrase(template, **dict(zip(names, parts)))
