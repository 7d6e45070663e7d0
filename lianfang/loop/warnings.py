"""Graded warnings (分级预警): red, yellow or green per post, rolled up per unit.

The rules are data (loop/rules/warnings.yaml). A post's reasons are the findings that
name it (by query and key, accepted ones left out until they expire) and its overdue
rectification items; a unit takes the highest level of the posts in it and its
sub-units, with the count of posts at each level.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, organisation
from lianfang.loop.findings import findings
from lianfang.loop.kept import kept
from lianfang.loop.rules import WarningRules, warning_rules
from lianfang.queries.finding_ids import short_id
from lianfang.queries.spec import library


@dataclass
class Reason:
    """Why a post is warned: a finding (by query and key), or an overdue ledger item."""

    kind: str  # finding or overdue
    query_id: str  # the query; for an overdue item, the item's id
    key: tuple[str, ...]
    label: str
    severity: str = ""
    overdue_days: int = 0

    def words(self, lang: str = "zh") -> str:
        """ "未受控的高风险点（9DES-HAC8）：存在侥幸心理…": the query's title, the finding's
        short id and what it names; an overdue item by its ledger id."""
        english = lang == "en"
        if self.kind == "overdue":
            if english:
                return f"ledger item {self.query_id} {self.overdue_days} days overdue: {self.label}"
            return f"整改事项{self.query_id}逾期{self.overdue_days}天：{self.label}"
        spec = library().get(self.query_id)
        title = (spec.title_en if english else spec.title_zh) if spec else self.query_id
        short = short_id(self.query_id, self.key)
        return (
            f"{title} ({short}): {self.label}" if english else f"{title}（{short}）：{self.label}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "key": list(self.key), "text": self.words()}


@dataclass
class PostWarning:
    post_id: str
    post_name: str
    unit_id: str | None
    unit_name: str | None
    level: str
    reasons: list[Reason] = field(default_factory=list)
    disposition: list[str] = field(default_factory=list)

    def as_row(self, rules: WarningRules) -> dict[str, Any]:
        return {
            "post_id": self.post_id,
            "post_name": self.post_name,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "level": self.level,
            "level_zh": rules.zh(self.level),
            "disposition": "/".join(self.disposition),
            "reasons": "; ".join(r.words() for r in self.reasons),
        }


@dataclass
class UnitWarning:
    unit_id: str
    unit_name: str
    level: str
    counts: dict[str, int]


@dataclass
class Warnings:
    """Every post's level and every unit's, on one day, under one set of rules."""

    as_of: dt.date
    rules: WarningRules
    posts: dict[str, PostWarning]
    units: dict[str, UnitWarning]

    def post_rows(self, units_under: set[str] | None = None) -> list[dict[str, Any]]:
        """Posts (in these units, if given), red first."""
        order = {level: i for i, level in enumerate(self.rules.order())}
        chosen = [
            w
            for w in self.posts.values()
            if units_under is None or (w.unit_id is not None and w.unit_id in units_under)
        ]
        chosen.sort(key=lambda w: (order[w.level], w.unit_id or "", w.post_id))
        return [w.as_row(self.rules) for w in chosen]


def _level_for(rules: WarningRules, severity: str, query_id: str) -> str | None:
    for level in rules.levels:
        if severity in level.severities or query_id in level.queries:
            return level.level
    return None


def _level_for_overdue(rules: WarningRules, days: int) -> str | None:
    for level in rules.levels:
        if level.overdue_days is not None and days > level.overdue_days:
            return level.level
    return None


def compute(store: GraphStore, as_of: dt.date, rules: WarningRules | None = None) -> Warnings:
    """Every post's and unit's level on `as_of`, kept per state of the graph and of the
    office's records it reads (acceptances in force, overdue items): every node page
    shows a post's level. The answer is shared: read it only."""
    rules = rules or warning_rules()
    return kept(store, "warnings", as_of, rules, partial(_computed, store, as_of, rules))


def _computed(
    store: GraphStore,
    as_of: dt.date,
    rules: WarningRules,
    accepted: set[acceptance.Ident],
    overdue: tuple[ledger.Overdue, ...],
) -> Warnings:
    order = {level: i for i, level in enumerate(rules.order())}
    posts = organisation.posts(store)
    result = {
        uid: PostWarning(uid, row["name"], row["unit"], row["unit_name"], "green")
        for uid, row in posts.items()
    }

    def raise_to(post: str, level: str, reason: Reason) -> None:
        warning = result.get(post)
        if warning is None:
            return
        warning.reasons.append(reason)
        if order[level] < order[warning.level]:
            warning.level = level

    for finding in findings(store, as_of):
        level = _level_for(rules, finding.severity, finding.query_id)
        if level is None or finding.ident in accepted:
            continue
        reason = Reason("finding", finding.query_id, finding.key, finding.label, finding.severity)
        for post in sorted(finding.posts):
            raise_to(post, level, reason)
    for item in overdue:
        level = _level_for_overdue(rules, item.days)
        if level is not None:
            raise_to(
                item.post, level, Reason("overdue", item.uid, item.key, item.label, "", item.days)
            )
    for warning in result.values():
        warning.disposition = rules.disposition(warning.level)
    return Warnings(as_of, rules, result, _units(store, result, rules))


def _units(
    store: GraphStore, posts: dict[str, PostWarning], rules: WarningRules
) -> dict[str, UnitWarning]:
    """Each unit's posts are those in it and in its sub-units."""
    order = {level: i for i, level in enumerate(rules.order())}
    units_tree = organisation.tree(store)
    by_unit: dict[str, list[PostWarning]] = {}
    for warning in posts.values():
        if warning.unit_id:
            by_unit.setdefault(warning.unit_id, []).append(warning)
    units = {}
    for uid, name in units_tree.names.items():
        mine = [w for d in units_tree.under[uid] for w in by_unit.get(d, [])]
        counts = Counter(w.level for w in mine)
        level = min((w.level for w in mine), key=order.__getitem__, default="green")
        units[uid] = UnitWarning(uid, name, level, {lv: counts.get(lv, 0) for lv in rules.order()})
    return units
