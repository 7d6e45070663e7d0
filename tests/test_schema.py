"""The schema is declared once; the contract and the validation agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lianfang.graph import model

ROOT = Path(__file__).resolve().parents[1]
# The register guide that ships (its tables generated from the code, its prose by hand),
# and, where it is beside the checkout, the contract the project was given.
DOCS_REGISTERS = ROOT / "docs" / "registers.md"
REGISTERS_MD = ROOT.parent / "shared" / "REGISTERS.md"
LABEL_OF_REGISTER: dict[str, str | None] = {
    "units": "Unit",
    "posts": "Post",
    "people": "Person",
    "powers": "Power",
    "processes": "Process",
    "steps": "Step",
    "rules": "Rule",
    "risks": "RiskPoint",
    "controls": "Control",
    "incidents": "Incident",
    "assignments": None,  # edge registers: HOLDS and CONFLICTS_WITH
    "conflicts": None,
}
HEADING = re.compile(r"^### (?P<zh>\S+) `(?P<name>[a-z]+)`")
DOC_ROW = re.compile(
    r"^\| `(?P<name>\w+)` \| (?P<zh>[^|]+?) \| (?P<required>yes)? *\| (?P<kind>[^|]+?) \| "
    r"(?P<vocabulary>[^|]*?) *\|"
)
COLUMN = re.compile(r"^(?P<name>\w+) (?P<zh>[^\s*(]+)(?P<required>\*)?(?: \((?P<note>.*)\))?$")


def _note(kind: str, vocabulary: str) -> str | None:
    """The guide's vocabulary cell as the contract writes a note: `a/b/c; blank = a`."""
    if kind == "yes/no":
        return "yes/no"
    if kind != "one of the vocabulary":
        return None
    words = [part.split(" (")[0].strip() for part in vocabulary.split(";")]
    default = next((w.split("=", 1)[1].strip() for w in words if w.startswith("blank =")), None)
    listed = "/".join(w for w in words if not w.startswith("blank ="))
    return listed + (f"; blank = {default}" if default else "")


def contract_table() -> list[tuple[str, str, str, str, bool, str | None]]:
    """(register, 中文 register, column, 中文 column, required, note) from the shipped
    register guide (docs/registers.md)."""
    found = []
    register = register_zh = None
    for line in DOCS_REGISTERS.read_text(encoding="utf-8").splitlines():
        heading = HEADING.match(line)
        if heading:
            register, register_zh = heading["name"], heading["zh"]
            continue
        row = DOC_ROW.match(line)
        if row and register in LABEL_OF_REGISTER:
            note = _note(row["kind"].strip(), row["vocabulary"])
            found.append(
                (register, register_zh, row["name"], row["zh"].strip(), bool(row["required"]), note)
            )
    assert len({r for r, *_ in found}) == len(LABEL_OF_REGISTER)
    return found


def given_contract() -> list[tuple[str, str, bool]]:
    """(register, column, required) from the contract given to the project (REGISTERS.md);
    skipped where it is not beside the checkout (a user's clone)."""
    if not REGISTERS_MD.exists():
        pytest.skip(f"the given contract is not at {REGISTERS_MD} (a clone without it)")
    found = []
    for line in REGISTERS_MD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] not in LABEL_OF_REGISTER:
            continue
        for column in _split_columns(cells[2]):
            match = COLUMN.match(column)
            assert match, f"cannot read column {column!r} of {cells[0]}"
            found.append((cells[0], match["name"], bool(match["required"])))
    return found


def test_the_shipped_guide_states_the_given_contract() -> None:
    """Every register column of the contract is in the guide, required alike (the guide
    may say more: the old headers it still reads)."""
    shipped = {(r, c): required for r, _, c, _, required, _ in contract_table()}
    for register, column, required in given_contract():
        assert shipped.get((register, column)) == required, (register, column)


