"""The playground's server run for a browser: uvicorn on a free loopback port in a daemon thread.

Shared by ``tests/test_playground_browser.py`` and ``benchmarks/playground.py`` (which puts
``tests/`` on its path); needs the ``playground`` extra (Starlette, uvicorn).
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving_playground() -> Iterator[str]:
    """Serve the playground's app until the block ends; yields its URL once it answers
    (``http://127.0.0.1:<port>``)."""
    import uvicorn

    from badak.interfaces.playground.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/i18n", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
