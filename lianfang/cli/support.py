"""What every CLI command shares: the consoles, one-line errors, the opened store, and
rows printed as a table, JSON or CSV."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lianfang.access import audit
from lianfang.cli.options import ExportFormat, RowsFormat
from lianfang.graph.store import ConfigError, GraphStore, StoreError
from lianfang.queries.exports import Row, cell, columns, to_csv, to_json, to_xlsx

# In a pipe or a log, tables are laid out 160 columns wide rather than 80 (unless
# COLUMNS says otherwise), so that ids and figures are not cut where nobody can widen them.
PIPE_WIDTH = 160
_width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
console = Console(width=_width)
errors = Console(stderr=True)


def say_error(message: str) -> None:
    """What every user-facing error looks like: one line on stderr."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit, from inside a command."""
    say_error(message)
    raise typer.Exit(code)


@contextlib.contextmanager
def opened(ctx: typer.Context) -> Iterator[GraphStore]:
    """The configured store, closed (and the embedded server released) on the way out."""
    from lianfang.graph.open import open_store

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


def operator() -> str:
    """Who runs a command, for the audit log: the operating-system user. Whoever can run
    the CLI can open the store directly anyway; the log should still say which shell
    account it was."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def record(
    store: GraphStore, action: str, target: str, outcome: str = "ok", **detail: object
) -> None:
    """An audit entry for a CLI command (raises if it cannot be written)."""
    audit.record(
        store, action, user=operator(), client="cli", target=target, outcome=outcome, **detail
    )


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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(value: Any) -> Text:
    """Register text for a terminal: control characters shown as `\x1b`, never sent, so
    a cell cannot move the cursor, clear the screen or retitle the window; and `Text`, so
    it is never read as rich markup."""
    text = "" if value is None else str(value)
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def to_table(rows: Sequence[Row], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    names = columns(rows)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(printable(cell(row.get(name))) for name in names))
    return table


def emit(
    rows: list[dict[str, Any]], fmt: ExportFormat | RowsFormat, out: Path | None, title: str
) -> None:
    """Rows as a table, JSON or CSV on stdout, or an .xlsx file (with -o): the one way
    the commands that list rows answer."""
    if fmt == ExportFormat.xlsx:
        if out is None:
            fail("--format xlsx needs -o FILE.xlsx", code=2)
        out.write_bytes(to_xlsx(rows, list(rows[0]) if rows else [], title))
        console.print(f"wrote {out}", highlight=False)
        return
    print_rows(rows, RowsFormat(str(fmt)))


def print_rows(rows: list[dict[str, Any]], fmt: RowsFormat) -> None:
    if fmt is RowsFormat.json:
        sys.stdout.write(to_json(rows) + "\n")
    elif fmt is RowsFormat.csv:
        sys.stdout.write(to_csv(rows))
    elif rows:
        console.print(to_table(rows))
        console.print(f"{len(rows)} row(s)", style="dim")
    else:
        console.print("no rows", style="dim")
