"""A request body's size, enforced while it streams in.

The upload routes refused a file over the limit only after the multipart parser had
spooled all of it to disk (a 1.5 GB POST was written in full first). This counts the
bytes as they arrive and answers 413 the moment the limit is passed, before anything
past it is stored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

Message = MutableMapping[str, Any]
# Room for the multipart headers and the other form fields around the file itself.
OVERHEAD = 1 << 20


class BodyLimit:
    """Pure ASGI middleware; the limit is read from the app's settings on each request.

    Past the limit, the app is told the client went away (so it stops reading), and
    whatever it then answers (FastAPI says 400, "error parsing the body") is replaced by
    a 413 that names the limit."""

    def __init__(self, app: ASGIApp, limit: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        allowed = self.limit(scope)
        received = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed + OVERHEAD:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def answered(message: Message) -> None:
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                await _answer_413(send, f"upload larger than {allowed // (1 << 20)} MB")

        await self.app(scope, counted, answered)


async def _answer_413(send: Callable[[Message], Awaitable[None]], detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
