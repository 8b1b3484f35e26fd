"""Keep the Korean catalog in step with the sources: ``python -m badak.i18n.catalog``.

``update`` (the default) extracts every ``_("...")`` message from badak's sources with Babel,
merges them into ``locale/ko/LC_MESSAGES/badak.po`` (new messages arrive untranslated, removed
ones are dropped), and compiles ``badak.mo`` next to it. Translate the new entries in the
``.po`` file and run it again. ``check`` changes nothing and exits 1 when a message is missing
from the catalog or untranslated, or when ``badak.mo`` does not say what the ``.po`` says.

Babel is a development dependency (``pip install -e ".[test]"``); the compiled ``.mo`` is
committed, so users never need it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from badak.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PO_FILE = LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def extract_messages() -> dict[str, list[str]]:
    """Every message id in the sources -> the files (relative to the package) it is in."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append(filename)
    return found


def read_catalog():
    """The Korean catalog as a :class:`babel.messages.Catalog`."""
    from babel.messages.pofile import read_po

    with PO_FILE.open("rb") as f:
        return read_po(f, locale="ko", domain=DOMAIN)


def problems() -> list[str]:
    """What is out of step: missing or untranslated messages, a stale ``.mo``."""
    catalog = read_catalog()
    have = {m.id: m.string for m in catalog if m.id}
    found = []
    for message, files in sorted(extract_messages().items()):
        if message not in have:
            found.append(f"not in the catalog ({files[0]}): {message[:70]!r}")
        elif not have[message]:
            found.append(f"untranslated ({files[0]}): {message[:70]!r}")
    compiled = {}
    if MO_FILE.is_file():
        import gettext

        with MO_FILE.open("rb") as f:
            compiled = gettext.GNUTranslations(f)._catalog
    if any(compiled.get(message) != string for message, string in have.items() if string):
        found.append(f"{MO_FILE.name} does not match {PO_FILE.name}: run "
                     f"python -m badak.i18n.catalog")
    return found


def update() -> int:
    """Merge the extracted messages into the ``.po`` and compile the ``.mo``; return the
    number of untranslated messages."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    template = Catalog(domain=DOMAIN, project="badak")
    for message, files in extract_messages().items():
        template.add(message, locations=[(f, 0) for f in sorted(set(files))])
    if PO_FILE.is_file():
        catalog = read_catalog()
    else:
        PO_FILE.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale="ko", domain=DOMAIN, project="badak")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.project, catalog.version = "badak", "0.1"
    catalog.copyright_holder = "badak developers"
    catalog.msgid_bugs_address = "the badak issue tracker"
    catalog.last_translator = catalog.language_team = "badak developers"
    with PO_FILE.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, include_lineno=False)
    with MO_FILE.open("wb") as f:
        write_mo(f, catalog)
    return sum(1 for m in catalog if m.id and not m.string)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "update"
    if command == "update":
        missing = update()
        print(f"{PO_FILE} updated, {MO_FILE.name} compiled; {missing} message(s) untranslated")
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    print("usage: python -m badak.i18n.catalog [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
