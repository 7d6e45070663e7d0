"""The `lianfang` command: one typer app; each command opens the store it needs."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from api.render import to_csv, to_json, to_table
from graph.settings import StoreSettings
from graph.store import ConfigError, GraphStore, StoreError

console = Console()
errors = Console(stderr=True)

app = typer.Typer(
    name="lianfang",
    help="廉防 lianfang: the integrity-risk knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The embedded database server.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Embedded store directory \\[env: LIANFANG_DATA].", show_default=False
    ),
]
StoreUrl = Annotated[
    str | None,
    typer.Option(
        "--store", help="Store URL \\[env: LIANFANG_STORE]; empty = embedded.", show_default=False
    ),
]


@app.callback()
def configure(ctx: typer.Context, data_dir: DataDir = None, store: StoreUrl = None) -> None:
    """Read the settings once; flags override the environment."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data"] = data_dir
    if store is not None:
        overrides["store"] = store
    ctx.obj = StoreSettings().model_copy(update=overrides)


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


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`name=value` pairs; a value that reads as JSON is taken as JSON, else as text."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--param {pair!r}: expected name=value", code=2)
        try:
            params[name.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[name.strip()] = raw
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


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the store, where it is, and node and edge counts per type."""
    from graph import model

    with opened(ctx) as store:
        counts = store.counts()
        console.print(f"store: [bold]{store.kind}[/]  location: {store.location}", highlight=False)
    nodes = Table(title="nodes")
    nodes.add_column("label")
    nodes.add_column("类型")
    nodes.add_column("count", justify="right")
    for label, n in counts.nodes.items():
        nodes.add_row(label, model.node(label).zh if label in model.nodes() else "", str(n))
    edges = Table(title="edges")
    edges.add_column("type")
    edges.add_column("count", justify="right")
    for type_, n in counts.edges.items():
        edges.add_row(type_, str(n))
    console.print(nodes, edges)


QueryText = Annotated[str, typer.Argument(help="A read-only Cypher query.")]
Params = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Query parameter name=value (repeatable).")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command()
def cypher(
    ctx: typer.Context, query: QueryText, param: Params = None, fmt: FormatOpt = Format.table
) -> None:
    """Run one read-only Cypher query; write clauses are refused, not executed."""
    params = parse_params(param or [])
    with opened(ctx) as store:
        rows = store.read_only(query, params)
    print_rows(rows, fmt)


@app.command()
def shell(ctx: typer.Context) -> None:
    """An interactive read-only Cypher prompt; end a query with `;`, leave with `:q`."""
    from api.shell import run_shell

    with opened(ctx) as store:
        run_shell(store, console, errors)


@db_app.command("stop")
def db_stop(ctx: typer.Context) -> None:
    """Stop the embedded server, even if other lianfang processes use it."""
    from graph.embedded import EmbeddedServer

    settings: StoreSettings = ctx.obj
    if settings.store.strip() not in ("", "embedded"):
        fail(
            f"LIANFANG_STORE is {settings.store!r}: only the embedded store can be stopped here", 2
        )
    try:
        stopped = EmbeddedServer(settings.data).stop()
    except StoreError as exc:
        fail(str(exc), code=2 if isinstance(exc, ConfigError) else 1)
    console.print("stopped" if stopped else "not running")


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so the embedded server's lease is released."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    app()
