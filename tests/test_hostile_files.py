"""Small hostile files must not exhaust lianfang: each is refused (or read as it really
is) with a clear message, in bounded memory, and the graph stays as it was."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from graph_dump import dump
from registers_data import SHEETS, write_csv_folder, write_workbook
from web import LOCAL

from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.issues import MAX_LISTED, IngestFailed
from lianfang.ingest.load import load

PEAK_CEILING_MB = 400  # the checking process, all in: Python, openpyxl, the registers


def rewrite_member(path: Path, member_ending: str, edit) -> Path:
    """The workbook with one XML member rewritten by `edit(text) -> text or chunks`."""
    source = zipfile.ZipFile(path)
    out = path.with_name("hostile-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(member_ending):
                with target.open(info.filename, "w") as handle:
                    for chunk in edit(data.decode("utf-8")):
                        handle.write(chunk.encode("utf-8"))
            else:
                target.writestr(info, data)
    return out


def sheet_member(path: Path, title: str) -> str:
    """The worksheet XML member that holds the sheet with this title."""
    import openpyxl

    index = openpyxl.load_workbook(path, read_only=True).sheetnames.index(title) + 1
    return f"worksheets/sheet{index}.xml"


def checked_in_subprocess(path: Path, env: dict[str, str] | None = None) -> dict:
    """Check a workbook (no store) in a fresh process; its peak memory and outcome."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from lianfang.ingest.issues import IngestFailed\n"
        "from lianfang.ingest.load import load\n"
        "try:\n"
        "    load(Path(sys.argv[1]), None)\n"
        "    outcome = {'ok': True, 'errors': [], 'rows': []}\n"
        "except IngestFailed as failed:\n"
        "    errors = [i for i in failed.issues if i.is_error]\n"
        "    outcome = {'ok': False, 'errors': [i.en for i in errors],\n"
        "               'rows': [i.row for i in errors]}\n"
        "status = Path('/proc/self/status').read_text()\n"
        "peak = next(l for l in status.splitlines() if l.startswith('VmHWM:'))\n"
        "outcome['peak_mb'] = int(peak.split()[1]) / 1024\n"
        "print(json.dumps(outcome))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=280,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_declared_dimension_is_not_read_as_rows(tmp_path: Path) -> None:
    """`A1:XFD1048576` declared on a small sheet: read as the rows it really has (padding
    every declared row cost a millisecond each, some 18 minutes for this one)."""
    path = write_workbook(tmp_path / "org.xlsx")
    member = sheet_member(path, "风险点")
    hostile = rewrite_member(
        path,
        member,
        lambda xml: [xml.replace('<dimension ref="', '<dimension ref="A1:XFD1048576" x="')],
    )
    outcome = checked_in_subprocess(hostile)
    assert outcome["ok"], outcome["errors"]
    assert outcome["peak_mb"] < PEAK_CEILING_MB


def test_a_zip_bomb_of_empty_rows_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    member = sheet_member(path, "风险点")

    def bomb(xml: str):
        head, tail = xml.split("</sheetData>")
        yield head
        for _ in range(30):  # three million empty rows, all alike: they compress to nothing
            yield "<row/>" * 100_000
        yield "</sheetData>" + tail

    hostile = rewrite_member(path, member, bomb)
    assert hostile.stat().st_size < 500_000  # small on disk
    outcome = checked_in_subprocess(hostile)
    assert not outcome["ok"]
    [error] = outcome["errors"]
    assert "inflates" in error and member in error and "LIANFANG_MAX_COMPRESSION_RATIO" in error
    assert outcome["peak_mb"] < PEAK_CEILING_MB


def test_rows_over_the_limit_are_refused(tmp_path: Path) -> None:
    outcome = checked_in_subprocess(
        write_workbook(tmp_path / "org.xlsx"), env={"LIANFANG_MAX_ROWS": "4"}
    )
    assert not outcome["ok"]
    assert any("more than 4 rows" in e and "LIANFANG_MAX_ROWS" in e for e in outcome["errors"])


def test_a_workbook_with_a_dtd_is_refused(tmp_path: Path, store) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    member = sheet_member(path, "单位")
    entity = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    hostile = rewrite_member(path, member, lambda xml: [entity + xml])
    before = dump(store)
    with pytest.raises(IngestFailed) as failed:
        load(hostile, store)
    [error] = [i for i in failed.value.issues if i.is_error]
    assert "DTD" in error.en
    assert dump(store) == before


def test_the_error_list_is_capped_with_the_total_kept(tmp_path: Path) -> None:
    sheets = copy.deepcopy(SHEETS)
    template = sheets["risks"][0]
    sheets["risks"] = [
        {**template, "risk_id": f"K{n}", "level": "很高"} for n in range(MAX_LISTED + 500)
    ]
    with pytest.raises(IngestFailed) as failed:
        load(write_csv_folder(tmp_path / "csv", sheets), None)
    errors = [i for i in failed.value.issues if i.is_error]
    assert failed.value.error_count == MAX_LISTED + 500
    assert len(errors) == MAX_LISTED + 1
    assert errors[-1].en == "and 500 more errors of the same kinds"


@pytest.fixture
def small_uploads(data_dir: Path):
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        settings = AppSettings(max_upload_mb=1)
        with TestClient(create_app(store=store, settings=settings), base_url=LOCAL) as client:
            yield client, store


