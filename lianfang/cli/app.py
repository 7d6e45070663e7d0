"""The `lianfang` command: one typer app; each command opens the store it needs."""

from __future__ import annotations

import ipaddress
import re
import signal
import socket
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.table import Table

# Typer carries its own copy of click; its usage errors are these (not public in typer).
from typer._click import exceptions as click_errors

from lianfang.cli import access as access_cli
from lianfang.cli import explore as explore_cli
from lianfang.cli import ingest as ingest_cli
from lianfang.cli import loop as loop_cli
from lianfang.cli import query as query_cli
from lianfang.cli import report as report_cli
from lianfang.cli.options import (
    AsOf,
    Lang,
    LayoutOpt,
    LimitOpt,
    MapLayout,
    Params,
    RowsFormat,
    RowsFormatOpt,
    Unit,
    as_of_date,
)
from lianfang.cli.support import (
    console,
    errors,
    fail,
    opened,
    parse_params,
    print_rows,
    say_error,
    split_params,
)
from lianfang.graph import calendar
from lianfang.graph.settings import StoreSettings
from lianfang.graph.store import ConfigError, StoreError
from lianfang.viz.aggregate import DEFAULT_LIMIT

app = typer.Typer(
    name="lianfang",
    help="廉防 lianfang: the integrity-risk knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The embedded database server.", no_args_is_help=True)
app.add_typer(db_app, name="db")


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


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the store, where it is, and node and edge counts per type."""
    from lianfang.graph import model

    with opened(ctx) as store:
        counts = store.counts()
        console.print(f"store: [bold]{store.kind}[/]  location: {store.location}", highlight=False)
    nodes = Table(title="nodes")
    nodes.add_column("label")
    nodes.add_column("类型")
    nodes.add_column("count", justify="right")
    for label, n in counts.nodes.items():
        nodes.add_row(label, model.node(label).zh, str(n))
    edges = Table(title="edges")
    edges.add_column("type")
    edges.add_column("count", justify="right")
    for type_, n in counts.edges.items():
        edges.add_row(type_, str(n))
    console.print(nodes, edges)


QueryText = Annotated[str, typer.Argument(help="A read-only Cypher query.")]


@app.command()
def cypher(
    ctx: typer.Context,
    query: QueryText,
    param: Params = None,
    fmt: RowsFormatOpt = RowsFormat.table,
) -> None:
    """Run one read-only Cypher query; write clauses are refused, not executed."""
    params = parse_params(param or [])
    with opened(ctx) as store:
        rows = store.read_only(query, params)
    print_rows(rows, fmt)


@app.command()
def shell(ctx: typer.Context) -> None:
    """An interactive read-only Cypher prompt; end a query with `;`, leave with `:q`."""
    from lianfang.cli.shell import run_shell

    with opened(ctx) as store:
        run_shell(store, console, errors)


app.command("ingest")(ingest_cli.ingest)
app.command("template")(ingest_cli.template)
app.command("demo-data")(ingest_cli.demo_data)
app.command("queries")(query_cli.queries)
app.command("query")(query_cli.query)
app.command("check")(query_cli.check)
app.command("report")(report_cli.report)
app.command("disclose")(report_cli.disclose)
app.command("drift")(report_cli.drift)
app.add_typer(report_cli.snapshot_app, name="snapshot")


@db_app.command("stop")
def db_stop(ctx: typer.Context) -> None:
    """Stop the embedded server, even if other lianfang processes use it."""
    from lianfang.graph.embedded import EmbeddedServer

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


# Words users try for a command that has another name.
MEANT = {"review": "report", "import": "ingest", "load": "ingest", "run": "query", "find": "query"}


def main() -> None:
    """Run a command; a usage mistake is one line naming the command's help (exit 2),
    with the command meant for a misspelt or misremembered one."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as shown:
        errors.print(shown.ctx.get_help() if shown.ctx else "", highlight=False, markup=False)
        raise SystemExit(2) from None
    except click_errors.UsageError as mistake:
        _one_line(usage_line(mistake), 2)
    except typer.Abort:
        _one_line("aborted", 1)
    except click_errors.ClickException as problem:
        _one_line(problem.format_message(), problem.exit_code)
    except calendar.TodayError as wrong:
        _one_line(str(wrong), 2)
    raise SystemExit(code if isinstance(code, int) else 0)


def _one_line(message: str, code: int) -> NoReturn:
    """`fail` outside any command: the app has returned, so exit directly."""
    say_error(message)
    raise SystemExit(code)


