"""Where the graph lives, read once from the environment (and CLI flags on top)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreSettings(BaseSettings):
    """Store configuration. Field names double as the setting names in error messages."""

    model_config = SettingsConfigDict(env_prefix="LIANFANG_", extra="ignore")

    store: str = Field(
        default="",
        description="Store URL: empty for the embedded FalkorDB, falkordb://host:port, "
        "or neo4j:// / bolt:// / neo4j+s:// for Neo4j.",
    )
    data: Path = Field(
        default=Path("lianfang-data"),
        description="Data directory of the embedded store.",
    )
    graph: str = Field(default="lianfang", description="Graph (FalkorDB) name.")
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "LIANFANG_NEO4J_USER")
    )
    neo4j_password: str = Field(
        default="",
        validation_alias=AliasChoices("NEO4J_PASSWORD", "LIANFANG_NEO4J_PASSWORD"),
    )
    neo4j_database: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_DATABASE", "LIANFANG_NEO4J_DATABASE"),
    )
