"""Section 5 of the tour: the activation atlas."""

from __future__ import annotations

from badak.tour.report import (
    Section,
    _out_dir,
    _picture,
)


def activation_atlas(out_dir) -> Section:
    """Every activation with its derivative, and the table of their properties."""
    from badak import atlas

    out = _out_dir(out_dir)
    files: list[str] = []
    picture = _picture(out, "activations.png", files, "Each activation and its derivative",
                       atlas.plot)
    md = f"""Without a non-linear activation, stacked layers collapse into one linear map. Each
activation trades something; the dashed derivatives below come from badak's own backward pass:

{atlas.table("markdown")}

{picture}
"""
    return Section("The activation atlas", md, files,
                   [f"activation atlas: {len(atlas.names())} activations"],
                   {"activations": atlas.names()})
