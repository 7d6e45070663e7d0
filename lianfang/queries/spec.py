"""The canned query library: one YAML file per query in queries/library/.

A file holds the query's id (from QUERIES.md), titles, description, the practice rule
it enforces, severity, remedy, typed parameters, its result columns, the Cypher (and any
statements whose columns are joined to it), and optionally a `total` query giving the
denominator for "n of N". Loading checks every file, so a malformed one fails loudly
instead of being skipped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from lianfang.queries import finding_ids
from lianfang.queries.dialect import dialect_problems
from lianfang.queries.headings import heading_zh, parameter_name
from lianfang.queries.params import Param

LIBRARY = Path(__file__).parent / "library"
SEVERITIES = ("high", "medium", "low")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
FRAGMENTS = LIBRARY / "fragments"
INCLUDE = re.compile(r"^([ \t]*)// include: ([a-z0-9-]+)[ \t]*$", re.MULTILINE)
ID = r"^[a-z][a-z0-9-]*$"
CHINESE_TEXTS = ("title_zh", "description_zh", "rule", "remedy")
FOLDED_SPACE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”]) (?=[\u3400-\u9fff“])")
AS_OF = "as_of"
UNDATED = (
    "Accepted so that one date can be passed to every query; this query reads no dates "
    "and answers from the registers as they stand."
)
ID_COLUMNS = {
    "risk_id": "RiskPoint",
    "person_id": "Person",
    "post_id": "Post",
    "power_id": "Power",
    "process_id": "Process",
    "control_id": "Control",
    "unit_id": "Unit",
    "rule_id": "Rule",
    "power_a": "Power",
    "power_b": "Power",
    "owner_post": "Post",
    "owner_post_ids": "Post",
    "post_ids": "Post",
    "control_ids": "Control",
    "risk_ids": "RiskPoint",
    "process_ids": "Process",
    "rule_ids": "Rule",
    "incident_ids": "Incident",
    "key_post_ids": "Post",
}


# The columns that say in words what a finding is about, most telling first.
READABLE = (
    "description",
    "person_name",
    "post_name",
    "power_name",
    "process_name",
    "unit_name",
    "power_a_name",
)


def finding_label(row: dict[str, Any]) -> str:
    """A finding in words, for snapshots, the ledger and notices."""
    return next((str(row[c]) for c in READABLE if row.get(c)), "")


class LibraryError(ValueError):
    """A query file that is not a valid canned query."""


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    description: str


class QuerySpec(BaseModel):
    """One canned query, as its file declares it; unknown keys are refused.

    Every query accepts `as_of`: where the Cypher reads no dates, an undated `as_of` is
    added here, bound like any other, and not sent to the store (`dated` is False).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID)
    version: int = Field(ge=1, description="Raised whenever the query's meaning changes.")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1, description="English")
    description_zh: str = Field(min_length=1)
    rule: str = Field(min_length=1)
    severity: Literal["high", "medium", "low"]
    remedy: str = Field(min_length=1)
    parameters: tuple[Param, ...] = ()
    columns: tuple[Column, ...] = Field(min_length=1)
    cypher: str = Field(min_length=1)
    joined: tuple[str, ...] = Field(
        default=(),
        description="Statements giving more columns of the same rows, joined to the first "
        "on `key` and run beside it: figures that share nothing cost the longest of them, "
        "not their sum",
    )
    total: str | None = None
    count_by: tuple[str, ...] = ()  # columns whose distinct values the ratio counts
    key: tuple[str, ...] = ()  # columns that identify a finding from one review to the next
    order_by: tuple[str, ...] = Field(
        default=(),
        description="For a UNION, which neither engine orders as a whole: the columns the "
        "runner sorts its rows by (a missing value first)",
    )
    headings_zh: dict[str, str] = Field(
        default_factory=dict,
        description="Chinese headings of this query's own, where a column's meaning differs "
        "from the glossary's (headings.yaml)",
    )
    kind: Literal["finding", "profile", "ranking"] = Field(
        default="finding",
        description="finding: each row is a gap, warned on, scored, simulated and kept in "
        "the ledger; ranking: rows rank exposure, simulated but never warned on or scored; "
        "profile: the figures a review opens with (one query of the library)",
    )
    map: Literal["rows", "paths", "capture"] = Field(
        default="rows",
        description="How a finding is drawn: the records its row names (rows), with the "
        "routes from its person to its powers (paths), or with the person's posts and the "
        "steps they handle (capture)",
    )
    _path: Path = PrivateAttr(default=LIBRARY)

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, raw: Any) -> Any:
        """Columns as written (`- name: description`), trimmed text, the undated as_of."""
        if not isinstance(raw, dict):
            raise ValueError("expected a mapping of fields")
        shaped = {
            k: v.strip() if isinstance(v, str) and k != "cypher" else v for k, v in raw.items()
        }
        for k in ("cypher", "total"):
            if isinstance(shaped.get(k), str):
                shaped[k] = included(shaped[k])
        joined = shaped.get("joined")
        if isinstance(joined, list):
            shaped["joined"] = [included(t) if isinstance(t, str) else t for t in joined]
        for k in CHINESE_TEXTS:  # a folded line break between Chinese words is no space
            if isinstance(shaped.get(k), str):
                shaped[k] = FOLDED_SPACE.sub("", shaped[k])
        columns = raw.get("columns")
        if isinstance(columns, list) and all(isinstance(c, dict) for c in columns):
            shaped["columns"] = [
                {"name": str(k), "description": str(v)} for c in columns for k, v in c.items()
            ]
        params = list(raw.get("parameters") or ())
        statements = [raw.get("cypher"), raw.get("total"), *(raw.get("joined") or ())]
        texts = " ".join(t for t in statements if isinstance(t, str))
        if any(isinstance(p, dict) and p.get("name") == AS_OF for p in params):
            if AS_OF not in PARAMETER.findall(texts):
                raise ValueError(f"parameter {AS_OF!r} is declared but not used")
        else:
            params.append({"name": AS_OF, "type": "date", "description": UNDATED})
        shaped["parameters"] = params
        if not raw.get("key") and shaped.get("columns"):
            first = shaped["columns"][0]
            shaped["key"] = [first["name"] if isinstance(first, dict) else first]
        return shaped

    @model_validator(mode="after")
    def _consistent(self) -> QuerySpec:
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError("a parameter is declared twice")
        joined = [(text, f"joined statement {n}") for n, text in enumerate(self.joined, 1)]
        for text, what in ((self.cypher, "query"), *joined, (self.total, "total query")):
            if text is None:
                continue
            problems = dialect_problems(text)
            if problems:
                raise ValueError(f"the {what} uses {', '.join(problems)}")
            undeclared = set(PARAMETER.findall(text)) - set(names)
            if undeclared:
                raise ValueError(f"the {what} uses undeclared ${sorted(undeclared)[0]}")
        unused = set(names) - set(self.sent) - {AS_OF}
        if unused:
            raise ValueError(f"parameter {sorted(unused)[0]!r} is declared but not used")
        if set(self.count_by + self.key) - {c.name for c in self.columns}:
            raise ValueError("count_by or key names a column the query does not return")
        if set(self.order_by) - {c.name for c in self.columns}:
            raise ValueError("order_by names a column the query does not return")
        if set(self.headings_zh) - {c.name for c in self.columns}:
            raise ValueError("headings_zh names a column the query does not return")
        unlabelled = [p.name for p in self.parameters if parameter_name(p.name, "zh") == p.name]
        if unlabelled:
            raise ValueError(
                f"parameter {unlabelled[0]!r} has no Chinese name: add it to headings.yaml"
            )
        unnamed = [c.name for c in self.columns if not self.heading(c.name, "zh")]
        if unnamed:
            raise ValueError(
                f"column {unnamed[0]!r} has no Chinese heading: add it to headings.yaml "
                "or to the query's headings_zh"
            )
        return self

    def heading(self, column: str, lang: str) -> str:
        """The column as a reader of `lang` sees it named (English keeps the name)."""
        if lang != "zh":
            return column
        return self.headings_zh.get(column) or heading_zh(column) or ""

    @property
    def path(self) -> Path:
        return self._path

    @property
    def statements(self) -> tuple[str, ...]:
        """What the engine runs for the rows: the query, then each joined statement."""
        return (self.cypher, *self.joined)

    @property
    def text(self) -> str:
        """All the Cypher it holds, its total's too: what checks of its wording read."""
        return "\n".join((*self.statements, self.total or ""))

    @property
    def sent(self) -> tuple[str, ...]:
        """The parameters the Cypher (or its total) reads: all that reaches the store."""
        used = set(PARAMETER.findall(self.text))
        return tuple(p.name for p in self.parameters if p.name in used)

    @property
    def dated(self) -> bool:
        """Whether `as_of` changes the answer; if not, the registers as they stand."""
        return AS_OF in self.sent

    def describe(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description

    def finding_key(self, row: dict[str, Any]) -> tuple[str, ...]:
        return tuple("" if row.get(c) is None else str(row[c]) for c in self.key)

    def finding_id(self, row: dict[str, Any]) -> str:
        """The row's short id (see finding_ids), the one people name a finding by."""
        return finding_ids.short_id(self.id, self.finding_key(row))

    @property
    def identified(self) -> bool:
        """Whether its rows are findings a person follows up by id (not the profile)."""
        return self.kind != "profile"

    def param(self, name: str) -> Param:
        return next(p for p in self.parameters if p.name == name)

    @property
    def warns(self) -> bool:
        """Whether its rows are gaps: warned on, scored and kept in the ledger."""
        return self.kind == "finding"

    @property
    def simulated(self) -> bool:
        """Whether a what-if reports what a change does to its rows."""
        return self.kind != "profile"


def included(text: str) -> str:
    """The Cypher with each `// include: name` line replaced by that fragment, so that a
    gathering several queries open with is written once (library/fragments/name.cypher)."""

    def splice(match: re.Match[str]) -> str:
        indent, name = match.groups()
        path = FRAGMENTS / f"{name}.cypher"
        if not path.is_file():
            raise ValueError(f"includes {name!r}, which is not in {FRAGMENTS.name}/")
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        return "\n".join(indent + line if line else line for line in lines)

    return INCLUDE.sub(splice, text)


def _problems(exc: ValidationError) -> str:
    """pydantic's errors as one line: `field: message; …`."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(x) for x in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"] == "missing":
            message = "missing"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse(path: Path) -> QuerySpec:
    """One query file, checked; raises LibraryError naming the file and the problem."""
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LibraryError(f"{where}: not valid YAML ({exc})") from None
    try:
        spec = QuerySpec.model_validate(raw)
    except ValidationError as exc:
        raise LibraryError(f"{where}: {_problems(exc)}") from None
    if f"{spec.id}.yaml" != path.name:
        raise LibraryError(f"{where}: id {spec.id!r} must name the file")
    spec._path = path
    return spec


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


def profile() -> QuerySpec:
    """The query whose figures a review opens with, per unit (its sub-units rolled up)."""
    found = [spec for spec in library().values() if spec.kind == "profile"]
    if len(found) != 1:
        ids = [spec.id for spec in found]
        raise LibraryError(f"the library needs exactly one query of kind profile, not {ids}")
    return found[0]
