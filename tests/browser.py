"""A live server and a real headless Chromium (Debian's) for the page tests."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from conftest import free_port
from fastapi import FastAPI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root and on a closed network: no sandbox, and no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing() -> str | None:
    if shutil.which("chromium") is None:
        return "Debian's chromium is not installed (scripts/install-system-deps.sh installs it)"
    return None


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run the app on a free loopback port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
