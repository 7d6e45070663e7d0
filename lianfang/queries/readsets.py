"""What a statement reads, named by the schema: the labels and relationship types an
import must write for its answer to change.

After an import the web app prepares its answers again (api/warmer.py); an answer whose
statement reads nothing the import wrote (ingest/touched.py) is the same in both states
and is kept. A read set must never say too little. It is every label and type the text
names, with both end labels of each type named (a pattern `(p)-[:IN_UNIT]->(u)` reads
units and whatever sits in them, labelled or not). A relationship pattern without a
type, or a node pattern that could be any node, reads everything.
"""

from __future__ import annotations

import re
from functools import cache

from lianfang.graph import model
from lianfang.queries.spec import QuerySpec

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# `-[r]-`, `-[*2]-`, `-->`, `<--`, `--`: a relationship of any type.
_ANY_TYPE = re.compile(r"-\[\s*[A-Za-z0-9_]*\s*(\*[^\]]*)?\]-|-->|<--|\)\s*--\s*\(")
# `MATCH (n)` or `MATCH (n {…})` where n ends the pattern: a node of any label.
_ANY_NODE = re.compile(r"MATCH\s+\(\s*[A-Za-z0-9_]*\s*(\{[^}]*\})?\s*\)(?!\s*[-<])", re.IGNORECASE)


@cache
def everything() -> frozenset[str]:
    return frozenset(model.labels()) | frozenset(model.edge_types())


@cache
def _ends() -> dict[str, frozenset[str]]:
    ends: dict[str, set[str]] = {}
    for edge in model.edges():
        ends.setdefault(edge.type, set()).update((edge.start, edge.end))
    return {type_: frozenset(labels) for type_, labels in ends.items()}


def reads(*statements: str) -> frozenset[str]:
    """The labels and relationship types `statements` may read."""
    text = "\n".join(statements)
    if _ANY_TYPE.search(text) or _ANY_NODE.search(text):
        return everything()
    named = set(_NAME.findall(text)) & everything()
    for type_ in named & set(_ends()):
        named |= _ends()[type_]
    return frozenset(named)


def spec_reads(spec: QuerySpec) -> frozenset[str]:
    """What a canned query reads: its statements and its denominator's."""
    return reads(spec.text)
