"""What every CLI command shares: the consoles, one-line errors, the opened store."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console

from api.render import to_csv, to_json, to_table
from graph.store import ConfigError, GraphStore, StoreError

console = Console()
errors = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: what every user-facing error looks like."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def opened(ctx: typer.Context) -> Iterator[GraphStore]:
    """The configured store, closed (and the embedded server released) on the way out."""
    from graph.open import open_store

    try:
        store = open_store(ctx.obj)
    except ConfigError as exc:
        fail(str(exc), code=2)
    except StoreError as exc:
        fail(str(exc))
    try:
        yield store
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()


def split_params(pairs: list[str]) -> dict[str, str]:
    """`--param name=value` pairs as text; a pair without `=` is a one-line error."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--param {pair!r}: expected name=value", code=2)
        params[name.strip()] = raw
    return params


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """Raw Cypher parameters: a value that reads as JSON is taken as JSON, else as text."""
    params: dict[str, Any] = {}
    for name, raw in split_params(pairs).items():
        try:
            params[name] = json.loads(raw)
        except json.JSONDecodeError:
            params[name] = raw
    return params


def print_rows(rows: list[dict[str, Any]], fmt: Format) -> None:
    if fmt is Format.json:
        sys.stdout.write(to_json(rows) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(rows))
    elif rows:
        console.print(to_table(rows))
        console.print(f"{len(rows)} row(s)", style="dim")
    else:
        console.print("no rows", style="dim")
