"""Counts for the page header."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.lookups import stats
from api.models import Stats

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=Stats)
def get_stats(store: StoreDep) -> Stats:
    """Nodes and edges by type, risk points by level, and the review's headline figures."""
    return Stats(**stats(store))
