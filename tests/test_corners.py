"""Corners the second probe found: the what-if map unaudited, downloads another site's
page could make a browser fetch, the API's description open without login, and a
world-readable data directory."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from accounts_web import add_with_token, bearer, log_in
from fastapi.testclient import TestClient
from registers_data import write_workbook
from web import LOCAL

from lianfang.access import audit
from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load

WHATIF_MAP = "/maps/whatif?appoint=E1@P2"
# What a page may make a browser fetch: each download, and the simulations.
DOWNLOADS = (
    "/api/queries/incompatible-duties?format=csv",
    "/api/queries/incompatible-duties",
    "/api/reports/review.html",
    "/cards/post/P1",
    "/api/notice.html?post=P1",
    "/whatif?appoint=E1@P2",
    WHATIF_MAP,
)


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Iterator[EmbeddedFalkorStore]:
    opened = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), opened)
    yield opened
    opened.close()


def client_for(store: EmbeddedFalkorStore) -> TestClient:
    app = create_app(store=store, settings=AppSettings(warm_seconds=0))
    return TestClient(app, base_url=LOCAL)


def test_the_whatif_map_is_audited(store: EmbeddedFalkorStore) -> None:
    with client_for(store) as client:
        assert client.get(WHATIF_MAP).status_code == 200
    [entry] = audit.entries(store, action="whatif")
    assert entry.detail.get("drawn") == "map" and "E1" in (entry.target or "")


@pytest.mark.parametrize("url", DOWNLOADS)
def test_downloads_refuse_another_sites_page(store: EmbeddedFalkorStore, url: str) -> None:
    """A page on another loopback port is `same-site`, another host `cross-site`: both
    are refused, in local mode and for a logged-in browser; the app's own pages, a
    typed address and clients that are not browsers pass."""
    with client_for(store) as client:
        for site in ("cross-site", "same-site"):
            refused = client.get(url, headers={"Sec-Fetch-Site": site})
            assert refused.status_code == 403, (url, site, refused.text[:200])
        for site in ("same-origin", "none", None):
            headers = {"Sec-Fetch-Site": site} if site else {}
            assert client.get(url, headers=headers).status_code == 200, (url, site)
    add_with_token(store, "ana", "analyst")
    with client_for(store) as client:
        assert log_in(client, "ana") == 303
        assert client.get(url, headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
        assert client.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_a_token_client_is_not_a_browser(store: EmbeddedFalkorStore) -> None:
    token = add_with_token(store, "ana", "analyst")
    with client_for(store) as client:
        headers = {**bearer(token), "Sec-Fetch-Site": "cross-site"}
        assert client.get(DOWNLOADS[0], headers=headers).status_code == 200


def test_the_api_description_needs_a_login_once_accounts_exist(
    store: EmbeddedFalkorStore,
) -> None:
    with client_for(store) as client:
        assert client.get("/openapi.json").status_code == 200  # local mode: this machine
        token = add_with_token(store, "ana", "viewer")
        client.app.state.local_mode = (0.0, False)
        assert client.get("/openapi.json").status_code == 401
        assert client.get("/docs", follow_redirects=False).status_code in (303, 307)
        document = client.get("/openapi.json", headers=bearer(token))
        assert document.status_code == 200 and "/api/queries" in document.json()["paths"]
        page = client.get("/docs", headers=bearer(token))
        assert page.status_code == 200 and "/api/queries/{query_id}" in page.text


def test_the_data_directory_is_its_owners_alone(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o755)
    older = data_dir / "falkordb.log"
    older.write_text("from before\n")
    older.chmod(0o644)
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        load(write_workbook(tmp_path / "org.xlsx"), store)
        paths = [data_dir, *data_dir.rglob("*")]
        modes = {p: stat.S_IMODE(os.lstat(p).st_mode) for p in paths if not p.is_socket()}
    assert len(modes) > 5
    loose = {str(p): oct(m) for p, m in modes.items() if m & 0o077}
    assert not loose


@pytest.mark.parametrize(
    "url",
    [
        "/api/whatif",
        "/api/rectifications",
        "/api/rectifications/R1/start",
        "/api/acceptances",
        "/api/snapshots",
    ],
)
def test_a_body_that_is_not_json_is_a_422_that_says_so(
    store: EmbeddedFalkorStore, url: str
) -> None:
    """The validation handler tried to encode the raw bytes, and answered 500."""
    with TestClient(
        create_app(store=store, settings=AppSettings(warm_seconds=0)),
        base_url=LOCAL,
        raise_server_exceptions=False,
    ) as client:
        answer = client.post(url, content=b"{}", headers={"Content-Type": "text/plain"})
        assert answer.status_code == 422, answer.text
        first = answer.json()["detail"][0]
        assert "application/json" in first["msg"] and "text/plain" in first["msg"]
        binary = client.post(url, content=b"\xff\xfe\x00", headers={"Content-Type": "x/y"})
        assert binary.status_code == 422, binary.text
