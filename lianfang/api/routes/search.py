"""Search by id or name, Chinese included."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lianfang.api import scoping
from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.models import SearchHit

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", response_model=list[SearchHit])
def search_nodes(
    store: StoreDep,
    who: Viewer,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Id or name fragment")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SearchHit]:
    """Units, posts, people, powers and risk points whose id or name contains `q`."""
    return [SearchHit(**hit) for hit in scoping.search(store, who, q, limit)]
