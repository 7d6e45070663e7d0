"""The shared Cypher dialect's avoid-list (docs/cypher-dialect.md), as checks.

A canned query that uses any of these would run on one engine and fail, or mean
something else, on the other; the library refuses to load it.
"""

from __future__ import annotations

import re

from lianfang.graph.store import strip_literals, write_clause

AVOID: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EXISTS { } subquery", re.compile(r"\bEXISTS\s*\{", re.I)),
    ("COUNT { } subquery", re.compile(r"\bCOUNT\s*\{", re.I)),
    ("elementId()", re.compile(r"\belementId\s*\(", re.I)),
    ("duration.between()", re.compile(r"\bduration\s*\.\s*between\s*\(", re.I)),
    ("CALL { WITH … } subquery", re.compile(r"\bCALL\s*\{", re.I)),
    ("CALL (x) { … } subquery", re.compile(r"\bCALL\s*\([^)]*\)\s*\{", re.I)),
    ("shortestPath", re.compile(r"\b(all)?shortestPath\s*\(", re.I)),
    ("index or constraint DDL", re.compile(r"\b(CREATE|DROP)\s+(INDEX|CONSTRAINT)\b", re.I)),
    (
        "date/duration arithmetic (engines disagree at month ends)",
        re.compile(r"\bduration\s*\(", re.I),
    ),
)


def dialect_problems(cypher: str) -> list[str]:
    """What in a query leaves the shared dialect or writes; empty when it is fine."""
    text = strip_literals(cypher)
    problems = [name for name, pattern in AVOID if pattern.search(text)]
    clause = write_clause(cypher)
    if clause:
        problems.append(f"a write clause ({clause})")
    return problems
