"""What if: an appointment, the end of one, or a change of powers, tried on a private
copy of the graph before it happens, and every canned query's findings compared.

The live graph is never touched: on FalkorDB the changes go to a scratch copy that is
dropped afterwards (and by the next start, if the process dies), on Neo4j to a
transaction that is rolled back. The copy holds only the region the changes can reach
(loop/region.py), and the findings before and after are both taken there, so a
what-if costs what the change touches, not what the province holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore, Scratch
from lianfang.loop import region
from lianfang.queries.params import bind
from lianfang.queries.runner import answered, run
from lianfang.queries.spec import library

KINDS = ("appoint", "end", "grant", "revoke")
_HOLDING = re.compile(r"^(?P<a>[^@]+)@(?P<b>[^:]+)(?::(?P<day>\d{4}-\d{2}-\d{2}))?$")
_POWER = re.compile(r"^(?P<a>[^>]+)>(?P<b>.+)$")
_CURRENT = model.held_on("day")


class WhatIfError(ValueError):
    """A change that cannot be simulated; the message is one line for the user."""


@dataclass(frozen=True)
class Change:
    kind: str
    a: str  # the person (appoint, end) or the post (grant, revoke)
    b: str  # the post, or the power
    day: dt.date | None = None

    def words(self) -> str:
        arrow = "@" if self.holding else ">"
        when = f":{self.day.isoformat()}" if self.day else ""
        return f"{self.kind} {self.a}{arrow}{self.b}{when}"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "a": self.a, "b": self.b, "day": self.day}

    @property
    def holding(self) -> bool:
        """Whether it changes who holds a post (else what a post exercises)."""
        return self.kind in ("appoint", "end")

    @property
    def ends(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """What the change joins, as (label, uid): a person and a post, or a post and a
        power."""
        first, second = ("Person", "Post") if self.holding else ("Post", "Power")
        return (first, self.a), (second, self.b)

    @property
    def edge_type(self) -> str:
        return "HOLDS" if self.holding else "EXERCISES"

    def said(self, names: Mapping[str, str], lang: str = "zh") -> str:
        """The change as a reader says it, by the names of what it joins (an id where
        no name is known): "任命谢琪为预算科预算科科长（2026-01-31起）"."""
        zh, en = _SAID[self.kind]
        a, b = names.get(self.a, self.a), names.get(self.b, self.b)
        if lang == "en":
            return en.format(a=a, b=b) + (f" from {self.day.isoformat()}" if self.day else "")
        return zh.format(a=a, b=b) + (f"（{self.day.isoformat()}起）" if self.day else "")


_SAID = {
    "appoint": ("任命{a}为{b}", "appoint {a} to {b}"),
    "end": ("{a}不再担任{b}", "{a} leaves {b}"),
    "grant": ("{a}增加职权“{b}”", "{a} gains the power {b}"),
    "revoke": ("{a}取消职权“{b}”", "{a} loses the power {b}"),
}


def parse(kind: str, text: str) -> Change:
    """`PERSON@POST[:DATE]` for appoint and end, `POST>POWER` for grant and revoke."""
    pattern = _HOLDING if kind in ("appoint", "end") else _POWER
    form = "PERSON@POST[:YYYY-MM-DD]" if kind in ("appoint", "end") else "POST>POWER"
    match = pattern.match(text.strip())
    if not match:
        raise WhatIfError(f"--{kind} {text!r}: expected {form}")
    day = match.groupdict().get("day")
    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError:
        raise WhatIfError(f"--{kind} {text!r}: {day} is not a date") from None
    return Change(kind, match["a"].strip(), match["b"].strip(), when)


def _exists(store: GraphStore, label: str, uid: str) -> None:
    if not store.read(f"MATCH (n:{label} {{uid: $uid}}) RETURN n.uid AS uid", {"uid": uid}):
        raise WhatIfError(f"no {label} {uid!r}")


def check(store: GraphStore, change: Change, as_of: dt.date) -> Change:
    """The change as it will be applied (its day filled in), or WhatIfError."""
    day = change.day or as_of
    if change.holding:
        _exists(store, "Person", change.a)
        _exists(store, "Post", change.b)
        held = store.read(
            f"MATCH (:Person {{uid: $a}})-[h:HOLDS]->(:Post {{uid: $b}}) WHERE {_CURRENT} "
            "RETURN h.start_date AS start",
            {"a": change.a, "b": change.b, "day": day},
        )
        if change.kind == "appoint" and held:
            raise WhatIfError(f"{change.a} already holds {change.b} on {day.isoformat()}")
        if change.kind == "end" and not held:
            _never_held(store, change, day)
    else:
        _exists(store, "Post", change.a)
        _exists(store, "Power", change.b)
        held = store.read(
            "MATCH (:Post {uid: $a})-[r:EXERCISES]->(:Power {uid: $b}) RETURN count(r) AS n",
            {"a": change.a, "b": change.b},
        )
        if change.kind == "grant" and held[0]["n"]:
            raise WhatIfError(f"{change.a} exercises {change.b} already")
        if change.kind == "revoke" and not held[0]["n"]:
            raise WhatIfError(f"{change.a} does not exercise {change.b}")
    return Change(change.kind, change.a, change.b, day)


def _never_held(store: GraphStore, change: Change, day: dt.date) -> None:
    """Why an `end` cannot apply: the holding starts later, or there is none."""
    started = store.read(
        "MATCH (:Person {uid: $a})-[h:HOLDS]->(:Post {uid: $b}) RETURN min(h.start_date) AS start",
        {"a": change.a, "b": change.b},
    )
    first = started[0]["start"] if started else None
    if first is not None and first > day:
        raise WhatIfError(
            f"{change.a}'s holding of {change.b} starts {first.isoformat()}: "
            f"it cannot end on {day.isoformat()}, before it starts"
        )
    raise WhatIfError(f"{change.a} does not hold {change.b} on {day.isoformat()}")


APPLY = {
    "appoint": (
        "MATCH (e:Person {uid: $a}) MATCH (p:Post {uid: $b}) "
        "CREATE (e)-[:HOLDS {origin: 'whatif', start_date: date($day), concurrent: false}]->(p)"
    ),
    "end": (
        f"MATCH (:Person {{uid: $a}})-[h:HOLDS]->(:Post {{uid: $b}}) WHERE {_CURRENT} "
        "SET h.end_date = date($day)"
    ),
    "grant": (
        "MATCH (p:Post {uid: $a}) MATCH (q:Power {uid: $b}) "
        "CREATE (p)-[:EXERCISES {origin: 'whatif'}]->(q)"
    ),
    "revoke": "MATCH (:Post {uid: $a})-[r:EXERCISES]->(:Power {uid: $b}) DELETE r",
}


def _live(store: GraphStore, query_id: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The query's answer on the live graph (cached until the next import)."""
    return run(store, query_id, {"as_of": as_of}).rows


