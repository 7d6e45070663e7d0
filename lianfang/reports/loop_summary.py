"""The annual review's account of the loop: scores with last year's, warning levels,
the rectification ledger and the accepted findings, as plain tables every writer
(DOCX, XLSX, HTML) renders the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, score, warnings
from lianfang.queries.spec import library
from lianfang.reports.naming import post_names
from lianfang.reports.snapshots import Snapshot

# What an analyst should know of an item beyond its status, in Chinese.
STATE_ZH = {
    "reopened": "已销号但问题再次出现",
    "gap gone, awaiting verification": "问题已消除,待核查销号",
}


def title_of(query_id: str) -> str:
    """A query's Chinese title (its id, if the library no longer has it)."""
    spec = library().get(query_id)
    return spec.title_zh if spec else query_id


@dataclass(frozen=True)
class Table:
    title: str
    names: list[str]
    rows: list[list[str]]


def _units_shown(store: GraphStore, unit: str | None) -> list[str]:
    """The unit and its direct sub-units, or the top units and theirs."""
    if unit is not None:
        rows = store.read(
            "MATCH (u:Unit {uid: $uid}) OPTIONAL MATCH (c:Unit)-[:PART_OF]->(u) "
            "RETURN u.uid AS uid, collect(c.uid) AS children",
            {"uid": unit},
        )
    else:
        rows = store.read(
            "MATCH (u:Unit) WHERE NOT (u)-[:PART_OF]->(:Unit) "
            "OPTIONAL MATCH (c:Unit)-[:PART_OF]->(u) "
            "RETURN u.uid AS uid, collect(c.uid) AS children"
        )
    return [uid for row in rows for uid in (row["uid"], *sorted(row["children"]))]


def tables(
    store: GraphStore,
    as_of: dt.date,
    unit: str | None,
    units_under: set[str] | None,
    posts_under: set[str] | None,
    before: Snapshot | None,
    keeps: Callable[[acceptance.Accepted], bool] | None = None,
) -> list[Table]:
    """The loop's tables; with a scope (units, posts and `keeps` for the acceptances),
    only what belongs to it."""
    scores = score.compute(store, as_of)
    last = before.scores if before else {}
    shown = [u for u in _units_shown(store, unit) if u in scores]
    score_rows = [
        [
            scores[u].unit_name,
            f"{scores[u].score:g}",
            scores[u].grade,
            f"{last[u]['score']:g}" if u in last else "",
            last[u]["grade"] if u in last else "",
        ]
        for u in shown
    ]
    state = warnings.compute(store, as_of)
    rules = state.rules
    posts = [p for p in state.post_rows(units_under) if p["level"] != "green"]
    counts = {level: 0 for level in rules.order()}
    for warning in state.posts.values():
        if units_under is None or warning.unit_id in units_under:
            counts[warning.level] += 1
    was = before.warnings if before else {}
    warning_rows = [
        [
            p["level_zh"],
            p["post_name"],
            p["unit_name"] or "",
            _since(rules.zh, was.get(p["post_id"]), p["level"], before),
            p["disposition"],
        ]
        for p in posts
    ]
    items = [
        f
        for f in ledger.followed(store, as_of)
        if posts_under is None or f.item.owner_post in posts_under
    ]
    owners = post_names(store, {f.item.owner_post for f in items if f.item.owner_post})
    ledger_rows = [
        [
            f.item.uid,
            title_of(f.item.query_id),
            f.item.finding_id,
            f.item.label,
            owners.get(f.item.owner_post or "", f.item.owner_post or ""),
            f.item.due,
            model.RECTIFICATION_STATUSES.get(f.item.status, f.item.status),
            STATE_ZH.get(f.state, f.state) or (f"逾期{f.overdue_days}天" if f.overdue_days else ""),
        ]
        for f in items
    ]
    accepted = [
        [title_of(a.query_id), a.finding_id, a.label, a.reason, a.approver, a.expires]
        for a in acceptance.active(store, as_of).values()
        if keeps is None or keeps(a)
    ]
    level_line = "，".join(f"{rules.zh(level)}{n}个" for level, n in counts.items())
    return [
        Table(
            "考核得分（百分制）",
            ["单位", "得分", "等次", "上次得分", "上次等次"],
            score_rows,
        ),
        Table(
            f"分级预警（岗位：{level_line}）",
            ["等级", "岗位", "单位", "变化", "处置方式"],
            warning_rows,
        ),
        Table(
            "整改台账",
            ["事项编号", "问题类别", "问题编号", "问题", "责任岗位", "整改期限", "状态", "核查"],
            ledger_rows,
        ),
        Table(
            "暂缓处理（风险接受）",
            ["问题类别", "问题编号", "问题", "理由", "批准人", "到期日"],
            accepted,
        ),
    ]


def _since(zh: Any, was: str | None, now: str, before: Snapshot | None) -> str:
    if before is None:
        return ""
    if was is None:
        return f"新增(较{before.name})"
    if was == now:
        return ""
    return f"由{zh(was)}转{zh(now)}(较{before.name})"


def lines(tables: list[Table]) -> list[str]:
    """The loop in sentences, for a report's body (its tables go to an appendix)."""
    scores, warned, ledger_table, accepted = tables
    grades: dict[str, int] = {}
    for row in scores.rows:
        grade = row[scores.names.index("等次")]
        grades[grade] = grades.get(grade, 0) + 1
    graded = "、".join(f"{grade}{n}个" for grade, n in grades.items())
    statuses: dict[str, int] = {}
    for row in ledger_table.rows:
        status = row[ledger_table.names.index("状态")]
        statuses[status] = statuses.get(status, 0) + 1
    late = sum(1 for row in ledger_table.rows if row[-1].startswith("逾期"))
    said = [
        f"考核：列入考核的{len(scores.rows)}个单位中，{graded or '无'}。",
        f"{warned.title.split('（')[0]}：{warned.title.split('：', 1)[-1].rstrip('）')}。",
        f"整改台账：共{len(ledger_table.rows)}项"
        + (f"（{'、'.join(f'{s}{n}项' for s, n in statuses.items())}）" if statuses else "")
        + (f"，其中逾期{late}项" if late else "")
        + "。",
        f"暂缓处理（风险接受）：{len(accepted.rows)}项。",
    ]
    return said
