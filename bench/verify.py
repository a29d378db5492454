"""Benchmark `specgen verify` against a bare httpx loop sending the same requests.

Usage: .venv/bin/python bench/verify.py [--examples N] [--concurrency C] [--runs R]

Writes a catalog of N GET examples (JSON bodies against a schema, problem documents, a required
header) to bench/.work/verify/, serves it with uvicorn on 127.0.0.1 in a child process (the ASGI
app of the tests, answering each example as documented), then times, interleaved R times with
the same concurrency: verify's plan, send and compare (`verify_catalog`, the catalog loaded
beforehand), and the floor, an httpx.AsyncClient loop sending the same requests and reading the
bodies, nothing else. Prints exchanges per second of both and their ratio (goal >= 0.7); exit
status 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "verify"
sys.path.insert(0, str(ROOT / "tests"))  # the test server's ASGI app

from specgen.catalog.load import load  # noqa: E402
from specgen.verify.plan import Selection, plan  # noqa: E402
from specgen.verify.session import verify_catalog  # noqa: E402

GOAL = 0.7


def write_catalog(path: Path, examples: int) -> None:
    """A catalog whose examples spread over a JSON code, a problem code and a header code."""
    per_code = max(1, examples // 3)
    codes = {
        404: {
            "reason": "Not Found", "summary": "No such pet.",
            "content": {"application/json": {"schema": "Error"}},
            "examples": [
                {"title": f"Pet {n}", "request": {"path": f"/pets/{n}",
                                                  "headers": {"Accept": "application/json"}},
                 "response": {"body": {"error": "Not Found", "message": f"No pet {n}."}}}
                for n in range(per_code)
            ],
        },
        429: {
            "reason": "Too Many Requests", "summary": "Slow down.",
            "headers": {"Retry-After": {"required": True, "schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": "Error"}},
            "examples": [
                {"title": f"Limit {n}", "request": {"path": f"/limited/{n}"},
                 "response": {"headers": {"Retry-After": str(n)}, "body": {"error": "Slow"}}}
                for n in range(per_code)
            ],
        },
        561: {
            "reason": "Unauthorized", "summary": "No token.", "equivalent": 401,
            "content": {"application/problem+json": {"schema": "Problem"}},
            "examples": [
                {"title": f"Secure {n}", "request": {"path": f"/secure/{n}"},
                 "response": {"body": {"type": "https://docs.example.com/problems/token-missing",
                                       "title": "Token missing", "status": 561,
                                       "detail": f"Resource {n} needs a token."}}}
                for n in range(examples - 2 * per_code)
            ],
        },
    }
    catalog = {
        "specgen": 1, "info": {"title": "Bench", "version": "1"},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
                      "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
            "Problem": {"type": "object", "required": ["type", "title", "status"],
                        "properties": {"type": {"type": "string", "format": "uri"},
                                       "title": {"type": "string"},
                                       "status": {"type": "integer"},
                                       "detail": {"type": "string"}}},
        },
        "codes": codes,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")


SERVER = """
import sys, uvicorn
sys.path.insert(0, {tests!r})
from verify_app import CatalogApp
from specgen import load_catalog
uvicorn.run(CatalogApp(load_catalog({catalog!r})), host="127.0.0.1", port={port},
            log_level="critical", access_log=False, lifespan="off", ws="none")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(catalog: Path) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving the catalog in a child process; returns it once it accepts connections."""
    port = free_port()
    code = SERVER.format(tests=str(ROOT / "tests"), catalog=str(catalog), port=port)
    child = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return child, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    child.kill()
    raise SystemExit("the server did not start")


async def bare_loop(
    base: str, requests: list[tuple[str, str, list[tuple[str, str]], bytes]], concurrency: int
) -> None:
    """The floor: send every request and read its body, `concurrency` at a time."""
    pending = iter(requests)

    async def worker(client: httpx.AsyncClient) -> None:
        for method, target, headers, body in pending:
            response = await client.request(
                method, base + target, headers=headers, content=body or None
            )
            assert response.content is not None

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(limits=limits, timeout=10.0, trust_env=False) as client,
        asyncio.TaskGroup() as group,
    ):
        for _ in range(concurrency):
            group.create_task(worker(client))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    catalog_path = WORK / "catalog.yaml"
    write_catalog(catalog_path, options.examples)
    loaded = load(str(catalog_path))
    exchanges = plan(loaded.catalog, Selection(), []).exchanges
    child, base = start_server(catalog_path)
    try:
        requests = [(item.method, item.target, list(item.headers), item.body) for item in exchanges]
        verify_rates, bare_rates, verify_cpu, bare_cpu = [], [], [], []
        for _ in range(options.runs):  # interleaved: a busy moment hits both alike
            started, cpu = time.perf_counter(), time.process_time()
            asyncio.run(bare_loop(base, requests, options.concurrency))
            bare_rates.append(len(requests) / (time.perf_counter() - started))
            bare_cpu.append((time.process_time() - cpu) / len(requests))
            started, cpu = time.perf_counter(), time.process_time()
            report = verify_catalog(
                loaded, base, Selection(), [], concurrency=options.concurrency, timeout=10.0,
                allow_unsafe_methods=False,
            )
            verify_rates.append(len(report.results) / (time.perf_counter() - started))
            verify_cpu.append((time.process_time() - cpu) / len(report.results))
            if report.exit_status != 0:
                raise SystemExit("verify found mismatches:\n" + report.text()[:2000])
    finally:
        child.terminate()
        child.wait(10)
    verify_rate, bare_rate = statistics.median(verify_rates), statistics.median(bare_rates)
    ratio = verify_rate / bare_rate
    print(f"{len(exchanges)} exchanges, concurrency {options.concurrency}, {options.runs} runs"
          " (medians)")
    # The client's own CPU per exchange (the server is another process): what verify adds to
    # httpx (planning, comparing, reporting), whether or not the server is the bottleneck.
    bare_ms, verify_ms = statistics.median(bare_cpu) * 1e3, statistics.median(verify_cpu) * 1e3
    print(f"bare httpx loop: {bare_rate:8.0f} exchanges/s, client CPU {bare_ms:.2f} ms each")
    print(f"specgen verify:  {verify_rate:8.0f} exchanges/s, client CPU {verify_ms:.2f} ms each")
    print(f"ratio: {ratio:.2f} (goal >= {GOAL}: {'met' if ratio >= GOAL else 'MISSED'})")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
