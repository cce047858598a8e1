"""Real Celery worker processes for the tests that need one (the session worker of
tests/conftest.py and the fault-injection tests' workers that get killed)."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker_start(
    *,
    queues: str,
    name: str,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    pool: str = "solo",
    options: list[str] | None = None,
    ready_timeout: float = 120.0,
) -> tuple[subprocess.Popen, Path]:
    """A real `celery worker` process on `queues`; returns it once it is consuming, with its log."""
    log = ROOT / "var" / f"test-{name}.log"
    log.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *(options or [f"--pool={pool}"]),
                "-Q",
                queues,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                f"{name}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + ready_timeout
    while "ready." not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"worker {name} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return proc, log
