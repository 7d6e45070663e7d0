"""The web app: assembles the routers; the store is opened once for the app's life."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from lianfang import __version__
from lianfang.api.auth import LoginRequired
from lianfang.api.body_limit import BodyLimit
from lianfang.api.guard import Guard
from lianfang.api.routes import (
    account,
    apidocs,
    ingest,
    loop,
    loop_pages,
    maps,
    nodes,
    pages,
    queries,
    reports,
    search,
    stats,
)
from lianfang.api.settings import AppSettings
from lianfang.api.throttle import LoginThrottle
from lianfang.api.uploads import remove_stale_uploads
from lianfang.api.warmer import Warmer
from lianfang.graph.settings import StoreSettings
from lianfang.graph.store import GraphStore, StoreError
from lianfang.viz.render import ASSETS_DIR, VIS_DIR

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    account.router,
    queries.router,
    nodes.router,
    search.router,
    stats.router,
    ingest.router,
    loop.router,
    loop_pages.router,
    reports.router,
    maps.router,
    pages.router,
    apidocs.router,
)


def create_app(
    store_settings: StoreSettings | None = None,
    settings: AppSettings | None = None,
    store: GraphStore | None = None,
) -> FastAPI:
    """The app over an open store, or over the store the settings name (opened at start
    and closed at shutdown)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from lianfang.graph.open import open_store

        owned = store is None
        remove_stale_uploads()
        app.state.store = store or open_store(store_settings or StoreSettings())
        if app.state.settings.demo:
            load_demo_if_empty(app.state.store)
        warmer = Warmer(app.state.store, app.state.settings.warm_seconds).start()
        try:
            yield
        finally:
            warmer.stop()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="lianfang 廉防",
        description="The integrity-risk knowledge graph: canned gap queries, power-risk "
        "maps, register import.",
        version=__version__,
        lifespan=lifespan,
        # Served by routes of the app's own (routes/apidocs.py), behind the login.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings or AppSettings()
    app.state.throttle = LoginThrottle(
        app.state.settings.login_attempts,
        app.state.settings.lockout_seconds,
        app.state.settings.login_concurrency,
    )
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static/vis", StaticFiles(directory=VIS_DIR), name="vis")
    app.mount("/static/map", StaticFiles(directory=ASSETS_DIR), name="map")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(LoginRequired, login_required)
    app.middleware("http")(refuse_control_characters)
    app.add_middleware(BodyLimit, limit=upload_limit)
    app.add_middleware(Guard)
    if app.state.settings.trusted_proxies:
        # Only a proxy the admin names may say who the client is; uvicorn's own default
        # (trust 127.0.0.1) is turned off where lianfang starts it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=app.state.settings.trusted_proxies)
    return app


def upload_limit(scope: Any) -> int:
    settings: AppSettings = scope["app"].state.settings
    return settings.upload_limit


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def refuse_control_characters(request: Request, call_next: Any) -> Any:
    """A NUL or another control character in the path or a query parameter is a 422 here,
    in one place: FalkorDB cut a query text at a NUL, and a route answered 500."""
    values = [request.url.path, *request.query_params.keys(), *request.query_params.values()]
    if any(CONTROL.search(value) for value in values):
        return JSONResponse(
            {"detail": "a control character (such as NUL) in the address or a parameter"},
            status_code=422,
        )
    return await call_next(request)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """What was wrong with the request, as JSON whatever it carried: a body that is not
    JSON arrives as raw bytes, which once made this handler itself fail (a 500)."""
    assert isinstance(exc, RequestValidationError)
    errors = [_plain(error) for error in exc.errors()]
    sent = request.headers.get("content-type", "")
    if request.method not in ("GET", "HEAD") and "json" not in sent and sent.split(";")[0]:
        kind = sent.split(";")[0]
        errors.insert(
            0,
            {
                "type": "content_type",
                "loc": ["body"],
                "msg": f"send the body as JSON, with Content-Type: application/json (not {kind})",
            },
        )
    return JSONResponse({"detail": errors}, status_code=422)


def _plain(error: Any) -> Any:
    """A validation error's parts as JSON can hold them (bytes as text, at most 200
    characters; an exception as its message)."""
    if isinstance(error, dict):
        return {str(key): _plain(value) for key, value in error.items()}
    if isinstance(error, list | tuple):
        return [_plain(value) for value in error]
    if isinstance(error, bytes):
        text = error.decode("utf-8", "replace")
        return text if len(text) <= 200 else text[:200] + "…"
    if error is None or isinstance(error, str | int | float | bool):
        return error
    return str(error)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


async def login_required(request: Request, exc: Exception) -> Response:
    """An API call without a valid session or token is a 401; a page visit goes to the
    login form, and comes back after."""
    reason = exc.reason if isinstance(exc, LoginRequired) else str(exc)
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse(
            {"detail": reason}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)


async def store_error(request: Request, exc: Exception) -> JSONResponse:
    """The store failed (a full disk, a lost server): say what, as a 503, not a bare 500."""
    return JSONResponse({"detail": str(exc)}, status_code=503)


def load_demo_if_empty(store: GraphStore) -> bool:
    """Import the bundled demo organisation into an empty store."""
    if sum(store.counts().nodes.values()):
        return False
    from lianfang.ingest.demo import load_demo

    load_demo(store)
    return True
