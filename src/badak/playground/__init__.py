"""``badak playground``: the lecture in the browser (see :mod:`badak.playground.app`)."""
