"""The web app prepares every canned query's answer after an import it did not make."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reads import profile_reads, record_reads
from registers_data import DEPARTMENT, write_workbook
from web import LOCAL

from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load


def test_an_import_by_another_process_is_answered_from_the_cache(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), store)
    asked = record_reads(store, monkeypatch)
    app = create_app(settings=AppSettings(warm_seconds=0.2), store=store)
    with TestClient(app, base_url=LOCAL) as client:
        deadline = time.monotonic() + 30
        while profile_reads(asked) < 1:  # the state the app started on
            assert time.monotonic() < deadline, "the app never prepared the queries"
            time.sleep(0.05)
        # Another process imports a department: the app notices and prepares again.
        with EmbeddedFalkorStore(data_dir, "lianfang") as other:
            load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), other)
        while profile_reads(asked) < 2:
            assert time.monotonic() < deadline, "the app never noticed the import"
            time.sleep(0.05)
        time.sleep(0.5)  # let it finish the round
        before = profile_reads(asked)
        response = client.get("/api/queries/unit-risk-profile")
        assert response.status_code == 200
        assert any("稽查大队" in str(row) for row in response.json()["rows"])
        assert profile_reads(asked) == before  # answered from what was prepared
    store.close()


def test_preparing_can_be_turned_off(data_dir: Path, tmp_path: Path) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        load(write_workbook(tmp_path / "org.xlsx"), store)
        app = create_app(settings=AppSettings(warm_seconds=0), store=store)
        with TestClient(app, base_url=LOCAL):
            assert "lianfang-warmer" not in [t.name for t in threading.enumerate()]
