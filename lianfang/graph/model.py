"""A plain, read-only view of the neomodel schema for the layers that derive from it.

The rest of the code asks this module, never the neomodel classes, which labels,
properties, vocabularies and edges exist. Labels and relationship types that reach a
Cypher string come only from here, so user text can never become a label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from neomodel import (
    BooleanProperty,
    DateProperty,
    FloatProperty,
    IntegerProperty,
    StringProperty,
)
from neomodel.exceptions import DeflateError
from neomodel.properties import Property

from lianfang.graph import office_schema, schema

PROVENANCE = ("source", "prov_file", "prov_sheet", "prov_row")
SNAPSHOT_LABEL = schema.Snapshot.__label__  # saved reviews: kept in the graph, not a register
VERSION_LABEL = schema.GraphVersion.__label__  # the graph's state token, for caches
# The office's own records (accounts, tokens, sessions, the audit log): kept beside the
# graph, never part of an import.
ACCOUNT_LABEL = office_schema.Account.__label__
TOKEN_LABEL = office_schema.ApiToken.__label__
SESSION_LABEL = office_schema.LoginSession.__label__
AUDIT_LABEL = office_schema.AuditEntry.__label__
ROLES = tuple(office_schema.ROLES)
RECTIFICATION_LABEL = office_schema.Rectification.__label__
ACCEPTANCE_LABEL = office_schema.Acceptance.__label__
RECTIFICATION_STATUSES = dict(office_schema.RECTIFICATION_STATUSES)

_KINDS: tuple[tuple[type[Property], str], ...] = (
    (BooleanProperty, "boolean"),
    (DateProperty, "date"),
    (IntegerProperty, "integer"),
    (FloatProperty, "float"),
    (StringProperty, "string"),
)


@dataclass(frozen=True)
class PropertySpec:
    """One property: its value kind, whether it is required, and its vocabulary."""

    name: str
    kind: str
    required: bool
    unique: bool
    indexed: bool
    choices: tuple[str, ...] | None
    labels: dict[str, str] | None
    default: Any
    zh: str = ""  # as a reader of Chinese names it


@dataclass(frozen=True)
class EdgeSpec:
    """One relationship as declared on its start label."""

    type: str
    start: str
    end: str
    attr: str
    properties: tuple[PropertySpec, ...]


@dataclass(frozen=True)
class NodeSpec:
    """One label with its properties and outgoing edges."""

    label: str
    zh: str
    doc: str
    properties: tuple[PropertySpec, ...]
    edges: tuple[EdgeSpec, ...]

    def prop(self, name: str) -> PropertySpec:
        for spec in self.properties:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.label} has no property {name!r}")


class SchemaError(ValueError):
    """A label, property or relationship type that the schema does not declare."""


def _kind(prop: Property) -> str:
    for cls, kind in _KINDS:
        if isinstance(prop, cls):
            return kind
    raise TypeError(f"unsupported property type {type(prop).__name__}")


def _property_spec(name: str, prop: Property) -> PropertySpec:
    choices = getattr(prop, "choices", None)
    default = prop.default if prop.has_default and not callable(prop.default) else None
    return PropertySpec(
        name=name,
        kind=_kind(prop),
        required=bool(prop.required),
        unique=bool(prop.unique_index),
        indexed=bool(prop.unique_index or prop.index),
        choices=tuple(choices) if choices else None,
        labels=dict(choices) if choices else None,
        default=default,
        zh=prop.label or "",
    )


def _edge_spec(label: str, attr: str, rel: Any) -> EdgeSpec:
    definition = rel.definition
    model = definition["model"]
    end = rel._raw_class if isinstance(rel._raw_class, str) else rel._raw_class.__name__
    props = tuple(_property_spec(n, p) for n, p in model.defined_properties().items())
    return EdgeSpec(definition["relation_type"], label, end, attr, props)


def _node_spec(cls: type[schema.Entity]) -> NodeSpec:
    props = cls.defined_properties(aliases=False, rels=False)
    rels = cls.defined_properties(aliases=False, properties=False)
    return NodeSpec(
        label=cls.__label__,
        zh=cls.zh,
        doc=(cls.__doc__ or "").strip(),
        properties=tuple(_property_spec(n, p) for n, p in props.items()),
        edges=tuple(_edge_spec(cls.__label__, a, r) for a, r in rels.items()),
    )


@cache
def nodes() -> dict[str, NodeSpec]:
    """Every node label, in declaration order."""
    return {spec.label: spec for spec in map(_node_spec, schema.NODE_CLASSES)}


@cache
def edges() -> tuple[EdgeSpec, ...]:
    """Every declared (start, type, end) edge."""
    return tuple(edge for spec in nodes().values() for edge in spec.edges)


@cache
def stored_labels() -> dict[str, tuple[str, ...]]:
    """Every label a lianfang graph holds, register records and saved snapshots alike,
    each with its date properties: whatever copies a graph must send those through
    date(), since dates travel as ISO strings."""
    classes: tuple[Any, ...] = (*schema.NODE_CLASSES, schema.Snapshot, schema.GraphVersion)
    return {
        cls.__label__: tuple(
            name
            for name, prop in cls.defined_properties(aliases=False, rels=False).items()
            if _kind(prop) == "date"
        )
        for cls in classes
    }


def held_on(day: str = "as_of", edge: str = "h") -> str:
    """Cypher: the HOLDS edge `edge` is current on the date parameter `day`: started by
    then and not yet ended (an end date is the first day without the post)."""
    return (
        f"{edge}.start_date <= date(${day}) "
        f"AND ({edge}.end_date IS NULL OR {edge}.end_date > date(${day}))"
    )


def office_labels() -> tuple[str, ...]:
    return tuple(cls.__label__ for cls in office_schema.OFFICE_CLASSES)


@cache
def record_properties(label: str) -> tuple[str, ...]:
    """The properties an office record (or a saved snapshot) declares, in order: its one
    declaration, which its reads and writes below are derived from and checked against."""
    classes: tuple[Any, ...] = (*office_schema.OFFICE_CLASSES, schema.Snapshot)
    for cls in classes:
        if cls.__label__ == label:
            return tuple(cls.defined_properties(aliases=False, rels=False))
    raise SchemaError(f"{label!r} is not an office record")


def _declared(label: str, names: Iterable[str]) -> tuple[str, ...]:
    names = tuple(names)
    unknown = [n for n in names if n not in record_properties(label)]
    if unknown:
        raise SchemaError(f"{label} declares no {', '.join(unknown)}")
    return names


def projection(
    label: str, var: str, fields: Iterable[str], renamed: Mapping[str, str] | None = None
) -> str:
    """`var.f AS f, …` for the fields a record type reads (a dataclass's), each checked
    against the declaration; `renamed` gives a field another name in the rows."""
    renamed = renamed or {}
    names = [renamed.get(f, f) for f in fields]
    by_row = {renamed.get(p, p): p for p in record_properties(label)}
    unknown = [n for n in names if n not in by_row]
    if unknown:
        raise SchemaError(f"{label} declares no {', '.join(unknown)}")
    return ", ".join(f"{var}.{by_row[n]} AS {n}" for n in names)


def creation(label: str, properties: Iterable[str], fixed: Mapping[str, str] | None = None) -> str:
    """`CREATE (:Label {p: $p, …})` for the properties a write sets (each declared), and
    `fixed` ones given as Cypher literals (`status: 'open'`)."""
    fixed = fixed or {}
    names = _declared(label, [*properties, *fixed])
    sets = ", ".join(f"{n}: {fixed[n]}" if n in fixed else f"{n}: ${n}" for n in names)
    return f"CREATE (:{label} {{{sets}}})"


@cache
def office_indexes() -> tuple[tuple[str, str, bool], ...]:
    """(label, property, unique) for every indexed property of the office's records."""
    return tuple(
        (cls.__label__, name, bool(prop.unique_index))
        for cls in office_schema.OFFICE_CLASSES
        for name, prop in cls.defined_properties(aliases=False, rels=False).items()
        if prop.unique_index or prop.index
    )


def labels() -> tuple[str, ...]:
    return tuple(nodes())


def edge_types() -> tuple[str, ...]:
    """Distinct relationship types, in declaration order."""
    return tuple(dict.fromkeys(edge.type for edge in edges()))


def node(label: str) -> NodeSpec:
    """The spec of a label; raises SchemaError for anything undeclared."""
    try:
        return nodes()[label]
    except KeyError:
        raise SchemaError(f"unknown node label {label!r}; known: {', '.join(labels())}") from None


@cache  # asked once per edge of an import
def edge(start: str, type_: str, end: str) -> EdgeSpec:
    for spec in edges():
        if (spec.start, spec.type, spec.end) == (start, type_, end):
            return spec
    raise SchemaError(f"the schema declares no ({start})-[:{type_}]->({end}) edge")


@cache
def _neomodel_property(label: str, name: str) -> Property:
    cls = next(c for c in schema.NODE_CLASSES if c.__label__ == label)
    try:
        return cls.defined_properties(aliases=False, rels=False)[name]
    except KeyError:
        raise SchemaError(f"{label} has no property {name!r}") from None


def check_value(label: str, name: str, value: Any) -> Any:
    """Validate one already-normalised value against the schema; return what is stored.

    This is neomodel's own `deflate`, so a vocabulary can only be enforced where it is
    declared. Raises ValueError with a readable message.
    """
    node(label)
    prop = _neomodel_property(label, name)
    if value is None:
        return None
    try:
        stored = prop.deflate(value)
    except DeflateError as exc:
        spec = _property_spec(name, prop)
        if spec.choices:
            raise ValueError(f"{value!r} is not one of {'/'.join(spec.choices)}") from exc
        raise ValueError(f"{value!r} is not a valid {spec.kind}") from exc
    return stored.isoformat() if isinstance(stored, dt.date) else stored


def property_zh(label: str, name: str) -> str:
    """A property's Chinese name (its own name where the schema gives none)."""
    try:
        return node(label).prop(name).zh or name
    except (KeyError, SchemaError):
        return name


def relation_zh(edge_type: str, incoming: bool = False) -> str:
    """A relationship type's Chinese name, read from its start node or its end node."""
    words = schema.RELATION_ZH_INCOMING if incoming else schema.RELATION_ZH
    return words.get(edge_type, edge_type)
