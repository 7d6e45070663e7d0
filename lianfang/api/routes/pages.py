"""The analyst's page: server-rendered HTML (Jinja2), Chinese first, no build step."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse

from lianfang.api import scoping
from lianfang.api.auth import Analyst, Principal, Viewer
from lianfang.api.deps import SettingsDep, StoreDep
from lianfang.api.html import show
from lianfang.api.uploads import Asked, audited_import
from lianfang.graph import calendar
from lianfang.loop import accepted, score, warnings
from lianfang.queries.cache import cached
from lianfang.queries.runner import find
from lianfang.queries.spec import ID_COLUMNS, QuerySpec
from lianfang.reports import snapshots

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, who: Viewer) -> HTMLResponse:
    units = top_units(store, who)
    listed = accepted.splits(store, scoping.queries(store, who))
    return show(request, store, "home.html", queries=listed, units=units)


def top_units(store: StoreDep, who: Principal) -> list[dict[str, Any]]:
    """Units with their depth in the hierarchy, parents first, for the unit browser:
    kept per state of the graph (read it only), as the home page shows it too."""
    tree = cached(store, ("unit tree",), lambda: _unit_tree(store))
    within = who.scope(store)
    return tree if within is None else [u for u in tree if within.contains("Unit", u["uid"])]


def _unit_tree(store: StoreDep) -> list[dict[str, Any]]:
    rows = store.read(
        "MATCH (u:Unit) OPTIONAL MATCH (u)-[:PART_OF]->(p:Unit) "
        "RETURN u.uid AS uid, u.name AS name, u.kind AS kind, p.uid AS parent ORDER BY uid"
    )
    children: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row["parent"], []).append(row)
    ordered: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for row in children.get(parent, []):
            ordered.append({**row, "depth": depth})
            walk(row["uid"], depth + 1)

    walk(None, 0)
    return ordered


@router.get("/units", response_class=HTMLResponse)
def units(request: Request, store: StoreDep, who: Viewer) -> HTMLResponse:
    """The unit tree with each unit's warning level and score today."""
    today = calendar.today()
    state = warnings.compute(store, today)
    return show(
        request,
        store,
        "units.html",
        units=top_units(store, who),
        levels={uid: u.level for uid, u in state.units.items()},
        rules=state.rules,
        scores=score.compute(store, today),
    )


def link_columns(columns: list[str]) -> dict[str, str]:
    """Result columns that hold register ids, and the label each id names."""
    return {c: ID_COLUMNS[c] for c in columns if c in ID_COLUMNS}


@router.get("/queries/{query_id}", response_class=HTMLResponse)
def query_page(query_id: str, request: Request, store: StoreDep, who: Viewer) -> HTMLResponse:
    try:
        spec = find(query_id)
    except LookupError:
        raise HTTPException(404, f"unknown query {query_id!r}") from None
    skip = ("lang", "compare")
    given = {k: v for k, v in request.query_params.items() if k not in skip and v != ""}
    result = scoping.run(store, who, query_id, given)
    shown = {k: v for k, v in result.params.items() if v is not None}
    columns = [c.name for c in spec.columns]
    chosen = request.query_params.get("compare") or ""
    changes, closed = compared(store, who, spec, result.rows, chosen)
    split = accepted.split(store, result)
    return show(
        request,
        store,
        "query.html",
        spec=spec,
        result=result,
        split=split,
        accepted_keys={spec.finding_key(row) for row in split.accepted},
        columns=columns,
        links=link_columns(columns),
        params=shown,
        query_string=urlencode(shown),
        today=calendar.today().isoformat(),
        snapshots=snapshots.listing(store),
        compare=chosen,
        changes=changes,
        closed=closed,
    )


def compared(
    store: StoreDep, who: Principal, spec: QuerySpec, rows: list[dict[str, Any]], name: str
) -> tuple[list[str], list[tuple[tuple[str, ...], str]]]:
    """Per row, new or persisting since the snapshot; and the findings since closed."""
    if not name:
        return [], []
    try:
        before = scoping.findings(
            store, who, spec.id, snapshots.load(store, name).findings(spec.id)
        )
    except snapshots.SnapshotError as exc:
        raise HTTPException(404, str(exc)) from None
    keys = [spec.finding_key(row) for row in rows]
    changes = ["persisting" if key in before else "new" for key in keys]
    current = set(keys)
    closed = sorted((k, label) for k, label in before.items() if k not in current)
    return changes, closed


@router.get("/nodes/{label}/{uid}", response_class=HTMLResponse)
def node_page(label: str, uid: str, request: Request, store: StoreDep, who: Viewer) -> HTMLResponse:
    found = scoping.node(store, who, label, uid)
    today = calendar.today()
    state = warnings.compute(store, today) if label in ("Post", "Unit") else None
    warned = None
    if state is not None:
        warned = state.posts.get(uid) if label == "Post" else state.units.get(uid)
    unit_score = score.compute(store, today).get(uid) if label == "Unit" else None
    return show(
        request,
        store,
        "node.html",
        label=label,
        uid=uid,
        found=found,
        warned=warned,
        rules=state.rules if state else None,
        unit_score=unit_score,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, store: StoreDep, who: Viewer, q: str = "") -> HTMLResponse:
    hits = scoping.search(store, who, q) if q.strip() else []
    return show(request, store, "search.html", q=q, hits=hits)


@router.post("/upload", response_class=HTMLResponse)
def upload_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Analyst,
    file: Annotated[UploadFile, File()],
    source: Annotated[str | None, Form()] = None,
    dry_run: Annotated[bool, Form()] = False,
    unit: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """An upload; a published table is checked and shown as read, to be confirmed."""
    limit = settings.upload_limit
    asked = Asked(source, dry_run, unit, confirm_published=True)
    report, status = audited_import(request, who, file, limit, asked)
    return show(
        request, store, "upload.html", status=status, report=report, source=source, unit=unit
    )


@router.post("/upload/confirm", response_class=HTMLResponse)
def confirm_upload(
    request: Request,
    store: StoreDep,
    who: Analyst,
    pending: Annotated[str, Form(max_length=200)],
    source: Annotated[str | None, Form()] = None,
    unit: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """Import the published table checked a moment ago, as it was shown."""
    report, status = audited_import(request, who, None, 0, Asked(source, False, unit), pending)
    return show(
        request, store, "upload.html", status=status, report=report, source=source, unit=unit
    )
