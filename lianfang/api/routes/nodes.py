"""One node with its properties, provenance and neighbours."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, create_model

from lianfang.api import scoping
from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.lookups import node_detail
from lianfang.api.models import Neighbour, node_union
from lianfang.graph import model

router = APIRouter(prefix="/api/nodes", tags=["nodes"])

NodeOut: type[BaseModel] = create_model(
    "NodeOut", node=(node_union(), ...), neighbours=(list[Neighbour], ...)
)


@router.get(
    "/{label}/{uid}", response_model=NodeOut, responses={404: {"description": "No such node"}}
)
def get_node(label: str, uid: str, store: StoreDep, who: Viewer) -> Any:
    """A node (`label` is a schema label such as Post or RiskPoint; `uid` its register
    id), with where it was read from and every neighbour."""
    if label not in model.nodes():
        raise HTTPException(404, f"unknown label {label!r}; known: {', '.join(model.labels())}")
    scoping.require_node(store, who, label, uid)
    found = node_detail(store, label, uid)
    if found is None:
        raise HTTPException(404, f"no {label} with id {uid!r}")
    return scoping.node_detail(store, who, found)
