"""``badak playground``: flags, the printed URL, a clean stop on Ctrl-C (SIGINT)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from badak.interfaces.cli import main

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("argv, word", [
    (["--port", "0"], "port"), (["--port", "x"], "port"), (["--lang", "fr"], "lang"),
])
def test_bad_flags(capsys, argv, word):
    assert main(["playground", *argv]) == 2
    assert word in capsys.readouterr().err


@pytest.mark.parametrize("host, warns", [("127.0.0.1", False), ("127.0.0.2", True)])
def test_serves_prints_its_url_and_stops_on_ctrl_c(host, warns):
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "badak", "playground", "--no-browser",
                             "--host", host, "--port", str(port), "--lang", "ko"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        url = f"http://{host}:{port}/?lang=ko"
        assert url in line
        for _ in range(100):
            try:
                page = urllib.request.urlopen(url, timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert '<html lang="ko">' in page
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    # --lang ko is the language of the pages and of the command's own messages
    assert "멈췄습니다" in err and "Traceback" not in err
    assert ("경고: 127.0.0.2에서 듣습니다" in err) is warns


def test_missing_extra_is_explained(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)     # import uvicorn -> ImportError
    assert main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'badak[playground]'" in err and len(err.splitlines()) == 1
