"""The README documents every command and every query, so the docs cannot drift."""

from __future__ import annotations

from pathlib import Path

from api.cli import app
from queries.spec import library

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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

    from api.i18n import WORDS

    templates = Path(__file__).resolve().parents[1] / "api" / "templates"
    used = {
        key
        for page in templates.glob("*.html")
        for key in re.findall(r"t\('([a-z_]+)'\)", page.read_text(encoding="utf-8"))
    }
    assert used and used <= set(WORDS), used - set(WORDS)
