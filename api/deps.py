"""FastAPI dependencies as Annotated aliases: the open store and the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.settings import AppSettings
from graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> AppSettings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[AppSettings, Depends(get_settings)]
