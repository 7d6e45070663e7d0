"""Logins as a denial of service: attempts counted before the password is checked, a cap
on password checks at once, proxy headers believed only from a named proxy, and a
lockout that an outsider cannot turn against a user everywhere. Over a real server."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from accounts_web import PASSWORD
from browser import serving
from conftest import LIANFANG, free_port
from web import hostile_store

from lianfang.access import accounts
from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Iterator[EmbeddedFalkorStore]:
    opened = hostile_store(data_dir, tmp_path)
    accounts.add(opened, "admin", "admin", PASSWORD, [])
    yield opened
    opened.close()


def served(store: EmbeddedFalkorStore, **settings: Any):
    return serving(create_app(store=store, settings=AppSettings(warm_seconds=0, **settings)))


class Form:
    """One login form's token and its cookie, reused for every attempt."""

    def __init__(self, url: str) -> None:
        page = httpx.get(f"{url}/login")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found
        self.url = url
        self.token = found.group(1)
        self.cookies = dict(page.cookies)

    def attempt(self, password: str, address: str | None = None, name: str = "admin") -> int:
        headers = {"X-Forwarded-For": address} if address else {}
        answer = httpx.post(
            f"{self.url}/login",
            data={"username": name, "password": password, "csrf": self.token},
            cookies=self.cookies,
            headers=headers,
            timeout=60,
        )
        return answer.status_code


def test_concurrent_wrong_logins_are_counted_before_they_are_checked(
    store: EmbeddedFalkorStore,
) -> None:
    """Thirty at once from one address: at most five passwords are ever checked (all 30
    were 401 before, each an Argon2 check of 64 MiB)."""
    with served(store) as url:
        form = Form(url)
        with ThreadPoolExecutor(30) as pool:
            answers = Counter(pool.map(lambda _: form.attempt("wrong!"), range(30)))
    assert answers[401] <= 5 and answers[429] >= 25, answers
    assert set(answers) <= {401, 429}


def test_password_checks_beyond_the_cap_are_refused_at_once(store: EmbeddedFalkorStore) -> None:
    """Different names, so no lockout applies: with one check allowed at a time, attempts
    that arrive while one runs are answered 429 without waiting for it."""
    with served(store, login_concurrency=1, login_attempts=100) as url:
        form = Form(url)
        with ThreadPoolExecutor(12) as pool:
            answers = Counter(
                pool.map(lambda n: form.attempt("wrong!", name=f"nobody{n}"), range(12))
            )
    assert answers[429] >= 1 and answers[401] >= 1, answers


@contextlib.contextmanager
def lianfang_serve(data_dir: Path) -> Iterator[str]:
    """`lianfang serve` as users start it (uvicorn's own proxy defaults included)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LIANFANG_STORE"}
    server = subprocess.Popen(
        [LIANFANG, "--data-dir", str(data_dir), "serve", "--port", str(port)],
        env={**env, "LIANFANG_WARM_SECONDS": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                httpx.get(f"{url}/healthz", timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_forwarded_addresses_are_not_believed_by_default(data_dir: Path, tmp_path: Path) -> None:
    """A local caller naming a new X-Forwarded-For each time is still one address (uvicorn
    believed it from 127.0.0.1, so each spoofed address had five tries of its own)."""
    with EmbeddedFalkorStore(data_dir, "lianfang") as opened:
        accounts.add(opened, "admin", "admin", PASSWORD, [])
    with lianfang_serve(data_dir) as url:
        form = Form(url)
        answers = [form.attempt("wrong!", address=f"10.0.0.{n}") for n in range(7)]
    assert answers[:5] == [401] * 5 and answers[5:] == [429, 429]


def test_an_outsider_cannot_lock_a_user_out_everywhere(store: EmbeddedFalkorStore) -> None:
    """Behind a named proxy: five wrong passwords for admin from one address lock admin
    out from that address only; admin logs in from its own."""
    with served(store, trusted_proxies=["127.0.0.1"]) as url:
        form = Form(url)
        outsider = [form.attempt("wrong!", address="203.0.113.9") for _ in range(6)]
        assert outsider == [401] * 5 + [429]
        assert form.attempt(PASSWORD, address="198.51.100.7") == 303
        # and the forwarded address is what the audit log records
        assert form.attempt("wrong!", address="203.0.113.9") == 429