def _answers(scratch: Scratch, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    answers = {}
    for spec in library().values():
        if not spec.simulated:
            continue
        bound = bind(spec.parameters, {"as_of": as_of}, as_of)
        answers[spec.id] = answered(scratch.read, spec, {n: bound[n] for n in spec.sent})
    return answers


def changed_region(store: GraphStore, changes: list[Change]) -> dict[str, set[str]]:
    """What the changes can reach (loop/region.py): their people, posts and powers."""
    people = [c.a for c in changes if c.holding]
    posts = [c.b if c.holding else c.a for c in changes]
    powers = [c.b for c in changes if not c.holding]
    return region.reach(store, people, posts, powers)


def simulate(
    store: GraphStore, changes: list[Change], as_of: dt.date, whole: bool = False
) -> dict[str, Any]:
    """Per query, the findings the changes would add and those they would close.
    `whole` copies the whole graph instead of the changes' region (the answers are the
    same; tests and bench/whatif.py compare the two)."""
    if not changes:
        raise WhatIfError("give at least one change (--appoint, --end, --grant, --revoke)")
    checked = [check(store, change, as_of) for change in changes]
    reached = None if whole else changed_region(store, checked)
    with store.scratch(reached) as scratch:
        earlier = _answers(scratch, as_of) if scratch.partial else None
        for change in checked:
            scratch.write(APPLY[change.kind], {"a": change.a, "b": change.b, "day": change.day})
        after = _answers(scratch, as_of)
    queries: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for query_id, rows in after.items():
        spec = library()[query_id]
        before = earlier[query_id] if earlier is not None else _live(store, query_id, as_of)
        old = {spec.finding_key(row) for row in before}
        new = {spec.finding_key(row) for row in rows}
        # in the order of their keys, however the engine returned them
        queries[query_id] = {
            "new": sorted(
                (row for row in rows if spec.finding_key(row) not in old), key=spec.finding_key
            ),
            "closed": sorted(
                (row for row in before if spec.finding_key(row) not in new), key=spec.finding_key
            ),
        }
    return {
        "as_of": as_of,
        "changes": [c.as_dict() for c in checked],
        "queries": queries,
    }