def test_an_upload_over_the_limit_is_refused_while_it_streams(data_dir: Path) -> None:
    """A real server and a raw socket: the 413 arrives while the client is still sending,
    long before the 64 MB it offers (the limit is 1 MB)."""
    import socket
    from urllib.parse import urlsplit

    from browser import serving

    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        before = dump(store)
        app = create_app(store=store, settings=AppSettings(max_upload_mb=1))
        with serving(app) as url:
            address = urlsplit(url)
            conn = socket.create_connection((address.hostname, address.port), timeout=30)
            head = (
                "POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            )
            conn.sendall(head.encode())
            part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
            conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            sent, reply = 0, b""
            conn.settimeout(0.05)
            chunk = b"\0" * (256 << 10)
            while sent < 64 << 20 and b"\r\n\r\n" not in reply:
                try:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                    reply += conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:  # the server closed the connection after its answer
                    break
            conn.settimeout(10)
            with contextlib.suppress(OSError):
                reply += conn.recv(65536)
            conn.close()
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert b"1 MB" in reply
        assert sent < 16 << 20  # answered while the client was still sending
        assert dump(store) == before


def test_a_zip_whose_csv_inflates_too_far_is_refused(small_uploads, tmp_path: Path) -> None:
    client, _store = small_uploads
    archive = io.BytesIO()
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out,
        out.open("risks.csv", "w") as member,
    ):
        for _ in range(400):  # 400 MB of one repeated byte, compressed to ~0.4 MB
            member.write(b"0" * (1 << 20))
    response = client.post("/api/ingest", files={"file": ("registers.zip", archive.getvalue())})
    assert response.status_code == 422
    assert "inflates" in response.json()["detail"]


def with_far_cell(path: Path, title: str, reference: str) -> Path:
    """The workbook with one more cell, far out on the sheet with this title."""
    row = re.fullmatch(r"[A-Z]+(\d+)", reference).group(1)
    cell = f'<row r="{row}"><c r="{reference}"><v>1</v></c></row></sheetData>'
    return rewrite_member(
        path, sheet_member(path, title), lambda xml: [xml.replace("</sheetData>", cell)]
    )


def test_a_cell_beyond_the_caps_is_refused_before_any_grid(tmp_path: Path) -> None:
    """One cell at XFD1048576 (the last cell Excel has) made calamine ask for 512 GiB and
    abort the process; now a one-line error names the sheet and the cell."""
    hostile = with_far_cell(write_workbook(tmp_path / "org.xlsx"), "单位", "XFD1048576")
    assert hostile.stat().st_size < 100_000
    outcome = checked_in_subprocess(hostile)
    assert not outcome["ok"]
    [error] = outcome["errors"]
    assert "'单位'" in error and "XFD1048576" in error and "\n" not in error
    assert outcome["peak_mb"] < 300


def test_a_far_cell_within_the_caps_costs_what_the_cells_cost(tmp_path: Path) -> None:
    """A cell at T1048576 is within the caps (a sheet may have a million rows), but a grid
    to it cost a gigabyte: such a sheet is read cell by cell, and the stray cell is seen
    where it is (a row with blank required cells)."""
    hostile = with_far_cell(write_workbook(tmp_path / "org.xlsx"), "单位", "T1048576")
    outcome = checked_in_subprocess(hostile)
    assert not outcome["ok"]
    assert outcome["rows"] and set(outcome["rows"]) == {1048576}
    assert outcome["peak_mb"] < 300


def test_the_server_answers_after_a_far_cell_upload(small_uploads, tmp_path: Path) -> None:
    client, store = small_uploads
    before = dump(store)
    for reference in ("XFD1048576", "T1048576"):
        hostile = with_far_cell(write_workbook(tmp_path / f"{reference}.xlsx"), "单位", reference)
        response = client.post(
            "/api/ingest",
            files={"file": (hostile.name, hostile.read_bytes())},
            data={"dry_run": "true"},
        )
        assert response.status_code == 422, response.text
        assert reference[1:] in response.text
    assert client.get("/healthz").status_code == 200
    assert dump(store) == before


def test_a_nul_anywhere_in_a_csv_is_refused_by_the_dry_run(tmp_path: Path) -> None:
    """A NUL after the first 4 KB passed the check and failed the real import in the
    engine: every cell is checked, so the dry run answers as the import will."""
    sheets = copy.deepcopy(SHEETS)
    template = sheets["risks"][0]
    sheets["risks"] = [{**template, "risk_id": f"K{n}"} for n in range(80)]
    sheets["controls"] = [{**sheets["controls"][0], "risks": "K0"}]
    folder = write_csv_folder(tmp_path / "csv", sheets)
    risks = folder / "risks.csv"
    data = risks.read_bytes()
    assert len(data) > 4096
    last = data.rstrip(b"\r\n").rsplit(b"\n", 1)[1]
    risks.write_bytes(data.replace(last, last.replace(b"K79", b"K7\x009")))
    with pytest.raises(IngestFailed) as failed:
        load(folder, None)
    [error] = [i for i in failed.value.issues if i.is_error]
    assert "NUL" in error.en and error.row == 81 and error.column == "A"


def test_an_escaped_nul_in_a_workbook_is_refused(tmp_path: Path) -> None:
    """`_x0000_` is how OOXML escapes a NUL; the readers turn it into one."""
    path = write_workbook(tmp_path / "org.xlsx")
    hostile = rewrite_member(
        path, sheet_member(path, "单位"), lambda xml: [xml.replace("</t>", "_x0000_</t>", 1)]
    )
    with pytest.raises(IngestFailed) as failed:
        load(hostile, None)
    [error] = [i for i in failed.value.issues if i.is_error]
    assert "NUL" in error.en and error.row is not None
