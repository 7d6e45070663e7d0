"""The annual review's content, built once and written as DOCX, XLSX or HTML.

Everything in it comes from the canned query runner: the profile table is
`unit-risk-profile`, each section is one query with its rows, ratio and remedy. With a
unit, the review keeps the findings that name something in the unit's power-risk map
(its sub-units, posts, holders, powers, flowcharts, risks, controls and rules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lianfang.graph import vocab
from lianfang.graph.store import GraphStore
from lianfang.graph.vocab import SEVERITY_ORDER
from lianfang.loop import acceptance
from lianfang.queries.runner import QueryResult, run
from lianfang.queries.spec import ID_COLUMNS, QuerySpec, library, profile
from lianfang.queries.stats import stats
from lianfang.reports import loop_summary
from lianfang.reports.drift import QueryDrift, by_query, compare
from lianfang.reports.reading import Reader
from lianfang.reports.snapshots import Snapshot, take
from lianfang.reports.snapshots import load as load_snapshot
from lianfang.viz.subgraph import unit_map

# Rows per section that a document prints (the workbook has every row).
DOCUMENT_ROWS = 200
# Risk points with no category, as the distribution names them (a row of their own).
UNCLASSIFIED = "未分类"
# The profile table's columns are the profile query's own.
PROFILE_COLUMNS = tuple(c.name for c in profile().columns)


@dataclass
class Section:
    spec: QuerySpec
    result: QueryResult
    rows: list[dict[str, Any]]  # open findings (in the scope)
    drift: QueryDrift | None = None
    accepted: list[dict[str, Any]] = field(default_factory=list)  # set aside until expiry

    @property
    def ratio(self) -> str:
        base = self.result.ratio() if self.scoped_all else str(len(self.rows))
        return f"{base}(另有已接受 {len(self.accepted)} 项)" if self.accepted else base

    @property
    def scoped_all(self) -> bool:
        """Whether the section shows every open row (no unit cut it down)."""
        return len(self.rows) == len(self.result.rows)


@dataclass
class Review:
    organisation: str
    scope: str
    unit: str | None
    as_of: dt.date
    generated: str
    headline: dict[str, int]
    profile: list[dict[str, Any]]
    sections: list[Section]
    distribution: dict[str, dict[str, int]]
    compared_with: Snapshot | None = None
    notes: list[str] = field(default_factory=list)
    loop: list[loop_summary.Table] = field(default_factory=list)
    repealed_rules: int = 0  # counted in the headline's rules, not in the profile's
    names: dict[str, str] = field(default_factory=dict)  # the ids the documents print as names

    @property
    def loop_lines(self) -> list[str]:
        return loop_summary.lines(self.loop) if self.loop else []

    @property
    def numbered(self) -> list[Section]:
        """The sections in the order a document numbers them: by severity."""
        return [s for severity in SEVERITY_ORDER for s in self.by_severity(severity)]

    def by_severity(self, severity: str) -> list[Section]:
        return [s for s in self.sections if s.spec.severity == severity]


def scope_ids(store: GraphStore, unit: str, as_of: dt.date) -> dict[str, set[str]]:
    """Ids that belong to a unit's power-risk map, by label, with their flowcharts."""
    graph = unit_map(store, unit, as_of)
    scope: dict[str, set[str]] = {}
    for label, uid in graph.nodes:
        scope.setdefault(label, set()).add(uid)
    rows = store.read(
        "MATCH (f:Process)-[:IMPLEMENTS]->(q:Power) WHERE q.uid IN $powers RETURN f.uid AS f",
        {"powers": sorted(scope.get("Power", set()))},
    )
    scope["Process"] = {row["f"] for row in rows}
    return scope


def in_scope(row: dict[str, Any], scope: dict[str, set[str]]) -> bool:
    for column, label in ID_COLUMNS.items():
        value = row.get(column)
        if isinstance(value, str) and value in scope.get(label, set()):
            return True
    return False


def acceptance_in_scope(accepted: acceptance.Accepted, scope: dict[str, set[str]]) -> bool:
    """Whether an accepted finding names something in the scope, as its row would."""
    spec = library().get(accepted.query_id)
    if spec is None:  # a query the library no longer has: nothing to place it by
        return False
    return in_scope(dict(zip(spec.key, accepted.key, strict=False)), scope)


def distribution(store: GraphStore, risks: set[str] | None) -> dict[str, dict[str, int]]:
    """Risk points per category and level (within the scope, if one is given)."""
    rows = store.read(
        "MATCH (r:RiskPoint) WHERE $all OR r.uid IN $uids "
        "RETURN r.category AS category, r.level AS level, count(r) AS n",
        {"all": risks is None, "uids": sorted(risks or ())},
    )
    table = {category: dict.fromkeys(vocab.LEVELS, 0) for category in vocab.RISK_CATEGORIES}
    for row in rows:
        category = row["category"] or UNCLASSIFIED
        if row["level"] in vocab.LEVELS:
            table.setdefault(category, dict.fromkeys(vocab.LEVELS, 0))[row["level"]] = row["n"]
    return table


def profile_rows(store: GraphStore, unit: str | None, as_of: dt.date) -> list[dict[str, Any]]:
    """The unit and its direct sub-units (or the top units and theirs)."""
    rows = run(store, profile().id, {"as_of": as_of}).rows
    parents = {
        r["c"]: r["p"]
        for r in store.read("MATCH (c:Unit)-[:PART_OF]->(p:Unit) RETURN c.uid AS c, p.uid AS p")
    }
    tops = {unit} if unit else {r["unit_id"] for r in rows if r["unit_id"] not in parents}
    wanted = tops | {child for child, parent in parents.items() if parent in tops}
    return [r for r in rows if r["unit_id"] in wanted]


