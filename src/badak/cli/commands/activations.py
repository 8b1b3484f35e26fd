"""``badak activations``: the activation atlas, as a table and a picture."""

from __future__ import annotations

import argparse

from badak.cli.arguments import output_dir, pictures_or_note

NAME = "activations"
HELP = "table of the activation functions and a picture of each with its derivative"
DESCRIPTION = """Print the properties of every activation of the lecture (output range,
zero-centred, saturation, dying units, cost) and save a picture of each function with its
derivative, computed by badak's backward pass, as activations.png in --out."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help="folder for activations.png (default: ./badak-out)")


def run(args: argparse.Namespace) -> int:
    from badak import atlas

    out = output_dir(args.out)
    print(atlas.table("text"))
    if not pictures_or_note():
        return 0
    path = out / "activations.png"
    atlas.plot(path=path)
    print(f"picture: {path}")
    return 0
