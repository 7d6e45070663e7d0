"""What the routes share: lower layers' errors as HTTP statuses, and download headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import HTTPException

from lianfang.graph.store import GraphStore
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import QueryResult, UnknownQuery, find, run


def run_or_http(store: GraphStore, query_id: str, params: dict[str, Any]) -> QueryResult:
    """Run a query; unknown ids are 404, bad parameters 422."""
    try:
        find(query_id)
    except UnknownQuery as exc:
        raise HTTPException(404, str(exc)) from None
    try:
        return run(store, query_id, params)
    except ParameterError as exc:
        raise HTTPException(422, str(exc)) from None


def attachment(name: str) -> dict[str, str]:
    """A download header that survives any file name: an ASCII fallback, and the real
    (often Chinese) name as RFC 6266's UTF-8 `filename*`."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    }
