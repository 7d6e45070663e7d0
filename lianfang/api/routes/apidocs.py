"""The API's own description: the OpenAPI document and a page that lists it, behind the
login like every other route (FastAPI served both to anyone, and its Swagger page loads
scripts from a CDN that neither the page's policy nor an offline office allows)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.html import show

router = APIRouter(tags=["api"])
METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request, who: Viewer) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_page(request: Request, store: StoreDep, who: Viewer) -> HTMLResponse:
    """Every operation with its parameters, as the OpenAPI document states them."""
    return show(request, store, "apidocs.html", operations=operations(request.app.openapi()))


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """(method, path, summary, description, parameters, body) for each operation."""
    listed = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            listed.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": ", ".join(body),
                }
            )
    return listed
