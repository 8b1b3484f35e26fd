"""The playground's web server: a Starlette app whose pages draw and whose API trains.

Pages (HTML with plain JavaScript, canvas and SVG; everything is served from this package, no
request leaves the machine): ``/`` the playground, ``/graph`` any expression's computational
graph, ``/perceptron``, ``/descent`` and ``/activations``. The JSON API under ``/api/`` runs
badak: each browser tab creates its own :class:`~badak.interfaces.playground.session.Session`
(bounded in number, expired when idle), trains it in small time slices (``/api/train``) and asks for
one sample's traced graph (``/api/sample``). Every parameter is checked on the server; a bad one
gives HTTP 400 with ``{"error": message}`` which the page shows, and the server goes on.

Sources: Starlette (https://www.starlette.io), uvicorn (https://www.uvicorn.org).
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from badak.interfaces.playground.config import ConfigError, parse_config
from badak.interfaces.playground.i18n import TEXT, pick_language
from badak.interfaces.playground.session import Session

__all__ = ["SessionStore", "create_app"]

STATIC = Path(str(resources.files("badak.interfaces.playground") / "static"))
MAX_BODY = 64 * 1024  # bytes of a JSON request
MAX_UPLOAD = 1_000_000  # bytes of a CSV upload
MAX_SESSIONS = 32
SESSION_TTL_S = 30 * 60
# Pages may load nothing from elsewhere: the browser itself refuses any other host.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; "
                               "script-src 'self' 'unsafe-inline'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
}
PAGES = ("playground", "graph", "perceptron", "descent", "activations")


class ApiError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class SessionStore:
    """Sessions by id, at most ``limit`` of them; idle ones expire after ``ttl_s`` seconds and
    the least recently used one makes room for a new one."""

    def __init__(self, limit: int = MAX_SESSIONS, ttl_s: float = SESSION_TTL_S):
        self.limit, self.ttl_s = limit, ttl_s
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [k for k, s in self._sessions.items() if now - s.last_used > self.ttl_s]:
            del self._sessions[sid]

    def add(self, session: Session) -> str:
        sid = secrets.token_urlsafe(12)
        with self._lock:
            self._expire()
            while len(self._sessions) >= self.limit:
                self._sessions.popitem(last=False)
            self._sessions[sid] = session
        return sid

    def get(self, sid) -> Session:
        with self._lock:
            self._expire()
            s = self._sessions.get(sid) if isinstance(sid, str) else None
            if s is None:
                raise ApiError("this session has expired or is unknown; reload the page", 404)
            self._sessions.move_to_end(sid)
            s.last_used = time.monotonic()
            return s


async def _read_body(request: Request, limit: int, what: str) -> bytes:
    """The request's body, refused (413, naming ``what``) as soon as it is over ``limit`` bytes:
    by its declared length, or while it streams in when that is absent or wrong."""
    too_large = f"{what} is too large (at most {limit} bytes)"
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > limit):
        raise ApiError(too_large, 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(too_large, 413)
    return body


async def _json_body(request: Request) -> dict:
    body = await _read_body(request, MAX_BODY, "the request body")
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError("the request body must be a JSON object")
    return data


async def _locked(session: Session, work):
    """Run ``work()`` in a worker thread (training must not block the server's event loop)
    while holding the session's lock (one request at a time per session)."""
    def run():
        with session.lock:
            return work()
    return await run_in_threadpool(run)


def _number(params, name: str, default: float, low: float, high: float) -> float:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise ApiError(f"{name} must be a number in [{low:g}, {high:g}]; received "
                       f"{name}={str(raw)[:40]!r}") from None
    if not math.isfinite(v) or not low <= v <= high:
        raise ApiError(f"{name} must be a number in [{low:g}, {high:g}]; received "
                       f"{name}={str(raw)[:40]!r}")
    return v


def create_app(max_sessions: int = MAX_SESSIONS, session_ttl_s: float = SESSION_TTL_S
               ) -> Starlette:
    """Build the playground's ASGI app (serve it with uvicorn: ``badak playground``)."""
    store = SessionStore(max_sessions, session_ttl_s)
    template = (STATIC / "page.html").read_text(encoding="utf-8")

    def page(name: str):
        def endpoint(request: Request) -> HTMLResponse:
            lang = pick_language(request.query_params.get("lang"),
                                 request.headers.get("accept-language", ""))
            html = (template.replace("{{lang}}", lang).replace("{{page}}", name)
                    .replace("{{title}}", TEXT[lang]["title_" + name])
                    .replace("{{text}}", json.dumps(TEXT[lang], ensure_ascii=False)
                             .replace("</", "<\\/")))
            return HTMLResponse(html, headers=PAGE_HEADERS)
        return endpoint

    def api(fn):
        async def endpoint(request: Request) -> Response:
            try:
                result = await fn(request)
            except (ApiError, ConfigError, ValueError, TypeError, OverflowError) as e:
                status = getattr(e, "status", 400)
                return JSONResponse({"error": " ".join(str(e).split())[:500]}, status_code=status)
            return result if isinstance(result, Response) else JSONResponse(result)
        return endpoint

    async def new_session(request: Request):
        body = await _json_body(request)
        config = parse_config(body.get("config", {}))
        session = await run_in_threadpool(Session, config)
        sid = store.add(session)
        return {"sid": sid, "state": await run_in_threadpool(session.state, True, True)}

    async def update(request: Request):
        body = await _json_body(request)
        s = store.get(body.get("sid"))

        def work():
            config = parse_config(body.get("config", {}), s.config)
            rebuilt = s.update(config)
            return {"rebuilt": rebuilt, "state": s.state(data=rebuilt)}
        return await _locked(s, work)

    async def train(request: Request):
        body = await _json_body(request)
        s = store.get(body.get("sid"))
        budget = _number(body, "budget_ms", 40, 0, 500) / 1000
        epochs = body.get("epochs")
        if epochs is not None:
            epochs = int(_number(body, "epochs", 1, 1, 100))
        since = body.get("since")
        if since is not None:
            since = int(_number(body, "since", 0, 0, 10 ** 9))

        def work():
            done = s.train(epochs=epochs, budget_s=budget)
            return {"trained": done, "state": s.state(neurons=bool(body.get("neurons", True)),
                                                      since=since)}
        return await _locked(s, work)

    async def reset(request: Request):
        body = await _json_body(request)
        s = store.get(body.get("sid"))

        def work():
            s.reset()
            return {"state": s.state(data=True)}
        return await _locked(s, work)

    async def upload(request: Request):
        from badak.interfaces.playground.data import parse_csv

        s = store.get(request.query_params.get("sid"))
        parsed = parse_csv(await _read_body(request, MAX_UPLOAD, "the CSV file"))

        def work():
            s.csv_data = parsed
            s.update(parse_config({"dataset": "csv"}, s.config))
            s.reset()
            return {"state": s.state(data=True)}
        return await _locked(s, work)

    async def sample(request: Request):
        q = request.query_params
        s = store.get(q.get("sid"))
        which = q.get("set", "train")
        if which not in ("train", "test"):
            raise ApiError(f"set must be train or test; received set={which[:20]!r}")
        index = int(_number(q, "index", 0, 0, 10 ** 6))
        return await _locked(s, lambda: s.sample_graph(which, index))

    async def export(request: Request):
        from badak.interfaces.playground.export import python_code

        s = store.get(request.query_params.get("sid"))
        return Response(python_code(s.config), media_type="text/x-python",
                        headers={"Content-Disposition": 'attachment; filename="playground.py"'})

    async def model_file(request: Request):
        import tempfile

        import badak

        s = store.get(request.query_params.get("sid"))

        def work():
            with tempfile.TemporaryDirectory() as d:
                path = Path(d) / "playground-model.npz"
                badak.save(s.model, path, metadata={"playground": s.config.to_dict()})
                return path.read_bytes()
        data = await _locked(s, work)
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition":
                                 'attachment; filename="playground-model.npz"'})

    async def graph(request: Request):
        from badak.interfaces.playground.lessons import expression_graph

        q = dict(request.query_params)
        q.pop("lang", None)
        expr = q.pop("expr", None)
        return await run_in_threadpool(expression_graph, expr, q)

    async def perceptron(request: Request):
        from badak.interfaces.playground.lessons import perceptron_run

        q = request.query_params
        return await run_in_threadpool(perceptron_run, q.get("gate", "and"),
                                       _number(q, "lr", 0.1, 1e-4, 10),
                                       int(_number(q, "epochs", 20, 1, 200)))

    async def descent(request: Request):
        from badak.interfaces.playground.lessons import descent_run, zigzag_run

        q = request.query_params
        if q.get("zigzag") == "1":
            return await run_in_threadpool(zigzag_run, _number(q, "lr", 0.9, 1e-4, 1.0),
                                           int(_number(q, "steps", 40, 1, 200)))
        return await run_in_threadpool(descent_run, q.get("f", "x**2"),
                                       _number(q, "x0", 3.0, -1e6, 1e6),
                                       _number(q, "lr", 0.1, 1e-6, 10),
                                       int(_number(q, "steps", 20, 0, 500)),
                                       q.get("method", "gd"))

    async def activation(request: Request):
        from badak.interfaces.playground.lessons import activation_curve

        q = request.query_params
        return await run_in_threadpool(activation_curve, q.get("name", "sigmoid"),
                                       _number(q, "param", 0.1, 0, 10))

    async def i18n(request: Request):
        return TEXT[pick_language(request.query_params.get("lang"), "")]

    routes = [Route("/", page("playground"))]
    routes += [Route(f"/{name}", page(name)) for name in PAGES[1:]]
    routes += [
        Route("/api/session", api(new_session), methods=["POST"]),
        Route("/api/update", api(update), methods=["POST"]),
        Route("/api/train", api(train), methods=["POST"]),
        Route("/api/reset", api(reset), methods=["POST"]),
        Route("/api/upload", api(upload), methods=["POST"]),
        Route("/api/sample", api(sample)),
        Route("/api/export", api(export)),
        Route("/api/model", api(model_file)),
        Route("/api/graph", api(graph)),
        Route("/api/perceptron", api(perceptron)),
        Route("/api/descent", api(descent)),
        Route("/api/activation", api(activation)),
        Route("/api/i18n", api(i18n)),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.sessions = store
    return app

