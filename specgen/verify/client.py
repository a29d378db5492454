"""Send the exchanges with httpx: only to the base URL's origin, no redirects, every request
with a timeout, at most `concurrency` at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import httpx

from .compare import REDACTED, Comparer, Received, Redactor, Result
from .plan import Exchange, Plan, VerifyError

USER_AGENT = "specgen-verify"
MAX_CONCURRENCY = 256


@dataclass(frozen=True)
class Origin:
    """The base URL that every request goes to: scheme, host, port, and a path prefix."""

    url: httpx.URL

    @cached_property
    def prefix(self) -> str:
        """The base URL without a trailing '/', which example targets are appended to."""
        return str(self.url).rstrip("/")

    @classmethod
    def parse(cls, text: str) -> Origin:
        """A base URL, refused unless it is an absolute http(s) URL without credentials,
        query or fragment."""
        try:
            url = httpx.URL(text)
        except (httpx.InvalidURL, TypeError) as exc:
            raise VerifyError.at("--base-url", f"not a URL: {exc}") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise VerifyError.at(
                "--base-url", "give an absolute http:// or https:// URL, e.g. http://127.0.0.1:8000"
            )
        if url.userinfo:
            raise VerifyError.at(
                "--base-url", "credentials do not belong in the URL; pass them with --header"
            )
        if url.query or url.fragment:
            raise VerifyError.at("--base-url", "the base URL may not have a query or fragment")
        return cls(url)

    @property
    def key(self) -> tuple[str, str, int | None]:
        """Scheme, host and effective port: what two URLs of one origin share."""
        return origin_key(self.url)

    def __str__(self) -> str:
        return str(self.url.copy_with(path="/")).rstrip("/")

    def url_for(self, target: str) -> str:
        """The URL of an example's request target under the base URL's path.

        The target starts with '/', so what follows the base URL's authority is always a path;
        the request hook checks the origin of every request all the same.
        """
        return self.prefix + target


def origin_key(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL, the port made explicit."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _pinned(origin: Origin) -> Callable[[httpx.Request], object]:
    async def pin(request: httpx.Request) -> None:
        # Every request passes here before it is sent: nothing leaves the origin, whatever
        # built the URL.
        if origin_key(request.url) != origin.key:
            raise VerifyError.at("--base-url", f"refused to send a request outside {origin}")

    return pin


def _received(response: httpx.Response, redact: Redactor) -> Received:
    """The response with secrets replaced before anything reads it: a server that echoes a
    token cannot make a mismatch quote it."""
    body = response.content
    for secret in redact.secrets:
        body = body.replace(secret.encode(), REDACTED.encode())
    headers = [(name, redact(value)) for name, value in response.headers.multi_items()]
    return Received(response.status_code, headers, body)


async def _one(
    client: httpx.AsyncClient, origin: Origin, comparer: Comparer, item: Exchange
) -> Result:
    request = client.build_request(
        item.method, origin.url_for(item.target), headers=list(item.headers),
        content=item.body or None,
    )
    started = time.perf_counter()
    try:
        response = await client.send(request)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        reason = str(exc) or type(exc).__name__
        raise VerifyError.at("--base-url", f"cannot connect to {origin}: {reason}") from None
    except httpx.TimeoutException:
        return Result(item, "error", message="no complete response within the timeout",
                      seconds=time.perf_counter() - started)
    except httpx.TransportError as exc:
        return Result(item, "error", message=f"{type(exc).__name__}: {exc}",
                      seconds=time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    mismatches = tuple(comparer.compare(item.expected, _received(response, comparer.redact)))
    return Result(item, "failed" if mismatches else "passed", mismatches, seconds=elapsed)


async def _send_all(
    plan: Plan,
    origin: Origin,
    comparer: Comparer,
    concurrency: int,
    timeout: float,
    on_result: Callable[[Result], None],
) -> list[Result]:
    results: list[Result] = []
    pending: Iterator[Exchange] = iter(plan.exchanges)

    async def worker(client: httpx.AsyncClient) -> None:
        for item in pending:  # one iterator shared by the workers: each item is sent once
            result = await _one(client, origin, comparer, item)
            results.append(result)
            on_result(result)

    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        # No proxies, .netrc credentials or certificates from the environment: requests carry
        # what the transcript and --header say, and nothing else.
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [_pinned(origin)]},
    ) as client:
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(concurrency, len(plan.exchanges))):
                    group.create_task(worker(client))
        except* VerifyError as errors:
            raise errors.exceptions[0] from None
    return results


def send(
    plan: Plan,
    origin: Origin,
    comparer: Comparer,
    *,
    concurrency: int,
    timeout: float,
    allow_unsafe_methods: bool,
    on_result: Callable[[Result], None] = lambda result: None,
) -> list[Result]:
    """Send the plan's exchanges and compare each response; results in plan order.

    Exchanges with unsafe methods are skipped unless allowed. VerifyError when the server
    cannot be reached.
    """
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise VerifyError.at("--concurrency", f"give 1 to {MAX_CONCURRENCY}, not {concurrency}")
    if not timeout > 0:
        raise VerifyError.at("--timeout", f"give a number of seconds above 0, not {timeout}")
    skipped = []
    sendable = []
    for item in plan.exchanges:
        if item.safe or allow_unsafe_methods:
            sendable.append(item)
        else:
            skipped.append(Result(
                item, "skipped",
                message=f"{item.method} is not a safe method; --allow-unsafe-methods sends it",
            ))
    for result in skipped:
        on_result(result)
    sent = asyncio.run(_send_all(
        Plan(sendable, plan.secrets), origin, comparer, concurrency, timeout, on_result
    ))
    order = {id(item): index for index, item in enumerate(plan.exchanges)}
    return sorted([*skipped, *sent], key=lambda result: order[id(result.exchange)])
