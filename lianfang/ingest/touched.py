"""What an import writes, named by the schema: the labels and relationship types whose
records it may create, change or delete.

Stored with the new state token (graph.store.touching), it lets the web app keep every
prepared answer whose query reads none of them, instead of computing the whole library
again after each import (api/warmer.py). It must never say too little, so it counts
what the import states and what the source held before (a re-import may drop it); the
records of other sources it renames share a code, so a label, with one of those.
Deleting a node also deletes the edges other sources drew to it; their types need no
mention, since whatever reads a type reads both its ends (queries/readsets.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.ingest.batch import Batch, Edge


def written_labels(batch: Batch, before: Mapping[str, Collection[str]]) -> set[str]:
    """Labels whose records the import states or may drop."""
    labels = {label for label, nodes in batch.nodes.items() if nodes}
    return labels | {label for label, codes in before.items() if codes}


def held_types(store: GraphStore, source: str, types: Iterable[str]) -> set[str]:
    """Which of `types` the source has edges of now (edges it drew between records of
    other sources: a re-import deletes them)."""
    held = set()
    for type_ in sorted(types):
        assert type_ in model.edge_types()
        rows = store.read(
            f"MATCH ()-[r:{type_}]->() WHERE r.origin = $source RETURN 1 AS held LIMIT 1",
            {"source": source},
        )
        if rows:
            held.add(type_)
    return held


def touched(
    store: GraphStore,
    source: str,
    batch: Batch,
    edges: Iterable[Edge],
    before: Mapping[str, Collection[str]],
) -> frozenset[str]:
    """Every label and relationship type the import may write to `store`."""
    labels = written_labels(batch, before)
    types = {edge.type for edge in edges}
    types |= held_types(store, source, set(model.edge_types()) - types)
    return frozenset(labels | types)
