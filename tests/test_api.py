"""Every route of the API, with its error cases, through FastAPI's TestClient against
the real embedded store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from registers_data import SHEETS, write_workbook
from web import FORMULA, LOCAL, XSS, hostile_store

from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph import model
from lianfang.ingest import writers
from lianfang.queries.spec import library


@pytest.fixture
def client(data_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    store = hostile_store(data_dir, tmp_path)
    app = create_app(settings=AppSettings(max_upload_mb=0.05), store=store)
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client
    store.close()


def test_catalogue_lists_every_query_with_counts(client: TestClient) -> None:
    body = client.get("/api/queries").json()
    assert {q["id"] for q in body} == set(library())
    unmitigated = next(q for q in body if q["id"] == "unmitigated-high-risks")
    assert unmitigated["count"] >= 1 and unmitigated["total"] >= unmitigated["count"]
    assert unmitigated["parameters"][0]["name"] == "min_level"


def test_run_a_query_as_json(client: TestClient) -> None:
    body = client.get("/api/queries/unmitigated-high-risks", params={"min_level": "高"}).json()
    assert body["params"] == {"min_level": "high", "as_of": dt.date.today().isoformat()}
    assert body["dated"] is False and body["version"] >= 1
    assert {r["risk_id"] for r in body["rows"]} == {"K3", "K5"}
    dated = client.get("/api/queries/rotation-due.json?as_of=2030-01-01").json()
    assert dated["params"]["as_of"] == "2030-01-01" and dated["count"] >= 1


def test_csv_and_xlsx_downloads_neutralise_formulas(client: TestClient) -> None:
    response = client.get("/api/queries/unmitigated-high-risks.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    [hostile] = [r for r in rows if r["risk_id"] == "K5"]
    assert hostile["description"] == "'" + FORMULA
    same = client.get("/api/queries/unmitigated-high-risks", params={"format": "csv"})
    assert same.content == response.content
    xlsx = client.get("/api/queries/unmitigated-high-risks.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/queries/no-such-query", 404, "unknown query"),
        ("/api/queries/rotation-due?within_months=soon", 422, "not a whole number"),
        ("/api/queries/rotation-due?as_of=2026-13-01", 422, "is not a date"),
        ("/api/queries/rotation-due?shoe_size=42", 422, "unknown parameter 'shoe_size'"),
        ("/api/queries/rotation-due?format=pdf", 422, "format must be one of"),
        ("/api/nodes/Dragon/1", 404, "unknown label"),
        ("/api/nodes/Post/P404", 404, "no Post with id 'P404'"),
        ("/api/search?q=", 422, ""),
        ("/maps/unit/U404", 404, "no unit"),
        ("/maps/node/Dragon/1", 404, "unknown label"),
        ("/maps/node/Post/P404", 404, "no Post"),
        ("/maps/node/Post/P1?depth=9", 422, ""),
        ("/maps/query/no-such-query", 404, "unknown query"),
        ("/maps/query/rotation-due?within_months=x", 422, "not a whole number"),
    ],
)
def test_errors_are_http_codes_with_a_json_body(
    client: TestClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in json.dumps(response.json()["detail"], ensure_ascii=False)


def test_a_node_with_provenance_and_neighbours(client: TestClient) -> None:
    body = client.get("/api/nodes/Post/P3").json()
    node = body["node"]
    assert node["label"] == "Post" and node["name"] == "登记科科长" and node["key_post"] is True
    assert (node["prov_file"], node["prov_sheet"], node["prov_row"]) == ("org.xlsx", "岗位", 5)
    neighbours = {(n["direction"], n["type"], n["uid"]) for n in body["neighbours"]}
    assert {
        ("out", "IN_UNIT", "U2"),
        ("out", "EXERCISES", "Q1"),
        ("in", "HOLDS", "E3"),
        ("in", "AT_POST", "K1"),
        ("in", "OWNED_BY", "C1"),
    } <= neighbours
    risk = client.get("/api/nodes/RiskPoint/K1").json()["node"]
    assert risk["level"] == "high" and risk["assessed"] == "2023-03-01"


def test_search_by_id_and_by_chinese_name(client: TestClient) -> None:
    by_name = client.get("/api/search", params={"q": "科长"}).json()
    post = {"label": "Post", "uid": "P3", "name": "登记科科长", "zh": "岗位", "unit": "登记注册科"}
    assert post in by_name
    posts_only = client.get("/api/search", params={"q": "科", "label": "Post"}).json()
    assert posts_only and {h["label"] for h in posts_only} == {"Post"}
    assert all(h["unit"] for h in posts_only)  # many posts share a name: say whose
    wrong = client.get("/api/search", params={"q": "科", "label": "Dragon"})
    assert wrong.status_code == 422 and "label must be one of" in wrong.json()["detail"]
    by_id = client.get("/api/search", params={"q": "k1"}).json()
    assert by_id[0]["uid"] == "K1" and by_id[0]["label"] == "RiskPoint"
    assert client.get("/api/search", params={"q": "找不到的词"}).json() == []


def test_stats_for_the_header(client: TestClient) -> None:
    body = client.get("/api/stats").json()
    assert body["headline"] == {
        "risks": 5,
        "high_risks": 3,
        "controls": 4,
        "rules": 3,
        "processes": 2,
    }
    assert body["risks_by_level"] == {"high": 3, "medium": 1, "low": 1}
    assert set(body["nodes"]) == set(model.labels())


def test_upload_a_good_workbook(client: TestClient, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx", SHEETS)
    with path.open("rb") as handle:
        response = client.post(
            "/api/ingest", files={"file": ("org.xlsx", handle)}, data={"dry_run": "true"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and body["dry_run"] and body["source"] == "org"
    assert body["removed"]["RiskPoint"] == 1  # K5 would go: it is not in this workbook
    assert client.get("/api/stats").json()["headline"]["risks"] == 5  # a dry run


def test_upload_reads_the_workbooks_value_mapping(client: TestClient) -> None:
    """A real village register whose A/B/C levels its 值映射 sheet declares."""
    village = Path(__file__).parent / "fixtures" / "real" / "村级小微权力.xlsx"
    with village.open("rb") as handle:
        response = client.post(
            "/api/ingest", files={"file": (village.name, handle)}, data={"dry_run": "true"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and body["nodes"]["RiskPoint"] == 5
    assert all(w["severity"] == "warning" for w in body["warnings"])


def test_upload_a_bad_workbook_changes_nothing(client: TestClient, tmp_path: Path) -> None:
    before = client.get("/api/stats").json()
    broken = {k: [dict(r) for r in v] for k, v in SHEETS.items()}
    broken["risks"][0]["level"] = "很高"
    path = write_workbook(tmp_path / "bad.xlsx", broken)
    with path.open("rb") as handle:
        response = client.post(
            "/api/ingest", files={"file": ("bad.xlsx", handle)}, data={"source": "org"}
        )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["column"], error["value"]) == (
        "风险点",
        3,
        "风险等级",
        "很高",
    )
    assert client.get("/api/stats").json() == before


def test_upload_a_zip_of_csv_files(client: TestClient, tmp_path: Path) -> None:
    folder = writers.write_csv_folder(tmp_path / "csv", SHEETS, "en", "gbk")
    archive = tmp_path / "registers.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in folder.iterdir():
            out.write(file, f"registers/{file.name}")
    with archive.open("rb") as handle:
        response = client.post(
            "/api/ingest",
            files={"file": ("registers.zip", handle)},
            data={"dry_run": "true", "source": "org"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["nodes"]["RiskPoint"] == 4
    fake = client.post("/api/ingest", files={"file": ("x.zip", b"not a zip")})
    assert fake.status_code == 422


def test_an_oversized_upload_is_413(client: TestClient) -> None:
    response = client.post("/api/ingest", files={"file": ("big.xlsx", b"x" * 200_000)})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_maps_escape_register_text_and_load_nothing_from_outside(client: TestClient) -> None:
    html = client.get("/maps/unit/U1").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "\\u003cscript\\u003ealert(1)" in html  # present, but only as JSON data
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing remote
    assert '<script src="/static/vis/vis-network.min.js">' in html
    assert client.get("/static/vis/vis-network.min.js").status_code == 200
    assert client.get("/maps/node/Post/P5?depth=1").status_code == 200
    findings = client.get("/maps/query/unmitigated-high-risks").text
    assert "RiskPoint:K5" in findings


def test_pages_render_and_escape(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "风险防控缺口查询" in home.text
    english = client.get("/?lang=en")
    assert "Gap queries" in english.text and english.cookies.get("lang") == "en"
    page = client.get("/queries/unmitigated-high-risks").text
    assert "K5" in page and "/nodes/RiskPoint/K5" in page and "'@HYPERLINK" not in page
    node = client.get("/nodes/Post/P5").text
    assert XSS not in node and "&lt;script&gt;alert(1)&lt;/script&gt;" in node
    assert "&lt;script&gt;" in client.get("/search", params={"q": "script"}).text
    assert client.get("/units").status_code == 200
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/nodes/Post/P404").status_code == 404


def test_upload_page_shows_errors_as_a_table(client: TestClient, tmp_path: Path) -> None:
    broken = {k: [dict(r) for r in v] for k, v in SHEETS.items()}
    broken["posts"][3]["unit_id"] = "U9"
    path = write_workbook(tmp_path / "bad.xlsx", broken)
    with path.open("rb") as handle:
        page = client.post("/upload", files={"file": ("bad.xlsx", handle)})
    assert page.status_code == 422
    assert 'id="errors-table"' in page.text and "所属单位编号" in page.text and "U9" in page.text


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/queries",
        "/api/queries/{query_id}",
        "/api/nodes/{label}/{uid}",
        "/api/search",
        "/api/ingest",
        "/api/stats",
        "/maps/unit/{uid}",
        "/maps/node/{label}/{uid}",
        "/maps/query/{query_id}",
    } <= paths
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            assert operation.get("description") or operation.get("summary"), path
    assert "PostNode" in spec["components"]["schemas"]


def test_report_and_disclosure_downloads(client: TestClient) -> None:
    from docx import Document

    docx = client.get("/api/reports/review.docx", params={"as_of": "2025-06-30"})
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    assert any("排查廉政风险点" in p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get("/api/reports/review.xlsx").content))
    assert xlsx.sheetnames[0] == "封面"
    html = client.get("/api/reports/review.html", params={"unit": "U2"}).text
    assert "范围：登记注册科及下属单位" in html and XSS not in html
    disclosure = client.get("/api/reports/disclosure.html").text
    assert "&lt;script&gt;" in disclosure and "赵敏" not in disclosure  # posts, not people
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/api/reports/disclosure.xlsx").content))
    assert sheet.active.freeze_panes == "A3"
    home = client.get("/").text
    assert (
        'href="/api/reports/review.docx"' in home and 'href="/api/reports/disclosure.xlsx"' in home
    )
    for url, status in [
        ("/api/reports/review.pdf", 404),
        ("/api/reports/disclosure.docx", 404),
        ("/api/reports/review.html?unit=U404", 404),
        ("/api/reports/review.html?compare=nope", 404),
    ]:
        assert client.get(url).status_code == status, url


def test_findings_are_named_by_their_short_ids(client: TestClient) -> None:
    """The JSON carries each row's short id; downloads end with it; the ledger and the
    acceptances take it; the query page shows it under a Chinese heading."""
    body = client.get("/api/queries/unmitigated-high-risks").json()
    ids = dict(zip((r["risk_id"] for r in body["rows"]), body["finding_ids"], strict=True))
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", ids["K3"]) and len(set(ids.values())) == 2
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/queries/unmitigated-high-risks.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert {r["risk_id"]: r["finding_id"] for r in rows} == ids
    assert list(rows[0])[-1] == "finding_id"  # last, so a sheet read by position reads as before
    columns = client.get("/api/queries").json()[0]["columns"]
    assert all(c["zh"] for c in columns)
    opened = client.post(
        "/api/rectifications",
        json={"finding_id": ids["K3"].lower().replace("-", ""), "due": "2099-01-31"},
    )
    assert opened.status_code == 201, opened.text
    item = opened.json()
    assert (item["query_id"], item["key"], item["finding_id"]) == (
        "unmitigated-high-risks",
        ["K3"],
        ids["K3"],
    )
    nowhere = client.post(
        "/api/rectifications", json={"finding_id": "ZZZZ-ZZZZ", "due": "2099-01-31"}
    )
    assert nowhere.status_code == 404 and "no finding ZZZZ-ZZZZ" in nowhere.json()["detail"]
    unnamed = client.post("/api/rectifications", json={"due": "2099-01-31"})
    assert unnamed.status_code == 422
    accepted = client.post(
        "/api/acceptances",
        json={
            "finding_id": ids["K5"],
            "reason": "整改中",
            "approver": "王书记",
            "expires": "2099-01-01",
        },
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["finding_id"] == ids["K5"]
    page = client.get("/queries/unmitigated-high-risks").text
    assert f'<span class="fid">{ids["K3"]}</span>' in page and "<th>问题编号</th>" in page
    assert ">风险点编号</th>" in page and f'href="/ledger?finding={ids["K3"]}"' in page
    ledger = client.get("/ledger").text
    assert ids["K3"] in ledger and "未受控的高风险点" in ledger


def test_the_scores_page_sorts_and_links_each_deduction_to_its_findings(
    client: TestClient,
) -> None:
    ascending = client.get("/scores", params={"sort": "score"})
    assert ascending.status_code == 200
    order = re.findall(r'<tr id="score-([^"]+)">', ascending.text)
    descending = re.findall(
        r'<tr id="score-([^"]+)">', client.get("/scores?sort=score&desc=true").text
    )
    scores = {s["unit_id"]: float(s["score"]) for s in client.get("/api/score").json()}
    assert [scores[u] for u in order] == sorted(scores[u] for u in order)
    assert [scores[u] for u in descending] == sorted((scores[u] for u in order), reverse=True)
    spec = library()["unmitigated-high-risks"]
    assert f'href="/queries/{spec.id}">{spec.title_zh}</a>' in ascending.text
    assert spec.finding_id({"risk_id": "K3"}) in ascending.text
    assert client.get("/scores", params={"sort": "shoe"}).status_code == 422


def test_a_finding_is_accepted_from_the_ledger_page(client: TestClient) -> None:
    short = library()["unmitigated-high-risks"].finding_id({"risk_id": "K3"})
    form = client.get("/ledger", params={"finding": short}).text
    assert f'value="{short}"' in form and 'id="ledger-accept"' in form
    done = client.post(
        "/ledger/accept",
        data={
            "finding_id": short,
            "reason": "整改中",
            "approver": "王书记",
            "expires": "2099-01-01",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and "A0001" in done.headers["location"]
    assert [a["finding_id"] for a in client.get("/api/acceptances").json()] == [short]
