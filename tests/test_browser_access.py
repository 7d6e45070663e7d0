"""Logging in through the real form in Chromium, the security policy under a real
browser, and the cross-origin upload that a page on another port once got through."""

from __future__ import annotations

import base64
import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from accounts_web import PASSWORD
from browser import chromium_missing, serving
from conftest import free_port
from registers_data import write_workbook
from web import hostile_store

from lianfang.access import accounts, audit
from lianfang.api.main import create_app
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.loop import ledger
from lianfang.queries.spec import library

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedFalkorStore]:
    root = Path(tempfile.mkdtemp(prefix="lf-acc-", dir="/tmp"))
    opened = hostile_store(root / "data", tmp_path)
    yield opened
    opened.close()


def policy_violations(page: object) -> list[str]:
    found: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_log_in_through_the_form_and_out_again(browser, store: EmbeddedFalkorStore) -> None:
    accounts.add(store, "ana", "analyst", PASSWORD, [])
    with serving(create_app(store=store)) as url:
        context = browser.new_context()
        page = context.new_page()
        violations = policy_violations(page)
        page.goto(url + "/queries/unmitigated-high-risks")
        assert "/login" in page.url
        page.fill("#username", "ana")
        page.fill("#password", "a wrong password")
        page.click("#login-form button[type=submit]")
        assert page.inner_text("#login-error")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#results")
        assert page.url.endswith("/queries/unmitigated-high-risks")
        assert page.inner_text("#user-name") == "ana"
        frame = page.frame_locator("#findings-map")
        frame.locator("body[data-rendered]").wait_for(timeout=30_000)
        assert frame.locator("canvas").count() == 1
        page.goto(url + "/")
        page.wait_for_selector("#upload-form")
        page.click("#logout-form button")
        page.wait_for_url("**/login")
        page.goto(url + "/units")
        assert "/login" in page.url
        assert violations == []
        context.close()
    logins = [(e.user, e.outcome) for e in audit.entries(store, action="login")]
    assert logins == [("ana", "failed"), ("ana", "ok")]
    assert [e.user for e in audit.entries(store, action="logout")] == ["ana"]


ATTACK = """<!DOCTYPE html><html><body><script>
const bytes = Uint8Array.from(atob("{workbook}"), c => c.charCodeAt(0));
const form = new FormData();
form.append("file", new Blob([bytes]), "org.xlsx");
form.append("source", "cross-site");
fetch("{target}/api/ingest", {{method: "POST", mode: "no-cors", body: form}})
  .then(() => document.title = "sent", () => document.title = "failed");
</script></body></html>"""


