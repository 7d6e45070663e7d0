"""Accounts on the web app: login, roles on every route, tokens, CSRF, lockout, the
audit log and the guard, over the real embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accounts_web import ROLES, add_with_token, bearer, form_token, log_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from registers_data import write_workbook
from servers import cli
from web import LOCAL, hostile_store

from lianfang.access import accounts, audit
from lianfang.access.accounts import RANK
from lianfang.api.auth import RoleGate
from lianfang.api.main import ROUTERS, create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import StoreError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Iterator[EmbeddedFalkorStore]:
    opened = hostile_store(data_dir, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def app_tokens(store: EmbeddedFalkorStore) -> dict[str, str]:
    return {role: add_with_token(store, f"{role}1", role) for role in ROLES}


def client_for(store: EmbeddedFalkorStore, base_url: str = LOCAL, **settings: Any) -> TestClient:
    app = create_app(store=store, settings=AppSettings(warm_seconds=0, **settings))
    return TestClient(app, base_url=base_url)


def gates(route: APIRoute) -> list[RoleGate]:
    found: list[RoleGate] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, RoleGate):
            found.append(dependant.call)
        pending.extend(dependant.dependencies)
    return found


def app_routes() -> list[APIRoute]:
    """Every route the app serves, as declared on its routers."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


def test_every_route_declares_exactly_one_role(store: EmbeddedFalkorStore) -> None:
    app = create_app(store=store)
    api_paths = set(app.openapi()["paths"])
    routes = app_routes()
    assert {r.path for r in routes if r.include_in_schema} == api_paths
    missing = [f"{sorted(r.methods)} {r.path}" for r in routes if len(gates(r)) != 1]
    assert not missing, f"routes without exactly one declared role: {missing}"


SAMPLE = {
    "query_id": "unmitigated-high-risks",
    "label": "Unit",
    "uid": "U1",
    "fmt": "html",
}


def sample_url(route: APIRoute) -> str:
    path = route.path
    for name, value in SAMPLE.items():
        path = path.replace("{" + name + "}", value)
    if route.path == "/api/drift":
        path += "?from=nothing"
    return path


def call(client: TestClient, route: APIRoute, headers: dict[str, str]) -> int:
    method = sorted(route.methods - {"HEAD"})[0]
    url = sample_url(route)
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False).status_code
    if method == "DELETE":
        return client.delete(url, headers=headers, follow_redirects=False).status_code
    return client.post(url, headers=headers, json={}, follow_redirects=False).status_code


def test_role_by_route_matrix(store: EmbeddedFalkorStore, app_tokens: dict[str, str]) -> None:
    """Each identity against every route: refused exactly where the declared role says."""
    with client_for(store) as client:
        routes = app_routes()
        wrong: list[str] = []
        for route in routes:
            [gate] = gates(route)
            anonymous = call(client, route, {})
            expected_anonymous = "allowed" if gate.role == "public" else "login"
            got = "login" if anonymous in (401, 303) else "allowed"
            if anonymous == 403:
                got = "refused"
            if got != expected_anonymous:
                wrong.append(f"anonymous {route.path}: {anonymous}")
            for role, token in app_tokens.items():
                status = call(client, route, bearer(token))
                allowed = gate.role == "public" or RANK[role] >= RANK[gate.role]
                if allowed == (status in (401, 403)):
                    wrong.append(f"{role} {sorted(route.methods)} {route.path}: {status}")
        assert not wrong, wrong


def test_unauthenticated_api_is_401_and_pages_go_to_login(
    store: EmbeddedFalkorStore, app_tokens: dict[str, str]
) -> None:
    with client_for(store) as client:
        answer = client.get("/api/queries")
        assert answer.status_code == 401
        assert "log in" in answer.json()["detail"]
        assert answer.headers["www-authenticate"] == "Bearer"
        page = client.get(
            "/queries/unmitigated-high-risks?as_of=2024-01-01", follow_redirects=False
        )
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=%2Fqueries%2Funmitigated")
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/static/app.css").status_code == 200
        assert client.get("/api/queries", headers=bearer("lf_nope_nope")).status_code == 401


