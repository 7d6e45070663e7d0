"""API tokens: `lf_<key>_<secret>`, shown once; the store keeps the SHA-256 and the key
(the public part, by which a token is listed and revoked)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, fields

from lianfang.access import accounts, clock
from lianfang.access.accounts import Account, AccountError
from lianfang.graph import model
from lianfang.graph.store import GraphStore

LABEL = model.TOKEN_LABEL
PREFIX = "lf_"


@dataclass(frozen=True)
class TokenInfo:
    key: str
    account: str
    created: str
    expires: str | None
    revoked: bool


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(store: GraphStore, name: str, expires_days: int | None) -> tuple[str, TokenInfo]:
    """A new token for an account: (the token, shown only now; what is kept of it)."""
    account = accounts.find(store, name)
    if account is None:
        raise AccountError(f"no user {name!r}")
    if expires_days is not None and expires_days < 1:
        raise AccountError("--expires-days must be 1 or more")
    key = secrets.token_hex(4)
    token = f"{PREFIX}{key}_{secrets.token_urlsafe(32)}"
    created = clock.now()
    expires = clock.stamp(created + dt.timedelta(days=expires_days)) if expires_days else None
    made = {
        "uid": digest(token),
        "key": key,
        "account": name,
        "created": clock.stamp(created),
        "expires": expires,
    }
    store.office_write(model.creation(LABEL, made, fixed={"revoked": "false"}), made)
    return token, TokenInfo(key, name, clock.stamp(created), expires, False)


_FIELDS = model.projection(LABEL, "t", [f.name for f in fields(TokenInfo)])


def listing(store: GraphStore, name: str | None = None) -> list[TokenInfo]:
    rows = store.office_read(
        f"MATCH (t:{LABEL}) WHERE $name IS NULL OR t.account = $name RETURN {_FIELDS} "
        "ORDER BY created",
        {"name": name},
    )
    return [TokenInfo(**row) for row in rows]


def revoke(store: GraphStore, key: str) -> TokenInfo:
    """Revoke by the token's key (or the whole token, pasted)."""
    if key.startswith(PREFIX):
        key = key[len(PREFIX) :].split("_", 1)[0]
    rows = store.office_write(
        f"MATCH (t:{LABEL} {{key: $key}}) SET t.revoked = true RETURN {_FIELDS}", {"key": key}
    )
    if not rows:
        raise AccountError(f"no token {key!r} (see `lianfang token list`)")
    return TokenInfo(**rows[0])


def revoke_all(store: GraphStore, name: str) -> int:
    """Revoke every live token of an account: how many were live."""
    rows = store.office_write(
        f"MATCH (t:{LABEL} {{account: $name}}) WHERE NOT coalesce(t.revoked, false) "
        "SET t.revoked = true RETURN count(t) AS n",
        {"name": name},
    )
    return int(rows[0]["n"]) if rows else 0


def authenticate(store: GraphStore, token: str) -> Account | None:
    """The account behind a live token: not revoked, not expired, account enabled."""
    if not token.startswith(PREFIX):
        return None
    rows = store.office_read(
        f"MATCH (t:{LABEL} {{uid: $uid}}) {accounts.JOIN} "
        f"RETURN t.revoked AS revoked, t.expires AS expires, {accounts.FIELDS}",
        {"uid": digest(token)},
    )
    if not rows or rows[0]["revoked"]:
        return None
    expires = rows[0]["expires"]
    if expires and expires <= clock.stamp(clock.now()):
        return None
    return accounts.enabled(rows[0])
