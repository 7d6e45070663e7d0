"""Counts for the page header."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.api import scoping
from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.models import Stats

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=Stats)
def get_stats(store: StoreDep, who: Viewer) -> Stats:
    """Nodes and edges by type, risk points by level, and the review's headline figures."""
    return Stats(**scoping.figures(store, who))
