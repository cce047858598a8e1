"""HTTP load for the ingest bench: gunicorn started on a free port, a closed loop (N requests on
C connections, as fast as they are served) and an open loop (a fixed arrival rate, each request
sent on schedule whether or not the earlier ones are done, so queueing shows in the latency)."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int) -> Iterator[tuple[int, subprocess.Popen]]:
    """config.wsgi under production settings with `workers` sync workers; yields the port."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EARSHOT_BASE_URL": "http://127.0.0.1",
        # The limits are exercised (counted in the shared cache) but set out of reach: the load
        # comes from one IP and one key.
        "PORTAL_FORM_RATE_PER_IP": "100000000/m",
        "PORTAL_FORM_RATE_PER_KEY": "100000000/m",
        "API_THROTTLE_WRITE": "100000000/min",
        "ANYMAIL_WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "bench:bench"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--backlog=2048",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


async def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n{head}"
            f"X-Forwarded-Proto: https\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1])


Request = Callable[[int], tuple[str, bytes, dict[str, str]]]


def closed_loop(port: int, request: Request, n: int, concurrency: int) -> tuple[float, dict]:
    """Requests per second for n requests on `concurrency` connections, and the statuses."""

    async def run() -> tuple[float, dict]:
        counter = iter(range(n))
        statuses: dict[int, int] = {}

        async def client() -> None:
            for i in counter:
                status = await post(port, *request(i))
                statuses[status] = statuses.get(status, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return n / (time.perf_counter() - start), statuses

    return asyncio.run(run())


def open_loop(port: int, request: Request, rate: float, seconds: float) -> tuple[list, dict]:
    """Send `rate` requests per second for `seconds` on schedule; latencies (s) and statuses."""

    async def run() -> tuple[list, dict]:
        latencies: list[float] = []
        statuses: dict[int, int] = {}

        async def one(i: int) -> None:
            start = time.perf_counter()
            status = await post(port, *request(i))
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1

        tasks = []
        t0 = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        return latencies, statuses

    return asyncio.run(run())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")
