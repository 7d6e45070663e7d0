"""lianfang as users install it: one wheel, one `lianfang` package, layers that only
look down. The wheel is built and installed into a fresh venv, outside this checkout."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
GENERIC = ("graph", "ingest", "queries", "api", "viz", "reports", "cli")


def test_no_layer_is_importable_under_a_generic_name() -> None:
    for name in GENERIC:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(name)


def test_layers_only_look_down() -> None:
    """The import-linter contracts in pyproject.toml: graph < ingest, queries < viz,
    reports < api < cli; only graph/ reads the neomodel classes; routes stay apart."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(out.glob("lianfang-*.whl"))


def test_the_wheel_carries_every_module_and_data_file(wheel: Path) -> None:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    source = ROOT / "lianfang"
    wanted = {
        path.relative_to(ROOT).as_posix()
        for path in source.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert wanted - shipped == set()
    assert {name.split("/")[0] for name in shipped if not name.startswith("lianfang-")} == {
        "lianfang"
    }


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, not editable. Its dependencies come from
    this test venv's site-packages (a .pth line), so nothing is downloaded; lianfang
    itself comes only from the wheel."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)
    python = home / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = next(p for p in sys.path if p.endswith("site-packages") and sys.prefix in p)
    Path(site, "deps-from-test-venv.pth").write_text(ours + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return home


def _run(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=home, capture_output=True, text=True, timeout=300, **kwargs)


def test_the_installed_package_is_the_wheel_and_nothing_generic(installed: Path) -> None:
    python = str(installed / "bin" / "python")
    where = _run(installed, python, "-c", "import lianfang; print(lianfang.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(installed) in where.stdout and str(ROOT) not in where.stdout
    generic = _run(installed, python, "-c", "import queries")
    assert generic.returncode != 0 and "No module named 'queries'" in generic.stderr
    helped = _run(installed, str(installed / "bin" / "lianfang"), "--help")
    assert helped.returncode == 0 and "ingest" in helped.stdout


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "LIANFANG_DATA": str(tmp_path / "data")}
    server = subprocess.Popen(
        [str(installed / "bin" / "lianfang"), "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/api/stats", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_the_installed_wheel_serves_the_demo(served: str) -> None:
    with urllib.request.urlopen(served + "/", timeout=30) as page:
        html = page.read().decode("utf-8")
    assert "廉防" in html and "/static/" in html
    with urllib.request.urlopen(served + "/static/app.css", timeout=30) as css:
        assert css.status == 200
    with urllib.request.urlopen(served + "/maps/unit/C01B02", timeout=120) as unit_map:
        drawn = unit_map.read().decode("utf-8")
    assert "vis-network" in drawn and 'id="map-data"' in drawn
    for script in ("/static/vis/vis-network.min.js", "/static/map/map.js", "/static/map/map.css"):
        with urllib.request.urlopen(served + script, timeout=30) as asset:
            assert asset.status == 200 and len(asset.read()) > 1000, script
