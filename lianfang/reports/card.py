"""The post risk card (岗位廉政风险防控卡): one page per post, as offices print it and
hang it by the desk. The public variant names no person."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from lianfang.graph import model, vocab
from lianfang.graph.store import GraphStore
from lianfang.loop import warnings
from lianfang.reports import official

# Who answers for a risk of each level ("就高不就低"): the post's unit's leaders.
RESPONSIBLE = {"high": "主要领导", "medium": "分管领导", "low": "部门负责人"}
_CURRENT = model.held_on()
# A post's risks: naming it, or reached through a power it exercises or a step it handles.
RISKS = (
    "MATCH (p:Post {uid: $uid}) "
    "OPTIONAL MATCH (r1:RiskPoint)-[:AT_POST]->(p) "
    "WITH p, collect(DISTINCT r1) AS own "
    "OPTIONAL MATCH (p)-[:EXERCISES]->(:Power)<-[:OF_POWER]-(r2:RiskPoint) "
    "WITH p, own, collect(DISTINCT r2) AS by_power "
    "OPTIONAL MATCH (p)<-[:HANDLED_BY]-(:Step)<-[:AT_STEP]-(r3:RiskPoint) "
    "RETURN own, by_power, collect(DISTINCT r3) AS by_step"
)


class CardError(LookupError):
    """No such post or unit."""


@dataclass
class Card:
    post_id: str
    post_name: str
    unit: str
    holders: list[str]
    duties: str
    powers: list[list[str]]  # name, basis, time limit
    risks: list[list[str]]  # level, category, description, how it reaches the post
    controls: list[list[str]]  # description, status, owner posts
    responsible: list[list[str]]  # level, the leader's post
    warning: str = ""
    public: bool = False
    as_of: dt.date = field(default_factory=dt.date.today)


def build(store: GraphStore, post: str, as_of: dt.date, public: bool = False) -> Card:
    rows = store.read(
        "MATCH (p:Post {uid: $uid}) OPTIONAL MATCH (p)-[:IN_UNIT]->(u:Unit) "
        "RETURN p.name AS name, p.duties AS duties, u.uid AS unit_id, u.name AS unit",
        {"uid": post},
    )
    if not rows:
        raise CardError(f"no post {post!r}")
    found = rows[0]
    holders = store.read(
        f"MATCH (e:Person)-[h:HOLDS]->(:Post {{uid: $uid}}) WHERE {_CURRENT} "
        "RETURN e.name AS name ORDER BY name",
        {"uid": post, "as_of": as_of},
    )
    powers = store.read(
        "MATCH (:Post {uid: $uid})-[:EXERCISES]->(q:Power) "
        "RETURN q.name AS name, q.basis AS basis, q.time_limit AS time_limit ORDER BY q.uid",
        {"uid": post},
    )
    [reached] = store.read(RISKS, {"uid": post})
    risks, seen = [], set()
    for how, listed in (("本岗位", "own"), ("经职权", "by_power"), ("经流程环节", "by_step")):
        for risk in (listed and reached[listed]) or []:
            if risk["uid"] in seen:
                continue
            seen.add(risk["uid"])
            level = risk.get("level")
            risks.append(
                [
                    vocab.LEVEL_ZH.get(level, "未定级") if level else "未定级",
                    risk.get("category") or "",
                    risk.get("description") or "",
                    how,
                    risk["uid"],
                    level or "",
                ]
            )
    order = {"high": 0, "medium": 1, "low": 2, "": 3}
    risks.sort(key=lambda r: (order[r[5]], r[4]))
    controls = store.read(
        "MATCH (r:RiskPoint)-[:MITIGATED_BY]->(c:Control) WHERE r.uid IN $risks "
        "OPTIONAL MATCH (c)-[:OWNED_BY]->(o:Post) "
        "RETURN c.uid AS uid, c.description AS description, c.status AS status, "
        "collect(DISTINCT o.name) AS owners ORDER BY uid",
        {"risks": sorted(seen)},
    )
    state = warnings.compute(store, as_of)
    warned = state.posts.get(post)
    warning = ""
    if warned is not None and not public:
        warning = state.rules.zh(warned.level)
        if warned.disposition:
            warning += f"({'/'.join(warned.disposition)})"
    return Card(
        post_id=post,
        post_name=found["name"],
        unit=found["unit"] or "",
        holders=[] if public else [h["name"] for h in holders],
        duties=found["duties"] or "",
        powers=[[q["name"], q["basis"] or "", q["time_limit"] or ""] for q in powers],
        risks=[r[:4] for r in risks],
        controls=[
            [c["description"], c["status"] or "", "、".join(sorted(o for o in c["owners"] if o))]
            for c in controls
        ],
        responsible=_responsible(store, found["unit_id"]),
        warning=warning,
        public=public,
        as_of=as_of,
    )


def _responsible(store: GraphStore, unit: str | None) -> list[list[str]]:
    """For each level, the posts of the matching leadership nearest up the unit tree
    (a bureau's leadership team is a unit beside its sections, so each ancestor's whole
    subtree is looked at, the nearest ancestor first)."""
    if unit is None:
        return []
    rows = store.read(
        "MATCH up = (:Unit {uid: $uid})-[:PART_OF*0..]->(a:Unit) "
        "MATCH (p:Post)-[:IN_UNIT]->(u:Unit)-[:PART_OF*0..]->(a) WHERE p.leadership IN $kinds "
        "RETURN DISTINCT p.leadership AS kind, u.name + p.name AS post, length(up) AS distance "
        "ORDER BY distance, post",
        {"uid": unit, "kinds": list(RESPONSIBLE.values())},
    )
    nearest: dict[str, tuple[int, list[str]]] = {}
    for row in rows:
        distance, posts = nearest.setdefault(row["kind"], (row["distance"], []))
        if row["distance"] == distance and row["post"] not in posts:
            posts.append(row["post"])
    return [
        [vocab.LEVEL_ZH[level], kind, "、".join(nearest[kind][1]) if kind in nearest else "(未设)"]
        for level, kind in RESPONSIBLE.items()
    ]


def unit_cards(store: GraphStore, unit: str, as_of: dt.date, public: bool = False) -> list[Card]:
    rows = store.read(
        "MATCH (d:Unit)-[:PART_OF*0..]->(:Unit {uid: $uid}) MATCH (p:Post)-[:IN_UNIT]->(d) "
        "RETURN DISTINCT p.uid AS uid ORDER BY uid",
        {"uid": unit},
    )
    if not rows and not store.read("MATCH (u:Unit {uid: $uid}) RETURN u.uid AS uid", {"uid": unit}):
        raise CardError(f"no unit {unit!r}")
    return [build(store, row["uid"], as_of, public) for row in rows]


def _sections(card: Card) -> list[tuple[str, list[str], list[list[str]]]]:
    return [
        ("职权", ["职权", "依据", "时限"], card.powers),
        ("廉政风险点", ["等级", "类别", "风险点", "来源"], card.risks),
        ("防控措施", ["措施", "状态", "责任岗位"], card.controls),
        ("防控责任", ["风险等级", "责任层级", "责任岗位"], card.responsible),
    ]


def _heading_lines(card: Card) -> list[str]:
    lines = [f"单位:{card.unit}", f"岗位:{card.post_name}({card.post_id})"]
    if not card.public:
        lines.append(f"在岗人员:{'、'.join(card.holders) or '(空缺)'}")
        if card.warning:
            lines.append(f"当前预警:{card.warning}")
    lines.append(f"岗位职责:{card.duties or '(未登记)'}")
    return lines


def write_docx(cards: list[Card]) -> bytes:
    """One page per card."""
    document = official.new_document()
    room = official.text_room(False)
    for index, card in enumerate(cards):
        if index:
            document.add_page_break()
        official.title(document, "岗位廉政风险防控卡")
        for line in _heading_lines(card):
            official.prose(document, line)
        for title, names, rows in _sections(card):
            official.heading(document, title, 2)
            if rows:
                official.table(document, names, rows, room)
            else:
                official.prose(document, "无。")
        official.signature(document, "", card.as_of)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_html(cards: list[Card]) -> str:
    env = Environment(
        loader=PackageLoader("lianfang.reports", "templates"), autoescape=select_autoescape()
    )
    shown: list[dict[str, Any]] = [
        {"card": c, "lines": _heading_lines(c), "sections": _sections(c)} for c in cards
    ]
    return env.get_template("card.html").render(cards=shown)
