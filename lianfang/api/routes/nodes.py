"""One node with its properties, provenance and neighbours."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, create_model

from lianfang.api import scoping
from lianfang.api.auth import Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.models import Neighbour, node_union

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
    return scoping.node(store, who, label, uid)
