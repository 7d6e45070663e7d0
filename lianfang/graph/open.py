"""Choose and open the configured store; the only place that knows every engine."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from lianfang.graph.settings import StoreSettings
from lianfang.graph.store import ConfigError, GraphStore

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
FALKOR_SCHEMES = ("falkordb", "redis")


def _falkor_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    try:
        port = parts.port or 6379
    except ValueError:
        raise ConfigError(f"LIANFANG_STORE: {url!r} has a bad port") from None
    if not parts.hostname:
        raise ConfigError(f"LIANFANG_STORE: {url!r} names no host (falkordb://host:port)")
    return parts.hostname, port


def open_store(settings: StoreSettings | None = None) -> GraphStore:
    """Open the store that LIANFANG_STORE names; the embedded one when it is empty."""
    settings = settings or StoreSettings()
    url = settings.store.strip()
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if not url or url == "embedded":
        from lianfang.graph.falkor_store import EmbeddedFalkorStore

        embedded = EmbeddedFalkorStore(Path(settings.data), settings.graph)
        embedded.in_place_rows = settings.in_place_rows
        return embedded
    if scheme in FALKOR_SCHEMES:
        from lianfang.graph.falkor_store import external_falkor_store

        host, port = _falkor_address(url)
        store = external_falkor_store(host, port, settings.graph)
        store.in_place_rows = settings.in_place_rows
        return store
    if scheme in NEO4J_SCHEMES:
        from lianfang.graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            url, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database
        )
    raise ConfigError(
        f"LIANFANG_STORE: unknown store URL {url!r}; use neo4j://host:7687, bolt://host:7687, "
        "falkordb://host:6379, or leave it empty for the embedded store"
    )
