"""Watching which queries a store is asked to read, while the real engine answers them."""

from __future__ import annotations

from typing import Any

import pytest

from lianfang.graph.store import GraphStore


def record_reads(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Cypher of every read the store is asked for from now on, in order."""
    asked: list[str] = []
    read = store.read

    def recording(cypher: str, params: Any = None) -> list[dict[str, Any]]:
        asked.append(cypher)
        return read(cypher, params)

    monkeypatch.setattr(store, "read", recording)
    return asked


def profile_reads(asked: list[str]) -> int:
    """How many times unit-risk-profile was computed by the engine."""
    return sum("MATCH (home:Unit)" in cypher for cypher in asked)
