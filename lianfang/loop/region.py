"""The part of the graph a what-if change can reach, so a simulation copies that and
not the province.

A change joins a person and a post (an appointment, or its end) or a post and a power
(a power granted or revoked). The findings it can open or close concern the people
whose posts change (the person; for a power, everyone who holds the post), the post,
and the powers those posts reach. For them the region holds everything the canned
queries read: every post they hold, every power those posts exercise or reach through
a flowchart step, each such power's conflicts, flowcharts with all their steps and
the posts handling them, every post exercising the power and those posts' holders
(who is exposed to it), the risk points of the powers, steps and posts, and the units
of the posts up to the top. Anything else in the region is there partly, the same
before the change and after it, so it makes no finding appear or close; the
simulation compares before and after within the region. `tests/test_whatif.py` holds
this against a copy of the whole graph for a set of changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from lianfang.graph.store import GraphStore

_HOLDERS = "MATCH (e:Person)-[:HOLDS]->(p:Post) WHERE p.uid IN $posts RETURN DISTINCT e.uid AS uid"
_HELD = "MATCH (e:Person)-[:HOLDS]->(p:Post) WHERE e.uid IN $people RETURN DISTINCT p.uid AS uid"
_EXERCISED = (
    "MATCH (p:Post)-[:EXERCISES]->(q:Power) WHERE p.uid IN $posts RETURN DISTINCT q.uid AS uid"
)
_STEPPED = (  # flowcharts with a step the posts handle
    "MATCH (p:Post)<-[:HANDLED_BY]-(:Step)<-[:HAS_STEP]-(f:Process) WHERE p.uid IN $posts "
    "RETURN DISTINCT f.uid AS uid"
)
_IMPLEMENTED = (
    "MATCH (f:Process)-[:IMPLEMENTS]->(q:Power) WHERE f.uid IN $processes "
    "RETURN DISTINCT q.uid AS uid"
)
_IMPLEMENTING = (
    "MATCH (f:Process)-[:IMPLEMENTS]->(q:Power) WHERE q.uid IN $powers RETURN DISTINCT f.uid AS uid"
)
_CONFLICTING = (
    "MATCH (q:Power)-[:CONFLICTS_WITH]-(o:Power) WHERE q.uid IN $powers "
    "RETURN DISTINCT o.uid AS uid"
)
_STEPS = (
    "MATCH (f:Process)-[:HAS_STEP]->(s:Step) WHERE f.uid IN $processes "
    "OPTIONAL MATCH (s)-[:HANDLED_BY]->(p:Post) RETURN s.uid AS step, p.uid AS post"
)
_EXERCISING = (
    "MATCH (p:Post)-[:EXERCISES]->(q:Power) WHERE q.uid IN $powers RETURN DISTINCT p.uid AS uid"
)
_RISKS = (
    "MATCH (r:RiskPoint)-[:OF_POWER]->(q:Power) WHERE q.uid IN $powers RETURN r.uid AS uid "
    "UNION MATCH (r:RiskPoint)-[:AT_STEP]->(s:Step) WHERE s.uid IN $steps RETURN r.uid AS uid "
    "UNION MATCH (r:RiskPoint)-[:AT_POST]->(p:Post) WHERE p.uid IN $posts RETURN r.uid AS uid"
)
_UNITS = (
    "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE p.uid IN $posts "
    "MATCH (u)-[:PART_OF*0..]->(a:Unit) RETURN DISTINCT a.uid AS uid"
)


def _uids(store: GraphStore, cypher: str, **params: Iterable[str]) -> set[str]:
    rows = store.read(cypher, {name: sorted(set(v)) for name, v in params.items()})
    return {str(row["uid"]) for row in rows if row["uid"] is not None}


def reach(
    store: GraphStore,
    people: Iterable[str] = (),
    posts: Iterable[str] = (),
    powers: Iterable[str] = (),
) -> dict[str, set[str]]:
    """The region for changes to these people's, posts' and powers' ties: uids by
    label. `posts` are the changed posts: everyone who holds them is counted as changed
    too, since a post's powers are its holders'."""
    changed_posts = set(posts)
    changed_people = set(people) | _uids(store, _HOLDERS, posts=changed_posts)
    held = changed_posts | _uids(store, _HELD, people=changed_people)
    processes = _uids(store, _STEPPED, posts=held)
    reached = (
        set(powers)
        | _uids(store, _EXERCISED, posts=held)
        | _uids(store, _IMPLEMENTED, processes=processes)
    )
    processes |= _uids(store, _IMPLEMENTING, powers=reached)
    all_powers = reached | _uids(store, _CONFLICTING, powers=reached)
    steps: set[str] = set()
    handlers: set[str] = set()
    for row in store.read(_STEPS, {"processes": sorted(processes)}):
        steps.add(str(row["step"]))
        if row["post"] is not None:
            handlers.add(str(row["post"]))
    exposed_posts = handlers | _uids(store, _EXERCISING, powers=reached)
    all_posts = held | exposed_posts
    all_people = changed_people | _uids(store, _HOLDERS, posts=all_posts)
    return {
        "Person": all_people,
        "Post": all_posts,
        "Power": all_powers,
        "Process": processes,
        "Step": steps,
        "RiskPoint": _uids(store, _RISKS, powers=all_powers, steps=steps, posts=all_posts),
        "Unit": _uids(store, _UNITS, posts=all_posts),
    }
