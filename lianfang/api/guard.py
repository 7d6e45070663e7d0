"""What every request passes, logged in or not: the Host it names, where a request that
changes something came from, and the security headers on every answer.

- A Host that is neither an address, a loopback name, the name bound nor an allowed
  name is refused: a DNS-rebinding page (evil.example resolving to 127.0.0.1) names
  its own host.
- A POST (or PUT, PATCH, DELETE) that a browser sends from another origin is refused,
  by `Sec-Fetch-Site` where the browser sends it and by `Origin` otherwise. Another
  port on the same machine is another origin: `same-site` is refused too. Clients that
  send neither (curl, scripts with a token) are not browsers and carry no cookie of
  the page's, so they pass here and meet the login.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from collections.abc import MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from lianfang.access import audit
from lianfang.graph.store import StoreError

Message = MutableMapping[str, Any]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
# Every page, maps included, runs only scripts served by the app itself.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def host_name(host: str) -> str:
    """`example.org:8000` → `example.org`; `[::1]:8000` → `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """Pure ASGI middleware; reads the allowed names from the app's settings."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem = self._problem(scope, headers)
        if problem:
            await self._refuse(scope, send, problem)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k, v) for k, v in HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    added.append((b"content-security-policy", PAGE_POLICY.encode()))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, secured)

    def _problem(self, scope: Scope, headers: Headers) -> str | None:
        host = headers.get("host", "")
        name = host_name(host)
        if not self._allowed(scope, name):
            return (
                f"this server does not answer to host {name!r}; if that is its name, add it "
                "to LIANFANG_ALLOWED_HOSTS"
            )
        if scope["method"] in SAFE_METHODS:
            return None
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return f"a {scope['method']} from another site or origin ({site}) is refused"
        origin = headers.get("origin")
        if site is None and origin is not None:
            own = f"{scope.get('scheme', 'http')}://{host.lower()}"
            if origin.lower() != own:
                return f"a {scope['method']} from another origin ({origin}) is refused"
        return None

    def _allowed(self, scope: Scope, name: str) -> bool:
        settings = scope["app"].state.settings
        if name in LOOPBACK_NAMES or is_address(name):
            return True
        bound = settings.host.lower()
        return (name == bound and bound not in WILDCARDS) or name in settings.allowed_hosts

    async def _refuse(self, scope: Scope, send: Send, reason: str) -> None:
        client = scope.get("client")
        store = scope["app"].state.store
        with contextlib.suppress(StoreError):  # refused all the same
            await run_in_threadpool(
                audit.record,
                store,
                "request",
                user=None,
                client=client[0] if client else None,
                target=scope.get("path"),
                outcome="refused",
                reason=reason,
            )
        body = json.dumps({"detail": reason}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *HEADERS,
                    (b"content-security-policy", PAGE_POLICY.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
