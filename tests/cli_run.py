"""Running the ``badak`` command in-process for a test: the exit code and what it printed.

Shared by the command-line test modules (``test_cli.py``, ``test_cli_safety.py``,
``test_cli_words.py``).
"""

from __future__ import annotations

from badak.interfaces.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``badak ARGV...`` through :func:`badak.interfaces.cli.main`: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