def _name_of_scope(store: GraphStore, unit: str | None) -> tuple[str, str]:
    roots = store.read(
        "MATCH (u:Unit) WHERE NOT (u)-[:PART_OF]->() RETURN u.name AS name ORDER BY u.uid"
    )
    organisation = "、".join(r["name"] for r in roots) or "(空)"
    if unit is None:
        return organisation, "全部单位"
    found = store.read("MATCH (u:Unit {uid: $uid}) RETURN u.name AS name", {"uid": unit})
    if not found:
        raise LookupError(f"no unit {unit!r}")
    return organisation, f"{found[0]['name']}及下属单位"


def build(
    store: GraphStore,
    as_of: dt.date,
    unit: str | None = None,
    compare_with: str | None = None,
) -> Review:
    """The review on `as_of`, for one unit or all; with a snapshot, what changed since."""
    organisation, scope_name = _name_of_scope(store, unit)
    scope = scope_ids(store, unit, as_of) if unit else None
    old = load_snapshot(store, compare_with) if compare_with else None
    drifts = by_query(compare(old, take(store, "now", as_of))) if old else {}
    sections = []
    specs = sorted(library().values(), key=lambda s: SEVERITY_ORDER[s.severity])
    accepted = acceptance.active(store, as_of)
    for spec in specs:
        if spec.kind == "profile":
            continue
        params = {"as_of": as_of}
        split = acceptance.split(run(store, spec.id, params), accepted)
        rows = [r for r in split.open.rows if scope is None or in_scope(r, scope)]
        aside = [r for r in split.accepted if scope is None or in_scope(r, scope)]
        sections.append(Section(spec, split.open, rows, drifts.get(spec.id), aside))
    profile_spec = profile()
    profile_table = profile_rows(store, unit, as_of)
    headline = (
        stats(store)["headline"]
        if unit is None
        else _headline(profile_table[0] if profile_table else {})
    )
    repealed = 0
    if unit is None:
        [row] = store.read(
            "MATCH (g:Rule) RETURN count(CASE WHEN coalesce(g.status, '现行') <> '现行' "
            "THEN 1 END) AS n"
        )
        repealed = row["n"]
    return Review(
        organisation=organisation,
        scope=scope_name,
        unit=unit,
        as_of=as_of,
        generated=dt.datetime.now().isoformat(timespec="minutes"),
        headline=headline,
        profile=profile_table,
        sections=sections,
        distribution=distribution(store, scope.get("RiskPoint", set()) if scope else None),
        compared_with=old,
        loop=loop_summary.tables(
            store,
            as_of,
            unit,
            scope.get("Unit") if scope else None,
            scope.get("Post") if scope else None,
            old,
            None if scope is None else lambda a: acceptance_in_scope(a, scope),
        ),
        repealed_rules=repealed,
        names=Reader.of(
            store,
            [(s.spec, s.rows) for s in sections] + [(profile_spec, profile_table)],
        ).names,
    )


def _headline(profile: dict[str, Any]) -> dict[str, int]:
    return {
        "risks": profile.get("risks", 0),
        "high_risks": profile.get("high_risks", 0),
        "controls": profile.get("controls", 0),
        "rules": profile.get("rules", 0),
        "processes": profile.get("processes", 0),
    }


def summary_sentence(review: Review) -> str:
    """The sentence an annual review opens with. Its rules are every rule registered;
    where some are repealed it says how many are in force, the figure the profile
    table counts."""
    h = review.headline
    rules = f"{h['rules']}项"
    if review.repealed_rules:
        rules += (
            f"（其中现行{h['rules'] - review.repealed_rules}项，已废止{review.repealed_rules}项）"
        )
    return (
        f"截至{review.as_of.year}年{review.as_of.month}月{review.as_of.day}日，"
        f"排查廉政风险点{h['risks']}个（其中高风险{h['high_risks']}个），"
        f"制定防控措施{h['controls']}条，完善各项规章制度{rules}，"
        f"制定权力运行流程图{h['processes']}个。"
    )


PROFILE_NOTE = (
    "按单位（含下属单位）统计。制度数为适用于该单位岗位所行使职权及其流程图的现行制度，"
    "一项制度适用于多个单位的，各单位分别计入。"
)


def counted(section: Section) -> str:
    """ "15项（共38项）", with any accepted findings beside."""
    found = section.result.ratio_zh() if section.scoped_all else f"{len(section.rows)}项"
    return f"{found}，另有已接受{len(section.accepted)}项" if section.accepted else found


def overview(review: Review, listed_in: str) -> list[str]:
    """The opening paragraphs: the headline, and the findings by severity."""
    counts = {s: sum(len(x.rows) for x in review.by_severity(s)) for s in SEVERITY_ORDER}
    queries = sum(1 for s in review.sections if s.rows)
    found = (
        f"对照{len(review.sections)}项风险防控缺口查询，{queries}项发现问题，"
        f"共{sum(counts.values())}项：其中高严重度{counts['high']}项、"
        f"中严重度{counts['medium']}项、低严重度{counts['low']}项，{listed_in}。"
    )
    return [summary_sentence(review), found]


def profile_table(review: Review, reader: Reader) -> tuple[list[str], list[list[str]]]:
    """The profile's headings and cells as a document prints them (no ids)."""
    columns = [c for c in PROFILE_COLUMNS if c not in ("unit_id", "sub_units")]
    spec = profile()
    return (
        [spec.heading(c, "zh") for c in columns],
        [[reader.cell(c, r.get(c)) for c in columns] for r in review.profile],
    )
