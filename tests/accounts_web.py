"""Logging in as the page does, and accounts with tokens, for the access tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from lianfang.access import accounts, tokens
from lianfang.graph.store import GraphStore

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "admin")


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD, next_path: str = "/") -> int:
    """Fill in the login form; the status of the answer to the post (303 on success)."""
    page = client.get(f"/login?next={next_path}")
    assert page.status_code == 200, page.text
    answer = client.post(
        "/login",
        data={"username": name, "password": password, "csrf": form_token(page.text)},
        follow_redirects=False,
    )
    return answer.status_code


def add_with_token(store: GraphStore, name: str, role: str, units: list[str] | None = None) -> str:
    """An account with the test password, and a token for it."""
    accounts.add(store, name, role, PASSWORD, units or [])
    token, _ = tokens.create(store, name, None)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
