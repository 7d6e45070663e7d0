"""API models. Node models are generated from the schema, one per label, so the API
documents (and checks) exactly the properties and vocabularies the schema declares."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from lianfang.graph import model

_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "float": float,
    "boolean": bool,
    "date": dt.date,
}


def _field(spec: model.PropertySpec) -> tuple[Any, Any]:
    kind: Any = Literal[tuple(spec.choices)] if spec.choices else _TYPES[spec.kind]
    if spec.required:
        return kind, Field(...)
    return kind | None, Field(default=None)


@cache
def node_models() -> dict[str, type[BaseModel]]:
    """One pydantic model per label; `label` discriminates them."""
    made: dict[str, type[BaseModel]] = {}
    for spec in model.nodes().values():
        fields: dict[str, Any] = {"label": (Literal[spec.label], Field(...))}
        fields |= {p.name: _field(p) for p in spec.properties}
        fields["extra"] = (
            str | None,
            Field(default=None, description="Extra register columns (JSON)"),
        )
        made[spec.label] = create_model(
            f"{spec.label}Node", __config__=ConfigDict(extra="ignore"), __doc__=spec.doc, **fields
        )
    return made


def node_union() -> Any:
    return Annotated[Union[tuple(node_models().values())], Field(discriminator="label")]  # noqa: UP007


class Neighbour(BaseModel):
    direction: Literal["out", "in"]
    type: str
    label: str
    uid: str
    name: str | None = None


class QueryParameter(BaseModel):
    name: str
    type: str
    description: str
    default: Any = None


class QueryColumn(BaseModel):
    name: str
    description: str
    zh: str = Field(default="", description="Its heading in Chinese")


class QueryInfo(BaseModel):
    id: str
    title_zh: str
    title_en: str
    description: str
    description_zh: str
    version: int = Field(description="Raised whenever the query's meaning changes")
    dated: bool = Field(
        description="Whether as_of changes the answer; if not, the registers as they stand"
    )
    rule: str
    severity: str
    remedy: str
    parameters: list[QueryParameter]
    columns: list[QueryColumn]
    count: int | None = Field(default=None, description="Findings now, with default parameters")
    total: int | None = Field(default=None, description="The denominator, where there is one")
    accepted: int | None = Field(
        default=None, description="Findings accepted until a date, counted apart from `count`"
    )


class QueryRun(BaseModel):
    id: str
    version: int
    dated: bool
    params: dict[str, Any]
    count: int = Field(description="Open findings (accepted ones are counted apart)")
    total: int | None
    accepted: int = Field(default=0, description="Findings accepted until a date")
    accepted_keys: list[list[str]] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(description="Every finding, accepted ones included")
    finding_ids: list[str] = Field(
        default_factory=list,
        description="Each row's short id, in the rows' order (none for the profile)",
    )


class SearchHit(BaseModel):
    label: str
    uid: str
    name: str | None
    zh: str
    unit: str | None = Field(default=None, description="A post's or a person's unit")


class Stats(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]
    risks_by_level: dict[str, int]
    headline: dict[str, int] = Field(description="风险点, 高风险, 防控措施, 制度, 流程图")


class IssueOut(BaseModel):
    severity: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    zh: str
    en: str


class ReadAs(BaseModel):
    """How one printed column of an office's published table was read."""

    table: str
    printed: str
    read_as: str
    read_as_en: str


class IngestReport(BaseModel):
    ok: bool
    error_count: int = Field(default=0, description="All errors, listed or not")
    published: list[ReadAs] | None = Field(
        default=None,
        description="For an office's published table: each printed column and what it was "
        "read as; none for registers",
    )
    pending: str | None = Field(
        default=None, description="A checked published table kept for the page to confirm"
    )
    source: str | None = None
    dry_run: bool = False
    nodes: dict[str, int] = {}
    edges: dict[str, int] = {}
    removed: dict[str, int] = {}
    errors: list[IssueOut] = []
    warnings: list[IssueOut] = []
