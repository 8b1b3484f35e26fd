"""``badak playground``: the lecture in the browser, served by a local web app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from badak.i18n import LANGUAGES, N_, language_from_env, translator
from badak.interfaces.cli.arguments import BadValue, UserError

NAME = "playground"
HELP = N_("open the lecture in the browser: train networks and step through their graphs")
DESCRIPTION = N_("""Start a local web app (Starlette on uvicorn) with TensorFlow-Playground-style
training run by badak's own engine, the computational graph of any sample or expression to step
through (forward and backward, node by node), the perceptron, gradient descent and the
activation functions, in English or Korean. It prints its URL and opens the browser; Ctrl-C
stops it. It listens on 127.0.0.1 only unless --host says otherwise. Needs the 'playground'
extra: pip install 'badak[playground]'.""")
EPILOG = N_("""examples:
  badak playground
  badak playground --port 9000 --no-browser --lang ko
  open http://127.0.0.1:8765/?dataset=xor&hidden=4&activation=tanh&lr=0.03""")
OWN_LANG = True
"""``--lang`` here is the pages' language, by default the browser's (not the locale's)."""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadValue(N_("expected a port number in [1, 65535]; received {text!r}"),
                       text=text) from None
    if not 1 <= value <= 65535:
        raise BadValue(N_("expected a port number in [1, 65535]; received {text!r}"), text=text)
    return value


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help=_("address to listen on (default: 127.0.0.1, this machine only)"))
    parser.add_argument("--port", type=_port, default=8765, help=_("port (default: 8765)"))
    parser.add_argument("--no-browser", action="store_true", help=_("do not open a browser"))
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=_("language of the pages and of the messages (default: the "
                               "browser's for the pages)"))


def run(args: argparse.Namespace) -> int:
    _ = translator(args.lang or language_from_env())
    try:
        import uvicorn

        from badak.interfaces.playground.app import create_app
    except ImportError as e:
        raise UserError(N_("badak playground needs the 'playground' extra ({name} is missing): "
                           "pip install 'badak[playground]'"), name=e.name or str(e)) from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("badak: " + _("warning: listening on {host}: anyone who can reach this address "
                            "can use the playground (it runs training on this machine)").format(
                                host=args.host), file=sys.stderr)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}/" + (f"?lang={args.lang}" if args.lang else "")
    config = uvicorn.Config(create_app(), host=args.host, port=args.port, log_level="warning")
    server = uvicorn.Server(config)
    print("badak playground: " + _("{url}  (Ctrl-C stops it)").format(url=url), flush=True)
    if not args.no_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    except OSError as e:
        raise UserError(N_("could not listen on {host}:{port}: {reason} (try another --port)"),
                        host=args.host, port=args.port, reason=e.strerror or str(e)) from None
    print("badak playground: " + _("stopped"), file=sys.stderr)
    return 0
