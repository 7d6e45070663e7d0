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
    names = [c.name for c in app.registered_commands]
    names += [
        f"db {c.name}" for g in app.registered_groups for c in g.typer_instance.registered_commands
    ]
    assert names
    for name in names:
        assert f"lianfang {name or ''}".strip() in README, name


def test_the_readme_opens_with_the_two_commands() -> None:
    blocks = README.split("```sh\n")[1:3]
    assert "pip install" in blocks[0] and "lianfang" in blocks[0]
    assert "pip install" in blocks[1] and "pytest" in blocks[1]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert blocks[1].split("\n")[0] in ci
