"""After the gaps: `warnings`, `notice`, `rectify …`, `accept …` and `score`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from lianfang.access import accounts
from lianfang.cli.options import (
    AsOf,
    ExportFormat,
    ExportFormatOpt,
    OptionalOutput,
    Output,
    Unit,
    as_of_date,
)
from lianfang.cli.support import console, emit, fail, opened, operator, record
from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance, ledger, score, warnings
from lianfang.loop.ledger import LedgerError
from lianfang.loop.resolve import finding_of
from lianfang.loop.rules import RulesError
from lianfang.queries.scope import units_under

rectify_app = typer.Typer(help="The rectification ledger (整改台账).", no_args_is_help=True)
accept_app = typer.Typer(help="Accepted findings (暂缓/风险接受).", no_args_is_help=True)

FindingArg = Annotated[
    str,
    typer.Argument(
        help="The finding's short id as `query` prints it (e.g. 7KQ2-M9XA), or its query id "
        "followed by its key."
    ),
]
Key = Annotated[
    list[str] | None,
    typer.Argument(help="With a query id: the finding's key, part by part.", show_default=False),
]
ItemId = Annotated[str, typer.Argument(help="The item's id, e.g. R0001.")]
DateOpt = Annotated[str, typer.Option(help="YYYY-MM-DD.")]


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} is not a date (YYYY-MM-DD)", code=2)


def _under(store: GraphStore, unit: str | None) -> set[str] | None:
    if unit is None:
        return None
    under = units_under(store, unit)
    if not under:
        fail(f"no unit {unit!r}", code=2)
    return under


def warnings_command(
    ctx: typer.Context,
    as_of: AsOf = None,
    unit: Unit = None,
    units_only: Annotated[bool, typer.Option("--units", help="One row per unit.")] = False,
    compare: Annotated[
        str | None, typer.Option("--compare", help="A snapshot: each post's level then.")
    ] = None,
    fmt: ExportFormatOpt = ExportFormat.table,
    out: OptionalOutput = None,
) -> None:
    """Red, yellow and green posts (分级预警) with their reasons and disposition."""
    from lianfang.reports import snapshots

    day = as_of_date(as_of)
    with opened(ctx) as store:
        try:
            state = warnings.compute(store, day)
            before = snapshots.load(store, compare) if compare else None
        except (RulesError, snapshots.SnapshotError) as exc:
            fail(str(exc), code=2)
        under = _under(store, unit)
    if units_only:
        order = {level: i for i, level in enumerate(state.rules.order())}
        rows = [
            {
                "unit_id": u.unit_id,
                "unit_name": u.unit_name,
                "level": u.level,
                "level_zh": state.rules.zh(u.level),
                **{f"{level}_posts": n for level, n in u.counts.items()},
            }
            for u in sorted(state.units.values(), key=lambda u: (order[u.level], u.unit_id))
            if under is None or u.unit_id in under
        ]
    else:
        rows = state.post_rows(under)
        if before is not None:
            for row in rows:
                row["since"] = change(
                    state, before.warnings.get(str(row["post_id"])), str(row["level"]), before.name
                )
    emit(rows, fmt, out, "预警")


def change(state: warnings.Warnings, was: str | None, now: str, name: str) -> str:
    """`turned red since 2025年度`, or nothing if the level held."""
    if was == now:
        return ""
    if was is None:
        return f"new since {name}"
    return f"turned {now} since {name} (was {was}) 由{state.rules.zh(was)}转{state.rules.zh(now)}"


def notice_command(
    ctx: typer.Context,
    out: Output,
    post: Annotated[str | None, typer.Option("--post", help="A post id.")] = None,
    unit: Unit = None,
    as_of: AsOf = None,
    kind: Annotated[
        str, typer.Option("--kind", help="warning (预警通知书) or rectification (整改通知书).")
    ] = "warning",
    reply_days: Annotated[int, typer.Option("--reply-days", min=1, max=60)] = 5,
    issuer: Annotated[str, typer.Option("--issuer", help="Who signs it.")] = "纪检监察机构",
    doc_no: Annotated[
        str, typer.Option("--doc-no", help="Its document number, e.g. 县纪发〔2026〕3号.")
    ] = "",
) -> None:
    """Write the notice for a post or a unit, as .docx or .html."""
    from lianfang.reports import notice

    if out.suffix.lower() not in (".docx", ".html"):
        fail("-o must end in .docx or .html", code=2)
    if kind not in ("warning", "rectification"):
        fail("--kind must be warning or rectification", code=2)
    with opened(ctx) as store:
        try:
            built = notice.build(
                store, as_of_date(as_of), post, unit, kind, reply_days, issuer, doc_no
            )
        except notice.NoticeError as exc:
            fail(str(exc), code=2)
        body = notice.write_docx(built) if out.suffix.lower() == ".docx" else None
        record(store, "notice", built.recipient_id, kind=kind, file=out.name)
    if body is None:
        out.write_text(notice.write_html(built), encoding="utf-8")
    else:
        out.write_bytes(body)
    console.print(
        f"wrote {out}: {built.title} to {built.recipient}, {len(built.findings)} finding(s), "
        f"reply by {built.reply_by.isoformat()}",
        highlight=False,
    )


def score_command(
    ctx: typer.Context,
    as_of: AsOf = None,
    unit: Unit = None,
    fmt: ExportFormatOpt = ExportFormat.table,
    out: OptionalOutput = None,
) -> None:
    """Each unit's 百分制 score and grade (优秀/良好/合格/不合格), with its deductions."""
    with opened(ctx) as store:
        try:
            scores = score.compute(store, as_of_date(as_of))
        except RulesError as exc:
            fail(str(exc), code=2)
        under = _under(store, unit)
    rows = [s.as_row() for uid, s in sorted(scores.items()) if under is None or uid in under]
    emit(rows, fmt, out, "考核")