def usage_line(mistake: click_errors.UsageError) -> str:
    """`Missing argument 'query_id'. (see: lianfang query --help)`, and for a command
    that does not exist, the one meant."""
    message = mistake.format_message().replace("\n", " ")
    ctx = mistake.ctx
    path = ctx.command_path if ctx is not None else "lianfang"
    unknown = re.match(r"No such command '(.+?)'", message)
    if unknown and "Did you mean" not in message and unknown.group(1) in MEANT:
        return f"{message} Did you mean `{path} {MEANT[unknown.group(1)]}`?"
    if "Did you mean" in message:
        return message
    return f"{message} (see: {path} --help)"


HostOpt = Annotated[str | None, typer.Option("--host", help="Bind address (default 127.0.0.1).")]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port (default 8000).")]
DemoOpt = Annotated[bool, typer.Option("--demo", help="Load the demo organisation if empty.")]


@app.command()
def serve(
    ctx: typer.Context, host: HostOpt = None, port: PortOpt = None, demo: DemoOpt = False
) -> None:
    """Run the web app: the page, the maps and the JSON API."""
    import uvicorn

    from lianfang.access import accounts
    from lianfang.api.main import create_app, load_demo_if_empty
    from lianfang.api.settings import AppSettings

    overrides: dict[str, Any] = {"demo": demo or AppSettings().demo}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = AppSettings().model_copy(update=overrides)
    with opened(ctx) as store:
        users = len(accounts.listing(store))
        if not users and not loopback(settings.host):
            fail(
                f"refusing to serve on {settings.host} with no accounts: anyone who can reach "
                "it could read and change everything. Create the first admin with "
                "`lianfang user add NAME --role admin`, or serve on 127.0.0.1",
                code=2,
            )
        if settings.demo and load_demo_if_empty(store):
            console.print("loaded the demo organisation", style="dim")
        application = create_app(settings=settings.model_copy(update={"demo": False}), store=store)
        mode = (
            f"{users} account(s), login required"
            if users
            else "local mode, no login: this machine only"
        )
        url = f"http://{settings.host}:{settings.port}/"
        check_listen(settings.host, settings.port)
        console.print(f"lianfang is serving on {url} ({mode}; Ctrl-C to stop)", highlight=False)
        uvicorn.run(
            application,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            proxy_headers=False,  # the app believes only LIANFANG_TRUSTED_PROXIES
        )


def check_listen(host: str, port: int) -> None:
    """A port out of range, or one that something else holds, is a one-line error before
    anything says it is serving."""
    if not 1 <= port <= 65535:
        fail(f"--port {port}: a port is a number from 1 to 65535", code=2)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code=1)


def loopback(host: str) -> bool:
    """Whether binding `host` keeps the app on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


NodeOpt = Annotated[str | None, typer.Option("--node", help="LABEL:UID: its neighbourhood.")]
QueryOpt = Annotated[str | None, typer.Option("--query", help="A query id: its findings.")]
MapOut = Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")]
MapLangOpt = Annotated[Lang, typer.Option("--lang", help="The language the map speaks.")]


@app.command("map")
def map_command(
    ctx: typer.Context,
    out: MapOut,
    unit: Unit = None,
    node: NodeOpt = None,
    query: QueryOpt = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=3)] = 2,
    param: Params = None,
    as_of: AsOf = None,
    layout: LayoutOpt = MapLayout.layered,
    limit: LimitOpt = DEFAULT_LIMIT,
    lang: MapLangOpt = Lang.zh,
) -> None:
    """Write a self-contained map (works offline) of a unit, a node or a query's findings."""
    from lianfang.cli import maps as map_cli

    chosen = [v for v in (unit, node, query) if v]
    if len(chosen) != 1:
        fail("give exactly one of --unit, --node or --query", code=2)
    if out.suffix.lower() not in (".html", ".htm"):
        fail(f"{out}: a map is an HTML page; name it *.html", code=2)
    with opened(ctx) as store:
        params = split_params(param or [])
        asked = map_cli.Asked(unit, node, query, depth, params, as_of_date(as_of))
        html = map_cli.build(store, asked, layout.value, limit or None, lang.value)
    out.write_text(html, encoding="utf-8")
    console.print(f"wrote {out}", highlight=False)


# After the gaps, and who may use the web app: listed after the commands above.
app.add_typer(access_cli.user_app, name="user")
app.add_typer(access_cli.token_app, name="token")
app.command("audit")(access_cli.audit_log)
app.command("warnings")(loop_cli.warnings_command)
app.command("notice")(loop_cli.notice_command)
app.command("score")(loop_cli.score_command)
app.command("whatif")(explore_cli.whatif_command)
app.command("path")(explore_cli.path_command)
app.command("card")(explore_cli.card_command)
app.add_typer(loop_cli.rectify_app, name="rectify")
app.add_typer(loop_cli.accept_app, name="accept")
