"""``import badak.nn.functional as F``: PyTorch's spelling of :mod:`badak.engine.functional`.

The same functions (activations, losses, ``linear``, ``dropout``, ...), so code written for
``torch.nn.functional`` finds them where it looks.
"""

from badak.engine.functional import *  # noqa: F401,F403
from badak.engine.functional import __all__  # noqa: F401
