"""The loop on the page: the warnings view and the rectification ledger (with its moves
as forms), beside the unit browser's levels and scores."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lianfang.api.auditing import audit
from lianfang.api.auth import Analyst, Downloader, Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.html import show
from lianfang.api.i18n import language, query_titles, translator
from lianfang.api.loop_views import (
    accept_named,
    changes_in_query,
    followed_rows,
    move_item,
    named_finding,
    open_item,
    simulated,
    units_in_view,
)
from lianfang.graph import calendar
from lianfang.graph.model import RECTIFICATION_STATUSES as RECTIFICATION_ZH
from lianfang.loop import acceptance, score, warnings, whatif
from lianfang.loop.rules import score_rules
from lianfang.queries.finding_ids import short_id
from lianfang.queries.runner import find
from lianfang.queries.spec import finding_label
from lianfang.reports.naming import names

router = APIRouter(include_in_schema=False)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else calendar.today()
    except ValueError:
        raise HTTPException(422, f"as_of: {text!r} is not a date (YYYY-MM-DD)") from None


@router.get("/warnings", response_class=HTMLResponse)
def warnings_page(
    request: Request, store: StoreDep, who: Viewer, unit: str = "", as_of: str = ""
) -> HTMLResponse:
    day = _day(as_of)
    state = warnings.compute(store, day)
    under = units_in_view(store, who, unit or None)
    units = [u for u in state.units.values() if under is None or u.unit_id in under]
    order = {level: i for i, level in enumerate(state.rules.order())}
    units.sort(key=lambda u: (order[u.level], u.unit_id))
    posts = [p for p in state.post_rows(under) if p["level"] != "green"]
    lang = language(request)
    titles, late = query_titles(lang), translator(lang)("overdue_items")
    return show(
        request,
        store,
        "warnings.html",
        units=units,
        posts=posts,
        grouped={
            p["post_id"]: reasons_by_query(state.posts[p["post_id"]].reasons, titles, late)
            for p in posts
        },
        rules=state.rules,
        unit=unit,
        as_of=day.isoformat(),
    )


def reasons_by_query(
    reasons: list[warnings.Reason], titles: dict[str, str], late: str
) -> list[tuple[str, str, list[str]]]:
    """A post's reasons as one line per query: (query id, its title in the page's
    language, what each finding names); overdue ledger items together under `late`."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for reason in reasons:
        if reason.kind == "overdue":
            key, title = "", late
            said = f"{reason.query_id}（{reason.overdue_days}天）{reason.label}"
        else:
            key, title = reason.query_id, titles.get(reason.query_id, reason.query_id)
            said = reason.label or short_id(reason.query_id, reason.key)
        groups.setdefault(key, (title, []))[1].append(said)
    return [(key, title, said) for key, (title, said) in groups.items()]


SCORE_SORTS = ("score", "grade", "deductions", "unit")


@router.get("/scores", response_class=HTMLResponse)
def scores_page(
    request: Request,
    store: StoreDep,
    who: Viewer,
    unit: str = "",
    as_of: str = "",
    sort: str = "score",
    desc: bool = False,
) -> HTMLResponse:
    """Every unit's 百分制 score, sortable, each deduction with the findings it counts."""
    day = _day(as_of)
    if sort not in SCORE_SORTS:
        raise HTTPException(422, f"sort must be one of {', '.join(SCORE_SORTS)}")
    under = units_in_view(store, who, unit or None)
    scores = [s for s in score.compute(store, day).values() if under is None or s.unit_id in under]
    # Lowest grade first, as the rules declare them (highest minimum first).
    grades = {g.grade: i for i, g in enumerate(reversed(score_rules().grades))}
    keys = {
        "score": lambda s: (s.score, s.unit_id),
        "grade": lambda s: (grades.get(s.grade, 0), s.score, s.unit_id),
        "deductions": lambda s: (sum(float(d["points"]) for d in s.deductions), s.unit_id),
        "unit": lambda s: (s.unit_id,),
    }
    scores.sort(key=keys[sort], reverse=desc)
    counted = score.counted_findings(store, day, set(acceptance.active(store, day)))
    return show(
        request,
        store,
        "scores.html",
        scores=scores,
        counted=counted,
        titles=query_titles(language(request)),
        unit=unit,
        as_of=day.isoformat(),
        sort=sort,
        desc=desc,
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request,
    store: StoreDep,
    who: Viewer,
    unit: str = "",
    status: str = "",
    due_before: str = "",
    message: str = "",
    finding: str = "",
) -> HTMLResponse:
    """The ledger; `finding` (a short id, from a query's row) fills in the forms."""
    rows = followed_rows(store, who, calendar.today())
    if unit:
        under = units_in_view(store, who, unit) or set()
        posts = {
            r["uid"]
            for r in store.read(
                "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE u.uid IN $units RETURN p.uid AS uid",
                {"units": sorted(under)},
            )
        }
        rows = [r for r in rows if r["owner_post"] in posts]
    if status:
        rows = [r for r in rows if r["status"] == status]
    if due_before:
        rows = [r for r in rows if r["due"] <= due_before]
    return show(
        request,
        store,
        "ledger.html",
        items=rows,
        titles=query_titles(language(request)),
        finding=finding,
        statuses=RECTIFICATION_ZH,
        unit=unit,
        chosen=status,
        due_before=due_before,
        message=message,
    )


