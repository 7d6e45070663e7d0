"""Where the graph lives, read once from the environment (and CLI flags on top)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# FalkorDB: up to this many rows an import is one query in place (a county's registers
# are ~20k rows; ten counties, 188k rows, landed in 8 s in a scale-100 graph, where the
# staging graph's carry alone takes about a minute); beyond it, a staging graph.
IN_PLACE_ROWS = 200_000


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
    in_place_rows: int = Field(
        default=IN_PLACE_ROWS,
        ge=0,
        description="FalkorDB: an import of up to this many rows is written in place as "
        "one query; a larger one is built in a staging graph and swapped in.",
    )
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
