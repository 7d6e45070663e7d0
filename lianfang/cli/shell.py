"""`lianfang shell`: a small read-only Cypher prompt for power users."""

from __future__ import annotations

import contextlib
import time

from rich.console import Console

from lianfang.cli.support import to_table
from lianfang.graph.store import GraphStore, StoreError

PROMPT = "lianfang> "
MORE = "      ... "
QUIT = {":q", ":quit", "exit", "quit"}


def read_statement(prompt: str = PROMPT) -> str | None:
    """Lines up to one ending in `;`; None at end of input or on a quit command."""
    lines: list[str] = []
    while True:
        try:
            line = input(MORE if lines else prompt)
        except EOFError:
            return None
        if not lines and line.strip() in QUIT:
            return None
        lines.append(line)
        if line.rstrip().endswith(";"):
            return "\n".join(lines).rstrip().rstrip(";")


def run_shell(store: GraphStore, out: Console, err: Console) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    out.print(f"{store.kind} at {store.location}. End queries with ';', leave with :q.")
    while (statement := read_statement()) is not None:
        if not statement.strip():
            continue
        started = time.perf_counter()
        try:
            rows = store.read_only(statement)
        except StoreError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if rows:
            out.print(to_table(rows))
        out.print(f"{len(rows)} row(s) in {elapsed:.0f} ms", style="dim")
