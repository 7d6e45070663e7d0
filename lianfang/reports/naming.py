"""Records by the names people know them by, for documents that must not print ids."""

from __future__ import annotations

from collections.abc import Iterable

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.wording import with_unit


def post_names(store: GraphStore, uids: Iterable[str]) -> dict[str, str]:
    """Posts with their units, since many posts of a county share one name."""
    rows = store.read(
        "UNWIND $uids AS id MATCH (p:Post {uid: id}) OPTIONAL MATCH (p)-[:IN_UNIT]->(u:Unit) "
        "RETURN p.uid AS uid, p.name AS name, u.name AS unit",
        {"uids": sorted(set(uids))},
    )
    return {r["uid"]: with_unit(r["name"], r["unit"]) for r in rows}


def names(store: GraphStore, by_label: dict[str, set[str]]) -> dict[str, str]:
    """Records by name, per schema label (a risk point or a control by its description,
    a post with its unit); an id with no record, or no name, is left out."""
    found: dict[str, str] = {}
    for label, uids in sorted(by_label.items()):
        if not uids:
            continue
        if label == "Post":
            found.update(post_names(store, uids))
            continue
        node = model.node(label)  # the label is the schema's, never the caller's text
        said = [p for p in ("name", "description") if p in {q.name for q in node.properties}]
        if not said:
            continue
        rows = store.read(
            f"UNWIND $uids AS id MATCH (n:{node.label} {{uid: id}}) "
            f"RETURN n.uid AS uid, coalesce({', '.join(f'n.{p}' for p in said)}) AS name",
            {"uids": sorted(uids)},
        )
        found.update({r["uid"]: r["name"] for r in rows if r["name"]})
    return found
