"""``badak playground``: the lecture in the browser, served by a local web app."""

from __future__ import annotations

import argparse
import sys

from badak.cli.arguments import UserError

NAME = "playground"
HELP = "open the lecture in the browser: train networks and step through their graphs"
DESCRIPTION = """Start a local web app (Starlette on uvicorn) with TensorFlow-Playground-style
training run by badak's own engine, the computational graph of any sample or expression to step
through (forward and backward, node by node), the perceptron, gradient descent and the
activation functions, in English or Korean. It prints its URL and opens the browser; Ctrl-C
stops it. It listens on 127.0.0.1 only unless --host says otherwise. Needs the 'playground'
extra: pip install 'badak[playground]'."""
EPILOG = """examples:
  badak playground
  badak playground --port 9000 --no-browser --lang ko
  open http://127.0.0.1:8765/?dataset=xor&hidden=4&activation=tanh&lr=0.03"""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number in [1, 65535]; received "
                                         f"{text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number in [1, 65535]; received "
                                         f"{text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=_port, default=8765, help="port (default: 8765)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--lang", choices=("en", "ko"), default=None,
                        help="language of the pages (default: the browser's)")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from badak.playground.app import create_app
    except ImportError as e:
        raise UserError(f"badak playground needs the 'playground' extra ({e.name or e} is "
                        f"missing): pip install 'badak[playground]'") from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"badak: warning: listening on {args.host}: anyone who can reach this address "
              f"can use the playground (it runs training on this machine)", file=sys.stderr)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}/" + (f"?lang={args.lang}" if args.lang else "")
    config = uvicorn.Config(create_app(), host=args.host, port=args.port, log_level="warning")
    server = uvicorn.Server(config)
    print(f"badak playground: {url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    except OSError as e:
        raise UserError(f"could not listen on {args.host}:{args.port}: {e.strerror or e} "
                        f"(try another --port)") from None
    print("badak playground: stopped", file=sys.stderr)
    return 0
