"""``badak activations``: the activation atlas, as a table and a picture."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from badak.i18n import N_
from badak.interfaces.cli.arguments import output_dir, pictures_or_note

NAME = "activations"
HELP = N_("table of the activation functions and a picture of each with its derivative")
DESCRIPTION = N_("""Print the properties of every activation of the lecture (output range,
zero-centred, saturation, dying units, cost) and save a picture of each function with its
derivative, computed by badak's backward pass, as activations.png in --out.""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help=_("folder for activations.png (default: ./badak-out)"))


def run(args: argparse.Namespace) -> int:
    from badak.i18n import translator
    from badak.lecture import atlas

    _ = translator(args.lang)
    out = output_dir(args.out)
    print(atlas.table("text", lang=args.lang))
    if not pictures_or_note(args.lang):
        return 0
    path = out / "activations.png"
    atlas.plot(path=path, lang=args.lang)
    print(_("picture: {path}").format(path=path))
    return 0
