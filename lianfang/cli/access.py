"""`lianfang user …`, `lianfang token …` and `lianfang audit`: who may use the web app.

Every change is audited under the operating-system user who ran it (see
support.record).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from lianfang.access import accounts, audit, sessions, tokens
from lianfang.access.accounts import AccountError
from lianfang.access.clock import parse_since
from lianfang.access.passwords import WeakPassword
from lianfang.cli.options import RowsFormat, RowsFormatOpt
from lianfang.cli.support import console, errors, fail, opened, print_rows, record

user_app = typer.Typer(help="Web app accounts: roles and unit scopes.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (Authorization: Bearer).", no_args_is_help=True)

RoleOpt = Annotated[str, typer.Option("--role", help="viewer, analyst or admin.")]
UnitsOpt = Annotated[
    list[str] | None,
    typer.Option("--unit", help="A unit id this user sees, with its sub-units (repeatable)."),
]
StdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
Name = Annotated[str, typer.Argument(help="The login name.")]


def read_password(from_stdin: bool, name: str) -> str:
    """From stdin (one line), or asked twice at the terminal."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    if not password:
        fail("empty password", code=2)
    return password


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Name,
    role: RoleOpt,
    unit: UnitsOpt = None,
    password_stdin: StdinOpt = False,
) -> None:
    """Create an account. The first admin ends local mode: the web app asks for a login."""
    try:
        accounts.check_role(role)
    except AccountError as exc:
        fail(str(exc), code=2)
    password = read_password(password_stdin, name)
    with opened(ctx) as store:
        try:
            account = accounts.add(store, name, role, password, list(unit or []))
        except (AccountError, WeakPassword) as exc:
            fail(str(exc), code=2)
        record(store, "user add", name, role=role, units=list(account.units))
    scope = ", ".join(account.units) or "all units"
    console.print(f"added {name} ({role}; {scope})", highlight=False)


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """Every account with its role, units and whether it is disabled."""
    with opened(ctx) as store:
        found = accounts.listing(store)
    table = Table()
    for column in ("name", "role", "units", "disabled", "created"):
        table.add_column(column)
    for a in found:
        table.add_row(a.name, a.role, ", ".join(a.units) or "(all)", "yes" * a.disabled, a.created)
    console.print(table)


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: Name) -> None:
    """Stop an account: its sessions and tokens stop working at once."""
    with opened(ctx) as store:
        try:
            accounts.disable(store, name)
        except AccountError as exc:
            fail(str(exc), code=2)
        record(store, "user disable", name)
    console.print(f"disabled {name}", highlight=False)


RevokeTokensOpt = Annotated[
    bool, typer.Option("--revoke-tokens", help="Also revoke every API token of the account.")
]


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: Name,
    password_stdin: StdinOpt = False,
    revoke_tokens: RevokeTokensOpt = False,
) -> None:
    """Set a new password; every login of the account ends (and, if asked, its tokens)."""
    password = read_password(password_stdin, name)
    with opened(ctx) as store:
        try:
            accounts.set_password(store, name, password)
        except (AccountError, WeakPassword) as exc:
            fail(str(exc), code=2)
        ended = sessions.end_all(store, name)
        revoked = tokens.revoke_all(store, name) if revoke_tokens else 0
        record(store, "user passwd", name, sessions_ended=ended, tokens_revoked=revoked)
    said = f"password changed for {name}; {ended} login session(s) ended"
    if revoke_tokens:
        said += f", {revoked} token(s) revoked"
    console.print(said, highlight=False)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Name,
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Days until it expires; never if unset.")
    ] = None,
) -> None:
    """Print a new API token for a user, once: only its hash is kept."""
    with opened(ctx) as store:
        try:
            token, info = tokens.create(store, name, expires_days)
        except AccountError as exc:
            fail(str(exc), code=2)
        record(store, "token create", name, key=info.key, expires=info.expires)
    errors.print(
        f"token {info.key} for {name}, expires {info.expires or 'never'}; it is shown only now:",
        highlight=False,
    )
    print(token)


@token_app.command("list")
def token_list(
    ctx: typer.Context, name: Annotated[str | None, typer.Argument(help="Only this user's.")] = None
) -> None:
    """Tokens by key (the public part), user, expiry and whether revoked."""
    with opened(ctx) as store:
        found = tokens.listing(store, name)
    table = Table()
    for column in ("key", "user", "created", "expires", "revoked"):
        table.add_column(column)
    for t in found:
        table.add_row(t.key, t.account, t.created, t.expires or "never", "yes" * t.revoked)
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The token's key (see `token list`), or the token.")],
) -> None:
    """Revoke a token: it stops working at once."""
    with opened(ctx) as store:
        try:
            info = tokens.revoke(store, key)
        except AccountError as exc:
            fail(str(exc), code=2)
        record(store, "token revoke", info.account, key=info.key)
    console.print(f"revoked token {info.key} of {info.account}", highlight=False)


def audit_log(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date (YYYY-MM-DD) or ISO time, UTC.")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's entries.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action.")] = None,
    fmt: RowsFormatOpt = RowsFormat.table,
) -> None:
    """The audit log: logins, imports, downloads, snapshots, account changes, refusals."""
    try:
        start = parse_since(since) if since else None
    except ValueError as exc:
        fail(f"--since: {exc}", code=2)
    with opened(ctx) as store:
        found = audit.entries(store, start, user, action)
    if fmt is RowsFormat.json:
        print(json.dumps([e.as_dict() for e in found], ensure_ascii=False, indent=1))
        return
    rows = [
        {**e.as_dict(), "detail": json.dumps(e.detail, ensure_ascii=False, default=str)}
        for e in found
    ]
    print_rows(rows, RowsFormat(fmt))