@router.post("/ledger/open")
def ledger_open(
    request: Request,
    store: StoreDep,
    who: Analyst,
    due: Annotated[dt.date, Form()],
    finding_id: Annotated[str, Form(description="The finding's short id, e.g. 7KQ2-M9XA")] = "",
    query_id: Annotated[str, Form()] = "",
    key: Annotated[
        str, Form(description="With query_id: the finding's key; several parts separated by /")
    ] = "",
    owner_post: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    parts = [part.strip() for part in key.split("/") if part.strip()]
    try:
        named = named_finding(store, who, finding_id.strip() or None, query_id, parts)
        item = open_item(request, store, who, *named, due, owner_post or None, note)
    except HTTPException as exc:
        return _back(str(exc.detail))
    return _back(f"{item.uid} opened")


@router.post("/ledger/accept")
def ledger_accept(
    request: Request,
    store: StoreDep,
    who: Analyst,
    finding_id: Annotated[str, Form(description="The finding's short id")],
    reason: Annotated[str, Form(min_length=1)],
    approver: Annotated[str, Form(min_length=1)],
    expires: Annotated[dt.date, Form()],
) -> Response:
    """Accept a finding until a date (暂缓/风险接受), from the ledger page."""
    try:
        named = named_finding(store, who, finding_id.strip(), None, [])
        made = accept_named(request, store, who, named, reason, approver, expires)
    except HTTPException as exc:
        return _back(str(exc.detail))
    return _back(f"{made.uid}: {made.finding_id} {made.label}")


@router.post("/ledger/{uid}/{action}")
def ledger_move(
    uid: str,
    action: str,
    request: Request,
    store: StoreDep,
    who: Analyst,
    done: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        item = move_item(request, store, who, uid, action, done, reason)
    except HTTPException as exc:
        return _back(str(exc.detail))
    return _back(f"{item.uid}: {RECTIFICATION_ZH[item.status]}")


@router.get("/whatif", response_class=HTMLResponse)
def whatif_page(request: Request, store: StoreDep, who: Downloader) -> HTMLResponse:
    """The findings a simulated change would add and close, and its map."""
    asked = changes_in_query(request.query_params)
    if not any(asked[kind] for kind in whatif.KINDS):  # the form, with what a link gave
        return show(
            request,
            store,
            "whatif.html",
            outcome=None,
            query_string="",
            error="",
            prefill=dict(request.query_params),
        )
    try:
        outcome = simulated(store, who, asked)
    except HTTPException as exc:  # said on the page, beside the form to correct it
        return show(
            request,
            store,
            "whatif.html",
            outcome=None,
            query_string="",
            error=str(exc.detail),
            status=exc.status_code,
            prefill=dict(request.query_params),
        )
    changes = [whatif.Change(**c) for c in outcome["changes"]]
    words = ", ".join(c.words() for c in changes)
    audit(request, who.name, "whatif", words, as_of=outcome["as_of"])
    moved = {q: v for q, v in outcome["queries"].items() if v["new"] or v["closed"]}
    labelled = {
        q: {
            kind: [(find(q).finding_id(r), finding_label(r)) for r in v[kind]]
            for kind in ("new", "closed")
        }
        for q, v in moved.items()
    }
    wanted: dict[str, set[str]] = {}
    for label, uid in (end for change in changes for end in change.ends):
        wanted.setdefault(label, set()).add(uid)
    known = names(store, wanted)
    lang = language(request)
    return show(
        request,
        store,
        "whatif.html",
        outcome=outcome,
        moved=labelled,
        changes=[c.said(known, lang) for c in changes],
        titles=query_titles(lang),
        query_string=request.url.query,
        error="",
        prefill=dict(request.query_params),
    )


def _back(message: str) -> RedirectResponse:
    return RedirectResponse(f"/ledger?message={quote(message)}", status_code=303)
