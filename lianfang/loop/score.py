"""The yearly assessment (百分制考核): a score per unit and its grade.

The deductions are data (loop/rules/score.yaml): points per finding by severity, capped
per query; points per overdue rectification item, capped; points for a unit with posts
and no risk point at all. A unit answers for the findings concerning it or its
sub-units. Accepted findings (until expiry) cost nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, organisation
from lianfang.loop.findings import Finding, findings
from lianfang.loop.kept import kept
from lianfang.loop.rules import ScoreRules, score_rules
from lianfang.queries.runner import run
from lianfang.queries.spec import profile


@dataclass
class UnitScore:
    unit_id: str
    unit_name: str
    score: float
    grade: str
    grade_en: str
    deductions: list[dict[str, Any]] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "score": self.score,
            "grade": self.grade,
            "grade_en": self.grade_en,
            "deductions": "; ".join(f"{d['what']} -{d['points']:g}" for d in self.deductions),
        }


def counted_findings(
    store: GraphStore,
    as_of: dt.date,
    accepted: set[acceptance.Ident],
) -> dict[str, dict[str, list[Finding]]]:
    """Per unit and query, the findings a unit's score counts: those not accepted that
    concern it or one of its sub-units (a unit answers for its sub-units)."""
    up = organisation.tree(store).up
    counted: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings(store, as_of):
        if finding.ident in accepted:
            continue
        concerned = {a for unit in finding.units for a in up.get(unit, {unit})}
        for unit in concerned:
            counted[unit][finding.query_id].append(finding)
    return counted


def compute(
    store: GraphStore, as_of: dt.date, rules: ScoreRules | None = None
) -> dict[str, UnitScore]:
    """Every unit's score and grade on `as_of`, kept like warnings (per state of the
    graph, the acceptances in force and the overdue items). Shared: read it only."""
    rules = rules or score_rules()
    return kept(store, "score", as_of, rules, partial(_computed, store, as_of, rules))


def _computed(
    store: GraphStore,
    as_of: dt.date,
    rules: ScoreRules,
    accepted: set[acceptance.Ident],
    late: tuple[ledger.Overdue, ...],
) -> dict[str, UnitScore]:
    units = organisation.tree(store)
    names, up = units.names, units.up
    counted = counted_findings(store, as_of, accepted)
    per_query = {
        unit: {q: len(f) for q, f in by_query.items()} for unit, by_query in counted.items()
    }
    severity = {
        q: found[0].severity for by_query in counted.values() for q, found in by_query.items()
    }
    post_unit = {
        uid: post["unit"] for uid, post in organisation.posts(store).items() if post["unit"]
    }
    overdue: dict[str, int] = defaultdict(int)
    for item in late:
        if item.post in post_unit:
            for unit in up.get(post_unit[item.post], set()):
                overdue[unit] += 1
    without_risks = {
        row["unit_id"]
        for row in run(store, profile().id, {"as_of": as_of}).rows
        if row["posts"] and not row["risks"]
    }
    scores = {}
    for uid, name in names.items():
        deductions = []
        for query_id, count in sorted(per_query.get(uid, {}).items()):
            finding_rule = rules.findings[severity[query_id]]
            points = min(count * finding_rule.points, finding_rule.cap_per_query)
            deductions.append(
                {
                    "what": f"{query_id} ×{count}",
                    "points": points,
                    "query_id": query_id,
                    "count": count,
                }
            )
        if overdue[uid]:
            late_rule = rules.overdue_rectification
            points = min(overdue[uid] * late_rule.points, late_rule.cap)
            deductions.append({"what": f"逾期整改 ×{overdue[uid]}", "points": points})
        if uid in without_risks and rules.no_risk_register:
            deductions.append({"what": "未排查风险点", "points": rules.no_risk_register})
        score = max(0.0, rules.start - sum(float(str(d["points"])) for d in deductions))
        grade = rules.grade(score)
        scores[uid] = UnitScore(uid, name, round(score, 1), grade.grade, grade.en, deductions)
    return scores
