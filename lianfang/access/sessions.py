"""Browser sessions: the cookie carries a random id; the store keeps its SHA-256, the
account, a CSRF secret for the session's forms, and when it ends."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from lianfang.access import accounts, clock
from lianfang.access.accounts import Account
from lianfang.access.tokens import digest
from lianfang.graph import model
from lianfang.graph.store import GraphStore

LABEL = model.SESSION_LABEL


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str


def start(store: GraphStore, account: Account, hours: float) -> tuple[str, Session]:
    """A new session: (the cookie value, the session)."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    moment = clock.now()
    started = {
        "uid": digest(cookie),
        "account": account.name,
        "csrf": csrf,
        "created": clock.stamp(moment),
        "expires": clock.stamp(moment + dt.timedelta(hours=hours)),
    }
    store.office_write(model.creation(LABEL, started), started)
    return cookie, Session(account, csrf)


def find(store: GraphStore, cookie: str) -> Session | None:
    """The live session behind a cookie, its account still enabled; else None."""
    rows = store.office_read(
        f"MATCH (t:{LABEL} {{uid: $uid}}) {accounts.JOIN} "
        f"RETURN t.csrf AS csrf, t.expires AS expires, {accounts.FIELDS}",
        {"uid": digest(cookie)},
    )
    if not rows or rows[0]["expires"] <= clock.stamp(clock.now()):
        return None
    account = accounts.enabled(rows[0])
    return None if account is None else Session(account, rows[0]["csrf"])


def end(store: GraphStore, cookie: str) -> None:
    store.office_write(f"MATCH (s:{LABEL} {{uid: $uid}}) DELETE s", {"uid": digest(cookie)})


def end_expired(store: GraphStore) -> None:
    store.office_write(
        f"MATCH (s:{LABEL}) WHERE s.expires <= $now DELETE s", {"now": clock.stamp(clock.now())}
    )


def end_all(store: GraphStore, name: str) -> int:
    """End every session of an account (its password changed): how many there were."""
    rows = store.office_write(
        f"MATCH (s:{LABEL} {{account: $name}}) WITH s, s.uid AS uid DELETE s "
        "RETURN count(uid) AS n",
        {"name": name},
    )
    return int(rows[0]["n"]) if rows else 0