def test_a_viewers_import_is_403_and_audited(
    store: EmbeddedFalkorStore, app_tokens: dict[str, str], tmp_path: Path
) -> None:
    workbook = write_workbook(tmp_path / "again.xlsx")
    with client_for(store) as client, workbook.open("rb") as handle:
        answer = client.post(
            "/api/ingest",
            headers=bearer(app_tokens["viewer"]),
            files={"file": ("again.xlsx", handle, XLSX)},
        )
    assert answer.status_code == 403
    assert "analyst" in answer.json()["detail"]
    refused = audit.entries(store, user="viewer1")
    assert [(e.action, e.outcome, e.target) for e in refused] == [
        ("request", "refused", "/api/ingest")
    ]


def test_login_session_csrf_and_logout(store: EmbeddedFalkorStore, tmp_path: Path) -> None:
    accounts.add(store, "ana", "analyst", "correct horse battery", [])
    with client_for(store) as client:
        assert log_in(client, "ana", next_path="/units") == 303
        cookie = client.cookies.get("lianfang_session")
        assert cookie
        home = client.get("/")
        assert home.status_code == 200
        assert 'id="user-name">ana<' in home.text
        csrf = form_token(home.text)
        workbook = write_workbook(tmp_path / "org.xlsx")
        with workbook.open("rb") as handle:
            forged = client.post("/upload", files={"file": ("org.xlsx", handle, XLSX)})
        assert forged.status_code == 403
        assert "CSRF" in forged.json()["detail"]
        with workbook.open("rb") as handle:
            sent = client.post(
                "/upload",
                data={"csrf": csrf, "dry_run": "true"},
                files={"file": ("org.xlsx", handle, XLSX)},
            )
        assert sent.status_code == 200, sent.text
        assert (
            client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        )
        client.cookies.set("lianfang_session", cookie)  # a stolen copy of the ended session
        assert client.get("/api/stats").status_code == 401


def test_the_login_form_refuses_a_missing_form_token(store: EmbeddedFalkorStore) -> None:
    accounts.add(store, "ana", "analyst", "correct horse battery", [])
    with client_for(store) as client:
        answer = client.post(
            "/login", data={"username": "ana", "password": "correct horse battery", "csrf": "x"}
        )
        assert answer.status_code == 403
        assert "lianfang_session" not in client.cookies


def test_the_session_cookie_flags(store: EmbeddedFalkorStore) -> None:
    accounts.add(store, "ana", "analyst", "correct horse battery", [])
    with client_for(store, base_url="https://127.0.0.1") as client:
        page = client.get("/login")
        answer = client.post(
            "/login",
            data={
                "username": "ana",
                "password": "correct horse battery",
                "csrf": form_token(page.text),
            },
            follow_redirects=False,
        )
        [cookie] = [c.lower() for c in answer.headers.get_list("set-cookie") if "session=" in c]
        for flag in ("httponly", "samesite=lax", "secure"):
            assert flag in cookie


def test_repeated_failures_lock_the_account_and_are_audited(store: EmbeddedFalkorStore) -> None:
    accounts.add(store, "ana", "analyst", "correct horse battery", [])
    with client_for(store, login_attempts=3, lockout_seconds=30) as client:
        assert [log_in(client, "ana", "wrong password!") for _ in range(3)] == [401] * 3
        # Locked now: even the right password waits.
        page = client.get("/login")
        locked = client.post(
            "/login",
            data={
                "username": "ana",
                "password": "correct horse battery",
                "csrf": form_token(page.text),
            },
        )
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) > 0
    outcomes = [e.outcome for e in audit.entries(store, user="ana", action="login")]
    assert outcomes == ["failed", "failed", "failed", "refused"]


