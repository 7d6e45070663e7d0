"""The notices an office sends after a warning or a failed assessment: 廉政风险预警通知书
to a post or a unit, and 整改通知书 to a unit graded 不合格. One builder, two writers
(DOCX for sending, HTML for the page)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from lianfang.graph.store import GraphStore
from lianfang.loop import score, warnings
from lianfang.queries.finding_ids import short_id
from lianfang.queries.runner import find
from lianfang.queries.scope import units_under
from lianfang.queries.wording import with_unit
from lianfang.reports import official
from lianfang.reports.official import chinese_date

REPLY_MUST = ("原因分析", "整改措施", "廉政承诺")
DEFAULT_REPLY_DAYS = 5
DEFAULT_ISSUER = "纪检监察机构"
FAILED = "不合格"  # the grade a 整改通知书 answers


class NoticeError(LookupError):
    """No such post or unit, or nothing to notify."""


def working_days_after(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `start`; public holidays are not
    known here, so an office setting a deadline over one gives more days."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


@dataclass
class Notice:
    kind: str  # warning or rectification
    title: str
    recipient: str
    recipient_id: str
    as_of: dt.date
    reply_by: dt.date
    level: str
    level_zh: str
    disposition: list[str]
    findings: list[list[str]] = field(default_factory=list)  # kind, short id, in words
    deductions: list[list[str]] = field(default_factory=list)
    score: str = ""
    issuer: str = DEFAULT_ISSUER
    doc_no: str = ""
    to_unit: bool = True  # a unit is addressed as 你单位, a post as 你

    @property
    def reply_must(self) -> tuple[str, ...]:
        return REPLY_MUST


def _finding_rows(reasons: list[warnings.Reason]) -> list[list[str]]:
    rows = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    rank = {"high": 0, "": 1, "medium": 2, "low": 3}  # overdue items have no severity
    for reason in sorted(reasons, key=lambda r: rank.get(r.severity, 4)):
        if (reason.query_id, reason.key) in seen:
            continue
        seen.add((reason.query_id, reason.key))
        if reason.kind == "overdue":  # its query_id is the ledger item's id
            rows.append(
                ["整改逾期", reason.query_id, f"逾期{reason.overdue_days}天：{reason.label}"]
            )
        else:
            title = find(reason.query_id).title_zh
            rows.append([title, short_id(reason.query_id, reason.key), reason.label])
    return rows


def _deduction(deduction: dict[str, Any]) -> str:
    """A deduction in words: "未受控的高风险点（3项）", not the query's id."""
    if "query_id" in deduction:
        return f"{find(deduction['query_id']).title_zh}（{deduction['count']}项）"
    return str(deduction["what"]).replace(" ×", "（") + (
        "项）" if " ×" in deduction["what"] else ""
    )


def _nothing_to_notify(name: str) -> NoticeError:
    return NoticeError(
        f"no notice for {name}: its warning level is green (绿), with nothing to notify"
    )


