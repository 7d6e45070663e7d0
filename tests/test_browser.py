"""The page in real headless Chromium: run a query, see its rows and its map, download
the CSV, upload a bad workbook, and survive a post named like an XSS attack."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_missing, serving
from registers_data import SHEETS, write_workbook
from web import XSS, hostile_store

from lianfang.api.main import create_app
from lianfang.queries.spec import library

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="lf-web-", dir="/tmp"))
    store = hostile_store(root / "data", tmp_path_factory.mktemp("web"))
    with serving(create_app(store=store)) as url:
        yield url, store
    store.close()


@pytest.fixture
def page(browser, site) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    yield opened
    assert dialogs == [], f"a script from register text ran: {dialogs}"
    context.close()


def expected_map_nodes(store, query_id: str) -> int:
    from lianfang.queries.runner import run
    from lianfang.viz.aggregate import fit
    from lianfang.viz.subgraph import findings_map, mark_exposed

    result = run(store, query_id)
    graph = findings_map(store, result.rows, dt.date.today())
    return len(fit(mark_exposed(store, graph)).nodes)


def test_run_a_query_see_rows_map_and_download_csv(page, site) -> None:
    url, store = site
    page.goto(url + "/")
    assert page.inner_text("#fig-risks") == "5" and page.inner_text("#fig-high") == "3"
    page.click("#catalogue a[href='/queries/unmitigated-high-risks']")
    page.wait_for_selector("#results")
    ids = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(ids) == ["K3", "K5"]
    shown = page.locator("#results tbody tr td.finding-id .fid").all_inner_texts()
    spec = library()["unmitigated-high-risks"]
    assert sorted(shown) == sorted(spec.finding_id({"risk_id": k}) for k in ("K3", "K5"))
    first = page.locator("#results tbody tr td.finding-id").first
    assert first.locator("a.act").first.get_attribute("href") == f"/ledger?finding={shown[0]}"
    assert page.inner_text("#results thead th:nth-child(2)") == "风险点编号"
    frame = page.frame_locator("#findings-map")
    frame.locator("body[data-rendered]").wait_for(timeout=30_000)
    rendered = frame.locator("body").get_attribute("data-rendered")
    assert int(rendered) == expected_map_nodes(store, "unmitigated-high-risks") > 0
    assert frame.locator("canvas").count() == 1
    with page.expect_download() as download:
        page.click("#download-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert sorted(r["risk_id"] for r in csv.DictReader(io.StringIO(text))) == ["K3", "K5"]


def test_parameters_rerun_the_query(page, site) -> None:
    url, _ = site
    page.goto(url + "/queries/unmitigated-high-risks")
    page.select_option("select[name=min_level]", "low")
    page.click("#run")
    page.wait_for_url("**min_level=low**")
    assert "（共5项）" in page.inner_text("#ratio")


def test_upload_a_bad_workbook_and_see_its_errors(page, site, tmp_path: Path) -> None:
    url, _ = site
    broken = {k: [dict(r) for r in v] for k, v in SHEETS.items()}
    broken["risks"][0]["level"] = "很高"
    broken["posts"][3]["unit_id"] = "U9"
    workbook = write_workbook(tmp_path / "坏的登记表.xlsx", broken)
    page.goto(url + "/")
    page.set_input_files("#upload-form input[type=file]", str(workbook))
    page.fill("#upload-form input[name=source]", "org")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#errors-table")
    rows = page.locator("#errors-table tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert any("风险等级" in r and "很高" in r for r in rows)
    assert any("所属单位编号" in r and "U9" in r for r in rows)
    page.goto(url + "/")
    assert page.inner_text("#fig-risks") == "5"  # nothing was written


def test_register_text_is_shown_as_text_never_run(page, site) -> None:
    url, _ = site
    page.goto(url + "/nodes/Post/P5")
    assert XSS in page.inner_text("#properties")
    page.goto(url + "/maps/unit/U2")
    page.wait_for_selector("body[data-rendered]")
    point = page.evaluate(
        "() => { const m = window.lianfangMap.network;"
        " return m.canvasToDOM(m.getPositions(['Post:P5'])['Post:P5']); }"
    )
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#details dl")
    assert XSS in page.inner_text("#details")
    assert page.locator("#details script, #details img").count() == 0


def test_the_english_switch(page, site) -> None:
    url, _ = site
    page.goto(url + "/")
    page.click("#lang-switch")
    page.wait_for_selector("text=Gap queries")
    page.goto(url + "/units")
    assert "Units" in page.inner_text("main h2")  # the choice is remembered


def test_the_html_report_shows_its_chart(page, site) -> None:
    url, _ = site
    page.goto(url + "/")
    page.click("#report-html")
    page.wait_for_selector("#chart svg")
    width = page.evaluate(
        "() => document.querySelector('#chart svg').getBoundingClientRect().width"
    )
    assert width > 500
    # Every category label is drawn by the browser, in its own fonts: it has a width.
    widths = page.evaluate(
        "() => [...document.querySelectorAll('#chart svg text')]"
        ".filter(t => t.textContent === '三重一大').map(t => t.getBBox().width)"
    )
    assert widths and widths[0] > 20
    assert "排查廉政风险点5个" in page.inner_text("#summary")


def test_upload_a_published_table_see_how_it_reads_and_confirm(page, site) -> None:
    """The page checks an office's own table first, shows each printed column as read,
    and imports it only when confirmed."""
    url, store = site
    table = Path(__file__).parent / "fixtures" / "published" / "平川区黄峤中学汇总表.docx"
    page.goto(url + "/")
    page.set_input_files("#upload-form input[type=file]", str(table))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#read-as-table")
    read = page.locator("#read-as-table tbody tr").all_inner_texts()
    assert any("主管领导" in r and "责任人" in r for r in read)
    assert any("防控方法" in r and "防控措施" in r for r in read)
    assert store.read(
        "MATCH (r:RiskPoint {source: '平川区黄峤中学汇总表'}) RETURN count(r) AS n"
    ) == [{"n": 0}]
    page.click("#confirm-import")
    page.wait_for_selector("#upload-ok")
    assert store.read(
        "MATCH (r:RiskPoint {source: '平川区黄峤中学汇总表'}) RETURN count(r) AS n"
    ) == [{"n": 2}]
    page.screenshot(path=str(Path("/tmp") / "published-upload.png"))


def test_a_post_page_speaks_chinese_and_its_picker_finds_people_by_name(page, site) -> None:
    """Properties and relations by their Chinese names, flags as 是/否, links to the
    risk card; the simulate form's person field offers people as one types a name, with
    their unit, and fills in the chosen one's id."""
    url, _ = site
    page.goto(url + "/nodes/Post/P1")
    headings = page.locator("#properties th").all_inner_texts()
    assert "岗位名称" in headings and "关键岗位" in headings and "key_post" not in headings
    row = page.locator("#properties tr", has=page.locator("th", has_text="关键岗位"))
    assert row.locator("td").inner_text() == "是"
    relations = page.locator("#neighbours td:first-child").all_inner_texts()
    assert any("任职人员" in r for r in relations) and not any("HOLDS" in r for r in relations)
    assert page.locator("#link-card").get_attribute("href") == "/cards/post/P1"
    picker = page.locator("#simulate-form input[name=person]")
    picker.click()
    picker.press_sequentially("王建", delay=50)
    page.locator("#simulate-form datalist option").first.wait_for(state="attached")
    options = page.evaluate(
        "[...document.querySelector('#simulate-form datalist').options]"
        ".map(o => [o.value, o.label])"
    )
    assert ["E1", "王建国 · 县市场监督管理局"] in [list(o) for o in options]
    picker.fill("E1")
    page.click("#simulate-form button")
    page.wait_for_url("**/whatif?**")
    assert "person=E1" in page.url and "post=P1" in page.url


def test_the_warnings_page_groups_reasons_by_query(page, site) -> None:
    url, _ = site
    page.goto(url + "/warnings")
    first = page.locator("#post-warnings tbody tr").first
    lines = first.locator("ul.reasons li").all_inner_texts()
    assert lines and all("（" in line and "：" in line for line in lines)
    titles = {spec.title_zh for spec in library().values()} | {"整改逾期"}
    assert all(line.split("（")[0] in titles for line in lines)
    assert not any("-" in line.split("（")[0] for line in lines)  # titles, not query ids