# -- the ledger ----------------------------------------------------------------------
def _item_row(followed: ledger.Followed) -> dict[str, Any]:
    item = followed.item
    return {
        "id": item.uid,
        "finding_id": item.finding_id,
        "query_id": item.query_id,
        "key": "/".join(item.key),
        "label": item.label,
        "owner_post": item.owner_post,
        "due": item.due,
        "status": item.status,
        "overdue_days": followed.overdue_days,
        "state": followed.state,
        "done": item.done,
    }


@rectify_app.command("open")
def rectify_open(
    ctx: typer.Context,
    finding: FindingArg,
    due: DateOpt,
    key: Key = None,
    owner: Annotated[str | None, typer.Option("--owner", help="The owner post.")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
) -> None:
    """Open an item for a finding present today."""
    with opened(ctx) as store:
        user = operator()
        try:
            query_id, parts = finding_of(store, finding, key or [], calendar.today())
            item = ledger.open_item(store, query_id, parts, _date(due, "--due"), user, owner, note)
        except LedgerError as exc:
            fail(str(exc), code=2)
        record(store, "rectify open", item.uid, query_id=query_id, key=list(parts), due=due)
    console.print(
        f"opened {item.uid}: {item.label} (owner {item.owner_post}, due {item.due})",
        highlight=False,
    )


def _move(ctx: typer.Context, uid: str, action: str, done: str = "", reason: str = "") -> None:
    """One of the ledger's moves, audited under its name as the API audits it."""
    with opened(ctx) as store:
        try:
            item = ledger.move(
                store,
                uid,
                action,
                operator(),
                done=done,
                reason=reason,
                distinct_verifier=accounts.any_exist(store),
            )
        except LedgerError as exc:
            fail(str(exc), code=2)
        record(store, f"rectify {action}", uid, done=done, reason=reason)
    console.print(f"{item.uid} is {item.status}", highlight=False)


@rectify_app.command("update")
def rectify_update(
    ctx: typer.Context,
    uid: ItemId,
    status: Annotated[str, typer.Option("--status", help="in_progress or rectified.")],
    done: Annotated[str, typer.Option("--done", help="What was done (for rectified).")] = "",
) -> None:
    """Start work on an item, or mark it rectified."""
    if status not in ("in_progress", "rectified"):
        fail(
            "--status must be in_progress or rectified (verify and reject have their own commands)",
            code=2,
        )
    _move(ctx, uid, "start" if status == "in_progress" else "rectify", done=done)


@rectify_app.command("verify")
def rectify_verify(ctx: typer.Context, uid: ItemId) -> None:
    """Verify a rectified item (销号); by another user than the one who rectified it."""
    _move(ctx, uid, "verify")


@rectify_app.command("reject")
def rectify_reject(
    ctx: typer.Context, uid: ItemId, reason: Annotated[str, typer.Option("--reason")]
) -> None:
    """Send a rectified item back to in progress, with the reason."""
    _move(ctx, uid, "reject", reason=reason)


@rectify_app.command("list")
def rectify_list(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue items.")] = False,
    status: Annotated[str | None, typer.Option("--status")] = None,
    unit: Unit = None,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = ExportFormat.table,
    out: OptionalOutput = None,
) -> None:
    """The ledger, with whether each finding is still found."""
    with opened(ctx) as store:
        found = ledger.followed(store, as_of_date(as_of))
        under = _under(store, unit)
        posts = _posts_in(store, under)
    rows = [
        _item_row(f)
        for f in found
        if (not overdue or f.overdue_days)
        and (status is None or f.item.status == status)
        and (posts is None or f.item.owner_post in posts)
    ]
    emit(rows, fmt, out, "整改台账")


def _posts_in(store: GraphStore, units: set[str] | None) -> set[str] | None:
    if units is None:
        return None
    rows = store.read(
        "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE u.uid IN $units RETURN p.uid AS uid",
        {"units": sorted(units)},
    )
    return {row["uid"] for row in rows}


# -- acceptances ----------------------------------------------------------------------
@accept_app.command("add")
def accept_add(
    ctx: typer.Context,
    finding: FindingArg,
    reason: Annotated[str, typer.Option("--reason")],
    approver: Annotated[str, typer.Option("--approver", help="Who approved it.")],
    expires: DateOpt,
    key: Key = None,
) -> None:
    """Accept a finding until a date: counted apart as accepted, then open again."""
    with opened(ctx) as store:
        try:
            query_id, parts = finding_of(store, finding, key or [], calendar.today())
            made = acceptance.accept(
                store,
                query_id,
                parts,
                reason,
                approver,
                _date(expires, "--expires"),
                operator(),
            )
        except LedgerError as exc:
            fail(str(exc), code=2)
        record(
            store,
            "accept",
            made.uid,
            query_id=query_id,
            key=list(parts),
            expires=expires,
            approver=approver,
        )
    console.print(f"accepted as {made.uid} until {made.expires}: {made.label}", highlight=False)


@accept_app.command("withdraw")
def accept_withdraw(
    ctx: typer.Context, uid: Annotated[str, typer.Argument(help="The acceptance, e.g. A0001.")]
) -> None:
    """Take an acceptance back: its finding is open again (audited)."""
    with opened(ctx) as store:
        try:
            gone = acceptance.withdraw(store, uid)
        except LedgerError as exc:
            fail(str(exc), code=2)
        record(store, "accept withdraw", uid, query_id=gone.query_id, key=list(gone.key))
    console.print(f"withdrew {uid}: {gone.label} is open again", highlight=False)


@accept_app.command("list")
def accept_list(
    ctx: typer.Context, as_of: AsOf = None, fmt: ExportFormatOpt = ExportFormat.table
) -> None:
    """Every acceptance, and whether it is in force on the day."""
    day = as_of_date(as_of)
    with opened(ctx) as store:
        found = acceptance.listing(store)
    rows = [
        {
            **{k: v for k, v in a.as_dict().items() if k != "key"},
            "key": "/".join(a.key),
            "in_force": a.active(day),
        }
        for a in found
    ]
    emit(rows, fmt, None, "风险接受")


# -- what if ----------------------------------------------------------------------------
