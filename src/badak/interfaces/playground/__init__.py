"""``badak playground``: the lecture in the browser (see :mod:`badak.interfaces.playground.app`)."""
