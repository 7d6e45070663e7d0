"""The annual review's account of the loop: scores with last year's, warning levels,
the rectification ledger and the accepted findings, as plain tables every writer
(DOCX, XLSX, HTML) renders the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, score, warnings
from lianfang.reports.snapshots import Snapshot


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
            u,
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
            p["post_id"],
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
    ledger_rows = [
        [
            f.item.uid,
            f.item.query_id,
            "/".join(f.item.key),
            f.item.label,
            f.item.owner_post or "",
            f.item.due,
            f.item.status,
            f.state or (f"逾期 {f.overdue_days} 天" if f.overdue_days else ""),
        ]
        for f in items
    ]
    accepted = [
        [a.query_id, "/".join(a.key), a.label, a.reason, a.approver, a.expires]
        for a in acceptance.active(store, as_of).values()
        if keeps is None or keeps(a)
    ]
    level_line = ",".join(f"{rules.zh(level)} {n}" for level, n in counts.items())
    return [
        Table(
            "考核得分(百分制)",
            ["单位", "编号", "得分", "等次", "上次得分", "上次等次"],
            score_rows,
        ),
        Table(
            f"分级预警(岗位:{level_line})",
            ["等级", "岗位", "编号", "单位", "变化", "处置方式"],
            warning_rows,
        ),
        Table(
            "整改台账",
            ["编号", "查询", "问题编号", "问题", "责任岗位", "整改期限", "状态", "核查"],
            ledger_rows,
        ),
        Table(
            "暂缓处理(风险接受)", ["查询", "问题编号", "问题", "理由", "批准人", "到期"], accepted
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
