"""The web app's settings (pydantic-settings), on top of the store's."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lianfang.viz.aggregate import DEFAULT_LIMIT


class AppSettings(BaseSettings):
    """`LIANFANG_…` environment variables; `lianfang serve` flags override them."""

    model_config = SettingsConfigDict(env_prefix="LIANFANG_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Address to bind; local only by default.")
    port: int = Field(default=8000, description="Port to listen on.")
    max_upload_mb: float = Field(default=50, description="Largest register upload accepted.")
    map_node_limit: int = Field(default=DEFAULT_LIMIT, description="Above this, maps fold detail.")
    demo: bool = Field(default=False, description="Load the demo organisation into an empty store.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names the app answers to besides the bound address and loopback "
        "names (the name users type, behind a reverse proxy); any other Host header is "
        "refused, against DNS rebinding.",
    )
    public_disclosure: bool = Field(
        default=False,
        description="Serve the public disclosure (公示) to anyone, without login.",
    )
    session_hours: float = Field(default=8, gt=0, description="How long a login lasts.")
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookie Secure even when the request did not arrive "
        "by HTTPS (it is whenever it did, as the reverse proxy says).",
    )
    login_attempts: int = Field(
        default=5, ge=1, description="Failed logins, per client or per user, before a lockout."
    )
    login_concurrency: int = Field(
        default=2,
        ge=1,
        description="Password checks run at once (each takes 64 MiB); more get 429 at once.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses of the reverse proxies in front of the app, whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; none by default, so no "
        "caller can choose the address its logins are counted under.",
    )
    lockout_seconds: float = Field(
        default=60,
        gt=0,
        description="The first lockout; each further failure while locked doubles it, up to "
        "15 minutes.",
    )
    warm_seconds: float = Field(
        default=5,
        ge=0,
        description="How often to look for a new import and run every canned query for the "
        "result cache in the background; 0 turns that off.",
    )

    @property
    def upload_limit(self) -> int:
        """The largest upload, in bytes."""
        return int(self.max_upload_mb * (1 << 20))

    @field_validator("allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`LIANFANG_ALLOWED_HOSTS=risk.example.gov.cn,10.0.0.5`."""
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value
