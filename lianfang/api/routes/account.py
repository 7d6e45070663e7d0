"""Logging in and out, the health check, and the admin's view of users and the audit log."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from lianfang.access import accounts, audit, sessions
from lianfang.access.clock import parse_since
from lianfang.api.auditing import audit as audit_request
from lianfang.api.auditing import client
from lianfang.api.auth import COOKIE, Admin, Public, Viewer
from lianfang.api.deps import SettingsDep, StoreDep
from lianfang.api.html import show, templates
from lianfang.api.i18n import language, translator
from lianfang.api.throttle import keys_for

router = APIRouter(tags=["account"])
LOGIN_COOKIE = "lianfang_login"  # the login form's own CSRF token (double submit)
PAGE_ENTRIES = 500


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_form(
    request: Request, next_path: str, message: str = "", username: str = "", status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    lang = language(request)
    response = templates().TemplateResponse(
        request,
        "login.html",
        {
            "lang": lang,
            "t": translator(lang),
            "csrf": token,
            "next": safe_next(next_path),
            "message": message,
            "username": username,
        },
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.settings.secure_cookies


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, who: Public, next: str = "/") -> Response:
    if who.via in ("local", "session", "token"):
        return RedirectResponse(safe_next(next), status_code=303)
    return login_form(request, next)


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Public,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password (Argon2), start a session, and go on to `next`."""
    if who.local:
        return RedirectResponse("/", status_code=303)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        audit_request(request, username, "login", username, "refused", reason="login form token")
        return login_form(request, next, "login_failed", username, status=403)
    throttle = request.app.state.throttle
    attempt = throttle.begin(keys_for(client(request), username))
    if attempt.refused:
        reason = "locked out" if attempt.wait else "too many password checks at once"
        audit_request(request, username, "login", username, "refused", reason=reason)
        message = "login_locked" if attempt.wait else "login_busy"
        response = login_form(request, next, message, username, status=429)
        response.headers["Retry-After"] = str(int(attempt.wait) + 1)
        return response
    account = None
    try:
        account = accounts.authenticate(store, username, password)
    finally:
        throttle.settle(attempt, account is not None)
    if account is None:
        audit_request(request, username, "login", username, "failed")
        return login_form(request, next, "login_failed", username, status=401)
    sessions.end_expired(store)
    cookie, _ = sessions.start(store, account, settings.session_hours)
    audit_request(request, account.name, "login", account.name, via="password")
    redirect = RedirectResponse(safe_next(next), status_code=303)
    redirect.set_cookie(
        COOKIE,
        cookie,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    redirect.delete_cookie(LOGIN_COOKIE)
    return redirect


@router.post("/logout", include_in_schema=False)
def logout(request: Request, store: StoreDep, who: Viewer) -> Response:
    """End this session (the cookie stops working at once)."""
    cookie = request.cookies.get(COOKIE)
    if who.via == "session" and cookie:
        audit_request(request, who.name, "logout", who.name)
        sessions.end(store, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


class Health(BaseModel):
    status: str
    store: str


@router.get("/healthz", response_model=Health)
def health(store: StoreDep, who: Public) -> Health:
    """Whether the app answers and its store does (for a load balancer; no login)."""
    store.version()
    return Health(status="ok", store=store.kind)


class AccountOut(BaseModel):
    name: str
    role: str
    units: list[str]
    disabled: bool
    created: str


SinceQuery = Annotated[str | None, Query(description="YYYY-MM-DD or an ISO time (UTC)")]


def _entries(
    store: StoreDep, since: str | None, user: str | None, action: str | None
) -> list[audit.Entry]:
    try:
        start = parse_since(since) if since else None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return audit.entries(store, start, user or None, action or None)


@router.get("/api/admin/users", response_model=list[AccountOut], tags=["admin"])
def list_users(store: StoreDep, who: Admin) -> list[AccountOut]:
    """Every account (never its password hash)."""
    return [
        AccountOut(
            name=a.name, role=a.role, units=list(a.units), disabled=a.disabled, created=a.created
        )
        for a in accounts.listing(store)
    ]


@router.get("/api/admin/audit", response_model=list[audit.Entry], tags=["admin"])
def audit_log(
    store: StoreDep,
    who: Admin,
    since: SinceQuery = None,
    user: str | None = None,
    action: str | None = None,
) -> list[audit.Entry]:
    """The audit log, oldest first, filtered by time, user and action."""
    return _entries(store, since, user, action)


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    store: StoreDep,
    who: Admin,
    since: str = "",
    user: str = "",
    action: str = "",
) -> HTMLResponse:
    found = _entries(store, since or None, user, action)
    newest = list(reversed(found))[:PAGE_ENTRIES]
    return show(
        request,
        store,
        "audit.html",
        entries=newest,
        total=len(found),
        truncated=len(found) > PAGE_ENTRIES,
        since=since,
        user=user,
        action=action,
    )
