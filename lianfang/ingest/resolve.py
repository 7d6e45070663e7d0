"""Resolving an import's references against itself and the graph: codes and renames.

Offices number their registers independently, so a code (`GW01`) may be held by
several sources. A reference resolves first within its own import, then to the one
record with that code in another source; where several sources hold it, the register
must name the source (`来源:编号`). The graph's records of this same source do not
count: re-importing the source replaces them, so a reference to one the new registers
dropped is dangling.

Each record's graph uid is its code while one source holds it, and `source:code`
once several do: an id always names exactly one record, and a shared code always
shows its office. An import that adds or drops a shared code renames the other
sources' records accordingly, in the same atomic change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.ingest.batch import Batch, End

LOOKUP_CHUNK = 5000
SOURCE_SEPARATOR = re.compile(r"[:：]")
# Post columns a printed table may fill with a person (责任人: 许腊萍).
PERSON_FOR_POST = {"post_ids", "owner_posts", "post_id"}


def qualified(source: str, code: str) -> str:
    return f"{source}:{code}"


def split_source(text: str) -> tuple[str, str] | None:
    """`来源:编号` as (source, code); None for a plain code."""
    parts = SOURCE_SEPARATOR.split(text, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else None


def _chunks(values: set[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + LOOKUP_CHUNK] for i in range(0, len(ordered), LOOKUP_CHUNK)]


def graph_holders(
    store: GraphStore | None, label: str, codes: set[str]
) -> dict[str, dict[str, str]]:
    """code → {source: uid} for the given codes of one label that the graph holds."""
    if store is None or not codes:
        return {}
    spec = model.node(label)  # the label comes from the schema, never from a cell
    holders: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(codes):
        rows = store.read(
            f"MATCH (n:{spec.label}) WHERE n.code IN $codes "
            "RETURN n.code AS code, n.source AS source, n.uid AS uid",
            {"codes": chunk},
        )
        for row in rows:
            holders[row["code"]][row["source"]] = row["uid"]
    return dict(holders)


def source_codes(store: GraphStore | None, label: str, source: str) -> set[str]:
    """The codes one label holds from this source now: what a re-import may drop."""
    if store is None:
        return set()
    spec = model.node(label)
    rows = store.read(
        f"MATCH (n:{spec.label}) WHERE n.source = $source RETURN n.code AS code",
        {"source": source},
    )
    return {row["code"] for row in rows}


@dataclass(frozen=True)
class Rename:
    """Another source's record whose uid this import changes (a code becomes shared, or
    stops being shared)."""

    label: str
    source: str
    code: str
    uid: str


@dataclass
class Found:
    """How one named id resolved: the records it names, or why it names none."""

    targets: list[tuple[str, str]] = field(default_factory=list)  # (label, graph uid)
    problem: str | None = None  # "shared code", "several people", "person without post"
    candidates: list[str] = field(default_factory=list)
    via_person: str | None = None  # a person's name or id, standing for their posts


class Resolver:
    """Where each code lives: this import, other sources in the graph, or nowhere."""

    def __init__(self, batch: Batch, store: GraphStore | None, source: str, today: dt.date) -> None:
        self.batch = batch
        self.store = store
        self.source = source
        self.today = today
        wanted: dict[str, set[str]] = defaultdict(set)
        for label, nodes in batch.nodes.items():
            wanted[label].update(nodes)
        for edge in batch.edges:
            for end in (edge.start, edge.end):
                if end.column is not None:
                    for label in self._candidate_labels(end):
                        wanted[label].update(self._codes_named(end.uid))
        self.before = {
            label: source_codes(store, label, source) for label in model.labels() if store
        }
        for label, codes in self.before.items():
            wanted[label].update(codes)
        self.holders = {
            label: graph_holders(store, label, codes) for label, codes in wanted.items()
        }
        self._people: dict[str, list[tuple[str, str]]] | None = None

    @staticmethod
    def _candidate_labels(end: End) -> tuple[str, ...]:
        if end.column is not None and end.column.name in PERSON_FOR_POST:
            return (*end.labels, "Person")
        return end.labels

    @staticmethod
    def _codes_named(text: str) -> set[str]:
        """A cell's text as a code, and (for `来源:编号`) the code after the source."""
        named = split_source(text)
        return {text, named[1]} if named else {text}

    def others(self, label: str, code: str) -> dict[str, str]:
        """source → uid of the records other sources hold under this code."""
        found = self.holders.get(label, {}).get(code, {})
        return {s: uid for s, uid in found.items() if s != self.source}

    def key(self, label: str, source: str, code: str) -> str:
        """The graph uid a record has once this import lands."""
        holders = set(self.others(label, code))
        if code in self.batch.nodes.get(label, {}) or code in self.batch.broken.get(label, ()):
            holders.add(self.source)
        return code if len(holders) <= 1 else qualified(source, code)

    def own_keys(self) -> None:
        for label, nodes in self.batch.nodes.items():
            for code, node in nodes.items():
                node.key = self.key(label, self.source, code)

    def renames(self) -> list[Rename]:
        """Other sources' records whose uid changes because this import adds or drops
        a code they share."""
        changed = []
        for label in model.labels():
            stated = self.batch.nodes.get(label, {})
            for code in set(stated) | self.before.get(label, set()):
                for other, uid in self.others(label, code).items():
                    wanted = self.key(label, other, code)
                    if wanted != uid:
                        changed.append(Rename(label, other, code, wanted))
                # This import's own record keeps its node (and the edges other sources
                # drew to it) when its uid changes.
                own = self.holders.get(label, {}).get(code, {}).get(self.source)
                if code in stated and own is not None and own != stated[code].key:
                    changed.append(Rename(label, self.source, code, stated[code].key or code))
        return changed

    # -- one reference ----------------------------------------------------------------
    def _locate(self, label: str, text: str) -> tuple[tuple[str, str] | None, list[str]]:
        """The (source, code) a cell names in one label; else None and the sources that
        share the code (none if nobody holds it)."""
        if self.batch.has(label, text):
            return (self.source, text), []
        named = split_source(text)
        if named:
            source, code = named
            if source == self.source and self.batch.has(label, code):
                return (self.source, code), []
            if source in self.others(label, code):
                return (source, code), []
        others = sorted(self.others(label, text))
        if len(others) == 1:
            return (others[0], text), []
        return None, others

    def _in_label(self, label: str, text: str) -> Found:
        owner, sharing = self._locate(label, text)
        if owner:
            return Found([(label, self.key(label, *owner))])
        return Found(problem="shared code" if sharing else None, candidates=sharing)

    def resolve(self, end: End) -> Found:
        if self.batch.unreadable.intersection(end.labels):
            return Found([(end.labels[0], end.uid)])
        ambiguous: list[str] = []
        for label in end.labels:
            found = self._in_label(label, end.uid)
            if found.targets:
                return found
            ambiguous += found.candidates
        if ambiguous:
            return Found(problem="shared code", candidates=ambiguous)
        if end.column is not None and end.column.name in PERSON_FOR_POST:
            return self._person(end.uid)
        return Found()

    # -- a person standing for the posts they hold ------------------------------------
    def _people_by_name(self) -> dict[str, list[tuple[str, str]]]:
        """name → [(source, code)] of this import's people and other sources'."""
        if self._people is None:
            people: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for code, node in self.batch.nodes.get("Person", {}).items():
                people[node.props["name"]].append((self.source, code))
            if self.store is not None:
                for row in self.store.read(
                    "MATCH (n:Person) WHERE n.source <> $source "
                    "RETURN n.name AS name, n.source AS source, n.code AS code",
                    {"source": self.source},
                ):
                    people[row["name"]].append((row["source"], row["code"]))
            self._people = dict(people)
        return self._people

    def _held_posts(self, source: str, code: str) -> list[str]:
        """Graph uids of the posts a person currently holds."""
        if source == self.source:
            return sorted(
                uid
                for edge in self.batch.edges
                if edge.type == "HOLDS"
                and edge.written
                and edge.start.uid == code
                and holds_on(edge.props, self.today)
                for _label, uid in self._in_label("Post", edge.end.uid).targets
            )
        if self.store is None:
            return []
        rows = self.store.read(
            "MATCH (p:Person {code: $code, source: $source})-[h:HOLDS]->(q:Post) "
            f"WHERE {model.held_on('day')} "
            "RETURN q.uid AS uid ORDER BY uid",
            {"code": code, "source": source, "day": self.today.isoformat()},
        )
        return [row["uid"] for row in rows]

    def _person(self, text: str) -> Found:
        """The posts a person currently holds, named by their id or by a unique name."""
        owner, _sharing = self._locate("Person", text)
        people = [owner] if owner else self._people_by_name().get(text, [])
        if not people:
            return Found()
        if len(people) > 1:
            listed = [qualified(s, c) for s, c in people]
            return Found(problem="several people", candidates=listed)
        source, code = people[0]
        posts = self._held_posts(source, code)
        if not posts:
            return Found(problem="person without post", candidates=[qualified(source, code)])
        return Found([("Post", uid) for uid in posts], via_person=text)


def holds_on(props: dict, day: dt.date) -> bool:
    start, end = props.get("start_date"), props.get("end_date")
    return (
        start is not None
        and dt.date.fromisoformat(start) <= day
        and (end is None or dt.date.fromisoformat(end) > day)
    )