def build(
    store: GraphStore,
    as_of: dt.date,
    post: str | None = None,
    unit: str | None = None,
    kind: str = "warning",
    reply_days: int = DEFAULT_REPLY_DAYS,
    issuer: str = DEFAULT_ISSUER,
    doc_no: str = "",
) -> Notice:
    """A notice to one post or one unit on `as_of`; refused where there is nothing to
    notify (a green post or unit, a unit not graded 不合格 for a 整改通知书)."""
    if (post is None) == (unit is None):
        raise NoticeError("a notice goes to one post or one unit")
    state = warnings.compute(store, as_of)
    rules = state.rules
    reply_by = working_days_after(as_of, reply_days)
    if kind == "rectification":
        if unit is None:
            raise NoticeError("a 整改通知书 goes to a unit")
        scores = score.compute(store, as_of)
        if unit not in scores:
            raise NoticeError(f"no unit {unit!r}")
        mine = scores[unit]
        if mine.grade != FAILED:
            raise NoticeError(
                f"no 整改通知书 for {mine.unit_name}: it scored {mine.score:g} ({mine.grade}); "
                f"the notice goes to a unit graded {FAILED}"
            )
        level = state.units[unit].level
        return Notice(
            "rectification",
            "整改通知书",
            mine.unit_name,
            unit,
            as_of,
            reply_by,
            level,
            rules.zh(level),
            ["责令整改"],
            _finding_rows([r for w in _posts_under(store, state, unit) for r in w.reasons]),
            [[_deduction(d), f"-{d['points']:g}"] for d in mine.deductions],
            f"{mine.score:g}分，考核等次为{mine.grade}",
            issuer,
            doc_no,
        )
    if post is not None:
        found = state.posts.get(post)
        if found is None:
            raise NoticeError(f"no post {post!r}")
        name = with_unit(found.post_name, found.unit_name)
        if found.level == "green" or not found.reasons:
            raise _nothing_to_notify(name)
        return Notice(
            "warning",
            "廉政风险预警通知书",
            name,
            post,
            as_of,
            reply_by,
            found.level,
            rules.zh(found.level),
            found.disposition,
            _finding_rows(found.reasons),
            issuer=issuer,
            doc_no=doc_no,
            to_unit=False,
        )
    assert unit is not None
    if unit not in state.units:
        raise NoticeError(f"no unit {unit!r}")
    mine_unit = state.units[unit]
    reasons = [r for w in _posts_under(store, state, unit) for r in w.reasons]
    if mine_unit.level == "green" or not reasons:
        raise _nothing_to_notify(mine_unit.unit_name)
    return Notice(
        "warning",
        "廉政风险预警通知书",
        mine_unit.unit_name,
        unit,
        as_of,
        reply_by,
        mine_unit.level,
        rules.zh(mine_unit.level),
        rules.disposition(mine_unit.level),
        _finding_rows(reasons),
        issuer=issuer,
        doc_no=doc_no,
    )


def _posts_under(
    store: GraphStore, state: warnings.Warnings, unit: str
) -> list[warnings.PostWarning]:
    under = units_under(store, unit)
    return [w for w in state.posts.values() if w.unit_id in under and w.reasons]


def _sentences(notice: Notice) -> list[str]:
    day = chinese_date(notice.as_of)
    you = "你单位" if notice.to_unit else "你"
    told = (
        f"经对照廉政风险防控登记及排查结果（截至{day}），{you}存在下列问题，"
        f"预警等级为“{notice.level_zh}”。"
    )
    if notice.kind == "rectification":
        told = (
            f"经年度廉政风险防控考核（截至{day}），你单位得分{notice.score}，"
            "现责令整改。扣分情况及相关问题如下。"
        )
    return [
        told,
        f"处置方式：{'、'.join(notice.disposition)}。",
        f"请于{chinese_date(notice.reply_by)}前书面回复，回复须包括"
        f"{'、'.join(notice.reply_must)}。",
    ]


def write_docx(notice: Notice) -> bytes:
    """The notice in the form of an official document: masthead, title, the recipient
    once, the body, the tables, the issuer and the date."""
    document = official.new_document()
    if notice.doc_no:  # a numbered notice carries the issuer's masthead
        official.masthead(document, official.Issue(notice.issuer, notice.doc_no))
    official.title(document, notice.title)
    official.addressee(document, notice.recipient)
    for sentence in _sentences(notice):
        official.prose(document, sentence)
    room = official.text_room(False)
    part = 0
    if notice.deductions:
        part += 1
        official.heading(document, f"{'一二'[part - 1]}、扣分情况", 1)
        official.table(document, ["扣分项目", "扣分"], notice.deductions, room)
    part += 1
    official.heading(document, f"{'一二'[part - 1]}、问题清单", 1)
    official.table(document, ["问题类别", "问题编号", "问题"], notice.findings, room)
    official.signature(document, notice.issuer, notice.as_of)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_html(notice: Notice) -> str:
    env = Environment(
        loader=PackageLoader("lianfang.reports", "templates"), autoescape=select_autoescape()
    )
    return env.get_template("notice.html").render(
        notice=notice, sentences=_sentences(notice), signed=chinese_date(notice.as_of)
    )
