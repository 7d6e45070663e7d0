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
from collections import Counter, defaultdict
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


# How many other holders of a code an import reads back by name. Past two, every holder
# of the code is already `source:code` and stays so whatever this import does (nothing
# to rename), so their number is enough: reading them all made each import cost the
# number of sources before it (137,893 rows at the twentieth county numbered from C01).
NAMED_HOLDERS = 2


@dataclass
class Holders:
    """Who holds each code of one label: this source's uid, up to NAMED_HOLDERS others
    by source, and how many sources hold it in all."""

    named: dict[str, dict[str, str]] = field(default_factory=dict)  # code → {source: uid}
    count: dict[str, int] = field(default_factory=dict)  # code → sources holding it

    def get(self, code: str) -> dict[str, str]:
        return self.named.get(code, {})


def graph_holders(store: GraphStore | None, label: str, codes: set[str], source: str) -> Holders:
    """The holders of the given codes of one label that the graph holds."""
    found = Holders()
    if store is None or not codes:
        return found
    spec = model.node(label)  # the label comes from the schema, never from a cell
    for chunk in _chunks(codes):
        rows = store.read(
            f"MATCH (n:{spec.label}) WHERE n.code IN $codes "
            "WITH n.code AS code, collect([n.source, n.uid]) AS held "
            "RETURN code, size(held) AS count, "
            "[h IN held WHERE h[0] = $source] + "
            "[h IN held WHERE h[0] <> $source][..$named] AS named",
            {"codes": chunk, "source": source, "named": NAMED_HOLDERS},
        )
        for row in rows:
            found.count[row["code"]] = int(row["count"])
            found.named[row["code"]] = {held[0]: held[1] for held in row["named"]}
    return found


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
    more: int = 0  # sources sharing the code beyond the candidates named


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
            label: graph_holders(store, label, codes, source) for label, codes in wanted.items()
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

    def _held(self, label: str) -> Holders:
        return self.holders.get(label) or Holders()

    def others(self, label: str, code: str) -> dict[str, str]:
        """source → uid of records other sources hold under this code: all of them when
        there are at most NAMED_HOLDERS, else that many (see `other_count`)."""
        found = self._held(label).get(code)
        return {s: uid for s, uid in found.items() if s != self.source}

    def other_count(self, label: str, code: str) -> int:
        """How many other sources hold a record under this code."""
        held = self._held(label)
        mine = self.source in held.get(code)
        return held.count.get(code, 0) - (1 if mine else 0)

    def _other_holds(self, label: str, source: str, code: str) -> bool:
        """Whether another source holds this code (asked of the graph when the named
        holders do not say)."""
        if source in self.others(label, code):
            return True
        if self.other_count(label, code) <= NAMED_HOLDERS or self.store is None:
            return False
        spec = model.node(label)
        rows = self.store.read(
            f"MATCH (n:{spec.label} {{code: $code, source: $source}}) RETURN count(n) AS n",
            {"code": code, "source": source},
        )
        return bool(rows and rows[0]["n"])

    def most_shared(self) -> tuple[str, int] | None:
        """The other source holding the most of the codes this import states, and how
        many: counted in the graph, since the holders read back are not all named."""
        if self.store is None:
            return None
        shared: Counter[str] = Counter()
        for label, nodes in self.batch.nodes.items():
            if not any(self.other_count(label, code) for code in nodes):
                continue
            spec = model.node(label)
            for chunk in _chunks(set(nodes)):
                rows = self.store.read(
                    f"MATCH (n:{spec.label}) WHERE n.code IN $codes AND n.source <> $source "
                    "RETURN n.source AS source, count(n) AS n",
                    {"codes": chunk, "source": self.source},
                )
                shared.update({row["source"]: int(row["n"]) for row in rows})
        return shared.most_common(1)[0] if shared else None

    def key(self, label: str, source: str, code: str) -> str:
        """The graph uid a record has once this import lands."""
        holders = self.other_count(label, code)
        if code in self.batch.nodes.get(label, {}) or code in self.batch.broken.get(label, ()):
            holders += 1
        return code if holders <= 1 else qualified(source, code)

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
                own = self._held(label).get(code).get(self.source)
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
            if source != self.source and self._other_holds(label, source, code):
                return (source, code), []
        others = sorted(self.others(label, text))
        if self.other_count(label, text) == 1:
            return (others[0], text), []
        return None, others

    def _in_label(self, label: str, text: str) -> Found:
        owner, sharing = self._locate(label, text)
        if owner:
            return Found([(label, self.key(label, *owner))])
        more = max(0, self.other_count(label, text) - len(sharing))
        return Found(problem="shared code" if sharing else None, candidates=sharing, more=more)

    def resolve(self, end: End) -> Found:
        if self.batch.unreadable.intersection(end.labels):
            return Found([(end.labels[0], end.uid)])
        ambiguous: list[str] = []
        more = 0
        for label in end.labels:
            found = self._in_label(label, end.uid)
            if found.targets:
                return found
            ambiguous += found.candidates
            more += found.more
        if ambiguous:
            return Found(problem="shared code", candidates=ambiguous, more=more)
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
