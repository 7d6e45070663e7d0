"""Audit entries for web requests: the user, the client address, and the outcome."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from lianfang.access import audit as log


def client(request: Request) -> str | None:
    """The client's address (the proxy's own, unless the proxy is trusted to say)."""
    return request.client.host if request.client else None


def audit(
    request: Request,
    user: str | None,
    action: str,
    target: str | None = None,
    outcome: str = "ok",
    **detail: Any,
) -> None:
    """Record one entry; raises (a StoreError, answered 503) if it cannot be written, so
    that what it records does not happen unaudited."""
    log.record(
        request.app.state.store,
        action,
        user=user,
        client=client(request),
        target=target,
        outcome=outcome,
        **detail,
    )
