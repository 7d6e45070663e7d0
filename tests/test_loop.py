"""After the gaps: warning rules on tiny graphs with near misses, the ledger's state
machine, acceptance expiry, score arithmetic and grade boundaries, and the notice."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from tiny import Tiny

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, score, warnings
from lianfang.loop.ledger import LedgerError
from lianfang.loop.rules import RulesError, ScoreRules, WarningRules, warning_rules
from lianfang.queries.finding_ids import short_id
from lianfang.queries.runner import run
from lianfang.reports import notice

AS_OF = dt.date(2025, 12, 31)
RULES = WarningRules.model_validate(
    {
        "levels": [
            {
                "level": "red",
                "zh": "红",
                "queries": ["unmitigated-high-risks"],
                "overdue_days": 30,
                "disposition": ["诫勉谈话"],
            },
            {
                "level": "yellow",
                "zh": "黄",
                "queries": ["overdue-controls", "powers-without-process"],
                "overdue_days": 0,
                "disposition": ["函询"],
            },
        ]
    }
)


def organisation(store: GraphStore, empty_unit: bool = False) -> GraphStore:
    """U1 ⊃ U2, U3. P1 (U2) has an unmitigated high risk; P2 (U2) a mitigated one (the
    near miss); P3 (U3) owns an overdue control and P4 (U3) one due later (near miss);
    P5 (U3) exercises a power with no flowchart, named by power only."""
    g = Tiny()
    g.node("Unit", "U1", name="县局").node("Unit", "U2", name="一科").node(
        "Unit", "U3", name="二科"
    )
    g.edge("U2", "PART_OF", "U1").edge("U3", "PART_OF", "U1")
    for post, unit in (("P1", "U2"), ("P2", "U2"), ("P3", "U3"), ("P4", "U3"), ("P5", "U3")):
        g.node("Post", post, name=f"岗位{post}").edge(post, "IN_UNIT", unit)
    for uid, post in (("K1", "P1"), ("K2", "P2"), ("K3", "P3"), ("K4", "P4")):
        level = "high" if uid in ("K1", "K2") else "low"
        g.node("RiskPoint", uid, description=f"风险{uid}", category="岗位职责", level=level)
        g.edge(uid, "AT_POST", post)
    g.node("Control", "C2", description="已落实的措施", status="已落实").edge(
        "K2", "MITIGATED_BY", "C2"
    )
    g.node("Control", "C3", description="逾期的措施", status="计划", due="2025-06-30")
    g.edge("K3", "MITIGATED_BY", "C3").edge("C3", "OWNED_BY", "P3")
    g.node("Control", "C4", description="未到期的措施", status="计划", due="2026-06-30")
    g.edge("K4", "MITIGATED_BY", "C4").edge("C4", "OWNED_BY", "P4")
    g.node("Power", "Q1", name="行政检查", category="行政检查", discretion="大")
    g.edge("P5", "EXERCISES", "Q1")
    if empty_unit:  # U4: a post, and no risk point at all
        g.node("Unit", "U4", name="三科").edge("U4", "PART_OF", "U1")
        g.node("Post", "P6", name="岗位P6").edge("P6", "IN_UNIT", "U4")
    return g.write(store)


def levels(state: warnings.Warnings) -> dict[str, str]:
    return {uid: w.level for uid, w in state.posts.items()}


def test_warning_levels_follow_the_rules(store: GraphStore) -> None:
    organisation(store)
    state = warnings.compute(store, AS_OF, RULES)
    assert levels(state) == {
        "P1": "red",  # unmitigated high risk, its post named in the row
        "P2": "green",  # the same risk mitigated
        "P3": "yellow",  # its control overdue
        "P4": "green",  # its control not yet due
        "P5": "yellow",  # a power without a flowchart, reached through the power
    }
    assert state.posts["P1"].disposition == ["诫勉谈话"]
    assert [(r.query_id, r.key) for r in state.posts["P1"].reasons] == [
        ("unmitigated-high-risks", ("K1",))
    ]
    assert state.units["U2"].level == "red" and state.units["U3"].level == "yellow"
    assert state.units["U1"].level == "red"
    assert state.units["U1"].counts == {"red": 1, "yellow": 2, "green": 2}


def test_an_accepted_finding_raises_nothing_until_it_expires(store: GraphStore) -> None:
    organisation(store)
    acceptance.accept(
        store,
        "unmitigated-high-risks",
        ("K1",),
        "整改方案报批中",
        "张书记",
        dt.date(2026, 3, 1),
        "ana",
        AS_OF,
    )
    assert levels(warnings.compute(store, AS_OF, RULES))["P1"] == "green"
    day_before, expiry = dt.date(2026, 2, 28), dt.date(2026, 3, 1)
    assert levels(warnings.compute(store, day_before, RULES))["P1"] == "green"
    assert levels(warnings.compute(store, expiry, RULES))["P1"] == "red"
    result = run(store, "unmitigated-high-risks", {"as_of": day_before})
    split = acceptance.split(result, acceptance.active(store, day_before))
    assert (split.open.count, split.accepted_count) == (0, 1)
    assert split.ratio() == "0 of 2 (+1 accepted)"
    again = acceptance.split(result, acceptance.active(store, expiry))
    assert (again.open.count, again.accepted_count) == (1, 0)
    with pytest.raises(LedgerError, match="accepted already"):
        acceptance.accept(store, "unmitigated-high-risks", ("K1",), "x", "y", expiry, "ana", AS_OF)
    with pytest.raises(LedgerError, match="after"):
        acceptance.accept(store, "overdue-controls", ("C3",), "x", "y", AS_OF, "ana", AS_OF)
    with pytest.raises(LedgerError, match="no finding"):
        acceptance.accept(store, "overdue-controls", ("C4",), "x", "y", expiry, "ana", AS_OF)


def test_an_overdue_rectification_raises_its_owner(store: GraphStore) -> None:
    organisation(store)
    late = ledger.open_item(
        store, "overdue-controls", ("C3",), AS_OF - dt.timedelta(days=31), "ana", "P4", as_of=AS_OF
    )
    assert late.owner_post == "P4"
    assert levels(warnings.compute(store, AS_OF, RULES))["P4"] == "red"  # 31 days late
    assert levels(warnings.compute(store, AS_OF - dt.timedelta(days=1), RULES))["P4"] == "yellow"
    assert levels(warnings.compute(store, AS_OF - dt.timedelta(days=31), RULES))["P4"] == "green"


def test_the_ledgers_moves(store: GraphStore) -> None:
    organisation(store)
    item = ledger.open_item(
        store, "unmitigated-high-risks", ("K1",), dt.date(2026, 1, 31), "ana", as_of=AS_OF
    )
    assert (item.uid, item.status, item.owner_post, item.label) == ("R0001", "open", "P1", "风险K1")
    with pytest.raises(LedgerError, match="already in the ledger"):
        ledger.open_item(
            store, "unmitigated-high-risks", ("K1",), dt.date(2026, 1, 31), "ana", as_of=AS_OF
        )
    for illegal in ("verify", "rectify", "reject"):
        with pytest.raises(ledger.Refused, match="its moves now are start"):
            ledger.move(store, "R0001", illegal, "ana")
    with pytest.raises(ledger.NotFound, match="the moves are start, rectify, verify, reject"):
        ledger.move(store, "R0001", "in_progress", "ana")
    with pytest.raises(ledger.NotFound, match="no rectification item"):
        ledger.move(store, "R9999", "start", "ana")
    ledger.move(store, "R0001", "start", "ana")
    with pytest.raises(LedgerError, match="say what was done"):
        ledger.move(store, "R0001", "rectify", "ana")
    ledger.move(store, "R0001", "rectify", "ana", done="已制定制度并落实")
    with pytest.raises(LedgerError, match="needs a reason"):
        ledger.move(store, "R0001", "reject", "li")
    back = ledger.move(store, "R0001", "reject", "li", reason="措施未落地")
    assert back.status == "in_progress" and back.rectified_by is None
    ledger.move(store, "R0001", "rectify", "ana", done="措施已落实")
    with pytest.raises(LedgerError, match="another user"):
        ledger.move(store, "R0001", "verify", "ana", distinct_verifier=True, as_of=AS_OF)
    # Marked rectified, but the registers still show the gap: not verified.
    with pytest.raises(ledger.Refused, match=r"cannot be verified: its finding \S+ is still found"):
        ledger.move(store, "R0001", "verify", "li", distinct_verifier=True, as_of=AS_OF)
    store.write(
        "MATCH (r:RiskPoint {uid: 'K1'}) CREATE (r)-[:MITIGATED_BY {origin: 't'}]->"
        "(:Control {uid: 'C1', code: 'C1', source: 't', description: '新措施', status: '已落实'})"
    )
    done = ledger.move(store, "R0001", "verify", "li", distinct_verifier=True, as_of=AS_OF)
    assert done.verified_by == "li"
    assert [step["status"] for step in done.history] == [
        "open",
        "in_progress",
        "rectified",
        "in_progress",
        "rectified",
        "verified",
    ]
    assert done.history[3]["reason"] == "措施未落地"
    with pytest.raises(LedgerError, match="its moves now are none"):
        ledger.move(store, "R0001", "start", "li")
    assert ledger.followed(store, AS_OF)[0].state == ""
    # Found again after verification (the control is gone): flagged as reopened.
    store.write("MATCH (c:Control {uid: 'C1'}) DETACH DELETE c")
    [followed] = ledger.followed(store, AS_OF)
    assert followed.state == "reopened"
    with pytest.raises(LedgerError, match="no rectification item"):
        ledger.move(store, "R9999", "start", "li")


def test_a_gap_gone_awaits_verification(store: GraphStore) -> None:
    organisation(store)
    ledger.open_item(
        store, "unmitigated-high-risks", ("K1",), dt.date(2026, 1, 31), "ana", as_of=AS_OF
    )
    assert ledger.followed(store, AS_OF)[0].state == ""
    store.write(
        "MATCH (r:RiskPoint {uid: 'K1'}) CREATE (r)-[:MITIGATED_BY {origin: 't'}]->"
        "(:Control {uid: 'C1', code: 'C1', source: 't', description: '新措施', status: '已落实'})"
    )
    assert ledger.followed(store, AS_OF)[0].state == "gap gone, awaiting verification"


SCORING = ScoreRules.model_validate(
    {
        "start": 100,
        "findings": {
            "high": {"points": 3, "cap_per_query": 5},
            "medium": {"points": 1, "cap_per_query": 3},
            "low": {"points": 0.5, "cap_per_query": 2},
        },
        "overdue_rectification": {"points": 2, "cap": 10},
        "no_risk_register": 10,
        "grades": [
            {"grade": "优秀", "en": "excellent", "min": 90},
            {"grade": "良好", "en": "good", "min": 80},
            {"grade": "合格", "en": "pass", "min": 60},
            {"grade": "不合格", "en": "fail", "min": 0},
        ],
    }
)


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (100, "优秀"),
        (90, "优秀"),
        (89.9, "良好"),
        (80, "良好"),
        (79.5, "合格"),
        (60, "合格"),
        (59.9, "不合格"),
        (0, "不合格"),
    ],
)
def test_grade_boundaries(points: float, grade: str) -> None:
    assert SCORING.grade(points).grade == grade


def test_score_arithmetic(store: GraphStore) -> None:
    organisation(store, empty_unit=True)
    ledger.open_item(
        store, "overdue-controls", ("C3",), AS_OF - dt.timedelta(days=3), "ana", "P3", as_of=AS_OF
    )
    scores = score.compute(store, AS_OF, SCORING)
    u2 = {d["what"]: d["points"] for d in scores["U2"].deductions}
    assert u2["unmitigated-high-risks ×1"] == 3
    assert scores["U4"].score == 100 - 10 - sum(d["points"] for d in scores["U4"].deductions[:-1])
    assert scores["U4"].deductions[-1] == {"what": "未排查风险点", "points": 10}
    u3 = {d["what"]: d["points"] for d in scores["U3"].deductions}
    assert u3["逾期整改 ×1"] == 2
    # U1 answers for both: each query's deduction is capped.
    u1 = {d["what"]: d["points"] for d in scores["U1"].deductions}
    assert all(points <= 5 for points in u1.values())
    assert scores["U1"].score == pytest.approx(100 - sum(u1.values()))
    assert scores["U1"].grade == SCORING.grade(scores["U1"].score).grade


def test_a_rules_file_with_a_mistake_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "warnings.yaml"
    bad.write_text(
        "levels:\n  - level: red\n    zh: 红\n    severities: [urgent]\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match=r"warnings\.yaml: levels\.0.*urgent"):
        warning_rules(bad)


def test_working_days() -> None:
    friday = dt.date(2025, 12, 26)
    assert notice.working_days_after(friday, 5) == dt.date(2026, 1, 2)
    assert notice.working_days_after(dt.date(2025, 12, 31), 5) == dt.date(2026, 1, 7)


def test_the_notice_names_the_findings_and_the_deadline(store: GraphStore) -> None:
    organisation(store)
    built = notice.build(store, AS_OF, post="P1", reply_days=5)
    text = "\n".join(
        [p.text for p in Document(io.BytesIO(notice.write_docx(built))).paragraphs]
        + [
            c.text
            for t in Document(io.BytesIO(notice.write_docx(built))).tables
            for r in t.rows
            for c in r.cells
        ]
    )
    assert "廉政风险预警通知书" in text
    assert "一科岗位P1：" in text and "(P1)" not in text  # by name, once
    assert short_id("unmitigated-high-risks", ("K1",)) in text and "风险K1" in text
    assert "2026年1月7日" in text  # five working days after 2025-12-31
    for must in ("原因分析", "整改措施", "廉政承诺"):
        assert must in text
    assert score.compute(store, AS_OF)["U1"].grade == "良好"  # 87: nothing to rectify
    with pytest.raises(notice.NoticeError, match=r"it scored 87 \(良好\); the notice goes to"):
        notice.build(store, AS_OF, unit="U1", kind="rectification")
    with pytest.raises(notice.NoticeError):
        notice.build(store, AS_OF, post="P404")


def test_rankings_are_not_gaps(store: GraphStore) -> None:
    """The exposure rankings list every high-risk power someone reaches: information for
    the analyst, not findings that cost a unit points or raise a post's level."""
    organisation(store)
    store.write(
        "MATCH (r:RiskPoint {uid: 'K1'}) MATCH (q:Power {uid: 'Q1'}) "
        "CREATE (r)-[:OF_POWER {origin: 't'}]->(q)"
    )
    assert run(store, "power-exposure", {"as_of": AS_OF}).rows  # Q1 now has a high risk
    from lianfang.loop.findings import findings

    listed = {f.query_id for f in findings(store, AS_OF)}
    assert not listed & {"power-exposure", "exposure-choke-posts", "unit-risk-profile"}
