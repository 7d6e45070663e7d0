"""The web app's settings (pydantic-settings), on top of the store's."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lianfang.viz.aggregate import DEFAULT_LIMIT


class AppSettings(BaseSettings):
    """`LIANFANG_…` environment variables; `lianfang serve` flags override them."""

    model_config = SettingsConfigDict(env_prefix="LIANFANG_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Address to bind; local only by default.")
    port: int = Field(default=8000, description="Port to listen on.")
    max_upload_mb: float = Field(default=50, description="Largest register upload accepted.")
    map_node_limit: int = Field(default=DEFAULT_LIMIT, description="Above this, maps fold detail.")
    demo: bool = Field(default=False, description="Load the demo organisation into an empty store.")
    warm_seconds: float = Field(
        default=5,
        ge=0,
        description="How often to look for a new import and run every canned query for the "
        "result cache in the background; 0 turns that off.",
    )
