"""FastAPI dependencies as Annotated aliases: the open store and the settings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from lianfang.api.settings import AppSettings
from lianfang.graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> AppSettings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[AppSettings, Depends(get_settings)]
AsOfQuery = Annotated[dt.date | None, Query(description="Review date YYYY-MM-DD (default today)")]
UnitQuery = Annotated[str | None, Query(description="A unit id: that unit and its sub-units")]
LayoutQuery = Annotated[
    Literal["layered", "force"],
    Query(description="layered (columns, the default) or force (a simulation in the browser)"),
]
