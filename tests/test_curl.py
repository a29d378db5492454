"""The curl commands, run against a local server, send exactly the transcript's request."""

from __future__ import annotations

import os
import queue
import shlex
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import h11
import pytest
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from strategies import catalogs
from test_transcripts import headers_of, parse_request

from specgen import load_catalog
from specgen.catalog.models import Catalog
from specgen.http.curl import curl_words
from specgen.http.transcripts import Transcript, iter_transcripts

CURL = "/usr/bin/curl"
TEST_CATALOGS = sorted((DATA / "transcripts").glob("*.yaml"))
# Headers curl adds on its own unless the command sets them.
CURL_DEFAULTS = {"user-agent", "accept"}
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

pytestmark = pytest.mark.skipif(not Path(CURL).exists(), reason="needs curl at /usr/bin/curl")

Received = tuple[h11.Request, bytes]


class _Handler(socketserver.BaseRequestHandler):
    """Reads one request with h11, records it, answers 200 and closes."""

    server: _Server

    def handle(self) -> None:
        connection = h11.Connection(h11.SERVER)
        request: h11.Request | None = None
        body = b""
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                if connection.they_are_waiting_for_100_continue:
                    self.request.sendall(connection.send(
                        h11.InformationalResponse(status_code=100, headers=[])
                    ))
                data = self.request.recv(65536)
                connection.receive_data(data)
                if not data:
                    break
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            else:  # EndOfMessage, or PAUSED after a request proposing an Upgrade
                break
        if request is not None:
            self.server.received.put((request, body))
        self.request.sendall(ANSWER)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: queue.Queue[Received] = queue.Queue()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    """An HTTP server on an ephemeral port of 127.0.0.1, stopped after the module's tests."""
    instance = _Server()
    thread = threading.Thread(target=instance.serve_forever, daemon=True)
    thread.start()
    try:
        yield instance
    finally:
        instance.shutdown()
        instance.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def curl_env(server: _Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment whose ~/.curlrc sends every connection to the local server, no proxy."""
    home = tmp_path_factory.mktemp("curl-home")
    port = server.server_address[1]
    (home / ".curlrc").write_text(
        f'connect-to = "::127.0.0.1:{port}"\nnoproxy = "*"\nmax-time = 10\n', "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, "CURL_HOME": str(home), "PATH": f"/usr/bin:{env.get('PATH', '')}"}


def run_curl(
    catalog: Catalog, transcript: Transcript, server: _Server, env: dict[str, str], tmp: Path
) -> Received:
    """Run the transcript's script with its https URL as http (the test server has no TLS)."""
    lines = transcript.curl.rstrip("\n").split("\n")
    # The URL is the script's last word; only there the scheme changes, never in a body.
    assert catalog.server.base_url in lines[-1]
    lines[-1] = lines[-1].replace("https://", "http://", 1)
    script = tmp / f"{transcript.code}-{transcript.slug}.sh"
    script.write_text("\n".join(lines) + "\n", "utf-8")
    result = subprocess.run(
        ["/bin/sh", str(script)], env=env, capture_output=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    # -i prints the answer's head (after a 100 Continue when the request expected one).
    assert result.stdout.endswith(ANSWER), result.stdout
    return server.received.get(timeout=10)


def assert_curl_sends_the_transcript(
    catalog: Catalog, transcript: Transcript, server: _Server, env: dict[str, str], tmp: Path
) -> None:
    sent, sent_body = run_curl(catalog, transcript, server, env, tmp)
    expected, expected_body = parse_request(transcript.request)
    assert sent.method == expected.method
    assert sent.target == expected.target
    assert sent_body == expected_body
    wanted = sorted((name.lower(), value) for name, value in headers_of(expected))
    named = {name for name, _ in wanted}
    got = sorted(
        (name.lower(), value)
        for name, value in headers_of(sent)
        if name.lower() in named or name.lower() not in CURL_DEFAULTS
    )
    assert got == wanted


def test_embedded_curl_commands_send_the_transcript_requests(
    embedded: Catalog, server: _Server, curl_env: dict[str, str], tmp_path: Path
) -> None:
    for transcript in iter_transcripts(embedded):
        assert_curl_sends_the_transcript(embedded, transcript, server, curl_env, tmp_path)


@pytest.mark.parametrize("path", TEST_CATALOGS, ids=[p.stem for p in TEST_CATALOGS])
def test_test_catalog_curl_commands_send_the_transcript_requests(
    path: Path, server: _Server, curl_env: dict[str, str], tmp_path: Path
) -> None:
    catalog = load_catalog(path)
    for transcript in iter_transcripts(catalog):
        assert_curl_sends_the_transcript(catalog, transcript, server, curl_env, tmp_path)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(catalog=catalogs(max_codes=2, max_examples=2))
def test_generated_curl_commands_send_the_transcript_requests(
    catalog: Catalog, server: _Server, curl_env: dict[str, str], tmp_path: Path
) -> None:
    for transcript in iter_transcripts(catalog):
        assert_curl_sends_the_transcript(catalog, transcript, server, curl_env, tmp_path)


def test_get_without_body_omits_method_and_head_uses_head_option() -> None:
    """`-X HEAD` would make curl wait for a body that never comes."""
    assert curl_words("https://h/x", "GET", "/x", [], None)[0] == "curl -i"
    assert curl_words("https://h/x", "HEAD", "/x", [], None)[0] == "curl -i --head"
    assert curl_words("https://h/x", "GET", "/x", [], "b")[0] == "curl -i -X GET"
    assert curl_words("https://h/x", "DELETE", "/x", [], None)[0] == "curl -i -X DELETE"


def test_every_word_survives_the_shell_unchanged() -> None:
    headers = [("X-Quote", "it's \"q\" $HOME `id`"), ("X-Empty", "")]
    words = curl_words("https://h/a'b", "PURGE", "/a'b", headers, "x'; rm -rf /\n")
    argv = shlex.split(" ".join(words))
    assert argv == [
        "curl", "-i", "-X", "PURGE",
        "-H", "X-Quote: it's \"q\" $HOME `id`",
        "-H", "X-Empty;",
        "--data-binary", "x'; rm -rf /\n",
        "https://h/a'b",
    ]


def test_body_starting_with_at_is_sent_not_read_from_a_file() -> None:
    assert curl_words("https://h/", "POST", "/", [], "@/etc/passwd")[-2] == (
        "--data-raw @/etc/passwd"
    )


def test_globs_and_dot_segments_are_sent_literally() -> None:
    assert "--globoff" in curl_words("https://h/a[1]", "GET", "/a[1]", [], None)[0]
    assert "--globoff" in curl_words("https://[::1]/", "GET", "/", [], None)[0]
    assert "--path-as-is" in curl_words("https://h/a/../b", "GET", "/a/../b", [], None)[0]
    assert "--path-as-is" not in curl_words("https://h/a/..b?x=/../", "GET", "/a/..b?x=/../",
                                            [], None)[0]
