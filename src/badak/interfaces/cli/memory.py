"""How much memory a command's arrays would need, checked before they are allocated.

``badak train --hidden 1000000,1000000`` asks for a network of a trillion weights; NumPy would
fail deep inside with a traceback (or the machine would start swapping). :func:`require_memory`
compares the bytes an estimate says are needed with the memory the system reports as
available (``MemAvailable`` of ``/proc/meminfo`` on Linux, free physical pages elsewhere) and
raises a one-line :class:`~badak.interfaces.cli.arguments.UserError` that states both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from badak.i18n import N_
from badak.interfaces.cli.arguments import Phrase, UserError

__all__ = ["available_memory", "format_bytes", "mlp_training_bytes", "require_memory"]

FALLBACK_LIMIT = 64 * 2**30
"""The bound used where the available memory cannot be read (64 GiB)."""


def available_memory() -> int:
    """Bytes of memory available to a new allocation, as the system reports it."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024          # the value is in kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_LIMIT


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover - the loop returns


def mlp_training_bytes(sizes: Sequence[int], batch_size: int, itemsize: int = 4) -> int:
    """Bytes to train an MLP of layer ``sizes`` (inputs, hidden..., outputs) with Adam.

    Each parameter is held four times (the weight, its gradient and Adam's two moments), and
    each layer's batch of activations about three times (output, pre-activation, gradient).
    """
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))   # W (a, b) and b (b,)
    activations = batch_size * sum(sizes)
    return (4 * params + 3 * activations) * itemsize


def require_memory(nbytes: int, what: str | Phrase, hint: str | Phrase) -> None:
    """Raise a UserError when ``nbytes`` exceed the available memory; ``what`` needs them,
    ``hint`` says what to do (:class:`~badak.interfaces.cli.arguments.Phrase` to have them
    translated)."""
    available = available_memory()
    if nbytes > available:
        raise UserError(N_("{what} needs about {needed} of memory, more than the {available} "
                           "available; {hint}"), what=what, needed=format_bytes(nbytes),
                        available=format_bytes(available), hint=hint)