def test_tokens_expire_and_revoke(store: EmbeddedFalkorStore, app_tokens: dict[str, str]) -> None:
    from lianfang.access import tokens

    token = app_tokens["viewer"]
    with client_for(store) as client:
        assert client.get("/api/stats", headers=bearer(token)).status_code == 200
        short, info = tokens.create(store, "viewer1", 1)
        assert client.get("/api/stats", headers=bearer(short)).status_code == 200
        store.office_write(
            "MATCH (t:ApiToken {key: $key}) SET t.expires = '2020-01-01T00:00:00.000Z'",
            {"key": info.key},
        )
        assert client.get("/api/stats", headers=bearer(short)).status_code == 401
        tokens.revoke(store, token)
        assert client.get("/api/stats", headers=bearer(token)).status_code == 401
        accounts.disable(store, "analyst1")
        assert client.get("/api/stats", headers=bearer(app_tokens["analyst"])).status_code == 401


def test_the_audit_log_of_a_session(
    store: EmbeddedFalkorStore, app_tokens: dict[str, str], tmp_path: Path
) -> None:
    """Logins, an import and downloads, each with its user (the issue's 'done when')."""
    accounts.add(store, "ana", "analyst", "correct horse battery", [])
    workbook = write_workbook(tmp_path / "org.xlsx")
    with client_for(store) as client:
        log_in(client, "ana", "not the password")
        assert log_in(client, "ana") == 303
        csrf = form_token(client.get("/").text)
        with workbook.open("rb") as handle:
            client.post(
                "/upload",
                data={"csrf": csrf, "source": "市场监管局"},
                files={"file": ("org.xlsx", handle, XLSX)},
            )
        assert client.get("/api/queries/unmitigated-high-risks.csv").status_code == 200
        assert client.get("/api/reports/review.xlsx").status_code == 200
        admin = client.get("/api/admin/audit?user=ana", headers=bearer(app_tokens["admin"]))
    entries = admin.json()
    seen = [(e["action"], e["outcome"], e["user"]) for e in entries]
    assert seen == [
        ("login", "failed", "ana"),
        ("login", "ok", "ana"),
        ("import", "started", "ana"),
        ("import", "ok", "ana"),
        ("export", "ok", "ana"),
        ("download", "ok", "ana"),
    ]
    imported = entries[3]
    assert imported["target"] == "市场监管局"
    assert imported["detail"]["file"] == "org.xlsx"
    assert imported["detail"]["nodes"]["Post"] > 0
    assert entries[4]["detail"] == {"format": "csv", "rows": entries[4]["detail"]["rows"]}
    assert entries[4]["target"] == "unmitigated-high-risks"
    assert all(e["client"] for e in entries)
    # The same, as an admin reads it on the command line.
    printed = cli(store.server.data_dir, "audit", "--user", "ana", "--format", "json")
    assert printed.returncode == 0, printed.stderr
    assert [(e["action"], e["outcome"], e["user"]) for e in json.loads(printed.stdout)] == seen


def test_an_action_fails_when_its_audit_cannot_be_written(
    store: EmbeddedFalkorStore, app_tokens: dict[str, str], tmp_path: Path
) -> None:
    before = store.counts()
    with client_for(store) as client:
        # Break the audit log's storage: its graph key now holds a plain string.
        store.db.connection.delete(store.office_graph)
        store.db.connection.set(store.office_graph, "not a graph")
        try:
            workbook = write_workbook(tmp_path / "more.xlsx")
            with workbook.open("rb") as handle:
                answer = client.post(
                    "/api/ingest",
                    headers=bearer(app_tokens["analyst"]),
                    files={"file": ("more.xlsx", handle, XLSX)},
                    data={"source": "another"},
                )
            assert answer.status_code in (401, 503)
        finally:
            store.db.connection.delete(store.office_graph)
        assert store.counts() == before
    with pytest.raises(StoreError):
        store.db.connection.set(store.office_graph, "not a graph")
        audit.record(store, "export", user="x", client=None)
    store.db.connection.delete(store.office_graph)


