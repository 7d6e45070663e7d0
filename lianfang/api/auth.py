"""Who is asking, and whether they may: every route declares one `RoleGate`.

With no account in the store the app runs in local mode: one person on one machine, no
login, bound to loopback (the CLI refuses anything else). Once an account exists, every
route but the login page, the health check and static files wants a session cookie or
an `Authorization: Bearer` token, and a role at least as high as the route's.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from lianfang.access import accounts, sessions, tokens
from lianfang.access.accounts import Account
from lianfang.api.auditing import audit
from lianfang.graph.store import GraphStore
from lianfang.queries.scope import Scope, scope

COOKIE = "lianfang_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_MODE_RECHECK = 1.0  # seconds: the first `lianfang user add` ends local mode this soon


@dataclass(frozen=True)
class Principal:
    """The requester: an account (none in local mode), how it proved itself, and for a
    session, the CSRF secret its forms carry."""

    account: Account | None
    via: str  # local, session, token, or anonymous (a public route)
    csrf: str = ""

    @property
    def name(self) -> str | None:
        return self.account.name if self.account else None

    @property
    def local(self) -> bool:
        return self.via == "local"

    def may(self, role: str) -> bool:
        return self.local or (self.account is not None and self.account.may(role))

    def scope(self, store: GraphStore) -> Scope | None:
        """The units this requester may see, or None for all of them."""
        if self.account is None or not self.account.units:
            return None
        return scope(store, self.account.units)


class LoginRequired(Exception):
    """No valid session or token; an API call answers 401, a page visit goes to login."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def local_mode(request: Request) -> bool:
    """Whether no account exists, asked of the store at most once a second."""
    state = request.app.state
    checked, local = getattr(state, "local_mode", (0.0, True))
    if time.monotonic() - checked > LOCAL_MODE_RECHECK:
        local = not accounts.any_exist(state.store)
        state.local_mode = (time.monotonic(), local)
    return local


def identify(request: Request) -> Principal | None:
    """The requester by Bearer token or session cookie; None if neither is valid."""
    store: GraphStore = request.app.state.store
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise LoginRequired("the Authorization header must be `Bearer <token>`")
        account = tokens.authenticate(store, value.strip())
        if account is None:
            raise LoginRequired("this token is unknown, expired or revoked")
        return Principal(account, "token")
    cookie = request.cookies.get(COOKIE)
    if cookie:
        session = sessions.find(store, cookie)
        if session is not None:
            return Principal(session.account, "session", session.csrf)
    return None


async def sent_csrf(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: a header, or a form field (the
    form is parsed once; the route reads the same parsed form)."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        value = (await request.form()).get("csrf")
        return value if isinstance(value, str) else None
    return None


class RoleGate:
    """A route's declared role, as its FastAPI dependency: `viewer`, `analyst`, `admin`,
    or `public`. `public_if` names a setting that opens the route to anyone.

    `same_origin` marks a download or a simulation: a browser asked by a page of another
    site or port (its `Sec-Fetch-Site` not `same-origin` or `none`) is refused, so that
    no other page makes a logged-in browser (or the local mode) export data or run a
    what-if audited under the user's name. Clients with a token send no cookie unasked
    and are not affected."""

    def __init__(self, role: str, public_if: str | None = None, same_origin: bool = False) -> None:
        self.role = role
        self.public_if = public_if
        self.same_origin = same_origin

    def __repr__(self) -> str:
        return f"RoleGate({self.role!r})"

    def __call__(
        self, request: Request, csrf: Annotated[str | None, Depends(sent_csrf)]
    ) -> Principal:
        principal = self._principal(request)
        request.state.principal = principal
        if self._forged(request, principal, csrf):
            self._refuse(request, principal, "missing or wrong CSRF token; reload the page")
        if not self._open(request) and not principal.may(self.role):
            self._refuse(request, principal, f"this needs the {self.role} role")
        site = request.headers.get("sec-fetch-site")
        browser = principal.via in ("local", "session") and site is not None
        if self.same_origin and browser and site not in ("same-origin", "none"):
            self._refuse(
                request,
                principal,
                f"a download or simulation asked by another site or origin ({site}) is "
                "refused; open it from lianfang's own pages",
            )
        return principal

    def _open(self, request: Request) -> bool:
        """Whether anyone may use the route, logged in or not."""
        if self.role == "public":
            return True
        return self.public_if is not None and getattr(request.app.state.settings, self.public_if)

    @staticmethod
    def _forged(request: Request, principal: Principal, csrf: str | None) -> bool:
        """A session's state-changing request without its CSRF token (a token or the
        local mode needs none: no cookie rides along unasked)."""
        if principal.via != "session" or request.method in SAFE_METHODS:
            return False
        return not csrf or not hmac.compare_digest(csrf, principal.csrf)

    def _principal(self, request: Request) -> Principal:
        if local_mode(request):
            return Principal(None, "local")
        public = self._open(request)
        try:
            found = identify(request)
        except LoginRequired:
            if public:
                return Principal(None, "anonymous")
            raise
        if found is None:
            if public:
                return Principal(None, "anonymous")
            raise LoginRequired("log in first, or send `Authorization: Bearer <token>`")
        return found

    def _refuse(self, request: Request, principal: Principal, reason: str) -> None:
        audit(request, principal.name, "request", request.url.path, "refused", reason=reason)
        raise HTTPException(403, reason)


PUBLIC = RoleGate("public")
VIEWER = RoleGate("viewer")
ANALYST = RoleGate("analyst")
ADMIN = RoleGate("admin")
DISCLOSURE = RoleGate("viewer", public_if="public_disclosure")
DOWNLOAD = RoleGate("viewer", same_origin=True)

Public = Annotated[Principal, Depends(PUBLIC)]
Viewer = Annotated[Principal, Depends(VIEWER)]
Analyst = Annotated[Principal, Depends(ANALYST)]
Admin = Annotated[Principal, Depends(ADMIN)]
DisclosureReader = Annotated[Principal, Depends(DISCLOSURE)]
Downloader = Annotated[Principal, Depends(DOWNLOAD)]
