"""An example request as a `curl` command: shell-quoted so it sends exactly the transcript."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from ..text.render import render

CURL_TEMPLATE = "http/curl.sh.jinja"
# curl expands [a-b] and {a,b} in URLs unless told not to (IPv6 hosts carry brackets too).
_GLOB = re.compile(r"[\[\]{}]")
# curl removes /./ and /../ segments (RFC 3986 §5.2.4) unless told not to.
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")


def curl_words(
    url: str, method: str, path: str, headers: Sequence[tuple[str, str]], body: str | None
) -> list[str]:
    """The curl command as shell words (options grouped with their values), each quoted.

    `headers` are the ones curl must send besides those it derives itself (Host from the URL,
    Content-Length from the body).
    """
    first = ["curl", "-i"]
    if method == "HEAD" and body is None:
        # `-X HEAD` would make curl wait for the body the Content-Length announces.
        first.append("--head")
    elif method != "GET" or body is not None:
        # Without -X, curl turns a request with a body into a POST.
        first += ["-X", shlex.quote(method)]
    if _GLOB.search(url):
        first.append("--globoff")
    if _DOT_SEGMENT.search(path.split("?", 1)[0]):
        first.append("--path-as-is")
    words = [" ".join(first)]
    for name, value in headers:
        # `-H 'Name:'` would remove a header; `Name;` is curl's spelling of an empty one.
        words.append("-H " + shlex.quote(f"{name}: {value}" if value else f"{name};"))
    if body is not None:
        # --data-binary reads a file when the data starts with '@'; --data-raw never does.
        option = "--data-raw" if body.startswith("@") else "--data-binary"
        words.append(f"{option} {shlex.quote(body)}")
    words.append(shlex.quote(url))
    return words


def curl_script(
    code: int,
    reason: str,
    slug: str,
    url: str,
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    body: str | None,
) -> str:
    """A shell script (POSIX sh) that sends the example request with curl."""
    words = curl_words(url, method, path, headers, body)
    return render(CURL_TEMPLATE, code=code, reason=reason, slug=slug, words=words)
