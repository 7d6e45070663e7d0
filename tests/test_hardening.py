"""Bad input gets a clear 4xx or a one-line error, never a 500 or a raw terminal escape."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from registers_data import SHEETS, write_csv_folder, write_workbook
from servers import cli
from web import LOCAL

from lianfang.api.main import create_app
from lianfang.cli.support import printable
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import run

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"


@pytest.fixture
def client(data_dir: Path, tmp_path: Path):
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        load(write_workbook(tmp_path / "org.xlsx"), store)
        with TestClient(
            create_app(store=store), raise_server_exceptions=False, base_url=LOCAL
        ) as client:
            yield client


@pytest.mark.parametrize(
    "url",
    [
        "/api/nodes/Unit/U1%00x",
        "/api/search?q=a%00b",
        "/maps/unit/U1%00",
        "/api/drift?from=a%00",
        "/api/queries/rotation-due?as_of=2025-01-01%1b",
        "/api/reports/review.html?unit=U%01",
        "/nodes/Unit/U%7f1",
    ],
)
def test_a_control_character_anywhere_is_a_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422 and "control character" in response.json()["detail"]


def test_integer_parameters_are_bounded(client: TestClient) -> None:
    huge = client.get("/api/queries/rotation-due?within_months=9223372036854775807")
    assert huge.status_code == 422 and "above the maximum" in huge.json()["detail"]
    assert client.get("/api/queries/rotation-due?within_months=1200").status_code == 200


def test_a_control_character_in_a_parameter_is_refused_before_the_store(
    data_dir: Path,
) -> None:
    with (
        EmbeddedFalkorStore(data_dir, "lianfang") as store,
        pytest.raises(ParameterError, match="control character"),
    ):
        run(store, "unit-risk-profile", {"unit": "U1\x00"})
    result = cli(data_dir, "query", "unit-risk-profile", "-p", "unit=U1\x1b")
    assert result.returncode == 2 and "control character" in result.stderr


def test_register_text_reaches_a_terminal_with_its_escapes_shown(
    data_dir: Path, tmp_path: Path
) -> None:
    sheets = copy.deepcopy(SHEETS)
    sheets["units"][0]["name"] = f"县市场监管局{ESCAPES}"
    # A CSV carries them (a workbook cannot): as a file exported by another system would.
    result = cli(data_dir, "ingest", str(write_csv_folder(tmp_path / "csv", sheets)))
    assert result.returncode == 0, result.stderr
    shown = cli(data_dir, "cypher", "MATCH (u:Unit {uid: 'U1'}) RETURN u.name AS name")
    assert "\x1b" not in shown.stdout and "\\x1b]0;pwned\\x07\\x1b[2J" in shown.stdout
    assert printable("a\tb\nc\x00").plain == "a\tb\nc\\x00"


def test_a_killed_imports_staging_graph_is_dropped_on_the_next_start(data_dir: Path) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        store.write("CREATE (:Unit {uid: 'U1', source: 't'})")
        store.db.select_graph("lianfang__staging").query("CREATE (:Unit {uid: 'half'})")
        assert "lianfang__staging" in store.db.list_graphs()
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert "lianfang__staging" not in store.db.list_graphs()
        assert store.read("MATCH (u:Unit) RETURN u.uid AS uid") == [{"uid": "U1"}]


def test_upload_folders_of_a_killed_server_are_removed_at_start(data_dir: Path) -> None:
    import os
    import tempfile

    from lianfang.api.uploads import UPLOAD_PREFIX

    root = Path(tempfile.gettempdir())
    dead = root / f"{UPLOAD_PREFIX}999999999-left"  # no such pid
    mine = root / f"{UPLOAD_PREFIX}{os.getpid()}-busy"
    for folder in (dead, mine):
        folder.mkdir(exist_ok=True)
        (folder / "registers.xlsx").write_bytes(b"x")
    try:
        with (
            EmbeddedFalkorStore(data_dir, "lianfang") as store,
            TestClient(create_app(store=store), base_url=LOCAL),
        ):
            assert not dead.exists() and mine.exists()
    finally:
        for folder in (dead, mine):
            if folder.exists():
                for child in folder.iterdir():
                    child.unlink()
                folder.rmdir()


FUZZ = (
    "",
    "x",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "2025-13-45",
    "高",
    "'; MATCH (n) DETACH DELETE n //",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%",
    "{}",
    "[1,2]",
    "a" * 5000,
)


def test_no_route_answers_500_to_fuzzed_parameters(client: TestClient) -> None:
    """Every GET route of the OpenAPI document, each parameter in turn given each fuzz
    value, the others their first value: a clear 4xx or a page, never a 500."""
    spec = client.get("/openapi.json").json()
    tried = 0
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        names = [(p["name"], p["in"]) for p in get.get("parameters", [])]
        for target, _where in [*names, ("", "")]:
            for value in FUZZ[:5] if not target else FUZZ:
                url, query = path, {}
                for name, where in names:
                    chosen = value if name == target else "x"
                    if where == "path":
                        url = url.replace("{" + name + "}", chosen or "x")
                    elif name == target:
                        query[name] = chosen
                response = client.get(url, params=query)
                tried += 1
                assert response.status_code < 500, (url, query, response.text[:300])
    assert tried > 200
    saved = [client.post("/api/snapshots", json=body) for body in ({}, {"name": ""}, [1])]
    assert all(r.status_code == 422 for r in saved), [r.text for r in saved]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 600 KB filesystem for the data directory (needs root, as CI and this machine)."""
    import subprocess as sp

    mount = tmp_path / "tiny"
    mount.mkdir()
    done = sp.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    try:
        yield mount
    finally:
        sp.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_said_with_its_path(tiny_disk: Path, tmp_path: Path) -> None:
    from lianfang.ingest.demo import generate
    from lianfang.ingest.writers import write_workbook as write_demo

    demo = write_demo(tmp_path / "demo.xlsx", generate(1, 2024))
    data = tiny_disk / "data"
    result = cli(data, "ingest", str(demo))
    assert result.returncode == 1
    assert f"the disk holding {data} is full" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    counted = cli(data, "cypher", "MATCH (n) RETURN count(n) AS n", "-f", "csv")
    assert counted.stdout.splitlines()[-1] == "0"  # nothing of the import was kept


def test_a_full_disk_is_said_by_the_api_too(tiny_disk: Path, tmp_path: Path) -> None:
    from lianfang.ingest.demo import generate
    from lianfang.ingest.writers import write_workbook as write_demo

    demo = write_demo(tmp_path / "demo.xlsx", generate(1, 2024))
    data = tiny_disk / "data"
    with (
        EmbeddedFalkorStore(data, "lianfang") as store,
        TestClient(create_app(store=store), raise_server_exceptions=False, base_url=LOCAL) as api,
        demo.open("rb") as handle,
    ):
        response = api.post("/api/ingest", files={"file": ("demo.xlsx", handle)})
    assert response.status_code == 503, response.text[:300]
    assert f"the disk holding {data} is full" in response.json()["detail"]
