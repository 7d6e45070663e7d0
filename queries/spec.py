"""The canned query library: one YAML file per query in queries/library/.

A file holds the query's id (from QUERIES.md), titles, description, the practice rule
it enforces, severity, remedy, typed parameters, its result columns, the Cypher, and
optionally a `total` query giving the denominator for "n of N". Loading checks every
file, so a malformed one fails loudly instead of being skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from queries.dialect import dialect_problems
from queries.params import TYPES, Param

LIBRARY = Path(__file__).parent / "library"
SEVERITIES = ("high", "medium", "low")
REQUIRED = (
    "id",
    "title_zh",
    "title_en",
    "description",
    "rule",
    "severity",
    "remedy",
    "columns",
    "cypher",
)
OPTIONAL = ("parameters", "total", "count_by", "key")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
ID = re.compile(r"^[a-z][a-z0-9-]*$")


class LibraryError(ValueError):
    """A query file that is not a valid canned query."""


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class QuerySpec:
    """One canned query, as its file declares it."""

    id: str
    title_zh: str
    title_en: str
    description: str
    rule: str
    severity: str
    remedy: str
    parameters: tuple[Param, ...]
    columns: tuple[Column, ...]
    cypher: str
    total: str | None
    path: Path
    count_by: tuple[str, ...] = ()  # columns whose distinct values the ratio counts
    key: tuple[str, ...] = ()  # columns that identify a finding from one review to the next

    def finding_key(self, row: dict[str, Any]) -> tuple[str, ...]:
        return tuple("" if row.get(c) is None else str(row[c]) for c in self.key)

    def param(self, name: str) -> Param:
        return next(p for p in self.parameters if p.name == name)


def _param(raw: Any, where: str) -> Param:
    if not isinstance(raw, dict) or not {"name", "type", "description"} <= raw.keys():
        raise LibraryError(f"{where}: each parameter needs name, type and description")
    if raw["type"] not in TYPES:
        raise LibraryError(f"{where}: parameter {raw['name']!r} has unknown type {raw['type']!r}")
    extra = set(raw) - {"name", "type", "description", "default", "minimum"}
    if extra:
        raise LibraryError(f"{where}: parameter {raw['name']!r} has unknown keys {sorted(extra)}")
    return Param(
        raw["name"], raw["type"], raw["description"], raw.get("default"), raw.get("minimum")
    )


def _check_cypher(cypher: str, declared: set[str], where: str, what: str) -> None:
    problems = dialect_problems(cypher)
    if problems:
        raise LibraryError(f"{where}: the {what} uses {', '.join(problems)}")
    used = set(PARAMETER.findall(cypher))
    if used - declared:
        raise LibraryError(f"{where}: the {what} uses undeclared ${sorted(used - declared)[0]}")


def parse(path: Path) -> QuerySpec:
    """One query file, checked; raises LibraryError naming the file and the problem."""
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LibraryError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise LibraryError(f"{where}: expected a mapping of fields")
    missing = [key for key in REQUIRED if not raw.get(key)]
    if missing:
        raise LibraryError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise LibraryError(f"{where}: unknown fields {sorted(unknown)}")
    if not ID.match(str(raw["id"])) or f"{raw['id']}.yaml" != path.name:
        raise LibraryError(
            f"{where}: id {raw['id']!r} must be lowercase-with-dashes and name the file"
        )
    if raw["severity"] not in SEVERITIES:
        raise LibraryError(f"{where}: severity must be one of {'/'.join(SEVERITIES)}")
    params = tuple(_param(p, where) for p in raw.get("parameters") or ())
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise LibraryError(f"{where}: a parameter is declared twice")
    _check_cypher(raw["cypher"], set(names), where, "query")
    if raw.get("total"):
        _check_cypher(raw["total"], set(names), where, "total query")
    unused = set(names) - set(PARAMETER.findall(raw["cypher"]))
    if unused:
        raise LibraryError(f"{where}: parameter {sorted(unused)[0]!r} is declared but not used")
    columns = tuple(Column(str(k), str(v)) for c in raw["columns"] for k, v in c.items())
    count_by = tuple(raw.get("count_by") or ())
    key = tuple(raw.get("key") or (columns[0].name,))
    if set(count_by + key) - {c.name for c in columns}:
        raise LibraryError(f"{where}: count_by or key names a column the query does not return")
    return QuerySpec(
        id=raw["id"],
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        description=raw["description"].strip(),
        rule=raw["rule"].strip(),
        severity=raw["severity"],
        remedy=raw["remedy"].strip(),
        parameters=params,
        columns=columns,
        cypher=raw["cypher"],
        total=raw.get("total"),
        path=path,
        count_by=count_by,
        key=key,
    )


def load_library(folder: Path = LIBRARY) -> dict[str, QuerySpec]:
    """Every query file of a folder, by id; an empty or inconsistent library is an error."""
    specs: dict[str, QuerySpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        spec = parse(path)
        if spec.id in specs:
            raise LibraryError(f"{path.name}: id {spec.id!r} is used twice")
        specs[spec.id] = spec
    if not specs:
        raise LibraryError(f"no query files found in {folder}")
    return specs


@cache
def library() -> dict[str, QuerySpec]:
    """The bundled library, loaded once."""
    return load_library()
