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


def _held_warmer(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The warmer, once it has prepared the first state, stops at the start of the next
    until released: (it is holding, release it)."""
    from lianfang.api import warmer

    holding, release = threading.Event(), threading.Event()
    rounds = {"n": 0}
    real = warmer.stats

    def stats(store):  # type: ignore[no-untyped-def]
        rounds["n"] += 1
        if rounds["n"] > 1:
            holding.set()
            assert release.wait(30)
        return real(store)

    monkeypatch.setattr(warmer, "stats", stats)
    return holding, release


def _has_department(client: TestClient) -> bool:
    rows = client.get("/api/queries/unit-risk-profile").json()["rows"]
    return any("稽查大队" in str(row) for row in rows)


def test_while_another_import_is_prepared_readers_get_the_state_before(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers do not wait for, or compute beside, the warmer: they are answered from
    the last prepared state until the new one's answer is ready."""
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), store)
    holding, release = _held_warmer(monkeypatch)
    asked = record_reads(store, monkeypatch)
    app = create_app(settings=AppSettings(warm_seconds=0.1), store=store)
    with TestClient(app, base_url=LOCAL) as client:
        deadline = time.monotonic() + 30
        while profile_reads(asked) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        with EmbeddedFalkorStore(data_dir, "lianfang") as other:
            load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), other)
        assert holding.wait(30)  # the warmer has seen the import and is preparing it
        time.sleep(0.3)  # the app's own look at the state token is renewed
        before = profile_reads(asked)
        assert not _has_department(client)  # the state before, at once
        assert profile_reads(asked) == before  # nothing computed for it
        release.set()
        while not _has_department(client):
            assert time.monotonic() < deadline, "the new state was never served"
            time.sleep(0.05)
    store.close()


def test_a_state_this_process_made_is_never_answered_from_the_one_before(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx"), store)
    holding, release = _held_warmer(monkeypatch)
    app = create_app(settings=AppSettings(warm_seconds=0.1), store=store)
    try:
        with TestClient(app, base_url=LOCAL) as client:
            assert not _has_department(client)
            load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), store)
            assert holding.wait(30)
            assert _has_department(client)  # computed for the new state, not the old
            release.set()
    finally:
        release.set()
        store.close()


def _recorded_runs(
    monkeypatch: pytest.MonkeyPatch, fail: str | None = None
) -> tuple[list[str], dict[str, int]]:
    """The warmer's canned queries recorded instead of run: (the ids begun, the most at
    once); the query `fail` raises StoreError as a lost engine would."""
    from lianfang.api import warmer
    from lianfang.graph.store import StoreError

    begun: list[str] = []
    running = {"now": 0, "most": 0}
    lock = threading.Lock()

    def run(store: object, query_id: str) -> None:
        with lock:
            begun.append(query_id)
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        try:
            time.sleep(0.02)
            if query_id == fail:
                raise StoreError("lost the connection to FalkorDB")
        finally:
            with lock:
                running["now"] -= 1

    monkeypatch.setattr(warmer, "run", run)
    return begun, running


def test_the_library_is_prepared_two_queries_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from lianfang.api import warmer
    from lianfang.queries.spec import library

    begun, running = _recorded_runs(monkeypatch)
    warmer._library(object(), threading.Event())  # type: ignore[arg-type]
    assert sorted(begun) == sorted(library())
    assert running["most"] == warmer.LIBRARY_WORKERS == 2


def test_a_failing_query_ends_the_library_and_a_stop_skips_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warmer says what failed and tries again later: the queries not begun are not
    run; after a stop, none is begun."""
    from lianfang.api import warmer
    from lianfang.graph.store import StoreError
    from lianfang.queries.spec import library

    first = next(iter(library()))
    begun, _ = _recorded_runs(monkeypatch, fail=first)
    with pytest.raises(StoreError, match="lost the connection"):
        warmer._library(object(), threading.Event())  # type: ignore[arg-type]
    assert first in begun and len(begun) < len(library()) // 2

    begun.clear()
    stopped = threading.Event()
    stopped.set()
    warmer._library(object(), stopped)  # type: ignore[arg-type]
    assert begun == []
