"""A typed query the engine cannot stop by itself is stopped from outside, in one line,
and the store answers the next query."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from servers import cli

from lianfang.graph import runaway
from lianfang.graph.embedded import EmbeddedServer
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.runaway import resident_bytes
from lianfang.graph.store import QueryError

RANGE = "UNWIND range(1, 1000000000) AS x RETURN count(x)"


def test_a_query_past_its_memory_is_stopped_and_the_store_answers(data_dir: Path) -> None:
    """`range(1, 1e9)` grew the engine to 22 GB in 56 s: FalkorDB checks a query's memory
    capacity only when it allocates records, not while range() builds its list."""
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        started = time.monotonic()
        with pytest.raises(QueryError) as stopped:
            store.read_only(RANGE)
        assert time.monotonic() - started < 15
        assert "1024 MB" in str(stopped.value) and "LIANFANG_QUERY_MEMORY_MB" in str(stopped.value)
        assert store.read("RETURN 1 AS one") == [{"one": 1}]
        pid = EmbeddedServer(data_dir).pid()
        assert pid is not None and (resident_bytes(pid) or 0) < 1 << 30


def test_a_query_past_its_time_is_stopped(data_dir: Path, monkeypatch) -> None:
    short = runaway.Bounds(memory_mb=4096, seconds=1)
    monkeypatch.setattr(runaway, "Bounds", lambda: short)
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        started = time.monotonic()
        with pytest.raises(QueryError) as stopped:
            store.read_only("UNWIND range(1, 100000000) AS x RETURN count(x)")
        assert time.monotonic() - started < 10
        assert "longer than 1 s" in str(stopped.value)
        assert store.read("RETURN 2 AS two") == [{"two": 2}]


def test_the_cli_says_so_in_one_line(data_dir: Path) -> None:
    done = cli(data_dir, "cypher", RANGE)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "LIANFANG_QUERY_MEMORY_MB" in lines[0], done.stderr
    assert cli(data_dir, "cypher", "RETURN 1 AS one").returncode == 0
