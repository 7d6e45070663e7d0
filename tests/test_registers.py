"""The register definitions agree with the schema and with REGISTERS.md."""

from __future__ import annotations

from test_schema import contract_columns, contract_table

from lianfang.graph import model
from lianfang.ingest.registers import registers


def test_every_reference_column_states_an_edge_the_schema_declares() -> None:
    for register in registers():
        for column in register.columns:
            if column.edge is None:
                continue
            type_, reverse = column.edge
            for target in column.ref:
                start, end = (target, register.label) if reverse else (register.label, target)
                model.edge(start or "", type_, end or "")


def test_property_columns_take_kind_vocabulary_and_required_from_the_schema() -> None:
    for register in registers():
        for column in register.columns:
            if column.prop and column.prop != "uid":
                spec = model.node(register.label or "").prop(column.prop)
                assert column.required == spec.required, (register.name, column.name)
                assert column.choices == spec.choices, (register.name, column.name)


def test_registers_have_exactly_the_contracts_columns() -> None:
    contract: dict[str, list[tuple[str, bool]]] = {}
    for register, column, required, _note in contract_columns():
        contract.setdefault(register, []).append((column, required))
    assert set(contract) == {r.name for r in registers()}
    for register in registers():
        assert [(c.name, c.required) for c in register.columns] == contract[register.name]


def test_sheet_and_header_names_are_the_contracts() -> None:
    by_name = {r.name: r for r in registers()}
    for register, register_zh, column, column_zh, _required, _note in contract_table():
        assert by_name[register].zh == register_zh
        assert by_name[register].column(column).zh == column_zh, (register, column)
