"""Every command the README shows, run as written, in its order, on the demo.

The README's examples are written as of the demo's review date (its registers stop at
the end of 2025), so they run with LIANFANG_TODAY=2025-12-31. The files a reader is
assumed to have (their own registers, a printed table) are set in place first, from the
test's own data and the published fixtures. Only what cannot run here is left out, each
with its reason below; a new command added to the README runs here from then on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
from registers_data import SHEETS, write_csv_folder, write_workbook

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
PUBLISHED = Path(__file__).parent / "fixtures" / "published"
DEMO_DAY = "2025-12-31"
PASSWORD = "readme-Passw0rd-2026"

# Commands (or their beginnings) that are not run here, and why.
NOT_RUN = {
    "python3 -m venv": "the install-and-serve line: installing is what CI itself does",
    "bash scripts/install-system-deps.sh": "the test command: this test is part of it",
    "export LIANFANG_STORE=neo4j://graph.example.org": "a Neo4j server of the reader's",
    "LIANFANG_ALLOWED_HOSTS=": "serves until stopped (tests/test_serve.py starts it)",
}
# Inline mentions of a command in prose: names and flags, not commands to run.
MENTIONS = {
    "lianfang serve",
    "lianfang map",
    "lianfang map --layout force",
    "lianfang report",
    "lianfang ingest",
    "lianfang user disable",
    "lianfang user passwd",
    "lianfang db stop",
    "lianfang queries --lang en",
    "lianfang --data-dir /srv/lianfang status",
    "lianfang …",
}


SYNOPSIS = re.compile(r"\[|\b[A-Z]{2,}\b")


def readme_commands() -> list[str]:
    """The README's commands: each line of a `sh` block, then inline `lianfang …` spans
    that are not mentions, in the order they appear."""
    text = README.read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"```sh\n(.*?)```", text, flags=re.S):
        for offset, line in enumerate(block.group(1).splitlines()):
            if line.strip() and not line.lstrip().startswith("#"):
                found.append((block.start() + offset, line.strip()))
    prose = re.sub(r"```.*?```", lambda m: " " * len(m.group(0)), text, flags=re.S)
    for span in re.finditer(r"`([^`\n]*(?:\n[^`\n]*)?)`", prose):
        line_start = prose.rfind("\n", 0, span.start()) + 1
        if prose[line_start : span.start()].lstrip().startswith("|"):
            continue  # the CLI table's usage lines, with placeholders
        command = " ".join(span.group(1).split())
        if SYNOPSIS.search(command):
            continue  # a usage synopsis: `[--scale N]`, `snapshot delete NAME`
        if command.startswith("lianfang ") and command not in MENTIONS:
            found.append((span.start(), command))
    return [command for _, command in sorted(found)]


def _placed(work: Path) -> None:
    """What the README supposes a reader has beside them."""
    write_csv_folder(work / "registers")
    scaled = {
        **SHEETS,
        "risks": [
            {**r, "level": {"H": "A", "高": "A", "二级": "B", "低": "C"}.get(r["level"], "B")}
            for r in SHEETS["risks"]
        ],
    }
    write_workbook(work / "村委会.xlsx", scaled)
    (work / "等级.yaml").write_text("风险等级: {A: 高, B: 中, C: 低}\n", encoding="utf-8")
    shutil.copy(PUBLISHED / "张掖市国家税务局一览表.docx", work / "一览表.docx")
    shutil.copy(PUBLISHED / "葛洲坝第二工程有限公司.xlsx", work / "防控表.xlsx")
    (work / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)


def _environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANFANG_", "NEO4J_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        LIANFANG_DATA=str(work / "lianfang-data"),
        LIANFANG_TODAY=DEMO_DAY,
        PASSWORD=PASSWORD,
        COLUMNS="160",
    )
    return env


def test_the_readme_commands_are_found() -> None:
    commands = readme_commands()
    assert commands[0].startswith("python3 -m venv") and len(commands) > 45
    assert any(c.startswith("lianfang rectify open ") for c in commands)
    assert not [c for c in commands if "…" in c and not c.startswith("export ")]


def test_every_readme_command_runs_on_the_demo(tmp_path: Path) -> None:
    _placed(tmp_path)
    env = _environment(tmp_path)
    ran, failed = 0, []
    for command in readme_commands():
        if any(command.startswith(start) for start in NOT_RUN):
            continue
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=600,
        )
        ran += 1
        if done.returncode != 0:
            failed.append(f"{command}\n  exit {done.returncode}: {done.stderr.strip()[-400:]}")
    assert failed == [], "\n".join(failed)
    assert ran > 40
    review = openpyxl.load_workbook(tmp_path / "财政局.xlsx")
    assert review.sheetnames[0] == "封面"
    assert (tmp_path / "年度报告.docx").stat().st_size > 50_000
