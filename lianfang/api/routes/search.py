"""Search by id or name, Chinese included."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from lianfang.api import scoping
from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.models import SearchHit
from lianfang.queries.lookups import SEARCHED

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", response_model=list[SearchHit])
def search_nodes(
    store: StoreDep,
    who: Viewer,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Id or name fragment")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    label: Annotated[
        list[str] | None, Query(description="Only these labels (Unit, Post, Person, Power…)")
    ] = None,
) -> list[SearchHit]:
    """Units, posts, people, powers and risk points whose id or name contains `q`; the
    pages' type-ahead pickers ask it for one label at a time."""
    unknown = sorted(set(label or ()) - set(SEARCHED))
    if unknown:
        raise HTTPException(422, f"label must be one of {', '.join(SEARCHED)}, not {unknown[0]}")
    chosen = tuple(label) if label else None
    return [SearchHit(**hit) for hit in scoping.search(store, who, q, limit, chosen)]
