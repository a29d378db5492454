"""A real HTTP server for the verify tests: uvicorn on 127.0.0.1 serving an ASGI app that
answers each example's request with its documented response, or a deliberately wrong one."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import uvicorn

from specgen.catalog.models import Catalog
from specgen.http.transcripts import iter_transcripts
from specgen.verify.plan import parse_message, parse_request

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Reply:
    """A response the app sends: status, headers, body, and how long it waits first."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    """A request the app received."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Fault = Callable[[Reply, Seen], Reply]
"""Turns the documented reply into a wrong one (it may look at the request)."""


@dataclass(frozen=True)
class _Route:
    slug: str
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    reply: Reply


def _parse_response(raw: bytes) -> Reply:
    start, fields, body = parse_message(raw)
    # The server frames the message itself and adds its own Date and Server.
    kept = tuple(
        (n, v) for n, v in fields if n.lower() not in ("content-length", "date", "server")
    )
    return Reply(int(start.split(" ")[1]), kept, body)


def _routes(catalog: Catalog) -> list[_Route]:
    routes = []
    for transcript in iter_transcripts(catalog):
        method, target, fields, body = parse_request(transcript.request)
        headers = {n.lower(): v for n, v in fields if n.lower() not in ("host", "content-length")}
        routes.append(_Route(
            transcript.slug, method, target, headers, body, _parse_response(transcript.response)
        ))
    return routes


@dataclass
class CatalogApp:
    """ASGI app answering each example's request with its documented response.

    A request matches the example with the same method and target whose headers it carries
    (the most specific such example); `faults` change the reply of chosen examples by slug.
    """

    catalog: Catalog
    faults: Mapping[str, Fault] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def __post_init__(self) -> None:
        self.routes: dict[tuple[str, str], list[_Route]] = {}
        for route in _routes(self.catalog):
            self.routes.setdefault((route.method, route.target), []).append(route)

    def _match(self, request: Seen) -> _Route | None:
        candidates = [
            route for route in self.routes.get((request.method, request.target), [])
            if all(request.headers.get(n) == v for n, v in route.headers.items())
        ]
        return max(candidates, key=lambda route: len(route.headers), default=None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"].decode("ascii")
        request = Seen(
            scope["method"],
            scope["raw_path"].decode("ascii") + (f"?{query}" if query else ""),
            {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
            body,
        )
        self.seen.append(request)
        route = self._match(request)
        if route is None:
            reply = Reply(404, (("Content-Type", "text/plain"),), b"no example matches")
        else:
            reply = route.reply
            if route.slug in self.faults:
                reply = self.faults[route.slug](reply, request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        self.in_flight -= 1
        headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in reply.headers]
        if scope["method"] != "HEAD":
            headers.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})


def with_header(name: str, value: str | None) -> Fault:
    """A fault that sets a response header (None: removes it)."""

    def fault(reply: Reply, request: Seen) -> Reply:
        kept = tuple((n, v) for n, v in reply.headers if n.lower() != name.lower())
        return replace(reply, headers=kept + (((name, value),) if value is not None else ()))

    return fault


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run `app` with uvicorn on a free port of 127.0.0.1 in a thread; yield its base URL.

    The server stops when the block ends, even when the block fails.
    """
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="critical", access_log=False,
        lifespan="off", ws="none", http="h11", timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            thread.join(0.01)
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
