"""The review as a Word document an office can file: the form of a government report
(see `official`), its tables in Chinese with names in place of ids."""

from __future__ import annotations

import io

from docx.document import Document as DocumentObject
from docx.shared import Mm

from lianfang.graph import vocab
from lianfang.reports import official
from lianfang.reports.chart import NO_FONT, FontMissing, distribution_png
from lianfang.reports.official import Issue
from lianfang.reports.reading import Reader
from lianfang.reports.review import (
    DOCUMENT_ROWS,
    PROFILE_NOTE,
    UNCLASSIFIED,
    Review,
    Section,
    counted,
    overview,
    profile_table,
)

MAX_ROWS = DOCUMENT_ROWS
SEVERITY_HEADINGS = {
    "high": "（一）高严重度问题",
    "medium": "（二）中严重度问题",
    "low": "（三）低严重度问题",
}
NUMERALS = "一二三四五六七八九十"
PARTS = ("总体情况", "风险点分布", "发现的问题及整改建议", "预警、整改与考核")
APPENDICES = ("各单位廉政风险概况表", "问题清单", "预警、整改与考核明细")


def _section(document: DocumentObject, number: int, section: Section) -> None:
    """A query in the body: what it found, why it matters, what to do; its rows are in
    the second appendix under the same number."""
    spec = section.spec
    official.heading(document, f"{number}．{spec.title_zh}：{counted(section)}", 3)
    official.prose(document, spec.description_zh)
    if section.drift:
        d = section.drift
        official.prose(
            document,
            f"与上次对比：新增{len(d.new)}项，已整改{len(d.closed)}项，持续{len(d.persisting)}项。",
        )
    if section.rows:
        official.prose(document, f"整改建议：{spec.remedy}问题清单见附件2第{number}项。")
    else:
        official.prose(document, "未发现问题。")


def _chart(document: DocumentObject, review: Review) -> None:
    try:
        document.add_picture(io.BytesIO(distribution_png(review.distribution)), width=Mm(150))
    except FontMissing:
        official.note(document, f"（图表未生成：本机缺少中文字体，下表列出同样的数字。{NO_FONT}）")
        return
    official.picture_line(document.paragraphs[-1])


def _distribution(document: DocumentObject, review: Review) -> None:
    official.table(
        document,
        ["类别", "高", "中", "低", "合计"],
        [
            [category, *(str(v[level]) for level in vocab.LEVELS), str(sum(v.values()))]
            for category, v in review.distribution.items()
            if category != UNCLASSIFIED or any(v.values())
        ],
        official.text_room(False),
    )


def _appendices(document: DocumentObject, review: Review, numbered: list[Section]) -> None:
    """The tables, on landscape pages: the profile, each query's rows, the loop's."""
    reader = Reader(review.names)
    room = official.text_room(True)
    official.landscape(document)
    official.appendix_heading(document, 1, APPENDICES[0])
    official.note(document, PROFILE_NOTE)
    official.table(document, *profile_table(review, reader), room)
    official.appendix_heading(document, 2, APPENDICES[1])
    for number, section in enumerate(numbered, start=1):
        if not section.rows:
            continue
        official.heading(document, f"{number}．{section.spec.title_zh}：{counted(section)}", 3)
        names, rows = reader.table(section.spec, section.rows[:MAX_ROWS])
        official.table(document, names, rows, room)
        if len(section.rows) > MAX_ROWS:
            official.note(
                document,
                f"（仅列出前{MAX_ROWS}项，共{len(section.rows)}项；完整清单见XLSX格式报告。）",
            )
    official.appendix_heading(document, 3, APPENDICES[2])
    for index, table in enumerate(review.loop, start=1):
        official.heading(document, f"（{NUMERALS[index - 1]}）{table.title}", 2)
        if table.rows:
            official.table(document, table.names, table.rows[:MAX_ROWS], room)
        else:
            official.prose(document, "无。")


def write_docx(review: Review, issue: Issue | None = None) -> bytes:
    """Body in portrait (the narrative, the chart), then the appendices' tables."""
    issue = issue or Issue()
    document = official.new_document()
    official.masthead(document, issue)
    official.title(
        document,
        f"{review.organisation}{review.as_of.year}年度廉政风险防控工作报告",
        "" if review.unit is None else f"（{review.scope}）",
    )
    parts = [f"{NUMERALS[i]}、{part}" for i, part in enumerate(PARTS)]
    appendices = [f"附件{i}：{name}" for i, name in enumerate(APPENDICES, start=1)]
    official.contents(document, [(1, p) for p in parts] + [(1, a) for a in appendices])
    official.heading(document, parts[0], 1)
    listed_in = "逐项列于第三部分，并附整改建议；各单位概况和问题清单见附件"
    for paragraph in overview(review, listed_in):
        official.prose(document, paragraph)
    if review.compared_with:
        official.prose(
            document,
            f"本报告与{review.compared_with.name}（截至{review.compared_with.as_of}）对比，"
            "各项问题注明新增、已整改和持续的数量。",
        )
    official.heading(document, parts[1], 1)
    _chart(document, review)
    _distribution(document, review)
    official.heading(document, parts[2], 1)
    numbered = review.numbered
    number = 0
    for severity, heading in SEVERITY_HEADINGS.items():
        official.heading(document, heading, 2)
        for section in review.by_severity(severity):
            number += 1
            _section(document, number, section)
    official.heading(document, parts[3], 1)
    for line in review.loop_lines:
        official.prose(document, line)
    official.attachments(document, list(APPENDICES))
    official.signature(document, issue.issuer, review.as_of)
    _appendices(document, review, numbered)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
