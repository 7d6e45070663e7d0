"""The README documents every command and every query, so the docs cannot drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lianfang.cli.app import app
from lianfang.ingest.registers import registers
from lianfang.queries.spec import library

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_query_is_in_the_readme_catalogue() -> None:
    for spec in library().values():
        assert f"| `{spec.id}` | {spec.title_zh} |" in README, spec.id


def test_every_command_is_documented() -> None:
    def name(command) -> str:
        return command.name or command.callback.__name__.replace("_", "-")

    names = [name(c) for c in app.registered_commands]
    for group in app.registered_groups:
        names += [f"{group.name} {name(c)}" for c in group.typer_instance.registered_commands]
    assert {"status", "ingest", "query", "check", "serve", "report", "db stop"} <= set(names)
    for command in names:
        assert f"lianfang {command}" in README, command


def test_the_readme_opens_with_the_two_commands() -> None:
    blocks = README.split("```sh\n")[1:3]
    assert "pip install" in blocks[0] and "lianfang" in blocks[0]
    assert "pip install" in blocks[1] and "pytest" in blocks[1]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert blocks[1].split("\n")[0] in ci


def test_every_word_the_page_templates_use_is_translated() -> None:
    import re

    from lianfang.api.i18n import WORDS

    templates = Path(__file__).resolve().parents[1] / "lianfang" / "api" / "templates"
    used = {
        key
        for page in templates.glob("*.html")
        for key in re.findall(r"t\('([a-z_]+)'\)", page.read_text(encoding="utf-8"))
    }
    assert used and used <= set(WORDS), used - set(WORDS)


def test_the_generated_docs_are_up_to_date() -> None:
    """docs/queries.md and the register tables of docs/registers.md are what
    scripts/write_docs.py writes from the code today."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "write_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr


def test_every_query_and_register_column_is_in_the_user_docs() -> None:
    queries = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    for spec in library().values():
        assert f"### `{spec.id}` {spec.title_zh}" in queries, spec.id
        assert spec.description_zh in queries and spec.remedy in queries, spec.id
        for param in spec.parameters:
            assert f"| `{param.name}` |" in queries.split(f"### `{spec.id}`")[1], param.name
    guide = (ROOT / "docs" / "registers.md").read_text(encoding="utf-8")
    for register in registers():
        assert f"### {register.zh} `{register.name}`" in guide, register.name
        for column in register.columns:
            assert f"| `{column.name}` | {column.zh} |" in guide, (register.name, column.name)
            for word in column.choices or ():
                assert word in guide, (register.name, column.name, word)


def test_the_readme_points_to_docs_that_ship() -> None:
    assert "shared docs" not in README and "REGISTERS.md" not in README
    assert "docs/registers.md" in README and "docs/queries.md" in README
