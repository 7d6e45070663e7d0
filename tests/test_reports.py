"""The annual review on the demo organisation: DOCX, XLSX and HTML carry the sections,
the figures of the canned queries, the Chinese text and a chart that renders it."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from graph.falkor_store import EmbeddedFalkorStore
from queries.runner import run
from queries.spec import library
from reports import docx_report, html_report, review, xlsx_report
from reports.chart import cjk_font, distribution_chart
from tests.servers import cli

AS_OF = dt.date(2026, 1, 31)
SECTIONS = [s for s in library().values() if s.id != "unit-risk-profile"]


@pytest.fixture(scope="module")
def built(demo_dir: Path) -> review.Review:
    with EmbeddedFalkorStore(demo_dir, "lianfang") as store:
        made = review.build(store, AS_OF)
        made.expected = {  # type: ignore[attr-defined]
            spec.id: run(
                store,
                spec.id,
                {"as_of": AS_OF} if any(p.name == "as_of" for p in spec.parameters) else {},
            ).ratio()
            for spec in SECTIONS
        }
    return made


def test_the_review_holds_every_query_in_severity_order(built: review.Review) -> None:
    order = [("high", "medium", "low").index(s.spec.severity) for s in built.sections]
    assert order == sorted(order) and len(built.sections) == len(SECTIONS)
    assert {s.spec.id: s.ratio for s in built.sections} == built.expected
    assert built.profile[0]["unit_id"] == "C01" and len(built.profile) == 15  # county + bureaus
    assert (
        sum(sum(levels.values()) for levels in built.distribution.values())
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
    assert len(book.sheetnames) == 3 + len(SECTIONS)
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


def test_html_has_every_section_and_the_chart(built: review.Review) -> None:
    html = html_report.render_html(built)
    assert 'id="chart"' in html and "data:image/png;base64," in html
    for section in built.sections:
        assert f'id="section-{section.spec.id}"' in html
    assert "http://" not in html and "https://" not in html


def test_the_chart_draws_chinese_with_a_cjk_font() -> None:
    assert "CJK" in cjk_font().name or cjk_font().exists()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = distribution_chart({"岗位职责": {"high": 2, "medium": 1, "low": 0}}, "廉政风险点分布")
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
