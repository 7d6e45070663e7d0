"""The office's own records, declared once: who may use the web app, what they did, the
rectification ledger and the accepted findings. None is a register record: they live
beside the graph (FalkorDB: a graph of their own; Neo4j: the same database, under labels
no import, carry or clear touches), so that an import never sees them. Their reads and
writes are derived from these classes (graph/model.py: projection, creation).
"""

from __future__ import annotations

from neomodel import ArrayProperty, BooleanProperty, StringProperty, StructuredNode

ROLES = {"viewer": "查看", "analyst": "分析", "admin": "管理"}


class Account(StructuredNode):
    """One analyst's login: a role, and the units (with their sub-units) they may see;
    no units means every unit."""

    uid = StringProperty(required=True, unique_index=True)  # the login name
    role = StringProperty(required=True, choices=ROLES)
    units = ArrayProperty(StringProperty(), default=list)
    password_hash = StringProperty()
    disabled = BooleanProperty(default=False)
    created = StringProperty(required=True)


class ApiToken(StructuredNode):
    """A token for `Authorization: Bearer`; only its SHA-256 is kept (the token itself is
    random, so a fast hash is enough: there is no password to guess)."""

    uid = StringProperty(required=True, unique_index=True)  # sha256 of the token
    key = StringProperty(required=True, index=True)  # the token's public prefix
    account = StringProperty(required=True, index=True)
    created = StringProperty(required=True)
    expires = StringProperty()  # ISO UTC; none: never
    revoked = BooleanProperty(default=False)


class LoginSession(StructuredNode):
    """A signed-in browser: the cookie holds a random id, the store only its SHA-256."""

    uid = StringProperty(required=True, unique_index=True)
    account = StringProperty(required=True, index=True)
    csrf = StringProperty(required=True)
    created = StringProperty(required=True)
    expires = StringProperty(required=True)


class AuditEntry(StructuredNode):
    """One audited action. Written once; nothing in lianfang updates or deletes it."""

    uid = StringProperty(required=True, unique_index=True)
    at = StringProperty(required=True, index=True)  # ISO UTC, so it sorts as text
    user = StringProperty(index=True)
    client = StringProperty()
    action = StringProperty(required=True)
    target = StringProperty()
    detail = StringProperty()  # JSON
    outcome = StringProperty(required=True)


RECTIFICATION_STATUSES = {
    "open": "待整改",
    "in_progress": "整改中",
    "rectified": "已整改",
    "verified": "已销号",
}


class Rectification(StructuredNode):
    """An item of the rectification ledger (整改台账): one finding, identified as snapshots
    identify it (query id and key), followed until it is verified (销号)."""

    uid = StringProperty(required=True, unique_index=True)  # R0001, R0002 …
    query_id = StringProperty(required=True, index=True)
    key = StringProperty(required=True)  # JSON list: the finding's key
    label = StringProperty()
    owner_post = StringProperty(index=True)
    due = StringProperty(required=True, index=True)  # YYYY-MM-DD: compared as text
    note = StringProperty()
    status = StringProperty(required=True, choices=RECTIFICATION_STATUSES, index=True)
    done = StringProperty()  # what was done, when marked rectified
    opened_by = StringProperty()
    rectified_by = StringProperty()
    verified_by = StringProperty()
    verified_on = StringProperty()  # ISO UTC
    history = StringProperty()  # JSON list of moves: status, user, time, reason


class Acceptance(StructuredNode):
    """A finding accepted for a time (暂缓/风险接受): counted apart until it expires."""

    uid = StringProperty(required=True, unique_index=True)  # A0001 …
    query_id = StringProperty(required=True, index=True)
    key = StringProperty(required=True)  # JSON list
    label = StringProperty()
    reason = StringProperty(required=True)
    approver = StringProperty(required=True)
    expires = StringProperty(required=True)  # YYYY-MM-DD: compared as text
    accepted_by = StringProperty()
    created = StringProperty(required=True)


OFFICE_CLASSES: tuple[type[StructuredNode], ...] = (
    Account,
    ApiToken,
    LoginSession,
    AuditEntry,
    Rectification,
    Acceptance,
)
