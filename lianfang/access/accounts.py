"""Accounts: a login name, a role, the units it may see, an Argon2 password hash."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from lianfang.access import clock, passwords
from lianfang.graph import model
from lianfang.graph.store import GraphStore

LABEL = model.ACCOUNT_LABEL
RANK = {role: index for index, role in enumerate(model.ROLES)}  # viewer < analyst < admin
NAME = re.compile(r"^[\w.@-]{1,64}$")


class AccountError(ValueError):
    """A name, role or unit that cannot be used; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    units: tuple[str, ...]
    disabled: bool
    created: str

    def may(self, role: str) -> bool:
        """Whether this account holds `role` or a higher one."""
        return not self.disabled and RANK[self.role] >= RANK[role]

    @property
    def scoped(self) -> bool:
        return bool(self.units)


def _account(row: dict[str, object]) -> Account:
    return Account(
        name=str(row["name"]),
        role=str(row["role"]),
        units=_units(row.get("units")),
        disabled=bool(row.get("disabled")),
        created=str(row.get("created") or ""),
    )


# An Account's fields as the declaration (graph/schema.py) names them: its name is the uid.
FIELDS = model.projection(LABEL, "a", [f.name for f in fields(Account)], {"uid": "name"})
# For the lookups that find the account beside a token or a session, in the same query.
JOIN = f"OPTIONAL MATCH (a:{LABEL} {{uid: t.account}})"


def _units(value: object) -> tuple[str, ...]:
    return tuple(str(unit) for unit in value) if isinstance(value, list | tuple) else ()


def enabled(row: dict[str, object]) -> Account | None:
    """The account in a row that joined it (JOIN, then FIELDS), if there and enabled."""
    if row.get("name") is None:
        return None
    account = _account(row)
    return None if account.disabled else account


def check_role(role: str) -> str:
    if role not in RANK:
        raise AccountError(f"role must be one of {', '.join(model.ROLES)}, not {role!r}")
    return role


def check_units(store: GraphStore, units: list[str]) -> list[str]:
    """Every unit must exist: a mistyped scope would show its user nothing at all."""
    if not units:
        return []
    unit = model.node("Unit").label
    found = store.read(
        f"MATCH (u:{unit}) WHERE u.uid IN $units RETURN u.uid AS uid", {"units": units}
    )
    missing = sorted(set(units) - {row["uid"] for row in found})
    if missing:
        raise AccountError(
            f"no unit {', '.join(map(repr, missing))} in the graph; a scope names unit ids "
            'as imported (search them on the web page, or `lianfang cypher "MATCH (u:Unit) '
            'RETURN u.uid, u.name"`)'
        )
    return list(dict.fromkeys(units))


def add(store: GraphStore, name: str, role: str, password: str | None, units: list[str]) -> Account:
    if not NAME.match(name):
        raise AccountError(
            f"{name!r} is not a user name: 1-64 letters, digits, '.', '_', '@' or '-'"
        )
    check_role(role)
    scope = check_units(store, units)
    if find(store, name) is not None:
        raise AccountError(f"user {name!r} exists already")
    if password is not None:
        passwords.check_strength(password, name)
    created = {
        "uid": name,
        "role": role,
        "units": scope,
        "created": clock.stamp(clock.now()),
        "password_hash": passwords.hash_password(password) if password is not None else None,
    }
    store.office_write(
        model.creation(LABEL, created, fixed={"disabled": "false"}),
        created,
    )
    return _require(store, name)


def find(store: GraphStore, name: str) -> Account | None:
    rows = store.office_read(f"MATCH (a:{LABEL} {{uid: $name}}) RETURN {FIELDS}", {"name": name})
    return _account(rows[0]) if rows else None


def _require(store: GraphStore, name: str) -> Account:
    account = find(store, name)
    if account is None:
        raise AccountError(f"no user {name!r}")
    return account


def listing(store: GraphStore) -> list[Account]:
    return [
        _account(row)
        for row in store.office_read(f"MATCH (a:{LABEL}) RETURN {FIELDS} ORDER BY name")
    ]


def any_exist(store: GraphStore) -> bool:
    """Whether anyone can log in: with no account, the web app runs in local mode."""
    rows = store.office_read(f"MATCH (a:{LABEL}) RETURN count(a) AS n")
    return bool(rows and rows[0]["n"])


def disable(store: GraphStore, name: str) -> Account:
    _require(store, name)
    store.office_write(f"MATCH (a:{LABEL} {{uid: $name}}) SET a.disabled = true", {"name": name})
    return _require(store, name)


def set_password(store: GraphStore, name: str, password: str) -> None:
    _require(store, name)
    passwords.check_strength(password, name)
    store.office_write(
        f"MATCH (a:{LABEL} {{uid: $name}}) SET a.password_hash = $hash",
        {"name": name, "hash": passwords.hash_password(password)},
    )


def authenticate(store: GraphStore, name: str, password: str) -> Account | None:
    """The account if the password is right and the account enabled; else None (and
    the same time spent either way)."""
    rows = store.office_read(
        f"MATCH (a:{LABEL} {{uid: $name}}) RETURN {FIELDS}, a.password_hash AS hash",
        {"name": name},
    )
    stored = rows[0]["hash"] if rows else None
    if not passwords.verify(stored, password) or not rows:
        return None
    account = _account(rows[0])
    if account.disabled:
        return None
    if stored is not None and passwords.needs_rehash(stored):
        store.office_write(
            f"MATCH (a:{LABEL} {{uid: $name}}) SET a.password_hash = $hash",
            {"name": name, "hash": passwords.hash_password(password)},
        )
    return account