@pytest.fixture
def attacker(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """Another origin on this machine: a plain web server on another port."""
    folder = tmp_path / "attacker"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, port
    server.shutdown()


def test_a_cross_origin_upload_is_refused_in_local_mode(
    browser, store: EmbeddedFalkorStore, attacker: tuple[Path, int], tmp_path: Path
) -> None:
    folder, port = attacker
    workbook = write_workbook(tmp_path / "org.xlsx")
    before = store.counts()
    with serving(create_app(store=store)) as url:
        page_text = ATTACK.format(
            workbook=base64.b64encode(workbook.read_bytes()).decode(), target=url
        )
        (folder / "attack.html").write_text(page_text, encoding="utf-8")
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/attack.html")
        page.wait_for_function("document.title !== ''", timeout=30_000)
        context.close()
    assert store.counts() == before
    refused = [e for e in audit.entries(store) if e.outcome == "refused"]
    assert [e.target for e in refused] == ["/api/ingest"]
    assert "same-site" in refused[0].detail["reason"]
    assert not [s for s in store.read("MATCH (n) WHERE n.source = 'cross-site' RETURN n.uid AS u")]


def test_the_page_and_maps_pass_the_policy_in_local_mode(
    browser, store: EmbeddedFalkorStore
) -> None:
    with serving(create_app(store=store)) as url:
        context = browser.new_context()
        page = context.new_page()
        violations = policy_violations(page)
        page.goto(url + "/")
        assert page.locator("#local-mode").count() == 1
        page.goto(url + "/maps/unit/U1")
        page.wait_for_selector("body[data-rendered]", timeout=30_000)
        assert page.locator("canvas").count() == 1
        page.goto(url + "/nodes/Post/P1")
        page.frame_locator("iframe.map").locator("body[data-rendered]").wait_for(timeout=30_000)
        assert violations == []
        context.close()


def test_the_ledger_view_opens_moves_and_filters_items(browser, store: EmbeddedFalkorStore) -> None:
    with serving(create_app(store=store)) as url:
        context = browser.new_context()
        page = context.new_page()
        violations = policy_violations(page)
        page.goto(url + "/ledger")
        assert page.inner_text("#ledger-empty").startswith("台账中暂无整改事项")
        short = library()["unmitigated-high-risks"].finding_id({"risk_id": "K3"})
        page.fill("#ledger-open input[name=finding_id]", short)
        page.fill("#ledger-open input[name=due]", "2099-01-31")
        page.click("#ledger-open button")
        page.wait_for_selector("#item-R0001")
        assert "R0001" in page.inner_text("#ledger-message")
        assert page.inner_text("#item-R0001 .status") == "待整改"
        page.click("#item-R0001 form[action$='/start'] button")
        page.wait_for_function(
            "document.querySelector('#item-R0001 .status').textContent === '整改中'"
        )
        page.fill("#item-R0001 input[name=done]", "已建立并落实审批复核制度")
        page.click("#item-R0001 form[action$='/rectify'] button")
        page.wait_for_function(
            "document.querySelector('#item-R0001 .status').textContent === '已整改'"
        )
        page.click("#item-R0001 form[action$='/verify'] button")  # the gap is still there
        page.wait_for_selector("#ledger-message")
        assert "cannot be verified" in page.inner_text("#ledger-message")
        assert page.inner_text("#item-R0001 .status") == "已整改"
        store.write(  # the registers now show a control in effect
            "MATCH (r:RiskPoint {uid: 'K3'}) CREATE (r)-[:MITIGATED_BY {origin: 't'}]->"
            "(:Control {uid: 'CX', code: 'CX', source: 't', description: '集体决策', "
            "status: '已落实'})"
        )
        page.click("#item-R0001 form[action$='/verify'] button")
        page.wait_for_function(
            "document.querySelector('#item-R0001 .status').textContent === '已销号'"
        )
        page.select_option("#ledger-filter select[name=status]", "open")
        page.click("#ledger-filter button")
        page.wait_for_url("**status=open**")
        assert page.locator("#item-R0001").count() == 0
        page.select_option("#ledger-filter select[name=status]", "verified")
        page.click("#ledger-filter button")
        page.wait_for_selector("#item-R0001")
        assert violations == []
        context.close()
    [item] = ledger.items(store)
    assert item.status == "verified" and item.done == "已建立并落实审批复核制度"


def test_simulate_an_appointment_from_the_person_page(browser, store: EmbeddedFalkorStore) -> None:
    before = store.counts()
    with serving(create_app(store=store)) as url:
        context = browser.new_context()
        page = context.new_page()
        violations = policy_violations(page)
        page.goto(url + "/nodes/Person/E1")
        page.fill("#simulate-form input[name=post]", "P2")
        page.click("#simulate-form button")
        page.wait_for_selector("#whatif-results")
        found = page.locator(".whatif-query").evaluate_all(
            "sections => sections.map(s => s.dataset.query)"
        )
        assert {"incompatible-duties", "concurrent-key-posts", "process-capture"} <= set(found)
        assert "任命王建国为" in page.inner_text("#whatif-changes")  # by names, not ids
        frame = page.frame_locator("#whatif-map")
        frame.locator("body[data-rendered]").wait_for(timeout=30_000)
        assert frame.locator("canvas").count() == 1
        page.goto(url + "/whatif?appoint=E1@P1")
        assert "already holds" in page.inner_text("#whatif-error")
        page.goto(url + "/maps/path?from=E1&to=Q1")
        page.wait_for_selector("body[data-rendered]", timeout=30_000)
        assert violations == []
        context.close()
    assert store.counts() == before
    # The page and the map it draws are each audited (the map alone was not).
    entries = audit.entries(store)
    assert [e.action for e in entries] == ["whatif", "whatif"]
    assert sorted(e.detail.get("drawn", "page") for e in entries) == ["map", "page"]