def test_a_download_is_not_sent_when_its_audit_fails(data_dir: Path, tmp_path: Path) -> None:
    """Local mode (no account to read): the export runs, its audit fails, nothing is sent."""
    store = hostile_store(data_dir, tmp_path)
    try:
        with client_for(store) as client:
            assert client.get("/api/queries/unmitigated-high-risks.csv").status_code == 200
            store.db.connection.set(store.office_graph, "not a graph")
            # Local mode was read less than a second ago and is kept.
            answer = client.get("/api/queries/unmitigated-high-risks.csv")
            assert answer.status_code == 503
            assert "risk_id" not in answer.text
    finally:
        store.db.connection.delete(store.office_graph)
        store.close()


def test_local_mode_banner_and_no_login(store: EmbeddedFalkorStore) -> None:
    with client_for(store) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert 'id="local-mode"' in page.text
        assert client.get("/login", follow_redirects=False).status_code == 303


def test_the_guard_refuses_foreign_hosts_and_cross_origin_writes(
    store: EmbeddedFalkorStore, tmp_path: Path
) -> None:
    workbook = write_workbook(tmp_path / "org.xlsx")
    with client_for(store, allowed_hosts=["risk.example.gov.cn"]) as client:
        assert client.get("/", headers={"host": "evil.example"}).status_code == 403
        assert client.get("/", headers={"host": "risk.example.gov.cn"}).status_code == 200
        assert client.get("/", headers={"host": "127.0.0.1:8123"}).status_code == 200
        for headers in (
            {"origin": "http://127.0.0.1:9999"},
            {"origin": "null"},
            {"sec-fetch-site": "same-site"},
            {"sec-fetch-site": "cross-site", "origin": "http://127.0.0.1"},
        ):
            with workbook.open("rb") as handle:
                answer = client.post(
                    "/api/ingest", headers=headers, files={"file": ("org.xlsx", handle, XLSX)}
                )
            assert answer.status_code == 403, headers
        with workbook.open("rb") as handle:
            same = client.post(
                "/api/ingest",
                headers={"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin"},
                files={"file": ("org.xlsx", handle, XLSX)},
                data={"dry_run": "true"},
            )
        assert same.status_code == 200
    refused = [e for e in audit.entries(store) if e.outcome == "refused"]
    assert len(refused) == 5


def test_security_headers(store: EmbeddedFalkorStore) -> None:
    with client_for(store) as client:
        page = client.get("/")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'self'" in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        drawn = client.get("/maps/unit/U1")  # a map runs the app's own scripts only
        assert drawn.headers["content-security-policy"] == policy
        assert "<script>" not in drawn.text and 'src="/static/map/map.js"' in drawn.text


def test_the_disclosure_is_public_only_when_turned_on(
    store: EmbeddedFalkorStore, app_tokens: dict[str, str]
) -> None:
    with client_for(store) as client:
        assert client.get("/api/reports/disclosure.html").status_code == 401
    with client_for(store, public_disclosure=True) as client:
        assert client.get("/api/reports/disclosure.html").status_code == 200
        assert client.get("/api/reports/review.html").status_code == 401
    entries = [e for e in audit.entries(store) if e.action == "download"]
    assert [(e.user, e.target) for e in entries] == [(None, "disclosure")]


def test_admin_pages(store: EmbeddedFalkorStore, app_tokens: dict[str, str]) -> None:
    with client_for(store) as client:
        users = client.get("/api/admin/users", headers=bearer(app_tokens["admin"])).json()
        assert {u["name"] for u in users} == {"viewer1", "analyst1", "admin1"}
        assert all("hash" not in json.dumps(u) for u in users)
        page = client.get("/admin/audit?action=login", headers=bearer(app_tokens["admin"]))
        assert page.status_code == 200 and 'id="audit-table"' in page.text
        bad = client.get("/api/admin/audit?since=yesterday", headers=bearer(app_tokens["admin"]))
        assert bad.status_code == 422
