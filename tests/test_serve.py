"""`lianfang serve --demo`: the README's main command, for real."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import LIANFANG, free_port
from servers import live_servers


def test_serve_demo_loads_the_demo_and_serves_the_page(data_dir: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LIANFANG_STORE"}
    server = subprocess.Popen(
        [LIANFANG, "--data-dir", str(data_dir), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                with urllib.request.urlopen(base + "/api/stats", timeout=5) as response:
                    stats = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.5)
        assert stats["headline"]["risks"] > 1500
        with urllib.request.urlopen(base + "/", timeout=30) as response:
            assert "风险防控缺口查询" in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode in (0, 128 + 15)  # a clean exit on SIGTERM
    assert live_servers(data_dir) == []  # the embedded store stopped with the app


def test_kill_9_of_serve_leaves_no_server_behind(data_dir: Path) -> None:
    """The README's promise: a crash never keeps the embedded server alive."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LIANFANG_STORE"}
    server = subprocess.Popen(
        [LIANFANG, "--data-dir", str(data_dir), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not live_servers(data_dir):
        assert server.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    server.kill()
    server.wait(timeout=10)
    deadline = time.monotonic() + 10
    while live_servers(data_dir):
        assert time.monotonic() < deadline, "the embedded server outlived serve by 10 s"
        time.sleep(0.2)
