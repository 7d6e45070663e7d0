"""Audit entries for web requests: the user, the client address, and the outcome."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from fastapi import HTTPException, Request

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


@contextlib.contextmanager
def audited(
    request: Request, user: str | None, action: str, target: str | None, **detail: Any
) -> Iterator[dict[str, Any]]:
    """An action audited before it runs (no entry, no action) and when it ends: `failed`
    with the reason if it raises, else as the caller fills in the dict it is given
    (`target`, `outcome` and more details; by default `ok`, with the details above)."""
    audit(request, user, action, target, "started", **detail)
    end: dict[str, Any] = {}
    try:
        yield end
    except Exception as exc:
        reason = exc.detail if isinstance(exc, HTTPException) else exc
        audit(request, user, action, target, "failed", **detail, reason=str(reason))
        raise
    target = end.pop("target", target)
    outcome = end.pop("outcome", "ok")
    audit(request, user, action, target, outcome, **{**detail, **end})
