"""The web app prepares every canned query's answer after an import it did not make."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from registers_data import DEPARTMENT, write_workbook

from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load


def _profiles(asked: list[str]) -> int:
    return sum("MATCH (home:Unit)" in cypher for cypher in asked)


def test_an_import_by_another_process_is_answered_from_the_cache(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), store)
    asked: list[str] = []
    read = store.read

    def counting(cypher: str, params: Any = None) -> list[dict[str, Any]]:
        asked.append(cypher)
        return read(cypher, params)

    monkeypatch.setattr(store, "read", counting)
    app = create_app(settings=AppSettings(warm_seconds=0.2), store=store)
    with TestClient(app) as client:
        deadline = time.monotonic() + 30
        while _profiles(asked) < 1:  # the state the app started on
            assert time.monotonic() < deadline, "the app never prepared the queries"
            time.sleep(0.05)
        # Another process imports a department: the app notices and prepares again.
        with EmbeddedFalkorStore(data_dir, "lianfang") as other:
            load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), other)
        while _profiles(asked) < 2:
            assert time.monotonic() < deadline, "the app never noticed the import"
            time.sleep(0.05)
        time.sleep(0.5)  # let it finish the round
        before = _profiles(asked)
        response = client.get("/api/queries/unit-risk-profile")
        assert response.status_code == 200
        assert any("稽查大队" in str(row) for row in response.json()["rows"])
        assert _profiles(asked) == before  # answered from what was prepared
    store.close()


def test_preparing_can_be_turned_off(data_dir: Path, tmp_path: Path) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        load(write_workbook(tmp_path / "org.xlsx"), store)
        app = create_app(settings=AppSettings(warm_seconds=0), store=store)
        with TestClient(app):
            assert "lianfang-warmer" not in [t.name for t in threading.enumerate()]