def _split_columns(cell: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in cell:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def contract_columns() -> list[tuple[str, str, bool, str | None]]:
    """(register, column, required, note) for every column of REGISTERS.md's table."""
    return [(r, c, required, note) for r, _, c, _, required, note in contract_table()]


def closed_vocabulary(note: str | None) -> tuple[list[str], str | None] | None:
    """('a/b/c; blank = a') → (['a', 'b', 'c'], 'a'); None for open or non-list notes."""
    if not note or "/" not in note or "…" in note or note.startswith(("yes/no", "free text")):
        return None
    values, _, rest = note.partition(";")
    listed = [v.strip() for v in values.split("/")]
    default = rest.split("=", 1)[1].strip() if "blank =" in rest else None
    # "blank = unclassified" says a blank stays blank (no value of the list): no default.
    return listed, default if default in listed else None


def test_every_label_carries_uid_source_and_provenance() -> None:
    for spec in model.nodes().values():
        uid = spec.prop("uid")
        assert uid.required and uid.unique and uid.kind == "string", spec.label
        assert spec.prop("source").required
        for name in model.PROVENANCE:
            spec.prop(name)


def test_the_design_cards_core_edges_exist() -> None:
    holds = model.edge("Person", "HOLDS", "Post")
    assert {p.name: p.kind for p in holds.properties} == {
        "origin": "string",
        "start_date": "date",
        "end_date": "date",
        "concurrent": "boolean",
    }
    model.edge("Rule", "GOVERNS", "Power")
    model.edge("Rule", "GOVERNS", "Process")
    model.edge("RiskPoint", "MITIGATED_BY", "Control")
    assert all(any(p.name == "origin" for p in e.properties) for e in model.edges())


def test_every_edge_ends_at_a_declared_label() -> None:
    for edge in model.edges():
        assert edge.end in model.nodes(), edge


def test_contract_vocabularies_are_the_schemas() -> None:
    checked = 0
    for register, column, _required, note in contract_columns():
        vocabulary = closed_vocabulary(note)
        if vocabulary is None:
            continue
        values, default = vocabulary
        label = LABEL_OF_REGISTER[register]
        assert label is not None, (register, column)
        prop = model.node(label).prop(column)
        assert prop.choices is not None and set(prop.choices) == set(values), (register, column)
        assert prop.default == default, (register, column)
        checked += 1
    assert checked >= 12


def test_contract_yes_no_columns_are_booleans() -> None:
    for register, column, _required, note in contract_columns():
        label = LABEL_OF_REGISTER[register]
        if note and note.startswith("yes/no") and label is not None:
            spec = model.node(label)
            if column in {p.name for p in spec.properties}:
                assert spec.prop(column).kind == "boolean", (register, column)


def test_contract_required_columns_are_required_properties() -> None:
    for register, column, required, _note in contract_columns():
        label = LABEL_OF_REGISTER[register]
        if label is None:
            continue
        spec = model.node(label)
        names = {p.name for p in spec.properties}
        if column in names:
            assert spec.prop(column).required == required, (register, column)


def test_risk_levels_are_stored_on_one_canonical_scale() -> None:
    assert model.node("RiskPoint").prop("level").choices == ("high", "medium", "low")


def test_validation_agrees_with_every_vocabulary() -> None:
    for spec in model.nodes().values():
        for prop in spec.properties:
            if not prop.choices:
                continue
            for value in prop.choices:
                assert model.check_value(spec.label, prop.name, value) == value
            with pytest.raises(ValueError, match="is not one of"):
                model.check_value(spec.label, prop.name, "很高")


def test_validation_checks_types() -> None:
    import datetime as dt

    assert model.check_value("Incident", "date", dt.date(2024, 3, 1)) == "2024-03-01"
    with pytest.raises(ValueError, match="not a valid date"):
        model.check_value("Incident", "date", "2024/3/1")
    assert model.check_value("Post", "rotation_years", 5) == 5
    with pytest.raises(ValueError):
        model.check_value("Post", "rotation_years", "five")


def test_unknown_names_are_schema_errors() -> None:
    with pytest.raises(model.SchemaError):
        model.node("Unit) DETACH DELETE (n")
    with pytest.raises(model.SchemaError):
        model.check_value("Unit", "password", "x")
    with pytest.raises(model.SchemaError):
        model.edge("Unit", "OWNS", "Post")


def test_office_records_are_read_and_written_as_declared() -> None:
    """The office records' reads and writes are derived from their one declaration: a
    field the declaration does not have is refused, not silently read as null."""
    from lianfang.access import accounts, audit, tokens
    from lianfang.loop import acceptance, ledger

    assert accounts.FIELDS.startswith("a.uid AS name, a.role AS role")
    for projected in (audit.FIELDS, tokens._FIELDS, ledger._FIELDS, acceptance._FIELDS):
        assert " AS " in projected
    with pytest.raises(model.SchemaError, match="declares no nickname"):
        model.projection(model.ACCOUNT_LABEL, "a", ["role", "nickname"])
    with pytest.raises(model.SchemaError, match="declares no colour"):
        model.creation(model.RECTIFICATION_LABEL, ["uid", "colour"])
    assert model.creation(model.TOKEN_LABEL, ["uid"], fixed={"revoked": "false"}) == (
        "CREATE (:ApiToken {uid: $uid, revoked: false})"
    )
